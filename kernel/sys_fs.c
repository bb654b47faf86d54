/* File syscalls: the host's files, passed through as qemu-riscv64 and
 * gem5's SE mode do, with guest fds mapped to host fds by the task's table.
 * Guest buffers are handed to the host as iovecs of the frames behind them,
 * so a read or write is one host call and never copies twice. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/mman.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/vfs.h>
#include <termios.h>
#include <unistd.h>

#include "cpu/hart.h"
#include "internal.h"
#include "kernel/fs.h"
#include "kernel/mm.h"
#include "kernel/syscall.h"

#define IOV_CAP 1024
#define SIGPIPE_NR 13

static int64_t rw_result(struct task *t, ssize_t r, bool write)
{
    if (r < 0 && errno == EPIPE && write)
        signal_send(t, SIGPIPE_NR);
    return SYS_RET(r);
}

/* Bytes handed to the host per call: bounds the frames a huge request
 * demand-allocates before any data moves. */
#define RW_CHUNK (16u << 20)

/* After a full chunk, may the transfer go on with another host call?  A
 * write goes on (Linux writes a blocking pipe or device until done) unless
 * the fd is O_NONBLOCK; a read only on a regular file (a pipe or terminal
 * could block where Linux would have returned what it had). */
static bool may_continue(int fd, bool write)
{
    if (write) {
        int fl = fcntl(fd, F_GETFL);
        return fl >= 0 && !(fl & O_NONBLOCK);
    }
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

/* read/write/pread64/pwrite64.  The guest buffer may need more iovecs than
 * one host call takes (frames need not be contiguous), so the transfer
 * loops until it is complete or the host returns short, as one Linux call
 * would be for a regular file. */
static int64_t do_rw(struct task *t, uint64_t gfd, uint64_t buf, uint64_t len, bool write,
                     int64_t off, bool positional)
{
    int fd = task_fd(t, (int64_t)gfd);
    if (fd < 0)
        return fd;
    if ((int64_t)len < 0 || (positional && off < 0))
        return -EINVAL;
    struct iovec iov[IOV_CAP];
    uint64_t total = 0;
    do {
        uint64_t want = len - total < RW_CHUNK ? len - total : RW_CHUNK;
        size_t covered;
        /* A read(2) by the guest writes guest memory: it needs W. */
        int n = mm_iov(t->mm, buf + total, want, write ? HART_READ : HART_WRITE, iov, IOV_CAP,
                       &covered);
        if (want && n == 0)
            return total ? (int64_t)total : -EFAULT;
        ssize_t r;
        int64_t pos = off + (int64_t)total;
        if (write)
            r = positional ? pwritev(fd, iov, n, pos) : writev(fd, iov, n);
        else
            r = positional ? preadv(fd, iov, n, pos) : readv(fd, iov, n);
        if (r < 0)
            return total ? (int64_t)total : rw_result(t, r, write);
        total += (uint64_t)r;
        if ((size_t)r < covered || r == 0)
            break;
        if (total < len && !may_continue(fd, write))
            break;
    } while (total < len);
    return (int64_t)total;
}

int64_t sys_read(struct task *t, const uint64_t *a)
{
    return do_rw(t, a[0], a[1], a[2], false, 0, false);
}

int64_t sys_write(struct task *t, const uint64_t *a)
{
    return do_rw(t, a[0], a[1], a[2], true, 0, false);
}

int64_t sys_pread64(struct task *t, const uint64_t *a)
{
    return do_rw(t, a[0], a[1], a[2], false, (int64_t)a[3], true);
}

int64_t sys_pwrite64(struct task *t, const uint64_t *a)
{
    return do_rw(t, a[0], a[1], a[2], true, (int64_t)a[3], true);
}

/* readv/writev: the guest iovecs are validated first, then transferred in
 * host calls of at most RW_CHUNK bytes (bounding the frames demand-allocated
 * ahead of the data), continuing as do_rw does.  An inaccessible buffer
 * ends the transfer there (-EFAULT if nothing moved). */
static int64_t do_rwv(struct task *t, const uint64_t *a, bool write)
{
    int fd = task_fd(t, (int64_t)a[0]);
    if (fd < 0)
        return fd;
    uint64_t cnt = a[2];
    if (cnt > IOV_CAP)
        return -EINVAL;
    static_assert(sizeof(uint64_t[2]) == 16, "guest iovec");
    uint64_t (*g)[2] = malloc((cnt ? cnt : 1) * sizeof(*g));
    if (!g)
        return -ENOMEM;
    int64_t ret = 0;
    uint64_t sum = 0;
    if (cnt && mm_copy_in(t->mm, g, a[1], cnt * sizeof(*g)))
        ret = -EFAULT;
    for (uint64_t i = 0; i < cnt && !ret; i++) {
        if ((int64_t)g[i][1] < 0 || (sum += g[i][1]) > (uint64_t)INT64_MAX)
            ret = -EINVAL;
    }
    if (ret) {
        free(g);
        return ret;
    }
    struct iovec iov[IOV_CAP];
    /* A read(2)-like call writes guest memory: it needs W. */
    int acc = write ? HART_READ : HART_WRITE;
    uint64_t total = 0, i = 0, off = 0;
    for (bool first = true;; first = false) {
        int n = 0;
        uint64_t want = 0;
        bool fault = false;
        while (i < cnt && n < IOV_CAP && want < RW_CHUNK && !fault) {
            uint64_t left = g[i][1] - off;
            if (!left) {
                i++;
                off = 0;
                continue;
            }
            uint64_t take = left < RW_CHUNK - want ? left : RW_CHUNK - want;
            size_t covered;
            n += mm_iov(t->mm, g[i][0] + off, take, acc, iov + n, IOV_CAP - n, &covered);
            want += covered;
            off += covered;
            fault = covered < take && n < IOV_CAP;
        }
        if (!want && !first) {
            ret = fault && !total ? -EFAULT : (int64_t)total;
            break;
        }
        if (!want && fault) {
            ret = -EFAULT;
            break;
        }
        ssize_t r = write ? writev(fd, iov, n) : readv(fd, iov, n);
        if (r < 0) {
            ret = total ? (int64_t)total : rw_result(t, r, write);
            break;
        }
        total += (uint64_t)r;
        ret = (int64_t)total;
        if ((uint64_t)r < want || r == 0 || fault || total >= sum ||
            !may_continue(fd, write))
            break;
    }
    free(g);
    return ret;
}

int64_t sys_readv(struct task *t, const uint64_t *a)
{
    return do_rwv(t, a, false);
}

int64_t sys_writev(struct task *t, const uint64_t *a)
{
    return do_rwv(t, a, true);
}

int64_t sys_lseek(struct task *t, const uint64_t *a)
{
    int fd = task_fd(t, (int64_t)a[0]);
    if (fd < 0)
        return fd;
    off_t r = lseek(fd, (off_t)a[1], (int)a[2]);
    return SYS_RET(r);
}

/* /proc/self/maps of the guest's address space, as an anonymous host file
 * in Linux's format (no device/inode: these are not file mappings). */
static int open_maps(struct task *t)
{
    int h = memfd_create("maps", MFD_CLOEXEC);
    if (h < 0)
        return -errno;
    FILE *f = fdopen(dup(h), "w");
    if (!f) {
        close(h);
        return -ENOMEM;
    }
    for (const struct vma *v = t->mm->vmas; v; v = v->next)
        fprintf(f, "%08" PRIx64 "-%08" PRIx64 " %c%c%c%c 00000000 00:00 0%s%s\n", v->start,
                v->end, (v->prot & MM_PROT_R) ? 'r' : '-', (v->prot & MM_PROT_W) ? 'w' : '-',
                (v->prot & MM_PROT_X) ? 'x' : '-', (v->flags & VMA_SHARED) ? 's' : 'p',
                v->name[0] ? "                          " : "", v->name);
    fclose(f);
    lseek(h, 0, SEEK_SET);
    return task_fd_install(t, h, KFD_OWNED, 0);
}

#define PROC_FS_MAGIC 0x9fa0     /* statfs f_type of procfs */

/* Host files are passed through, but the host's /proc describes the
 * simulator's process, not the guest's: its mem file is the simulator's
 * own memory (not the guest's address space, which it does not map at
 * guest addresses), and writing its other files (clear_refs,
 * oom_score_adj, comm, ...) would act on the simulator.  Refused, checked
 * on the file the host opened, so that no spelling, symlink or directory
 * fd gets around it: any process's mem (the guest's pids are not the
 * host's), and this process's files opened for writing.  Reading the
 * others stays allowed (they describe the simulator; the guest's own
 * maps, numa_maps and exe are emulated before the host sees the path:
 * sys_openat, fs_resolve).  Linux refuses such an open with EACCES when
 * ptrace access is denied, which is what the guest sees. */
static bool proc_refused(struct task *t, int h, int flags)
{
    struct statfs sf;
    if (fstatfs(h, &sf) != 0 || sf.f_type != PROC_FS_MAGIC)
        return false;
    char link[64], path[256];
    mmsim_fmt(link, sizeof(link), "/proc/self/fd/%d", h);
    ssize_t n = readlink(link, path, sizeof(path) - 1);
    if (n <= 0)
        return true;    /* a procfs file we cannot name: not worth the risk */
    path[n] = '\0';
    const char *base = strrchr(path, '/');
    bool refuse = base && strcmp(base, "/mem") == 0;
    if (!refuse && (flags & O_ACCMODE) != O_RDONLY) {
        char own[32];
        int l = snprintf(own, sizeof(own), "/proc/%ld/", (long)getpid());
        refuse = l > 0 && strncmp(path, own, (size_t)l) == 0;
    }
    if (refuse && !t->k->proc_refused_seen && t->k->diag) {
        t->k->proc_refused_seen = true;
        fprintf(t->k->diag, "mmsim: warning: the guest opened the host's %s%s; refused (EACCES):"
                " the host's /proc describes the simulator, not the guest\n", path,
                (flags & O_ACCMODE) != O_RDONLY ? " for writing" : "");
    }
    return refuse;
}

int64_t sys_openat(struct task *t, const uint64_t *a)
{
    char path[FS_PATH_MAX];
    int dfd;
    char gpath[32];
    if (mm_strncpy_in(t->mm, gpath, a[1], sizeof(gpath)) > 0) {
        if (fs_is_own_proc(t, gpath, "maps"))
            return open_maps(t);
        if (fs_is_own_proc(t, gpath, "numa_maps")) {
            int h = fs_open_numa_maps(t);
            return h < 0 ? h : task_fd_install(t, h, KFD_OWNED, 0);
        }
    }
    int rc = fs_user_path(t, (int64_t)a[0], a[1], false, &dfd, path, sizeof(path));
    if (rc)
        return rc;
    int flags = (int)a[2];
    /* The process's umask (the host's still applies on top of it). */
    int h = openat(dfd, path, flags | O_CLOEXEC, (mode_t)(a[3] & ~(uint64_t)t->g->umask));
    if (h < 0)
        return -errno;
    if (proc_refused(t, h, flags)) {
        close(h);
        return -EACCES;
    }
    struct stat st;
    unsigned kf = KFD_OWNED | ((flags & O_CLOEXEC) ? KFD_CLOEXEC : 0);
    if (fstat(h, &st) == 0 && S_ISDIR(st.st_mode))
        kf |= KFD_DIR;
    return task_fd_install(t, h, kf, 0);
}

int64_t sys_close(struct task *t, const uint64_t *a)
{
    return task_fd_close(t, (int64_t)a[0]);
}

int64_t sys_dup(struct task *t, const uint64_t *a)
{
    int fd = task_fd(t, (int64_t)a[0]);
    if (fd < 0)
        return fd;
    int h = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (h < 0)
        return -errno;
    return task_fd_install(t, h, KFD_OWNED, 0);
}

int64_t sys_dup3(struct task *t, const uint64_t *a)
{
    int64_t oldfd = (int32_t)a[0], newfd = (int32_t)a[1];
    int fd = task_fd(t, oldfd);
    if (fd < 0)
        return fd;
    if (oldfd == newfd || (a[2] & ~(uint64_t)O_CLOEXEC))
        return -EINVAL;
    if (newfd < 0 || newfd >= KFD_MAX)
        return -EBADF;
    int h = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (h < 0)
        return -errno;
    task_fd_close(t, newfd);
    t->g->fds[newfd].host = h;
    t->g->fds[newfd].flags = KFD_OWNED | ((a[2] & O_CLOEXEC) ? KFD_CLOEXEC : 0);
    return newfd;
}

int64_t sys_fcntl(struct task *t, const uint64_t *a)
{
    int64_t gfd = (int32_t)a[0];
    int fd = task_fd(t, gfd);
    if (fd < 0)
        return fd;
    int cmd = (int)a[1];
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
        if ((int64_t)a[2] < 0 || a[2] >= KFD_MAX)
            return -EINVAL;
        int h = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (h < 0)
            return -errno;
        return task_fd_install(t, h, KFD_OWNED | (cmd == F_DUPFD_CLOEXEC ? KFD_CLOEXEC : 0),
                               (int)a[2]);
    }
    case F_GETFD:
        return (t->g->fds[gfd].flags & KFD_CLOEXEC) ? FD_CLOEXEC : 0;
    case F_SETFD:
        t->g->fds[gfd].flags = (t->g->fds[gfd].flags & ~KFD_CLOEXEC) |
                            ((a[2] & FD_CLOEXEC) ? KFD_CLOEXEC : 0);
        return 0;
    case F_GETFL:
        return SYS_RET(fcntl(fd, F_GETFL));
    case F_SETFL:
        return SYS_RET(fcntl(fd, F_SETFL, (int)a[2]));
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW: {
        /* struct flock: the same 32-byte layout on x86-64 and riscv64. */
        struct flock fl;
        _Static_assert(sizeof(struct flock) == 32, "struct flock layout");
        if (mm_copy_in(t->mm, &fl, a[2], sizeof(fl)))
            return -EFAULT;
        if (fcntl(fd, cmd, &fl) < 0)
            return -errno;
        if ((cmd == F_GETLK || cmd == F_OFD_GETLK) && mm_copy_out(t->mm, a[2], &fl, sizeof(fl)))
            return -EFAULT;
        return 0;
    }
    default:
        return -EINVAL;     /* XXX: leases, pipe sizes, seals */
    }
}

/* ioctl: the terminal requests glibc and ordinary programs make.  Their
 * structures (asm-generic termios: 36 bytes, winsize: 8) and request
 * numbers are the same on x86-64 and riscv64. */
int64_t sys_ioctl(struct task *t, const uint64_t *a)
{
    int fd = task_fd(t, (int64_t)a[0]);
    if (fd < 0)
        return fd;
    unsigned long req = (unsigned long)(uint32_t)a[1];
    uint8_t buf[64];
    size_t in = 0, out = 0;
    switch (req) {
    case TCGETS: out = 36; break;
    case TCSETS: case TCSETSW: case TCSETSF: in = 36; break;
    case TIOCGWINSZ: out = 8; break;
    case TIOCSWINSZ: in = 8; break;
    case TIOCGPGRP: case FIONREAD: out = 4; break;
    case FIONBIO: in = 4; break;
    default: return -ENOTTY;        /* XXX: other requests are not passed through */
    }
    memset(buf, 0, sizeof(buf));
    if (in && mm_copy_in(t->mm, buf, a[2], in))
        return -EFAULT;
    int r = ioctl(fd, req, buf);
    if (r < 0)
        return -errno;
    if (out && mm_copy_out(t->mm, a[2], buf, out))
        return -EFAULT;
    return r;
}

static int64_t stat_out(struct task *t, uint64_t ubuf, const struct stat *st)
{
    struct riscv_stat rs;
    fs_stat_to_riscv(st, &rs);
    return mm_copy_out(t->mm, ubuf, &rs, sizeof(rs)) ? -EFAULT : 0;
}

int64_t sys_fstat(struct task *t, const uint64_t *a)
{
    int fd = task_fd(t, (int64_t)a[0]);
    if (fd < 0)
        return fd;
    struct stat st;
    if (fstat(fd, &st))
        return -errno;
    return stat_out(t, a[1], &st);
}

int64_t sys_newfstatat(struct task *t, const uint64_t *a)
{
    char path[FS_PATH_MAX];
    int dfd, flags = (int)a[3];
    int rc = fs_user_path(t, (int64_t)a[0], a[1], flags & AT_EMPTY_PATH, &dfd, path,
                          sizeof(path));
    if (rc)
        return rc;
    struct stat st;
    if (fstatat(dfd, path, &st, flags))
        return -errno;
    return stat_out(t, a[2], &st);
}

int64_t sys_statx(struct task *t, const uint64_t *a)
{
    char path[FS_PATH_MAX];
    int dfd, flags = (int)a[2];
    int rc = fs_user_path(t, (int64_t)a[0], a[1], flags & AT_EMPTY_PATH, &dfd, path,
                          sizeof(path));
    if (rc)
        return rc;
    /* struct statx has the same 256-byte layout on every architecture. */
    uint8_t buf[256];
    if (syscall(SYS_statx, dfd, path, flags, (unsigned)a[3], buf) < 0)
        return -errno;
    return mm_copy_out(t->mm, a[4], buf, sizeof(buf)) ? -EFAULT : 0;
}

int64_t sys_getdents64(struct task *t, const uint64_t *a)
{
    int fd = task_fd(t, (int64_t)a[0]);
    if (fd < 0)
        return fd;
    size_t count = a[2] > (1u << 20) ? (1u << 20) : (size_t)a[2];
    void *buf = malloc(count ? count : 1);
    if (!buf)
        return -ENOMEM;
    /* struct linux_dirent64 is architecture independent. */
    long r = syscall(SYS_getdents64, fd, buf, count);
    int64_t ret = SYS_RET(r);
    if (r > 0 && mm_copy_out(t->mm, a[1], buf, (size_t)r))
        ret = -EFAULT;
    free(buf);
    return ret;
}

int64_t sys_readlinkat(struct task *t, const uint64_t *a)
{
    char gpath[FS_PATH_MAX], path[FS_PATH_MAX], out[FS_PATH_MAX];
    long n = mm_strncpy_in(t->mm, gpath, a[1], sizeof(gpath));
    if (n < 0)
        return n;
    if ((int64_t)a[3] <= 0)
        return -EINVAL;
    ssize_t r;
    if (fs_is_own_proc(t, gpath, "exe")) {
        if (!t->g->exe)
            return -ENOENT;
        /* Straight from the string: it may be longer than any buffer. */
        size_t len = strlen(t->g->exe);
        if (len > a[3])
            len = (size_t)a[3];
        return mm_copy_out(t->mm, a[2], t->g->exe, len) ? -EFAULT : (int64_t)len;
    } else {
        int dfd;
        int rc = fs_resolve(t, (int64_t)a[0], gpath, &dfd, path, sizeof(path));
        if (rc)
            return rc;
        r = readlinkat(dfd, path, out, sizeof(out));
        if (r < 0)
            return -errno;
    }
    if ((uint64_t)r > a[3])
        r = (ssize_t)a[3];
    return mm_copy_out(t->mm, a[2], out, (size_t)r) ? -EFAULT : r;
}

static int64_t do_access(struct task *t, const uint64_t *a, int flags)
{
    char path[FS_PATH_MAX];
    int dfd;
    int rc = fs_user_path(t, (int64_t)a[0], a[1], flags & AT_EMPTY_PATH, &dfd, path,
                          sizeof(path));
    if (rc)
        return rc;
    return SYS_RET(faccessat(dfd, path, (int)a[2], flags));
}

int64_t sys_faccessat(struct task *t, const uint64_t *a)
{
    return do_access(t, a, 0);
}

int64_t sys_faccessat2(struct task *t, const uint64_t *a)
{
    return do_access(t, a, (int)a[3]);
}

int64_t sys_getcwd(struct task *t, const uint64_t *a)
{
    size_t n = strlen(t->g->cwd) + 1;
    if (a[1] < n)
        return -ERANGE;
    return mm_copy_out(t->mm, a[0], t->g->cwd, n) ? -EFAULT : (int64_t)n;
}

int64_t sys_chdir(struct task *t, const uint64_t *a)
{
    char gpath[FS_PATH_MAX], path[FS_PATH_MAX];
    long n = mm_strncpy_in(t->mm, gpath, a[0], sizeof(gpath));
    if (n < 0)
        return n;
    if (n == 0)
        return -ENOENT;
    int dfd;
    int rc = fs_resolve(t, FS_AT_FDCWD, gpath, &dfd, path, sizeof(path));
    if (rc)
        return rc;
    struct stat st;
    if (stat(path, &st))
        return -errno;
    if (!S_ISDIR(st.st_mode))
        return -ENOTDIR;
    char *cwd;
    if (t->k->root) {
        char joined[FS_PATH_MAX * 2], norm[FS_PATH_MAX];
        if (gpath[0] == '/')
            mmsim_fmt(joined, sizeof(joined), "%s", gpath);
        else
            mmsim_fmt(joined, sizeof(joined), "%s/%s", t->g->cwd, gpath);
        if (fs_normalize(joined, norm, sizeof(norm)))
            return -ENAMETOOLONG;
        cwd = mmsim_strdup(norm);
    } else {
        cwd = realpath(path, NULL);
    }
    if (!cwd)
        return -ENOMEM;
    free(t->g->cwd);
    t->g->cwd = cwd;
    return 0;
}

int64_t sys_mkdirat(struct task *t, const uint64_t *a)
{
    char path[FS_PATH_MAX];
    int dfd;
    int rc = fs_user_path(t, (int64_t)a[0], a[1], false, &dfd, path, sizeof(path));
    if (rc)
        return rc;
    return SYS_RET(mkdirat(dfd, path, (mode_t)(a[2] & ~(uint64_t)t->g->umask)));
}

int64_t sys_unlinkat(struct task *t, const uint64_t *a)
{
    char path[FS_PATH_MAX];
    int dfd;
    int rc = fs_user_path(t, (int64_t)a[0], a[1], false, &dfd, path, sizeof(path));
    if (rc)
        return rc;
    return SYS_RET(unlinkat(dfd, path, (int)a[2]));
}

int64_t sys_renameat2(struct task *t, const uint64_t *a)
{
    char from[FS_PATH_MAX], to[FS_PATH_MAX];
    int dfrom, dto;
    int rc = fs_user_path(t, (int64_t)a[0], a[1], false, &dfrom, from, sizeof(from));
    if (!rc)
        rc = fs_user_path(t, (int64_t)a[2], a[3], false, &dto, to, sizeof(to));
    if (rc)
        return rc;
    return SYS_RET(renameat2(dfrom, from, dto, to, (unsigned)a[4]));
}

int64_t sys_symlinkat(struct task *t, const uint64_t *a)
{
    char target[FS_PATH_MAX], path[FS_PATH_MAX];
    long n = mm_strncpy_in(t->mm, target, a[0], sizeof(target));
    if (n < 0)
        return n;
    int dfd;
    int rc = fs_user_path(t, (int64_t)a[1], a[2], false, &dfd, path, sizeof(path));
    if (rc)
        return rc;
    return SYS_RET(symlinkat(target, dfd, path));
}

int64_t sys_linkat(struct task *t, const uint64_t *a)
{
    char from[FS_PATH_MAX], to[FS_PATH_MAX];
    int dfrom, dto;
    int rc = fs_user_path(t, (int64_t)a[0], a[1], a[4] & AT_EMPTY_PATH, &dfrom, from,
                          sizeof(from));
    if (!rc)
        rc = fs_user_path(t, (int64_t)a[2], a[3], false, &dto, to, sizeof(to));
    if (rc)
        return rc;
    return SYS_RET(linkat(dfrom, from, dto, to, (int)a[4]));
}

int64_t sys_truncate(struct task *t, const uint64_t *a)
{
    char path[FS_PATH_MAX];
    int dfd;
    int rc = fs_user_path(t, FS_AT_FDCWD, a[0], false, &dfd, path, sizeof(path));
    if (rc)
        return rc;
    return SYS_RET(truncate(path, (off_t)a[1]));
}

int64_t sys_ftruncate(struct task *t, const uint64_t *a)
{
    int fd = task_fd(t, (int64_t)a[0]);
    if (fd < 0)
        return fd;
    return SYS_RET(ftruncate(fd, (off_t)a[1]));
}

int64_t sys_fchmod(struct task *t, const uint64_t *a)
{
    int fd = task_fd(t, (int64_t)a[0]);
    if (fd < 0)
        return fd;
    return SYS_RET(fchmod(fd, (mode_t)a[1]));
}

int64_t sys_fchmodat(struct task *t, const uint64_t *a)
{
    char path[FS_PATH_MAX];
    int dfd;
    int rc = fs_user_path(t, (int64_t)a[0], a[1], false, &dfd, path, sizeof(path));
    if (rc)
        return rc;
    return SYS_RET(fchmodat(dfd, path, (mode_t)a[2], 0));
}

int64_t sys_fchownat(struct task *t, const uint64_t *a)
{
    char path[FS_PATH_MAX];
    int dfd;
    int rc = fs_user_path(t, (int64_t)a[0], a[1], a[4] & AT_EMPTY_PATH, &dfd, path,
                          sizeof(path));
    if (rc)
        return rc;
    return SYS_RET(fchownat(dfd, path, (uid_t)a[2], (gid_t)a[3], (int)a[4]));
}

int64_t sys_utimensat(struct task *t, const uint64_t *a)
{
    char path[FS_PATH_MAX];
    int dfd;
    int rc;
    if (a[1] == 0) {        /* futimens(fd, times) */
        dfd = task_fd(t, (int64_t)a[0]);
        if (dfd < 0)
            return dfd;
        path[0] = '\0';
        rc = 0;
    } else {
        rc = fs_user_path(t, (int64_t)a[0], a[1], false, &dfd, path, sizeof(path));
    }
    if (rc)
        return rc;
    struct timespec ts[2];
    if (a[2] && mm_copy_in(t->mm, ts, a[2], sizeof(ts)))
        return -EFAULT;
    if (!path[0])
        return SYS_RET(futimens(dfd, a[2] ? ts : NULL));
    return SYS_RET(utimensat(dfd, path, a[2] ? ts : NULL, (int)a[3]));
}

int64_t sys_pipe2(struct task *t, const uint64_t *a)
{
    int h[2];
    if (pipe2(h, (int)a[1] | O_CLOEXEC))
        return -errno;
    unsigned kf = KFD_OWNED | ((a[1] & O_CLOEXEC) ? KFD_CLOEXEC : 0);
    int g0 = task_fd_install(t, h[0], kf, 0);
    if (g0 < 0) {
        close(h[1]);
        return g0;
    }
    int g1 = task_fd_install(t, h[1], kf, 0);
    if (g1 < 0) {
        task_fd_close(t, g0);
        return g1;
    }
    int32_t g[2] = {g0, g1};
    if (mm_copy_out(t->mm, a[0], g, sizeof(g))) {
        task_fd_close(t, g0);
        task_fd_close(t, g1);
        return -EFAULT;
    }
    return 0;
}

int64_t sys_fsync(struct task *t, const uint64_t *a)
{
    int fd = task_fd(t, (int64_t)a[0]);
    if (fd < 0)
        return fd;
    return SYS_RET(fsync(fd));
}

int64_t sys_umask(struct task *t, const uint64_t *a)
{
    /* Per process: the host's umask is global to the harness (two machines
     * would interfere), so it is never changed; see sys_openat. */
    uint32_t old = t->g->umask;
    t->g->umask = (uint32_t)(a[0] & 0777);
    return old;
}

/* struct statfs: the same 120-byte layout on x86-64 and riscv64. */
int64_t sys_statfs(struct task *t, const uint64_t *a)
{
    char path[FS_PATH_MAX];
    int dfd;
    int rc = fs_user_path(t, FS_AT_FDCWD, a[0], false, &dfd, path, sizeof(path));
    if (rc)
        return rc;
    uint8_t buf[120];
    if (syscall(SYS_statfs, path, buf) < 0)
        return -errno;
    return mm_copy_out(t->mm, a[1], buf, sizeof(buf)) ? -EFAULT : 0;
}

int64_t sys_fstatfs(struct task *t, const uint64_t *a)
{
    int fd = task_fd(t, (int64_t)a[0]);
    if (fd < 0)
        return fd;
    uint8_t buf[120];
    if (syscall(SYS_fstatfs, fd, buf) < 0)
        return -errno;
    return mm_copy_out(t->mm, a[1], buf, sizeof(buf)) ? -EFAULT : 0;
}

/* ppoll: struct pollfd and struct timespec have the same layout at host.
 * Guest fds are translated; a negative fd is skipped and an unknown one
 * reports POLLNVAL, as Linux does.  XXX: timeouts are host time, as under
 * qemu-riscv64 (only the no-fd sleep uses simulated time). */
int64_t sys_ppoll(struct task *t, const uint64_t *a)
{
    uint64_t nfds = a[1];
    if (nfds > KFD_MAX)
        return -EINVAL;
    struct timespec ts, *tp = NULL;
    if (a[2]) {
        if (mm_copy_in(t->mm, &ts, a[2], sizeof(ts)))
            return -EFAULT;
        if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
            return -EINVAL;
        tp = &ts;
    }
    if (nfds == 0) {
        if (!tp)
            return -EINTR;  /* XXX: would sleep forever: no signal can come */
        t->hart->cycle += kernel_ns_to_cycles(t->k, (uint64_t)ts.tv_sec * 1000000000ULL +
                                                        (uint64_t)ts.tv_nsec);
        return 0;
    }
    struct pollfd gp[KFD_MAX], hp[KFD_MAX];
    if (mm_copy_in(t->mm, gp, a[0], nfds * sizeof(struct pollfd)))
        return -EFAULT;
    int nval = 0;
    for (uint64_t i = 0; i < nfds; i++) {
        hp[i] = gp[i];
        hp[i].revents = 0;
        if (gp[i].fd < 0)
            continue;
        int h = task_fd(t, gp[i].fd);
        hp[i].fd = h < 0 ? -1 : h;
        if (h < 0) {
            hp[i].revents = POLLNVAL;
            nval++;
        }
    }
    int r;
    if (nval) {
        r = 0;
        for (uint64_t i = 0; i < nfds; i++)
            r += hp[i].revents != 0;
        struct timespec zero = {0, 0};
        int k = ppoll(hp, nfds, &zero, NULL);   /* the valid ones, without waiting */
        if (k > 0)
            r += k;
    } else {
        r = ppoll(hp, nfds, tp, NULL);
        if (r < 0)
            return -errno;
    }
    for (uint64_t i = 0; i < nfds; i++) {
        if (gp[i].fd >= 0 && task_fd(t, gp[i].fd) < 0)
            hp[i].revents = POLLNVAL;
        gp[i].revents = hp[i].revents;
    }
    if (mm_copy_out(t->mm, a[0], gp, nfds * sizeof(struct pollfd)))
        return -EFAULT;
    return r;
}

int64_t sys_fadvise64(struct task *t, const uint64_t *a)
{
    int fd = task_fd(t, (int64_t)a[0]);
    return fd < 0 ? fd : 0;     /* advice only */
}

int64_t sys_sync(struct task *t, const uint64_t *a)
{
    return 0;       /* the host's page cache is the host's business */
}

int64_t sys_fallocate(struct task *t, const uint64_t *a)
{
    int fd = task_fd(t, (int64_t)a[0]);
    if (fd < 0)
        return fd;
    return SYS_RET(fallocate(fd, (int)a[1], (off_t)a[2], (off_t)a[3]));
}
