/* tls.c - thread-local storage in a single-threaded static program:
 * __thread variables with initialisers (.tdata) and zeroed (.tbss), a
 * TLS array, static and extern-visible TLS, the tp register pointing at
 * the TLS block, errno (itself TLS), and _Thread_local. */
#include <errno.h>
#include "check.h"

__thread int tls_init = 42;
__thread long tls_zero;
__thread char tls_buf[256];
static __thread double tls_dbl = 2.5;
_Thread_local unsigned long long tls_big[64] = { [0] = 1, [63] = 0xfeedfacecafebeefull };

__attribute__((noinline)) static int *addr_init(void) { return &tls_init; }

int main(void)
{
  CHECK_EQ(tls_init, 42);
  CHECK_EQ(tls_zero, 0);
  CHECK(tls_dbl == 2.5);
  CHECK_EQ(tls_big[0], 1);
  CHECK_EQ(tls_big[63], 0xfeedfacecafebeefull);
  int zero = 1;
  for (int i = 0; i < 256; i++)
    zero &= tls_buf[i] == 0;
  CHECK(zero);
  tls_init++;
  tls_zero = -7;
  tls_dbl *= 4;
  snprintf(tls_buf, sizeof tls_buf, "tls %d %ld %.1f", tls_init, tls_zero, tls_dbl);
  printf("%s\n", tls_buf);
  CHECK_STR(tls_buf, "tls 43 -7 10.0");
  *addr_init() = 1000;
  CHECK_EQ(tls_init, 1000);
  /* tp points near the TLS block (local-exec model: tp-relative) */
  uintptr_t tp;
  __asm__("mv %0, tp" : "=r"(tp));
  CHECK(tp != 0);
  intptr_t off = (intptr_t)((uintptr_t)&tls_init - tp);
  CHECK(off > -65536 && off < 65536);
  /* errno is thread-local too */
  errno = 0;
  CHECK(strtol("99999999999999999999999", NULL, 10) == 0x7fffffffffffffffL && errno == ERANGE);
  CHECK(&errno != NULL);
  unsigned long long s = 0;
  for (int i = 0; i < 64; i++) {
    tls_big[i] += i;
    s += tls_big[i];
  }
  printf("tls_big sum = %llx\n", s);
  return done("tls");
}
