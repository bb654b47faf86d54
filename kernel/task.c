/* Tasks: processes (thread groups) and their threads, creation, exit,
 * placement on CPUs, switching a CPU's hart between threads, blocking and
 * waking, and the per-process file descriptor table. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/hart.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "machine.h"
#include "cpu/pipeline.h"
#include "mmu/mmu.h"
#include "numa/physmem.h"

_Static_assert(TOPO_MAX_CPUS_K == TOPO_MAX_CPUS, "KCPU_WORDS must cover every CPU");

static void mask_all(struct guest_kernel *k, uint64_t *mask)
{
    memset(mask, 0, KCPU_WORDS * 8);
    for (uint32_t c = 0; c < k->m->topo->ncpus; c++)
        mask[c / 64] |= 1ULL << (c % 64);
}

static void flush_hook(void *ctx, struct mm *mm, uint64_t start, uint64_t end, unsigned what)
{
    kernel_shootdown(ctx, mm, start, end, what);
}

static void link_task(struct guest_kernel *k, struct task *t)
{
    t->next = k->tasks;
    k->tasks = t;
}

static void unlink_task(struct task *t)
{
    struct guest_kernel *k = t->k;
    for (struct task **pp = &k->tasks; *pp; pp = &(*pp)->next)
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    futex_dequeue(t);
    if (t->on_hart != UINT32_MAX)
        k->cpus[t->on_hart].cur = NULL;
    t->on_hart = UINT32_MAX;
}

int task_create(struct guest_kernel *k, uint32_t cpu, struct task **out)
{
    *out = NULL;
    struct mmsim_machine *m = k->m;
    struct task *t = calloc(1, sizeof(*t));
    struct tgroup *g = calloc(1, sizeof(*g));
    if (!t || !g) {
        free(t);
        free(g);
        return MMSIM_ERR_NOMEM;
    }
    t->k = g->k = k;
    t->g = g;
    t->cpu = cpu;
    t->hart = cpu < m->topo->ncpus ? &m->harts[cpu] : NULL;
    t->pid = t->tid = g->pid = k->next_pid++;
    g->umask = 022;
    t->deadline = TASK_NO_DEADLINE;
    t->rseq_cpu = UINT32_MAX;
    t->on_hart = UINT32_MAX;
    mask_all(k, t->affinity);
    uint32_t node = topo_cpu_node(m->topo, cpu);
    if (mm_create(m->physmem, m->page_alloc, &g->policy, node == UINT32_MAX ? 0 : node,
                  &g->mm)) {
        free(t);
        free(g);
        return MMSIM_ERR_NOMEM;
    }
    g->mm->flush = flush_hook;
    g->mm->flush_ctx = k;
    if (kernel_mm_setup(k, g->mm)) {
        mm_destroy(g->mm);
        free(t);
        free(g);
        return MMSIM_ERR_NOMEM;
    }
    t->mm = g->mm;
    g->leader = t;
    g->nthreads = 1;
    g->last_cpu = cpu;
    for (int i = 0; i < KFD_MAX; i++)
        g->fds[i].host = -1;
    /* A standard fd closed at host is closed for the guest too: the host
     * may reuse the number for a file the guest opens. */
    for (int i = 0; i < 3; i++)
        g->fds[i].host = fcntl(k->stdio[i], F_GETFD) < 0 ? -1 : k->stdio[i];
    g->next = k->groups;
    k->groups = g;
    link_task(k, t);
    *out = t;
    return MMSIM_OK;
}

/* Give back the address space and the host fds of a finished process. */
static void release(struct tgroup *g)
{
    if (g->released)
        return;
    g->released = true;
    struct guest_kernel *k = g->k;
    for (int i = 0; i < KFD_MAX; i++)
        if (g->fds[i].host >= 0) {
            if (g->fds[i].flags & KFD_OWNED)
                close(g->fds[i].host);
            g->fds[i].host = -1;
        }
    if (g->mm) {
        g->faults = g->mm->faults;
        kernel_mm_release(k, g->mm);
        for (uint32_t c = 0; c < k->m->topo->ncpus; c++) {
            if (k->cpus[c].cur && k->cpus[c].cur->g == g)
                sched_unload(&k->cpus[c]);
            /* A later mm may get the same address. */
            if (k->cpus[c].loaded_mm == g->mm)
                k->cpus[c].loaded_mm = NULL;
        }
        mm_destroy(g->mm);
        g->mm = NULL;
        for (struct task *t = k->tasks; t; t = t->next)
            if (t->g == g)
                t->mm = NULL;
    }
    g->frames = 0;
}

void task_destroy(struct task *t)
{
    struct tgroup *g = t->g;
    struct guest_kernel *k = t->k;
    release(g);
    for (struct task **pp = &k->tasks; *pp;) {
        struct task *x = *pp;
        if (x->g == g) {
            unlink_task(x);
            free(x);
        } else {
            pp = &x->next;
        }
    }
    for (struct tgroup **pp = &k->groups; *pp; pp = &(*pp)->next)
        if (*pp == g) {
            *pp = g->next;
            break;
        }
    free(g->exe);
    free(g->exe_host);
    free(g->cwd);
    free(g->proc);
    free(g);
}

int task_clone_thread(struct task *t, struct task **out)
{
    struct guest_kernel *k = t->k;
    *out = NULL;
    if (k->next_pid >= 0x3fffffffu)
        return -EAGAIN;
    uint32_t live = 0, mine = 0;
    for (struct task *x = k->tasks; x; x = x->next)
        if (x->state == TASK_RUNNABLE || x->state == TASK_BLOCKED) {
            live++;
            mine += x->g == t->g;
        }
    if (live >= KERNEL_MAX_THREADS || mine >= k->max_threads)
        return -EAGAIN;         /* as RLIMIT_NPROC / threads-max would */
    struct task *n = calloc(1, sizeof(*n));
    if (!n)
        return -ENOMEM;
    n->k = k;
    n->g = t->g;
    n->mm = t->mm;
    n->pid = t->pid;
    n->tid = k->next_pid++;
    memcpy(n->affinity, t->affinity, sizeof(n->affinity));
    n->cpu = sched_place(k, t->cpu, n->affinity);
    n->hart = kernel_hart(k, n->cpu);
    if (!n->hart) {
        free(n);
        return -ENOMEM;
    }
    n->sigblocked = t->sigblocked;
    n->deadline = TASK_NO_DEADLINE;
    n->rseq_cpu = UINT32_MAX;
    n->on_hart = UINT32_MAX;
    const struct hart *h = t->hart;
    memcpy(n->ctx.x, h->x, sizeof(n->ctx.x));
    memcpy(n->ctx.f, h->f, sizeof(n->ctx.f));
    n->ctx.pc = h->pc;
    n->ctx.fflags = h->fflags;
    n->ctx.frm = h->frm;
    /* It exists from the parent's present on. */
    n->ready_at = h->cycle;
    t->g->nthreads++;
    k->nr_threads++;
    link_task(k, n);
    *out = n;
    return 0;
}

/* A thread is gone: off its CPU, off the futex queue. */
static void thread_gone(struct task *t, enum task_state st)
{
    futex_dequeue(t);
    t->state = st;
    t->k->nr_ended++;
    t->g->nthreads--;
    t->g->last_cpu = t->cpu;
}

static void group_end(struct tgroup *g, enum task_state st, int code, int sig)
{
    if (g->state != TASK_RUNNABLE)
        return;
    g->state = st;
    g->k->nr_ended++;
    g->exit_code = code & 0xff;
    g->term_sig = sig;
    if (g->mm)
        g->faults = g->mm->faults;
}

void task_exit(struct task *t, int code)
{
    if (t->state == TASK_EXITED || t->state == TASK_KILLED)
        return;
    if (t->clear_child_tid && t->mm) {
        /* CLONE_CHILD_CLEARTID: what pthread_join waits for. */
        uint32_t zero = 0;
        if (mm_copy_out(t->mm, t->clear_child_tid, &zero, 4) == 0)
            futex_wake(t->k, t->mm, t->clear_child_tid, 1, UINT32_MAX, t->hart->cycle);
    }
    t->exit_code = code & 0xff;
    thread_gone(t, TASK_EXITED);
    /* XXX: the robust list is not walked (no owner-died mutexes). */
    if (t->g->nthreads == 0) {
        /* As wait(2) reports it: the leader's status, or the last thread's
         * when the leader was the last. */
        group_end(t->g, TASK_EXITED, t->g->leader->exit_code, 0);
    }
}

static void end_all(struct tgroup *g, enum task_state st)
{
    for (struct task *x = g->k->tasks; x; x = x->next)
        if (x->g == g && x->state != TASK_EXITED && x->state != TASK_KILLED)
            thread_gone(x, st);
}

void task_exit_group(struct task *t, int code)
{
    t->exit_code = code & 0xff;
    end_all(t->g, TASK_EXITED);
    group_end(t->g, TASK_EXITED, code, 0);
}

void task_kill(struct task *t, int sig)
{
    t->term_sig = sig;
    end_all(t->g, TASK_KILLED);
    group_end(t->g, TASK_KILLED, 0, sig);
}

void kernel_reap(struct guest_kernel *k)
{
    for (struct tgroup *g = k->groups; g; g = g->next)
        if (g->state != TASK_RUNNABLE && !g->released)
            release(g);
    for (struct task **pp = &k->tasks; *pp;) {
        struct task *t = *pp;
        if ((t->state == TASK_EXITED || t->state == TASK_KILLED) && t != t->g->leader) {
            unlink_task(t);     /* unlinks *pp */
            free(t);
        } else {
            pp = &t->next;
        }
    }
}

struct task *task_by_tid(struct guest_kernel *k, uint32_t tid)
{
    for (struct task *t = k->tasks; t; t = t->next)
        if (t->tid == tid && t->state != TASK_EXITED && t->state != TASK_KILLED)
            return t;
    return NULL;
}

/* ---- Placement and switching -------------------------------------------- */

static uint32_t cpu_load(struct guest_kernel *k, uint32_t cpu)
{
    uint32_t n = 0;
    for (struct task *t = k->tasks; t; t = t->next)
        if (t->cpu == cpu && (t->state == TASK_RUNNABLE || t->state == TASK_BLOCKED))
            n++;
    return n;
}

/* Live threads on the allowed CPUs of node n; *idle: the first allowed
 * CPU of n without one (UINT32_MAX: none). */
static uint32_t node_load(struct guest_kernel *k, uint32_t n, const uint64_t *mask,
                          uint32_t *idle)
{
    const struct topo_node *nd = &k->m->topo->nodes[n];
    uint32_t load = 0;
    *idle = UINT32_MAX;
    for (uint32_t c = nd->first_cpu; c < nd->first_cpu + nd->ncpus; c++) {
        if (!(mask[c / 64] >> (c % 64) & 1))
            continue;
        uint32_t l = cpu_load(k, c);
        if (l == 0 && *idle == UINT32_MAX)
            *idle = c;
        load += l;
    }
    return load;
}

uint32_t sched_place(struct guest_kernel *k, uint32_t parent_cpu, const uint64_t *mask)
{
    const struct mmsim_topology *topo = k->m->topo;
    uint32_t pnode = topo_cpu_node(topo, parent_cpu);
    if (pnode == UINT32_MAX)
        pnode = 0;
    if (k->spread) {
        /* The idle CPU of the least loaded node that has one. */
        uint32_t best = UINT32_MAX, best_load = UINT32_MAX;
        for (uint32_t i = 0; i < topo->nnodes; i++) {
            uint32_t idle, load = node_load(k, (pnode + i) % topo->nnodes, mask, &idle);
            if (idle != UINT32_MAX && load < best_load) {
                best = idle;
                best_load = load;
            }
        }
        if (best != UINT32_MAX)
            return best;
    }
    uint32_t best = UINT32_MAX, best_load = UINT32_MAX;
    for (uint32_t i = 0; i < topo->nnodes; i++) {
        const struct topo_node *nd = &topo->nodes[(pnode + i) % topo->nnodes];
        for (uint32_t c = nd->first_cpu; c < nd->first_cpu + nd->ncpus; c++) {
            if (!(mask[c / 64] >> (c % 64) & 1))
                continue;
            uint32_t load = cpu_load(k, c);
            if (load == 0)
                return c;
            if (load < best_load) {
                best = c;
                best_load = load;
            }
        }
    }
    return best == UINT32_MAX ? parent_cpu : best;
}

void sched_unload(struct kcpu *c)
{
    struct task *t = c->cur;
    if (!t)
        return;
    struct hart *h = &c->k->m->harts[c->cpu];
    /* An access the thread was waiting for is asked again when it runs
     * next (it may be on another CPU). */
    h->tm_pend = 0;
    h->tm_granted = false;
    memcpy(t->ctx.x, h->x, sizeof(t->ctx.x));
    memcpy(t->ctx.f, h->f, sizeof(t->ctx.f));
    t->ctx.pc = h->pc;
    t->ctx.fflags = h->fflags;
    t->ctx.frm = h->frm;
    t->on_hart = UINT32_MAX;
    c->cur = NULL;
}

void sched_load(struct task *t)
{
    struct guest_kernel *k = t->k;
    struct kcpu *c = &k->cpus[t->cpu];
    if (c->cur == t)
        return;
    struct hart *h = &k->m->harts[t->cpu];
    if (t->on_hart != UINT32_MAX)
        sched_unload(&k->cpus[t->on_hart]);     /* migrated */
    if (c->cur)
        sched_unload(c);
    memcpy(h->x, t->ctx.x, sizeof(h->x));
    memcpy(h->f, t->ctx.f, sizeof(h->f));
    h->pc = t->ctx.pc;
    h->fflags = t->ctx.fflags;
    hart_set_frm(h, t->ctx.frm);
    h->resv_valid = false;          /* a context switch breaks LR/SC */
    if (c->loaded_mm != t->mm) {
        /* satp carries the ASID: the MMU's TLBs keep the other address
         * spaces' entries; the hart's software TLB is not tagged. */
        hart_tlb_flush(h);
        hart_icache_flush(h);
        h->tm_fetch_pc = 0;     /* another address space: fetch again */
        c->loaded_mm = t->mm;
        if (t->mm) {
            mmu_set_satp(c->mmu, mm_satp(t->mm));
            t->mm->cpumask[t->cpu / 64] |= 1ull << (t->cpu % 64);
        }
    }
    c->cur = t;
    t->on_hart = t->cpu;
    t->hart = h;
    if (t->rseq && t->rseq_cpu != t->cpu && t->mm) {
        /* rseq cpu_id_start, cpu_id: glibc's sched_getcpu reads them. */
        uint32_t ids[2] = {t->cpu, t->cpu};
        if (mm_copy_out(t->mm, t->rseq, ids, sizeof(ids)) == 0)
            t->rseq_cpu = t->cpu;
    }
}

void sched_migrate(struct task *t, uint32_t cpu)
{
    struct guest_kernel *k = t->k;
    if (cpu == t->cpu || !kernel_hart(k, cpu))
        return;
    uint64_t now = k->m->harts[t->cpu].cycle;
    /* When t is on its hart (the caller of sched_setaffinity), it stays
     * there until the run loop sees t->cpu changed after the syscall and
     * unloads it; t->hart changes at the next sched_load. */
    t->cpu = cpu;
    if (t->ready_at < now)
        t->ready_at = now;
    k->nr_migrations++;
}

/* Ranges up to this many pages are fenced page by page; beyond, the whole
 * ASID (what Linux's flush_tlb_range does past tlb_flush_threshold). */
#define SHOOTDOWN_PAGES 32

void kernel_shootdown(struct guest_kernel *k, struct mm *mm, uint64_t start, uint64_t end,
                      unsigned what)
{
    bool any = false;
    uint64_t pages = (end - start) >> MM_PAGE_SHIFT;
    bool whole = (what & MM_FLUSH_TABLES) || pages > SHOOTDOWN_PAGES;
    for (uint32_t i = 0; i < k->m->topo->ncpus; i++) {
        if (!(mm->cpumask[i / 64] >> (i % 64) & 1))
            continue;
        struct kcpu *c = &k->cpus[i];
        if (!c->mmu)
            continue;
        if (whole)
            mmu_sfence_vma(c->mmu, false, 0, true, mm->asid);
        else
            for (uint64_t a = start; a < end; a += MM_PAGE_SIZE)
                mmu_sfence_vma(c->mmu, true, a, true, mm->asid);
        c->shootdowns++;
        any = true;
        if (c->loaded_mm == mm && c->hart_ready) {
            struct hart *h = &k->m->harts[i];
            if (whole)
                hart_tlb_flush(h);
            else
                hart_tlb_flush_range(h, start, end - start, true, true);
            if (what & MM_FLUSH_EXEC)
                hart_icache_flush(h);
        }
    }
    k->nr_shootdowns += any;
}

void kernel_flush_mm(struct guest_kernel *k, struct mm *mm, bool exec)
{
    kernel_shootdown(k, mm, 0, MM_TASK_SIZE, MM_FLUSH_TABLES | (exec ? MM_FLUSH_EXEC : 0));
}

int kernel_mm_setup(struct guest_kernel *k, struct mm *mm)
{
    const struct mmsim_topology *t = k->m->topo;
    for (uint32_t a = 1; a < 65536; a++) {
        if (k->asid_map[a / 64] >> (a % 64) & 1)
            continue;
        k->asid_map[a / 64] |= 1ull << (a % 64);
        mm->asid = (uint16_t)a;
        mm->levels = t->paging_levels == 4 ? 4 : 3;
        mm->thp = (enum mm_thp)t->thp;
        mm->pt_place = (enum mm_pt_place)t->pt_placement;
        mm->fault_cost = t->fault_cycles;
        mm->zero_cost = t->zero_cycles;
        mm->ctr = &k->mmc;
        mm->commit_limit = 0;
        for (uint32_t n = 0; n < t->nnodes; n++)
            mm->commit_limit += t->nodes[n].mem_size >> MM_PAGE_SHIFT;
        /* The root table was counted on the mm's own counters. */
        k->mmc.pt_alloc += mm->own_ctr.pt_alloc;
        int node = mm->root ? physmem_node_of(k->m->physmem, mm->root) : -1;
        if (node >= 0) {
            k->mmc.pt_pages_node[node] += mm->pt_pages;
            k->mmc.pt_alloc_node[node] += mm->pt_pages;
        }
        return 0;
    }
    return -EAGAIN;
}

void kernel_mm_release(struct guest_kernel *k, struct mm *mm)
{
    /* Every CPU that ran mm drops its ASID before it is handed out again. */
    kernel_flush_mm(k, mm, true);
    k->asid_map[mm->asid / 64] &= ~(1ull << (mm->asid % 64));
    mm->flush = NULL;       /* nothing caches it any more */
}

void kernel_charge_faults(struct guest_kernel *k, struct mm *mm, uint32_t cpu)
{
    if (mm->pending_cycles && cpu < k->m->topo->ncpus) {
        struct hart *h = &k->m->harts[cpu];
        if (h->pipe) {      /* maybe inside a run: the pipeline's clock is the CPU's */
            pipe_stall(h->pipe, h->pipe->cycle + mm->pending_cycles, PIPE_STALL_FAULT);
            h->cycle = h->pipe->cycle;
        } else {
            h->cycle += mm->pending_cycles;
        }
    }
    mm->pending_cycles = 0;
}

void task_set_a0(struct task *t, uint64_t v)
{
    if (t->on_hart != UINT32_MAX)
        t->k->m->harts[t->on_hart].x[10] = v;
    else
        t->ctx.x[10] = v;
}

void task_block(struct task *t, const char *what, uint64_t deadline, int64_t timeout_ret)
{
    t->state = TASK_BLOCKED;
    t->wait_what = what;
    t->deadline = deadline;
    t->timeout_ret = timeout_ret;
}

void task_wake(struct task *t, int64_t ret, uint64_t when)
{
    if (t->state != TASK_BLOCKED)
        return;
    futex_dequeue(t);
    t->state = TASK_RUNNABLE;
    t->deadline = TASK_NO_DEADLINE;
    t->wait_what = NULL;
    if (t->ready_at < when)
        t->ready_at = when;
    task_set_a0(t, (uint64_t)ret);
}

/* ---- File descriptors --------------------------------------------------- */

int task_fd(struct task *t, int64_t gfd)
{
    if (gfd < 0 || gfd >= KFD_MAX || t->g->fds[gfd].host < 0)
        return -EBADF;
    return t->g->fds[gfd].host;
}

int task_fd_install(struct task *t, int host, unsigned flags, int min)
{
    /* RLIMIT_NOFILE: the guest's own (setrlimit) or the machine's. */
    uint64_t lim = t->g->rlim_set ? t->g->rlim[7][0] : t->k->max_files;
    int end = lim < KFD_MAX ? (int)lim : KFD_MAX;
    for (int i = min < 0 ? 0 : min; i < end; i++)
        if (t->g->fds[i].host < 0) {
            t->g->fds[i].host = host;
            t->g->fds[i].flags = flags;
            return i;
        }
    if (flags & KFD_OWNED)
        close(host);
    return -EMFILE;
}

int task_fd_close(struct task *t, int64_t gfd)
{
    if (gfd < 0 || gfd >= KFD_MAX || t->g->fds[gfd].host < 0)
        return -EBADF;
    struct kfile *f = &t->g->fds[gfd];
    int rc = 0;
    /* Only fds the kernel opened are closed at host: the guest closing its
     * fd 1 must not close the simulator's stdout. */
    if ((f->flags & KFD_OWNED) && close(f->host) < 0 && errno != EINTR)
        rc = -errno;
    f->host = -1;
    f->flags = 0;
    return rc;
}
