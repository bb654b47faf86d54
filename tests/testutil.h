/* Helpers shared by the Check tests. */
#ifndef MMSIM_TESTUTIL_H
#define MMSIM_TESTUTIL_H

#include <check.h>
#include <stddef.h>

/* Run a suite, print Check's summary; returns the process exit status. */
int testutil_run(Suite *s);
/* Path under the environment variable var (MMSIM_SOURCE_DIR,
 * MMSIM_GUEST_DIR, ...): "<$var>/<rel>".  Fails the test loudly if var is
 * unset, so a test never silently skips what it needs. */
const char *testutil_path(const char *var, const char *rel, char *buf, size_t len);
/* A minimal static RISC-V executable (ET_EXEC, one PT_LOAD at 0x10000,
 * entry just after the headers) whose code is `li a0, code; li a7, 93;
 * ecall`: exit(code), code 0..2047.  img must hold TESTUTIL_TINY_ELF_MAX
 * bytes; returns the image's length. */
#define TESTUTIL_TINY_ELF_MAX 256
size_t testutil_tiny_elf(unsigned char *img, int code);
/* Read a whole file (NUL-terminated; *len without the NUL); NULL on error. */
char *testutil_read_file(const char *path, size_t *len);

#endif
