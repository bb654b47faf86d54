/* pagewalk: a TLB-hostile random-access kernel, with base (4 KiB) pages and
 * with 2 MiB huge pages, to show the cost of translation.
 *
 * The buffer (default 256 MiB) holds one node per 4 KiB page, at a random
 * line within the page (so the nodes spread over every cache set), linked
 * in a random cyclic order over all pages.  One pointer is chased: every
 * load goes to another page, so with base pages nearly every load misses
 * the TLBs once the buffer exceeds their reach and pays a page walk, while
 * with huge pages (madvise(MADV_HUGEPAGE)) the same lines are reached
 * through 512 times fewer translations.  The data footprint (one line per
 * page) is the same in both modes, so the difference is translation.
 * Prints "MODE ns_per_access" for MODE 4k and 2m.
 * The ROI markers bracket the timed chases, from the first mode's to the
 * last one's (select one mode with -M for clean statistics). */
#include "common.h"

#include <getopt.h>

#define PAGE 4096UL
#define LINE 64UL

static void usage(FILE *f)
{
    fprintf(f,
        "usage: pagewalk [options]\n"
        "Dependent loads to random pages of a large buffer, with base pages and with\n"
        "2 MiB huge pages.  Output: one line \"MODE ns_per_access\" per mode (4k, 2m).\n"
        "\n"
        "  -b, --buffer BYTES  buffer size, K/M/G suffixes, a multiple of 2 MiB\n"
        "                      (default 256M)\n"
        "  -n, --loads N       timed loads per mode (default 1000000)\n"
        "  -M, --mode MODE     4k, 2m or both (default both)\n"
        "  -m, --node NODE     bind the buffer to NODE (mbind MPOL_BIND); if the kernel\n"
        "                      refuses, warn and run unbound\n"
        "  -c, --cpu CPU       pin the thread to CPU (sched_setaffinity)\n"
        "  -S, --seed N        PRNG seed of the random order (default 1)\n"
        "  -h, --help          this help\n");
}

/* Links one node per page of buf into a random cycle; returns the start. */
static void **build_chain(char *buf, uint64_t pages, uint64_t seed)
{
    uint32_t *order = malloc(pages * sizeof(*order));
    if (!order)
        die("out of memory for %" PRIu64 " pages", pages);
    uint64_t s = seed;
    for (uint64_t i = 0; i < pages; i++)
        order[i] = (uint32_t)i;
    for (uint64_t i = pages - 1; i > 0; i--) {
        uint64_t j = rng_below(&s, i + 1);
        uint32_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    /* the node of page p sits at line (hash of p) of the page */
#define NODE_ADDR(p) (buf + (uint64_t)(p) * PAGE + (((uint64_t)(p) * 0x9e3779b97f4a7c15ULL) >> 58) * LINE)
    for (uint64_t i = 0; i < pages; i++)
        *(void **)NODE_ADDR(order[i]) = NODE_ADDR(order[(i + 1) % pages]);
    void **start = (void **)NODE_ADDR(order[0]);
#undef NODE_ADDR
    free(order);
    return start;
}

static void **chase(void **p, uint64_t loads)
{
    for (uint64_t i = 0; i < loads; i += 8) {
        p = (void **)*p; p = (void **)*p; p = (void **)*p; p = (void **)*p;
        p = (void **)*p; p = (void **)*p; p = (void **)*p; p = (void **)*p;
    }
    return p;
}

int main(int argc, char **argv)
{
    prog_name = "pagewalk";
    uint64_t len = 256 * MIB, loads = 1000000, seed = 1;
    long node = -1, cpu = -1;
    int do4k = 1, do2m = 1;

    static const struct option longopts[] = {
        {"buffer", required_argument, 0, 'b'}, {"loads", required_argument, 0, 'n'},
        {"mode", required_argument, 0, 'M'},   {"node", required_argument, 0, 'm'},
        {"cpu", required_argument, 0, 'c'},    {"seed", required_argument, 0, 'S'},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "b:n:M:m:c:S:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'b': len = parse_num("-b", optarg, 1); break;
        case 'n': loads = parse_num("-n", optarg, 0); break;
        case 'M':
            if (!strcmp(optarg, "4k"))
                do4k = 1, do2m = 0;
            else if (!strcmp(optarg, "2m"))
                do4k = 0, do2m = 1;
            else if (!strcmp(optarg, "both"))
                do4k = do2m = 1;
            else
                die("-M: expected 4k, 2m or both, got '%s'", optarg);
            break;
        case 'm': node = (long)parse_num("-m", optarg, 0); break;
        case 'c': cpu = (long)parse_num("-c", optarg, 0); break;
        case 'S': seed = parse_num("-S", optarg, 0); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc)
        die("unexpected argument '%s' (see --help)", argv[optind]);
    if (len == 0 || len % HUGE_2M)
        die("-b: the buffer must be a non-zero multiple of 2 MiB");
    if (len / PAGE > UINT32_MAX)
        die("-b: buffer too large");
    if (node >= MMSIM_MAX_NODES)
        die("-m: node %ld out of range", node);
    loads = (loads + 7) & ~(uint64_t)7;
    if (loads == 0)
        loads = 8;

    pin_cpu(cpu);
    uint64_t pages = len / PAGE;
    char where[32];
    if (node < 0)
        snprintf(where, sizeof(where), "any");
    else
        snprintf(where, sizeof(where), "%ld", node);
    printf("# pagewalk: %" PRIu64 " KiB buffer, %" PRIu64 " pages, one node per page, %" PRIu64
           " dependent loads per mode, node %s, seed %" PRIu64 "\n",
           len / KIB, pages, loads, where, seed);
    printf("# mode ns_per_access\n");

    int modes[2], nmodes = 0;
    if (do4k)
        modes[nmodes++] = 0;
    if (do2m)
        modes[nmodes++] = 1;
    double result[2] = {0, 0};
    for (int i = 0; i < nmodes; i++) {
        int huge = modes[i];
        struct placement pl = {.mode = node >= 0 ? MPOL_BIND : MPOL_DEFAULT, .node = node, .huge = huge};
        struct mapping m = map_buffer(len, &pl);
        if (!m.policy_ok)
            warn("mbind(MPOL_BIND, node %ld) failed (%s); running unbound", node, strerror(m.policy_errno));
        void **p = build_chain(m.p, pages, seed);
        p = chase(p, (pages + 7) & ~7ULL);      /* warm up: one lap */
        if (i == 0)
            mmsim_roi_begin();
        uint64_t t0 = mmsim_now_ns();
        p = chase(p, loads);
        uint64_t t1 = mmsim_now_ns();
        if (i == nmodes - 1)
            mmsim_roi_end();
        keep((uint64_t)(uintptr_t)p);
        result[huge] = (double)(t1 - t0) / (double)loads;
        printf("%s %.3f%s\n", huge ? "2m" : "4k", result[huge],
               huge && !m.huge_ok ? "  # madvise(MADV_HUGEPAGE) failed: base pages" : "");
        fflush(stdout);
        unmap_buffer(&m);
    }
    if (do4k && do2m && result[1] > 0)
        printf("# 4k/2m time ratio %.2f\n", result[0] / result[1]);
    return 0;
}
