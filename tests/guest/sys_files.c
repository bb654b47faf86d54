/* sys_files.c - file syscalls on files the program creates in its own
 * mkdtemp directory under /tmp (removed at the end): openat, close, lseek,
 * read/write, pread64/pwrite64, fstat, newfstatat, statx, getdents64,
 * ftruncate, unlinkat, mkdirat, renameat2, getcwd, readlinkat, faccessat,
 * dup/dup3, fcntl, and error numbers.  No path or inode is printed. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "check.h"

struct linux_dirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* list a directory with raw getdents64 in a small buffer (several calls) */
static int list_dir(int dfd, char names[][32], int max)
{
  char buf[64] __attribute__((aligned(8)));
  int n = 0;
  for (;;) {
    long r = syscall(SYS_getdents64, dfd, buf, sizeof buf);
    if (r <= 0)
      return r < 0 ? -1 : n;
    for (long off = 0; off < r;) {
      struct linux_dirent64 *d = (void *)(buf + off);
      if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..") && n < max) {
        snprintf(names[n], 32, "%s%s", d->d_name, d->d_type == DT_DIR ? "/" : "");
        n++;
      }
      off += d->d_reclen;
    }
  }
}

int main(void)
{
  char dir[] = "/tmp/mmsim-files-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  int dfd = open(dir, O_RDONLY | O_DIRECTORY);
  CHECK(dfd >= 0);

  /* openat + write + lseek + read */
  int fd = openat(dfd, "a.txt", O_CREAT | O_RDWR | O_EXCL, 0644);
  CHECK(fd >= 0);
  const char text[] = "hello, file system\n";
  CHECK_EQ(write(fd, text, sizeof text - 1), sizeof text - 1);
  CHECK_EQ(lseek(fd, 0, SEEK_CUR), 19);
  CHECK_EQ(lseek(fd, 7, SEEK_SET), 7);
  char buf[64] = { 0 };
  CHECK_EQ(read(fd, buf, 4), 4);
  CHECK_STR(buf, "file");
  CHECK_EQ(lseek(fd, -3, SEEK_END), 16);
  CHECK_EQ(lseek(fd, 100, SEEK_SET), 100);         /* beyond EOF is fine */
  CHECK_EQ(read(fd, buf, 10), 0);
  errno = 0;
  CHECK(lseek(fd, -1, SEEK_SET) == -1 && errno == EINVAL);
  /* pwrite64/pread64 do not move the offset */
  CHECK_EQ(lseek(fd, 2, SEEK_SET), 2);
  CHECK_EQ(pwrite(fd, "HELLO", 5, 0), 5);
  memset(buf, 0, sizeof buf);
  CHECK_EQ(pread(fd, buf, 18, 0), 18);
  CHECK_STR(buf, "HELLO, file system");
  CHECK_EQ(lseek(fd, 0, SEEK_CUR), 2);
  /* a sparse write far beyond the end */
  CHECK_EQ(pwrite(fd, "Z", 1, 9999), 1);
  /* fstat (raw syscall) and newfstatat */
  struct stat st, st2;
  CHECK_EQ(syscall(SYS_fstat, fd, &st), 0);
  CHECK_EQ(st.st_size, 10000);
  CHECK(S_ISREG(st.st_mode));
  CHECK_EQ(st.st_mode & 0700, 0600);
  CHECK_EQ(st.st_nlink, 1);
  CHECK_EQ(fstatat(dfd, "a.txt", &st2, 0), 0);
  CHECK_EQ(st2.st_size, 10000);
  CHECK_EQ(st2.st_ino, st.st_ino);
  CHECK_EQ(st2.st_dev, st.st_dev);
  CHECK_EQ(fstatat(AT_FDCWD, dir, &st2, 0), 0);
  CHECK(S_ISDIR(st2.st_mode));
  errno = 0;
  CHECK(fstatat(dfd, "missing", &st2, 0) == -1 && errno == ENOENT);
  /* statx */
  struct statx sx;
  CHECK_EQ(statx(dfd, "a.txt", 0, STATX_SIZE | STATX_MODE | STATX_INO, &sx), 0);
  CHECK_EQ(sx.stx_size, 10000);
  CHECK(S_ISREG(sx.stx_mode));
  CHECK_EQ(sx.stx_ino, st.st_ino);
  CHECK_EQ(statx(fd, "", AT_EMPTY_PATH, STATX_SIZE, &sx), 0);
  CHECK_EQ(sx.stx_size, 10000);
  /* ftruncate shrinks and grows */
  CHECK_EQ(ftruncate(fd, 5), 0);
  CHECK_EQ(syscall(SYS_fstat, fd, &st), 0);
  CHECK_EQ(st.st_size, 5);
  CHECK_EQ(ftruncate(fd, 4096), 0);
  memset(buf, 'x', sizeof buf);
  CHECK_EQ(pread(fd, buf, 8, 3), 8);
  CHECK(buf[0] == 'L' && buf[1] == 'O' && buf[2] == 0 && buf[7] == 0);
  /* dup, dup3, fcntl */
  int fd2 = dup(fd);
  CHECK(fd2 > fd);
  CHECK_EQ(lseek(fd2, 11, SEEK_SET), 11);
  CHECK_EQ(lseek(fd, 0, SEEK_CUR), 11);          /* shared file offset */
  int fd3 = dup3(fd, 40, O_CLOEXEC);
  CHECK_EQ(fd3, 40);
  CHECK_EQ(fcntl(fd3, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
  CHECK_EQ(close(fd3), 0);
  CHECK_EQ(close(fd2), 0);
  CHECK_EQ(close(fd), 0);
  errno = 0;
  CHECK(close(fd) == -1 && errno == EBADF);
  /* O_APPEND and O_TRUNC */
  fd = openat(dfd, "b.log", O_CREAT | O_WRONLY | O_TRUNC, 0600);
  CHECK(fd >= 0);
  CHECK_EQ(write(fd, "one\n", 4), 4);
  close(fd);
  fd = openat(dfd, "b.log", O_WRONLY | O_APPEND);
  CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
  CHECK_EQ(write(fd, "two\n", 4), 4);
  close(fd);
  fd = openat(dfd, "b.log", O_RDONLY);
  memset(buf, 0, sizeof buf);
  CHECK_EQ(read(fd, buf, sizeof buf), 8);
  CHECK_STR(buf, "one\ntwo\n");
  errno = 0;
  CHECK(write(fd, "x", 1) == -1 && errno == EBADF);   /* read-only descriptor */
  close(fd);
  errno = 0;
  CHECK(openat(dfd, "b.log", O_CREAT | O_EXCL | O_WRONLY, 0600) == -1 && errno == EEXIST);
  /* mkdirat, renameat2, faccessat */
  CHECK_EQ(mkdirat(dfd, "sub", 0755), 0);
  errno = 0;
  CHECK(mkdirat(dfd, "sub", 0755) == -1 && errno == EEXIST);
  CHECK_EQ(syscall(SYS_renameat2, dfd, "b.log", dfd, "sub/c.log", 0), 0);
  CHECK_EQ(faccessat(dfd, "sub/c.log", F_OK, 0), 0);
  CHECK_EQ(faccessat(dfd, "sub/c.log", R_OK | W_OK, 0), 0);
  errno = 0;
  CHECK(faccessat(dfd, "b.log", F_OK, 0) == -1 && errno == ENOENT);
  fd = openat(dfd, "d.txt", O_CREAT | O_WRONLY, 0600);
  close(fd);
  errno = 0;
  CHECK(syscall(SYS_renameat2, dfd, "a.txt", dfd, "d.txt", RENAME_NOREPLACE) == -1 && errno == EEXIST);
  /* getdents64 on the directory, sorted */
  char names[16][32];
  char *sorted[16];
  int n = list_dir(dfd, names, 16);
  CHECK_EQ(n, 3);
  for (int i = 0; i < n && i < 16; i++)
    sorted[i] = names[i];
  qsort(sorted, n > 0 ? n : 0, sizeof sorted[0], cmpstr);
  printf("entries:");
  for (int i = 0; i < n; i++)
    printf(" %s", sorted[i]);
  printf("\n");
  /* opendir/readdir (glibc over getdents64) sees the same count */
  DIR *dp = opendir(dir);
  int cnt = 0;
  for (struct dirent *e; dp && (e = readdir(dp));)
    cnt++;
  if (dp)
    closedir(dp);
  CHECK_EQ(cnt, 5);
  /* stdio on a file */
  char path[64];
  snprintf(path, sizeof path, "%s/stdio.txt", dir);
  FILE *f = fopen(path, "w+");
  CHECK(f != NULL);
  for (int i = 0; i < 1000; i++)
    fprintf(f, "%d\n", i);
  rewind(f);
  long total = 0;
  for (int v; fscanf(f, "%d", &v) == 1;)
    total += v;
  CHECK_EQ(total, 499500);
  CHECK_EQ(ftell(f), 3890);
  fclose(f);
  /* getcwd and readlinkat: only success is printed (paths differ) */
  char cwd[4096];
  CHECK(getcwd(cwd, sizeof cwd) != NULL && cwd[0] == '/');
  errno = 0;
  CHECK(getcwd(cwd, 1) == NULL && errno == ERANGE);
  char exe[4096];
  ssize_t el = readlinkat(AT_FDCWD, "/proc/self/exe", exe, sizeof exe);
  printf("readlinkat(/proc/self/exe) %s\n", el > 0 ? "succeeded" : "failed");
  errno = 0;
  CHECK(readlinkat(dfd, "d.txt", exe, sizeof exe) == -1 && errno == EINVAL);
  /* unlinkat files and directories; the directory must be empty first */
  errno = 0;
  CHECK(unlinkat(dfd, "sub", AT_REMOVEDIR) == -1 && errno == ENOTEMPTY);
  CHECK_EQ(unlinkat(dfd, "sub/c.log", 0), 0);
  CHECK_EQ(unlinkat(dfd, "sub", AT_REMOVEDIR), 0);
  CHECK_EQ(unlinkat(dfd, "a.txt", 0), 0);
  CHECK_EQ(unlinkat(dfd, "d.txt", 0), 0);
  CHECK_EQ(unlinkat(dfd, "stdio.txt", 0), 0);
  errno = 0;
  CHECK(unlinkat(dfd, "a.txt", 0) == -1 && errno == ENOENT);
  CHECK_EQ(list_dir(dfd, names, 16), 0);
  close(dfd);
  CHECK_EQ(rmdir(dir), 0);
  CHECK(access(dir, F_OK) == -1);
  return done("sys_files");
}
