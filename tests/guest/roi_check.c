/* roi_check.c - the private mmsim syscall (<mmsim/guest.h>): prints whether
 * the program runs under mmsim, brackets a small loop with ROI begin/end and
 * checks the raw results.  Simulator-only (qemu-riscv64 answers ENOSYS), so
 * it is not a diff test: tests/roi.sh runs it under both and checks each. */
#include <mmsim/guest.h>
#include <stdio.h>

int main(void)
{
  int in = mmsim_in_simulator();
  printf("in simulator: %d\n", in);
  volatile unsigned long sum = 0;
  for (unsigned long i = 0; i < 10000; i++)   /* before the ROI */
    sum += i;
  int b = mmsim_roi_begin();
  for (unsigned long i = 0; i < 100000; i++)  /* the ROI */
    sum += i * i;
  int e = mmsim_roi_end();
  long bad = mmsim_syscall(3);                /* unknown op */
  int bad_errno = errno;
  printf("roi begin: %d end: %d\n", b, e);
  printf("op 3: %ld errno %s\n", bad, bad_errno == EINVAL ? "EINVAL"
                                     : bad_errno == ENOSYS ? "ENOSYS" : "other");
  return 0;
}
