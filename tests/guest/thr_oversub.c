/* More threads than CPUs: 48 compute-bound threads, each summing its own
 * range and then adding into a shared total under a mutex; a sched_yield
 * loop checks that yielding threads still finish. */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>

#define NT 48

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t total;
static uint64_t parts[NT];

static void *work(void *arg)
{
    long id = (long)arg;
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)id;
    for (int i = 0; i < 20000; i++) {
        h ^= (uint64_t)i;
        h *= 1099511628211ULL;
        if ((i & 4095) == 0)
            sched_yield();
    }
    parts[id] = h;
    pthread_mutex_lock(&lock);
    total += h & 0xffff;
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(void)
{
    pthread_t t[NT];
    for (long i = 0; i < NT; i++)
        pthread_create(&t[i], NULL, work, (void *)i);
    for (int i = 0; i < NT; i++)
        pthread_join(t[i], NULL);
    uint64_t x = 0;
    for (int i = 0; i < NT; i++)
        x ^= parts[i] * (uint64_t)(i + 1);
    printf("total = %llu\n", (unsigned long long)total);
    printf("xor = %016llx\n", (unsigned long long)x);
    return 0;
}
