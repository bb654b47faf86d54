/* signals.c - rt_sigaction handlers that run: raise and kill to self
 * (SIGUSR1), SA_SIGINFO with si_signo/si_code, blocked signals staying
 * pending until unblocked (rt_sigprocmask, rt_sigpending), SIG_IGN,
 * SA_RESETHAND, registers preserved across a handler, and a SIGSEGV from
 * a PROT_NONE page caught and left with siglongjmp. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>
#include "check.h"

static volatile sig_atomic_t usr1_count, usr2_count, last_code, last_signo;
static sigjmp_buf segv_env;
static void *volatile fault_addr;

static void on_usr1(int sig)
{
  (void)sig;
  usr1_count++;
  volatile double x = 1.0;      /* clobber FP state inside the handler */
  for (int i = 0; i < 10; i++)
    x = x * 3.0 + 0.5;
}

static void on_usr2(int sig, siginfo_t *si, void *uc)
{
  (void)uc;
  usr2_count++;
  last_signo = si->si_signo;
  last_code = si->si_code;
  (void)sig;
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
  (void)sig, (void)uc;
  fault_addr = si->si_addr;
  siglongjmp(segv_env, 1);
}

int main(void)
{
  struct sigaction sa = { 0 };
  sa.sa_handler = on_usr1;
  sigemptyset(&sa.sa_mask);
  CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
  volatile double keep = 2.5;
  CHECK_EQ(raise(SIGUSR1), 0);
  printf("after raise: handler ran %d time(s)\n", (int)usr1_count);
  CHECK_EQ(kill(getpid(), SIGUSR1), 0);
  printf("after kill: handler ran %d time(s)\n", (int)usr1_count);
  CHECK(keep == 2.5);
  /* SA_SIGINFO */
  struct sigaction si = { 0 };
  si.sa_sigaction = on_usr2;
  si.sa_flags = SA_SIGINFO;
  sigemptyset(&si.sa_mask);
  CHECK_EQ(sigaction(SIGUSR2, &si, NULL), 0);
  kill(getpid(), SIGUSR2);
  printf("SIGUSR2 via kill: signo %d, si_code %s\n", (int)last_signo,
         last_code == SI_USER ? "SI_USER" : "other");
  raise(SIGUSR2);
  printf("SIGUSR2 via raise: signo %d, si_code %s\n", (int)last_signo,
         last_code == SI_TKILL ? "SI_TKILL" : "other");
  /* the old action is returned */
  struct sigaction old;
  CHECK_EQ(sigaction(SIGUSR2, NULL, &old), 0);
  CHECK(old.sa_sigaction == on_usr2 && (old.sa_flags & SA_SIGINFO));
  /* blocked: pending until unblocked, then delivered once */
  sigset_t set, pend;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  CHECK_EQ(sigprocmask(SIG_BLOCK, &set, NULL), 0);
  raise(SIGUSR1);
  raise(SIGUSR1);                       /* standard signals do not queue */
  CHECK_EQ(usr1_count, 2);
  CHECK_EQ(sigpending(&pend), 0);
  CHECK(sigismember(&pend, SIGUSR1));
  CHECK(!sigismember(&pend, SIGUSR2));
  CHECK_EQ(sigprocmask(SIG_UNBLOCK, &set, NULL), 0);
  printf("after unblock: handler ran %d time(s)\n", (int)usr1_count);
  CHECK_EQ(sigpending(&pend), 0);
  CHECK(!sigismember(&pend, SIGUSR1));
  /* ignored signal */
  signal(SIGUSR2, SIG_IGN);
  raise(SIGUSR2);
  CHECK_EQ(usr2_count, 2);
  /* SA_RESETHAND: second delivery uses the default action (ignore for SIGCHLD) */
  struct sigaction once = { 0 };
  once.sa_handler = on_usr1;
  once.sa_flags = SA_RESETHAND;
  sigaction(SIGCHLD, &once, NULL);
  raise(SIGCHLD);
  raise(SIGCHLD);
  CHECK_EQ(usr1_count, 4);
  CHECK_EQ(sigaction(SIGCHLD, NULL, &old), 0);
  CHECK(old.sa_handler == SIG_DFL);
  /* SIGSEGV from a PROT_NONE page */
  char *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  struct sigaction sv = { 0 };
  sv.sa_sigaction = on_segv;
  sv.sa_flags = SA_SIGINFO;
  sigemptyset(&sv.sa_mask);
  CHECK_EQ(sigaction(SIGSEGV, &sv, NULL), 0);
  int caught = 0;
  if (sigsetjmp(segv_env, 1) == 0) {
    p[123] = 1;
    printf("store to PROT_NONE did not fault\n");
  } else {
    caught = 1;
  }
  printf("SIGSEGV caught: %s, si_addr is the faulting address: %s\n", caught ? "yes" : "no",
         fault_addr == p + 123 ? "yes" : "no");
  /* the mask was restored by siglongjmp: a second fault is caught too */
  caught = 0;
  if (sigsetjmp(segv_env, 1) == 0)
    (void)*(volatile char *)(p + 4000);
  else
    caught = 1;
  CHECK(caught);
  CHECK(fault_addr == p + 4000);
  CHECK_EQ(mprotect(p, 4096, PROT_READ | PROT_WRITE), 0);
  p[123] = 7;
  CHECK_EQ(p[123], 7);
  return done("signals");
}
