/* sys_io.c - read, readv, write, writev on stdin/stdout with raw
 * syscalls: a first readv scatters stdin into two buffers, read() drains the
 * rest in odd-sized chunks until EOF, the text is counted (lines, words,
 * bytes, CRC) and echoed with writev; zero-length I/O, EOF repeat and
 * errors (EBADF, EFAULT-free) are checked.  Run with a stdin file or none. */
#include <errno.h>
#include <sys/uio.h>
#include <unistd.h>
#include "check.h"

static char data[1 << 16];

static void put(const char *s) { write(1, s, strlen(s)); }

int main(void)
{
  char a[5], b[7];
  struct iovec iv[2] = { { a, sizeof a }, { b, sizeof b } };
  ssize_t n = readv(0, iv, 2);
  size_t len = 0;
  if (n > 0) {
    memcpy(data, a, n < 5 ? (size_t)n : 5);
    if (n > 5)
      memcpy(data + 5, b, n - 5);
    len = n;
  }
  static const size_t chunk[] = { 1, 3, 17, 64, 4096 };
  for (int i = 0;; i++) {
    size_t want = chunk[i % 5];
    if (len + want > sizeof data)
      want = sizeof data - len;
    ssize_t r = read(0, data + len, want);
    CHECK(r >= 0);
    if (r <= 0)
      break;
    len += r;
  }
  CHECK_EQ(read(0, data, 10), 0);        /* EOF stays EOF */
  unsigned lines = 0, words = 0, inword = 0;
  uint32_t crc = 0xffffffff;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = data[i];
    lines += c == '\n';
    int sp = c == ' ' || c == '\n' || c == '\t';
    words += !sp && !inword;
    inword = !sp;
    crc ^= c;
    for (int k = 0; k < 8; k++)
      crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
  }
  char line[160];
  int m = snprintf(line, sizeof line, "stdin: %zu bytes, %u lines, %u words, crc %08x\n",
                   len, lines, words, ~crc);
  CHECK_EQ(write(1, line, m), m);
  /* echo the input with writev: a header, the data, a trailer */
  struct iovec ov[3] = {
    { (void *)"--- begin\n", 10 }, { data, len }, { (void *)"--- end\n", 8 },
  };
  CHECK_EQ(writev(1, ov, 3), 18 + len);
  /* zero-length operations */
  CHECK_EQ(write(1, data, 0), 0);
  CHECK_EQ(writev(1, ov, 0), 0);
  /* bad descriptors */
  errno = 0;
  CHECK(write(99, "x", 1) == -1 && errno == EBADF);
  errno = 0;
  CHECK(read(-1, data, 1) == -1 && errno == EBADF);
  /* many small writes keep their order */
  for (int i = 0; i < 26; i++) {
    char c = 'a' + i;
    write(1, &c, 1);
  }
  put("\n");
  /* stdio on top of the same descriptors */
  printf("printf after raw writes: %d\n", 42);
  fflush(stdout);
  put("raw write after fflush\n");
  int r = done("sys_io");
  fflush(stdout);
  return r;
}
