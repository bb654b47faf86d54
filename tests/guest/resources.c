/* resources.c - times, sysinfo, getrusage (self), getrlimit/setrlimit and
 * prlimit64: success and sanity relations only, never values that differ
 * between a host and the simulated machine. */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <unistd.h>
#include "check.h"

int main(void)
{
  struct tms t;
  clock_t c = times(&t);
  printf("times: %s\n", c != (clock_t)-1 ? "ok" : "failed");
  struct sysinfo si;
  printf("sysinfo: %s\n", sysinfo(&si) == 0 ? "ok" : "failed");
  CHECK(si.mem_unit >= 1);
  CHECK(si.totalram > 0);
  struct rusage ru;
  printf("getrusage(RUSAGE_SELF): %s\n", getrusage(RUSAGE_SELF, &ru) == 0 ? "ok" : "failed");
  CHECK(ru.ru_utime.tv_usec < 1000000);
  CHECK_EQ(getrusage(RUSAGE_CHILDREN, &ru), 0);
  struct rlimit rl;
  CHECK_EQ(getrlimit(RLIMIT_STACK, &rl), 0);
  CHECK(rl.rlim_cur > 0);
  CHECK(rl.rlim_max == RLIM_INFINITY || rl.rlim_cur <= rl.rlim_max);
  CHECK_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
  CHECK(rl.rlim_cur >= 3);
  struct rlimit old;
  CHECK_EQ(prlimit(0, RLIMIT_NOFILE, NULL, &old), 0);
  CHECK_EQ(old.rlim_cur, rl.rlim_cur);
  /* lower the soft limit through prlimit64 and read it back */
  struct rlimit lower = { 64, old.rlim_max };
  CHECK_EQ(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &lower, &old), 0);
  CHECK_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
  CHECK_EQ(rl.rlim_cur, 64);
  CHECK_EQ(setrlimit(RLIMIT_NOFILE, &old), 0);
  CHECK_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
  CHECK_EQ(rl.rlim_cur, old.rlim_cur);
  errno = 0;
  struct rlimit bad = { 10, 5 };       /* soft > hard */
  CHECK(setrlimit(RLIMIT_NOFILE, &bad) == -1 && errno == EINVAL);
  CHECK_EQ(getrlimit(RLIMIT_AS, &rl), 0);
  CHECK_EQ(getpriority(PRIO_PROCESS, 0) >= -20, 1);
  return done("resources");
}
