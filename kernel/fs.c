/* Guest path resolution and file structure layouts. */
#include "kernel/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"
#include "kernel/mm.h"
#include "kernel/numa_maps.h"
#include "machine.h"

void fs_stat_to_riscv(const struct stat *st, struct riscv_stat *o)
{
    memset(o, 0, sizeof(*o));
    o->st_dev = st->st_dev;
    o->st_ino = st->st_ino;
    o->st_mode = st->st_mode;
    o->st_nlink = (uint32_t)st->st_nlink;
    o->st_uid = st->st_uid;
    o->st_gid = st->st_gid;
    o->st_rdev = st->st_rdev;
    o->st_size = st->st_size;
    o->st_blksize = (int32_t)st->st_blksize;
    o->st_blocks = st->st_blocks;
    o->st_atime_sec = st->st_atim.tv_sec;
    o->st_atime_nsec = (uint64_t)st->st_atim.tv_nsec;
    o->st_mtime_sec = st->st_mtim.tv_sec;
    o->st_mtime_nsec = (uint64_t)st->st_mtim.tv_nsec;
    o->st_ctime_sec = st->st_ctim.tv_sec;
    o->st_ctime_nsec = (uint64_t)st->st_ctim.tv_nsec;
}

int fs_normalize(const char *path, char *out, size_t len)
{
    size_t n = 0;
    if (len < 2)
        return -ENAMETOOLONG;
    out[n++] = '/';
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        const char *s = p;
        while (*p && *p != '/')
            p++;
        size_t cl = (size_t)(p - s);
        if (cl == 0 || (cl == 1 && s[0] == '.'))
            continue;
        if (cl == 2 && s[0] == '.' && s[1] == '.') {
            while (n > 1 && out[n - 1] != '/')
                n--;
            if (n > 1)
                n--;        /* drop the '/' too */
            continue;
        }
        if (n > 1) {
            if (n + 1 >= len)
                return -ENAMETOOLONG;
            out[n++] = '/';
        }
        if (n + cl >= len)
            return -ENAMETOOLONG;
        memcpy(out + n, s, cl);
        n += cl;
    }
    out[n] = '\0';
    return 0;
}

static bool has_dotdot(const char *p)
{
    for (const char *s = p; (s = strstr(s, "..")); s += 2)
        if ((s == p || s[-1] == '/') && (s[2] == '\0' || s[2] == '/'))
            return true;
    return false;
}

int fs_resolve(struct task *t, int64_t gdirfd, const char *path, int *hdirfd, char *out,
               size_t len)
{
    int32_t dfd = (int32_t)gdirfd;
    const char *root = t->k->root;
    *hdirfd = AT_FDCWD;
    if (fs_is_own_proc(t, path, "exe")) {
        /* The simulator's own /proc/self/exe is not the guest's program. */
        if (!t->g->exe || !t->g->exe_host)
            return -ENOENT;
        mmsim_fmt(out, len, "%s", t->g->exe_host);
        return 0;
    }
    if (path[0] != '/' && dfd != FS_AT_FDCWD) {
        int h = task_fd(t, dfd);
        if (h < 0)
            return h;
        if (root && has_dotdot(path))
            return -EACCES;     /* XXX: confinement is lexical; no ".." from a dirfd */
        *hdirfd = h;
        if (strlen(path) >= len)
            return -ENAMETOOLONG;
        strcpy(out, path);
        return 0;
    }
    char guest[FS_PATH_MAX * 2];
    if (path[0] == '/')
        mmsim_fmt(guest, sizeof(guest), "%s", path);
    else
        mmsim_fmt(guest, sizeof(guest), "%s/%s", t->g->cwd, path);
    if (!root) {
        if (strlen(guest) >= len)
            return -ENAMETOOLONG;
        strcpy(out, path[0] == '/' ? path : guest);
        return 0;
    }
    char norm[FS_PATH_MAX];
    int rc = fs_normalize(guest, norm, sizeof(norm));
    if (rc)
        return rc;
    if (strlen(root) + strlen(norm) >= len)
        return -ENAMETOOLONG;
    strcpy(out, root);
    strcat(out, strcmp(norm, "/") == 0 && root[0] ? "" : norm);
    if (!out[0])
        strcpy(out, "/");
    return 0;
}

int fs_user_path(struct task *t, int64_t gdirfd, uint64_t upath, bool allow_empty,
                 int *hdirfd, char *out, size_t len)
{
    char path[FS_PATH_MAX];
    long n = mm_strncpy_in(t->mm, path, upath, sizeof(path));
    if (n < 0)
        return (int)n;
    if (n == 0) {
        if (!allow_empty)
            return -ENOENT;
        int32_t dfd = (int32_t)gdirfd;
        *hdirfd = dfd == FS_AT_FDCWD ? AT_FDCWD : task_fd(t, dfd);
        if (*hdirfd < 0 && *hdirfd != AT_FDCWD)
            return *hdirfd;
        out[0] = '\0';
        return 0;
    }
    return fs_resolve(t, gdirfd, path, hdirfd, out, len);
}

bool fs_is_own_proc(const struct task *t, const char *path, const char *name)
{
    const char *rest;
    if (strncmp(path, "/proc/self/", 11) == 0) {
        rest = path + 11;
    } else if (strncmp(path, "/proc/thread-self/", 18) == 0) {
        rest = path + 18;
    } else {
        char own[40];
        int l = snprintf(own, sizeof(own), "/proc/%u/", (unsigned)t->g->pid);
        if (l <= 0 || strncmp(path, own, (size_t)l) != 0)
            return false;
        rest = path + l;
    }
    return strcmp(rest, name) == 0;
}

int fs_open_numa_maps(struct task *t)
{
    if (!t->mm)
        return -ENOENT;
    /* Materialised when opened, as Linux generates it on each read: the
     * reader sees the placement of that moment. */
    char *text = kernel_numa_maps_text(t->mm, &t->g->policy, t->k->m->topo);
    if (!text)
        return -ENOMEM;
    int h = memfd_create("numa_maps", MFD_CLOEXEC);
    if (h < 0) {
        int err = errno;
        free(text);
        return -err;
    }
    size_t len = strlen(text), done = 0;
    while (done < len) {
        ssize_t w = write(h, text + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int err = w < 0 ? errno : EIO;
            free(text);
            close(h);
            return -err;
        }
        done += (size_t)w;
    }
    free(text);
    lseek(h, 0, SEEK_SET);
    return h;
}
