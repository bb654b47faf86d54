#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

int testutil_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

const char *testutil_path(const char *var, const char *rel, char *buf, size_t len)
{
    const char *base = getenv(var);
    ck_assert_msg(base && *base, "environment variable %s is not set (run the test through ctest)", var);
    snprintf(buf, len, "%s/%s", base, rel);
    return buf;
}

char *testutil_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (cap - n - 1 == 0) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        if (len)
            *len = n;
    }
    return buf;
}

size_t testutil_tiny_elf(unsigned char *img, int code)
{
    const uint32_t text[] = {0x00000513u | (uint32_t)(code & 0x7ff) << 20 /* li a0,code */,
                             0x05d00893u /* li a7,93 */, 0x00000073u /* ecall */};
    const size_t off = sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr), len = off + sizeof(text);
    memset(img, 0, TESTUTIL_TINY_ELF_MAX);
    Elf64_Ehdr eh = {.e_type = ET_EXEC, .e_machine = 243 /* EM_RISCV */,
                     .e_version = EV_CURRENT, .e_entry = 0x10000 + off,
                     .e_phoff = sizeof(Elf64_Ehdr), .e_ehsize = sizeof(Elf64_Ehdr),
                     .e_phentsize = sizeof(Elf64_Phdr), .e_phnum = 1};
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    Elf64_Phdr ph = {.p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_vaddr = 0x10000,
                     .p_filesz = len, .p_memsz = len, .p_align = 4096};
    memcpy(img, &eh, sizeof(eh));
    memcpy(img + sizeof(eh), &ph, sizeof(ph));
    memcpy(img + off, text, sizeof(text));
    return len;
}
