/* sig_die.c - a process killed by a signal it does not handle; the shell
 * (and qemu-riscv64, and mmsim) report 128+N.
 *   sig_die abort      abort()                  -> SIGABRT (134)
 *   sig_die segv       store to address 0       -> SIGSEGV (139)
 *   sig_die ill        an all-zero instruction  -> SIGILL  (132)
 *   sig_die ebreak     ebreak                   -> SIGTRAP (133)
 *   sig_die cebreak    c.ebreak (compressed)    -> SIGTRAP (133)
 *   sig_die raise N    raise(N)                 -> 128+N
 *   sig_die rodata     store to a read-only page (.rodata)      -> SIGSEGV (139)
 *   sig_die nx         jump into a PROT_READ|PROT_WRITE page    -> SIGSEGV (139)
 *   sig_die stack      unbounded recursion past the stack limit -> SIGSEGV (139)
 *   sig_die csr        csrr of a machine-mode CSR (mstatus)     -> SIGILL  (132)
 *   sig_die badfrm     frm = 5 (reserved), then a dyn-rounded op -> SIGILL (132)
 *   sig_die amoalign   amoadd.w on a misaligned address         -> SIGBUS  (135)
 * The line printed before dying is flushed first. */
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>
#include "check.h"

static const char ro_text[] = "read-only";
static volatile int never;                    /* a base case the compiler cannot see through */

__attribute__((noinline)) static long recurse(volatile char *prev)
{
  volatile char frame[1024];
  if (never)
    return 0;
  frame[0] = prev ? prev[0] + 1 : 0;
  return recurse(frame) + frame[1];           /* not a tail call */
}

int main(int argc, char **argv)
{
  if (argc < 2)
    return 2;
  printf("about to die by %s%s%s\n", argv[1], argc > 2 ? " " : "", argc > 2 ? argv[2] : "");
  fflush(stdout);
  if (!strcmp(argv[1], "abort"))
    abort();
  if (!strcmp(argv[1], "segv"))
    *(volatile int *)0 = 1;
  if (!strcmp(argv[1], "ill"))
    __asm__ volatile(".4byte 0");
  if (!strcmp(argv[1], "ebreak"))
    __asm__ volatile("ebreak");
  if (!strcmp(argv[1], "cebreak"))
    __asm__ volatile(".option push\n\t.option rvc\n\tc.ebreak\n\t.option pop");
  if (!strcmp(argv[1], "rodata"))
    *(volatile char *)ro_text = 'R';
  if (!strcmp(argv[1], "nx")) {
    uint32_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    p[0] = 0x00008067;                          /* ret */
    ((void (*)(void))(uintptr_t)p)();
  }
  if (!strcmp(argv[1], "stack"))
    printf("%ld\n", recurse(NULL));
  if (!strcmp(argv[1], "csr")) {
    unsigned long v;
    __asm__ volatile("csrr %0, mstatus" : "=r"(v));
    printf("mstatus = %lx\n", v);
  }
  if (!strcmp(argv[1], "badfrm")) {
    double r;
    __asm__ volatile("fsrm %1\n\tfadd.d %0, %0, %0" : "=f"(r) : "r"(5ul));
    printf("%g\n", r);
  }
  if (!strcmp(argv[1], "amoalign")) {
    static uint64_t words[2];
    uint64_t old;
    __asm__ volatile("amoadd.w %0, %2, (%1)" : "=r"(old) : "r"((char *)words + 2), "r"(1ul) : "memory");
    printf("%lu\n", (unsigned long)old);
  }
  if (!strcmp(argv[1], "raise") && argc > 2)
    raise(atoi(argv[2]));
  printf("still alive\n");
  return 1;
}
