/* Many short-lived threads: 200 create/join one at a time, then batches of
 * 16 at once, and detached threads counted with an atomic. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

static atomic_int detached_done;

static void *square(void *arg)
{
    long v = (long)arg;
    return (void *)(v * v);
}

static void *detached(void *arg)
{
    (void)arg;
    atomic_fetch_add(&detached_done, 1);
    return NULL;
}

int main(void)
{
    long sum = 0;
    for (long i = 0; i < 200; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, square, (void *)i)) {
            printf("create %ld failed\n", i);
            return 1;
        }
        void *r;
        pthread_join(t, &r);
        sum += (long)r;
    }
    printf("sequential sum of squares = %ld\n", sum);
    long bsum = 0;
    for (int b = 0; b < 10; b++) {
        pthread_t t[16];
        for (long i = 0; i < 16; i++)
            pthread_create(&t[i], NULL, square, (void *)(b * 16 + i));
        for (int i = 0; i < 16; i++) {
            void *r;
            pthread_join(t[i], &r);
            bsum += (long)r;
        }
    }
    printf("batched sum of squares = %ld\n", bsum);
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    for (int i = 0; i < 20; i++) {
        pthread_t t;
        pthread_create(&t, &a, detached, NULL);
    }
    while (atomic_load(&detached_done) < 20)
        usleep(100);
    printf("detached threads done = %d\n", atomic_load(&detached_done));
    return 0;
}
