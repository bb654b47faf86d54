/* thr_smc.c - threads running the same code while one of them rewrites it.
 * Each round thread 0 rewrites a function on page B (RWX, in place) while
 * the others wait at a barrier, still holding the code they ran there;
 * then each thread runs fence.i itself and calls it.  Then thread 0
 * rewrites one on page A (W^X: mprotect RW, write, mprotect RX,
 * __builtin___clear_cache, the riscv_flush_icache syscall) and every
 * thread calls both.  Every thread must see each round's code, never an
 * earlier round's. */
#include <pthread.h>
#include <sys/mman.h>
#include "check.h"

#define NT 4
#define ROUNDS 40

typedef long (*fn)(long);

static uint32_t addi_a0_a0(int imm) { return ((uint32_t)(imm & 0xfff) << 20) | (10u << 15) | (10u << 7) | 0x13; }
#define RET 0x00008067u

static pthread_barrier_t bar;
static uint32_t *page_a, *page_b;
static long got[NT][ROUNDS][3];

static void fence_i(void) { __asm__ volatile("fence.i" ::: "memory"); }

/* f(x) = x + k + 1 + 2 + ... : a loop-free function of a few blocks'
 * length, whose first instruction adds k. */
static void write_fn(uint32_t *code, int k)
{
  code[0] = addi_a0_a0(k);
  for (int i = 1; i < 8; i++)
    code[i] = addi_a0_a0(i);
  code[8] = RET;
}

static void *worker(void *arg)
{
  long id = (long)arg;
  for (int r = 0; r < ROUNDS; r++) {
    /* B in place, while the others still hold the code they ran last. */
    if (id == 0)
      write_fn(page_b, 100 + r);
    pthread_barrier_wait(&bar);
    fence_i();
    got[id][r][1] = ((fn)(uintptr_t)page_b)(2000);
    pthread_barrier_wait(&bar);
    /* A with W^X: each mprotect and the flush syscall shoot down every
     * thread's decoded code. */
    if (id == 0) {
      CHECK_EQ(mprotect(page_a, 4096, PROT_READ | PROT_WRITE), 0);
      write_fn(page_a + 64 * (r % 4), r);
      CHECK_EQ(mprotect(page_a, 4096, PROT_READ | PROT_EXEC), 0);
      __builtin___clear_cache((char *)page_a, (char *)page_a + 4096);
    }
    pthread_barrier_wait(&bar);
    got[id][r][0] = ((fn)(uintptr_t)(page_a + 64 * (r % 4)))(1000);
    got[id][r][2] = ((fn)(uintptr_t)page_b)(3000);
    pthread_barrier_wait(&bar);
  }
  return NULL;
}

int main(void)
{
  page_a = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  page_b = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                -1, 0);
  CHECK(page_a != MAP_FAILED && page_b != MAP_FAILED);
  if (page_a == MAP_FAILED || page_b == MAP_FAILED)
    return done("thr_smc");
  pthread_barrier_init(&bar, NULL, NT);
  pthread_t th[NT];
  for (long i = 1; i < NT; i++)
    CHECK_EQ(pthread_create(&th[i], NULL, worker, (void *)i), 0);
  worker((void *)0);
  for (long i = 1; i < NT; i++)
    pthread_join(th[i], NULL);
  long bad = 0;
  for (int i = 0; i < NT; i++)
    for (int r = 0; r < ROUNDS; r++)
      bad += got[i][r][0] != 1000 + r + 28 || got[i][r][1] != 2000 + 100 + r + 28 ||
             got[i][r][2] != 3000 + 100 + r + 28;
  CHECK_EQ(bad, 0);
  CHECK_EQ(got[NT - 1][ROUNDS - 1][0], 1000 + ROUNDS - 1 + 28);
  return done("thr_smc");
}
