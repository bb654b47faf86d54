/* sys_edge.c - edge cases of memory and file syscalls found by review:
 * brk with a huge value, mremap/munmap/mprotect/madvise with huge lengths
 * (no wrap-around into "success"), a PROT_WRITE-only mapping (readable on
 * RISC-V Linux), readlink of /proc/self/exe into a small buffer, large
 * write/writev/readv to /dev/null (the whole request), mmap of a directory
 * (ENODEV) and of /dev/zero, and umask applied to created files.  Output is
 * errno values and sizes only (no addresses, paths or host umask). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include "check.h"

/* The raw result of a syscall as "ok" or the errno name's number. */
static long err_of(long r)
{
  return r < 0 ? -(long)errno : 0;
}

int main(void)
{
  /* 1. brk(-1) fails and leaves the break (and the program) alone. */
  long b0 = syscall(SYS_brk, 0L);
  long b1 = syscall(SYS_brk, -1L);
  CHECK_EQ(b1, b0);
  long b2 = syscall(SYS_brk, (long)0xFFFFFFFFFFFFF800UL);
  CHECK_EQ(b2, b0);
  printf("brk huge: unchanged=%d\n", b1 == b0 && b2 == b0);

  /* 2. mremap with huge lengths. */
  unsigned char *p = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(p != MAP_FAILED);
  p[0] = 11;
  p[4096] = 22;
  void *r = mremap(p, 4096, (size_t)-1, 0);
  printf("mremap new_len=-1: %ld\n", r == MAP_FAILED ? -(long)errno : 0L);
  r = mremap(p, (size_t)-1, 4096, 0);
  printf("mremap old_len=-1: %ld\n", r == MAP_FAILED ? -(long)errno : 0L);
  r = mremap(p, (size_t)1 << 62, 4096, 0);
  printf("mremap old_len=2^62: %ld\n", r == MAP_FAILED ? -(long)errno : 0L);
  r = mremap(p, 8192, (size_t)1 << 62, 0);
  printf("mremap new_len=2^62: %ld\n", r == MAP_FAILED ? -(long)errno : 0L);
  CHECK_EQ(p[0], 11);
  CHECK_EQ(p[4096], 22);

  /* 3. munmap/mprotect/madvise with len = -1. */
  printf("munmap len=-1: %ld\n", err_of(munmap(p, (size_t)-1)));
  printf("mprotect len=-1: %ld\n", err_of(mprotect(p, (size_t)-1, PROT_READ)));
  printf("madvise len=-1: %ld\n", err_of(madvise(p, (size_t)-1, MADV_DONTNEED)));
  printf("madvise normal len=-1: %ld\n", err_of(madvise(p, (size_t)-1, MADV_NORMAL)));
  CHECK_EQ(p[0], 11);
  CHECK_EQ(p[4096], 22);
  p[1] = 33;                            /* still writable */
  CHECK_EQ(p[1], 33);
  CHECK_EQ(munmap(p, 8192), 0);

  /* 4. PROT_WRITE alone maps readable+writable on RISC-V. */
  volatile unsigned char *w =
      mmap(0, 4096, PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(w != MAP_FAILED);
  w[0] = 7;
  printf("write-only map reads back: %d\n", w[0]);
  /* a syscall reading from it (write(2) of the page's bytes) works too */
  int nul = open("/dev/null", O_WRONLY);
  CHECK(nul >= 0);
  printf("write from write-only map: %ld\n", (long)write(nul, (const void *)w, 100));
  CHECK_EQ(munmap((void *)w, 4096), 0);

  /* 5. readlink /proc/self/exe into small buffers: truncated, no NUL. */
  char small[8];
  memset(small, 'x', sizeof(small));
  ssize_t rl = readlink("/proc/self/exe", small, 4);
  printf("readlink exe bufsiz 4: %ld tail=%c\n", (long)rl, small[4]);
  rl = readlink("/proc/self/exe", small, 1);
  printf("readlink exe bufsiz 1: %ld\n", (long)rl);

  /* 6. large transfers to /dev/null complete in one call. */
  size_t big = (size_t)64 << 20;
  unsigned char *q = mmap(0, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(q != MAP_FAILED);
  printf("write 64 MiB: %ld\n", (long)write(nul, q, big));
  struct iovec iov[3] = {{q, big / 2}, {q + big / 2, 1}, {q + big / 2 + 1, big / 2 - 1}};
  printf("writev 64 MiB: %ld\n", (long)writev(nul, iov, 3));
  int zr = open("/dev/null", O_RDONLY);
  CHECK(zr >= 0);
  printf("readv /dev/null: %ld\n", (long)readv(zr, iov, 3));
  close(zr);
  CHECK_EQ(munmap(q, big), 0);
  close(nul);

  /* 7. mmap of a directory: ENODEV; /dev/zero: zeros. */
  int dfd = open(".", O_RDONLY | O_DIRECTORY);
  CHECK(dfd >= 0);
  void *m = mmap(0, 4096, PROT_READ, MAP_PRIVATE, dfd, 0);
  printf("mmap directory: %ld\n", m == MAP_FAILED ? -(long)errno : 0L);
  if (m != MAP_FAILED)
    munmap(m, 4096);
  close(dfd);
  int zfd = open("/dev/zero", O_RDWR);
  CHECK(zfd >= 0);
  unsigned char *z = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, zfd, 0);
  printf("mmap /dev/zero: %ld\n", z == MAP_FAILED ? -(long)errno : 0L);
  if (z != MAP_FAILED) {
    CHECK_EQ(z[0] | z[8191], 0);
    z[5] = 1;
    CHECK_EQ(z[5], 1);
    munmap(z, 8192);
  }
  close(zfd);

  /* 8. umask: the value set is returned next time and applies to new files. */
  mode_t old = umask(027);
  mode_t back = umask(027);
  printf("umask returns the value set: %o\n", (unsigned)back);
  char dir[] = "/tmp/sys_edge.XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char path[64];
  snprintf(path, sizeof(path), "%s/f", dir);
  int fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0666);
  CHECK(fd >= 0);
  struct stat st;
  CHECK_EQ(fstat(fd, &st), 0);
  printf("file 0666 under umask 027: %o\n", (unsigned)(st.st_mode & 0777));
  close(fd);
  char sub[64];
  snprintf(sub, sizeof(sub), "%s/d", dir);
  CHECK_EQ(mkdir(sub, 0777), 0);
  CHECK_EQ(stat(sub, &st), 0);
  printf("dir 0777 under umask 027: %o\n", (unsigned)(st.st_mode & 0777));
  umask(0);
  CHECK_EQ(umask(0), 0);
  CHECK_EQ(rmdir(sub), 0);
  CHECK_EQ(unlink(path), 0);
  CHECK_EQ(rmdir(dir), 0);
  umask(old);

  return done("sys_edge");
}
