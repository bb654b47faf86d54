/* proc_numa_maps.c - the guest's own /proc/self/numa_maps (mmsim only:
 * qemu-riscv64 would show the host's file, so it is not a difftest case).
 * Maps and touches 64 pages, then prints the numa_maps line of that mapping
 * with its address replaced by "MAP" (the rest depends only on the memory
 * policy mmsim run was given), and the policy field of the stack's line.
 * /proc/<own pid>/numa_maps must read the same. */
#include <sys/mman.h>
#include <unistd.h>
#include "check.h"

static size_t slurp(const char *path, char *buf, size_t len)
{
  FILE *f = fopen(path, "r");
  CHECK(f != NULL);
  if (!f)
    return 0;
  size_t n = fread(buf, 1, len - 1, f);
  buf[n] = '\0';
  fclose(f);
  return n;
}

static char self[16384], bypid[16384];

int main(void)
{
  size_t pages = 64;
  unsigned char *m = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(m != MAP_FAILED);
  if (m == MAP_FAILED)
    return done("proc_numa_maps");
  for (size_t p = 0; p < pages; p++)
    m[p * 4096] = 1;
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/numa_maps", (int)getpid());
  /* Reading touches pages (the buffers here in .bss, stdio's buffer), so
   * those are made resident before the two reads that are compared. */
  memset(self, 1, sizeof self);
  memset(bypid, 1, sizeof bypid);
  CHECK(slurp("/proc/self/numa_maps", self, sizeof self) > 0);
  slurp(path, bypid, sizeof bypid);
  slurp("/proc/self/numa_maps", self, sizeof self);
  CHECK_STR(bypid, self);
  char addr[32];
  snprintf(addr, sizeof addr, "%08lx ", (unsigned long)(uintptr_t)m);
  int found = 0;
  for (char *line = strtok(self, "\n"); line; line = strtok(NULL, "\n")) {
    if (strncmp(line, addr, strlen(addr)) == 0) {
      printf("MAP %s\n", line + strlen(addr));
      found++;
    }
    char *stack = strstr(line, " stack");
    if (stack && (stack[6] == ' ' || stack[6] == '\0')) {
      char *pol = strchr(line, ' ') + 1;
      printf("stack policy %.*s\n", (int)(stack - pol), pol);
    }
  }
  CHECK_EQ(found, 1);
  munmap(m, pages * 4096);
  return done("proc_numa_maps");
}
