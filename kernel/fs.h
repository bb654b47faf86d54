/* Files of the guest: path resolution (host pass-through, or confined to
 * a root directory) and the riscv64 layouts of file structures. */
#ifndef MMSIM_KERNEL_FS_H
#define MMSIM_KERNEL_FS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "kernel/kernel.h"

#define FS_AT_FDCWD (-100)
#define FS_PATH_MAX 4096

/* The riscv64 (asm-generic) struct stat: 128 bytes, unlike x86-64's 144. */
struct riscv_stat {
    uint64_t st_dev, st_ino;
    uint32_t st_mode, st_nlink, st_uid, st_gid;
    uint64_t st_rdev, pad1;
    int64_t st_size;
    int32_t st_blksize, pad2;
    int64_t st_blocks;
    int64_t st_atime_sec;
    uint64_t st_atime_nsec;
    int64_t st_mtime_sec;
    uint64_t st_mtime_nsec;
    int64_t st_ctime_sec;
    uint64_t st_ctime_nsec;
    uint32_t unused4, unused5;
};
_Static_assert(sizeof(struct riscv_stat) == 128, "asm-generic struct stat is 128 bytes");

/* Convert a host struct stat into the riscv64 layout. */
void fs_stat_to_riscv(const struct stat *st, struct riscv_stat *out);

/* Normalise an absolute path lexically ("." and ".." resolved, never above
 * "/", repeated '/' folded) into out.  0 or -ENAMETOOLONG. */
int fs_normalize(const char *path, char *out, size_t len);

/* Resolve a guest (dirfd, path) for a host *at() call: *hdirfd receives the
 * host directory fd (or AT_FDCWD), out the host path.  Relative paths
 * against AT_FDCWD use the task's guest cwd; with a root directory,
 * absolute paths are re-rooted and ".." cannot leave it.  Returns 0 or a
 * negative errno. */
int fs_resolve(struct task *t, int64_t gdirfd, const char *path, int *hdirfd, char *out,
               size_t len);
/* Copy a guest path string (EFAULT, ENAMETOOLONG, ENOENT for "" unless
 * allow_empty) and resolve it. */
int fs_user_path(struct task *t, int64_t gdirfd, uint64_t upath, bool allow_empty,
                 int *hdirfd, char *out, size_t len);

/* Is path the task's own /proc file name ("/proc/self/NAME",
 * "/proc/thread-self/NAME" or "/proc/<its pid>/NAME")?  The host's /proc
 * would show the simulator's, so the ones the kernel emulates (exe, maps,
 * numa_maps) never reach the host. */
bool fs_is_own_proc(const struct task *t, const char *path, const char *name);
/* An anonymous host file holding the task's numa_maps (kernel/numa_maps.c)
 * at offset 0: a host fd for task_fd_install (KFD_OWNED), or a negative
 * errno. */
int fs_open_numa_maps(struct task *t);

#endif
