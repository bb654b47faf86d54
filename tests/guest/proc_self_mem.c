/* The host's /proc describes the simulator's process, not the guest's:
 * mmsim emulates the guest's own maps under each of its names, refuses
 * the host's mem files (however they are named) and writes to the
 * simulator's own files, with EACCES, and lets the guest read the others.
 * Simulator-only (qemu-riscv64 passes /proc/self/mem through to its own
 * process, where guest addresses happen to be host ones): tests/cli.sh. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int fails;

static void refused(const char *what, int fd)
{
    int err = errno;
    if (fd >= 0) {
        printf("FAIL %s: opened\n", what);
        close(fd);
        fails++;
    } else if (err != EACCES) {
        printf("FAIL %s: %s, want EACCES\n", what, strerror(err));
        fails++;
    } else {
        printf("refused %s\n", what);
    }
}

/* The whole of a file, NUL-terminated, in buf; its length, or -1. */
static long slurp(const char *path, char *buf, long cap)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    long n = 0;
    for (ssize_t r; n < cap - 1 && (r = read(fd, buf + n, (size_t)(cap - 1 - n))) > 0;)
        n += r;
    close(fd);
    buf[n] = '\0';
    return n;
}

/* Every spelling of the guest's own maps shows what /proc/self/maps does
 * (the guest's address space, not the simulator's). */
static void same_maps(void)
{
    static char self[16384], other[16384];
    char path[64];
    long n = slurp("/proc/self/maps", self, sizeof(self));
    snprintf(path, sizeof(path), "/proc/%d/maps", (int)getpid());
    const char *spellings[] = {"/proc/thread-self/maps", path};
    for (int i = 0; i < 2; i++) {
        long m = slurp(spellings[i], other, sizeof(other));
        if (n <= 0 || m != n || memcmp(self, other, (size_t)n) != 0) {
            printf("FAIL %s differs from /proc/self/maps\n", spellings[i]);
            fails++;
        } else {
            printf("same maps: %s\n", i ? "/proc/PID/maps" : spellings[i]);
        }
    }
}

int main(void)
{
    same_maps();
    refused("/proc/self/mem rw", open("/proc/self/mem", O_RDWR));
    refused("/proc/self/mem ro", open("/proc/self/mem", O_RDONLY));
    refused("/proc/thread-self/mem", open("/proc/thread-self/mem", O_RDWR));
    refused("/proc//self/./mem", open("/proc//self/./mem", O_RDWR));
    int dir = open("/proc/self", O_RDONLY | O_DIRECTORY);
    if (dir < 0) {
        printf("FAIL open /proc/self: %s\n", strerror(errno));
        fails++;
    } else {
        refused("mem from a /proc/self fd", openat(dir, "mem", O_RDWR));
        refused("task/../mem from a /proc/self fd", openat(dir, "task/../mem", O_RDWR));
        close(dir);
    }
    char link[64];
    snprintf(link, sizeof(link), "/tmp/mmsim-proc-mem-%d", (int)getpid());
    unlink(link);
    if (symlink("/proc/self/mem", link) == 0) {
        refused("a symlink to /proc/self/mem", open(link, O_RDWR));
        unlink(link);
    }
    refused("/proc/self/clear_refs for writing", open("/proc/self/clear_refs", O_WRONLY));
    refused("/proc/self/comm for writing", open("/proc/self/comm", O_RDWR));
    int st = open("/proc/self/status", O_RDONLY);
    if (st < 0) {
        printf("FAIL /proc/self/status for reading: %s\n", strerror(errno));
        fails++;
    } else {
        printf("read /proc/self/status\n");
        close(st);
    }
    printf(fails ? "proc_self_mem: %d failures\n" : "proc_self_mem: all as expected\n", fails);
    return fails != 0;
}
