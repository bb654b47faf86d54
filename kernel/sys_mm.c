/* Memory syscalls: brk, mmap and friends over kernel/mm.c. */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "kernel/mm.h"
#include "kernel/syscall.h"

/* asm-generic mman.h values (riscv64). */
#define G_MAP_SHARED 0x01
#define G_MAP_PRIVATE 0x02
#define G_MAP_SHARED_VALIDATE 0x03
#define G_MAP_FIXED 0x10
#define G_MAP_ANONYMOUS 0x20
#define G_MAP_FIXED_NOREPLACE 0x100000
#define G_MAP_NORESERVE 0x4000
#define G_MADV_DONTNEED 4
#define G_MADV_FREE 8
#define G_MADV_HUGEPAGE 14
#define G_MADV_NOHUGEPAGE 15
#define G_PROT_MASK 7u

int64_t sys_brk(struct task *t, const uint64_t *a)
{
    return (int64_t)mm_brk(t->mm, a[0]);
}

int64_t sys_mmap(struct task *t, const uint64_t *a)
{
    struct mm *mm = t->mm;
    uint64_t addr = a[0], len = a[1], off = a[5];
    unsigned prot = (unsigned)a[2], flags = (unsigned)a[3];
    int32_t gfd = (int32_t)a[4];
    if (!len || (off & MM_PAGE_MASK) || prot & ~G_PROT_MASK)
        return -EINVAL;
    unsigned type = flags & 0x3;
    if (type != G_MAP_SHARED && type != G_MAP_PRIVATE && type != G_MAP_SHARED_VALIDATE)
        return -EINVAL;
    if (!mm_len_pages(len, &len))
        return -ENOMEM;
    int fd = -1;
    bool zero_dev = false;
    struct stat st;
    if (!(flags & G_MAP_ANONYMOUS)) {
        fd = task_fd(t, gfd);
        if (fd < 0)
            return fd;
        if (fstat(fd, &st))
            return -errno;
        /* Regular files are copied in; /dev/zero (char 1:5) maps zeros as
         * on Linux; anything else (directories, other devices, pipes) is
         * -ENODEV, as Linux says when the file has no mmap operation. */
        zero_dev = S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 5;
        if (!S_ISREG(st.st_mode) && !zero_dev)
            return -ENODEV;
    }
    if (flags & (G_MAP_FIXED | G_MAP_FIXED_NOREPLACE)) {
        if (addr & MM_PAGE_MASK)
            return -EINVAL;
        if (addr + len > MM_TASK_SIZE || addr + len < addr || addr < MM_MMAP_MIN)
            return -ENOMEM;
        if (!mm_range_free(mm, addr, len)) {
            if (flags & G_MAP_FIXED_NOREPLACE)
                return -EEXIST;
            mm_unmap_range(mm, addr, len);
        }
    } else {
        addr = MM_PAGE_DOWN(addr);
        if (!addr || addr < MM_MMAP_MIN || !mm_range_free(mm, addr, len))
            addr = mm_find_free(mm, len);
        if (!addr)
            return -ENOMEM;
    }
    /* Heuristic overcommit: only an obviously impossible private writable
     * mapping fails here (MAP_NORESERVE ones are not accounted). */
    if (type == G_MAP_PRIVATE && (prot & MM_PROT_W) && !(flags & G_MAP_NORESERVE) &&
        mm->commit_limit && len >> MM_PAGE_SHIFT > mm->commit_limit)
        return -ENOMEM;
    int rc = mm_map(mm, addr, len, prot, (type != G_MAP_PRIVATE) ? VMA_SHARED : 0,
                    fd >= 0 && !zero_dev ? "[file]" : "");
    if (rc)
        return rc;
    if (fd >= 0 && !zero_dev) {
        /* XXX: a private copy of the file at mmap time; MAP_SHARED writes
         * are not written back and later file changes are not seen. */
        uint64_t avail = (uint64_t)st.st_size > off ? (uint64_t)st.st_size - off : 0;
        uint64_t n = avail < len ? avail : len;
        uint8_t *buf = malloc(64 * 1024);
        if (!buf) {
            mm_unmap_range(mm, addr, len);
            return -ENOMEM;
        }
        for (uint64_t done = 0; done < n;) {
            size_t chunk = n - done < 64 * 1024 ? (size_t)(n - done) : 64 * 1024;
            ssize_t r = pread(fd, buf, chunk, (off_t)(off + done));
            if (r <= 0)
                break;
            if (mm_poke(mm, addr + done, buf, (size_t)r)) {
                free(buf);
                mm_unmap_range(mm, addr, len);
                return -ENOMEM;
            }
            done += (uint64_t)r;
        }
        free(buf);
        if (prot & MM_PROT_X)
            kernel_flush_mm(t->k, mm, true);
    }
    return (int64_t)addr;
}

int64_t sys_munmap(struct task *t, const uint64_t *a)
{
    if (!a[1])
        return -EINVAL;
    return mm_unmap_range(t->mm, a[0], a[1]);
}

int64_t sys_mremap(struct task *t, const uint64_t *a)
{
    return mm_remap(t->mm, a[0], a[1], a[2], (unsigned)a[3], a[4]);
}

int64_t sys_mprotect(struct task *t, const uint64_t *a)
{
    if (a[2] & ~(uint64_t)G_PROT_MASK)
        return -EINVAL;
    return mm_protect(t->mm, a[0], a[1], (unsigned)a[2]);
}

int64_t sys_madvise(struct task *t, const uint64_t *a)
{
    uint64_t len;
    if (a[0] & MM_PAGE_MASK)
        return -EINVAL;
    /* Any advice: Linux's PAGE_ALIGN wraps or end < start. */
    if (!mm_len_pages(a[1], &len) || a[0] + len < a[0])
        return -EINVAL;
    if (a[2] == G_MADV_DONTNEED || a[2] == G_MADV_FREE) {
        for (uint64_t p = a[0]; p < a[0] + len; p += MM_PAGE_SIZE)
            if (!mm_find_vma(t->mm, p))
                return -ENOMEM;
        return mm_discard(t->mm, a[0], len);
    }
    if (a[2] == G_MADV_HUGEPAGE || a[2] == G_MADV_NOHUGEPAGE)
        return mm_set_hugepage(t->mm, a[0], len, a[2] == G_MADV_HUGEPAGE);
    return 0;       /* advice only */
}

int64_t sys_msync(struct task *t, const uint64_t *a)
{
    return (a[0] & MM_PAGE_MASK) ? -EINVAL : 0;
}

int64_t sys_mlock(struct task *t, const uint64_t *a)
{
    return 0;       /* nothing is ever paged out */
}

int64_t sys_riscv_flush_icache(struct task *t, const uint64_t *a)
{
    /* Every hart running this address space (the call's default scope). */
    if (t->mm)
        kernel_flush_mm(t->k, t->mm, true);
    return 0;
}
