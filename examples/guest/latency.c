/* latency: load-to-use memory latency by working-set size, in the manner
 * of lmbench's lat_mem_rd (our own code).  For each size, the buffer is cut
 * into nodes of one line (the stride), the nodes are linked in a random
 * cyclic order (one cycle through every node, deterministic seed), and one
 * pointer is chased: each load depends on the previous one, so the time per
 * load is the latency of wherever the working set lives (L1 ... DRAM,
 * local or remote).  Prints "size_kib ns_per_load" per size.
 *
 * Under mmsim the clock is simulated time; the ROI markers bracket the
 * timed chases (from the first size's to the last size's; the set-up of
 * the later sizes falls inside, so for clean statistics of one size run it
 * alone with -s). */
#include "common.h"

#include <getopt.h>

#define MAX_SIZES 64

static void usage(FILE *f)
{
    fprintf(f,
        "usage: latency [options]\n"
        "Pointer-chase latency (lat_mem_rd style): ns per dependent load for each\n"
        "working-set size.  Output: one line \"size_kib ns_per_load\" per size.\n"
        "\n"
        "  -s, --sizes LIST    sizes: comma list of sizes and/or ranges A-B (powers of two\n"
        "                      from A to B); K/M/G suffixes, plain numbers are KiB\n"
        "                      (default 4-65536, i.e. 4 KiB to 64 MiB)\n"
        "  -l, --stride BYTES  node (line) size, a power of two >= 16 (default 64)\n"
        "  -n, --loads N       timed loads per size (default 1000000)\n"
        "  -m, --node NODE     bind the buffer to NODE (mbind MPOL_BIND); if the kernel\n"
        "                      refuses, warn and run unbound\n"
        "  -c, --cpu CPU       pin the thread to CPU (sched_setaffinity)\n"
        "  -H, --huge          2 MiB huge pages (madvise MADV_HUGEPAGE): no TLB effects\n"
        "  -S, --seed N        PRNG seed of the random order (default 1)\n"
        "  -h, --help          this help\n");
}

/* Adds one size (bytes) or a range of powers of two. */
static void parse_sizes(const char *arg, uint64_t *sizes, int *n)
{
    char *copy = strdup(arg);
    if (!copy)
        die("out of memory");
    *n = 0;
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *dash = strchr(tok, '-');
        uint64_t lo, hi;
        if (dash) {
            *dash = '\0';
            lo = parse_num("-s", tok, 1);
            hi = parse_num("-s", dash + 1, 1);
        } else {
            lo = hi = parse_num("-s", tok, 1);
        }
        /* plain numbers are KiB */
        if (strspn(tok, "0123456789") == strlen(tok))
            lo *= KIB;
        if (!dash)
            hi = lo;
        else if (strspn(dash + 1, "0123456789") == strlen(dash + 1))
            hi *= KIB;
        if (lo == 0 || hi < lo)
            die("-s: bad size or range '%s'", arg);
        for (uint64_t s = lo; s <= hi; s = dash ? s * 2 : hi + 1) {
            if (*n == MAX_SIZES)
                die("-s: more than %d sizes", MAX_SIZES);
            sizes[(*n)++] = s;
            if (!dash)
                break;
        }
    }
    free(copy);
}

/* Links the nodes of buf[0, size) into one random cycle; returns the start. */
static void **build_chain(char *buf, uint64_t size, uint64_t stride, uint32_t *order, uint64_t seed)
{
    uint64_t n = size / stride;
    uint64_t s = seed;
    for (uint64_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    for (uint64_t i = n - 1; i > 0; i--) {     /* Fisher-Yates */
        uint64_t j = rng_below(&s, i + 1);
        uint32_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (uint64_t i = 0; i < n; i++) {
        void **node = (void **)(buf + (uint64_t)order[i] * stride);
        *node = buf + (uint64_t)order[(i + 1) % n] * stride;
    }
    return (void **)(buf + (uint64_t)order[0] * stride);
}

/* Chases `loads` pointers from p (a multiple of 8 loads); returns the end. */
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
    prog_name = "latency";
    uint64_t sizes[MAX_SIZES];
    int nsizes = 0;
    uint64_t stride = 64, loads = 1000000, seed = 1;
    long node = -1, cpu = -1;
    int huge = 0;
    parse_sizes("4-65536", sizes, &nsizes);

    static const struct option longopts[] = {
        {"sizes", required_argument, 0, 's'}, {"stride", required_argument, 0, 'l'},
        {"loads", required_argument, 0, 'n'}, {"node", required_argument, 0, 'm'},
        {"cpu", required_argument, 0, 'c'},   {"huge", no_argument, 0, 'H'},
        {"seed", required_argument, 0, 'S'},  {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "s:l:n:m:c:HS:h", longopts, NULL)) != -1) {
        switch (c) {
        case 's': parse_sizes(optarg, sizes, &nsizes); break;
        case 'l': stride = parse_num("-l", optarg, 1); break;
        case 'n': loads = parse_num("-n", optarg, 0); break;
        case 'm': node = (long)parse_num("-m", optarg, 0); break;
        case 'c': cpu = (long)parse_num("-c", optarg, 0); break;
        case 'H': huge = 1; break;
        case 'S': seed = parse_num("-S", optarg, 0); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc)
        die("unexpected argument '%s' (see --help)", argv[optind]);
    if (stride < 16 || (stride & (stride - 1)))
        die("-l: the stride must be a power of two >= 16");
    if (node >= MMSIM_MAX_NODES)
        die("-m: node %ld out of range", node);
    loads = (loads + 7) & ~(uint64_t)7;
    if (loads == 0)
        loads = 8;

    uint64_t max = 0;
    for (int i = 0; i < nsizes; i++) {
        if (sizes[i] < 2 * stride)
            die("-s: size %" PRIu64 " B holds fewer than two %" PRIu64 " B nodes", sizes[i], stride);
        if (sizes[i] / stride > UINT32_MAX)
            die("-s: size %" PRIu64 " B has too many nodes", sizes[i]);
        if (sizes[i] > max)
            max = sizes[i];
    }

    pin_cpu(cpu);
    struct placement pl = {.mode = node >= 0 ? MPOL_BIND : MPOL_DEFAULT, .node = node, .huge = huge};
    struct mapping m = map_buffer(max, &pl);
    if (!m.policy_ok)
        warn("mbind(MPOL_BIND, node %ld) failed (%s); running unbound", node, strerror(m.policy_errno));
    uint32_t *order = malloc((max / stride) * sizeof(*order));
    if (!order)
        die("out of memory for %" PRIu64 " nodes", max / stride);

    char where[64];
    if (node < 0)
        snprintf(where, sizeof(where), "any");
    else if (m.policy_ok)
        snprintf(where, sizeof(where), "%ld", node);
    else
        snprintf(where, sizeof(where), "any (mbind to %ld failed)", node);
    printf("# latency: stride %" PRIu64 " B, %" PRIu64 " loads per size, node %s, huge pages %s, seed %" PRIu64 "\n",
           stride, loads, where, huge ? (m.huge_ok ? "on" : "off (madvise failed)") : "off", seed);
    printf("# size_kib ns_per_load\n");

    for (int i = 0; i < nsizes; i++) {
        uint64_t size = sizes[i];
        void **p = build_chain(m.p, size, stride, order, seed + size);
        uint64_t nodes = size / stride;
        p = chase(p, ((nodes < loads ? nodes : loads) + 7) & ~(uint64_t)7);   /* warm up */
        if (i == 0)
            mmsim_roi_begin();
        uint64_t t0 = mmsim_now_ns();
        p = chase(p, loads);
        uint64_t t1 = mmsim_now_ns();
        if (i == nsizes - 1)
            mmsim_roi_end();
        keep((uint64_t)(uintptr_t)p);
        double ns = (double)(t1 - t0) / (double)loads;
        if (size % KIB == 0)
            printf("%" PRIu64 " %.3f\n", size / KIB, ns);
        else
            printf("%.3f %.3f\n", (double)size / KIB, ns);
        fflush(stdout);
    }
    free(order);
    unmap_buffer(&m);
    return 0;
}
