/* Private to the syscall layer: the handlers of kernel/sys_*.c and
 * kernel/signal.c, called by the dispatch table in syscall.c.
 *
 * A handler gets the task and its six argument registers (a0-a5) and returns
 * the value for a0: a result, or a negative Linux errno.  SYS_NORETURN means
 * "leave the registers alone" (exit, rt_sigreturn). */
#ifndef MMSIM_KERNEL_SYSCALL_H
#define MMSIM_KERNEL_SYSCALL_H

#include <errno.h>
#include <stdint.h>

#include "kernel/kernel.h"

#define SYS_NORETURN INT64_MIN

typedef int64_t sys_fn(struct task *t, const uint64_t *a);

/* Linux errno numbers are the same at host (x86-64) and for riscv64: both
 * use asm-generic/errno-base.h and errno.h, so host errno values pass
 * through unchanged.  SYS_RET(host call) turns -1/errno into -errno; the
 * call is evaluated before errno is read. */
#define SYS_RET(expr)                                                          \
    ({                                                                         \
        int64_t sys_r_ = (int64_t)(expr);                                      \
        sys_r_ < 0 ? -(int64_t)errno : sys_r_;                                 \
    })

#define SYSCALLS(X)                                                            \
    X(getcwd) X(dup) X(dup3) X(fcntl) X(ioctl) X(mkdirat) X(unlinkat)          \
    X(symlinkat) X(linkat) X(truncate) X(ftruncate) X(faccessat) X(faccessat2) \
    X(chdir) X(fchmod) X(fchmodat) X(fchownat) X(openat) X(close) X(pipe2)     \
    X(getdents64) X(lseek) X(read) X(write) X(readv) X(writev) X(pread64)      \
    X(pwrite64) X(readlinkat) X(newfstatat) X(fstat) X(fsync) X(utimensat)     \
    X(renameat2) X(statx) X(umask) X(statfs) X(fstatfs) X(ppoll) X(fadvise64) X(sync) X(fallocate)                        \
    X(brk) X(munmap) X(mremap) X(mmap) X(mprotect) X(madvise) X(msync)         \
    X(mlock) X(riscv_flush_icache)                                             \
    X(get_mempolicy) X(set_mempolicy) X(mbind) X(move_pages) X(migrate_pages)  \
    X(nanosleep) X(clock_gettime) X(clock_getres) X(clock_nanosleep)           \
    X(gettimeofday) X(times) X(getrusage) X(sysinfo)                           \
    X(exit) X(exit_group) X(clone) X(clone3) X(set_tid_address) X(set_robust_list) X(futex)       \
    X(rseq) X(prlimit64) X(getrlimit) X(setrlimit) X(getrandom) X(uname)       \
    X(getpid) X(getppid) X(gettid) X(getuid) X(geteuid) X(getgid) X(getegid)   \
    X(getresuid) X(getresgid) X(getgroups) X(getpriority) X(setpriority) X(sched_getaffinity) X(sched_setaffinity)        \
    X(sched_yield) X(getcpu) X(prctl) X(getpgid) X(getsid) X(setpgid)          \
    X(wait4)                                                                   \
    X(kill) X(tkill) X(tgkill) X(sigaltstack) X(rt_sigaction)                  \
    X(rt_sigprocmask) X(rt_sigreturn) X(rt_sigpending)

#define SYS_DECLARE(name) sys_fn sys_##name;
SYSCALLS(SYS_DECLARE)
#undef SYS_DECLARE

#endif
