/* A guest deadlock: two threads take two mutexes in opposite orders after
 * a barrier, and main joins them.  Under Linux this hangs forever; mmsim
 * must stop with status 125 and a "deadlock" diagnosis. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t bar;

static void *one(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&a);
    pthread_barrier_wait(&bar);
    pthread_mutex_lock(&b);
    return NULL;
}

static void *two(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&b);
    pthread_barrier_wait(&bar);
    pthread_mutex_lock(&a);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    pthread_barrier_init(&bar, NULL, 2);
    pthread_create(&t1, NULL, one, NULL);
    pthread_create(&t2, NULL, two, NULL);
    puts("about to deadlock");
    fflush(stdout);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    puts("not reached");
    return 0;
}
