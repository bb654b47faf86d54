/* The guest kernel: creation, harts, randomness and simulated time. */
#include "kernel/kernel.h"

#include <stdlib.h>
#include <string.h>

#include "cpu/hart.h"
#include "kernel/mm.h"
#include "machine.h"
#include "mem/memsys.h"
#include "mmu/mmu.h"
#include "numa/physmem.h"

/* ---- Hart hooks ----------------------------------------------------------- */

static int fault_cause(enum hart_access acc)
{
    return acc == HART_WRITE ? CAUSE_STORE_PAGE_FAULT
           : acc == HART_EXEC ? CAUSE_FETCH_PAGE_FAULT : CAUSE_LOAD_PAGE_FAULT;
}

static int k_translate(void *ctx, uint64_t vaddr, enum hart_access acc, uint8_t **host)
{
    struct kcpu *c = ctx;
    if (!c->cur || !c->cur->mm)
        return fault_cause(acc);
    struct mm *mm = c->cur->mm;
    /* First touch: the node of the CPU that touches (threads of one mm run
     * on several nodes). */
    mm->local_node = c->node;
    uint64_t pa;
    int rc = mmu_translate(c->mmu, vaddr, (enum mmu_access)acc, &pa);
    if (rc == CAUSE_FETCH_PAGE_FAULT || rc == CAUSE_LOAD_PAGE_FAULT ||
        rc == CAUSE_STORE_PAGE_FAULT) {
        /* The page fault handler: demand paging, then the access retries
         * (invalid PTEs are never cached, so no fence is needed). */
        enum mm_fault f = mm_fault_in(mm, vaddr, (int)acc);
        kernel_charge_faults(c->k, mm, c->cpu);
        if (f != MM_OK) {
            /* The reason is kept for the signal's si_code (see run.c). */
            mm->last_fault = f;
            return fault_cause(acc);
        }
        rc = mmu_translate(c->mmu, vaddr, (enum mmu_access)acc, &pa);
    }
    if (rc) {
        mm->last_fault = MM_FAULT_ACCERR;
        return rc;
    }
    *host = physmem_host(c->k->m->physmem, pa & ~MM_PAGE_MASK);
    if (!*host) {
        mm->last_fault = MM_FAULT_MAPERR;
        return acc == HART_WRITE ? CAUSE_STORE_ACCESS
               : acc == HART_EXEC ? CAUSE_FETCH_ACCESS : CAUSE_LOAD_ACCESS;
    }
    /* A translation that missed the software TLB is usually followed by
     * the access's timing (a miss path of a few thousand host instructions
     * when the page was cold) and then the access itself: let the host
     * fetch the guest's line, and the structures the miss path probes,
     * meanwhile. */
    __builtin_prefetch(*host + (vaddr & MM_PAGE_MASK));
    if (c->k->memsys && c->k->m->harts[c->cpu].pipe)
        memsys_prefetch(c->k->memsys, c->cpu, pa);
    return 0;
}

static uint64_t k_read_time(void *ctx)
{
    struct kcpu *c = ctx;
    struct hart *h = &c->k->m->harts[c->cpu];
    return kernel_sim_ns(c->k, h->cycle) / (1000000000ULL / KERNEL_TIMEBASE_HZ);
}

/* The harts share the decoded form of a page mapped executable and not
 * writable, privately: its bytes change only after mprotect adds write
 * access, or after its frame was freed (munmap, MADV_DONTNEED, migration,
 * exit), and each of those shoots down the decoded code of every CPU that
 * has the address space loaded (MM_FLUSH_EXEC); a CPU that loads another
 * address space flushes too (sched_load).  Writes through a syscall need
 * write access (mm_copy_out); the loaders' writes (mm_poke) go to pages
 * not yet mapped or flush after (a file's mmap); the host's /proc/PID/mem,
 * which would write the simulator's memory behind the kernel's back, is
 * refused (sys_fs.c, proc_refused). */
static bool k_code_shared(void *ctx, uint64_t vaddr)
{
    struct kcpu *c = ctx;
    if (!c->cur || !c->cur->mm)
        return false;
    const struct vma *v = mm_find_vma(c->cur->mm, vaddr);
    return v && (v->prot & MM_PROT_X) && !(v->prot & MM_PROT_W) && !(v->flags & VMA_SHARED);
}

static const struct hart_mem_ops kernel_hart_ops = {
    .translate = k_translate,
    .read_time = k_read_time,
    .mem_time = kernel_mem_time,
    .code_shared = k_code_shared,
};

/* ---- The MMU of a CPU ------------------------------------------------------- */

/* PTE accesses of the hardware walker: guest physical memory.  (The
 * timing model charges them here, as memory accesses of the CPU.) */
static int k_read_pte(void *ctx, uint64_t paddr, uint64_t *pte, unsigned level)
{
    struct kcpu *c = ctx;
    const uint8_t *p = physmem_host(c->k->m->physmem, paddr);
    if (!p)
        return -1;
    /* The read's timing (the memory hierarchy's model) does not depend on
     * the PTE's value: time it first, so that the host's fetch of a PTE
     * line that misses its caches overlaps that work. */
    __builtin_prefetch(p);
    if (c->k->m->harts[c->cpu].pipe)
        kernel_walk_time(c, paddr);     /* a read through the memory hierarchy */
    memcpy(pte, p, sizeof(*pte));
    return 0;
}

static int k_write_pte(void *ctx, uint64_t paddr, uint64_t pte, unsigned level)
{
    struct kcpu *c = ctx;
    uint8_t *p = physmem_host(c->k->m->physmem, paddr);
    if (!p)
        return -1;
    memcpy(p, &pte, sizeof(pte));
    return 0;
}

/* An L1 TLB evicted a page: the hart's software TLB (a cache of host
 * pointers in front of the L1 TLBs) must not keep hitting on it, so that
 * every access the software TLB serves is a true L1 hit. */
static void k_evict_itlb(void *ctx, uint64_t va, unsigned size)
{
    struct kcpu *c = ctx;
    hart_tlb_flush_range(&c->k->m->harts[c->cpu], va, 1ull << sv_level_shift(size), true,
                         false);
}

static void k_evict_dtlb(void *ctx, uint64_t va, unsigned size)
{
    struct kcpu *c = ctx;
    hart_tlb_flush_range(&c->k->m->harts[c->cpu], va, 1ull << sv_level_shift(size), false,
                         true);
}

static int cpu_mmu_create(struct guest_kernel *k, struct kcpu *c)
{
    struct mmsim_machine *m = k->m;
    struct mmu_params p = {
        .cpu = &m->topo->cpu,
        .walker = {.read_pte = k_read_pte, .write_pte = k_write_pte, .ctx = c, .hw_ad = true},
        .seed = m->seed ^ (0x6d6d752d746c6230ULL + c->cpu * 0x9E3779B97F4A7C15ULL),
    };
    if (mmu_create(&p, &c->mmu))
        return -1;
    c->mmu->itlb.evict = k_evict_itlb;
    c->mmu->itlb.evict_ctx = c;
    c->mmu->dtlb.evict = k_evict_dtlb;
    c->mmu->dtlb.evict_ctx = c;
    mmu_set_priv(c->mmu, true, false, false);   /* SE mode: U mode only */
    char prefix[24];
    mmsim_fmt(prefix, sizeof(prefix), "cpu%u", c->cpu);
    mmu_stats_register(c->mmu, m->stats, prefix, false);
    stats_add_counterf(m->stats, &c->tlb_lookups[0], "L1 iTLB lookups (instructions fetched)",
                       "cpu%u.itlb.lookups", c->cpu);
    stats_add_counterf(m->stats, &c->tlb_hits[0], "L1 iTLB hits, every page size",
                       "cpu%u.itlb.hits", c->cpu);
    stats_add_counterf(m->stats, &c->tlb_lookups[1],
                       "L1 dTLB lookups (loads, stores, AMOs; two for a page-straddling access)",
                       "cpu%u.dtlb.lookups", c->cpu);
    stats_add_counterf(m->stats, &c->tlb_hits[1], "L1 dTLB hits, every page size",
                       "cpu%u.dtlb.hits", c->cpu);
    stats_add_counterf(m->stats, &c->shootdowns, "TLB shootdowns received",
                       "cpu%u.tlb_shootdowns", c->cpu);
    return 0;
}

/* The L1 TLB hit counts: the hart's software TLB serves most hits without
 * calling the MMU (it only ever holds pages the L1 TLBs hold), so a hit is
 * a lookup that did not miss. */
static void kcpu_sync_stats(void *ctx)
{
    struct guest_kernel *k = ctx;
    kernel_timing_sync(k);
    for (uint32_t i = 0; i < k->m->topo->ncpus; i++) {
        struct kcpu *c = &k->cpus[i];
        if (!c->mmu)
            continue;
        const struct hart_stats *hs = &k->m->harts[i].stats;
        c->tlb_lookups[0] = hs->insns;
        c->tlb_lookups[1] = hs->loads + hs->stores + hs->amos + hs->split_accesses;
        const struct tlb *l1[2] = {&c->mmu->itlb, &c->mmu->dtlb};
        for (int t = 0; t < 2; t++) {
            uint64_t miss = 0;
            for (unsigned s = 0; s < TLB_NSIZES; s++)
                miss += l1[t]->st.misses[s];
            c->tlb_hits[t] = c->tlb_lookups[t] > miss ? c->tlb_lookups[t] - miss : 0;
        }
    }
}

struct hart *kernel_hart(struct guest_kernel *k, uint32_t cpu)
{
    struct mmsim_machine *m = k->m;
    if (cpu >= m->topo->ncpus)
        return NULL;
    struct kcpu *c = &k->cpus[cpu];
    struct hart *h = &m->harts[cpu];
    if (!c->hart_ready) {
        if (!c->mmu && cpu_mmu_create(k, c))
            return NULL;
        if (!k->dstore && !(k->dstore = hart_dstore_create()))
            return NULL;
        if (hart_init(h, cpu, &kernel_hart_ops, c))
            return NULL;
        if (hart_dstore_use(h, k->dstore)) {
            hart_destroy(h);
            return NULL;
        }
        c->hart_ready = true;
        h->trace = k->trace;
        if (kernel_timing_cpu(k, cpu))
            return NULL;
        stats_add_counterf(m->stats, &h->stats.insns, "instructions retired", "cpu%u.insns",
                           cpu);
        /* A gauge: the CPU's clock, which a statistics reset (ROI begin)
         * must not turn back. */
        stats_add_gaugef(m->stats, &h->cycle, "core cycles (the CPU's clock; not reset)",
                         "cpu%u.cycles", cpu);
    }
    return h;
}

/* ---- Creation --------------------------------------------------------------- */

int kernel_create(struct mmsim_machine *m, struct guest_kernel **out)
{
    *out = NULL;
    struct guest_kernel *k = calloc(1, sizeof(*k));
    if (!k)
        return MMSIM_ERR_NOMEM;
    k->m = m;
    k->rng = m->seed ^ 0x6d6d73696d2d6b72ULL;  /* "mmsim-kr" */
    k->stdio[0] = 0;
    k->stdio[1] = 1;
    k->stdio[2] = 2;
    k->diag = stderr;
    k->next_pid = KERNEL_FIRST_PID;
    k->quantum = KERNEL_QUANTUM;
    k->max_threads = KERNEL_MAX_THREADS;
    k->max_files = KFD_MAX;
    k->timeslice = KERNEL_TIMESLICE;
    k->switch_cost = KERNEL_SWITCH_COST;
    k->cpus = calloc(m->topo->ncpus, sizeof(*k->cpus));
    uint32_t ring = 1;
    while (ring < m->topo->ncpus)
        ring *= 2;
    k->qmask = ring - 1;
    k->slots = calloc(m->topo->ncpus, sizeof(*k->slots));
    k->q = calloc(ring, sizeof(*k->q));
    /* Aligned as struct hart asks (its hit filters' entries do not
     * straddle host cache lines); a multiple of it in size. */
    size_t hsize = m->topo->ncpus * sizeof(*m->harts);
    m->harts = aligned_alloc(_Alignof(struct hart), hsize);
    if (m->harts)
        memset(m->harts, 0, hsize);
    k->harts = m->harts;
    if (!k->cpus || !k->slots || !k->q || !m->harts) {
        free(k->cpus);
        free(k->slots);
        free(k->q);
        free(m->harts);
        m->harts = NULL;
        free(k);
        return MMSIM_ERR_NOMEM;
    }
    for (uint32_t i = 0; i < m->topo->ncpus; i++) {
        k->cpus[i].k = k;
        k->cpus[i].cpu = i;
        k->cpus[i].node = topo_cpu_node(m->topo, i);   /* every CPU has a node */
    }
    stats_add_counter(m->stats, "kernel.syscalls", &k->nr_syscalls, "syscalls handled");
    stats_add_counter(m->stats, "kernel.unknown_syscalls", &k->nr_unknown,
                      "calls of unimplemented syscalls (returned ENOSYS)");
    k->mmc.pt_pages_node = calloc(2 * (size_t)m->topo->nnodes, sizeof(uint64_t));
    if (!k->mmc.pt_pages_node) {
        free(k->cpus);
        free(k->slots);
        free(k->q);
        free(m->harts);
        m->harts = NULL;
        free(k);
        return MMSIM_ERR_NOMEM;
    }
    k->mmc.pt_alloc_node = k->mmc.pt_pages_node + m->topo->nnodes;
    k->asid_map[0] = 1;     /* ASID 0 is never handed out */
    stats_add_counter(m->stats, "kernel.page_faults", &k->mmc.faults,
                      "demand-paging faults that allocated a frame (4 KiB or huge)");
    stats_add_counter(m->stats, "kernel.thp_fault_alloc", &k->mmc.thp_fault_alloc,
                      "page faults served with a transparent huge page");
    stats_add_counter(m->stats, "kernel.thp_fault_fallback", &k->mmc.thp_fault_fallback,
                      "THP-eligible faults that fell back to 4 KiB pages (no free 2 MiB block)");
    stats_add_counter(m->stats, "kernel.thp_split", &k->mmc.thp_split,
                      "huge pages split into 4 KiB pages (partial unmap/mprotect, migration)");
    stats_add_counter(m->stats, "kernel.pgmigrate_success", &k->mmc.pgmigrate_success,
                      "pages migrated (move_pages, mbind MPOL_MF_MOVE, migrate_pages)");
    stats_add_counter(m->stats, "kernel.pgmigrate_fail", &k->mmc.pgmigrate_fail,
                      "pages that could not be migrated (target node full)");
    stats_add_counter(m->stats, "kernel.pgtable_alloc", &k->mmc.pt_alloc,
                      "page-table pages allocated");
    stats_add_counter(m->stats, "kernel.pgtable_free", &k->mmc.pt_free, "page-table pages freed");
    stats_add_counter(m->stats, "kernel.tlb_shootdowns", &k->nr_shootdowns,
                      "TLB shootdown events (one per changed range, any number of CPUs)");
    for (uint32_t n = 0; n < m->topo->nnodes; n++) {
        stats_add_gaugef(m->stats, &k->mmc.pt_pages_node[n],
                         "page-table pages held on this node now (all processes)",
                         "node%u.pgtable_pages", n);
        stats_add_counterf(m->stats, &k->mmc.pt_alloc_node[n],
                           "page-table pages allocated on this node", "node%u.pgtable_alloc", n);
    }
    stats_add_sync(m->stats, kcpu_sync_stats, k);
    stats_add_counter(m->stats, "sched.switches", &k->nr_switches,
                      "context switches (a CPU's hart taken by another thread)");
    stats_add_counter(m->stats, "sched.migrations", &k->nr_migrations,
                      "threads moved to another CPU (affinity changes)");
    stats_add_counter(m->stats, "sched.threads_created", &k->nr_threads,
                      "threads created by clone");
    stats_add_counter(m->stats, "sched.idle_cycles", &k->idle_cycles,
                      "cycles CPUs skipped with every thread blocked");
    stats_add_counter(m->stats, "futex.waits", &k->nr_futex_waits, "futex waits that blocked");
    stats_add_counter(m->stats, "futex.wakes", &k->nr_futex_wakes, "threads woken by futex");
    stats_add_gauge(m->stats, "roi.begin_cycle", &k->roi_begin_cycle,
                    "cycle of the last ROI begin (calling CPU; 0: none)");
    stats_add_gauge(m->stats, "roi.end_cycle", &k->roi_end_cycle,
                    "cycle of the last ROI end (calling CPU; 0: none)");
    stats_add_gauge(m->stats, "run.truncated", &k->truncated,
                    "1: a run limit (instructions, simulated time, timeout) ended the run");
    *out = k;
    return MMSIM_OK;
}

void kernel_destroy(struct guest_kernel *k)
{
    if (!k)
        return;
    while (k->groups)
        task_destroy(k->groups->leader);
    struct mmsim_machine *m = k->m;
    if (m->harts) {
        for (uint32_t i = 0; i < m->topo->ncpus; i++)
            if (k->cpus[i].hart_ready)
                hart_destroy(&m->harts[i]);
        free(m->harts);
        m->harts = NULL;
    }
    hart_dstore_destroy(k->dstore);     /* after the harts that use it */
    kernel_timing_destroy(k);
    for (uint32_t i = 0; i < m->topo->ncpus; i++)
        mmu_destroy(k->cpus[i].mmu);
    free(k->cpus);
    free(k->slots);
    free(k->q);
    free(k->mmc.pt_pages_node);
    free(k->root);
    free(k);
}

/* ---- Randomness and time ------------------------------------------------------ */

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void kernel_random(struct guest_kernel *k, void *buf, size_t len)
{
    uint8_t *b = buf;
    while (len) {
        uint64_t r = splitmix64(&k->rng);
        size_t n = len < 8 ? len : 8;
        memcpy(b, &r, n);
        b += n;
        len -= n;
    }
}

uint64_t kernel_sim_ps(const struct guest_kernel *k, uint64_t cycle)
{
    return (uint64_t)((unsigned __int128)cycle * 1000000000000ULL / k->m->topo->clock_hz);
}

uint64_t kernel_sim_ns(const struct guest_kernel *k, uint64_t cycle)
{
    return (uint64_t)((unsigned __int128)cycle * 1000000000ULL / k->m->topo->clock_hz);
}

uint64_t kernel_ns_to_cycles(const struct guest_kernel *k, uint64_t ns)
{
    unsigned __int128 c = (unsigned __int128)ns * k->m->topo->clock_hz + 999999999ULL;
    c /= 1000000000ULL;
    return c > UINT64_MAX / 2 ? UINT64_MAX / 2 : (uint64_t)c;
}
