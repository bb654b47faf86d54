/* sys_misc.c - uname (sysname and machine only), getrandom (return count
 * only), sched_getaffinity (raw syscall: positive byte count, CPU 0 in the
 * set), sched_yield, getcpu, umask, prctl(PR_GET_NAME) success. */
#define _GNU_SOURCE
#include <sched.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "check.h"

int main(void)
{
  struct utsname u;
  CHECK_EQ(uname(&u), 0);
  printf("sysname = %s\n", u.sysname);
  printf("machine = %s\n", u.machine);
  CHECK(strlen(u.release) > 0);
  unsigned char rnd[64];
  printf("getrandom(16) = %zd\n", getrandom(rnd, 16, 0));
  printf("getrandom(64, GRND_NONBLOCK) = %zd\n", getrandom(rnd, 64, GRND_NONBLOCK));
  printf("getrandom(0) = %zd\n", getrandom(rnd, 0, 0));
  /* two 64-byte draws are (with overwhelming probability) different */
  unsigned char r2[64];
  getrandom(r2, 64, 0);
  printf("two draws differ: %s\n", memcmp(rnd, r2, 64) ? "yes" : "no");
  cpu_set_t set;
  CPU_ZERO(&set);
  long n = syscall(SYS_sched_getaffinity, 0, sizeof set, &set);
  printf("sched_getaffinity returned a positive size: %s\n", n > 0 ? "yes" : "no");
  printf("CPU 0 in the affinity set: %s\n", CPU_ISSET(0, &set) ? "yes" : "no");
  CHECK(CPU_COUNT(&set) >= 1);
  CHECK_EQ(sched_getaffinity(0, sizeof set, &set), 0);   /* glibc returns 0 */
  CHECK_EQ(sched_yield(), 0);
  unsigned cpu = 99, node = 99;
  CHECK_EQ(syscall(SYS_getcpu, &cpu, &node, NULL), 0);
  CHECK(cpu < 1024 && node < 1024);
  mode_t old = umask(022);
  CHECK_EQ(umask(old), 022);
  char name[17] = { 0 };
  CHECK_EQ(prctl(PR_GET_NAME, name, 0, 0, 0), 0);
  return done("sys_misc");
}
