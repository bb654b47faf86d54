/* setjmp_test.c - setjmp/longjmp out of nested calls, the value passed
 * (longjmp(env, 0) returns 1), locals declared volatile keep their values,
 * sigsetjmp/siglongjmp restoring the signal mask, and a small exception
 * mechanism built on jmp_buf chains. */
#include <setjmp.h>
#include <signal.h>
#include "check.h"

static jmp_buf env;
static int depth_reached;

static void dive(int d)
{
  depth_reached = d;
  volatile double fp = d * 1.5;       /* callee-saved FP regs get used */
  if (d == 50)
    longjmp(env, d);
  if (d < 1000)
    dive(d + 1);
  (void)fp;
}

static jmp_buf *handler;
static int try_div(int a, int b)
{
  if (b == 0)
    longjmp(*handler, 99);
  return a / b;
}

static int safe_div(int a, int b, int *out)
{
  jmp_buf local, *saved = handler;
  handler = &local;
  int code = setjmp(local);
  if (code == 0)
    *out = try_div(a, b);
  handler = saved;
  return code;
}

int main(void)
{
  volatile int counter = 0;
  volatile double acc = 0.25;
  int r = setjmp(env);
  counter++;
  if (r == 0) {
    acc = 0.5;
    dive(1);
  }
  CHECK_EQ(r, 50);
  CHECK_EQ(counter, 2);
  CHECK_EQ(depth_reached, 50);
  CHECK(acc == 0.5);
  /* longjmp with 0 returns 1 */
  if ((r = setjmp(env)) == 0)
    longjmp(env, 0);
  CHECK_EQ(r, 1);
  /* nested handlers */
  int out = 0;
  CHECK_EQ(safe_div(84, 2, &out), 0);
  CHECK_EQ(out, 42);
  CHECK_EQ(safe_div(1, 0, &out), 99);
  /* sigsetjmp with savemask: the mask at sigsetjmp time comes back */
  sigjmp_buf senv;
  sigset_t set, cur;
  sigemptyset(&set);
  if (sigsetjmp(senv, 1) == 0) {
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    siglongjmp(senv, 1);
  }
  sigprocmask(SIG_BLOCK, NULL, &cur);
  CHECK(!sigismember(&cur, SIGUSR1));
  /* a loop driven by longjmp */
  static jmp_buf loop;
  static volatile int iter;
  iter = 0;
  setjmp(loop);
  if (++iter < 1000)
    longjmp(loop, 1);
  CHECK_EQ(iter, 1000);
  printf("longjmp from depth %d, loop of %d jumps\n", depth_reached, iter);
  return done("setjmp_test");
}
