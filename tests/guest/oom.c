/* oom.c - running out of guest memory, as on Linux with the default
 * heuristic overcommit.  `oom enomem MIB`: a private writable mapping and a
 * brk growth larger than all memory (MIB) fail up front with ENOMEM, while
 * MAP_NORESERVE succeeds.  `oom touch MIB`: mappings that each fit but
 * together exceed memory are touched page by page until the kernel runs
 * out: the OOM killer ends the process with SIGKILL (exit 137 in a shell);
 * reaching the end means it did not. */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>
#include "check.h"

int main(int argc, char **argv)
{
  if (argc < 3)
    return 2;
  size_t mib = (size_t)atoi(argv[2]), len = (mib + 16) << 20;
  if (strcmp(argv[1], "enomem") == 0) {
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p == MAP_FAILED);
    CHECK_EQ(errno, ENOMEM);
    p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
             -1, 0);
    CHECK(p != MAP_FAILED);
    p = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);         /* read-only: nothing to commit */
    void *b = sbrk(0);
    CHECK(b != (void *)-1);
    errno = 0;
    CHECK(sbrk((intptr_t)len) == (void *)-1);
    CHECK_EQ(errno, ENOMEM);
    return done("oom enomem");
  }
  size_t half = (mib / 2 + 8) << 20;
  for (int i = 0; i < 3; i++) {
    volatile unsigned char *p = mmap(NULL, half, PROT_READ | PROT_WRITE,
                                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    if (p == MAP_FAILED)
      break;
    for (size_t off = 0; off < half; off += 4096)
      p[off] = 1;
  }
  printf("oom touch: not killed\n");
  return 1;
}
