/* pingpong.c - the cost of handing a cache line back and forth: two
 * threads, bound to CPUs A and B, take turns incrementing a shared counter
 * (each waits until it sees the other's increment, then writes).  Every
 * hand-off moves the line from one CPU's cache to the other's.  Prints the
 * simulated ns per hand-off.  Usage: pingpong A B ROUNDS */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static _Alignas(64) volatile uint64_t counter;
static int cpu_of[2];
static long rounds;
static pthread_barrier_t bar;

static double now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void *player(void *arg)
{
  long me = (long)arg;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu_of[me], &set);
  if (sched_setaffinity(0, sizeof(set), &set))
    return (void *)1;
  pthread_barrier_wait(&bar);
  for (uint64_t v = (uint64_t)me; v < (uint64_t)rounds * 2; v += 2) {
    while (counter != v)
      ;
    counter = v + 1;
  }
  return NULL;
}

int main(int argc, char **argv)
{
  if (argc < 4)
    return 2;
  cpu_of[0] = atoi(argv[1]);
  cpu_of[1] = atoi(argv[2]);
  rounds = atol(argv[3]);
  pthread_t th[2];
  pthread_barrier_init(&bar, NULL, 2);
  for (long i = 0; i < 2; i++)
    if (pthread_create(&th[i], NULL, player, (void *)i))
      return 1;
  double t0 = now_ns();
  for (int i = 0; i < 2; i++)
    pthread_join(th[i], NULL);
  double t1 = now_ns();
  printf("cpus %d %d handoff %.3f ns\n", cpu_of[0], cpu_of[1], (t1 - t0) / (double)(rounds * 2));
  return counter == (uint64_t)rounds * 2 ? 0 : 1;
}
