/* chase: a random pointer chase over a large buffer, for the speed of
 * memory-bound code.  The buffer's 4 KiB pages form one random cycle
 * (Sattolo's algorithm gives a uniformly random cyclic order), each page
 * holding its link at a cache line picked by hashing the page number, so
 * consecutive hops share neither a page nor a line offset: under detailed
 * timing nearly every hop misses the L1 and L2 TLBs and every cache level.
 * Every page of the buffer is written, so the guest touches all of it.
 * Self-checking: prints where the chase ended, the same on any correct RV64
 * machine for the same arguments.
 * Usage: chase [MIB] [KHOPS]  (default 1024 MiB, 4096 thousand hops) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define PAGE 4096u
#define LINE 64u

/* The cache line of page pg that holds its link. */
static size_t slot(size_t pg)
{
    uint64_t h = (uint64_t)pg * 0x9e3779b97f4a7c15ull;
    return pg * PAGE + (size_t)(h >> 58) * LINE;
}

int main(int argc, char **argv)
{
    size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 1024;
    long khops = argc > 2 ? strtol(argv[2], NULL, 10) : 4096;
    size_t pages = mib * (1024 * 1024 / PAGE);
    char *buf = malloc(pages * PAGE);
    uint32_t *order = malloc(pages * sizeof(*order));
    if (!buf || !order || pages < 2 || khops < 0) {
        fprintf(stderr, "chase: cannot set up %zu MiB\n", mib);
        return 1;
    }
    uint64_t s = 0x2545f4914f6cdd1dull;
    for (size_t i = 0; i < pages; i++)
        order[i] = (uint32_t)i;
    for (size_t i = pages - 1; i > 0; i--) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        size_t j = s % i;
        uint32_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (size_t i = 0; i < pages; i++)
        *(char **)(buf + slot(order[i])) = buf + slot(order[(i + 1) % pages]);
    free(order);

    char *p = buf + slot(0);
    for (long n = khops * 1000; n > 0; n--)
        p = *(char **)p;
    printf("chase: %zu MiB, %ld thousand hops, ended at page %zu\n", mib, khops,
           (size_t)(p - buf) / PAGE);
    free(buf);
    return 0;
}
