/* sys_mem.c - memory syscalls: brk/sbrk grow and shrink, anonymous mmap
 * (zero-filled, fixed hint, large), munmap (access after is not tested),
 * mremap grow in place or moved with contents kept, shrink, mprotect to
 * read-only and back, madvise (return value only), and error codes. */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "check.h"

static int all_zero(const unsigned char *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (p[i])
      return 0;
  return 1;
}

int main(void)
{
  long page = sysconf(_SC_PAGESIZE);
  CHECK_EQ(page, 4096);
  /* brk through the raw syscall: brk(0) returns the current break */
  uintptr_t b0 = syscall(SYS_brk, 0);
  CHECK(b0 != 0);
  uintptr_t b1 = syscall(SYS_brk, b0 + 65536);
  CHECK_EQ(b1, b0 + 65536);
  CHECK(all_zero((unsigned char *)b0, 65536));
  memset((void *)b0, 0xab, 65536);
  uintptr_t b2 = syscall(SYS_brk, b0 + 4096);      /* shrink */
  CHECK_EQ(b2, b0 + 4096);
  CHECK_EQ(*(unsigned char *)(b0 + 100), 0xab);
  uintptr_t b3 = syscall(SYS_brk, b0 + 8192);      /* regrow: new part is zero */
  CHECK_EQ(b3, b0 + 8192);
  CHECK(all_zero((unsigned char *)(b0 + 4096), 4096));
  CHECK_EQ(syscall(SYS_brk, b0), b0);
  /* sbrk on top of it */
  void *s0 = sbrk(0);
  CHECK(sbrk(12345) == s0);
  CHECK((char *)sbrk(0) == (char *)s0 + 12345);
  memset(s0, 1, 12345);
  CHECK(sbrk(-12345) != (void *)-1);
  CHECK(sbrk(0) == s0);
  /* anonymous mmap: zero-filled, page aligned */
  size_t len = 1 << 20;
  unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(m != MAP_FAILED);
  CHECK_EQ((uintptr_t)m % 4096, 0);
  CHECK(all_zero(m, len));
  for (size_t i = 0; i < len; i += 4096)
    m[i] = (unsigned char)(i >> 12);
  unsigned sum = 0;
  for (size_t i = 0; i < len; i += 4096)
    sum += m[i];
  CHECK_EQ(sum, 255 * 256 / 2);
  /* partial munmap in the middle, the rest stays */
  CHECK_EQ(munmap(m + 4096 * 10, 4096 * 4), 0);
  CHECK_EQ(m[4096 * 9], 9);
  CHECK_EQ(m[4096 * 14], 14);
  /* mmap with MAP_FIXED into the hole */
  unsigned char *fx = mmap(m + 4096 * 10, 4096 * 4, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  CHECK(fx == m + 4096 * 10);
  CHECK(all_zero(fx, 4096 * 4));
  CHECK_EQ(munmap(m, len), 0);
  /* mremap: grow with MREMAP_MAYMOVE keeps contents; shrink in place */
  unsigned char *r = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(r != MAP_FAILED);
  for (int i = 0; i < 8192; i++)
    r[i] = (unsigned char)(i * 7);
  unsigned char *r2 = mremap(r, 8192, 1 << 20, MREMAP_MAYMOVE);
  CHECK(r2 != MAP_FAILED);
  int same = 1;
  for (int i = 0; i < 8192; i++)
    same &= r2[i] == (unsigned char)(i * 7);
  CHECK(same);
  CHECK(all_zero(r2 + 8192, (1 << 20) - 8192));
  r2[(1 << 20) - 1] = 5;
  unsigned char *r3 = mremap(r2, 1 << 20, 4096, 0);
  CHECK(r3 == r2);
  CHECK_EQ(r3[4095], (unsigned char)(4095 * 7));
  CHECK_EQ(munmap(r3, 4096), 0);
  /* mprotect: read-only then writable again */
  unsigned char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  p[0] = 1; p[4096] = 2; p[8192] = 3;
  CHECK_EQ(mprotect(p + 4096, 4096, PROT_READ), 0);
  CHECK_EQ(p[4096], 2);
  CHECK_EQ(mprotect(p + 4096, 4096, PROT_READ | PROT_WRITE), 0);
  p[4096] = 22;
  CHECK_EQ(p[0] + p[4096] + p[8192], 26);
  CHECK_EQ(mprotect(p, 3 * 4096, PROT_NONE), 0);
  CHECK_EQ(mprotect(p, 3 * 4096, PROT_READ), 0);
  CHECK_EQ(p[8192], 3);
  errno = 0;
  CHECK(mprotect(p + 1, 4096, PROT_READ) == -1 && errno == EINVAL);
  /* madvise: only the return value is portable between implementations */
  CHECK_EQ(madvise(p, 3 * 4096, MADV_WILLNEED), 0);
  CHECK_EQ(madvise(p, 3 * 4096, MADV_DONTNEED), 0);
  CHECK_EQ(madvise(p, 3 * 4096, MADV_NORMAL), 0);
  CHECK_EQ(munmap(p, 3 * 4096), 0);
  /* errors */
  errno = 0;
  CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);
  errno = 0;
  CHECK(munmap((void *)4097, 4096) == -1 && errno == EINVAL);
  errno = 0;
  CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, -1, 0) == MAP_FAILED && errno == EBADF);
  /* many small mappings, each touched and released */
  void *maps[64];
  for (int i = 0; i < 64; i++) {
    maps[i] = mmap(NULL, 4096 * (i % 4 + 1), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(maps[i] != MAP_FAILED);
    memset(maps[i], i, 4096 * (i % 4 + 1));
  }
  int ok = 1;
  for (int i = 0; i < 64; i++) {
    ok &= ((unsigned char *)maps[i])[4096 * (i % 4 + 1) - 1] == i;
    munmap(maps[i], 4096 * (i % 4 + 1));
  }
  CHECK(ok);
  return done("sys_mem");
}
