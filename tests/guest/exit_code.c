/* exit_code.c - process exit paths and status values.
 *   exit_code MODE STATUS
 * MODE: return (from main), exit (atexit handlers and stdio flush run),
 * _exit (neither: unflushed stdio output is lost), exit_group / exit (raw
 * syscalls).  The exit status is STATUS & 0xff as the shell reports it. */
#include <sys/syscall.h>
#include <unistd.h>
#include "check.h"

static void bye1(void) { printf("atexit handler 1\n"); }
static void bye2(void) { printf("atexit handler 2 (runs first)\n"); }

int main(int argc, char **argv)
{
  if (argc != 3) {
    fprintf(stderr, "usage: exit_code MODE STATUS\n");
    return 2;
  }
  const char *mode = argv[1];
  int status = atoi(argv[2]);
  atexit(bye1);
  atexit(bye2);
  printf("mode %s status %d\n", mode, status);   /* buffered: stdout is a pipe or file */
  if (!strcmp(mode, "return"))
    return status;
  if (!strcmp(mode, "exit"))
    exit(status);
  fflush(stdout);
  printf("this line is lost without a flush\n");
  if (!strcmp(mode, "_exit"))
    _exit(status);
  if (!strcmp(mode, "exit_group"))
    syscall(SYS_exit_group, status);
  if (!strcmp(mode, "sysexit"))
    syscall(SYS_exit, status);                   /* last thread: process exits */
  fprintf(stderr, "unknown mode\n");
  return 2;
}
