/* First touch (issue 6 must-show, numa-4s-full; tests/threads.sh): four
 * threads, each on a CPU of its own node (bound with sched_setaffinity, or
 * with argument "spread" placed there by `mmsim run --spread`), touch
 * their own quarter of a buffer; get_mempolicy(MPOL_F_NODE|MPOL_F_ADDR)
 * then reports each quarter on its toucher's node. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NT 4
#define PAGES_PER 64
#define PAGE 4096
#define MPOL_F_NODE 1
#define MPOL_F_ADDR 2

static char *buf;
static int thread_node[NT];
static int bind = 1;
static pthread_barrier_t bar;

static void *toucher(void *arg)
{
    long id = (long)arg;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(id * 4, &set);      /* numa-4s-full: node n has CPUs 4n..4n+3 */
    if (bind && sched_setaffinity(0, sizeof(set), &set))
        return (void *)1;
    pthread_barrier_wait(&bar);     /* all alive: placement saw them all */
    unsigned cpu, node;
    syscall(SYS_getcpu, &cpu, &node, NULL);
    thread_node[id] = (int)node;
    for (long p = 0; p < PAGES_PER; p++)
        buf[(id * PAGES_PER + p) * PAGE] = (char)id;
    return NULL;
}

int main(int argc, char **argv)
{
    bind = !(argc > 1 && argv[1][0] == 's');
    pthread_barrier_init(&bar, NULL, NT);
    buf = mmap(NULL, (size_t)NT * PAGES_PER * PAGE, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED)
        return 1;
    pthread_t t[NT];
    for (long i = 0; i < NT; i++)
        pthread_create(&t[i], NULL, toucher, (void *)i);
    for (int i = 0; i < NT; i++)
        pthread_join(t[i], NULL);
    int bad = 0;
    for (int q = 0; q < NT; q++) {
        int nodes[NT] = {0};
        for (long p = 0; p < PAGES_PER; p++) {
            int node = -1;
            if (syscall(SYS_get_mempolicy, &node, NULL, 0, buf + (q * PAGES_PER + p) * PAGE,
                        MPOL_F_NODE | MPOL_F_ADDR)) {
                perror("get_mempolicy");
                return 1;
            }
            if (node >= 0 && node < NT)
                nodes[node]++;
        }
        printf("quarter %d (thread on node %d): pages per node %d %d %d %d\n", q,
               thread_node[q], nodes[0], nodes[1], nodes[2], nodes[3]);
        bad += nodes[thread_node[q]] != PAGES_PER;
    }
    puts(bad ? "first touch: WRONG" : "first touch: every quarter on its toucher's node");
    return bad != 0;
}
