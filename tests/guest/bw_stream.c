/* bw_stream.c - memory bandwidth with N threads: each thread, bound to CPU
 * FIRST + i*STEP, writes whole cache lines of its own buffer (MIB each,
 * huge pages) in sequence for ROUNDS rounds after one warm-up round; the
 * stores drain through the store buffer, so several line fills are in
 * flight per CPU.  Prints the aggregate and per-thread bandwidth in
 * bytes per simulated ns (GB/s) over the span from the first start to the
 * last finish.  Usage: bw_stream THREADS MIB ROUNDS [FIRST STEP] */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#define MAXT 64
#define HUGE (2u << 20)

static size_t bytes;
static int rounds, first, step;
static pthread_barrier_t bar;
static double t_start[MAXT], t_end[MAXT];

static double now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void *worker(void *arg)
{
  long id = (long)arg;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(first + id * step, &set);
  if (sched_setaffinity(0, sizeof(set), &set))
    return (void *)1;
  unsigned char *raw = mmap(NULL, bytes + HUGE, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED)
    return (void *)1;
  uint64_t *b = (uint64_t *)(((uintptr_t)raw + HUGE - 1) & ~(uintptr_t)(HUGE - 1));
  madvise(b, bytes, MADV_HUGEPAGE);
  size_t words = bytes / 8;
  for (size_t i = 0; i < words; i += 8)      /* warm up: pages, TLB */
    b[i] = i;
  pthread_barrier_wait(&bar);
  t_start[id] = now_ns();
  for (int r = 0; r < rounds; r++)
    for (size_t i = 0; i < words; i += 8)   /* one store per 64-byte line */
      b[i] = i + (size_t)r;
  t_end[id] = now_ns();
  return NULL;
}

int main(int argc, char **argv)
{
  if (argc < 4)
    return 2;
  int n = atoi(argv[1]);
  bytes = (size_t)atoi(argv[2]) << 20;
  rounds = atoi(argv[3]);
  first = argc > 4 ? atoi(argv[4]) : 0;
  step = argc > 5 ? atoi(argv[5]) : 1;
  if (n < 1 || n > MAXT)
    return 2;
  pthread_t th[MAXT];
  pthread_barrier_init(&bar, NULL, (unsigned)n);
  for (long i = 0; i < n; i++)
    if (pthread_create(&th[i], NULL, worker, (void *)i))
      return 1;
  double lo = 0, hi = 0;
  for (int i = 0; i < n; i++) {
    void *r;
    pthread_join(th[i], &r);
    if (r)
      return 1;
    if (!i || t_start[i] < lo)
      lo = t_start[i];
    if (!i || t_end[i] > hi)
      hi = t_end[i];
  }
  double total = (double)bytes * rounds * n;
  printf("threads %d aggregate %.3f GB/s per-thread", n, total / (hi - lo));
  for (int i = 0; i < n; i++)
    printf(" %.3f", (double)bytes * rounds / (t_end[i] - t_start[i]));
  printf("\n");
  return 0;
}
