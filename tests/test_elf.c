/* ELF loading and process start-up: validation messages for bad images
 * (each asserted exactly), truncation at every length (never a crash),
 * tiny hand-made executables run to their exit status, guest faults, the
 * unknown-syscall report, and a glibc program from the guest build.
 *
 * The tiny executables are built here byte by byte from the ELF64 and
 * RISC-V specifications: one PT_LOAD (R+X) at 0x10000 holding the headers
 * and the code, so no cross compiler is needed for these tests. */
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "elfload.h"
#include "kernel/mm.h"
#include "mmsim/mmsim.h"
#include "testutil.h"

#define BASE 0x10000u
#define CODE_OFF (sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr))

/* RV64 encodings (unprivileged spec, chapter 2). */
#define ADDI(rd, rs1, imm) ((uint32_t)(imm) << 20 | (rs1) << 15 | (rd) << 7 | 0x13)
#define LD(rd, rs1, imm) ((uint32_t)(imm) << 20 | (rs1) << 15 | 3u << 12 | (rd) << 7 | 0x03)
#define ECALL 0x00000073u
#define A0 10
#define A7 17

struct image {
    uint8_t b[512];
    size_t len;
};

static void build(struct image *im, const uint32_t *code, size_t n)
{
    memset(im, 0, sizeof(*im));
    Elf64_Ehdr *eh = (Elf64_Ehdr *)im->b;
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_EXEC;
    eh->e_machine = 243;
    eh->e_version = EV_CURRENT;
    eh->e_entry = BASE + CODE_OFF;
    eh->e_phoff = sizeof(Elf64_Ehdr);
    eh->e_ehsize = sizeof(Elf64_Ehdr);
    eh->e_phentsize = sizeof(Elf64_Phdr);
    eh->e_phnum = 1;
    Elf64_Phdr *ph = (Elf64_Phdr *)(im->b + sizeof(Elf64_Ehdr));
    ph->p_type = PT_LOAD;
    ph->p_flags = PF_R | PF_X;
    ph->p_offset = 0;
    ph->p_vaddr = ph->p_paddr = BASE;
    ph->p_filesz = ph->p_memsz = CODE_OFF + n * 4;
    ph->p_align = 0x1000;
    memcpy(im->b + CODE_OFF, code, n * 4);
    im->len = CODE_OFF + n * 4;
}

static Elf64_Ehdr *ehdr(struct image *im)
{
    return (Elf64_Ehdr *)im->b;
}

static Elf64_Phdr *phdr(struct image *im)
{
    return (Elf64_Phdr *)(im->b + sizeof(Elf64_Ehdr));
}

static const uint32_t exit7[] = {ADDI(A0, 0, 7), ADDI(A7, 0, 93), ECALL};

/* elf_check's message for an image. */
static int check(struct image *im, char *err, size_t len)
{
    struct elf_info info;
    err[0] = '\0';
    return elf_check(im->b, im->len, "t.elf", &info, err, len);
}

#define ASSERT_BAD(im, msg)                                                    \
    do {                                                                       \
        char e_[512];                                                          \
        ck_assert_int_eq(check(im, e_, sizeof(e_)), MMSIM_ERR_EXEC);           \
        ck_assert_str_eq(e_, "t.elf: cannot execute: " msg);                   \
    } while (0)

START_TEST(valid_tiny_image)
{
    struct image im;
    build(&im, exit7, 3);
    struct elf_info info;
    char err[256];
    ck_assert_int_eq(elf_check(im.b, im.len, "t.elf", &info, err, sizeof(err)), MMSIM_OK);
    ck_assert_uint_eq(info.entry, BASE + CODE_OFF);
    ck_assert_uint_eq(info.phdr, BASE + sizeof(Elf64_Ehdr));  /* phdrs inside the PT_LOAD */
    ck_assert_uint_eq(info.phnum, 1);
    ck_assert_uint_eq(info.phent, 56);
    ck_assert_uint_eq(info.nloads, 1);
    ck_assert_uint_eq(info.brk_start, BASE + 0x1000);
    ck_assert(!info.exec_stack);
}
END_TEST

START_TEST(bad_headers_exact_messages)
{
    struct image im;
    build(&im, exit7, 3);
    im.b[0] = 'X';
    ASSERT_BAD(&im, "not an ELF file (bad magic number)");

    build(&im, exit7, 3);
    im.b[EI_CLASS] = ELFCLASS32;
    ASSERT_BAD(&im, "32-bit ELF (ELFCLASS32); expected ELFCLASS64");
    im.b[EI_CLASS] = 9;
    ASSERT_BAD(&im, "invalid ELF class 9");

    build(&im, exit7, 3);
    im.b[EI_DATA] = ELFDATA2MSB;
    ASSERT_BAD(&im, "big-endian ELF (ELFDATA2MSB); expected little-endian");

    build(&im, exit7, 3);
    im.b[EI_VERSION] = 0;
    ASSERT_BAD(&im, "invalid ELF version 0");

    build(&im, exit7, 3);
    ehdr(&im)->e_machine = 62;
    ASSERT_BAD(&im, "wrong machine 62 (x86-64); expected RISC-V (243)");
    ehdr(&im)->e_machine = 183;
    ASSERT_BAD(&im, "wrong machine 183 (AArch64); expected RISC-V (243)");

    build(&im, exit7, 3);
    ehdr(&im)->e_type = ET_REL;
    ASSERT_BAD(&im, "ELF type 1 (ET_REL, a relocatable object); expected an executable");
    ehdr(&im)->e_type = ET_CORE;
    ASSERT_BAD(&im, "ELF type 4 (ET_CORE, a core dump); expected an executable");

    build(&im, exit7, 3);
    ehdr(&im)->e_phnum = 0;
    ASSERT_BAD(&im, "no program headers");

    build(&im, exit7, 3);
    ehdr(&im)->e_phentsize = 32;
    ASSERT_BAD(&im, "bad program header size 32 (expected 56)");

    build(&im, exit7, 3);
    ehdr(&im)->e_phoff = 0xffffffffffffff00ULL;
    ASSERT_BAD(&im, "program headers extend beyond the end of the file (truncated?)");

    build(&im, exit7, 3);
    ehdr(&im)->e_entry = 0x20000;
    ASSERT_BAD(&im, "entry point 0x20000 is not in an executable segment");

    build(&im, exit7, 3);
    phdr(&im)->p_flags = PF_R;
    ASSERT_BAD(&im, "entry point 0x10078 is not in an executable segment");
}
END_TEST

START_TEST(bad_segments_exact_messages)
{
    struct image im;
    build(&im, exit7, 3);
    phdr(&im)->p_filesz = 0x100000;
    phdr(&im)->p_memsz = 0x100000;
    ASSERT_BAD(&im, "segment 0 (PT_LOAD) extends beyond the end of the file (truncated?)");

    build(&im, exit7, 3);
    phdr(&im)->p_offset = UINT64_MAX - 0xfff;
    phdr(&im)->p_vaddr = (UINT64_MAX - 0xfff) & 0xffffffff;     /* congruent */
    ASSERT_BAD(&im, "segment 0 (PT_LOAD) extends beyond the end of the file (truncated?)");

    build(&im, exit7, 3);
    phdr(&im)->p_memsz = 8;
    ASSERT_BAD(&im, "segment 0: file size exceeds memory size");

    build(&im, exit7, 3);
    phdr(&im)->p_vaddr = BASE + 8;
    ASSERT_BAD(&im, "segment 0: address and file offset differ modulo the page size");

    build(&im, exit7, 3);
    phdr(&im)->p_vaddr = 0;
    ASSERT_BAD(&im, "segment 0 at 0x0+0x84 lies outside the user address space");
    phdr(&im)->p_vaddr = 0x7ffffffffffff000ULL;
    ASSERT_BAD(&im, "segment 0 at 0x7ffffffffffff000+0x84 lies outside the user address space");

    build(&im, exit7, 3);
    phdr(&im)->p_align = 0x3000;
    ASSERT_BAD(&im, "segment 0: alignment 0x3000 is not a power of two");

    build(&im, exit7, 3);
    phdr(&im)->p_type = PT_NOTE;
    ASSERT_BAD(&im, "no loadable (PT_LOAD) segments");
}
END_TEST

/* Two program headers: PT_INTERP or a second, overlapping PT_LOAD. */
static void build2(struct image *im, const Elf64_Phdr *second, const char *extra)
{
    build(im, exit7, 3);
    /* Move the code up to make room for a second phdr. */
    size_t code_off = CODE_OFF + sizeof(Elf64_Phdr);
    memcpy(im->b + code_off, exit7, sizeof(exit7));
    memcpy(im->b + sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr), second, sizeof(*second));
    ehdr(im)->e_phnum = 2;
    ehdr(im)->e_entry = BASE + code_off;
    phdr(im)->p_filesz = phdr(im)->p_memsz = code_off + sizeof(exit7);
    im->len = code_off + sizeof(exit7);
    if (extra) {
        memcpy(im->b + im->len, extra, strlen(extra) + 1);
        im->len += strlen(extra) + 1;
    }
}

START_TEST(interp_and_overlap)
{
    struct image im;
    const char *interp = "/lib/ld-linux-riscv64-lp64d.so.1";
    size_t interp_off = CODE_OFF + sizeof(Elf64_Phdr) + sizeof(exit7);
    Elf64_Phdr ip = {.p_type = PT_INTERP, .p_flags = PF_R, .p_offset = interp_off,
                     .p_filesz = strlen(interp) + 1, .p_memsz = strlen(interp) + 1};
    build2(&im, &ip, interp);
    ASSERT_BAD(&im, "dynamically linked (PT_INTERP /lib/ld-linux-riscv64-lp64d.so.1); "
                    "build with -static");

    /* An interpreter string running past the end of the file is cut. */
    ip.p_filesz = 4096;
    build2(&im, &ip, "/lib/ld.so");
    ASSERT_BAD(&im, "dynamically linked (PT_INTERP /lib/ld.so); build with -static");

    Elf64_Phdr ov = {.p_type = PT_LOAD, .p_flags = PF_R | PF_W, .p_offset = 0x40,
                     .p_vaddr = BASE + 0x40, .p_filesz = 0x10, .p_memsz = 0x10,
                     .p_align = 0x1000};
    build2(&im, &ov, NULL);
    ASSERT_BAD(&im, "segment 1 overlaps or precedes the previous PT_LOAD segment");

    /* Adjacent segments sharing a page are fine (text end / data start). */
    ov.p_vaddr = BASE + 0x1000 + 0x200;
    ov.p_offset = 0x200;
    ov.p_filesz = 0;
    ov.p_memsz = 0x100;
    build2(&im, &ov, NULL);
    char err[256];
    ck_assert_msg(check(&im, err, sizeof(err)) == MMSIM_OK, "%s", err);
}
END_TEST

START_TEST(truncated_at_every_length)
{
    struct image im;
    build(&im, exit7, 3);
    size_t full = im.len;
    for (size_t len = 0; len < full; len++) {
        struct image t = im;
        t.len = len;
        char err[512];
        int rc = check(&t, err, sizeof(err));
        ck_assert_msg(rc == MMSIM_ERR_EXEC, "length %zu accepted", len);
        ck_assert(strncmp(err, "t.elf: cannot execute: ", 23) == 0);
        if (len == 0)
            ck_assert_str_eq(err, "t.elf: cannot execute: empty file");
        else if (len < EI_NIDENT)
            ck_assert_str_eq(err + 23, len < 16 ? err + 23 : "");
    }
    /* Exact messages at the boundaries. */
    struct image t = im;
    t.len = 10;
    char err[512];
    check(&t, err, sizeof(err));
    ck_assert_str_eq(err, "t.elf: cannot execute: truncated ELF header (10 bytes)");
    t.len = 40;
    check(&t, err, sizeof(err));
    ck_assert_str_eq(err, "t.elf: cannot execute: truncated ELF header (40 of 64 bytes)");
    t.len = 100;
    check(&t, err, sizeof(err));
    ck_assert_str_eq(err, "t.elf: cannot execute: "
                          "program headers extend beyond the end of the file (truncated?)");
    t.len = CODE_OFF + 4;
    check(&t, err, sizeof(err));
    ck_assert_str_eq(err, "t.elf: cannot execute: "
                          "segment 0 (PT_LOAD) extends beyond the end of the file (truncated?)");
}
END_TEST

/* Random corruption of every header byte never crashes: each image is
 * either accepted or rejected with a message. */
START_TEST(corrupt_bytes_never_crash)
{
    struct image im;
    build(&im, exit7, 3);
    uint64_t s = 12345;
    for (int iter = 0; iter < 4000; iter++) {
        struct image t = im;
        for (int k = 0; k < 4; k++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            size_t pos = (s >> 33) % CODE_OFF;
            t.b[pos] = (uint8_t)(s >> 20);
        }
        char err[512];
        int rc = check(&t, err, sizeof(err));
        ck_assert(rc == MMSIM_OK || (rc == MMSIM_ERR_EXEC && err[0]));
    }
}
END_TEST

static mmsim_machine *machine(void)
{
    mmsim_topology *t;
    char err[256];
    ck_assert_int_eq(mmsim_topology_open(mmsim_topology_default_uma(), &t, err, sizeof(err)),
                     MMSIM_OK);
    mmsim_machine *m;
    ck_assert_int_eq(mmsim_machine_create(t, 1, &m), MMSIM_OK);
    mmsim_topology_destroy(t);
    return m;
}

/* Run a tiny program; return its shell-style exit code. */
static int run_code(const uint32_t *code, size_t n, FILE *diag, mmsim_machine **keep)
{
    struct image im;
    build(&im, code, n);
    mmsim_machine *m = machine();
    mmsim_machine_set_diag(m, diag);
    mmsim_process *p;
    ck_assert_int_eq(mmsim_process_create_mem(m, im.b, im.len, "tiny", NULL, NULL, 0, &p),
                     MMSIM_OK);
    ck_assert_int_eq(mmsim_process_get_state(p), MMSIM_PROCESS_RUNNABLE);
    int st;
    ck_assert_int_eq(mmsim_process_exit_code(p, &st), MMSIM_ERR_STATE);
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_OK);
    int code_out;
    ck_assert_int_eq(mmsim_process_exit_code(p, &code_out), MMSIM_OK);
    if (keep)
        *keep = m;
    else
        mmsim_machine_destroy(m);
    return code_out;
}

START_TEST(tiny_program_exits)
{
    mmsim_machine *m;
    ck_assert_int_eq(run_code(exit7, 3, NULL, &m), 7);
    uint64_t v;
    ck_assert_int_eq(mmsim_stats_get(m, "kernel.syscalls", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 1);
    ck_assert_int_eq(mmsim_stats_get(m, "cpu0.insns", &v), MMSIM_OK);
    ck_assert_uint_ge(v, 2);
    mmsim_machine_destroy(m);
}
END_TEST

/* A static-pie (ET_DYN) image linked at 0 is placed at ELF_DYN_BASE. */
START_TEST(static_pie_runs_at_fixed_base)
{
    struct image im;
    build(&im, exit7, 3);
    ehdr(&im)->e_type = ET_DYN;
    ehdr(&im)->e_entry = CODE_OFF;
    phdr(&im)->p_vaddr = phdr(&im)->p_paddr = 0;
    struct elf_info info;
    char err[256];
    ck_assert_int_eq(elf_check(im.b, im.len, "pie", &info, err, sizeof(err)), MMSIM_OK);
    ck_assert_uint_eq(info.entry, ELF_DYN_BASE + CODE_OFF);
    ck_assert_uint_eq(info.phdr, ELF_DYN_BASE + sizeof(Elf64_Ehdr));
    mmsim_machine *m = machine();
    mmsim_process *p;
    ck_assert_int_eq(mmsim_process_create_mem(m, im.b, im.len, "pie", NULL, NULL, 0, &p),
                     MMSIM_OK);
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_OK);
    int code;
    ck_assert_int_eq(mmsim_process_exit_code(p, &code), MMSIM_OK);
    ck_assert_int_eq(code, 7);
    mmsim_machine_destroy(m);
}
END_TEST

START_TEST(guest_faults_are_signals)
{
    FILE *diag = tmpfile();
    /* ld a0, 0(zero): unmapped page 0 -> SIGSEGV -> 128 + 11 */
    const uint32_t segv[] = {LD(A0, 0, 0), ADDI(A7, 0, 93), ECALL};
    ck_assert_int_eq(run_code(segv, 3, diag, NULL), 139);
    /* All-zero instruction: illegal -> SIGILL -> 132 */
    const uint32_t ill[] = {0, ECALL};
    ck_assert_int_eq(run_code(ill, 2, diag, NULL), 132);
    /* A store into its own read-only text page (auipc t0,0; sw a0,0(t0)):
     * SIGSEGV as well (SEGV_ACCERR) */
    const uint32_t ro[] = {0x00000297u, 0x00a2a023u, ADDI(A7, 0, 93), ECALL};
    ck_assert_int_eq(run_code(ro, 4, NULL, NULL), 139);
    rewind(diag);
    char line[512];
    ck_assert(fgets(line, sizeof(line), diag));
    ck_assert_str_eq(line, "mmsim: guest killed by SIGSEGV (signal 11) at pc 0x10078 "
                           "[00003503 ld      a0,0(zero)], address 0x0\n");
    ck_assert(fgets(line, sizeof(line), diag));
    ck_assert_msg(strncmp(line, "mmsim: guest killed by SIGILL (signal 4) at pc 0x10078 ", 55) == 0,
                  "%s", line);
    fclose(diag);
}
END_TEST

START_TEST(unknown_syscall_reported_once)
{
    FILE *diag = tmpfile();
    /* syscall 1 (io_destroy) twice, then exit(a0 = -ENOSYS) -> 218 */
    const uint32_t code[] = {ADDI(A7, 0, 1), ECALL, ADDI(A7, 0, 1), ECALL,
                             ADDI(A7, 0, 93), ECALL};
    mmsim_machine *m;
    ck_assert_int_eq(run_code(code, 6, diag, &m), (-38) & 0xff);
    uint64_t v;
    ck_assert_int_eq(mmsim_stats_get(m, "kernel.unknown_syscalls", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 2);
    mmsim_machine_destroy(m);
    rewind(diag);
    char line[512];
    ck_assert(fgets(line, sizeof(line), diag));
    ck_assert_str_eq(line, "mmsim: warning: unknown syscall 1 (io_destroy) (pc 0x1007c) "
                           "returns ENOSYS\n");
    ck_assert(!fgets(line, sizeof(line), diag));
    fclose(diag);
}
END_TEST

START_TEST(create_errors)
{
    mmsim_machine *m = machine();
    mmsim_process *p = (mmsim_process *)1;
    ck_assert_int_eq(mmsim_process_create(m, "/nonexistent/prog", NULL, NULL, 0, &p),
                     MMSIM_ERR_NOT_FOUND);
    ck_assert_ptr_null(p);
    ck_assert_str_eq(mmsim_machine_errmsg(m), "/nonexistent/prog: No such file or directory");
    ck_assert_int_eq(mmsim_process_create(m, "/", NULL, NULL, 0, &p), MMSIM_ERR_EXEC);
    ck_assert_str_eq(mmsim_machine_errmsg(m), "/: cannot execute: is a directory");
    struct image im;
    build(&im, exit7, 3);
    ck_assert_int_eq(mmsim_process_create_mem(m, im.b, im.len, "x", NULL, NULL, 4096, &p),
                     MMSIM_ERR_RANGE);
    ck_assert_int_eq(mmsim_process_create_mem(m, im.b, 3, "short", NULL, NULL, 0, &p),
                     MMSIM_ERR_EXEC);
    ck_assert_str_eq(mmsim_machine_errmsg(m), "short: cannot execute: truncated ELF header (3 bytes)");
    ck_assert_int_eq(mmsim_process_create_mem(m, im.b, im.len, "x", NULL, NULL, 0, &p), MMSIM_OK);
    mmsim_process *q;
    ck_assert_int_eq(mmsim_process_create_mem(m, im.b, im.len, "y", NULL, NULL, 0, &q),
                     MMSIM_ERR_STATE);
    ck_assert_int_eq(mmsim_process_create(m, NULL, NULL, NULL, 0, &q), MMSIM_ERR_INVALID);
    mmsim_process_destroy(p);
    mmsim_process_destroy(NULL);
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_ERR_STATE);     /* nothing left */
    mmsim_machine_destroy(m);
}
END_TEST

/* Two processes on two CPUs of one machine run to their own statuses. */
START_TEST(two_processes_two_cpus)
{
    struct image a, b;
    const uint32_t exit9[] = {ADDI(A0, 0, 9), ADDI(A7, 0, 93), ECALL};
    build(&a, exit7, 3);
    build(&b, exit9, 3);
    mmsim_machine *m = machine();
    mmsim_process *p, *q;
    ck_assert_int_eq(mmsim_process_create_mem(m, a.b, a.len, "a", NULL, NULL, 0, &p), MMSIM_OK);
    ck_assert_int_eq(mmsim_process_create_mem(m, b.b, b.len, "b", NULL, NULL, 1, &q), MMSIM_OK);
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_OK);
    int c1, c2;
    ck_assert_int_eq(mmsim_process_exit_code(p, &c1), MMSIM_OK);
    ck_assert_int_eq(mmsim_process_exit_code(q, &c2), MMSIM_OK);
    ck_assert_int_eq(c1, 7);
    ck_assert_int_eq(c2, 9);
    mmsim_process_info ia, ib;
    ck_assert_int_eq(mmsim_process_info_get(p, &ia), MMSIM_OK);
    ck_assert_int_eq(mmsim_process_info_get(q, &ib), MMSIM_OK);
    ck_assert_uint_eq(ia.cpu, 0);
    ck_assert_uint_eq(ib.cpu, 1);
    ck_assert_uint_ne(ia.pid, ib.pid);
    /* A finished CPU takes a new process. */
    ck_assert_int_eq(mmsim_process_create_mem(m, b.b, b.len, "c", NULL, NULL, 0, &q), MMSIM_OK);
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_OK);
    ck_assert_int_eq(mmsim_process_exit_code(q, &c2), MMSIM_OK);
    ck_assert_int_eq(c2, 9);
    mmsim_machine_destroy(m);
}
END_TEST

START_TEST(max_insns_budget)
{
    /* An endless loop (jal zero, 0) stopped by the instruction budget. */
    const uint32_t loop[] = {0x0000006fu};
    struct image im;
    build(&im, loop, 1);
    mmsim_machine *m = machine();
    /* Functional timing: one cycle per instruction, so cycles are exact. */
    ck_assert_int_eq(mmsim_machine_set_timing(m, MMSIM_TIMING_OFF), MMSIM_OK);
    mmsim_process *p;
    ck_assert_int_eq(mmsim_process_create_mem(m, im.b, im.len, "loop", NULL, NULL, 0, &p),
                     MMSIM_OK);
    ck_assert_int_eq(mmsim_machine_run(m, 1000), MMSIM_ERR_LIMIT);
    mmsim_process_info in;
    ck_assert_int_eq(mmsim_process_info_get(p, &in), MMSIM_OK);
    ck_assert_uint_eq(in.insns, 1000);
    ck_assert_uint_eq(in.cycles, 1000);
    ck_assert_int_eq(mmsim_machine_run(m, 500), MMSIM_ERR_LIMIT);
    ck_assert_int_eq(mmsim_process_info_get(p, &in), MMSIM_OK);
    ck_assert_uint_eq(in.insns, 1500);
    ck_assert_int_eq(mmsim_process_get_state(p), MMSIM_PROCESS_RUNNABLE);
    mmsim_machine_destroy(m);
}
END_TEST

/* A glibc static program from the guest build: printf, exit status. */
START_TEST(glibc_program_runs)
{
    char path[1024];
    testutil_path("MMSIM_GUEST_DIR", "tests/exit_code", path, sizeof(path));
    ck_assert_msg(access(path, R_OK) == 0, "%s missing: build the guests", path);
    char err[512];
    void *buf;
    size_t len;
    ck_assert_int_eq(elf_read_file(path, &buf, &len, err, sizeof(err)), MMSIM_OK);
    struct elf_info info;
    ck_assert_int_eq(elf_check(buf, len, path, &info, err, sizeof(err)), MMSIM_OK);
    ck_assert_uint_eq(info.type, ET_EXEC);
    ck_assert_uint_ne(info.phdr, 0);
    /* Every truncation inside the loaded part of the real file is rejected
     * with a message (section headers after it are not needed to run). */
    size_t loaded = 0;
    for (unsigned i = 0; i < info.nloads; i++)
        if (info.loads[i].offset + info.loads[i].filesz > loaded)
            loaded = info.loads[i].offset + info.loads[i].filesz;
    for (size_t cut = 0; cut < loaded; cut += 1 + cut / 3) {
        int rc = elf_check(buf, cut, path, &info, err, sizeof(err));
        ck_assert_msg(rc == MMSIM_ERR_EXEC, "truncated at %zu accepted", cut);
    }
    free(buf);

    mmsim_machine *m = machine();
    FILE *out = tmpfile();
    mmsim_process *p;
    const char *argv[] = {"exit_code", "exit", "300", NULL};
    ck_assert_int_eq(mmsim_process_create(m, path, argv, NULL, 0, &p), MMSIM_OK);
    ck_assert_int_eq(mmsim_process_set_stdio(p, -1, fileno(out), -1), MMSIM_OK);
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_OK);
    int ws, code;
    ck_assert_int_eq(mmsim_process_wait_status(p, &ws), MMSIM_OK);
    ck_assert(WIFEXITED(ws));
    ck_assert_int_eq(WEXITSTATUS(ws), 300 & 0xff);
    ck_assert_int_eq(mmsim_process_exit_code(p, &code), MMSIM_OK);
    ck_assert_int_eq(code, 44);
    ck_assert_int_eq(mmsim_process_set_stdio(p, -1, 1, -1), MMSIM_ERR_STATE);
    /* exit(3) flushes stdio and runs the atexit handlers in reverse order. */
    char text[256] = "";
    rewind(out);
    size_t n = fread(text, 1, sizeof(text) - 1, out);
    text[n] = '\0';
    ck_assert_str_eq(text, "mode exit status 300\natexit handler 2 (runs first)\n"
                           "atexit handler 1\n");
    mmsim_machine_destroy(m);
    fclose(out);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("elf");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, valid_tiny_image);
    tcase_add_test(tc, bad_headers_exact_messages);
    tcase_add_test(tc, bad_segments_exact_messages);
    tcase_add_test(tc, interp_and_overlap);
    tcase_add_test(tc, truncated_at_every_length);
    tcase_add_test(tc, corrupt_bytes_never_crash);
    tcase_add_test(tc, tiny_program_exits);
    tcase_add_test(tc, static_pie_runs_at_fixed_base);
    tcase_add_test(tc, guest_faults_are_signals);
    tcase_add_test(tc, unknown_syscall_reported_once);
    tcase_add_test(tc, create_errors);
    tcase_add_test(tc, two_processes_two_cpus);
    tcase_add_test(tc, max_insns_budget);
    tcase_add_test(tc, glibc_program_runs);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return testutil_run(suite());
}
