/* hello_raw.S - the smallest guest: no C library, own _start (linked with
 * -nostdlib -nostartfiles).  Reads argc from the initial stack, writes a
 * message with the write syscall (64), checks the return value, and exits
 * with exit_group (94) status 7 + argc - 1.  Useful to bring up the ELF
 * loader and ecall path before glibc's start-up code works. */
  .option norvc
  .section .rodata
msg: .ascii "hello from a raw RISC-V guest\n"
  .equ msg_len, . - msg
  .text
  .globl _start
  .type _start, @function
_start:
  ld s0, 0(sp)              /* argc */
  li a0, 1                  /* fd 1 */
  la a1, msg
  li a2, msg_len
  li a7, 64                 /* write */
  ecall
  li t0, msg_len
  bne a0, t0, bad
  addi a0, s0, 6            /* 7 + argc - 1 */
  li a7, 94                 /* exit_group */
  ecall
bad:
  li a0, 99
  li a7, 94
  ecall
  .size _start, .-_start
