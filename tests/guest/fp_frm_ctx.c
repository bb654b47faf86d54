/* The dynamic rounding mode (frm) is part of each thread's context: a
 * signal handler that changes it gets it restored by sigreturn, threads
 * interleaved on one CPU each keep their own, and a new thread starts with
 * its creator's.  Every check rounds an addition through the dynamic mode
 * (1 + 0.75 ulp: RNE and RUP give 1 + ulp, RTZ and RDN give 1) and reads
 * frm back. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>

#include "check.h"

enum { RNE, RTZ, RDN, RUP };

static void set_frm(unsigned rm) { __asm__ volatile("fsrm %0" : : "r"(rm)); }
static unsigned get_frm(void) { unsigned v; __asm__ volatile("frrm %0" : "=r"(v)); return v; }

/* 1 + 0.75 ulp(1) in the dynamic mode: 0 for 1, 1 for 1 + ulp. */
static int add_dyn(void)
{
  double a = 1.0, b = 0x1.8p-53, r;
  __asm__ volatile("fadd.d %0, %1, %2, dyn" : "=f"(r) : "f"(a), "f"(b));
  return r != 1.0;
}
static int rounds_up(unsigned rm) { return rm == RNE || rm == RUP; }

static volatile int handler_up = -1;
static volatile unsigned handler_frm = 99;

static void on_usr1(int sig)
{
  (void)sig;
  set_frm(RUP);
  handler_up = add_dyn();
  handler_frm = get_frm();
}

#define ROUNDS 200
static int thread_bad, thread_inherited = -1;

static void *worker(void *arg)
{
  (void)arg;
  thread_inherited = (int)get_frm();
  set_frm(RUP);
  for (int i = 0; i < ROUNDS; i++) {
    if (add_dyn() != 1 || get_frm() != RUP)
      thread_bad++;
    set_frm(i % 2 ? RUP : RDN);     /* change it, then make it RUP again */
    set_frm(RUP);
    sched_yield();
  }
  return NULL;
}

int main(void)
{
  /* a handler's frm does not survive sigreturn */
  signal(SIGUSR1, on_usr1);
  for (unsigned rm = RNE; rm <= RUP; rm++) {
    set_frm(rm);
    CHECK_EQ(add_dyn(), rounds_up(rm));
    raise(SIGUSR1);
    CHECK_EQ(handler_up, 1);
    CHECK_EQ(handler_frm, RUP);
    CHECK_EQ(get_frm(), rm);
    CHECK_EQ(add_dyn(), rounds_up(rm));
  }

  /* two threads on one CPU, taking turns: RUP in one, RTZ in the other */
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(0, &one);
  CHECK_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
  set_frm(RDN);
  pthread_t t;
  CHECK_EQ(pthread_create(&t, NULL, worker, NULL), 0);
  set_frm(RTZ);
  int main_bad = 0;
  for (int i = 0; i < ROUNDS; i++) {
    if (add_dyn() != 0 || get_frm() != RTZ)
      main_bad++;
    sched_yield();
  }
  CHECK_EQ(pthread_join(t, NULL), 0);
  CHECK_EQ(main_bad, 0);
  CHECK_EQ(thread_bad, 0);
  CHECK_EQ(thread_inherited, RDN);      /* clone copies the creator's fcsr */
  CHECK_EQ(get_frm(), RTZ);
  CHECK_EQ(add_dyn(), 0);
  set_frm(RNE);
  return done("fp_frm_ctx");
}
