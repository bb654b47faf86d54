/* Time syscalls.  The guest sees simulated time only: its hart's cycle
 * count converted with the core clock (one instruction = one cycle in the
 * functional stage).  CLOCK_REALTIME = KERNEL_EPOCH + simulated time, so a
 * run prints the same times whatever the host does. */
#include <errno.h>
#include <string.h>

#include "cpu/hart.h"
#include "kernel/mm.h"
#include "kernel/syscall.h"
#include "machine.h"

struct g_timespec {
    int64_t sec, nsec;
};

static uint64_t now_ns(struct task *t)
{
    return kernel_sim_ns(t->k, t->hart->cycle);
}

static int clock_ns(struct task *t, int64_t clk, uint64_t *ns)
{
    switch (clk) {
    case 0:     /* CLOCK_REALTIME */
    case 5:     /* CLOCK_REALTIME_COARSE */
    case 8:     /* CLOCK_REALTIME_ALARM */
    case 11:    /* CLOCK_TAI */
        *ns = KERNEL_EPOCH * 1000000000ULL + now_ns(t);
        return 0;
    case 1:     /* CLOCK_MONOTONIC */
    case 4:     /* CLOCK_MONOTONIC_RAW */
    case 6:     /* CLOCK_MONOTONIC_COARSE */
    case 7:     /* CLOCK_BOOTTIME */
    case 9:     /* CLOCK_BOOTTIME_ALARM */
    case 2:     /* CLOCK_PROCESS_CPUTIME_ID: the task never waits */
    case 3:     /* CLOCK_THREAD_CPUTIME_ID */
        *ns = now_ns(t);
        return 0;
    default:
        return -EINVAL;
    }
}

static int put_ts(struct task *t, uint64_t uaddr, uint64_t ns)
{
    struct g_timespec ts = {(int64_t)(ns / 1000000000ULL), (int64_t)(ns % 1000000000ULL)};
    return mm_copy_out(t->mm, uaddr, &ts, sizeof(ts)) ? -EFAULT : 0;
}

int64_t sys_clock_gettime(struct task *t, const uint64_t *a)
{
    uint64_t ns;
    int rc = clock_ns(t, (int32_t)a[0], &ns);
    return rc ? rc : put_ts(t, a[1], ns);
}

int64_t sys_clock_getres(struct task *t, const uint64_t *a)
{
    uint64_t ns;
    int rc = clock_ns(t, (int32_t)a[0], &ns);
    if (rc)
        return rc;
    return a[1] ? put_ts(t, a[1], 1) : 0;
}

int64_t sys_gettimeofday(struct task *t, const uint64_t *a)
{
    uint64_t ns = KERNEL_EPOCH * 1000000000ULL + now_ns(t);
    if (a[0]) {
        int64_t tv[2] = {(int64_t)(ns / 1000000000ULL), (int64_t)(ns % 1000000000ULL / 1000)};
        if (mm_copy_out(t->mm, a[0], tv, sizeof(tv)))
            return -EFAULT;
    }
    if (a[1]) {
        int32_t tz[2] = {0, 0};     /* UTC */
        if (mm_copy_out(t->mm, a[1], tz, sizeof(tz)))
            return -EFAULT;
    }
    return 0;
}

/* Sleeping blocks the thread until simulated time reaches the deadline. */
static int64_t sleep_ns(struct task *t, uint64_t ureq, bool absolute, int64_t clk)
{
    struct g_timespec req;
    if (mm_copy_in(t->mm, &req, ureq, sizeof(req)))
        return -EFAULT;
    if (req.sec < 0 || req.nsec < 0 || req.nsec >= 1000000000)
        return -EINVAL;
    uint64_t ns = (uint64_t)req.sec * 1000000000ULL + (uint64_t)req.nsec;
    if ((uint64_t)req.sec > UINT64_MAX / 4000000000ULL)
        ns = UINT64_MAX / 4;
    if (absolute) {
        uint64_t now;
        int rc = clock_ns(t, clk, &now);
        if (rc)
            return rc;
        ns = ns > now ? ns - now : 0;
    }
    /* The thread blocks until its CPU's clock reaches the deadline (the
     * scheduler jumps there when nothing else runs).  XXX: interrupted by
     * a signal it returns EINTR without writing rem. */
    if (!ns)
        return 0;
    task_block(t, "nanosleep", t->hart->cycle + kernel_ns_to_cycles(t->k, ns), 0);
    return SYS_NORETURN;
}

int64_t sys_nanosleep(struct task *t, const uint64_t *a)
{
    return sleep_ns(t, a[0], false, 1);
}

int64_t sys_clock_nanosleep(struct task *t, const uint64_t *a)
{
    int64_t clk = (int32_t)a[0];
    uint64_t dummy;
    if (clk == 2 || clk == 3 || clock_ns(t, clk, &dummy))
        return -EINVAL;
    return sleep_ns(t, a[2], a[1] & 1, clk);
}

int64_t sys_times(struct task *t, const uint64_t *a)
{
    uint64_t ticks = now_ns(t) / 10000000ULL;      /* USER_HZ = 100 */
    if (a[0]) {
        int64_t tms[4] = {(int64_t)ticks, 0, 0, 0};
        if (mm_copy_out(t->mm, a[0], tms, sizeof(tms)))
            return -EFAULT;
    }
    return (int64_t)ticks;
}

int64_t sys_getrusage(struct task *t, const uint64_t *a)
{
    int64_t who = (int32_t)a[0];
    if (who != 0 && who != -1 && who != 1)  /* SELF, CHILDREN, THREAD */
        return -EINVAL;
    int64_t ru[18];
    memset(ru, 0, sizeof(ru));
    if (who != -1) {
        uint64_t ns = now_ns(t);
        ru[0] = (int64_t)(ns / 1000000000ULL);
        ru[1] = (int64_t)(ns % 1000000000ULL / 1000);
        ru[4] = (int64_t)(t->mm->frames * 4);       /* ru_maxrss in KiB (current) */
        ru[8] = (int64_t)t->mm->faults;             /* ru_minflt */
    }
    return mm_copy_out(t->mm, a[1], ru, sizeof(ru)) ? -EFAULT : 0;
}

int64_t sys_sysinfo(struct task *t, const uint64_t *a)
{
    /* riscv64 struct sysinfo: 112 bytes. */
    uint8_t b[112];
    memset(b, 0, sizeof(b));
    const struct mmsim_topology *topo = t->k->m->topo;
    uint64_t total = 0;
    for (uint32_t n = 0; n < topo->nnodes; n++)
        total += topo->nodes[n].mem_size;
    uint64_t uptime = now_ns(t) / 1000000000ULL;
    uint64_t freeram = total > t->mm->frames * MM_PAGE_SIZE ? total - t->mm->frames * MM_PAGE_SIZE : 0;
    uint16_t procs = 1;
    uint32_t unit = 1;
    memcpy(b + 0, &uptime, 8);
    memcpy(b + 32, &total, 8);
    memcpy(b + 40, &freeram, 8);
    memcpy(b + 80, &procs, 2);
    memcpy(b + 104, &unit, 4);
    return mm_copy_out(t->mm, a[0], b, sizeof(b)) ? -EFAULT : 0;
}
