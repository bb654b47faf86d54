/* Raw futex(2): ping-pong between two threads (WAIT/WAKE, PRIVATE),
 * WAIT_BITSET/WAKE_BITSET, EAGAIN on a changed value, ETIMEDOUT,
 * CMP_REQUEUE, and a CLONE_CHILD_CLEARTID wake through pthread_join. */
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long futex(atomic_int *uaddr, int op, int val, const struct timespec *ts,
                  atomic_int *uaddr2, int val3)
{
    return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

static atomic_int turn;     /* 0: ping's turn, 1: pong's */
#define ROUNDS 2000
static long pings, pongs;

static void wait_for(int want)
{
    int v;
    while ((v = atomic_load(&turn)) != want)
        futex(&turn, FUTEX_WAIT_PRIVATE, v, NULL, NULL, 0);
}

static void *pong(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        wait_for(1);
        pongs++;
        atomic_store(&turn, 0);
        futex(&turn, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    }
    return NULL;
}

static atomic_int gate, gate2;
static atomic_int woken;

static void *gate_waiter(void *arg)
{
    int bits = (int)(long)arg;
    while (atomic_load(&gate) == 0)
        futex(&gate, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, bits);
    atomic_fetch_add(&woken, 1);
    return NULL;
}

static atomic_int ready;
static void *requeue_waiter(void *arg)
{
    (void)arg;
    atomic_fetch_add(&ready, 1);
    while (atomic_load(&gate2) == 0)
        futex(&gate2, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    atomic_fetch_add(&woken, 1);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, pong, NULL);
    for (int i = 0; i < ROUNDS; i++) {
        wait_for(0);
        pings++;
        atomic_store(&turn, 1);
        futex(&turn, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    }
    pthread_join(t, NULL);
    printf("ping-pong: %ld pings, %ld pongs\n", pings, pongs);

    atomic_int word = 5;
    long r = futex(&word, FUTEX_WAIT_PRIVATE, 4, NULL, NULL, 0);
    printf("wait on changed value: %ld %s\n", r, errno == EAGAIN ? "EAGAIN" : "?");
    struct timespec ts = {0, 2000000};
    r = futex(&word, FUTEX_WAIT_PRIVATE, 5, &ts, NULL, 0);
    printf("wait with timeout: %ld %s\n", r, errno == ETIMEDOUT ? "ETIMEDOUT" : "?");
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    now.tv_nsec += 1000000;
    if (now.tv_nsec >= 1000000000) {
        now.tv_sec++;
        now.tv_nsec -= 1000000000;
    }
    r = futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 5, &now, NULL, FUTEX_BITSET_MATCH_ANY);
    printf("bitset wait, absolute timeout: %ld %s\n", r, errno == ETIMEDOUT ? "ETIMEDOUT" : "?");
    r = futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    printf("wake with no waiter: %ld\n", r);
    r = futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 5, NULL, NULL, 0);
    printf("bitset 0: %ld %s\n", r, errno == EINVAL ? "EINVAL" : "?");

    /* Bitsets: wake only the waiters whose bits meet. */
    pthread_t g[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&g[i], NULL, gate_waiter, (void *)(1L << i));
    usleep(1000);
    atomic_store(&gate, 1);
    futex(&gate, FUTEX_WAKE_BITSET_PRIVATE, 10, NULL, NULL, 1 | 4);
    futex(&gate, FUTEX_WAKE_BITSET_PRIVATE, 10, NULL, NULL, 2 | 8);
    for (int i = 0; i < 4; i++)
        pthread_join(g[i], NULL);
    printf("bitset waiters woken: %d\n", atomic_load(&woken));

    /* CMP_REQUEUE: waiters of gate2 moved to gate (no wake), then woken
     * there; a wrong expected value is EAGAIN. */
    atomic_store(&woken, 0);
    atomic_store(&gate, 0);
    pthread_t q[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&q[i], NULL, requeue_waiter, NULL);
    while (atomic_load(&ready) < 3)
        usleep(100);
    usleep(1000);
    r = futex(&gate2, FUTEX_CMP_REQUEUE_PRIVATE, 0, (void *)3L, &gate, 7);
    printf("cmp_requeue wrong value: %ld %s\n", r, errno == EAGAIN ? "EAGAIN" : "?");
    atomic_store(&gate2, 1);
    futex(&gate2, FUTEX_WAKE_PRIVATE, 100, NULL, NULL, 0);
    for (int i = 0; i < 3; i++)
        pthread_join(q[i], NULL);
    printf("requeue waiters woken: %d\n", atomic_load(&woken));
    return 0;
}
