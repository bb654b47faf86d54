/* touch: touches a known amount of guest memory, for the host memory a run
 * costs: writes one word in every 4 KiB page of a MIB-sized buffer, then
 * reads them all back.  The guest never frees it before exiting, so every
 * frame it faulted in is live at the end.
 * Usage: touch [MIB]  (default 256) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 256;
    size_t words = mib << 17, stride = 4096 / sizeof(uint64_t);
    uint64_t *a = malloc(words * sizeof(*a));
    if (!a) {
        fprintf(stderr, "touch: cannot allocate %zu MiB\n", mib);
        return 1;
    }
    for (size_t i = 0; i < words; i += stride)
        a[i] = i;
    uint64_t sum = 0;
    for (size_t i = 0; i < words; i += stride)
        sum += a[i];
    printf("touch: %zu MiB, sum %llu\n", mib, (unsigned long long)sum);
    return 0;
}
