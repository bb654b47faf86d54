/* The guest kernel: address spaces (placement, splitting, brk, demand
 * paging, frames returned), the riscv64 struct stat layout, path
 * normalisation, and syscall handlers called directly on a live task.
 * Expected values come from Linux's documented ABI (asm-generic layouts,
 * mmap(2), brk(2), getrandom(2)), written down here. */
#include <elf.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/hart.h"
#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/page_alloc.h"
#include "kernel/syscall.h"
#include "machine.h"
#include "mmsim/mmsim.h"
#include "testutil.h"

START_TEST(riscv_stat_layout)
{
    struct stat st;
    memset(&st, 0, sizeof(st));
    st.st_dev = 0x1111;
    st.st_ino = 0x2222;
    st.st_mode = 0100644;
    st.st_nlink = 3;
    st.st_uid = 1000;
    st.st_gid = 1001;
    st.st_rdev = 0x3333;
    st.st_size = 0x123456789;
    st.st_blksize = 4096;
    st.st_blocks = 77;
    st.st_atim.tv_sec = 11;
    st.st_atim.tv_nsec = 12;
    st.st_mtim.tv_sec = 21;
    st.st_mtim.tv_nsec = 22;
    st.st_ctim.tv_sec = 31;
    st.st_ctim.tv_nsec = 32;
    struct riscv_stat rs;
    fs_stat_to_riscv(&st, &rs);
    uint8_t b[128];
    memcpy(b, &rs, sizeof(b));
    /* asm-generic/stat.h offsets. */
    uint64_t u64;
    uint32_t u32;
    memcpy(&u64, b + 0, 8); ck_assert_uint_eq(u64, 0x1111);
    memcpy(&u64, b + 8, 8); ck_assert_uint_eq(u64, 0x2222);
    memcpy(&u32, b + 16, 4); ck_assert_uint_eq(u32, 0100644);
    memcpy(&u32, b + 20, 4); ck_assert_uint_eq(u32, 3);
    memcpy(&u32, b + 24, 4); ck_assert_uint_eq(u32, 1000);
    memcpy(&u32, b + 28, 4); ck_assert_uint_eq(u32, 1001);
    memcpy(&u64, b + 32, 8); ck_assert_uint_eq(u64, 0x3333);
    memcpy(&u64, b + 48, 8); ck_assert_uint_eq(u64, 0x123456789);
    memcpy(&u32, b + 56, 4); ck_assert_uint_eq(u32, 4096);
    memcpy(&u64, b + 64, 8); ck_assert_uint_eq(u64, 77);
    memcpy(&u64, b + 72, 8); ck_assert_uint_eq(u64, 11);
    memcpy(&u64, b + 80, 8); ck_assert_uint_eq(u64, 12);
    memcpy(&u64, b + 88, 8); ck_assert_uint_eq(u64, 21);
    memcpy(&u64, b + 96, 8); ck_assert_uint_eq(u64, 22);
    memcpy(&u64, b + 104, 8); ck_assert_uint_eq(u64, 31);
    memcpy(&u64, b + 112, 8); ck_assert_uint_eq(u64, 32);
    ck_assert_uint_eq(sizeof(struct riscv_stat), 128);
}
END_TEST

START_TEST(path_normalize)
{
    char out[64];
    static const char *const cases[][2] = {
        {"/", "/"}, {"/a/./b/../c", "/a/c"}, {"/../..", "/"}, {"//x//y/", "/x/y"},
        {"/a/b/..", "/a"}, {"/a/..b/.c", "/a/..b/.c"}, {"/..a", "/..a"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ck_assert_int_eq(fs_normalize(cases[i][0], out, sizeof(out)), 0);
        ck_assert_str_eq(out, cases[i][1]);
    }
    ck_assert_int_eq(fs_normalize("/aaaaaaaaaaaaaaaaaaaaaaaa", out, 8), -ENAMETOOLONG);
}
END_TEST

static int count_vmas(struct mm *mm)
{
    int n = 0;
    for (struct vma *v = mm->vmas; v; v = v->next)
        n++;
    return n;
}

START_TEST(mmap_placement_top_down)
{
    struct mm *mm;
    ck_assert_int_eq(mm_create(NULL, NULL, NULL, 0, &mm), 0);
    ck_assert_int_eq(mm_map(mm, MM_STACK_TOP - MM_STACK_SIZE, MM_STACK_SIZE, 3, VMA_STACK,
                            "[stack]"), 0);
    uint64_t base = MM_STACK_TOP - MM_STACK_GAP;
    uint64_t a = mm_find_free(mm, 0x10000);
    ck_assert_uint_eq(a, base - 0x10000);
    ck_assert_int_eq(mm_map(mm, a, 0x10000, 3, 0, ""), 0);
    uint64_t b = mm_find_free(mm, 100);             /* rounded up to a page */
    ck_assert_uint_eq(b, a - 0x1000);
    ck_assert_int_eq(mm_map(mm, b, 0x1000, 1, 0, ""), 0);
    ck_assert_int_eq(mm_map(mm, b, 0x1000, 1, 0, ""), -EEXIST);
    ck_assert_int_eq(mm_map(mm, b + 1, 0x1000, 1, 0, ""), -EINVAL);
    /* A freed hole at the top is found again first. */
    ck_assert_int_eq(mm_unmap_range(mm, a, 0x10000), 0);
    ck_assert_uint_eq(mm_find_free(mm, 0x10000), base - 0x10000);
    ck_assert_uint_eq(mm_find_free(mm, 0x20000), b - 0x20000);
    ck_assert(mm_range_free(mm, a, 0x10000));
    ck_assert(!mm_range_free(mm, b, 1));
    ck_assert(!mm_range_free(mm, MM_TASK_SIZE - 0x1000, 0x2000));
    mm_destroy(mm);
}
END_TEST

START_TEST(protect_and_unmap_split)
{
    struct mm *mm;
    ck_assert_int_eq(mm_create(NULL, NULL, NULL, 0, &mm), 0);
    uint64_t a = 0x100000;
    ck_assert_int_eq(mm_map(mm, a, 4 * 4096, MM_PROT_R | MM_PROT_W, 0, "x"), 0);
    ck_assert_int_eq(mm_protect(mm, a + 4096, 2 * 4096, MM_PROT_R), 0);
    ck_assert_int_eq(count_vmas(mm), 3);
    ck_assert_uint_eq(mm_find_vma(mm, a)->prot, MM_PROT_R | MM_PROT_W);
    ck_assert_uint_eq(mm_find_vma(mm, a + 4096)->prot, MM_PROT_R);
    ck_assert_uint_eq(mm_find_vma(mm, a + 2 * 4096)->start, a + 4096);
    ck_assert_uint_eq(mm_find_vma(mm, a + 3 * 4096)->prot, MM_PROT_R | MM_PROT_W);
    /* mprotect(2): ENOMEM when part of the range is not mapped. */
    ck_assert_int_eq(mm_protect(mm, a + 3 * 4096, 2 * 4096, MM_PROT_R), -ENOMEM);
    ck_assert_int_eq(mm_protect(mm, a + 1, 4096, MM_PROT_R), -EINVAL);
    ck_assert_int_eq(mm_unmap_range(mm, a + 4096, 4096), 0);
    ck_assert_int_eq(count_vmas(mm), 3);
    ck_assert_ptr_null(mm_find_vma(mm, a + 4096));
    ck_assert_int_eq(mm_unmap_range(mm, a, 16 * 4096), 0);
    ck_assert_int_eq(count_vmas(mm), 0);
    ck_assert_int_eq(mm_unmap_range(mm, a + 1, 4096), -EINVAL);
    mm_destroy(mm);
}
END_TEST

START_TEST(brk_grows_and_shrinks)
{
    struct mm *mm;
    ck_assert_int_eq(mm_create(NULL, NULL, NULL, 0, &mm), 0);
    mm->brk_start = mm->brk = 0x200000;
    /* brk(2): the raw syscall returns the current break on failure. */
    ck_assert_uint_eq(mm_brk(mm, 0), 0x200000);
    ck_assert_uint_eq(mm_brk(mm, 0x200000 + 5000), 0x200000 + 5000);
    struct vma *h = mm_find_vma(mm, 0x200000);
    ck_assert_ptr_nonnull(h);
    ck_assert_uint_eq(h->end, 0x202000);
    ck_assert(h->flags & VMA_HEAP);
    ck_assert_uint_eq(mm_brk(mm, 0x210000), 0x210000);
    ck_assert_int_eq(count_vmas(mm), 1);            /* extended, not a new VMA */
    ck_assert_uint_eq(mm_brk(mm, 0x200010), 0x200010);
    ck_assert_uint_eq(mm_find_vma(mm, 0x200000)->end, 0x201000);
    ck_assert_ptr_null(mm_find_vma(mm, 0x201000));
    ck_assert_uint_eq(mm_brk(mm, 0x1000), 0x200010);   /* below the start */
    /* A mapping in the way stops the heap. */
    ck_assert_int_eq(mm_map(mm, 0x300000, 0x1000, 1, 0, ""), 0);
    ck_assert_uint_eq(mm_brk(mm, 0x300800), 0x200010);
    mm_destroy(mm);
}
END_TEST

/* A live task from a tiny ELF (exit(0)), on a machine. */
static mmsim_machine *machine_with_task(uint64_t seed, struct task **t)
{
    unsigned char img[TESTUTIL_TINY_ELF_MAX];
    size_t len = testutil_tiny_elf(img, 0);

    mmsim_topology *topo;
    char err[256];
    ck_assert_int_eq(mmsim_topology_open(mmsim_topology_default_uma(), &topo, err, sizeof(err)),
                     MMSIM_OK);
    mmsim_machine *m;
    ck_assert_int_eq(mmsim_machine_create(topo, seed, &m), MMSIM_OK);
    mmsim_topology_destroy(topo);
    mmsim_process *p;
    const char *argv[] = {"tiny", "arg1", NULL};
    const char *envp[] = {"A=1", NULL};
    ck_assert_int_eq(mmsim_process_create_mem(m, img, len, "tiny", argv,
                                              envp, 0, &p), MMSIM_OK);
    *t = m->kernel->tasks;
    ck_assert_ptr_nonnull(*t);
    sched_load(*t);     /* its registers on its CPU's hart, as when it runs */
    return m;
}

START_TEST(initial_stack_like_linux)
{
    struct task *t;
    mmsim_machine *m = machine_with_task(1, &t);
    uint64_t sp = t->hart->x[2];
    ck_assert_uint_eq(sp & 15, 0);
    ck_assert_uint_eq(t->hart->pc, 0x10000 + 120);
    uint64_t w[8];
    ck_assert_int_eq(mm_copy_in(t->mm, w, sp, sizeof(w)), 0);
    ck_assert_uint_eq(w[0], 2);                     /* argc */
    ck_assert_uint_eq(w[3], 0);                     /* argv NULL */
    ck_assert_uint_eq(w[5], 0);                     /* envp NULL */
    char s[16];
    ck_assert_int_eq(mm_strncpy_in(t->mm, s, w[1], sizeof(s)), 4);
    ck_assert_str_eq(s, "tiny");
    ck_assert_int_eq(mm_strncpy_in(t->mm, s, w[2], sizeof(s)), 4);
    ck_assert_str_eq(s, "arg1");
    ck_assert_int_eq(mm_strncpy_in(t->mm, s, w[4], sizeof(s)), 3);
    ck_assert_str_eq(s, "A=1");
    /* auxv: pairs until AT_NULL; check the ones glibc's static start needs. */
    uint64_t at[64] = {0};
    for (uint64_t q = sp + 6 * 8;; q += 16) {
        uint64_t kv[2];
        ck_assert_int_eq(mm_copy_in(t->mm, kv, q, 16), 0);
        if (kv[0] == AT_NULL)
            break;
        ck_assert_uint_lt(kv[0], 64);
        at[kv[0]] = kv[1];
    }
    ck_assert_uint_eq(at[AT_PHDR], 0x10000 + 64);
    ck_assert_uint_eq(at[AT_PHENT], 56);
    ck_assert_uint_eq(at[AT_PHNUM], 1);
    ck_assert_uint_eq(at[AT_PAGESZ], 4096);
    ck_assert_uint_eq(at[AT_ENTRY], 0x10000 + 120);
    ck_assert_uint_eq(at[AT_CLKTCK], 100);
    ck_assert_uint_eq(at[AT_HWCAP], 0x112d);        /* I M A F D C */
    ck_assert_uint_eq(at[AT_UID], getuid());
    ck_assert_uint_ne(at[AT_RANDOM], 0);
    ck_assert_uint_eq(at[AT_SYSINFO_EHDR], 0);      /* no vDSO */
    ck_assert_int_eq(mm_strncpy_in(t->mm, s, at[AT_EXECFN], sizeof(s)), 4);
    mmsim_machine_destroy(m);
}
END_TEST

#define PROT_RW (MM_PROT_R | MM_PROT_W)
#define ANON_PRIVATE 0x22

START_TEST(demand_paging_and_frames)
{
    struct task *t;
    mmsim_machine *m = machine_with_task(1, &t);
    page_alloc_drain(m->page_alloc);    /* exact counts: no frames on pcp lists */
    uint64_t free0 = page_alloc_node_free_bytes(m->page_alloc, 0);
    const uint64_t a[6] = {0, 3 * 4096, PROT_RW, ANON_PRIVATE, (uint64_t)-1, 0};
    int64_t addr = sys_mmap(t, a);
    ck_assert_int_gt(addr, 0);
    ck_assert_uint_eq((uint64_t)addr & 4095, 0);
    /* No frame until first touch. */
    ck_assert_uint_eq(page_alloc_node_free_bytes(m->page_alloc, 0), free0);
    uint64_t v = 0x1122334455667788ULL, r = 0;
    ck_assert_int_eq(mm_copy_out(t->mm, (uint64_t)addr + 4096 - 4, &v, 8), 0);  /* 2 pages */
    ck_assert_int_eq(mm_copy_in(t->mm, &r, (uint64_t)addr + 4096 - 4, 8), 0);
    ck_assert_uint_eq(r, v);
    page_alloc_drain(m->page_alloc);
    ck_assert_uint_eq(page_alloc_node_free_bytes(m->page_alloc, 0), free0 - 2 * 4096);
    /* Fresh pages read as zero. */
    ck_assert_int_eq(mm_copy_in(t->mm, &r, (uint64_t)addr + 2 * 4096, 8), 0);
    ck_assert_uint_eq(r, 0);
    /* Read-only after mprotect: writes fault, reads work. */
    const uint64_t mp[3] = {(uint64_t)addr, 4096, MM_PROT_R};
    ck_assert_int_eq(sys_mprotect(t, mp), 0);
    ck_assert_int_eq(mm_copy_out(t->mm, (uint64_t)addr, &v, 8), -EFAULT);
    ck_assert_int_eq(mm_copy_in(t->mm, &r, (uint64_t)addr + 4096 - 4, 8), 0);
    /* MAP_FIXED_NOREPLACE over it: EEXIST; munmap(len 0): EINVAL. */
    const uint64_t nr[6] = {(uint64_t)addr, 4096, PROT_RW, ANON_PRIVATE | 0x100000,
                            (uint64_t)-1, 0};
    ck_assert_int_eq(sys_mmap(t, nr), -EEXIST);
    const uint64_t um0[2] = {(uint64_t)addr, 0};
    ck_assert_int_eq(sys_munmap(t, um0), -EINVAL);
    /* mremap grows by moving; contents follow without a copy. */
    const uint64_t rm[5] = {(uint64_t)addr + 4096, 4096, 64 * 4096, 1 /* MAYMOVE */, 0};
    int64_t na = sys_mremap(t, rm);
    ck_assert_int_gt(na, 0);
    uint32_t hi;
    ck_assert_int_eq(mm_copy_in(t->mm, &hi, (uint64_t)na, 4), 0);
    ck_assert_uint_eq(hi, (uint32_t)(v >> 32));
    /* Unmapping everything gives the frames back. */
    const uint64_t um1[2] = {(uint64_t)addr, 3 * 4096}, um2[2] = {(uint64_t)na, 64 * 4096};
    ck_assert_int_eq(sys_munmap(t, um1), 0);
    ck_assert_int_eq(sys_munmap(t, um2), 0);
    page_alloc_drain(m->page_alloc);
    ck_assert_uint_eq(page_alloc_node_free_bytes(m->page_alloc, 0), free0);
    /* Wild pointers: EFAULT, never a crash. */
    ck_assert_int_eq(mm_copy_out(t->mm, 0, &v, 8), -EFAULT);
    ck_assert_int_eq(mm_copy_in(t->mm, &r, UINT64_MAX - 3, 8), -EFAULT);
    const uint64_t wr[3] = {1, 0xdead0000, 10};
    ck_assert_int_eq(sys_write(t, wr), -EFAULT);
    mmsim_machine_destroy(m);
}
END_TEST

START_TEST(getrandom_is_deterministic)
{
    uint8_t b1[32], b2[32], b3[32];
    struct task *t;
    uint8_t *outs[3] = {b1, b2, b3};
    uint64_t seeds[3] = {7, 7, 8};
    for (int i = 0; i < 3; i++) {
        mmsim_machine *m = machine_with_task(seeds[i], &t);
        const uint64_t mm_args[6] = {0, 4096, PROT_RW, ANON_PRIVATE, (uint64_t)-1, 0};
        int64_t buf = sys_mmap(t, mm_args);
        const uint64_t a[3] = {(uint64_t)buf, 32, 0};
        ck_assert_int_eq(sys_getrandom(t, a), 32);
        ck_assert_int_eq(mm_copy_in(t->mm, outs[i], (uint64_t)buf, 32), 0);
        const uint64_t bad[3] = {(uint64_t)buf, 32, 0x100};
        ck_assert_int_eq(sys_getrandom(t, bad), -EINVAL);
        mmsim_machine_destroy(m);
    }
    ck_assert(memcmp(b1, b2, 32) == 0);
    ck_assert(memcmp(b1, b3, 32) != 0);
}
END_TEST

START_TEST(time_and_identity)
{
    struct task *t;
    mmsim_machine *m = machine_with_task(1, &t);
    const uint64_t mm_args[6] = {0, 4096, PROT_RW, ANON_PRIVATE, (uint64_t)-1, 0};
    uint64_t buf = (uint64_t)sys_mmap(t, mm_args);
    t->hart->cycle = m->topo->clock_hz * 3;         /* 3 simulated seconds */
    const uint64_t ct[2] = {0 /* REALTIME */, buf};
    ck_assert_int_eq(sys_clock_gettime(t, ct), 0);
    int64_t ts[2];
    ck_assert_int_eq(mm_copy_in(t->mm, ts, buf, 16), 0);
    ck_assert_int_eq(ts[0], (int64_t)KERNEL_EPOCH + 3);
    ck_assert_int_eq(ts[1], 0);
    const uint64_t cm[2] = {1 /* MONOTONIC */, buf};
    ck_assert_int_eq(sys_clock_gettime(t, cm), 0);
    ck_assert_int_eq(mm_copy_in(t->mm, ts, buf, 16), 0);
    ck_assert_int_eq(ts[0], 3);
    const uint64_t bad[2] = {99, buf};
    ck_assert_int_eq(sys_clock_gettime(t, bad), -EINVAL);
    /* nanosleep(1.5 s) blocks the thread until 4.5 simulated seconds. */
    int64_t req[2] = {1, 500000000};
    ck_assert_int_eq(mm_copy_out(t->mm, buf, req, 16), 0);
    const uint64_t ns[2] = {buf, 0};
    ck_assert_int_eq(sys_nanosleep(t, ns), SYS_NORETURN);
    ck_assert_int_eq(t->state, TASK_BLOCKED);
    ck_assert_uint_eq(t->deadline, m->topo->clock_hz * 9 / 2);
    task_wake(t, 0, t->deadline);
    ck_assert_int_eq(t->state, TASK_RUNNABLE);
    /* uname: machine is riscv64 (offset 4 * 65). */
    const uint64_t un[1] = {buf};
    ck_assert_int_eq(sys_uname(t, un), 0);
    char mach[65];
    ck_assert_int_eq(mm_copy_in(t->mm, mach, buf + 4 * 65, 65), 0);
    ck_assert_str_eq(mach, "riscv64");
    const uint64_t none[1] = {0};
    ck_assert_int_eq(sys_getpid(t, none), KERNEL_FIRST_PID);
    ck_assert_int_eq(sys_gettid(t, none), KERNEL_FIRST_PID);
    mmsim_machine_destroy(m);
}
END_TEST

static char *buddyinfo(mmsim_machine *m)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(mmsim_memory_print(m, f, MMSIM_VIEW_BUDDYINFO, MMSIM_FORMAT_TEXT), MMSIM_OK);
    fclose(f);
    return text;
}

/* Issue 6: the frames of processes that have exited (multi-threaded ones
 * included) go back to the buddy allocator: /proc/buddyinfo at the end is
 * /proc/buddyinfo at the start. */
START_TEST(buddyinfo_restored_after_exit)
{
    mmsim_topology *topo;
    char err[256];
    ck_assert_int_eq(mmsim_topology_open("numa-4s-full", &topo, err, sizeof(err)), MMSIM_OK);
    mmsim_machine *m;
    ck_assert_int_eq(mmsim_machine_create(topo, 0, &m), MMSIM_OK);
    mmsim_topology_destroy(topo);
    char *before = buddyinfo(m);
    int null = open("/dev/null", O_WRONLY);
    ck_assert_int_ge(null, 0);
    const char *progs[3] = {"tests/thr_mutex", "tests/thr_many", "tests/thr_oversub"};
    const unsigned cpus[3] = {0, 4, 9};
    mmsim_process *p[3];
    for (int i = 0; i < 3; i++) {
        char path[1024];
        testutil_path("MMSIM_GUEST_DIR", progs[i], path, sizeof(path));
        ck_assert_int_eq(mmsim_process_create(m, path, NULL, NULL, cpus[i], &p[i]), MMSIM_OK);
        ck_assert_int_eq(mmsim_process_set_stdio(p[i], -1, null, -1), MMSIM_OK);
    }
    char *during = NULL;
    ck_assert_int_eq(mmsim_machine_run(m, 200000), MMSIM_ERR_LIMIT);
    during = buddyinfo(m);
    ck_assert_str_ne(before, during);   /* the processes hold frames */
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_OK);
    for (int i = 0; i < 3; i++) {
        int code = -1;
        ck_assert_int_eq(mmsim_process_exit_code(p[i], &code), MMSIM_OK);
        ck_assert_int_eq(code, 0);
        mmsim_process_info in;
        ck_assert_int_eq(mmsim_process_info_get(p[i], &in), MMSIM_OK);
        ck_assert_uint_eq(in.resident_pages, 0);
        ck_assert_uint_gt(in.page_faults, 0);
    }
    page_alloc_drain(m->page_alloc);    /* freed order-0 frames sit on pcp lists */
    char *after = buddyinfo(m);
    ck_assert_str_eq(before, after);
    free(before);
    free(during);
    free(after);
    close(null);
    mmsim_machine_destroy(m);
}
END_TEST

/* Placement (docs/KERNEL.md): fill takes idle CPUs of the parent's node
 * first, then the next nodes; spread takes the least loaded node; a mask
 * restricts both; with no idle CPU, the least loaded allowed CPU. */
static void placement_case(bool spread, const uint64_t *mask, const uint32_t *want, int n)
{
    mmsim_topology *topo;
    char err[256];
    ck_assert_int_eq(mmsim_topology_open("numa-4s-full", &topo, err, sizeof(err)), MMSIM_OK);
    mmsim_machine *m;
    ck_assert_int_eq(mmsim_machine_create(topo, 0, &m), MMSIM_OK);
    mmsim_topology_destroy(topo);
    char path[1024];
    testutil_path("MMSIM_GUEST_DIR", "tests/thr_mutex", path, sizeof(path));
    mmsim_process *p;
    ck_assert_int_eq(mmsim_process_create(m, path, NULL, NULL, 0, &p), MMSIM_OK);
    ck_assert_int_eq(mmsim_machine_set_placement(m, spread ? MMSIM_PLACE_SPREAD
                                                          : MMSIM_PLACE_FILL), MMSIM_OK);
    struct task *t = m->kernel->tasks;
    if (mask)
        memcpy(t->affinity, mask, sizeof(t->affinity));
    sched_load(t);
    for (int i = 0; i < n; i++) {
        struct task *c;
        ck_assert_int_eq(task_clone_thread(t, &c), 0);
        ck_assert_uint_eq(c->cpu, want[i]);
        ck_assert_uint_eq(c->tid, KERNEL_FIRST_PID + 1 + (uint32_t)i);
    }
    mmsim_machine_destroy(m);
}

START_TEST(thread_placement)
{
    const uint32_t fill[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2};
    placement_case(false, NULL, fill, 18);
    const uint32_t spread[] = {4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15, 0, 1};
    placement_case(true, NULL, spread, 17);
    uint64_t mask[KCPU_WORDS] = {(1u << 5) | (1u << 6) | (1u << 7) | (1u << 12)};
    /* The parent (cpu 0) is outside the mask: 5, 6, 7 (node 1), 12, then
     * the least loaded allowed CPU in the same order. */
    const uint32_t masked[] = {5, 6, 7, 12, 5, 6};
    placement_case(false, mask, masked, 6);
}
END_TEST

/* futex(2) semantics as the man page states them: EAGAIN on a changed
 * value, FIFO wake-ups, REQUEUE returns the woken count and CMP_REQUEUE
 * woken + requeued, WAKE_OP's operation and comparison, EINVAL for an
 * empty bitset, timeouts in simulated time. */
START_TEST(futex_semantics)
{
    struct task *t;
    mmsim_machine *m = machine_with_task(1, &t);
    const uint64_t mm_args[6] = {0, 4096, PROT_RW, ANON_PRIVATE, (uint64_t)-1, 0};
    uint64_t buf = (uint64_t)sys_mmap(t, mm_args), buf2 = buf + 64;
    struct task *w[3];
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(task_clone_thread(t, &w[i]), 0);
    enum { WAIT = 128, WAKE = 129, REQUEUE = 131, CMP_REQUEUE = 132, WAKE_OP = 133,
           WAIT_BITSET = 137 };     /* the _PRIVATE forms */
    for (int i = 0; i < 3; i++) {
        const uint64_t a[6] = {buf, WAIT, 0, 0, 0, 0};
        ck_assert_int_eq(sys_futex(w[i], a), SYS_NORETURN);
        ck_assert_int_eq(w[i]->state, TASK_BLOCKED);
    }
    const uint64_t changed[6] = {buf, WAIT, 1, 0, 0, 0};
    ck_assert_int_eq(sys_futex(t, changed), -EAGAIN);
    const uint64_t cmp_bad[6] = {buf, CMP_REQUEUE, 1, 1, buf2, 1};
    ck_assert_int_eq(sys_futex(t, cmp_bad), -EAGAIN);
    const uint64_t cmp[6] = {buf, CMP_REQUEUE, 1, 1, buf2, 0};
    ck_assert_int_eq(sys_futex(t, cmp), 2);             /* w0 woken, w1 moved */
    ck_assert_int_eq(w[0]->state, TASK_RUNNABLE);
    ck_assert_uint_eq(w[0]->ctx.x[10], 0);
    ck_assert_int_eq(w[1]->state, TASK_BLOCKED);
    const uint64_t rq[6] = {buf, REQUEUE, 0, 5, buf2, 0};
    ck_assert_int_eq(sys_futex(t, rq), 0);              /* w2 moved, none woken */
    const uint64_t wake1[6] = {buf2, WAKE, 1, 0, 0, 0};
    ck_assert_int_eq(sys_futex(t, wake1), 1);
    ck_assert_int_eq(w[1]->state, TASK_RUNNABLE);       /* FIFO: w1 before w2 */
    ck_assert_int_eq(w[2]->state, TASK_BLOCKED);
    const uint64_t nobits[6] = {buf, WAIT_BITSET, 0, 0, 0, 0};
    ck_assert_int_eq(sys_futex(t, nobits), -EINVAL);
    /* A 1 us timeout: the deadline is 1 us of simulated time later. */
    int64_t ts[2] = {0, 1000};
    ck_assert_int_eq(mm_copy_out(t->mm, buf + 128, ts, 16), 0);
    const uint64_t timed[6] = {buf, WAIT, 0, buf + 128, 0, 0};
    ck_assert_int_eq(sys_futex(w[0], timed), SYS_NORETURN);
    ck_assert_uint_eq(w[0]->deadline, w[0]->hart->cycle + kernel_ns_to_cycles(m->kernel, 1000));
    ck_assert_int_eq(w[0]->timeout_ret, -ETIMEDOUT);
    /* WAKE_OP: *buf2 = 5 (SET), wake one on buf (w0), and one on buf2 (w2)
     * because the old value 0 == 0 (CMP_EQ). */
    const uint64_t op[6] = {buf, WAKE_OP, 1, 1, buf2, (0u << 28) | (0u << 24) | (5u << 12) | 0u};
    ck_assert_int_eq(sys_futex(t, op), 2);
    uint32_t v;
    ck_assert_int_eq(mm_copy_in(t->mm, &v, buf2, 4), 0);
    ck_assert_uint_eq(v, 5);
    ck_assert_int_eq(w[0]->state, TASK_RUNNABLE);
    ck_assert_int_eq(w[2]->state, TASK_RUNNABLE);
    ck_assert_ptr_null(m->kernel->futex_q);
    mmsim_machine_destroy(m);
}
END_TEST

START_TEST(fd_table_protects_host_fds)
{
    struct task *t;
    mmsim_machine *m = machine_with_task(1, &t);
    int spare = dup(2);
    ck_assert_int_ge(spare, 0);
    mmsim_process_set_stdio(t->g->proc, -1, -1, spare);
    const uint64_t c2[1] = {2};
    ck_assert_int_eq(sys_close(t, c2), 0);
    ck_assert_int_ge(fcntl(spare, F_GETFD), 0);     /* still open at host */
    ck_assert_int_eq(sys_close(t, c2), -EBADF);
    const uint64_t cbad[1] = {(uint64_t)-1};
    ck_assert_int_eq(sys_close(t, cbad), -EBADF);
    /* openat: a missing file is ENOENT; a real one gets the lowest fd (2). */
    const uint64_t mm_args[6] = {0, 4096, PROT_RW, ANON_PRIVATE, (uint64_t)-1, 0};
    uint64_t buf = (uint64_t)sys_mmap(t, mm_args);
    const char *missing = "/nonexistent/file";
    ck_assert_int_eq(mm_copy_out(t->mm, buf, missing, strlen(missing) + 1), 0);
    const uint64_t o1[4] = {(uint64_t)(int64_t)FS_AT_FDCWD, buf, O_RDONLY, 0};
    ck_assert_int_eq(sys_openat(t, o1), -ENOENT);
    ck_assert_int_eq(mm_copy_out(t->mm, buf, "/", 2), 0);
    int64_t fd = sys_openat(t, o1);
    ck_assert_int_eq(fd, 2);
    const uint64_t fs[2] = {(uint64_t)fd, buf + 1024};
    ck_assert_int_eq(sys_fstat(t, fs), 0);
    uint32_t mode;
    ck_assert_int_eq(mm_copy_in(t->mm, &mode, buf + 1024 + 16, 4), 0);
    ck_assert_uint_eq(mode & 0170000, 0040000);     /* S_IFDIR */
    const uint64_t cfd[1] = {(uint64_t)fd};
    ck_assert_int_eq(sys_close(t, cfd), 0);
    mmsim_machine_destroy(m);
    close(spare);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("kernel");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, riscv_stat_layout);
    tcase_add_test(tc, path_normalize);
    tcase_add_test(tc, mmap_placement_top_down);
    tcase_add_test(tc, protect_and_unmap_split);
    tcase_add_test(tc, brk_grows_and_shrinks);
    tcase_add_test(tc, initial_stack_like_linux);
    tcase_add_test(tc, demand_paging_and_frames);
    tcase_add_test(tc, getrandom_is_deterministic);
    tcase_add_test(tc, time_and_identity);
    tcase_add_test(tc, fd_table_protects_host_fds);
    tcase_add_test(tc, buddyinfo_restored_after_exit);
    tcase_add_test(tc, thread_placement);
    tcase_add_test(tc, futex_semantics);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return testutil_run(suite());
}
