/* pthreads: barriers, C11 atomics, thread-local storage, rwlocks, once. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#define NT 6
#define ROUNDS 50

static pthread_barrier_t bar;
static long slots[NT];
static long round_sums[ROUNDS];
static atomic_long acount;
static atomic_int spin;                 /* a CAS spin lock */
static long spin_protected;
static _Thread_local long tls_counter = 100;
static _Thread_local char tls_name[16];
static long tls_results[NT];
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_calls;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long rw_value;

static void init_once(void) { once_calls++; }

static void spin_lock(void)
{
    int expected = 0;
    while (!atomic_compare_exchange_weak(&spin, &expected, 1))
        expected = 0;
}

static void *worker(void *arg)
{
    long id = (long)arg;
    pthread_once(&once, init_once);
    snprintf(tls_name, sizeof(tls_name), "w%ld", id);
    for (int r = 0; r < ROUNDS; r++) {
        slots[id] = (id + 1) * (r + 1);
        tls_counter += id;
        pthread_barrier_wait(&bar);
        if (id == 0) {
            long s = 0;
            for (int i = 0; i < NT; i++)
                s += slots[i];
            round_sums[r] = s;
        }
        pthread_barrier_wait(&bar);
    }
    for (int i = 0; i < 5000; i++) {
        atomic_fetch_add(&acount, 1);
        spin_lock();
        spin_protected += 2;
        atomic_store(&spin, 0);
    }
    for (int i = 0; i < 200; i++) {
        pthread_rwlock_wrlock(&rw);
        rw_value++;
        pthread_rwlock_unlock(&rw);
        pthread_rwlock_rdlock(&rw);
        long v = rw_value;
        pthread_rwlock_unlock(&rw);
        (void)v;
    }
    tls_results[id] = tls_counter * 100 + (tls_name[1] - '0');
    return NULL;
}

int main(void)
{
    pthread_t t[NT];
    pthread_barrier_init(&bar, NULL, NT);
    for (long i = 0; i < NT; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < NT; i++)
        pthread_join(t[i], NULL);
    long total = 0;
    for (int r = 0; r < ROUNDS; r++)
        total += round_sums[r];
    printf("barrier rounds total = %ld\n", total);
    printf("round 7 sum = %ld\n", round_sums[7]);
    printf("atomic count = %ld\n", (long)atomic_load(&acount));
    printf("spin-protected = %ld\n", spin_protected);
    printf("rwlock value = %ld\n", rw_value);
    printf("once calls = %d\n", once_calls);
    for (int i = 0; i < NT; i++)
        printf("tls[%d] = %ld\n", i, tls_results[i]);
    printf("main tls = %ld\n", tls_counter);
    pthread_barrier_destroy(&bar);
    return 0;
}
