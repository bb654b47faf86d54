/* For the limit tests (tests/limits.sh); not in the manifest.
 *   spin          loops forever (until --max-insns/--max-time/--timeout)
 *   spin files    opens /dev/null until it fails; prints how many it got
 *                 and the error ("opened 7: EMFILE") */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "files") == 0) {
        int n = 0;
        for (;;) {
            int fd = open("/dev/null", O_RDONLY);
            if (fd < 0) {
                printf("opened %d: %s\n", n, errno == EMFILE ? "EMFILE" : strerror(errno));
                return errno == EMFILE ? 0 : 1;
            }
            n++;
        }
    }
    printf("spinning\n");
    fflush(stdout);
    volatile unsigned long i = 0;
    for (;;)
        i++;
}
