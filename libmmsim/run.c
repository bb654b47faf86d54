/* The run loop and the scheduler.
 *
 * One struct hart per CPU; a thread runs on the hart of its CPU, and a
 * CPU switches threads by copying architectural state (sched_load /
 * sched_unload in kernel/task.c).  Each step the loop picks, over every
 * thread that can make progress, the one with the earliest event time:
 *   runnable: max(its CPU's clock, ready_at)  (ready_at: when it was woken
 *             or created, so a CPU never runs a thread "in its past");
 *   blocked with a timeout: max(its CPU's clock, deadline).
 * Ties go to the lower CPU number, then (on one CPU) to the thread that
 * holds the CPU if its time slice is not used up, then to the thread that
 * ran least recently, then the lower tid.  A runnable thread then runs one
 * quantum (k->quantum instructions, or up to its stop); a timed-out one is
 * woken.  The CPU's clock jumps forward over idle time (counted in
 * sched.idle_cycles).  Everything depends only on simulated state, so the
 * same run gives the same result every time.  Nothing runnable and no
 * timeout pending but threads blocked: a deadlock, reported with the list
 * of blocked threads.
 *
 * The choice is made from a queue of the CPUs in event-time order (k->q),
 * each CPU entered with its first thread (k->slots).  It is built from
 * every thread after anything but a plain step (only the hart of a CPU
 * with one thread that can move ran): a plain step changes that CPU's
 * event time alone, and it only moves in the queue, where a scan of every
 * thread at every step cost more than the step itself with 16 CPUs. */
#include <inttypes.h>
#include <time.h>

#include "cpu/hart.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "machine.h"
#include "process.h"
#include "traffic_api.h"


#define SIGILL_ 4
#define SIGTRAP_ 5
#define SIGBUS_ 7
#define SIGSEGV_ 11

/* A page fault found no memory the policy allows: Linux's OOM killer would
 * pick the faulting process (it is the only candidate that matters to the
 * experiment) and SIGKILL it.  Like Linux's report, the message shows the
 * free lists at the time (/proc/buddyinfo) and the victim's memory. */
static void oom_kill(struct task *t, const struct hart *h)
{
    struct guest_kernel *k = t->k;
    if (k->diag) {
        struct mm *mm = t->mm;
        uint64_t vm = 0;
        for (const struct vma *v = mm->vmas; v; v = v->next)
            vm += v->end - v->start;
        fprintf(k->diag,
                "mmsim: guest out of memory: pid %u page fault at 0x%" PRIx64 " (pc 0x%" PRIx64
                ") on CPU %u (node %u), policy %s; free memory (buddyinfo):\n",
                t->pid, h->tval, h->pc, t->cpu, mm->local_node,
                mempolicy_mode_name(mm->policy ? mm->policy->mode : MPOL_DEFAULT));
        page_alloc_print_buddyinfo(k->m->page_alloc, k->diag);
        fprintf(k->diag,
                "mmsim: Out of memory: Killed process %u (%s) total-vm:%" PRIu64
                "kB, anon-rss:%" PRIu64 "kB, pgtables:%" PRIu64 "kB\n",
                t->pid, t->g->exe ? t->g->exe : "?", vm >> 10, mm->frames * 4,
                mm->pt_pages * 4);
    }
    task_kill(t, 9);
}

static void trap(struct task *t)
{
    struct hart *h = t->hart;
    switch (h->cause) {
    case CAUSE_ILLEGAL_INSN:
        signal_fault(t, SIGILL_, 1 /* ILL_ILLOPC */, h->pc);
        break;
    case CAUSE_BREAKPOINT:
        signal_fault(t, SIGTRAP_, 1 /* TRAP_BRKPT */, h->pc);
        break;
    case CAUSE_MISALIGNED_FETCH:
    case CAUSE_MISALIGNED_LOAD:
    case CAUSE_MISALIGNED_STORE:
        signal_fault(t, SIGBUS_, 1 /* BUS_ADRALN */, h->tval);
        break;
    case CAUSE_FETCH_PAGE_FAULT:
    case CAUSE_LOAD_PAGE_FAULT:
    case CAUSE_STORE_PAGE_FAULT:
    case CAUSE_FETCH_ACCESS:
    case CAUSE_LOAD_ACCESS:
    case CAUSE_STORE_ACCESS: {
        int code = t->mm->last_fault == MM_FAULT_ACCERR ? 2 /* SEGV_ACCERR */
                                                       : 1 /* SEGV_MAPERR */;
        if (t->mm->last_fault == MM_FAULT_NOMEM) {
            oom_kill(t, h);
            break;
        }
        if (t->mm->last_fault == MM_FAULT_LIMIT)
            break;      /* the run stops; the access is retried if it goes on */
        signal_fault(t, SIGSEGV_, code, h->tval);
        break;
    }
    default:
        signal_fault(t, SIGILL_, 1, h->pc);
        break;
    }
    t->mm->last_fault = MM_OK;
}

/* Would signal_deliver do anything for t (runnable)? */
static inline bool signals_ready(const struct task *t)
{
    return (t->sigpending & ~t->sigblocked) != 0;
}

static bool alive(const struct task *t)
{
    return t->state == TASK_RUNNABLE || t->state == TASK_BLOCKED;
}

/* The event time of t, or UINT64_MAX when it waits for another thread. */
static inline uint64_t event_time(const struct guest_kernel *k, const struct task *t)
{
    uint64_t clock = kernel_cpu_clock(k, t->cpu);
    if (t->state == TASK_RUNNABLE)
        return clock > t->ready_at ? clock : t->ready_at;
    if (t->state == TASK_BLOCKED && t->deadline != TASK_NO_DEADLINE)
        return clock > t->deadline ? clock : t->deadline;
    return UINT64_MAX;
}

static int key_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Does a go before b (same event time, same CPU)? */
static bool before_on_cpu(const struct guest_kernel *k, const struct task *a,
                          const struct task *b)
{
    const struct kcpu *c = &k->cpus[a->cpu];
    uint64_t clock = k->m->harts[a->cpu].cycle;
    bool keep = !c->yield && clock - c->slice_start < k->timeslice;
    if (keep && c->cur == a && a->state == TASK_RUNNABLE)
        return true;
    if (keep && c->cur == b && b->state == TASK_RUNNABLE)
        return false;
    if (a->run_seq != b->run_seq)
        return a->run_seq < b->run_seq;
    return a->tid < b->tid;
}

/* A CPU's key in the run queue (k->q): its event time above its number,
 * so that one compare orders two CPUs, ties to the lower CPU, and no two
 * CPUs have the same key.  Times from SCHED_EV_SAT on (only far deadlines
 * get there: 2^54 cycles are months of simulated time) are all
 * SCHED_EV_SAT, which pick() does not trust. */
#define SCHED_CPU_MASK ((1u << SCHED_CPU_BITS) - 1)
#define SCHED_EV_SAT ((UINT64_MAX >> SCHED_CPU_BITS) - 1)

static inline uint64_t sched_key(uint64_t ev, uint32_t cpu)
{
    return (ev < SCHED_EV_SAT ? ev : SCHED_EV_SAT) << SCHED_CPU_BITS | cpu;
}

/* The first CPU's event time is now ev (finite): it leaves the head of the
 * queue and goes in again where its key belongs.  The CPUs take turns, so
 * that is nearly always near the tail (and a CPU that waits for its turn
 * at the shared hierarchy stays near the head): it is looked for from the
 * end on the key's side of the middle, and the keys between move by one.
 * The middle key bounds each loop (keys are distinct). */
static inline void winner_changed(struct guest_kernel *k, uint64_t ev)
{
    uint64_t *q = k->q;
    uint32_t m = k->qmask, hd = k->qhd, n = k->qn - 1;      /* n: the others */
    uint64_t x = sched_key(ev, (uint32_t)(q[hd] & SCHED_CPU_MASK));
    if (n && x > q[(hd + 1 + n / 2) & m]) {
        /* From the tail: the queue starts one further on. */
        uint32_t i = hd + 1 + n;
        for (uint64_t y; (y = q[(i - 1) & m]) > x; i--)
            q[i & m] = y;
        q[i & m] = x;
        k->qhd = (hd + 1) & m;
    } else {
        /* From the head, into the slot it leaves. */
        uint32_t i = hd;
        for (uint64_t y; n && (y = q[(i + 1) & m]) < x; i++)
            q[i & m] = y;
        q[i & m] = x;
    }
}

/* Fill k->slots from every thread, each CPU's first thread (the smallest
 * event time, then before_on_cpu) and whether it is the only one there
 * that can move, and the run queue from the CPUs where something can move,
 * in key order. */
static void scan(struct guest_kernel *k)
{
    uint32_t n = k->m->topo->ncpus;
    uint64_t *ev = k->q;        /* the event times while the threads are seen */
    for (uint32_t c = 0; c < n; c++) {
        k->slots[c] = (struct sched_slot){.t = NULL, .solo = false};
        ev[c] = UINT64_MAX;
    }
    for (struct task *t = k->tasks; t; t = t->next) {
        if (!alive(t) || !t->hart)
            continue;
        uint64_t e = event_time(k, t);
        if (e == UINT64_MAX)
            continue;
        struct sched_slot *s = &k->slots[t->cpu];
        s->solo = !s->t;
        if (!s->t || e < ev[t->cpu] || (e == ev[t->cpu] && before_on_cpu(k, t, s->t))) {
            s->t = t;
            ev[t->cpu] = e;
        }
    }
    /* Compacted in CPU order, then sorted (keys of one CPU apart: an
     * insertion sort, for a few CPUs, or the library's). */
    uint32_t len = 0;
    for (uint32_t c = 0; c < n; c++)
        if (k->slots[c].t)
            k->q[len++] = sched_key(ev[c], c);
    if (len > 32) {
        qsort(k->q, len, sizeof(*k->q), key_cmp);
    } else {
        for (uint32_t i = 1; i < len; i++) {
            uint64_t x = k->q[i];
            uint32_t j = i;
            for (; j && k->q[j - 1] > x; j--)
                k->q[j] = k->q[j - 1];
            k->q[j] = x;
        }
    }
    k->qhd = 0;
    k->qn = len;
}

static struct task *pick_full(struct guest_kernel *k, uint64_t *when, uint64_t *horizon);

/* The thread to run next and its event time (NULL: nothing can move): the
 * first thread of the CPU with the smallest event time (ties: the lower
 * CPU), at the head of the run queue.  Also its horizon: the smallest
 * event time of the other CPUs, the next in the queue.  Until its own
 * clock reaches that, a CPU may use the shared memory hierarchy without
 * waiting (kernel/timing.c).  (Running the thread changes no other CPU's
 * event time first: switching, resuming its pending accesses and
 * delivering its signals concern its own CPU, or end it.)  *next is
 * that next CPU (UINT32_MAX when there is none), for prefetching.  *exact is
 * cleared when a time was too far for the keys and the choice came from
 * every thread: the queue is then rebuilt after the step. */
static inline struct task *pick(struct guest_kernel *k, uint64_t *when, uint64_t *horizon,
                                uint32_t *next, bool *exact)
{
    if (unlikely(!k->qn)) {
        *when = *horizon = UINT64_MAX;
        return NULL;
    }
    uint64_t w = k->q[k->qhd];
    uint64_t he = UINT64_MAX;
    /* The largest key of the two: the queue is sorted, so when it is below
     * the saturated keys, so is the head's. */
    uint64_t last = w;
    *next = UINT32_MAX;
    if (k->qn > 1) {
        uint64_t x = k->q[(k->qhd + 1) & k->qmask];
        he = x >> SCHED_CPU_BITS;
        *next = (uint32_t)(x & SCHED_CPU_MASK);
        last = x;
    }
    if (likely(last < (uint64_t)SCHED_EV_SAT << SCHED_CPU_BITS)) {
        *when = w >> SCHED_CPU_BITS;
        *horizon = he;
        return k->slots[w & SCHED_CPU_MASK].t;
    }
    *exact = false;
    return pick_full(k, when, horizon);
}

/* pick() by definition, over every thread (for a time too far for the
 * keys, and the checks): the first thread by (event time, CPU,
 * before_on_cpu), and the smallest event time of the other CPUs. */
static struct task *pick_full(struct guest_kernel *k, uint64_t *when, uint64_t *horizon)
{
    struct task *best = NULL;
    uint64_t bt = UINT64_MAX;
    /* The smallest event time, its CPU, and the smallest of the others. */
    uint64_t m1 = UINT64_MAX, m2 = UINT64_MAX;
    uint32_t m1cpu = UINT32_MAX;
    for (struct task *t = k->tasks; t; t = t->next) {
        if (!alive(t) || !t->hart)
            continue;
        uint64_t e = event_time(k, t);
        if (e < m1) {
            if (t->cpu != m1cpu)
                m2 = m1;
            m1 = e;
            m1cpu = t->cpu;
        } else if (t->cpu != m1cpu && e < m2) {
            m2 = e;
        }
        if (e == UINT64_MAX)
            continue;
        if (!best || e < bt || (e == bt && t->cpu < best->cpu) ||
            (e == bt && t->cpu == best->cpu && before_on_cpu(k, t, best))) {
            best = t;
            bt = e;
        }
    }
    *when = bt;
    *horizon = best && best->cpu == m1cpu ? m2 : m1;
    return best;
}

static int deadlock(struct mmsim_machine *m)
{
    struct guest_kernel *k = m->kernel;
    char list[512] = "";
    size_t len = 0;
    unsigned n = 0, shown = 0;
    /* The (at most 8) oldest blocked threads, in tid order. */
    const struct task *first[8];
    for (struct task *t = k->tasks; t; t = t->next) {
        if (t->state != TASK_BLOCKED)
            continue;
        n++;
        unsigned i = shown < 8 ? shown++ : 8;
        while (i > 0 && first[i - 1]->tid > t->tid) {
            if (i < 8)
                first[i] = first[i - 1];
            i--;
        }
        if (i < 8)
            first[i] = t;
    }
    for (unsigned i = 0; i < shown; i++) {
        const struct task *t = first[i];
        int w = snprintf(list + len, sizeof(list) - len, "%stid %u %s 0x%" PRIx64, i ? ", " : "",
                         t->tid, t->wait_what ? t->wait_what : "wait", t->wait_addr);
        if (w > 0 && (size_t)w < sizeof(list) - len)
            len += (size_t)w;
    }
    if (shown < n && len + 6 < sizeof(list))
        snprintf(list + len, sizeof(list) - len, ", ...");
    return machine_err(m, MMSIM_ERR_STATE, "deadlock: all %u threads are blocked (%s)", n, list);
}

/* Give t its CPU: switch the hart to it, charging the switch. */
static void switch_to(struct guest_kernel *k, struct task *t, uint64_t when)
{
    struct kcpu *c = &k->cpus[t->cpu];
    struct hart *h = &k->harts[t->cpu];
    if (when > h->cycle) {
        k->idle_cycles += when - h->cycle;
        h->cycle = when;
    }
    if (c->cur != t) {
        if (c->cur && alive(c->cur)) {
            k->nr_switches++;
            h->cycle += k->switch_cost;
        }
        sched_load(t);
        c->slice_start = h->cycle;
        c->yield = false;
        t->run_seq = ++k->run_seq;
    } else if (c->yield || h->cycle - c->slice_start >= k->timeslice) {
        /* Nobody else wanted the CPU: a new slice for the same thread. */
        c->slice_start = h->cycle;
        c->yield = false;
        t->run_seq = ++k->run_seq;
    }
}

/* Host wall-clock seconds: decides only when a run stops (--timeout). */
static double host_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A run limit ends the run: record which, mark the statistics. */
static int limit_hit(struct mmsim_machine *m, const char *which, const char *what)
{
    m->kernel->limit_hit = which;
    m->kernel->truncated = 1;
    return machine_err(m, MMSIM_ERR_LIMIT, "limit reached: %s", what);
}

/* time_bound's "run_until reached its target" (not a result code). */
#define RUN_REACHED 1

/* A scheduling step reached the earliest of the run's time bounds (`until`,
 * max_cycle, the next sample): the slow path, off the per-step path.
 * Returns MMSIM_OK to go on (with *check_at the next bound), else the
 * run's result. */
static int time_bound(struct mmsim_machine *m, uint64_t when, uint64_t until,
                      uint64_t max_cycle, uint64_t *check_at)
{
    struct guest_kernel *k = m->kernel;
    /* The sample first: a run stopped at this step by `until` takes it
     * here as one that goes on does. */
    if (when >= m->next_sample) {
        uint64_t boundary = when - when % m->sample_every;
        m->next_sample = boundary > UINT64_MAX - m->sample_every ? UINT64_MAX
                                                                 : boundary + m->sample_every;
        m->in_callback = 1;
        int stop = m->on_sample(m, boundary, when, m->sample_user);
        m->in_callback = 0;
        if (stop)
            return machine_err(m, MMSIM_ERR_STOPPED,
                               "stopped by the sample callback at cycle %" PRIu64, when);
    }
    if (when >= until)
        return RUN_REACHED;
    /* The earliest event is past the limit: every CPU has reached it. */
    if (max_cycle && when >= max_cycle) {
        char what[64];
        snprintf(what, sizeof(what), "simulated time %" PRIu64 " ns", k->max_time_ns);
        return limit_hit(m, "max-time", what);
    }
    uint64_t b = until;
    if (max_cycle && max_cycle < b)
        b = max_cycle;
    *check_at = m->next_sample < b ? m->next_sample : b;
    return MMSIM_OK;
}

/* One step of t on its hart: its program, or a traffic generator's
 * engine in its place (libmmsim/traffic_api.c). */
static int run_thread(struct mmsim_machine *m, struct task *t, uint64_t budget,
                      enum hart_stop *stop, struct hart_fp_session *fp)
{
    struct traffic_gen *gen = m->traffic ? traffic_of(m, t) : NULL;
    if (gen) {
        hart_fp_host(fp);
        return traffic_run(gen, budget, stop);
    }
    *stop = hart_run_in(t->hart, budget, fp);
    return MMSIM_OK;
}

/* The loop's steps share one switch of the host FP environment (fp): it is
 * given back (hart_fp_host) before the kernel handles a stop, before the
 * callbacks and when the loop returns; the scheduling between plain steps
 * runs in the guest's. */
static int run_loop(mmsim_machine *m, uint64_t max_insns, uint64_t until,
                    struct hart_fp_session *fp)
{
    if (!m)
        return MMSIM_ERR_INVALID;
    if (m->in_callback)
        return machine_err(m, MMSIM_ERR_STATE, "cannot run the machine from one of its callbacks");
    struct guest_kernel *k = m->kernel;
    if (!k || !k->groups)
        return machine_err(m, MMSIM_ERR_STATE, "no process to run");
    bool any = false;
    for (const struct task *t = k->tasks; t && !any; t = t->next)
        any = alive(t);
    if (!any)
        return machine_err(m, MMSIM_ERR_STATE,
                           "every process has ended: nothing to run (create another process)");
    machine_clear_err(m);
    k->limit_hit = NULL;
    /* The memory system is built for the first timed run (a machine used
     * only functionally never pays for its tag arrays). */
    if (k->timing == MMSIM_TIMING_DETAILED && !k->timed) {
        int rc = kernel_timing_set(k, true);
        if (rc != MMSIM_OK)
            return machine_err(m, rc, "cannot build the memory system: %s", mmsim_strerror(rc));
    }
    if (k->max_insns && (!max_insns || k->max_insns < max_insns))
        max_insns = k->max_insns;
    uint64_t max_cycle = k->max_time_ns ? kernel_ns_to_cycles(k, k->max_time_ns) : 0;
    double deadline = k->timeout_s > 0 ? host_seconds() + k->timeout_s : 0;
    uint64_t steps = 0;
    uint64_t done = 0;
    /* The time bounds (until, max-time, the next sample) cost one compare
     * per step: check_at is the earliest of them. */
    uint64_t check_at = until;
    if (max_cycle && max_cycle < check_at)
        check_at = max_cycle;
    if (m->next_sample < check_at)
        check_at = m->next_sample;
    m->cb_stop = 0;
    /* Ended threads are snapshotted and reaped when some have ended since
     * the last look (and once on entry: ended between runs). */
    uint64_t ended_seen = k->nr_ended - 1;
    /* k->slots must be rebuilt from every thread (scan) after anything
     * but a plain step: one in which only the hart of a CPU with one
     * thread that can move ran, no kernel code but its page faults and
     * timing (which change nothing of another CPU's threads or clock).
     * After a plain step only that CPU's slot changes. */
    bool rescan = true;
    /* The run's limits that need a look at every step. */
    const bool limits = max_insns || deadline > 0;
    for (;;) {
        /* After a plain step (rescan clear) no thread has ended and no
         * callback has run: the queue stands. */
        if (unlikely(rescan)) {
            bool ended = k->nr_ended != ended_seen;
            if (ended) {
                hart_fp_host(fp);               /* exit callbacks */
                process_snapshot_ended(k);      /* before their address spaces go */
            }
            /* An exit or ROI callback asked to stop (before anything else
             * happens, so the next run continues exactly here). */
            if (m->cb_stop) {
                m->cb_stop = 0;
                return machine_err(m, MMSIM_ERR_STOPPED, "stopped by a callback");
            }
            if (ended) {
                ended_seen = k->nr_ended;
                kernel_reap(k);
            }
            scan(k);
        }
        MMSIM_ASSERT(k->nr_ended == ended_seen && !m->cb_stop);
        uint64_t when, hz;
        bool exact = true;
        uint32_t next;
        struct task *t = pick(k, &when, &hz, &next, &exact);
        rescan = !exact;
#if defined(MMSIM_CHECKS)
        {
            uint64_t w2, h2;
            struct task *t2 = pick_full(k, &w2, &h2);
            MMSIM_ASSERT(t2 == t && (!t || (w2 == when && h2 == hz)));
        }
#endif
        /* The rare cases, in one test on the way of a plain step. */
        if (unlikely(!t || t->state != TASK_RUNNABLE || when >= check_at || limits)) {
            if (!t) {
                for (struct task *x = k->tasks; x; x = x->next)
                    if (x->state == TASK_BLOCKED)
                        return deadlock(m);
                return MMSIM_OK;
            }
            if (t->state == TASK_BLOCKED) {
                /* Its timeout: it becomes runnable at the deadline (its
                 * CPU's clock moves there when the thread gets it). */
                task_wake(t, t->timeout_ret, when);
                rescan = true;
                continue;
            }
            if (max_insns && done >= max_insns) {
                char what[64];
                snprintf(what, sizeof(what), "%" PRIu64 " instructions", max_insns);
                return limit_hit(m, "max-insns", what);
            }
            if (when >= check_at) {
                hart_fp_host(fp);   /* the sample callback */
                int rc = time_bound(m, when, until, max_cycle, &check_at);
                if (rc != MMSIM_OK)
                    return rc == RUN_REACHED ? MMSIM_OK : rc;
                rescan = true;      /* the sample callback ran */
            }
            /* Host time, every 16 scheduling steps (never per instruction). */
            if (deadline > 0 && (steps++ & 15) == 0 && host_seconds() >= deadline) {
                char what[64];
                snprintf(what, sizeof(what), "wall-clock timeout %g s", k->timeout_s);
                return limit_hit(m, "timeout", what);
            }
        }
        uint64_t budget = k->quantum;
        if (unlikely(limits) && max_insns && max_insns - done < budget)
            budget = max_insns - done;
        /* Its clock is the smallest: what waited for the shared memory
         * hierarchy goes first (it belongs to the instruction that retired
         * last on this CPU, whichever thread runs next). */
        struct kcpu *c = &k->cpus[t->cpu];
        if (c->npend)
            kernel_timing_resume(k, t->cpu);
        rescan |= c->cur != t || !k->slots[t->cpu].solo;
        switch_to(k, t, when);
        struct hart *h = t->hart;
        t->started = true;
        if (signals_ready(t)) {
            signal_deliver(t);      /* sent by other threads while it was off */
            rescan = true;
            if (t->state != TASK_RUNNABLE)
                continue;
        }
        /* Another hart ran since this one's last step and may have written
         * the reserved word: the reservation is lost (an SC may fail
         * spuriously; the retry succeeds, as on hardware: with timing, the
         * LR took the line exclusive, so the retried SC hits privately and
         * does not wait again). */
        if (k->last_cpu != t->cpu)
            h->resv_valid = false;
        k->last_cpu = t->cpu;
        /* (Counted only for max_insns.) */
        const uint64_t before = unlikely(limits) ? h->instret : 0;
        if (h->pipe) {
            /* A CPU runs at most `lookahead` cycles past the others, so
             * what another CPU does to a line it holds (an invalidation, a
             * write it spins on) reaches it at most that late. */
            k->horizon = hz;
            h->tm_limit = hz > UINT64_MAX - k->lookahead ? UINT64_MAX : hz + k->lookahead;
        }
        /* The next CPU in the queue nearly always runs next (this one
         * stops past its event time): ask the host for the lines the next
         * step reads first, which the sixteen CPUs' state keeps evicting. */
        if (next != UINT32_MAX) {
            __builtin_prefetch(k->slots[next].t);
            __builtin_prefetch(&k->cpus[next]);
            __builtin_prefetch(&k->harts[next].cycle);
        }
        enum hart_stop stop;
        if (unlikely(m->traffic)) {
            rescan = true;      /* an engine may end its process */
            int trc = run_thread(m, t, budget, &stop, fp);
            if (trc != MMSIM_OK)
                return trc;
        } else {
            stop = hart_run_in(h, budget, fp);
        }
        if (unlikely(limits))
            done += h->instret - before;
        if (unlikely(stop != HART_STOP_BUDGET && stop != HART_STOP_YIELD)) {
            hart_fp_host(fp);   /* the kernel's turn: syscalls, faults, signals */
            rescan = true;
            switch (stop) {
            case HART_STOP_ECALL:
                syscall_handle(t);
                break;
            case HART_STOP_EBREAK:
                signal_fault(t, SIGTRAP_, 1, h->pc);
                break;
            case HART_STOP_TRAP:
                trap(t);
                break;
            case HART_STOP_REQUEST:
                h->stop_request = 0;
                break;
            case HART_STOP_BUDGET:
            default:
                break;
            }
        }
        if (k->mmc.limit_hit) {
            char what[64];
            snprintf(what, sizeof(what), "guest memory %" PRIu64 " bytes",
                     k->mmc.mem_limit << MM_PAGE_SHIFT);
            return limit_hit(m, "max-mem", what);
        }
        if (likely(!rescan)) {
            /* A plain step ran user code alone: no signal was sent, no
             * affinity changed. */
            MMSIM_ASSERT(!signals_ready(t) && t->cpu == c->cpu);
            MMSIM_ASSERT((k->q[k->qhd] & SCHED_CPU_MASK) == t->cpu);
            /* event_time(k, t) of a runnable thread on its hart */
            MMSIM_ASSERT(t->state == TASK_RUNNABLE && h == &k->harts[t->cpu]);
            uint64_t ev = c->npend && c->pend_t0 < h->cycle ? c->pend_t0 : h->cycle;
            winner_changed(k, ev > t->ready_at ? ev : t->ready_at);
            continue;
        }
        if (t->state == TASK_RUNNABLE && c->cur == t && signals_ready(t))
            signal_deliver(t);
        /* Moved by sched_setaffinity: it leaves this hart now. */
        if (c->cur == t && t->cpu != c->cpu)
            sched_unload(c);
    }
}

static int run(mmsim_machine *m, uint64_t max_insns, uint64_t until)
{
    struct hart_fp_session fp;
    hart_fp_begin(&fp);
    int rc = run_loop(m, max_insns, until, &fp);
    hart_fp_host(&fp);
    return rc;
}

int mmsim_machine_run(mmsim_machine *m, uint64_t max_insns)
{
    return run(m, max_insns, UINT64_MAX);
}

int mmsim_machine_run_until(mmsim_machine *m, uint64_t cycle)
{
    return run(m, 0, cycle);
}

uint64_t mmsim_machine_cycle(const mmsim_machine *m)
{
    if (!m || !m->kernel)
        return 0;
    const struct guest_kernel *k = m->kernel;
    uint64_t now = UINT64_MAX, last = 0;
    for (const struct task *t = k->tasks; t; t = t->next) {
        if (!alive(t) || !t->hart)
            continue;
        uint64_t e = event_time(k, t);
        now = e < now ? e : now;
    }
    if (now != UINT64_MAX)
        return now;
    /* Nothing can move (ended, or deadlocked): the furthest clock. */
    for (uint32_t c = 0; c < m->topo->ncpus; c++) {
        uint64_t clk = kernel_cpu_clock(k, c);
        last = clk > last ? clk : last;
    }
    return last;
}

int mmsim_machine_finished(const mmsim_machine *m)
{
    if (!m || !m->kernel)
        return 1;
    for (const struct task *t = m->kernel->tasks; t; t = t->next)
        if (alive(t))
            return 0;
    return 1;
}
