/* Affinity and placement as the simulated machine sees them (not a diff
 * test: the CPU set is the machine's; see tests/threads.sh): the CPUs in
 * the initial mask, where threads are placed, getcpu after
 * sched_setaffinity to one CPU. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NT 3
static int where[NT];
static pthread_barrier_t bar;

static int cpu_now(void)
{
    unsigned cpu = 0, node = 0;
    syscall(SYS_getcpu, &cpu, &node, NULL);
    return (int)cpu;
}

static void *worker(void *arg)
{
    long id = (long)arg;
    where[id] = cpu_now();
    pthread_barrier_wait(&bar);     /* all alive at once: distinct CPUs */
    return NULL;
}

int main(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set)) {
        perror("sched_getaffinity");
        return 1;
    }
    printf("mask:");
    int last = -1;
    for (int i = 0; i < CPU_SETSIZE; i++)
        if (CPU_ISSET(i, &set)) {
            printf(" %d", i);
            last = i;
        }
    printf("\nmain on %d, sched_getcpu %d\n", cpu_now(), sched_getcpu());
    pthread_barrier_init(&bar, NULL, NT + 1);
    pthread_t t[NT];
    for (long i = 0; i < NT; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    pthread_barrier_wait(&bar);
    for (int i = 0; i < NT; i++)
        pthread_join(t[i], NULL);
    printf("threads on:");
    for (int i = 0; i < NT; i++)
        printf(" %d", where[i]);
    CPU_ZERO(&set);
    CPU_SET(last, &set);
    int rc = sched_setaffinity(0, sizeof(set), &set);
    printf("\nsetaffinity(%d) = %d, now on %d, sched_getcpu %d\n", last, rc, cpu_now(),
           sched_getcpu());
    return 0;
}
