/* Signals: actions, masks, delivery through a Linux riscv64 rt_sigframe,
 * rt_sigreturn, and default actions.
 *
 * The frame (arch/riscv uapi layout, checked against glibc's ucontext_t):
 *   +0     siginfo_t (128 bytes)
 *   +128   struct ucontext: uc_flags, uc_link, uc_stack (+16), uc_sigmask
 *          (+40, 8 bytes + 120 reserved), uc_mcontext (+176):
 *            sc_regs: pc, x1..x31 (256 bytes)
 *            sc_fpregs: f0..f31 (256 bytes), fcsr (u32), padding to 528
 *   = 1088 bytes, the frame 16-byte aligned.
 * The handler returns to the task's sigtramp ("li a7,139; ecall" in the
 * "[vdso]" page), since glibc on riscv sets no sa_restorer. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "cpu/hart.h"
#include "internal.h"
#include "kernel/mm.h"
#include "kernel/syscall.h"

#define SIG_DFL_ 0
#define SIG_IGN_ 1
#define SA_SIGINFO_ 0x4ULL
#define SA_ONSTACK_ 0x08000000ULL
#define SA_NODEFER_ 0x40000000ULL
#define SA_RESETHAND_ 0x80000000ULL
#define SS_ONSTACK_ 1
#define SS_DISABLE_ 2
#define MINSIGSTKSZ_ 2048

#define SIGKILL_ 9
#define SIGSTOP_ 19
#define SI_USER_ 0
#define SI_TKILL_ (-6)

#define FRAME_INFO 0
#define FRAME_UC 128
#define UC_STACK (FRAME_UC + 16)
#define UC_SIGMASK (FRAME_UC + 40)
#define UC_REGS (FRAME_UC + 176)
#define UC_FREGS (UC_REGS + 256)
#define UC_FCSR (UC_FREGS + 256)
#define FRAME_SIZE (FRAME_UC + 960)

static uint64_t bit(int sig)
{
    return 1ULL << (sig - 1);
}

static const uint64_t UNBLOCKABLE = (1ULL << (SIGKILL_ - 1)) | (1ULL << (SIGSTOP_ - 1));

const char *signal_name(int sig)
{
    static const char *const names[] = {
        NULL, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS",
        "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM",
        "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN",
        "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH",
        "SIGIO", "SIGPWR", "SIGSYS",
    };
    return sig > 0 && sig < (int)ARRAY_SIZE(names) ? names[sig] : "SIGRT";
}

/* Default action ignores the signal?  (CHLD, CONT, URG, WINCH; the stop
 * signals too: XXX there is no job control to stop for.) */
static bool default_ignored(int sig)
{
    return sig == 17 || sig == 18 || sig == 23 || sig == 28 || (sig >= 19 && sig <= 22);
}

void signal_send_code(struct task *t, int sig, int code)
{
    if (sig < 1 || sig > KSIG_MAX)
        return;
    if (t->state != TASK_RUNNABLE && t->state != TASK_BLOCKED)
        return;
    t->sigpending |= bit(sig);
    t->siginfo[sig].code = code;
    t->siginfo[sig].addr = 0;
    /* An unblocked signal interrupts a futex wait or a sleep. */
    if (t->state == TASK_BLOCKED && !(t->sigblocked & bit(sig)))
        task_wake(t, -EINTR, 0);
}

void signal_send(struct task *t, int sig)
{
    signal_send_code(t, sig, SI_USER_);
}

static void die(struct task *t, int sig, bool fault)
{
    struct guest_kernel *k = t->k;
    task_kill(t, sig);
    if (!k->diag)
        return;
    if (!fault) {
        /* Quiet for SIGPIPE, as shells are: `mmsim run prog | head` is normal. */
        if (sig != 13)
            fprintf(k->diag, "mmsim: guest killed by %s (signal %d)\n", signal_name(sig), sig);
        return;
    }
    struct hart *h = t->hart;
    char dis[96] = "?";
    uint8_t *host;
    uint64_t pc = h->pc;
    /* The instruction, read without the permission check (it may be the
     * fetch that faulted). */
    if (mm_lookup(t->mm, pc, HART_EXEC, false, &host) == MM_OK) {
        uint32_t insn = 0;
        size_t off = pc & MM_PAGE_MASK;
        memcpy(&insn, host + off, off <= MM_PAGE_SIZE - 4 ? 4 : 2);
        if ((insn & 3) != 3)
            insn &= 0xffff;
        else if (off > MM_PAGE_SIZE - 4 &&
                 mm_lookup(t->mm, pc + 2, HART_EXEC, false, &host) == MM_OK)
            insn |= (uint32_t)host[0] << 16 | (uint32_t)host[1] << 24;
        char text[80];
        hart_disasm(insn, pc, text, sizeof(text));
        mmsim_fmt(dis, sizeof(dis), "%0*" PRIx32 " %s", (insn & 3) == 3 ? 8 : 4, insn, text);
    }
    fprintf(k->diag, "mmsim: guest killed by %s (signal %d) at pc 0x%" PRIx64 " [%s], "
            "address 0x%" PRIx64 "\n", signal_name(sig), sig, pc, dis, t->siginfo[sig].addr);
}

static int build_frame(struct task *t, int sig)
{
    struct hart *h = t->hart;
    struct ksigaction *act = &t->g->sigact[sig];
    uint64_t sp = h->x[2];
    bool on_alt = t->altstack_size && sp - t->altstack_sp <= t->altstack_size;
    if ((act->flags & SA_ONSTACK_) && t->altstack_size && !on_alt)
        sp = t->altstack_sp + t->altstack_size;
    sp = (sp - FRAME_SIZE) & ~15ULL;

    uint8_t f[FRAME_SIZE];
    memset(f, 0, sizeof(f));
    int32_t info[4] = {sig, 0, t->siginfo[sig].code, 0};
    memcpy(f + FRAME_INFO, info, sizeof(info));
    if (t->siginfo[sig].code > 0) {                         /* a fault: si_addr */
        memcpy(f + FRAME_INFO + 16, &t->siginfo[sig].addr, 8);
    } else {                                                /* si_pid, si_uid */
        uint32_t pu[2] = {t->pid, 0};
        memcpy(f + FRAME_INFO + 16, pu, sizeof(pu));
    }
    uint64_t ss[3] = {t->altstack_sp,
                      t->altstack_size ? (on_alt ? SS_ONSTACK_ : 0) : SS_DISABLE_,
                      t->altstack_size};
    memcpy(f + UC_STACK, ss, sizeof(ss));
    memcpy(f + UC_SIGMASK, &t->sigblocked, 8);
    memcpy(f + UC_REGS, &h->pc, 8);
    memcpy(f + UC_REGS + 8, &h->x[1], 31 * 8);
    memcpy(f + UC_FREGS, h->f, 32 * 8);
    uint32_t fcsr = (h->frm << 5) | h->fflags;
    memcpy(f + UC_FCSR, &fcsr, 4);
    if (mm_copy_out(t->mm, sp, f, sizeof(f)))
        return -EFAULT;

    h->x[10] = (uint64_t)sig;
    h->x[11] = sp + FRAME_INFO;
    h->x[12] = sp + FRAME_UC;
    h->x[2] = sp;
    h->x[1] = t->g->sigtramp;
    h->pc = act->handler;
    t->sigblocked |= act->mask & ~UNBLOCKABLE;
    if (!(act->flags & SA_NODEFER_))
        t->sigblocked |= bit(sig) & ~UNBLOCKABLE;
    if (act->flags & SA_RESETHAND_)
        act->handler = SIG_DFL_;
    return 0;
}

/* Deliver one signal: handler, ignore, or default action. */
static void deliver(struct task *t, int sig, bool fault)
{
    struct ksigaction *act = &t->g->sigact[sig];
    t->sigpending &= ~bit(sig);
    if (sig == SIGKILL_ || act->handler == SIG_DFL_) {
        if (sig != SIGKILL_ && default_ignored(sig))
            return;
        die(t, sig, fault);
        return;
    }
    if (act->handler == SIG_IGN_)
        return;
    if (build_frame(t, sig)) {
        /* Linux: a frame that cannot be written is a forced SIGSEGV. */
        t->siginfo[11].code = 0;
        t->siginfo[11].addr = 0;
        die(t, 11, false);
    }
}

void signal_deliver(struct task *t)
{
    while (t->state == TASK_RUNNABLE) {
        uint64_t ready = t->sigpending & ~t->sigblocked;
        if (!ready)
            return;
        int sig = __builtin_ctzll(ready) + 1;
        deliver(t, sig, false);
        /* A handler runs first; further signals are delivered when it
         * returns through rt_sigreturn (one frame per delivery round). */
        if (t->g->sigact[sig].handler > SIG_IGN_)
            return;
    }
}

void signal_fault(struct task *t, int sig, int code, uint64_t addr)
{
    t->siginfo[sig].code = code;
    t->siginfo[sig].addr = addr;
    struct ksigaction *act = &t->g->sigact[sig];
    if (act->handler > SIG_IGN_ && !(t->sigblocked & bit(sig))) {
        t->sigpending |= bit(sig);
        deliver(t, sig, true);
        return;
    }
    /* Blocked or ignored synchronous faults kill (Linux force_sig). */
    die(t, sig, true);
}

/* ---- Syscalls ------------------------------------------------------------- */

int64_t sys_rt_sigaction(struct task *t, const uint64_t *a)
{
    int sig = (int)a[0];
    if (sig < 1 || sig > KSIG_MAX || a[3] != 8)
        return -EINVAL;
    struct ksigaction *act = &t->g->sigact[sig];
    struct ksigaction old = *act;
    if (a[1]) {
        if (sig == SIGKILL_ || sig == SIGSTOP_)
            return -EINVAL;
        uint64_t na[3];     /* handler, flags, mask: no sa_restorer on riscv */
        if (mm_copy_in(t->mm, na, a[1], sizeof(na)))
            return -EFAULT;
        act->handler = na[0];
        act->flags = na[1];
        act->mask = na[2];
        /* Setting SIG_IGN (or a default-ignore SIG_DFL) discards pending. */
        if (na[0] == SIG_IGN_ || (na[0] == SIG_DFL_ && default_ignored(sig)))
            t->sigpending &= ~bit(sig);
    }
    if (a[2]) {
        uint64_t oa[3] = {old.handler, old.flags, old.mask};
        if (mm_copy_out(t->mm, a[2], oa, sizeof(oa))) {
            if (a[1])
                *act = old;
            return -EFAULT;
        }
    }
    return 0;
}

int64_t sys_rt_sigprocmask(struct task *t, const uint64_t *a)
{
    if (a[3] != 8)
        return -EINVAL;
    uint64_t old = t->sigblocked;
    if (a[1]) {
        uint64_t set;
        if (mm_copy_in(t->mm, &set, a[1], 8))
            return -EFAULT;
        switch (a[0]) {
        case 0: t->sigblocked |= set; break;        /* SIG_BLOCK */
        case 1: t->sigblocked &= ~set; break;       /* SIG_UNBLOCK */
        case 2: t->sigblocked = set; break;         /* SIG_SETMASK */
        default: return -EINVAL;
        }
        t->sigblocked &= ~UNBLOCKABLE;
    }
    if (a[2] && mm_copy_out(t->mm, a[2], &old, 8))
        return -EFAULT;
    return 0;
}

int64_t sys_rt_sigpending(struct task *t, const uint64_t *a)
{
    if (a[1] != 8)
        return -EINVAL;
    uint64_t p = t->sigpending & t->sigblocked;
    return mm_copy_out(t->mm, a[0], &p, 8) ? -EFAULT : 0;
}

int64_t sys_rt_sigreturn(struct task *t, const uint64_t *a)
{
    struct hart *h = t->hart;
    uint64_t sp = h->x[2];
    uint8_t f[FRAME_SIZE];
    if (mm_copy_in(t->mm, f, sp, sizeof(f))) {
        t->siginfo[11].code = 0;
        t->siginfo[11].addr = 0;
        die(t, 11, false);
        return SYS_NORETURN;
    }
    memcpy(&t->sigblocked, f + UC_SIGMASK, 8);
    t->sigblocked &= ~UNBLOCKABLE;
    memcpy(&h->pc, f + UC_REGS, 8);
    memcpy(&h->x[1], f + UC_REGS + 8, 31 * 8);
    memcpy(h->f, f + UC_FREGS, 32 * 8);
    uint32_t fcsr;
    memcpy(&fcsr, f + UC_FCSR, 4);
    h->fflags = fcsr & 0x1f;
    hart_set_frm(h, (fcsr >> 5) & 7);
    h->x[0] = 0;
    return SYS_NORETURN;
}

int64_t sys_sigaltstack(struct task *t, const uint64_t *a)
{
    uint64_t sp = t->hart->x[2];
    bool on = t->altstack_size && sp - t->altstack_sp <= t->altstack_size;
    if (a[1]) {
        uint64_t o[3] = {t->altstack_sp,
                         t->altstack_size ? (on ? SS_ONSTACK_ : 0) : SS_DISABLE_,
                         t->altstack_size};
        if (mm_copy_out(t->mm, a[1], o, sizeof(o)))
            return -EFAULT;
    }
    if (a[0]) {
        uint64_t n[3];
        if (mm_copy_in(t->mm, n, a[0], sizeof(n)))
            return -EFAULT;
        if (on)
            return -EPERM;
        uint32_t flags = (uint32_t)n[1];
        if (flags & SS_DISABLE_) {
            t->altstack_sp = t->altstack_size = 0;
        } else if (flags & ~(uint32_t)0x80000000u) {    /* only SS_AUTODISARM besides */
            return -EINVAL;
        } else {
            if (n[2] < MINSIGSTKSZ_)
                return -ENOMEM;
            t->altstack_sp = n[0];
            t->altstack_size = n[2];
        }
    }
    return 0;
}

static int64_t send_to(struct task *t, int64_t sig, int code)
{
    if (sig < 0 || sig > KSIG_MAX)
        return -EINVAL;
    if (sig)
        signal_send_code(t, (int)sig, code);
    return 0;
}

int64_t sys_kill(struct task *t, const uint64_t *a)
{
    int32_t pid = (int32_t)a[0];
    if (pid > 0 && (uint32_t)pid != t->pid)
        return -ESRCH;
    if (pid < -1 && (uint32_t)-pid != t->pid)
        return -ESRCH;
    /* A process-directed signal goes to the caller, or, when the caller
     * blocks it, to the oldest thread that does not (Linux picks some
     * such thread); blocked everywhere, it stays pending at the caller. */
    int64_t sig = (int32_t)a[1];
    struct task *to = t;
    if (sig > 0 && sig <= KSIG_MAX && (t->sigblocked & bit((int)sig))) {
        for (struct task *x = t->k->tasks; x; x = x->next)
            if (x->g == t->g && (x->state == TASK_RUNNABLE || x->state == TASK_BLOCKED) &&
                !(x->sigblocked & bit((int)sig)) && (to == t || x->tid < to->tid))
                to = x;
    }
    return send_to(to, sig, SI_USER_);
}

int64_t sys_tkill(struct task *t, const uint64_t *a)
{
    if ((int32_t)a[0] <= 0)
        return -EINVAL;
    struct task *x = task_by_tid(t->k, (uint32_t)a[0]);
    if (!x || x->g != t->g)
        return -ESRCH;
    return send_to(x, (int32_t)a[1], SI_TKILL_);
}

int64_t sys_tgkill(struct task *t, const uint64_t *a)
{
    if ((int32_t)a[0] <= 0 || (int32_t)a[1] <= 0)
        return -EINVAL;
    struct task *x = task_by_tid(t->k, (uint32_t)a[1]);
    if (!x || x->pid != (uint32_t)a[0] || x->g != t->g)
        return -ESRCH;
    return send_to(x, (int32_t)a[2], SI_TKILL_);
}
