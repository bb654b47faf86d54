/* futex(2): one FIFO queue of waiters for the whole kernel, keyed by
 * (address space, address).  PRIVATE and shared forms behave alike: no
 * memory is shared between processes.  Timeouts are simulated time; a
 * waiter with nothing else to do costs nothing (the scheduler advances its
 * CPU's clock to the deadline, see libmmsim/run.c). */
#include <errno.h>
#include <stdint.h>

#include "cpu/hart.h"
#include "kernel/mm.h"
#include "kernel/syscall.h"
#include "machine.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256

void futex_dequeue(struct task *t)
{
    if (!t->wait_addr)
        return;
    for (struct task **pp = &t->k->futex_q; *pp; pp = &(*pp)->fnext)
        if (*pp == t) {
            *pp = t->fnext;
            break;
        }
    t->fnext = NULL;
    t->wait_addr = 0;
}

static void enqueue(struct task *t, uint64_t uaddr, uint32_t bitset)
{
    struct task **pp = &t->k->futex_q;
    while (*pp)
        pp = &(*pp)->fnext;
    *pp = t;
    t->fnext = NULL;
    t->wait_addr = uaddr;
    t->wait_bitset = bitset;
}

int futex_wake(struct guest_kernel *k, struct mm *mm, uint64_t uaddr, uint32_t n,
               uint32_t bitset, uint64_t when)
{
    int woken = 0;
    for (struct task *t = k->futex_q, *next; t && (uint32_t)woken < n; t = next) {
        next = t->fnext;
        if (t->mm == mm && t->wait_addr == uaddr && (t->wait_bitset & bitset)) {
            task_wake(t, 0, when);
            woken++;
        }
    }
    k->nr_futex_wakes += (uint64_t)woken;
    return woken;
}

/* Move up to n waiters of uaddr to uaddr2 (after the wake-ups). */
static int requeue(struct guest_kernel *k, struct mm *mm, uint64_t uaddr, uint64_t uaddr2,
                   uint32_t n)
{
    int moved = 0;
    for (struct task *t = k->futex_q; t && (uint32_t)moved < n; t = t->fnext)
        if (t->mm == mm && t->wait_addr == uaddr) {
            t->wait_addr = uaddr2;     /* keeps its place in the FIFO */
            moved++;
        }
    return moved;
}

static uint64_t now_cycle(const struct task *t)
{
    return t->hart->cycle;
}

/* The deadline (cycle) of a timeout argument: relative CLOCK_MONOTONIC
 * for FUTEX_WAIT, absolute for WAIT_BITSET (CLOCK_REALTIME with the flag). */
static int deadline_of(struct task *t, uint64_t uts, bool absolute, bool realtime,
                       uint64_t *out)
{
    *out = TASK_NO_DEADLINE;
    if (!uts)
        return 0;
    int64_t ts[2];
    if (mm_copy_in(t->mm, ts, uts, sizeof(ts)))
        return -EFAULT;
    if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000)
        return -EINVAL;
    uint64_t ns = (uint64_t)ts[0] > UINT64_MAX / 4000000000ULL
                      ? UINT64_MAX / 4
                      : (uint64_t)ts[0] * 1000000000ULL + (uint64_t)ts[1];
    uint64_t now_ns = kernel_sim_ns(t->k, now_cycle(t));
    if (absolute) {
        uint64_t base = realtime ? KERNEL_EPOCH * 1000000000ULL : 0;
        ns = ns > base ? ns - base : 0;
        ns = ns > now_ns ? ns - now_ns : 0;
    }
    *out = now_cycle(t) + kernel_ns_to_cycles(t->k, ns);
    return 0;
}

/* FUTEX_OP encoding in val3: op(4) cmp(4) oparg(12) cmparg(12). */
static int64_t wake_op(struct task *t, uint64_t uaddr, uint32_t n, uint64_t uaddr2,
                       uint32_t n2, uint32_t val3)
{
    unsigned op = (val3 >> 28) & 0xf, cmp = (val3 >> 24) & 0xf;
    int32_t oparg = (int32_t)(val3 << 8) >> 20, cmparg = (int32_t)(val3 << 20) >> 20;
    if (op & 8) {           /* FUTEX_OP_OPARG_SHIFT */
        if (oparg < 0 || oparg > 31)
            return -EINVAL;
        oparg = (int32_t)(1u << oparg);
        op &= 7;
    }
    uint32_t old, nv;
    if (mm_copy_in(t->mm, &old, uaddr2, 4))
        return -EFAULT;
    switch (op) {
    case 0: nv = (uint32_t)oparg; break;            /* SET */
    case 1: nv = old + (uint32_t)oparg; break;      /* ADD */
    case 2: nv = old | (uint32_t)oparg; break;      /* OR */
    case 3: nv = old & ~(uint32_t)oparg; break;     /* ANDN */
    case 4: nv = old ^ (uint32_t)oparg; break;      /* XOR */
    default: return -ENOSYS;
    }
    if (mm_copy_out(t->mm, uaddr2, &nv, 4))
        return -EFAULT;
    int32_t o = (int32_t)old;
    bool hit;
    switch (cmp) {
    case 0: hit = o == cmparg; break;
    case 1: hit = o != cmparg; break;
    case 2: hit = o < cmparg; break;
    case 3: hit = o <= cmparg; break;
    case 4: hit = o > cmparg; break;
    case 5: hit = o >= cmparg; break;
    default: return -ENOSYS;
    }
    uint64_t now = now_cycle(t);
    int r = futex_wake(t->k, t->mm, uaddr, n, UINT32_MAX, now);
    if (hit)
        r += futex_wake(t->k, t->mm, uaddr2, n2, UINT32_MAX, now);
    return r;
}

int64_t sys_futex(struct task *t, const uint64_t *a)
{
    uint64_t uaddr = a[0];
    unsigned op = (unsigned)a[1] & ~(unsigned)(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    bool realtime = a[1] & FUTEX_CLOCK_REALTIME;
    uint32_t val = (uint32_t)a[2], val3 = (uint32_t)a[5];
    if (uaddr & 3)
        return -EINVAL;
    if (realtime && op != FUTEX_WAIT_BITSET && op != FUTEX_WAIT)
        return -ENOSYS;
    switch (op) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
        uint32_t bitset = op == FUTEX_WAIT ? UINT32_MAX : val3;
        if (!bitset)
            return -EINVAL;
        uint64_t deadline;
        int rc = deadline_of(t, a[3], op == FUTEX_WAIT_BITSET, realtime, &deadline);
        if (rc)
            return rc;
        uint32_t v;
        if (mm_copy_in(t->mm, &v, uaddr, 4))
            return -EFAULT;
        if (v != val)
            return -EAGAIN;
        if (deadline <= now_cycle(t))
            return -ETIMEDOUT;
        t->k->nr_futex_waits++;
        enqueue(t, uaddr, bitset);
        task_block(t, "futex_wait", deadline, -ETIMEDOUT);
        return SYS_NORETURN;
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET: {
        uint32_t bitset = op == FUTEX_WAKE ? UINT32_MAX : val3;
        if (!bitset)
            return -EINVAL;
        return futex_wake(t->k, t->mm, uaddr, val, bitset, now_cycle(t));
    }
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE: {
        if (a[4] & 3)
            return -EINVAL;
        if (op == FUTEX_CMP_REQUEUE) {
            uint32_t v;
            if (mm_copy_in(t->mm, &v, uaddr, 4))
                return -EFAULT;
            if (v != val3)
                return -EAGAIN;
        }
        int r = futex_wake(t->k, t->mm, uaddr, val, UINT32_MAX, now_cycle(t));
        int moved = requeue(t->k, t->mm, uaddr, a[4], (uint32_t)a[3]);
        /* REQUEUE counts the woken, CMP_REQUEUE woken plus requeued. */
        return op == FUTEX_CMP_REQUEUE ? r + moved : r;
    }
    case FUTEX_WAKE_OP:
        if (a[4] & 3)
            return -EINVAL;
        return wake_op(t, uaddr, val, a[4], (uint32_t)a[3], val3);
    default:
        /* PI futexes (6-8, 11-13): XXX not implemented. */
        return -ENOSYS;
    }
}
