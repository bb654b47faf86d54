/* libFuzzer target: the syscall layer (kernel/) driven by a guest whose
 * syscalls, numbers and arguments come from the input.
 *
 * Each input becomes a static RISC-V executable built in memory: a fixed
 * loop that loads a7 and a0..a5 from a table of 7-dword records, executes
 * ecall, and goes on to the next record, then exit_group(0).  The records
 * are decoded from the input (see struct rec_reader below); the argument
 * kinds make the pointers land where the kernel has something to do:
 * the data pages (a copy of the input, so structures and iovecs are the
 * fuzzer's), a table of path strings, the read-only code page, unmapped
 * and non-canonical addresses, plus fds, small numbers and raw 64-bit
 * values.  One process runs on a two-node machine of 2 x 16 MiB, built
 * from YAML below: the bundled machines have gigabytes, so a guest that
 * maps a large region and has the kernel fill it (getrandom, read, a
 * file mmap) would drive the fuzzer past its RSS limit; 32 MiB bounds the
 * frames any input can demand.
 *
 * The host is protected by construction, not by luck:
 *   - guest paths are confined to a private temporary directory
 *     (mmsim_machine_set_root), emptied after every input; symlinkat is
 *     replaced by getpid, because the confinement is lexical and a symlink
 *     to an absolute host path would be followed by the next host call;
 *   - guest fds 0-2 are /dev/null; pipes are forced O_NONBLOCK (F_SETFL
 *     keeps O_NONBLOCK, FIONBIO is turned into FIONREAD), F_SETLKW and
 *     F_OFD_SETLKW become their non-waiting forms, and ppoll with fds gets
 *     a zero timeout from the read-only code page (and memory calls may
 *     not touch that page): every host call that could wait returns now;
 *   - fallocate lengths stay under 1 MiB (real disk blocks);
 *   - run limits: instructions, threads, files, and a wall-clock timeout.
 *
 * Invariants (a violation aborts):
 *   - every call returns (ASan/UBSan watch it), mmsim_machine_run ends with
 *     MMSIM_OK, MMSIM_ERR_LIMIT or MMSIM_ERR_STATE (a guest deadlock);
 *   - an ended process has an exit code (0..255, or 128 + signal) and no
 *     resident pages; a finished one counted at least one syscall;
 *   - after mmsim_process_destroy() every guest frame is back with the
 *     allocator (free bytes per node equal the boot state once the pcp
 *     lists are drained) and page_alloc_check() passes;
 *   - after mmsim_machine_destroy() no host fd is left open.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/page_alloc.h"
#include "libmmsim/machine.h"
#include "mmsim/mmsim.h"

#define REQUIRE(cond, ...)                                                     \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "fuzz_syscall: invariant failed: %s: ", #cond);    \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
            abort();                                                           \
        }                                                                      \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- The guest image --------------------------------------------------------- */

#define CODE_VA 0x10000ull
#define PATHS_VA (CODE_VA + 0x800)      /* path strings, 32 bytes each */
#define ZERO_TS_VA (CODE_VA + 0xf00)    /* struct timespec {0, 0} */
#define DATA_VA 0x20000ull              /* two pages: the input, then iovecs */
#define ARGS_VA 0x22000ull              /* the records */
#define PAGE 4096u
#define MAX_RECS 256
#define REC_BYTES 56
#define FILE_CODE 0x1000u
#define FILE_DATA 0x2000u

#define MAX_INSNS 20000

static const char *const paths[] = {
    "a", "b", "/a", "d", "d/a", "/d/b", ".", "/", "..", "../..", "a/../b", "",
    "/proc/self/maps", "/proc/self/exe", "/dev/null", "d/../../a", "//a//", "/tmp",
};
#define NPATHS (sizeof(paths) / sizeof(paths[0]))

/* RV64 encodings (the register numbers are the ABI's). */
enum { ZERO = 0, S1 = 9, A0 = 10, A7 = 17, S2 = 18 };

static uint32_t enc_i(uint32_t opc, unsigned rd, unsigned f3, unsigned rs1, int32_t imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}

static uint32_t enc_lui(unsigned rd, uint32_t hi20)
{
    return hi20 << 12 | rd << 7 | 0x37;
}

static uint32_t enc_beq(unsigned rs1, unsigned rs2, int32_t off)
{
    uint32_t o = (uint32_t)off;
    return ((o >> 12) & 1) << 31 | ((o >> 5) & 0x3f) << 25 | rs2 << 20 | rs1 << 15 |
           ((o >> 1) & 0xf) << 8 | ((o >> 11) & 1) << 7 | 0x63;
}

static uint32_t enc_jal(unsigned rd, int32_t off)
{
    uint32_t o = (uint32_t)off;
    return ((o >> 20) & 1) << 31 | ((o >> 1) & 0x3ff) << 21 | ((o >> 11) & 1) << 20 |
           ((o >> 12) & 0xff) << 12 | rd << 7 | 0x6f;
}

#define ADDI(rd, rs1, imm) enc_i(0x13, rd, 0, rs1, imm)
#define LD(rd, rs1, imm) enc_i(0x03, rd, 3, rs1, imm)
#define ECALL 0x00000073u

/*   lui  s1, ARGS          ; the record pointer
 *   addi s2, zero, n       ; records left
 * loop:
 *   beq  s2, zero, done
 *   ld   a7, 0(s1); ld a0..a5, 8..48(s1)
 *   ecall
 *   addi s1, s1, 56; addi s2, s2, -1
 *   jal  zero, loop
 * done:
 *   addi a7, zero, 94; addi a0, zero, 0; ecall      ; exit_group(0) */
static unsigned emit_code(uint32_t *c, unsigned nrecs)
{
    unsigned n = 0;
    c[n++] = enc_lui(S1, (uint32_t)(ARGS_VA >> 12));
    c[n++] = ADDI(S2, ZERO, (int32_t)nrecs);
    unsigned loop = n;
    unsigned beq = n++;
    c[n++] = LD(A7, S1, 0);
    for (unsigned i = 0; i < 6; i++)
        c[n++] = LD(A0 + i, S1, 8 * (1 + (int32_t)i));
    c[n++] = ECALL;
    c[n++] = ADDI(S1, S1, REC_BYTES);
    c[n++] = ADDI(S2, S2, -1);
    c[n] = enc_jal(ZERO, -4 * (int32_t)(n - loop));
    n++;
    c[beq] = enc_beq(S2, ZERO, 4 * (int32_t)(n - beq));
    c[n++] = ADDI(A7, ZERO, 94);
    c[n++] = ADDI(A0, ZERO, 0);
    c[n++] = ECALL;
    return n;
}

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* ELF64 header and two PT_LOADs: code+constants R+X at CODE_VA, data and
 * records R+W at DATA_VA.  Returns the image length. */
static size_t build_image(uint8_t *img, const uint8_t *in, size_t in_len, const uint64_t *recs,
                          unsigned nrecs)
{
    size_t data_len = 2 * PAGE + (size_t)nrecs * REC_BYTES;
    size_t len = FILE_DATA + data_len;
    memset(img, 0, len);
    static const uint8_t ident[16] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
    memcpy(img, ident, 16);
    put16(img + 16, 2);                 /* ET_EXEC */
    put16(img + 18, 243);               /* EM_RISCV */
    put32(img + 20, 1);
    put64(img + 24, CODE_VA);           /* e_entry */
    put64(img + 32, 64);                /* e_phoff */
    put32(img + 48, 0x5);               /* RVC | double float ABI */
    put16(img + 52, 64);
    put16(img + 54, 56);
    put16(img + 56, 2);
    const struct {
        uint32_t flags;
        uint64_t off, va, size;
    } ph[2] = {{5, FILE_CODE, CODE_VA, PAGE}, {6, FILE_DATA, DATA_VA, data_len}};
    for (int i = 0; i < 2; i++) {
        uint8_t *p = img + 64 + 56 * i;
        put32(p, 1);                    /* PT_LOAD */
        put32(p + 4, ph[i].flags);
        put64(p + 8, ph[i].off);
        put64(p + 16, ph[i].va);
        put64(p + 24, ph[i].va);
        put64(p + 32, ph[i].size);
        put64(p + 40, ph[i].size);
        put64(p + 48, PAGE);
    }
    uint32_t code[32];
    unsigned nc = emit_code(code, nrecs);
    memcpy(img + FILE_CODE, code, 4 * nc);
    for (unsigned i = 0; i < NPATHS; i++)
        memcpy(img + FILE_CODE + (PATHS_VA - CODE_VA) + 32 * i, paths[i], strlen(paths[i]) + 1);
    /* ZERO_TS is already zero. */
    uint8_t *d = img + FILE_DATA;
    memcpy(d, in, in_len < PAGE ? in_len : PAGE);
    /* Second page: 16 iovecs over the first page (lengths 0..480), then
     * the input's next bytes if it has any. */
    for (unsigned i = 0; i < 16; i++) {
        put64(d + PAGE + 16 * i, DATA_VA + 256 * i);
        put64(d + PAGE + 16 * i + 8, 32 * i);
    }
    if (in_len > PAGE + 256)
        memcpy(d + PAGE + 256, in + PAGE + 256,
               in_len - PAGE - 256 < PAGE - 256 ? in_len - PAGE - 256 : PAGE - 256);
    memcpy(d + 2 * PAGE, recs, (size_t)nrecs * REC_BYTES);
    return len;
}

/* ---- Records from the input ------------------------------------------------ */

struct rd {
    const uint8_t *p;
    size_t n;
};

static uint64_t take(struct rd *r, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++) {
        uint64_t b = 0;
        if (r->n) {
            b = *r->p++;
            r->n--;
        }
        v |= b << (8 * i);
    }
    return v;
}

/* The syscalls kernel/syscall.c implements, and a few it does not (38 is
 * a hole in the table, 1000 and the huge one are past its end; 0x4d4d0 is
 * the mmsim call of <mmsim/guest.h>). */
static const uint64_t nrs[] = {
    17, 23, 24, 25, 29, 34, 35, 37, 43, 44, 45, 46, 47, 48, 49, 52, 53, 54, 56, 57, 59,
    61, 62, 63, 64, 65, 66, 67, 68, 73, 78, 79, 80, 81, 82, 83, 88, 93, 94, 96, 98, 99,
    101, 113, 114, 115, 122, 123, 124, 129, 130, 131, 132, 134, 135, 136, 139, 140, 141,
    148, 150, 153, 154, 155, 156, 158, 160, 163, 164, 165, 166, 167, 168, 169, 172, 173,
    174, 175, 176, 177, 178, 179, 214, 215, 216, 220, 222, 223, 226, 227, 228, 229, 230,
    231, 233, 236, 259, 260, 261, 276, 278, 291, 293, 435, 439,
    0, 38, 1000, 0x4d4d0, UINT64_MAX,
};
#define NNRS (sizeof(nrs) / sizeof(nrs[0]))

static uint64_t arg(struct rd *r)
{
    static const uint64_t special[] = {
        0, 1, 0x1000, CODE_VA, DATA_VA - 8, DATA_VA + 2 * PAGE - 4, ZERO_TS_VA,
        DATA_VA + PAGE, UINT64_MAX, 0x8000000000000000ull, 0x3ffffff000ull,
        0x4000000000ull, (uint64_t)-100, 0x7fffffffffffffffull,
    };
    unsigned kind = (unsigned)take(r, 1);
    switch (kind % 8) {
    case 0: return (uint64_t)(int64_t)(int8_t)take(r, 1);
    case 1: {
        unsigned b = (unsigned)take(r, 1);
        return b >= 0xf0 ? (uint64_t)-100 : b % 8;      /* AT_FDCWD, or an fd */
    }
    case 2: return DATA_VA + take(r, 2) % (2 * PAGE);
    case 3: return PATHS_VA + 32 * (take(r, 1) % NPATHS);
    case 4: return take(r, 4);
    case 5: return take(r, 8);
    case 6: return special[take(r, 1) % (sizeof(special) / sizeof(special[0]))];
    default: return take(r, 2);                         /* a size */
    }
}

static int overlaps_code(uint64_t addr, uint64_t len)
{
    uint64_t end = addr + len;
    return len == 0 || end < addr || (addr < CODE_VA + PAGE && end > CODE_VA);
}

/* The host-safety rewrites of the file comment; everything else reaches
 * the kernel as the fuzzer wrote it. */
static void make_safe(uint64_t *nr, uint64_t *a)
{
    switch (*nr) {
    case 36:                                    /* symlinkat */
        *nr = 172;
        break;
    case 59:                                    /* pipe2 */
        a[1] |= O_NONBLOCK;
        break;
    case 25:                                    /* fcntl */
        if ((int)a[1] == F_SETFL)
            a[2] |= O_NONBLOCK;
        else if ((int)a[1] == F_SETLKW)
            a[1] = F_SETLK;
        else if ((int)a[1] == F_OFD_SETLKW)
            a[1] = F_OFD_SETLK;
        break;
    case 29:                                    /* ioctl */
        if ((uint32_t)a[1] == 0x5421)           /* FIONBIO */
            a[1] = 0x541b;                      /* FIONREAD */
        break;
    case 73:                                    /* ppoll */
        if (a[1])
            a[2] = ZERO_TS_VA;
        break;
    case 47:                                    /* fallocate */
        a[3] &= (1u << 20) - 1;
        break;
    case 222:                                   /* mmap: MAP_FIXED(_NOREPLACE) */
    case 215:                                   /* munmap */
    case 226:                                   /* mprotect */
    case 233:                                   /* madvise */
        if ((*nr != 222 || (a[3] & 0x100010)) && overlaps_code(a[0], a[1]))
            a[0] = 0x40000000;
        break;
    case 216:                                   /* mremap */
        if (overlaps_code(a[0], a[1]))
            a[0] = 0x40000000;
        if ((a[3] & 2) && overlaps_code(a[4], a[2]))   /* MREMAP_FIXED */
            a[4] = 0x50000000;
        break;
    default:
        break;
    }
}

static unsigned read_records(const uint8_t *data, size_t size, uint64_t *recs)
{
    struct rd r = {data, size};
    unsigned n = 0;
    while (r.n && n < MAX_RECS) {
        unsigned sel = (unsigned)take(&r, 1);
        uint64_t nr = sel < 0xf8 ? nrs[sel % NNRS] : sel < 0xfc ? take(&r, 2) : take(&r, 8);
        uint64_t *rec = recs + 7 * n;
        for (int i = 0; i < 6; i++)
            rec[1 + i] = arg(&r);
        make_safe(&nr, rec + 1);
        rec[0] = nr;
        n++;
    }
    return n;
}

/* ---- Host side ------------------------------------------------------------- */

static char root[64];

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
    if (f->level > 0 && remove(path) != 0)
        fprintf(stderr, "fuzz_syscall: cannot remove %s: %s\n", path, strerror(errno));
    return 0;
}

static int chmod_dir(const char *path, const struct stat *st, int flag, struct FTW *f)
{
    if (flag == FTW_D || flag == FTW_DNR)
        chmod(path, 0700);
    return 0;
}

/* Empty the guest's root (a guest may chmod 000 its directories: make
 * them ours again first, for a non-root harness). */
static void clean_root(void)
{
    nftw(root, chmod_dir, 16, FTW_PHYS | FTW_MOUNT);
    nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

static void remove_root(void)
{
    clean_root();
    rmdir(root);
}

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    REQUIRE(d != NULL, "opendir /proc/self/fd: %s", strerror(errno));
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static const char topo_yaml[] =
    "name: fuzz-2x16m\n"
    "clock: 1GHz\n"
    "nodes:\n"
    "  - {cpus: 1, memory: 16MiB}\n"
    "  - {cpus: 1, memory: 16MiB}\n"
    "links:\n"
    "  - {from: 0, to: 1, latency: 20ns, bandwidth: 10GB/s}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static mmsim_topology *topo;
    if (!topo) {
        char err[256];
        REQUIRE(mmsim_topology_load_string(topo_yaml, strlen(topo_yaml), "fuzz.yaml", &topo,
                                           err, sizeof(err)) == MMSIM_OK,
                "%s", err);
        const char *tmp = getenv("TMPDIR");
        snprintf(root, sizeof(root), "%s/mmsim-fuzz-root.XXXXXX", tmp && *tmp ? tmp : "/tmp");
        REQUIRE(mkdtemp(root) != NULL, "mkdtemp %s: %s", root, strerror(errno));
        atexit(remove_root);
    }

    static uint64_t recs[7 * MAX_RECS];
    static uint8_t img[FILE_DATA + 2 * PAGE + MAX_RECS * REC_BYTES];
    unsigned nrecs = read_records(data, size, recs);
    size_t len = build_image(img, data, size, recs, nrecs);

    int fds_before = count_fds();
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    REQUIRE(devnull >= 0, "/dev/null");

    mmsim_machine *m;
    REQUIRE(mmsim_machine_create(topo, 1, &m) == MMSIM_OK, "machine_create");
    REQUIRE(mmsim_machine_set_diag(m, NULL) == MMSIM_OK, "set_diag");
    REQUIRE(mmsim_machine_set_root(m, root) == MMSIM_OK, "set_root: %s", mmsim_machine_errmsg(m));
    mmsim_limits lim = {.max_insns = MAX_INSNS, .timeout_s = 5, .max_threads = 8,
                        .max_files = 64};
    REQUIRE(mmsim_machine_set_limits(m, &lim) == MMSIM_OK, "set_limits");
    const char *verbose = getenv("FUZZ_SYSCALL_VERBOSE");
    if (verbose && strcmp(verbose, "2") == 0)     /* every instruction and syscall */
        REQUIRE(mmsim_machine_set_trace(m, stderr) == MMSIM_OK, "set_trace");
    unsigned nn = mmsim_topology_node_count(topo);
    uint64_t boot_free[2];
    page_alloc_drain(m->page_alloc);
    for (unsigned n = 0; n < nn; n++)
        boot_free[n] = page_alloc_node_free_bytes(m->page_alloc, n);

    mmsim_process *p;
    int rc = mmsim_process_create_mem(m, img, len, "fuzz", NULL, NULL, 0, &p);
    REQUIRE(rc == MMSIM_OK, "process_create_mem: %s", mmsim_machine_errmsg(m));
    REQUIRE(mmsim_process_set_stdio(p, devnull, devnull, devnull) == MMSIM_OK, "set_stdio");

    rc = mmsim_machine_run(m, 0);
    REQUIRE(rc == MMSIM_OK || rc == MMSIM_ERR_LIMIT || rc == MMSIM_ERR_STATE,
            "machine_run rc %d: %s", rc, mmsim_machine_errmsg(m));
    mmsim_process_state st = mmsim_process_get_state(p);
    mmsim_process_info info;
    REQUIRE(mmsim_process_info_get(p, &info) == MMSIM_OK, "info_get");
    if (verbose)                            /* to see what a reproducer does */
        fprintf(stderr, "fuzz_syscall: %u records, run rc %d (%s), state %d, %llu syscalls, "
                "%llu instructions\n", nrecs, rc, mmsim_machine_errmsg(m), (int)st,
                (unsigned long long)info.syscalls, (unsigned long long)info.insns);
    if (rc == MMSIM_OK)
        REQUIRE(st != MMSIM_PROCESS_RUNNABLE, "run ended, process runnable");
    if (st != MMSIM_PROCESS_RUNNABLE) {
        int code = -1;
        REQUIRE(mmsim_process_exit_code(p, &code) == MMSIM_OK && code >= 0 && code < 256,
                "exit code %d", code);
        REQUIRE(info.resident_pages == 0, "%llu pages resident after the end",
                (unsigned long long)info.resident_pages);
        if (st == MMSIM_PROCESS_EXITED)
            REQUIRE(info.syscalls >= 1, "exited without a syscall");
    }

    mmsim_process_destroy(p);
    page_alloc_drain(m->page_alloc);
    for (unsigned n = 0; n < nn; n++)
        REQUIRE(page_alloc_node_free_bytes(m->page_alloc, n) == boot_free[n],
                "node %u: %llu bytes free after the process, %llu at boot", n,
                (unsigned long long)page_alloc_node_free_bytes(m->page_alloc, n),
                (unsigned long long)boot_free[n]);
    char msg[256];
    REQUIRE(page_alloc_check(m->page_alloc, msg, sizeof(msg)) == 0, "page_alloc_check: %s", msg);
    mmsim_machine_destroy(m);
    close(devnull);
    int fds_after = count_fds();
    REQUIRE(fds_after == fds_before, "%d host fds open before, %d after", fds_before, fds_after);
    clean_root();
    return 0;
}
