/* ids.c - process identity syscalls; only relations are printed because
 * the values differ between runs: getpid == gettid (single thread),
 * getppid > 0, uid/euid and gid/egid agree, getpgid/getsid succeed,
 * getgroups returns a count >= 0, set_tid_address returns the tid. */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <unistd.h>
#include "check.h"

int main(void)
{
  pid_t pid = getpid();
  printf("getpid() > 0: %s\n", pid > 0 ? "yes" : "no");
  printf("getpid() == gettid(): %s\n", pid == gettid() ? "yes" : "no");
  printf("raw SYS_gettid == getpid: %s\n", syscall(SYS_gettid) == pid ? "yes" : "no");
  printf("getppid() > 0: %s\n", getppid() > 0 ? "yes" : "no");
  printf("getuid() == geteuid(): %s\n", getuid() == geteuid() ? "yes" : "no");
  printf("getgid() == getegid(): %s\n", getgid() == getegid() ? "yes" : "no");
  printf("getpid stable: %s\n", getpid() == pid ? "yes" : "no");
  printf("getpgid(0) >= 0: %s\n", getpgid(0) >= 0 ? "yes" : "no");
  printf("getsid(0) >= 0: %s\n", getsid(0) >= 0 ? "yes" : "no");
  int ng = getgroups(0, NULL);
  printf("getgroups(0) >= 0: %s\n", ng >= 0 ? "yes" : "no");
  uid_t r, e, s;
  CHECK_EQ(getresuid(&r, &e, &s), 0);
  CHECK(r == getuid() && e == geteuid());
  gid_t gr, ge, gs;
  CHECK_EQ(getresgid(&gr, &ge, &gs), 0);
  CHECK(gr == getgid() && ge == getegid());
  static int tid_word;
  CHECK_EQ(syscall(SYS_set_tid_address, &tid_word), pid);
  return done("ids");
}
