/* numa-policy: the same two kernels over a buffer placed by each memory
 * policy, to show the cost of remote and interleaved placement.
 *
 * For each policy a fresh buffer is mapped, the policy is applied with
 * mbind() before the first touch, every page is touched (so the kernel
 * places it), and then two kernels run over it, one 8-byte word per stride
 * (default: one per cache line), in a fixed pseudo-random line order
 * (a full-period LCG over the lines, so every line once per pass, and
 * hardware prefetchers cannot hide the placement; the kernels use the
 * largest power-of-two number of strides that fits in the buffer):
 *   read  a sum of loads
 *   rmw   a load, add and store per word
 * Reported per policy: ns per access for each kernel, and where a sample
 * of the pages lives according to get_mempolicy(MPOL_F_NODE|MPOL_F_ADDR).
 * The ROI markers bracket the timed kernels, from the first policy's to the
 * last one's (select one policy with -p for clean statistics). */
#include "common.h"

#include <getopt.h>

#define MAX_POLICIES 256

struct policy {
    char name[40];
    struct placement pl;
};

static void usage(FILE *f)
{
    fprintf(f,
        "usage: numa-policy [options]\n"
        "ns per access of a read-sum and a read-modify-write kernel over a buffer\n"
        "placed by each memory policy, with the fraction of its pages on each node.\n"
        "Output: \"POLICY READ_NS RMW_NS placement: node0=P%% ...\" per policy\n"
        "(\"placement: unavailable\" when get_mempolicy is not implemented).\n"
        "\n"
        "  -b, --buffer BYTES  buffer size, K/M/G suffixes (default 16M)\n"
        "  -l, --stride BYTES  one access per stride, a power of two >= 8 (default 64)\n"
        "  -r, --passes N      passes of each kernel (default 2)\n"
        "  -p, --policy NAME   run only this policy (repeatable): default, local,\n"
        "                      bind:N, preferred:N, interleave, weighted-interleave\n"
        "  -N, --nodes N       assume N memory nodes (default: as get_mempolicy's\n"
        "                      MPOL_F_MEMS_ALLOWED says, else 1)\n"
        "  -c, --cpu CPU       pin the thread to CPU (sched_setaffinity)\n"
        "  -s, --samples N     pages sampled for the placement (default 256)\n"
        "  -h, --help          this help\n");
}

static int add_policy(struct policy *p, int n, const char *name, int nr_nodes)
{
    if (n == MAX_POLICIES)
        die("too many policies");
    struct policy *q = &p[n];
    memset(q, 0, sizeof(*q));
    snprintf(q->name, sizeof(q->name), "%s", name);
    q->pl.nr_nodes = nr_nodes;
    if (!strcmp(name, "default")) {
        q->pl.mode = MPOL_DEFAULT;
    } else if (!strcmp(name, "local")) {
        q->pl.mode = MPOL_LOCAL;
    } else if (!strcmp(name, "interleave")) {
        q->pl.mode = MPOL_INTERLEAVE;
        q->pl.all_nodes = 1;
    } else if (!strcmp(name, "weighted-interleave")) {
        q->pl.mode = MPOL_WEIGHTED_INTERLEAVE;
        q->pl.all_nodes = 1;
    } else if (!strncmp(name, "bind:", 5) || !strncmp(name, "preferred:", 10)) {
        int bind = name[0] == 'b';
        q->pl.mode = bind ? MPOL_BIND : MPOL_PREFERRED;
        q->pl.node = (long)parse_num("-p", name + (bind ? 5 : 10), 0);
        if (q->pl.node >= MMSIM_MAX_NODES)
            die("-p: node out of range in '%s'", name);
    } else {
        die("-p: unknown policy '%s' (see --help)", name);
    }
    return n + 1;
}

/* Full-period LCG over [0, n) for n a power of two (Hull-Dobell: c odd,
 * a = 1 mod 4): a fixed scrambled order visiting each line once. */
#define LCG_A 6364136223846793005ULL
#define LCG_C 1442695040888963407ULL

static uint64_t kernel_read(const char *buf, uint64_t lines, unsigned shift, unsigned passes)
{
    uint64_t sum = 0, i = 0, mask = lines - 1;
    for (unsigned p = 0; p < passes; p++)
        for (uint64_t k = 0; k < lines; k++) {
            sum += *(const volatile uint64_t *)(buf + (i << shift));
            i = (i * LCG_A + LCG_C) & mask;
        }
    return sum;
}

static void kernel_rmw(char *buf, uint64_t lines, unsigned shift, unsigned passes)
{
    uint64_t i = 0, mask = lines - 1;
    for (unsigned p = 0; p < passes; p++)
        for (uint64_t k = 0; k < lines; k++) {
            volatile uint64_t *w = (volatile uint64_t *)(buf + (i << shift));
            *w = *w + 1;
            i = (i * LCG_A + LCG_C) & mask;
        }
}

/* Prints the node distribution of `samples` pages spread over the buffer. */
static void print_placement(char *buf, uint64_t len, unsigned samples, int nr_nodes)
{
    enum { MAXN = 64 };
    unsigned count[MAXN + 1] = {0};     /* [MAXN]: nodes beyond the table */
    uint64_t pages = len / 4096;
    if (samples > pages)
        samples = (unsigned)pages;
    for (unsigned s = 0; s < samples; s++) {
        /* Evenly spread, plus s: an even spacing alone can be a multiple
         * of the node count and see only one node of an interleave. */
        char *addr = buf + ((pages * s / samples + s) % pages) * 4096;
        int node = -1;
        if (mmsim_get_mempolicy(&node, NULL, 0, addr, MPOL_F_NODE | MPOL_F_ADDR) != 0) {
            printf("placement: unavailable (get_mempolicy: %s)\n", strerror(errno));
            return;
        }
        count[node >= 0 && node < MAXN ? node : MAXN]++;
    }
    printf("placement:");
    int shown = nr_nodes < MAXN ? nr_nodes : MAXN;
    for (int n = 0; n < MAXN; n++)
        if (n < shown || count[n])
            printf(" node%d=%.1f%%", n, 100.0 * count[n] / samples);
    if (count[MAXN])
        printf(" other=%.1f%%", 100.0 * count[MAXN] / samples);
    printf("\n");
}

int main(int argc, char **argv)
{
    prog_name = "numa-policy";
    uint64_t len = 16 * MIB, stride = 64;
    unsigned passes = 2, samples = 256;
    long cpu = -1;
    int nodes_override = 0;
    const char *only[MAX_POLICIES];
    int nonly = 0;

    static const struct option longopts[] = {
        {"buffer", required_argument, 0, 'b'}, {"stride", required_argument, 0, 'l'},
        {"passes", required_argument, 0, 'r'}, {"policy", required_argument, 0, 'p'},
        {"nodes", required_argument, 0, 'N'},  {"cpu", required_argument, 0, 'c'},
        {"samples", required_argument, 0, 's'}, {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "b:l:r:p:N:c:s:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'b': len = parse_num("-b", optarg, 1); break;
        case 'l': stride = parse_num("-l", optarg, 1); break;
        case 'r': passes = (unsigned)parse_num("-r", optarg, 0); break;
        case 'p':
            if (nonly == MAX_POLICIES)
                die("-p: too many policies");
            only[nonly++] = optarg;
            break;
        case 'N': nodes_override = (int)parse_num("-N", optarg, 0); break;
        case 'c': cpu = (long)parse_num("-c", optarg, 0); break;
        case 's': samples = (unsigned)parse_num("-s", optarg, 0); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc)
        die("unexpected argument '%s' (see --help)", argv[optind]);
    if (stride < 8 || (stride & (stride - 1)))
        die("-l: the stride must be a power of two >= 8");
    if (len < 4096 || len < 2 * stride)
        die("-b: the buffer must hold at least one page and two strides");
    if (nodes_override > MMSIM_MAX_NODES)
        die("-N: at most %d nodes", MMSIM_MAX_NODES);
    if (passes == 0 || samples == 0)
        die("-r and -s must be at least 1");
    /* power-of-two number of lines for the LCG order */
    uint64_t lines = 1;
    while (lines * 2 <= len / stride)
        lines *= 2;
    unsigned shift = 0;
    while ((1ULL << shift) < stride)
        shift++;

    pin_cpu(cpu);
    int known;
    int nr_nodes = nodes_available(nodes_override, &known);

    static struct policy pols[MAX_POLICIES];
    int npols = 0;
    if (nonly) {
        for (int i = 0; i < nonly; i++)
            npols = add_policy(pols, npols, only[i], nr_nodes);
    } else {
        char name[40];
        npols = add_policy(pols, npols, "default", nr_nodes);
        npols = add_policy(pols, npols, "local", nr_nodes);
        for (int n = 0; n < nr_nodes && npols < MAX_POLICIES - 4; n++) {
            snprintf(name, sizeof(name), "bind:%d", n);
            npols = add_policy(pols, npols, name, nr_nodes);
        }
        for (int n = 0; n < nr_nodes && npols < MAX_POLICIES - 2; n++) {
            snprintf(name, sizeof(name), "preferred:%d", n);
            npols = add_policy(pols, npols, name, nr_nodes);
        }
        npols = add_policy(pols, npols, "interleave", nr_nodes);
        npols = add_policy(pols, npols, "weighted-interleave", nr_nodes);
    }

    unsigned cur_cpu = 0, cur_node = 0;
    int where = mmsim_getcpu(&cur_cpu, &cur_node) == 0;
    printf("# numa-policy: %" PRIu64 " KiB buffer, one access per %" PRIu64 " B (%" PRIu64
           " accesses per pass), %u pass%s, %d node%s%s",
           len / KIB, stride, lines, passes, passes == 1 ? "" : "es", nr_nodes, nr_nodes == 1 ? "" : "s",
           known ? "" : " (node count unavailable: assuming 1, see -N)");
    if (where)
        printf(", running on cpu %u node %u", cur_cpu, cur_node);
    printf("\n# policy read_ns rmw_ns placement\n");

    int warned = 0;
    for (int i = 0; i < npols; i++) {
        struct mapping m = map_buffer(len, &pols[i].pl);
        for (uint64_t off = 0; off < len; off += 4096)   /* first touch places each page */
            *(volatile uint64_t *)(m.p + off) = off;
        kernel_read(m.p, lines, shift, 1);                /* warm-up */
        if (i == 0)
            mmsim_roi_begin();
        uint64_t t0 = mmsim_now_ns();
        keep(kernel_read(m.p, lines, shift, passes));
        uint64_t t1 = mmsim_now_ns();
        kernel_rmw(m.p, lines, shift, passes);
        uint64_t t2 = mmsim_now_ns();
        if (i == npols - 1)
            mmsim_roi_end();
        double acc = (double)lines * passes;
        int w = printf("%s%s", pols[i].name, m.policy_ok ? "" : "(not-applied)");
        printf("%*s %9.3f %9.3f ", w < 34 ? 34 - w : 1, "", (double)(t1 - t0) / acc,
               (double)(t2 - t1) / acc);
        print_placement(m.p, len, samples, nr_nodes);
        if (!m.policy_ok && !warned++)
            printf("#   mbind failed (%s): policies marked (not-applied) ran under the default policy\n",
                   strerror(m.policy_errno));
        fflush(stdout);
        unmap_buffer(&m);
    }
    return 0;
}
