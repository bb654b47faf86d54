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

#include "kernel/mempolicy.h"

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

enum task_state { TASK_RUNNABLE = 0, TASK_EXITED, TASK_KILLED };

struct task {
    struct guest_kernel *k;
    struct mmsim_process *proc;
    uint32_t pid, tid, cpu;
    struct hart *hart;
    struct mm *mm;
    struct mempolicy policy;    /* set_mempolicy (zero: MPOL_DEFAULT) */

    struct kfile fds[KFD_MAX];
    char *exe;                  /* /proc/self/exe as the guest sees it */
    char *exe_host;             /* the same file at host (NULL: from memory) */
    char *cwd;                  /* guest view, absolute, no trailing '/' but "/" */

    struct ksigaction sigact[KSIG_MAX + 1];
    uint64_t sigblocked, sigpending;
    struct ksiginfo {
        int32_t code;           /* si_code: SI_USER, SI_TKILL, SEGV_MAPERR... */
        uint64_t addr;          /* si_addr of faults */
    } siginfo[KSIG_MAX + 1];
    uint64_t altstack_sp, altstack_size;
    uint32_t altstack_flags;
    uint64_t sigtramp;          /* the "[vdso]" page's rt_sigreturn trampoline */

    uint64_t clear_child_tid, robust_list, rseq;
    uint64_t rlim[16][2];       /* soft, hard (prlimit64 order of resources) */
    bool rlim_set;              /* rlim initialised */

    enum task_state state;
    bool started;               /* has run at least once */
    int exit_code;              /* TASK_EXITED */
    int term_sig;               /* TASK_KILLED */

    uint64_t syscalls;
    struct task *next;
};

struct kcpu {
    struct guest_kernel *k;
    uint32_t cpu;
    bool hart_ready;
    struct task *cur;
};

struct guest_kernel {
    struct mmsim_machine *m;
    uint64_t rng;               /* splitmix64 state */
    char *root;                 /* NULL: the host's file system */
    FILE *trace;                /* instruction + syscall trace, or NULL */
    int stdio[3];               /* host fds behind guest 0/1/2 */
    struct kcpu *cpus;          /* topo->ncpus */
    struct task *tasks;
    uint32_t next_pid;

    uint64_t nr_syscalls;
    uint64_t nr_unknown;        /* calls of unknown syscalls */
    uint64_t nr_faults;         /* demand-paging allocations, all tasks */
    uint8_t unknown_seen[1024 / 8];
    uint64_t unknown_big[32];   /* numbers >= 1024 already reported */
    unsigned nr_unknown_big;
    FILE *diag;                 /* warnings and fault diagnoses (stderr) */
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

/* ---- tasks (task.c) ---- */

/* A task with an empty address space on cpu; linked into k->tasks. */
int task_create(struct guest_kernel *k, uint32_t cpu, struct task **out);
/* Unlink and free a task (frames, host fds it owns). */
void task_destroy(struct task *t);
void task_exit(struct task *t, int code);
void task_kill(struct task *t, int sig);
/* Host fd of a guest fd, or -EBADF. */
int task_fd(struct task *t, int64_t gfd);
/* Install a host fd at the lowest free guest fd >= min: the guest fd, or
 * -EMFILE (the host fd is then closed if owned). */
int task_fd_install(struct task *t, int host, unsigned flags, int min);
int task_fd_close(struct task *t, int64_t gfd);

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
