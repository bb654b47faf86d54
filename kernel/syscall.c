/* Syscall dispatch: riscv64 (asm-generic) numbers to handlers, names for
 * reports, and the once-per-number warning for unknown syscalls. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "cpu/hart.h"
#include "kernel/syscall.h"
#include "kernel/mm.h"
#include "machine.h"

/* asm-generic/unistd.h as riscv64 uses it (plus riscv's 258/259). */
static const char *const syscall_names[] = {
    [0] = "io_setup",
    [1] = "io_destroy",
    [2] = "io_submit",
    [3] = "io_cancel",
    [4] = "io_getevents",
    [5] = "setxattr",
    [6] = "lsetxattr",
    [7] = "fsetxattr",
    [8] = "getxattr",
    [9] = "lgetxattr",
    [10] = "fgetxattr",
    [11] = "listxattr",
    [12] = "llistxattr",
    [13] = "flistxattr",
    [14] = "removexattr",
    [15] = "lremovexattr",
    [16] = "fremovexattr",
    [17] = "getcwd",
    [18] = "lookup_dcookie",
    [19] = "eventfd2",
    [20] = "epoll_create1",
    [21] = "epoll_ctl",
    [22] = "epoll_pwait",
    [23] = "dup",
    [24] = "dup3",
    [25] = "fcntl",
    [26] = "inotify_init1",
    [27] = "inotify_add_watch",
    [28] = "inotify_rm_watch",
    [29] = "ioctl",
    [30] = "ioprio_set",
    [31] = "ioprio_get",
    [32] = "flock",
    [33] = "mknodat",
    [34] = "mkdirat",
    [35] = "unlinkat",
    [36] = "symlinkat",
    [37] = "linkat",
    [39] = "umount2",
    [40] = "mount",
    [41] = "pivot_root",
    [42] = "nfsservctl",
    [43] = "statfs",
    [44] = "fstatfs",
    [45] = "truncate",
    [46] = "ftruncate",
    [47] = "fallocate",
    [48] = "faccessat",
    [49] = "chdir",
    [50] = "fchdir",
    [51] = "chroot",
    [52] = "fchmod",
    [53] = "fchmodat",
    [54] = "fchownat",
    [55] = "fchown",
    [56] = "openat",
    [57] = "close",
    [58] = "vhangup",
    [59] = "pipe2",
    [60] = "quotactl",
    [61] = "getdents64",
    [62] = "lseek",
    [63] = "read",
    [64] = "write",
    [65] = "readv",
    [66] = "writev",
    [67] = "pread64",
    [68] = "pwrite64",
    [69] = "preadv",
    [70] = "pwritev",
    [71] = "sendfile",
    [72] = "pselect6",
    [73] = "ppoll",
    [74] = "signalfd4",
    [75] = "vmsplice",
    [76] = "splice",
    [77] = "tee",
    [78] = "readlinkat",
    [79] = "newfstatat",
    [80] = "fstat",
    [81] = "sync",
    [82] = "fsync",
    [83] = "fdatasync",
    [84] = "sync_file_range",
    [85] = "timerfd_create",
    [86] = "timerfd_settime",
    [87] = "timerfd_gettime",
    [88] = "utimensat",
    [89] = "acct",
    [90] = "capget",
    [91] = "capset",
    [92] = "personality",
    [93] = "exit",
    [94] = "exit_group",
    [95] = "waitid",
    [96] = "set_tid_address",
    [97] = "unshare",
    [98] = "futex",
    [99] = "set_robust_list",
    [100] = "get_robust_list",
    [101] = "nanosleep",
    [102] = "getitimer",
    [103] = "setitimer",
    [104] = "kexec_load",
    [105] = "init_module",
    [106] = "delete_module",
    [107] = "timer_create",
    [108] = "timer_gettime",
    [109] = "timer_getoverrun",
    [110] = "timer_settime",
    [111] = "timer_delete",
    [112] = "clock_settime",
    [113] = "clock_gettime",
    [114] = "clock_getres",
    [115] = "clock_nanosleep",
    [116] = "syslog",
    [117] = "ptrace",
    [118] = "sched_setparam",
    [119] = "sched_setscheduler",
    [120] = "sched_getscheduler",
    [121] = "sched_getparam",
    [122] = "sched_setaffinity",
    [123] = "sched_getaffinity",
    [124] = "sched_yield",
    [125] = "sched_get_priority_max",
    [126] = "sched_get_priority_min",
    [127] = "sched_rr_get_interval",
    [128] = "restart_syscall",
    [129] = "kill",
    [130] = "tkill",
    [131] = "tgkill",
    [132] = "sigaltstack",
    [133] = "rt_sigsuspend",
    [134] = "rt_sigaction",
    [135] = "rt_sigprocmask",
    [136] = "rt_sigpending",
    [137] = "rt_sigtimedwait",
    [138] = "rt_sigqueueinfo",
    [139] = "rt_sigreturn",
    [140] = "setpriority",
    [141] = "getpriority",
    [142] = "reboot",
    [143] = "setregid",
    [144] = "setgid",
    [145] = "setreuid",
    [146] = "setuid",
    [147] = "setresuid",
    [148] = "getresuid",
    [149] = "setresgid",
    [150] = "getresgid",
    [151] = "setfsuid",
    [152] = "setfsgid",
    [153] = "times",
    [154] = "setpgid",
    [155] = "getpgid",
    [156] = "getsid",
    [157] = "setsid",
    [158] = "getgroups",
    [159] = "setgroups",
    [160] = "uname",
    [161] = "sethostname",
    [162] = "setdomainname",
    [163] = "getrlimit",
    [164] = "setrlimit",
    [165] = "getrusage",
    [166] = "umask",
    [167] = "prctl",
    [168] = "getcpu",
    [169] = "gettimeofday",
    [170] = "settimeofday",
    [171] = "adjtimex",
    [172] = "getpid",
    [173] = "getppid",
    [174] = "getuid",
    [175] = "geteuid",
    [176] = "getgid",
    [177] = "getegid",
    [178] = "gettid",
    [179] = "sysinfo",
    [180] = "mq_open",
    [181] = "mq_unlink",
    [182] = "mq_timedsend",
    [183] = "mq_timedreceive",
    [184] = "mq_notify",
    [185] = "mq_getsetattr",
    [186] = "msgget",
    [187] = "msgctl",
    [188] = "msgrcv",
    [189] = "msgsnd",
    [190] = "semget",
    [191] = "semctl",
    [192] = "semtimedop",
    [193] = "semop",
    [194] = "shmget",
    [195] = "shmctl",
    [196] = "shmat",
    [197] = "shmdt",
    [198] = "socket",
    [199] = "socketpair",
    [200] = "bind",
    [201] = "listen",
    [202] = "accept",
    [203] = "connect",
    [204] = "getsockname",
    [205] = "getpeername",
    [206] = "sendto",
    [207] = "recvfrom",
    [208] = "setsockopt",
    [209] = "getsockopt",
    [210] = "shutdown",
    [211] = "sendmsg",
    [212] = "recvmsg",
    [213] = "readahead",
    [214] = "brk",
    [215] = "munmap",
    [216] = "mremap",
    [217] = "add_key",
    [218] = "request_key",
    [219] = "keyctl",
    [220] = "clone",
    [221] = "execve",
    [222] = "mmap",
    [223] = "fadvise64",
    [224] = "swapon",
    [225] = "swapoff",
    [226] = "mprotect",
    [227] = "msync",
    [228] = "mlock",
    [229] = "munlock",
    [230] = "mlockall",
    [231] = "munlockall",
    [232] = "mincore",
    [233] = "madvise",
    [234] = "remap_file_pages",
    [235] = "mbind",
    [236] = "get_mempolicy",
    [237] = "set_mempolicy",
    [238] = "migrate_pages",
    [239] = "move_pages",
    [240] = "rt_tgsigqueueinfo",
    [241] = "perf_event_open",
    [242] = "accept4",
    [243] = "recvmmsg",
    [258] = "riscv_hwprobe",
    [259] = "riscv_flush_icache",
    [260] = "wait4",
    [261] = "prlimit64",
    [262] = "fanotify_init",
    [263] = "fanotify_mark",
    [264] = "name_to_handle_at",
    [265] = "open_by_handle_at",
    [266] = "clock_adjtime",
    [267] = "syncfs",
    [268] = "setns",
    [269] = "sendmmsg",
    [270] = "process_vm_readv",
    [271] = "process_vm_writev",
    [272] = "kcmp",
    [273] = "finit_module",
    [274] = "sched_setattr",
    [275] = "sched_getattr",
    [276] = "renameat2",
    [277] = "seccomp",
    [278] = "getrandom",
    [279] = "memfd_create",
    [280] = "bpf",
    [281] = "execveat",
    [282] = "userfaultfd",
    [283] = "membarrier",
    [284] = "mlock2",
    [285] = "copy_file_range",
    [286] = "preadv2",
    [287] = "pwritev2",
    [288] = "pkey_mprotect",
    [289] = "pkey_alloc",
    [290] = "pkey_free",
    [291] = "statx",
    [292] = "io_pgetevents",
    [293] = "rseq",
    [294] = "kexec_file_load",
    [424] = "pidfd_send_signal",
    [425] = "io_uring_setup",
    [426] = "io_uring_enter",
    [427] = "io_uring_register",
    [428] = "open_tree",
    [429] = "move_mount",
    [430] = "fsopen",
    [431] = "fsconfig",
    [432] = "fsmount",
    [433] = "fspick",
    [434] = "pidfd_open",
    [435] = "clone3",
    [436] = "close_range",
    [437] = "openat2",
    [438] = "pidfd_getfd",
    [439] = "faccessat2",
    [440] = "process_madvise",
    [441] = "epoll_pwait2",
    [442] = "mount_setattr",
    [443] = "quotactl_fd",
    [444] = "landlock_create_ruleset",
    [445] = "landlock_add_rule",
    [446] = "landlock_restrict_self",
    [447] = "memfd_secret",
    [448] = "process_mrelease",
    [449] = "futex_waitv",
    [450] = "set_mempolicy_home_node",
    [451] = "cachestat",
    [452] = "fchmodat2",
    [453] = "map_shadow_stack",
    [454] = "futex_wake",
    [455] = "futex_wait",
    [456] = "futex_requeue",
    [457] = "statmount",
    [458] = "listmount",
    [459] = "lsm_get_self_attr",
    [460] = "lsm_set_self_attr",
    [461] = "lsm_list_self_attrs",
    [462] = "mseal",
};

/* The private syscall of <mmsim/guest.h> (contract there and in
 * docs/GUEST.md). */
#define MMSIM_SYSCALL_NR 0x4d4d0ULL
#define MMSIM_OP_ROI_BEGIN 0
#define MMSIM_OP_ROI_END 1
#define MMSIM_OP_QUERY 2
#define MMSIM_MAGIC 0x6d6d73696dLL     /* "mmsim" */

const char *syscall_name(uint64_t nr)
{
    if (nr == MMSIM_SYSCALL_NR)
        return "mmsim";
    return nr < ARRAY_SIZE(syscall_names) ? syscall_names[nr] : NULL;
}

/* ROI begin resets every counter and histogram of the machine (gauges, such
 * as the CPU clocks and resident pages, keep their values) after this call
 * was counted, so the dump at exit shows the counts since the begin; begin
 * and end record the calling CPU's cycle in the roi.* gauges.  ROI end
 * snapshots the statistics: the reports show the last snapshot (counting
 * goes on underneath; mmsim_stats_reset drops it). */
static int64_t sys_mmsim(struct task *t, const uint64_t *a)
{
    struct guest_kernel *k = t->k;
    switch (a[0]) {
    case MMSIM_OP_ROI_BEGIN:
        /* Fast-forward ends here (mmsim_timing ROI). */
        if (k->timing == MMSIM_TIMING_ROI && !k->timed && kernel_timing_set(k, true))
            return -ENOMEM;
        /* Before the reset: the harness may read the warm-up's counts. */
        machine_notify_roi(k->m, 1, t->cpu, t->hart->cycle);
        stats_reset(k->m->stats);
        k->roi_begin_cycle = t->hart->cycle;
        k->roi_end_cycle = 0;
        return 0;
    case MMSIM_OP_ROI_END:
        /* Counters as of this call: what the reports show from now on. */
        k->roi_end_cycle = t->hart->cycle;
        /* As on entry: this call is not counted in the region. */
        k->nr_syscalls--;
        int rc = stats_snapshot(k->m->stats);
        k->nr_syscalls++;
        machine_notify_roi(k->m, 0, t->cpu, k->roi_end_cycle);
        return rc == MMSIM_OK ? 0 : -ENOMEM;
    case MMSIM_OP_QUERY:
        return MMSIM_MAGIC;
    default:
        return -EINVAL;
    }
}

static sys_fn *const syscall_table[] = {
    [17] = sys_getcwd, [23] = sys_dup, [24] = sys_dup3, [25] = sys_fcntl,
    [29] = sys_ioctl, [34] = sys_mkdirat, [35] = sys_unlinkat, [36] = sys_symlinkat,
    [37] = sys_linkat, [43] = sys_statfs, [44] = sys_fstatfs, [45] = sys_truncate,
    [46] = sys_ftruncate, [48] = sys_faccessat, [49] = sys_chdir, [52] = sys_fchmod,
    [53] = sys_fchmodat, [54] = sys_fchownat, [56] = sys_openat, [57] = sys_close,
    [59] = sys_pipe2, [61] = sys_getdents64, [62] = sys_lseek, [63] = sys_read,
    [64] = sys_write, [65] = sys_readv, [66] = sys_writev, [67] = sys_pread64,
    [68] = sys_pwrite64, [78] = sys_readlinkat, [79] = sys_newfstatat, [80] = sys_fstat,
    [82] = sys_fsync, [83] = sys_fsync, [88] = sys_utimensat,
    [93] = sys_exit, [94] = sys_exit_group, [96] = sys_set_tid_address,
    [98] = sys_futex, [99] = sys_set_robust_list, [101] = sys_nanosleep,
    [113] = sys_clock_gettime, [114] = sys_clock_getres, [115] = sys_clock_nanosleep,
    [122] = sys_sched_setaffinity, [123] = sys_sched_getaffinity, [124] = sys_sched_yield,
    [129] = sys_kill, [130] = sys_tkill, [131] = sys_tgkill, [132] = sys_sigaltstack,
    [134] = sys_rt_sigaction, [135] = sys_rt_sigprocmask, [136] = sys_rt_sigpending,
    [139] = sys_rt_sigreturn, [153] = sys_times, [154] = sys_setpgid, [155] = sys_getpgid,
    [156] = sys_getsid, [160] = sys_uname, [163] = sys_getrlimit, [164] = sys_setrlimit,
    [165] = sys_getrusage, [166] = sys_umask, [167] = sys_prctl, [168] = sys_getcpu,
    [169] = sys_gettimeofday, [172] = sys_getpid, [173] = sys_getppid, [174] = sys_getuid,
    [175] = sys_geteuid, [176] = sys_getgid, [177] = sys_getegid, [178] = sys_gettid,
    [148] = sys_getresuid, [158] = sys_getgroups, [140] = sys_setpriority,
    [141] = sys_getpriority, [150] = sys_getresgid, [179] = sys_sysinfo,
    [214] = sys_brk, [215] = sys_munmap, [216] = sys_mremap, [222] = sys_mmap,
    [226] = sys_mprotect, [227] = sys_msync, [228] = sys_mlock, [229] = sys_mlock,
    [230] = sys_mlock, [231] = sys_mlock, [233] = sys_madvise,
    [259] = sys_riscv_flush_icache, [260] = sys_wait4, [261] = sys_prlimit64,
    [276] = sys_renameat2, [278] = sys_getrandom, [291] = sys_statx, [293] = sys_rseq,
    [439] = sys_faccessat2, [73] = sys_ppoll, [223] = sys_fadvise64, [81] = sys_sync,
    [47] = sys_fallocate, [220] = sys_clone, [435] = sys_clone3,
    [235] = sys_mbind, [236] = sys_get_mempolicy, [237] = sys_set_mempolicy,
    [238] = sys_migrate_pages, [239] = sys_move_pages,
};

static void unknown(struct task *t, uint64_t nr, uint64_t pc)
{
    struct guest_kernel *k = t->k;
    k->nr_unknown++;
    bool first = true;
    if (nr < sizeof(k->unknown_seen) * 8) {
        first = !(k->unknown_seen[nr / 8] & (1u << (nr % 8)));
        k->unknown_seen[nr / 8] |= (uint8_t)(1u << (nr % 8));
    } else {
        for (unsigned i = 0; i < k->nr_unknown_big && first; i++)
            first = k->unknown_big[i] != nr;
        if (first && k->nr_unknown_big < ARRAY_SIZE(k->unknown_big))
            k->unknown_big[k->nr_unknown_big++] = nr;
        /* XXX: beyond 32 distinct huge numbers, each call warns again. */
    }
    if (first && k->diag) {
        const char *name = syscall_name(nr);
        fprintf(k->diag, "mmsim: warning: unknown syscall %" PRIu64 "%s%s%s (pc 0x%" PRIx64
                ") returns ENOSYS\n", nr, name ? " (" : "", name ? name : "", name ? ")" : "",
                pc);
    }
}

void syscall_handle(struct task *t)
{
    struct hart *h = t->hart;
    uint64_t nr = h->x[17];
    const uint64_t a[6] = {h->x[10], h->x[11], h->x[12], h->x[13], h->x[14], h->x[15]};
    uint64_t pc = h->pc;
    t->k->nr_syscalls++;
    t->syscalls++;
    t->g->syscalls++;
    /* First touch by a syscall (read into a fresh buffer) is local to the
     * calling thread's node. */
    uint32_t node = topo_cpu_node(t->k->m->topo, t->cpu);
    if (t->mm && node != UINT32_MAX)
        t->mm->local_node = node;
    h->pc += 4;     /* past the ecall; rt_sigreturn overwrites it */
    int64_t r;
    sys_fn *fn = nr < ARRAY_SIZE(syscall_table) ? syscall_table[nr]
                 : nr == MMSIM_SYSCALL_NR ? sys_mmsim : NULL;
    if (fn) {
        r = fn(t, a);
    } else {
        unknown(t, nr, pc);
        r = -ENOSYS;
    }
    if (r != SYS_NORETURN)
        h->x[10] = (uint64_t)r;
    if (t->mm)
        kernel_charge_faults(t->k, t->mm, t->cpu);     /* faults on the syscall's copies */
    if (t->k->trace) {
        const char *name = syscall_name(nr);
        fprintf(t->k->trace, "ecall %s(0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64 ") = ",
                name ? name : "?", a[0], a[1], a[2]);
        if (r == SYS_NORETURN)
            fprintf(t->k->trace, "?\n");
        else
            fprintf(t->k->trace, "%" PRId64 "\n", r);
    }
}
