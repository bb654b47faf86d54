/* Address spaces over real page tables: what the kernel writes is what a
 * hardware walker reads (the privileged spec's PTE format, checked with
 * mmu/walk.c), page-table pages come and go with the mappings, transparent
 * huge pages are mapped, split and freed, pages migrate between nodes with
 * their contents, Sv48 works, and shootdowns reach the CPUs' TLBs. */
#include <stdlib.h>
#include <string.h>

#include "cpu/hart.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/page_alloc.h"
#include "kernel/syscall.h"
#include "machine.h"
#include "mmsim/mmsim.h"
#include "mmu/mmu.h"
#include "mmu/walk.h"
#include "numa/physmem.h"
#include "testutil.h"

#define PROT_RW (MM_PROT_R | MM_PROT_W)
#define ANON_PRIVATE 0x22
#define MIB (1ull << 20)

static mmsim_machine *machine_with_task(const char *topo_name, struct task **t)
{
    unsigned char img[TESTUTIL_TINY_ELF_MAX];
    size_t len = testutil_tiny_elf(img, 0);     /* the process only needs to exist */

    mmsim_topology *topo;
    char err[256];
    ck_assert_int_eq(mmsim_topology_open(topo_name, &topo, err, sizeof(err)), MMSIM_OK);
    mmsim_machine *m;
    ck_assert_int_eq(mmsim_machine_create(topo, 1, &m), MMSIM_OK);
    mmsim_topology_destroy(topo);
    mmsim_process *p;
    const char *argv[] = {"tiny", NULL};
    const char *envp[] = {NULL};
    ck_assert_int_eq(mmsim_process_create_mem(m, img, len, "tiny", argv,
                                              envp, 0, &p), MMSIM_OK);
    *t = m->kernel->tasks;
    ck_assert_ptr_nonnull(*t);
    sched_load(*t);
    return m;
}

static int64_t map_anon(struct task *t, uint64_t len)
{
    const uint64_t a[6] = {0, len, PROT_RW, ANON_PRIVATE, (uint64_t)-1, 0};
    int64_t addr = sys_mmap(t, a);
    ck_assert_int_gt(addr, 0);
    return addr;
}

/* A walker over guest physical memory that charges nothing. */
static int rd(void *ctx, uint64_t pa, uint64_t *pte, unsigned level)
{
    const uint8_t *p = physmem_host(ctx, pa);
    if (!p)
        return -1;
    memcpy(pte, p, 8);
    return 0;
}

static enum walk_fault hw_walk(mmsim_machine *m, struct mm *mm, uint64_t va,
                               enum mmu_access acc, struct walk_result *res)
{
    struct walker w = {.read_pte = rd, .ctx = m->physmem, .hw_ad = false};
    struct walk_req req = {.va = va, .root = mm->root, .levels = (uint8_t)mm->levels,
                           .acc = (uint8_t)acc, .user = true};
    return walk_va(&w, &req, res);
}

START_TEST(kernel_tables_read_by_the_walker)
{
    struct task *t;
    mmsim_machine *m = machine_with_task("uma-4", &t);
    struct mm *mm = t->mm;
    ck_assert_uint_eq(mm->levels, 3);
    ck_assert_uint_ne(mm->asid, 0);
    ck_assert_uint_eq(mm_satp(mm) >> 60, 8);   /* Sv39 */
    uint64_t a = (uint64_t)map_anon(t, 4 * 4096);
    struct walk_result r;
    /* Not touched: no PTE, the hardware sees an invalid entry. */
    ck_assert_int_eq(hw_walk(m, mm, a, MMU_LOAD, &r), WALK_INVALID);
    uint64_t v = 0xfeedfacecafebeefULL;
    ck_assert_int_eq(mm_copy_out(mm, a + 8, &v, 8), 0);
    ck_assert_int_eq(hw_walk(m, mm, a + 8, MMU_STORE, &r), WALK_OK);
    ck_assert_uint_eq(r.pa >> 12, mm_page_pfn(mm, a >> 12));
    ck_assert_uint_eq(r.level, 0);
    ck_assert_uint_eq(r.pte & (PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D),
                      PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
    uint64_t back;
    memcpy(&back, physmem_host(m->physmem, r.pa), 8);
    ck_assert_uint_eq(back, v);
    /* mprotect rewrites the PTE: stores fault, loads work, frame kept. */
    const uint64_t ro[3] = {a, 4096, MM_PROT_R};
    ck_assert_int_eq(sys_mprotect(t, ro), 0);
    ck_assert_int_eq(hw_walk(m, mm, a, MMU_STORE, &r), WALK_PERM);
    ck_assert_int_eq(hw_walk(m, mm, a, MMU_LOAD, &r), WALK_OK);
    ck_assert_uint_eq(r.pte & (PTE_R | PTE_W), PTE_R);
    /* PROT_NONE: invalid to the hardware, still resident. */
    const uint64_t none[3] = {a, 4096, 0};
    ck_assert_int_eq(sys_mprotect(t, none), 0);
    ck_assert_int_eq(hw_walk(m, mm, a, MMU_LOAD, &r), WALK_INVALID);
    ck_assert_uint_ne(mm_page_pfn(mm, a >> 12), UINT64_MAX);
    ck_assert_int_eq(mm_copy_in(mm, &back, a + 8, 8), -EFAULT);
    const uint64_t rw[3] = {a, 4096, PROT_RW};
    ck_assert_int_eq(sys_mprotect(t, rw), 0);
    ck_assert_int_eq(mm_copy_in(mm, &back, a + 8, 8), 0);
    ck_assert_uint_eq(back, v);
    /* Exec-only: fetch allowed, loads refused by the hardware. */
    const uint64_t xo[3] = {a, 4096, MM_PROT_X};
    ck_assert_int_eq(sys_mprotect(t, xo), 0);
    ck_assert_int_eq(hw_walk(m, mm, a, MMU_FETCH, &r), WALK_OK);
    ck_assert_int_eq(hw_walk(m, mm, a, MMU_LOAD, &r), WALK_PERM);
    mmsim_machine_destroy(m);
}
END_TEST

START_TEST(page_tables_come_and_go)
{
    struct task *t;
    mmsim_machine *m = machine_with_task("uma-4", &t);
    struct mm *mm = t->mm;
    page_alloc_drain(m->page_alloc);
    uint64_t free0 = page_alloc_node_free_bytes(m->page_alloc, 0);
    uint64_t pt0 = mm->pt_pages, gauge0;
    ck_assert_int_eq(mmsim_stats_get(m, "node0.pgtable_pages", &gauge0), MMSIM_OK);
    ck_assert_uint_ge(gauge0, pt0);
    /* 64 MiB, one byte per 2 MiB: a level-0 table each (32), plus a
     * level-1 table or two. */
    uint64_t len = 64 * MIB;
    uint64_t a = (uint64_t)map_anon(t, len);
    for (uint64_t off = 0; off < len; off += 2 * MIB)
        ck_assert_int_eq(mm_copy_out(mm, a + off, "x", 1), 0);
    ck_assert_uint_ge(mm->pt_pages, pt0 + 32);
    ck_assert_uint_le(mm->pt_pages, pt0 + 34);
    uint64_t gauge;
    ck_assert_int_eq(mmsim_stats_get(m, "node0.pgtable_pages", &gauge), MMSIM_OK);
    ck_assert_uint_eq(gauge - gauge0, mm->pt_pages - pt0);
    /* Unmapping returns the frames and every table that mapped only it. */
    const uint64_t um[2] = {a, len};
    ck_assert_int_eq(sys_munmap(t, um), 0);
    ck_assert_uint_le(mm->pt_pages, pt0 + 2);
    page_alloc_drain(m->page_alloc);
    ck_assert_uint_eq(page_alloc_node_free_bytes(m->page_alloc, 0),
                      free0 - (mm->pt_pages - pt0) * 4096);
    /* A sparse huge range costs nothing to unmap (no page-by-page walk). */
    uint64_t big = 100ull << 30;
    const uint64_t hm[6] = {0, big, PROT_RW, ANON_PRIVATE | 0x4000 /* NORESERVE */,
                            (uint64_t)-1, 0};
    int64_t h = sys_mmap(t, hm);
    ck_assert_int_gt(h, 0);
    ck_assert_int_eq(mm_copy_out(mm, (uint64_t)h + big / 2, "y", 1), 0);
    const uint64_t hu[2] = {(uint64_t)h, big};
    ck_assert_int_eq(sys_munmap(t, hu), 0);
    mmsim_machine_destroy(m);
}
END_TEST

static int count_pages(void *ctx, uint64_t va, uint64_t pfn, unsigned shift)
{
    uint64_t *n = ctx;
    n[shift == 21 ? 1 : 0]++;
    return 0;
}

START_TEST(transparent_huge_pages)
{
    struct task *t;
    mmsim_machine *m = machine_with_task("uma-4", &t);
    struct mm *mm = t->mm;
    page_alloc_drain(m->page_alloc);
    uint64_t free0 = page_alloc_node_free_bytes(m->page_alloc, 0), pt0 = mm->pt_pages;
    uint64_t a = (uint64_t)map_anon(t, 8 * MIB);
    uint64_t h = (a + 2 * MIB - 1) & ~(2 * MIB - 1);     /* an aligned 2 MiB inside */
    /* madvise mode (the default): no huge page without MADV_HUGEPAGE. */
    ck_assert_uint_eq(mm->thp, MM_THP_MADVISE);
    ck_assert_int_eq(mm_copy_out(mm, h, "a", 1), 0);
    uint64_t n[2] = {0, 0};
    mm_walk_pages(mm, a, a + 8 * MIB, count_pages, n);
    ck_assert_uint_eq(n[0], 1);
    ck_assert_uint_eq(n[1], 0);
    const uint64_t adv[3] = {a, 8 * MIB, 14 /* MADV_HUGEPAGE */};
    ck_assert_int_eq(sys_madvise(t, adv), 0);
    uint64_t h2 = h + 2 * MIB;
    uint32_t pat = 0x5a5a1234;
    ck_assert_int_eq(mm_copy_out(mm, h2 + 4096 * 7, &pat, 4), 0);
    ck_assert_uint_eq(m->kernel->mmc.thp_fault_alloc, 1);
    n[0] = n[1] = 0;
    mm_walk_pages(mm, a, a + 8 * MIB, count_pages, n);
    ck_assert_uint_eq(n[1], 1);
    ck_assert_uint_eq(mm->frames >= 513, true);
    struct walk_result r;
    ck_assert_int_eq(hw_walk(m, mm, h2 + 4096 * 7, MMU_LOAD, &r), WALK_OK);
    ck_assert_uint_eq(r.level, 1);
    ck_assert_uint_eq(r.page_shift, 21);
    /* Unmapping one 4 KiB page in it splits it; the rest keeps its data. */
    uint64_t frames = mm->frames;
    const uint64_t um[2] = {h2, 4096};
    ck_assert_int_eq(sys_munmap(t, um), 0);
    ck_assert_uint_eq(m->kernel->mmc.thp_split, 1);
    ck_assert_uint_eq(mm->frames, frames - 1);
    uint32_t back = 0;
    ck_assert_int_eq(mm_copy_in(mm, &back, h2 + 4096 * 7, 4), 0);
    ck_assert_uint_eq(back, pat);
    ck_assert_int_eq(hw_walk(m, mm, h2 + 4096 * 7, MMU_LOAD, &r), WALK_OK);
    ck_assert_uint_eq(r.level, 0);
    /* MADV_NOHUGEPAGE: 4 KiB pages again. */
    const uint64_t noadv[3] = {h + 4 * MIB, 2 * MIB, 15 /* MADV_NOHUGEPAGE */};
    ck_assert_int_eq(sys_madvise(t, noadv), 0);
    ck_assert_int_eq(mm_copy_out(mm, h + 4 * MIB, "b", 1), 0);
    ck_assert_uint_eq(m->kernel->mmc.thp_fault_alloc, 1);
    /* Everything back, page tables and deposited tables included. */
    const uint64_t all[2] = {a, 8 * MIB};
    ck_assert_int_eq(sys_munmap(t, all), 0);
    ck_assert_uint_eq(mm->pt_deposit, 0);
    page_alloc_drain(m->page_alloc);
    /* Every frame back; only tables that also map other VMAs stay. */
    ck_assert_uint_eq(page_alloc_node_free_bytes(m->page_alloc, 0),
                      free0 - (mm->pt_pages - pt0) * 4096);
    char msg[256];
    ck_assert_msg(page_alloc_check(m->page_alloc, msg, sizeof(msg)) == 0, "%s", msg);
    mmsim_machine_destroy(m);
}
END_TEST

START_TEST(thp_always_and_fallback)
{
    struct task *t;
    mmsim_machine *m = machine_with_task("uma-4", &t);
    struct mm *mm = t->mm;
    mm->thp = MM_THP_ALWAYS;
    uint64_t a = (uint64_t)map_anon(t, 6 * MIB);
    uint64_t h = (a + 2 * MIB - 1) & ~(2 * MIB - 1);
    ck_assert_int_eq(mm_copy_out(mm, h, "a", 1), 0);
    ck_assert_uint_eq(m->kernel->mmc.thp_fault_alloc, 1);
    /* A fault outside any aligned 2 MiB of the VMA is not a candidate. */
    uint64_t before = m->kernel->mmc.thp_fault_fallback;
    if (a != h) {
        ck_assert_int_eq(mm_copy_out(mm, a, "b", 1), 0);
        ck_assert_uint_eq(m->kernel->mmc.thp_fault_fallback, before);
    }
    /* mprotect of part of it splits it; the whole 2 MiB keeps it. */
    const uint64_t ro[3] = {h, 2 * MIB, MM_PROT_R};
    ck_assert_int_eq(sys_mprotect(t, ro), 0);
    ck_assert_uint_eq(m->kernel->mmc.thp_split, 0);
    const uint64_t rw[3] = {h + 4096, 4096, PROT_RW};
    ck_assert_int_eq(sys_mprotect(t, rw), 0);
    ck_assert_uint_eq(m->kernel->mmc.thp_split, 1);
    mmsim_machine_destroy(m);
}
END_TEST

START_TEST(migration_keeps_contents)
{
    struct task *t;
    mmsim_machine *m = machine_with_task("numa-2s", &t);
    struct mm *mm = t->mm;
    uint64_t a = (uint64_t)map_anon(t, 3 * 4096);
    uint8_t pat[4096], back[4096];
    for (int i = 0; i < 4096; i++)
        pat[i] = (uint8_t)(i * 7 + 3);
    ck_assert_int_eq(mm_copy_out(mm, a, pat, sizeof(pat)), 0);
    int from = mm_page_node(mm, a);
    ck_assert_int_ge(from, 0);
    int to = 1 - from;
    uint64_t old = mm_page_pfn(mm, a >> 12);
    ck_assert_int_eq(mm_migrate_page(mm, a + 123, (unsigned)to), 0);
    ck_assert_int_eq(mm_page_node(mm, a), to);
    ck_assert_uint_ne(mm_page_pfn(mm, a >> 12), old);
    ck_assert_int_eq(mm_copy_in(mm, back, a, sizeof(back)), 0);
    ck_assert_mem_eq(back, pat, sizeof(pat));
    ck_assert_uint_eq(m->kernel->mmc.pgmigrate_success, 1);
    /* Already there: nothing to do.  Not resident, holes, bad nodes. */
    ck_assert_int_eq(mm_migrate_page(mm, a, (unsigned)to), 0);
    ck_assert_uint_eq(m->kernel->mmc.pgmigrate_success, 1);
    ck_assert_int_eq(mm_migrate_page(mm, a + 2 * 4096, (unsigned)from), -ENOENT);
    ck_assert_int_eq(mm_page_node(mm, a + 2 * 4096), -ENOENT);
    ck_assert_int_eq(mm_migrate_page(mm, 0x1000, 0), -EFAULT);
    ck_assert_int_eq(mm_page_node(mm, 0x1000), -EFAULT);
    ck_assert_int_eq(mm_migrate_page(mm, a, 7), -EINVAL);
    /* The hardware sees the new frame. */
    struct walk_result r;
    ck_assert_int_eq(hw_walk(m, mm, a, MMU_LOAD, &r), WALK_OK);
    ck_assert_int_eq(physmem_node_of(m->physmem, r.pa), to);
    mmsim_machine_destroy(m);
}
END_TEST

START_TEST(vma_policy_splits_and_binds)
{
    struct task *t;
    mmsim_machine *m = machine_with_task("numa-2s", &t);
    struct mm *mm = t->mm;
    uint64_t a = (uint64_t)map_anon(t, 4 * 4096);
    struct mempolicy bind;
    nodemask_t n1 = 2;
    ck_assert_int_eq(mempolicy_init(&bind, MPOL_BIND, 0, &n1, m->topo), 0);
    ck_assert_int_eq(mm_set_vma_policy(mm, a + 4096, 2 * 4096, &bind), 0);
    ck_assert_ptr_null(mm_find_vma(mm, a)->policy);
    ck_assert_ptr_nonnull(mm_find_vma(mm, a + 4096)->policy);
    ck_assert_ptr_null(mm_find_vma(mm, a + 3 * 4096)->policy);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(mm_copy_out(mm, a + (uint64_t)i * 4096, "z", 1), 0);
    ck_assert_int_eq(mm_page_node(mm, a + 4096), 1);
    ck_assert_int_eq(mm_page_node(mm, a + 2 * 4096), 1);
    /* Page tables: by default under the task's policy (local: node 0 for
     * a task on CPU 0); with page_tables: data, on the data's node. */
    ck_assert_uint_eq(m->kernel->mmc.pt_alloc_node[1], 0);
    mm->pt_place = MM_PT_DATA;
    const uint64_t b2[6] = {0, 4 * MIB, PROT_RW, ANON_PRIVATE, (uint64_t)-1, 0};
    int64_t far = sys_mmap(t, b2);
    ck_assert_int_gt(far, 0);
    ck_assert_int_eq(mm_set_vma_policy(mm, (uint64_t)far, 4 * MIB, &bind), 0);
    ck_assert_int_eq(mm_copy_out(mm, (uint64_t)far + 2 * MIB, "d", 1), 0);
    ck_assert_uint_ge(m->kernel->mmc.pt_alloc_node[1], 1);
    /* A hole: EFAULT and nothing changed. */
    ck_assert_int_eq(mm_set_vma_policy(mm, a, 1ull << 30, &bind), -EFAULT);
    ck_assert_ptr_null(mm_find_vma(mm, a)->policy);
    /* Splitting a VMA with a policy copies it (no shared pointer). */
    const uint64_t um[2] = {a + 2 * 4096, 4096};
    ck_assert_int_eq(sys_munmap(t, um), 0);
    ck_assert_ptr_nonnull(mm_find_vma(mm, a + 4096)->policy);
    ck_assert_int_eq(mm_set_vma_policy(mm, a, 2 * 4096, NULL), 0);
    ck_assert_ptr_null(mm_find_vma(mm, a + 4096)->policy);
    mmsim_machine_destroy(m);
}
END_TEST

START_TEST(sv48_four_levels)
{
    struct task *t;
    mmsim_machine *m = machine_with_task("uma-4", &t);
    struct mm *mm;
    ck_assert_int_eq(mm_create(m->physmem, m->page_alloc, NULL, 0, &mm), 0);
    mm->levels = 4;
    ck_assert_uint_eq(mm_satp(mm) >> 60, 9);
    ck_assert_int_eq(mm_map(mm, 0x7f0000000000ull & (MM_TASK_SIZE - 1), 2 * 4096, PROT_RW, 0, ""),
                     0);
    uint64_t va = 0x7f0000000000ull & (MM_TASK_SIZE - 1);
    uint64_t v = 42;
    ck_assert_int_eq(mm_copy_out(mm, va + 4096, &v, 8), 0);
    struct walk_result r;
    ck_assert_int_eq(hw_walk(m, mm, va + 4096, MMU_LOAD, &r), WALK_OK);
    ck_assert_uint_eq(r.reads, 4);
    ck_assert_uint_eq(r.reads_at[3], 1);
    ck_assert_uint_eq(mm->pt_pages, 4);        /* root, L2, L1, L0 */
    mm_destroy(mm);
    mmsim_machine_destroy(m);
}
END_TEST

START_TEST(shootdown_reaches_the_tlbs)
{
    struct task *t;
    mmsim_machine *m = machine_with_task("uma-4", &t);
    struct mm *mm = t->mm;
    struct kcpu *c = &m->kernel->cpus[t->cpu];
    ck_assert_ptr_nonnull(c->mmu);
    uint64_t a = (uint64_t)map_anon(t, 2 * 4096);
    ck_assert_int_eq(mm_copy_out(mm, a, "q", 1), 0);
    uint64_t pa;
    ck_assert_int_eq(mmu_translate(c->mmu, a, MMU_LOAD, &pa), 0);
    ck_assert_uint_eq(pa >> 12, mm_page_pfn(mm, a >> 12));
    /* The entry is cached now; after munmap it must be gone. */
    uint64_t sd = c->shootdowns;
    const uint64_t um[2] = {a, 2 * 4096};
    ck_assert_int_eq(sys_munmap(t, um), 0);
    ck_assert_uint_gt(c->shootdowns, sd);
    ck_assert_int_eq(mmu_translate(c->mmu, a, MMU_LOAD, &pa), CAUSE_LOAD_PAGE_FAULT);
    mmsim_machine_destroy(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mm_pt");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, kernel_tables_read_by_the_walker);
    tcase_add_test(tc, page_tables_come_and_go);
    tcase_add_test(tc, transparent_huge_pages);
    tcase_add_test(tc, thp_always_and_fallback);
    tcase_add_test(tc, migration_keeps_contents);
    tcase_add_test(tc, vma_policy_splits_and_binds);
    tcase_add_test(tc, sv48_four_levels);
    tcase_add_test(tc, shootdown_reaches_the_tlbs);
    suite_add_tcase(s, tc);
    return testutil_run(s);
}
