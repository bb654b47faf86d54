/* enosys.c - unknown and unimplemented syscall numbers return -ENOSYS
 * (syscall(3) reports -1 with errno ENOSYS) and the program continues. */
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "check.h"

int main(void)
{
  static const long nums[] = { 4095, 1000, 555, 100000 };
  for (unsigned i = 0; i < sizeof nums / sizeof nums[0]; i++) {
    errno = 0;
    long r = syscall(nums[i], 1, 2, 3, 4, 5, 6);
    printf("syscall(%ld) = %ld, errno %s\n", nums[i], r, errno == ENOSYS ? "ENOSYS" : "other");
    CHECK(r == -1 && errno == ENOSYS);
  }
  /* a raw ecall returns -ENOSYS in a0 */
  register long a7 __asm__("a7") = 4095;
  register long a0 __asm__("a0") = 0;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
  CHECK_EQ(a0, -ENOSYS);
  /* still alive: a normal syscall works afterwards */
  CHECK(getpid() > 0);
  return done("enosys");
}
