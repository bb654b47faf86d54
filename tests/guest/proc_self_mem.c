/* The host's /proc describes the simulator's process, not the guest's:
 * mmsim refuses its mem files (however they are named) and writes to its
 * own files, with EACCES, and still lets the guest read the others.
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

int main(void)
{
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
