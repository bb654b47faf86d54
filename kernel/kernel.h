/* The guest kernel of syscall-emulation mode: tasks, their address spaces,
 * file descriptors and signals, and the services every syscall shares
 * (deterministic randomness, simulated time, the unknown-syscall report).
 *
 * One struct guest_kernel per machine (m->kernel), created by
 * kernel_create() from mmsim_machine_create() after physmem and page_alloc.
 *
 * Determinism: nothing the guest sees depends on the host's clock or
 * randomness.  Time is simulated time (see kernel_sim_ns), the epoch of
 * CLOCK_REALTIME is KERNEL_EPOCH, and getrandom/AT_RANDOM come from a
 * generator seeded with the machine's seed.  Host facts that qemu-riscv64
 * also passes through (files, uid/gid, uname) are the host's. */
#ifndef MMSIM_KERNEL_KERNEL_H
#define MMSIM_KERNEL_KERNEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/hart.h"
#include "kernel/mempolicy.h"
#include "kernel/mm.h"

struct mmsim_machine;
struct hart;
struct mm;
struct task;

/* CLOCK_REALTIME at simulated time 0: 2026-01-01T00:00:00Z. */
#define KERNEL_EPOCH 1767225600ULL
/* rdtime frequency (QEMU virt's timebase). */
#define KERNEL_TIMEBASE_HZ 10000000ULL
/* Guest pids start here (deterministic; qemu would show host pids). */
#define KERNEL_FIRST_PID 1000u

/* Scheduler defaults (mmsim_machine_set_sched changes them). */
#define KERNEL_QUANTUM 10000ULL         /* instructions per scheduling step */
#define KERNEL_TIMESLICE 1000000ULL     /* cycles before a shared CPU switches */
#define KERNEL_SWITCH_COST 2000ULL      /* cycles charged per context switch */
#define KERNEL_MAX_THREADS 4096u        /* live threads of all processes */

#define KFD_MAX 1024
#define KFD_OWNED 0x1u          /* the kernel opened the host fd: close it */
#define KFD_CLOEXEC 0x2u
#define KFD_DIR 0x4u            /* opened on a directory */

#define KSIG_MAX 64

struct kfile {
    int host;                   /* -1: free slot */
    unsigned flags;
};

struct ksigaction {
    uint64_t handler, flags, mask;
};

enum task_state {
    TASK_RUNNABLE = 0,          /* thread: may run; group: alive */
    TASK_EXITED,                /* exit / exit_group */
    TASK_KILLED,                /* a fatal signal */
    TASK_BLOCKED,               /* thread only: futex wait or sleep */
};

#define TASK_NO_DEADLINE UINT64_MAX
#define TOPO_MAX_CPUS_K 1024    /* = TOPO_MAX_CPUS (asserted in task.c) */
#define KCPU_WORDS (TOPO_MAX_CPUS_K / 64)

/* What the threads of one process share (CLONE_VM|FILES|SIGHAND|FS|
 * THREAD): the address space, fds, signal actions, exe and cwd, limits,
 * the memory policy (XXX: per process here, per thread on Linux), and the
 * process's fate.  Owned by its mmsim_process; lives until that is
 * destroyed.  The mm and the host fds are released as soon as the last
 * thread is gone (kernel_reap), so the frames go back to the buddy
 * allocator while the harness still holds the process. */
struct tgroup {
    struct guest_kernel *k;
    struct mmsim_process *proc;
    uint32_t pid;
    uint32_t nthreads;          /* threads not yet exited */
    struct task *leader;        /* the first thread (tid == pid) */
    struct mm *mm;              /* NULL once released */
    struct mempolicy policy;    /* set_mempolicy (zero: MPOL_DEFAULT) */

    struct kfile fds[KFD_MAX];
    char *exe;                  /* /proc/self/exe as the guest sees it */
    char *exe_host;             /* the same file at host (NULL: from memory) */
    char *cwd;                  /* guest view, absolute, no trailing '/' but "/" */
    struct ksigaction sigact[KSIG_MAX + 1];
    uint64_t sigtramp;          /* the "[vdso]" page's rt_sigreturn trampoline */
    uint64_t rlim[16][2];       /* soft, hard (prlimit64 order of resources) */
    bool rlim_set;              /* rlim initialised */
    uint32_t umask;             /* the process's umask (default 022); the
                                 * host's own umask is never changed */

    enum task_state state;      /* RUNNABLE while any thread lives */
    bool released;              /* mm and fds freed */
    int exit_code;              /* TASK_EXITED */
    int term_sig;               /* TASK_KILLED */
    uint64_t syscalls;
    uint64_t faults, frames;    /* mm counters, kept when the mm is released */
    uint32_t last_cpu;          /* CPU of the last thread to exit */
    struct tgroup *next;
};

/* Architectural state of a thread that is not on its CPU's hart. */
struct task_ctx {
    uint64_t x[32], f[32], pc;
    uint32_t fflags, frm;
};

/* One thread.  A CPU's hart holds the registers of the thread it ran last
 * (kcpu.cur); the others keep theirs in ctx. */
struct task {
    /* What the run loop reads at every step, first and together (the
     * struct spans many host cache lines). */
    enum task_state state;
    uint32_t cpu;
    struct hart *hart;          /* the hart of cpu */
    uint64_t sigblocked, sigpending;
    uint64_t ready_at;          /* cannot run before this cycle */
    bool started;               /* has run at least once */

    struct guest_kernel *k;
    struct tgroup *g;
    uint32_t pid, tid;
    struct mm *mm;              /* g->mm */
    struct task_ctx ctx;
    uint32_t on_hart;           /* CPU whose hart holds its registers, or
                                 * UINT32_MAX (then they are in ctx) */
    uint64_t affinity[KCPU_WORDS];

    struct ksiginfo {
        int32_t code;           /* si_code: SI_USER, SI_TKILL, SEGV_MAPERR... */
        uint64_t addr;          /* si_addr of faults */
    } siginfo[KSIG_MAX + 1];
    uint64_t altstack_sp, altstack_size;
    uint32_t altstack_flags;

    uint64_t clear_child_tid, robust_list, rseq;
    uint32_t rseq_cpu;          /* cpu_id last written to the rseq area */

    int exit_code;              /* TASK_EXITED */
    int term_sig;               /* TASK_KILLED */

    /* Blocking (TASK_BLOCKED): a futex wait and/or a deadline. */
    const char *wait_what;      /* "futex_wait", "nanosleep" (diagnosis) */
    uint64_t wait_addr;         /* futex word (0: not on a futex queue) */
    uint32_t wait_bitset;
    uint64_t deadline;          /* cycle of the timeout, or TASK_NO_DEADLINE */
    int64_t timeout_ret;        /* a0 when the deadline passes */
    struct task *fnext;         /* futex queue (k->futex_q), FIFO */
    uint64_t run_seq;           /* when it last got a CPU (round robin) */

    uint64_t syscalls;
    struct task *next;
};

struct kcpu {
    struct guest_kernel *k;
    uint32_t cpu;
    uint32_t node;              /* the CPU's node: where first touch allocates */
    bool hart_ready;
    /* Read by the run loop at every step, hence together. */
    bool yield;                 /* cur gave up the rest of its slice */
    unsigned npend;             /* pend[] in use (timing, below) */
    struct task *cur;           /* the thread whose registers the hart holds */
    uint64_t pend_t0;           /* cycle the first pending access starts */
    uint64_t slice_start;       /* cycle cur got the CPU */
    struct mm *loaded_mm;       /* what the hart's TLB / decode cache hold */
    struct mmu *mmu;            /* the CPU's TLBs, walk caches and walker */
    uint64_t shootdowns;        /* TLB shootdowns this CPU received */
    uint64_t tlb_lookups[2];    /* derived: L1 iTLB, dTLB lookups (kcpu_sync_stats) */
    uint64_t tlb_hits[2];       /* derived: L1 iTLB, dTLB hits */
    /* Timing (kernel/timing.c): the CPU's pipeline, and the accesses of
     * its current instruction that wait for its turn at the shared
     * hierarchy (page-walk reads, then the data or fetch), in order. */
    struct pipe *pipe;
    struct kcpu_pend {
        uint64_t paddr;
        uint8_t kind;           /* enum mem_kind */
    } pend[16];                 /* two Sv57 walks (a fault between) and the access */
};

/* The run loop's view of one CPU (libmmsim/run.c): the thread that goes
 * first on it, as of the last scan. */
struct sched_slot {
    struct task *t;             /* NULL: nothing on it can move */
    bool solo;                  /* t is its only thread that can move */
};

/* A CPU in the run loop's queue is one key, its event time above its
 * number (libmmsim/run.c, sched_key). */
#define SCHED_CPU_BITS 10
_Static_assert(TOPO_MAX_CPUS_K <= 1u << SCHED_CPU_BITS, "a CPU number fits a key's low bits");

struct guest_kernel {
    struct mmsim_machine *m;
    struct hart *harts;         /* m->harts: the scheduler reads clocks inline */
    uint64_t rng;               /* splitmix64 state */
    char *root;                 /* NULL: the host's file system */
    FILE *trace;                /* instruction + syscall trace, or NULL */
    int stdio[3];               /* host fds behind guest 0/1/2 */
    struct kcpu *cpus;          /* topo->ncpus */
    struct hart_dstore *dstore; /* decoded pages the harts share */
    struct task *tasks;         /* every thread, newest first */
    struct tgroup *groups;
    struct task *futex_q;       /* futex waiters, oldest first */
    uint32_t next_pid;

    /* Scheduler (libmmsim/run.c): see docs/KERNEL.md. */
    uint64_t quantum;           /* instructions a CPU runs between decisions */
    uint64_t timeslice;         /* cycles a thread keeps a shared CPU */
    uint64_t switch_cost;       /* cycles charged per context switch */
    bool spread;                /* placement: spread over nodes (else fill) */
    uint64_t run_seq;
    uint32_t last_cpu;          /* CPU of the last step (LR/SC reservations) */
    uint64_t nr_switches, nr_migrations, nr_threads, nr_futex_waits, nr_futex_wakes;
    uint64_t idle_cycles;
    uint64_t nr_ended;          /* threads and groups that ended so far: the
                                 * run loop reaps only when it moved */
    /* The run loop's queue of the CPUs where something can move
     * (libmmsim/run.c), by key: q[qhd], q[(qhd + 1) & qmask], ... qn of
     * them, in a ring of qmask + 1 (ncpus rounded up to a power of two). */
    struct sched_slot *slots;
    uint64_t *q;
    uint32_t qhd, qn, qmask;

    uint64_t nr_syscalls;
    uint64_t nr_unknown;        /* calls of unknown syscalls */
    struct mm_counters mmc;     /* demand paging, THP, migration, page tables */
    uint64_t nr_shootdowns;     /* shootdown events (one per range changed) */
    uint64_t asid_map[65536 / 64];      /* ASIDs in use (bit 0: never handed out) */
    /* Timing (kernel/timing.c). */
    int timing;                 /* mmsim_timing: DETAILED, OFF, ROI */
    bool timed;                 /* detailed timing is on now */
    struct memsys *memsys;      /* created when timing is first switched on */
    uint64_t horizon;           /* smallest clock of the other CPUs (this step) */
    uint64_t lookahead;         /* cycles a CPU may run ahead of that horizon */
    uint64_t ps_fx, cyc_fx;     /* ps per cycle (32.32), cycles per ps (0.64) */
    uint8_t unknown_seen[1024 / 8];
    bool proc_refused_seen;     /* warned of a refused /proc file (sys_fs.c) */
    uint64_t unknown_big[32];   /* numbers >= 1024 already reported */
    unsigned nr_unknown_big;
    FILE *diag;                 /* warnings and fault diagnoses (stderr) */
    /* Region of interest (the private syscall, syscall.c): the calling
     * CPU's cycle at the last ROI begin / end (gauges roi.begin_cycle,
     * roi.end_cycle; 0 = never). */
    uint64_t roi_begin_cycle, roi_end_cycle;
    /* Limits (mmsim_machine_set_limits, libmmsim/run.c): 0 = none. */
    uint64_t max_insns, max_time_ns;
    double timeout_s;
    uint32_t max_threads;       /* live threads per process */
    uint32_t max_files;         /* RLIMIT_NOFILE of new processes */
    uint64_t truncated;         /* gauge run.truncated: a run limit ended it */
    const char *limit_hit;      /* "max-insns", "max-time", "timeout" or NULL */
};

/* Create the kernel of m (m->topo, m->physmem, m->page_alloc set) and the
 * array m->harts (harts are initialised when a process first uses their
 * CPU).  Registers kernel.* statistics.  Returns MMSIM_OK or
 * MMSIM_ERR_NOMEM, with *out NULL on failure. */
int kernel_create(struct mmsim_machine *m, struct guest_kernel **out);
/* Destroy every task and process, the harts and the kernel.  NULL: no-op. */
void kernel_destroy(struct guest_kernel *k);

/* The hart of a CPU, initialised on first use (NULL on failure). */
struct hart *kernel_hart(struct guest_kernel *k, uint32_t cpu);

/* Fill buf from the deterministic generator. */
void kernel_random(struct guest_kernel *k, void *buf, size_t len);
/* Simulated time of a hart's clock, in nanoseconds / picoseconds. */
uint64_t kernel_sim_ns(const struct guest_kernel *k, uint64_t cycle);
uint64_t kernel_sim_ps(const struct guest_kernel *k, uint64_t cycle);
/* Cycles in ns nanoseconds (rounded up). */
uint64_t kernel_ns_to_cycles(const struct guest_kernel *k, uint64_t ns);

/* ---- tasks and processes (task.c) ---- */

/* A process (thread group) with one thread on cpu and an empty address
 * space; linked into k->groups and k->tasks.  The thread's affinity is
 * every CPU of the machine. */
int task_create(struct guest_kernel *k, uint32_t cpu, struct task **out);
/* Free a process: all its threads, its mm, the host fds it owns, and its
 * mmsim_process.  Any thread of the group may be passed. */
void task_destroy(struct task *t);
/* A new thread of t's process (clone with CLONE_THREAD): registers copied
 * from t's hart, placed by sched_place.  0 or -ENOMEM / -EAGAIN. */
int task_clone_thread(struct task *t, struct task **out);
/* This thread ends (exit): CHILD_CLEARTID is written and woken; the
 * process ends with its last thread. */
void task_exit(struct task *t, int code);
/* The whole process ends (exit_group). */
void task_exit_group(struct task *t, int code);
/* A fatal signal ends the whole process. */
void task_kill(struct task *t, int sig);
/* Free what finished threads and processes no longer need (mm, fds, dead
 * threads other than the leader).  Called by the run loop between steps,
 * never while a syscall of the thread is in progress. */
void kernel_reap(struct guest_kernel *k);
/* Host fd of a guest fd, or -EBADF. */
int task_fd(struct task *t, int64_t gfd);
/* Install a host fd at the lowest free guest fd >= min: the guest fd, or
 * -EMFILE (the host fd is then closed if owned). */
int task_fd_install(struct task *t, int host, unsigned flags, int min);
int task_fd_close(struct task *t, int64_t gfd);
/* The thread with this tid, or NULL. */
struct task *task_by_tid(struct guest_kernel *k, uint32_t tid);

/* ---- scheduling helpers (task.c; the loop is libmmsim/run.c) ---- */

/* The CPU for a new thread of parent's CPU: the first idle CPU allowed by
 * mask, trying parent's node first and then the following nodes (in
 * number order, wrapping); with no idle CPU, the least loaded one in the
 * same order.  k->spread: the first idle CPU of the node (in that order)
 * with the fewest live threads, so threads go round the nodes. */
uint32_t sched_place(struct guest_kernel *k, uint32_t parent_cpu, const uint64_t *mask);
/* Move t to cpu (affinity change): it leaves its hart at the next switch. */
void sched_migrate(struct task *t, uint32_t cpu);
/* Save the registers of the thread on c's hart into its ctx and forget
 * it (c->cur = NULL). */
void sched_unload(struct kcpu *c);
/* Make t's registers the hart's (t->cpu's), saving the previous thread's;
 * flushes the TLB and decode cache when the address space changes. */
void sched_load(struct task *t);
/* Shoot down [start, end) of mm on every CPU whose TLBs may hold it (the
 * mm's cpumask): sfence.vma per page (or per ASID for big ranges, and
 * whenever page tables were freed: MM_FLUSH_TABLES), the hart's software
 * TLB, and decoded instructions with MM_FLUSH_EXEC.  Counted per CPU. */
void kernel_shootdown(struct guest_kernel *k, struct mm *mm, uint64_t start, uint64_t end,
                      unsigned what);
/* Everything of mm, everywhere (riscv_flush_icache, mm freed). */
void kernel_flush_mm(struct guest_kernel *k, struct mm *mm, bool exec);
/* Give mm an ASID and the machine's paging parameters (task creation).
 * 0 or -EAGAIN when all 65535 ASIDs are taken. */
int kernel_mm_setup(struct guest_kernel *k, struct mm *mm);
/* Return mm's ASID (mm being destroyed): every CPU forgets it. */
void kernel_mm_release(struct guest_kernel *k, struct mm *mm);
/* ---- timing (timing.c) ---- */

/* Detailed timing on or off for every CPU (the memory system is built the
 * first time it goes on).  MMSIM_OK or MMSIM_ERR_NOMEM. */
int kernel_timing_set(struct guest_kernel *k, bool on);
/* Give a hart its pipeline when timing is on (a CPU used for the first time). */
int kernel_timing_cpu(struct guest_kernel *k, uint32_t cpu);
/* The CPU's pending shared accesses, now that its clock is the smallest:
 * perform them in order and complete the instruction's timing. */
void kernel_timing_resume(struct guest_kernel *k, uint32_t cpu);
/* Add the L1 hits the harts counted themselves (their hit filters) to
 * the memory system's statistics (a statistics sync function calls it). */
void kernel_timing_sync(struct guest_kernel *k);
/* The earliest time a CPU with pending accesses needs its turn (its clock
 * otherwise).  Inline: the scheduler asks for every thread at every step. */
static inline uint64_t kernel_cpu_clock(const struct guest_kernel *k, uint32_t cpu)
{
    const struct kcpu *c = &k->cpus[cpu];
    uint64_t clock = k->harts[cpu].cycle;
    return c->npend && c->pend_t0 < clock ? c->pend_t0 : clock;
}
/* The hart hook: see hart_mem_ops.mem_time. */
int kernel_mem_time(void *ctx, const void *host, enum hart_mem_kind kind, uint64_t cycle,
                    uint64_t *done, bool *miss);
/* A page-walk read of the CPU's walker at paddr (timing on): charged to
 * the hart's current instruction. */
void kernel_walk_time(struct kcpu *c, uint64_t paddr);
void kernel_timing_destroy(struct guest_kernel *k);
/* The machine's memory system, built on first use (NULL: no memory). */
struct memsys *kernel_memsys(struct guest_kernel *k);

/* Charge the page faults mm handled since the last call to cpu's clock. */
void kernel_charge_faults(struct guest_kernel *k, struct mm *mm, uint32_t cpu);

/* Block t (a syscall in progress; its a0 is set when it wakes). */
void task_block(struct task *t, const char *what, uint64_t deadline, int64_t timeout_ret);
/* Wake a blocked t with a0 = ret, not before cycle `when`. */
void task_wake(struct task *t, int64_t ret, uint64_t when);
/* Register a0 of t, wherever its registers are. */
void task_set_a0(struct task *t, uint64_t v);

/* ---- futex (futex.c) ---- */

/* Wake up to n waiters on (mm, uaddr) whose bitset meets bitset, oldest
 * first, at cycle `when`.  Returns the number woken. */
int futex_wake(struct guest_kernel *k, struct mm *mm, uint64_t uaddr, uint32_t n,
               uint32_t bitset, uint64_t when);
/* Take t off the futex queue (it died or was interrupted). */
void futex_dequeue(struct task *t);

/* ---- syscalls (syscall.c) ---- */

/* Handle the ecall the task's hart stopped at (pc at the ecall). */
void syscall_handle(struct task *t);
/* The asm-generic name of a riscv64 syscall number, or NULL. */
const char *syscall_name(uint64_t nr);

/* ---- signals (signal.c) ---- */

/* Queue sig for t (sig 1..64) with si_code SI_USER / the given code. */
void signal_send(struct task *t, int sig);
void signal_send_code(struct task *t, int sig, int code);
/* A synchronous fault (hart trap): deliver SIGSEGV/SIGBUS/SIGILL/SIGTRAP
 * to a handler if one is installed and the signal is not blocked, else
 * kill the task with a one-line diagnosis. */
void signal_fault(struct task *t, int sig, int code, uint64_t addr);
/* Deliver pending unblocked signals (after a syscall or a trap). */
void signal_deliver(struct task *t);
const char *signal_name(int sig);

#endif
