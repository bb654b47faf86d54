/* sys_time.c - clock_gettime (REALTIME, MONOTONIC, PROCESS_CPUTIME,
 * BOOTTIME), clock_getres, gettimeofday, time, nanosleep and
 * clock_nanosleep; only relations are printed (monotonic, return 0),
 * never a value. */
#include <errno.h>
#include <sys/time.h>
#include <time.h>
#include "check.h"

static int64_t ns(struct timespec t) { return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec; }

int main(void)
{
  struct timespec a, b, res;
  static const clockid_t clocks[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                      CLOCK_BOOTTIME, CLOCK_MONOTONIC_RAW };
  for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
    CHECK_EQ(clock_gettime(clocks[i], &a), 0);
    CHECK(a.tv_nsec >= 0 && a.tv_nsec < 1000000000);
    CHECK_EQ(clock_getres(clocks[i], &res), 0);
    CHECK(ns(res) > 0 && ns(res) <= 1000000000);
  }
  /* monotonic across a busy loop and many reads */
  int mono = 1;
  CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &a), 0);
  for (int i = 0; i < 200; i++) {
    volatile int spin = 0;
    for (int k = 0; k < 1000; k++)
      spin += k;
    clock_gettime(CLOCK_MONOTONIC, &b);
    if (ns(b) < ns(a))
      mono = 0;
    a = b;
  }
  printf("CLOCK_MONOTONIC is monotonic: %s\n", mono ? "yes" : "no");
  struct timeval tv0, tv1;
  CHECK_EQ(gettimeofday(&tv0, NULL), 0);
  CHECK(tv0.tv_usec >= 0 && tv0.tv_usec < 1000000);
  CHECK(time(NULL) >= 0);
  /* nanosleep 2 ms: returns 0, monotonic time does not go backwards */
  struct timespec before, after, req = { 0, 2000000 }, rem = { 7, 7 };
  clock_gettime(CLOCK_MONOTONIC, &before);
  int r = nanosleep(&req, &rem);
  clock_gettime(CLOCK_MONOTONIC, &after);
  printf("nanosleep returned %d\n", r);
  printf("monotonic after nanosleep: %s\n", ns(after) >= ns(before) ? "yes" : "no");
  r = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL);
  printf("clock_nanosleep returned %d\n", r);
  struct timespec abs;
  clock_gettime(CLOCK_MONOTONIC, &abs);
  abs.tv_nsec += 1000000;
  if (abs.tv_nsec >= 1000000000) { abs.tv_sec++; abs.tv_nsec -= 1000000000; }
  r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL);
  printf("clock_nanosleep(ABSTIME) returned %d\n", r);
  /* a zero sleep and an invalid one */
  struct timespec zero = { 0, 0 }, bad = { 0, 1000000000 };
  CHECK_EQ(nanosleep(&zero, NULL), 0);
  errno = 0;
  CHECK(nanosleep(&bad, NULL) == -1 && errno == EINVAL);
  CHECK_EQ(gettimeofday(&tv1, NULL), 0);
  CHECK((int64_t)tv1.tv_sec * 1000000 + tv1.tv_usec >= (int64_t)tv0.tv_sec * 1000000 + tv0.tv_usec);
  errno = 0;
  CHECK(clock_gettime((clockid_t)12345, &a) == -1 && errno == EINVAL);
  return done("sys_time");
}
