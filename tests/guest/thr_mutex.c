/* pthreads: a mutex-protected counter, a condition-variable queue
 * (producer/consumer), and join results.  Output is computed after the
 * joins, so it does not depend on the interleaving. */
#include <pthread.h>
#include <stdio.h>

#define NTHREADS 4
#define ITERS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *adder(void *arg)
{
    long id = (long)arg;
    for (int i = 0; i < ITERS; i++) {
        pthread_mutex_lock(&lock);
        counter += id + 1;
        pthread_mutex_unlock(&lock);
    }
    return (void *)(id * 10);
}

/* A bounded queue with two condition variables. */
#define QCAP 8
static int queue[QCAP];
static int qhead, qlen;
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;

static void put(int v)
{
    pthread_mutex_lock(&qlock);
    while (qlen == QCAP)
        pthread_cond_wait(&not_full, &qlock);
    queue[(qhead + qlen++) % QCAP] = v;
    pthread_cond_signal(&not_empty);
    pthread_mutex_unlock(&qlock);
}

static int get(void)
{
    pthread_mutex_lock(&qlock);
    while (qlen == 0)
        pthread_cond_wait(&not_empty, &qlock);
    int v = queue[qhead];
    qhead = (qhead + 1) % QCAP;
    qlen--;
    pthread_cond_signal(&not_full);
    pthread_mutex_unlock(&qlock);
    return v;
}

#define NITEMS 3000
#define NCONSUMERS 3

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 1; i <= NITEMS; i++)
        put(i);
    for (int i = 0; i < NCONSUMERS; i++)
        put(-1);
    return NULL;
}

static void *consumer(void *arg)
{
    long *sum = arg;
    for (;;) {
        int v = get();
        if (v < 0)
            break;
        *sum += v;
    }
    return NULL;
}

int main(void)
{
    pthread_t t[NTHREADS];
    for (long i = 0; i < NTHREADS; i++)
        if (pthread_create(&t[i], NULL, adder, (void *)i)) {
            puts("pthread_create failed");
            return 1;
        }
    long rets = 0;
    for (int i = 0; i < NTHREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        rets += (long)r;
    }
    printf("counter = %ld (expected %ld)\n", counter, (long)ITERS * (1 + 2 + 3 + 4));
    printf("join results sum = %ld\n", rets);

    pthread_t p, c[NCONSUMERS];
    long sums[NCONSUMERS] = {0};
    pthread_create(&p, NULL, producer, NULL);
    for (int i = 0; i < NCONSUMERS; i++)
        pthread_create(&c[i], NULL, consumer, &sums[i]);
    pthread_join(p, NULL);
    long total = 0;
    for (int i = 0; i < NCONSUMERS; i++) {
        pthread_join(c[i], NULL);
        total += sums[i];
    }
    printf("queue total = %ld (expected %ld)\n", total, (long)NITEMS * (NITEMS + 1) / 2);
    return counter == (long)ITERS * 10 && total == (long)NITEMS * (NITEMS + 1) / 2 ? 0 : 1;
}
