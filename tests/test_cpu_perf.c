/* Interpreter speed on compute-bound integer code.  Prints simulated MIPS
 * (per CPU second of the host); asserts only the architectural outcome,
 * since timing on a shared machine is not a pass/fail matter.
 *
 * The loop (GNU as encodings), 11 instructions per iteration:
 *   li t0,N ; li a0,0 ; addi sp,sp,-64
 *   loop: add a0,a0,t0 ; xor a1,a0,t0 ; slli a2,a1,3 ; sub a3,a2,a0
 *         sd a3,8(sp) ; and a4,a3,a1 ; ld a6,8(sp) ; or a5,a4,a2
 *         add a0,a0,a6 ; addi t0,t0,-1 ; bnez t0,loop
 *   ecall */
#include <stdio.h>
#include <time.h>

#include "internal.h"
#include "test_cpu_mock.h"
#include "testutil.h"

#define ITERS 10000000u     /* 110 M instructions */

START_TEST(integer_loop_mips)
{
    uint32_t prog[] = {
        0x000002b7, 0x0002829b, 0x00000513, 0xfc010113,     /* N patched below */
        0x00550533, 0x005545b3, 0x00359613, 0x40a606b3, 0x00d13423, 0x00b6f733,
        0x00813803, 0x00c767b3, 0x01050533, 0xfff28293, 0xfc029ce3, ECALL,
    };
    /* li t0,ITERS = lui t0,hi ; addiw t0,t0,lo (lo sign-extended) */
    uint32_t lo = ITERS & 0xfff, hi = (ITERS >> 12) + (lo >= 0x800);
    prog[0] |= hi << 12;
    prog[1] |= lo << 20;
    struct mock *m = mock_new();
    put_words(m, CODE, prog, ARRAY_SIZE(prog));
    m->h.x[2] = DATA + 0x1000;
    struct timespec t0, t1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    enum hart_stop s;
    while ((s = hart_run(&m->h, 1000000)) == HART_STOP_BUDGET)
        ;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    ck_assert_int_eq(s, HART_STOP_ECALL);
    ck_assert_uint_eq(m->h.instret, 4 + 11ull * ITERS);
    ck_assert_uint_eq(m->h.pc, CODE + 15 * 4);
    double dt = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    printf("cpu: %.0f simulated MIPS (%llu instructions in %.3f s of CPU time)\n",
           (double)m->h.instret / dt / 1e6, (unsigned long long)m->h.instret, dt);
    mock_free(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cpu_perf");
    TCase *t = tcase_create("perf");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, integer_loop_mips);
    suite_add_tcase(s, t);
    return testutil_run(s);
}
