/* Process and identity syscalls: exit, ids, limits, randomness, uname,
 * affinity, and the single-threaded subset of futex/rseq. */
#include <errno.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cpu/hart.h"
#include "kernel/mm.h"
#include "kernel/syscall.h"
#include "internal.h"
#include "machine.h"

int64_t sys_exit(struct task *t, const uint64_t *a)
{
    task_exit(t, (int)a[0]);
    return SYS_NORETURN;
}

int64_t sys_exit_group(struct task *t, const uint64_t *a)
{
    task_exit_group(t, (int)a[0]);
    return SYS_NORETURN;
}

int64_t sys_set_tid_address(struct task *t, const uint64_t *a)
{
    t->clear_child_tid = a[0];
    return t->tid;
}

int64_t sys_set_robust_list(struct task *t, const uint64_t *a)
{
    if (a[1] != 24)     /* sizeof(struct robust_list_head) */
        return -EINVAL;
    t->robust_list = a[0];
    return 0;
}

#define CLONE_VM 0x100ULL
#define CLONE_FS 0x200ULL
#define CLONE_FILES 0x400ULL
#define CLONE_SIGHAND 0x800ULL
#define CLONE_PIDFD 0x1000ULL
#define CLONE_VFORK 0x4000ULL
#define CLONE_PARENT 0x8000ULL
#define CLONE_THREAD 0x10000ULL
#define CLONE_SYSVSEM 0x40000ULL
#define CLONE_SETTLS 0x80000ULL
#define CLONE_PARENT_SETTID 0x100000ULL
#define CLONE_CHILD_CLEARTID 0x200000ULL
#define CLONE_DETACHED 0x400000ULL
#define CLONE_CHILD_SETTID 0x1000000ULL

/* clone(flags, newsp, parent_tidptr, tls, child_tidptr) (riscv64 order).
 * Threads only (what pthread_create asks for); a new process (fork,
 * vfork, posix_spawn) is ENOSYS: XXX no fork yet. */
int64_t sys_clone(struct task *t, const uint64_t *a)
{
    uint64_t flags = a[0], newsp = a[1], ptid = a[2], tls = a[3], ctid = a[4];
    const uint64_t thread = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD;
    if ((flags & thread) != thread)
        return -ENOSYS;
    if (flags & (CLONE_VFORK | CLONE_PIDFD) || (flags & 0xff))
        return -EINVAL;     /* a thread has no exit signal (Linux: EINVAL) */
    struct task *n;
    int rc = task_clone_thread(t, &n);
    if (rc)
        return rc;
    n->ctx.x[10] = 0;                       /* the child sees 0 */
    if (newsp)
        n->ctx.x[2] = newsp;
    if (flags & CLONE_SETTLS)
        n->ctx.x[4] = tls;                  /* tp */
    if (flags & CLONE_CHILD_CLEARTID)
        n->clear_child_tid = ctid;
    uint32_t tid = n->tid;
    if ((flags & CLONE_PARENT_SETTID) && mm_copy_out(t->mm, ptid, &tid, 4))
        return -EFAULT;     /* XXX: the thread exists already */
    if ((flags & CLONE_CHILD_SETTID) && mm_copy_out(t->mm, ctid, &tid, 4))
        return -EFAULT;
    return tid;
}

/* clone3: ENOSYS, so glibc falls back to clone (it does on ENOSYS). */
int64_t sys_clone3(struct task *t, const uint64_t *a)
{
    return -ENOSYS;
}

/* rseq: registration only; cpu_id_start and cpu_id (offsets 0 and 4) hold
 * the task's CPU, which never changes while it runs. */
int64_t sys_rseq(struct task *t, const uint64_t *a)
{
    uint64_t addr = a[0];
    uint32_t len = (uint32_t)a[1], flags = (uint32_t)a[2];
    if (flags & 1) {    /* RSEQ_FLAG_UNREGISTER */
        if (!t->rseq || t->rseq != addr)
            return -EINVAL;
        t->rseq = 0;
        return 0;
    }
    if (t->rseq)
        return t->rseq == addr ? -EBUSY : -EINVAL;
    if (len < 32 || (addr & 31) || flags)
        return -EINVAL;
    uint32_t ids[2] = {t->cpu, t->cpu};
    if (mm_copy_out(t->mm, addr, ids, sizeof(ids)))
        return -EFAULT;
    t->rseq = addr;
    return 0;
}

/* Fixed, documented limits: deterministic whatever the host's are. */
static void rlimit_of(const struct guest_kernel *k, unsigned res, uint64_t lim[2])
{
    const uint64_t inf = UINT64_MAX;
    lim[0] = lim[1] = inf;
    switch (res) {
    case 3: lim[0] = MM_STACK_SIZE; break;             /* RLIMIT_STACK */
    case 4: lim[0] = lim[1] = 0; break;                /* RLIMIT_CORE */
    case 7: lim[0] = lim[1] = k->max_files; break;          /* RLIMIT_NOFILE */
    case 8: lim[0] = lim[1] = 8ULL << 20; break;       /* RLIMIT_MEMLOCK */
    case 13: lim[0] = lim[1] = 0; break;               /* RLIMIT_NICE */
    case 14: lim[0] = lim[1] = 0; break;               /* RLIMIT_RTPRIO */
    default: break;
    }
}

int64_t sys_prlimit64(struct task *t, const uint64_t *a)
{
    int32_t pid = (int32_t)a[0];
    unsigned res = (unsigned)a[1];
    if (pid != 0 && (uint32_t)pid != t->pid)
        return -ESRCH;
    if (res >= 16)
        return -EINVAL;
    if (!t->g->rlim_set) {
        for (unsigned i = 0; i < 16; i++)
            rlimit_of(t->k, i, t->g->rlim[i]);
        t->g->rlim_set = true;
    }
    uint64_t nl[2];
    if (a[2]) {
        if (mm_copy_in(t->mm, nl, a[2], sizeof(nl)))
            return -EFAULT;
        if (nl[0] > nl[1])
            return -EINVAL;
        if (nl[1] > t->g->rlim[res][1])
            return -EPERM;      /* raising the hard limit needs privilege */
    }
    if (a[3] && mm_copy_out(t->mm, a[3], t->g->rlim[res], sizeof(t->g->rlim[res])))
        return -EFAULT;
    /* XXX: limits are remembered, not enforced. */
    if (a[2]) {
        t->g->rlim[res][0] = nl[0];
        t->g->rlim[res][1] = nl[1];
    }
    return 0;
}

int64_t sys_getrlimit(struct task *t, const uint64_t *a)
{
    const uint64_t b[4] = {0, a[0], 0, a[1]};
    return sys_prlimit64(t, b);
}

int64_t sys_setrlimit(struct task *t, const uint64_t *a)
{
    const uint64_t b[4] = {0, a[0], a[1], 0};
    return sys_prlimit64(t, b);
}

int64_t sys_getrandom(struct task *t, const uint64_t *a)
{
    if (a[2] & ~7ULL)
        return -EINVAL;
    uint64_t len = a[1] > (32u << 20) ? (32u << 20) : a[1];
    uint8_t buf[256];
    for (uint64_t done = 0; done < len;) {
        size_t n = len - done < sizeof(buf) ? (size_t)(len - done) : sizeof(buf);
        kernel_random(t->k, buf, n);
        if (mm_copy_out(t->mm, a[0] + done, buf, n))
            return done ? (int64_t)done : -EFAULT;
        done += n;
    }
    return (int64_t)len;
}

int64_t sys_uname(struct task *t, const uint64_t *a)
{
    /* The host's, with machine "riscv64", as qemu-riscv64 reports it. */
    struct utsname u;
    if (uname(&u))
        return -errno;
    char out[6][65];
    memset(out, 0, sizeof(out));
    const char *f[6] = {u.sysname, u.nodename, u.release, u.version, "riscv64", u.domainname};
    for (int i = 0; i < 6; i++)
        mmsim_fmt(out[i], sizeof(out[i]), "%s", f[i]);
    return mm_copy_out(t->mm, a[0], out, sizeof(out)) ? -EFAULT : 0;
}

int64_t sys_getpid(struct task *t, const uint64_t *a) { return t->pid; }
int64_t sys_gettid(struct task *t, const uint64_t *a) { return t->tid; }
int64_t sys_getppid(struct task *t, const uint64_t *a) { return 1; }
int64_t sys_getuid(struct task *t, const uint64_t *a) { return getuid(); }
int64_t sys_geteuid(struct task *t, const uint64_t *a) { return geteuid(); }
int64_t sys_getgid(struct task *t, const uint64_t *a) { return getgid(); }
int64_t sys_getegid(struct task *t, const uint64_t *a) { return getegid(); }
int64_t sys_getpgid(struct task *t, const uint64_t *a) { return t->pid; }
int64_t sys_getsid(struct task *t, const uint64_t *a) { return t->pid; }
int64_t sys_setpgid(struct task *t, const uint64_t *a) { return 0; }
int64_t sys_wait4(struct task *t, const uint64_t *a) { return -ECHILD; }
int64_t sys_sched_yield(struct task *t, const uint64_t *a)
{
    t->k->cpus[t->cpu].yield = true;   /* others on this CPU go first */
    return 0;
}

int64_t sys_getgroups(struct task *t, const uint64_t *a)
{
    /* The host's groups, as qemu-riscv64 passes them through. */
    gid_t g[256];
    int n = getgroups(256, g);
    if (n < 0)
        return -errno;
    if ((int32_t)a[0] < 0)
        return -EINVAL;
    if (a[0] == 0)
        return n;
    if (a[0] < (uint64_t)n)
        return -EINVAL;
    uint32_t out[256];
    for (int i = 0; i < n; i++)
        out[i] = g[i];
    return mm_copy_out(t->mm, a[1], out, (size_t)n * 4) ? -EFAULT : n;
}

/* The raw syscall returns 20 - nice; everything runs at nice 0. */
int64_t sys_getpriority(struct task *t, const uint64_t *a) { return 20; }
int64_t sys_setpriority(struct task *t, const uint64_t *a) { return 0; }

static int64_t put_ids(struct task *t, const uint64_t *a, uint32_t r, uint32_t e)
{
    for (int i = 0; i < 3; i++) {
        uint32_t v = i == 0 ? r : e;
        if (mm_copy_out(t->mm, a[i], &v, 4))
            return -EFAULT;
    }
    return 0;
}

int64_t sys_getresuid(struct task *t, const uint64_t *a)
{
    return put_ids(t, a, getuid(), geteuid());
}

int64_t sys_getresgid(struct task *t, const uint64_t *a)
{
    return put_ids(t, a, getgid(), getegid());
}

/* The thread a sched_* call names: 0 is the caller; any live tid. */
static struct task *target(struct task *t, int32_t pid)
{
    if (pid == 0)
        return t;
    return pid < 0 ? NULL : task_by_tid(t->k, (uint32_t)pid);
}

int64_t sys_sched_getaffinity(struct task *t, const uint64_t *a)
{
    int32_t pid = (int32_t)a[0];
    struct task *x = target(t, pid);
    if (pid < 0)
        return -EINVAL;
    if (!x)
        return -ESRCH;
    uint32_t ncpus = t->k->m->topo->ncpus;
    uint64_t need = (ncpus + 63) / 64 * 8;
    if (a[1] < need || (a[1] & 7))
        return -EINVAL;
    return mm_copy_out(t->mm, a[2], x->affinity, need) ? -EFAULT : (int64_t)need;
}

int64_t sys_sched_setaffinity(struct task *t, const uint64_t *a)
{
    int32_t pid = (int32_t)a[0];
    struct task *x = target(t, pid);
    if (pid < 0)
        return -EINVAL;
    if (!x)
        return -ESRCH;
    uint64_t mask[KCPU_WORDS];
    memset(mask, 0, sizeof(mask));
    uint64_t n = a[1] < sizeof(mask) ? a[1] : sizeof(mask);
    if (mm_copy_in(t->mm, mask, a[2], n))
        return -EFAULT;
    /* Only the machine's CPUs count; none of them: EINVAL (Linux). */
    uint32_t ncpus = t->k->m->topo->ncpus;
    bool any = false;
    for (uint32_t c = 0; c < TOPO_MAX_CPUS_K; c++) {
        if (c >= ncpus)
            mask[c / 64] &= ~(1ULL << (c % 64));
        else if (mask[c / 64] >> (c % 64) & 1)
            any = true;
    }
    if (!any)
        return -EINVAL;
    memcpy(x->affinity, mask, sizeof(mask));
    if (!(mask[x->cpu / 64] >> (x->cpu % 64) & 1)) {
        /* Off its CPU now: the next switch takes it to the new one. */
        sched_migrate(x, sched_place(t->k, x->cpu, mask));
    }
    return 0;
}

int64_t sys_getcpu(struct task *t, const uint64_t *a)
{
    uint32_t cpu = t->cpu, node = topo_cpu_node(t->k->m->topo, t->cpu);
    if (a[0] && mm_copy_out(t->mm, a[0], &cpu, 4))
        return -EFAULT;
    if (a[1] && mm_copy_out(t->mm, a[1], &node, 4))
        return -EFAULT;
    return 0;
}

int64_t sys_prctl(struct task *t, const uint64_t *a)
{
    switch (a[0]) {
    case 15:    /* PR_SET_NAME */
        return 0;
    case 16: {  /* PR_GET_NAME */
        char name[16] = "";
        const char *s = t->g->exe ? strrchr(t->g->exe, '/') : NULL;
        mmsim_fmt(name, sizeof(name), "%s", s ? s + 1 : t->g->exe ? t->g->exe : "");
        return mm_copy_out(t->mm, a[1], name, 16) ? -EFAULT : 0;
    }
    default:
        return -EINVAL;
    }
}
