/* memmark: a translation-heavy workload of our own, for the cost of real
 * page tables.  A random pointer chase over a 64 MiB array, one hop per
 * 4 KiB page visited in random order (so nearly every load misses the L1
 * dTLB, and most miss the L2 TLB: 65536 pages against 1536 entries), then
 * sequential sweeps that hit.  Self-checking: prints a checksum that is the
 * same on any correct RV64 machine for the same arguments.
 * Usage: memmark [MIB] [ROUNDS]  (default 64 MiB, 50 rounds) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    size_t mib = argc > 1 ? (size_t)atoi(argv[1]) : 64;
    int rounds = argc > 2 ? atoi(argv[2]) : 50;
    size_t pages = mib << 8, words = pages * 512;
    uint64_t *a = malloc(words * sizeof(*a));
    uint32_t *order = malloc(pages * sizeof(*order));
    if (!a || !order || pages < 2) {
        fprintf(stderr, "memmark: no memory\n");
        return 1;
    }
    /* A random cyclic order of the pages (Sattolo's algorithm: one cycle). */
    uint64_t s = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < pages; i++)
        order[i] = (uint32_t)i;
    for (size_t i = pages - 1; i > 0; i--) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        size_t j = s % i;
        uint32_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    /* Each visited page holds the index of the next one, at a varying
     * offset so that hops do not share cache sets. */
    for (size_t i = 0; i < pages; i++) {
        size_t from = order[i], to = order[(i + 1) % pages];
        a[from * 512 + (from * 7) % 512] = to * 512 + (to * 7) % 512;
    }
    uint64_t sum = 0, p = (uint64_t)order[0] * 512 + (order[0] * 7u) % 512;
    for (int r = 0; r < rounds; r++) {
        for (size_t i = 0; i < pages; i++) {
            p = a[p];
            sum += p;
        }
        for (size_t i = 0; i < words; i += 64)
            sum ^= a[i] + i;
    }
    printf("memmark: %zu MiB, %d rounds, checksum %016llx\n", mib, rounds,
           (unsigned long long)sum);
    free(order);
    free(a);
    return 0;
}
