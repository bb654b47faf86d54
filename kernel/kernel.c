/* The guest kernel: creation, harts, randomness and simulated time. */
#include "kernel/kernel.h"

#include <stdlib.h>
#include <string.h>

#include "cpu/hart.h"
#include "kernel/mm.h"
#include "machine.h"

/* ---- Hart hooks ----------------------------------------------------------- */

static int fault_cause(enum hart_access acc)
{
    return acc == HART_WRITE ? CAUSE_STORE_PAGE_FAULT
           : acc == HART_EXEC ? CAUSE_FETCH_PAGE_FAULT : CAUSE_LOAD_PAGE_FAULT;
}

static int k_translate(void *ctx, uint64_t vaddr, enum hart_access acc, uint8_t **host)
{
    struct kcpu *c = ctx;
    if (!c->cur)
        return fault_cause(acc);
    struct mm *mm = c->cur->mm;
    /* First touch: the node of the CPU that touches (threads of one mm run
     * on several nodes). */
    mm->local_node = c->node;
    enum mm_fault f = mm_lookup(mm, vaddr, (int)acc, true, host);
    if (f == MM_OK)
        return 0;
    /* mm_lookup's reason is kept for the signal's si_code (see run.c). */
    mm->last_fault = f;
    return fault_cause(acc);
}

static uint64_t k_read_time(void *ctx)
{
    struct kcpu *c = ctx;
    struct hart *h = &c->k->m->harts[c->cpu];
    return kernel_sim_ns(c->k, h->cycle) / (1000000000ULL / KERNEL_TIMEBASE_HZ);
}

static const struct hart_mem_ops kernel_hart_ops = {
    .translate = k_translate,
    .read_time = k_read_time,
};

struct hart *kernel_hart(struct guest_kernel *k, uint32_t cpu)
{
    struct mmsim_machine *m = k->m;
    if (cpu >= m->topo->ncpus)
        return NULL;
    struct kcpu *c = &k->cpus[cpu];
    struct hart *h = &m->harts[cpu];
    if (!c->hart_ready) {
        if (hart_init(h, cpu, &kernel_hart_ops, c))
            return NULL;
        c->hart_ready = true;
        h->trace = k->trace;
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
    m->harts = calloc(m->topo->ncpus, sizeof(*m->harts));
    if (!k->cpus || !m->harts) {
        free(k->cpus);
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
    stats_add_counter(m->stats, "kernel.page_faults", &k->nr_faults,
                      "demand-paging faults that allocated a frame");
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
    free(k->cpus);
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
