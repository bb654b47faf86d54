/* check.h - tiny self-check helpers shared by the guest test programs.
 *
 * Each CHECK prints a FAIL line (with the source line) on a wrong answer and
 * counts it; done() prints "NAME: ok" or "NAME: FAILED (n)" and returns the
 * exit status (0 or 1).  Output never contains addresses, times or ids, so it
 * is byte-identical under qemu-riscv64 and under the simulator. */
#ifndef GUEST_CHECK_H
#define GUEST_CHECK_H
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int g_fail, g_checks;

#define CHECK(cond)                                                      \
  do {                                                                   \
    g_checks++;                                                          \
    if (!(cond)) {                                                       \
      printf("FAIL line %d: %s\n", __LINE__, #cond);                     \
      g_fail++;                                                          \
    }                                                                    \
  } while (0)

#define CHECK_EQ(got, want)                                              \
  do {                                                                   \
    uint64_t got_ = (uint64_t)(got), want_ = (uint64_t)(want);           \
    g_checks++;                                                          \
    if (got_ != want_) {                                                 \
      printf("FAIL line %d: %s = 0x%016" PRIx64 ", expected 0x%016"      \
             PRIx64 "\n", __LINE__, #got, got_, want_);                  \
      g_fail++;                                                          \
    }                                                                    \
  } while (0)

#define CHECK_STR(got, want)                                             \
  do {                                                                   \
    const char *got_ = (got), *want_ = (want);                           \
    g_checks++;                                                          \
    if (strcmp(got_, want_) != 0) {                                      \
      printf("FAIL line %d: %s = \"%s\", expected \"%s\"\n", __LINE__,   \
             #got, got_, want_);                                         \
      g_fail++;                                                          \
    }                                                                    \
  } while (0)

static inline int done(const char *name)
{
  if (g_fail)
    printf("%s: FAILED (%d of %d checks)\n", name, g_fail, g_checks);
  else
    printf("%s: ok (%d checks)\n", name, g_checks);
  return g_fail ? 1 : 0;
}
#endif
