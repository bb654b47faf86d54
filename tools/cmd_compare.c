/* mmsim compare: the bundled latency and bandwidth workloads on two or more
 * machines, side by side (the README's main job: UMA against NUMA). */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_SIZES 8
#define MAX_NODES 64

/* Working-set sizes (KiB) of the latency rows: one per level of the
 * bundled machines (L1D 48 KiB, L2 1 MiB, LLC 8-16 MiB), the last at least
 * 4x every bundled LLC. */
static const unsigned default_sizes[] = {16, 512, 4096, 65536};

struct result {
    unsigned ncpus, nnodes, home;       /* CPU 0's node */
    double lat[MAX_SIZES];              /* ns per load, local memory */
    double lat_conf[MAX_SIZES];         /* configured, for the local rows */
    double remote[MAX_NODES];           /* ns per load from each node's DRAM (0: none) */
    double remote_conf[MAX_NODES];
    double bw_copy, bw_triad;           /* GB/s, every CPU */
};

/* Run a bundled workload on a fresh machine with its stdout in a
 * temporary file; returns that file (rewound) or NULL after a message. */
static FILE *run_workload(const char *topo, const char *prog, const char *const *argv,
                          uint64_t seed)
{
    mmsim_machine *m;
    if (cli_create_machine(topo, seed, &m))
        return NULL;
    FILE *out = tmpfile();
    mmsim_process *p;
    int rc = out ? mmsim_process_create(m, prog, argv, NULL, 0, &p) : MMSIM_ERR_IO;
    if (rc == MMSIM_OK)
        rc = mmsim_process_set_stdio(p, -1, fileno(out), -1);
    if (rc == MMSIM_OK)
        rc = mmsim_machine_run(m, 0);
    int code = -1;
    if (rc == MMSIM_OK)
        mmsim_process_exit_code(p, &code);
    if (rc != MMSIM_OK || code != 0) {
        cli_error("compare: %s on %s: %s", argv[0], topo,
                  rc != MMSIM_OK ? mmsim_machine_errmsg(m) : "the workload failed");
        mmsim_machine_destroy(m);
        if (out)
            fclose(out);
        return NULL;
    }
    mmsim_machine_destroy(m);
    rewind(out);
    return out;
}

/* "size_kib ns" lines of the latency workload into lat[] by size. */
static int read_latency(FILE *f, const unsigned *sizes, unsigned n, double *lat)
{
    char line[256];
    unsigned found = 0;
    while (fgets(line, sizeof(line), f)) {
        char *p = line, *e;
        if (line[0] == '#')
            continue;
        unsigned long kib = strtoul(p, &e, 10);
        if (e == p || *e != ' ')
            continue;
        p = e;
        double ns = strtod(p, &e);
        if (e == p)
            continue;
        for (unsigned i = 0; i < n; i++)
            if (sizes[i] == kib) {
                lat[i] = ns;
                found++;
            }
    }
    fclose(f);
    return found == n ? 0 : -1;
}

static int measure(const char *latency, const char *bandwidth, const char *topo,
                   const unsigned *sizes, unsigned nsizes, unsigned threads, uint64_t seed,
                   struct result *r)
{
    mmsim_machine *m;
    if (cli_create_machine(topo, seed, &m))
        return EXIT_USAGE;
    const mmsim_topology *t = mmsim_machine_topology(m);
    r->ncpus = mmsim_topology_cpu_count(t);
    r->nnodes = mmsim_topology_node_count(t);
    r->home = (unsigned)mmsim_topology_cpu_node(t, 0);
    static const mmsim_mem_level levels[] = {MMSIM_LEVEL_L1, MMSIM_LEVEL_L2, MMSIM_LEVEL_LLC,
                                             MMSIM_LEVEL_DRAM};
    for (unsigned i = 0; i < nsizes; i++) {
        uint64_t ps = 0;
        unsigned l = i < 4 ? i : 3;
        r->lat_conf[i] = mmsim_memory_latency(m, 0, levels[l], r->home, &ps) == MMSIM_OK
                             ? (double)ps / 1000.0 : 0;
    }
    for (unsigned n = 0; n < r->nnodes && n < MAX_NODES; n++) {
        uint64_t ps;
        r->remote_conf[n] = mmsim_memory_latency(m, 0, MMSIM_LEVEL_DRAM, n, &ps) == MMSIM_OK
                                ? (double)ps / 1000.0 : 0;
    }
    mmsim_machine_destroy(m);

    char list[128] = "", buf[32], node[16], nthreads[16];
    size_t len = 0;
    for (unsigned i = 0; i < nsizes; i++)
        len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%u", i ? "," : "", sizes[i]);
    /* Local memory, every level: pinned to CPU 0, huge pages (no TLB
     * effects), enough loads for a stable mean. */
    const char *la[] = {"latency", "-s", list, "-n", "200000", "-H", "-c", "0", NULL};
    FILE *f = run_workload(topo, latency, la, seed);
    if (!f || read_latency(f, sizes, nsizes, r->lat)) {
        if (f)
            cli_error("compare: unexpected output of %s", latency);
        return EXIT_SIM_ERROR;
    }
    /* Every other node's memory, the largest size only. */
    snprintf(buf, sizeof(buf), "%u", sizes[nsizes - 1]);
    for (unsigned n = 0; n < r->nnodes && n < MAX_NODES; n++) {
        if (n == r->home || !r->remote_conf[n])
            continue;
        snprintf(node, sizeof(node), "%u", n);
        const char *ra[] = {"latency", "-s", buf, "-n", "100000", "-H", "-c", "0", "-m", node,
                            NULL};
        f = run_workload(topo, latency, ra, seed);
        if (!f || read_latency(f, &sizes[nsizes - 1], 1, &r->remote[n]))
            return EXIT_SIM_ERROR;
    }
    r->remote[r->home] = r->lat[nsizes - 1];
    /* Bandwidth with one thread per CPU (or --threads), pinned from CPU 0. */
    snprintf(nthreads, sizeof(nthreads), "%u", threads ? threads : r->ncpus);
    const char *ba[] = {"bandwidth", "-t", nthreads, "-n", "512K", "-k", "2", "-c", "0", NULL};
    f = run_workload(topo, bandwidth, ba, seed);
    if (!f)
        return EXIT_SIM_ERROR;
    char line[256];
    while (fgets(line, sizeof(line), f)) {
        /* "copy  4.554  ..." / "triad  3.396  ...": the best GB/s. */
        bool copy = strncmp(line, "copy ", 5) == 0, triad = strncmp(line, "triad ", 6) == 0;
        if (!copy && !triad)
            continue;
        char *e;
        double v = strtod(line + (copy ? 5 : 6), &e);
        if (e == line + (copy ? 5 : 6))
            continue;
        *(copy ? &r->bw_copy : &r->bw_triad) = v;
    }
    fclose(f);
    return 0;
}

static void size_name(unsigned kib, char *buf, size_t len)
{
    if (kib >= 1024 && kib % 1024 == 0)
        snprintf(buf, len, "%u MiB", kib / 1024);
    else
        snprintf(buf, len, "%u KiB", kib);
}

static void print_text(const char *const *topos, const struct result *r, unsigned n,
                       const unsigned *sizes, unsigned nsizes)
{
    printf("%-34s", "");
    for (unsigned i = 0; i < n; i++)
        printf(" %22s", topos[i]);
    printf("\nload-to-use latency, ns (measured / configured), CPU 0, local memory\n");
    for (unsigned s = 0; s < nsizes; s++) {
        char name[48], sz[16];
        size_name(sizes[s], sz, sizeof(sz));
        snprintf(name, sizeof(name), "  %s working set", sz);
        printf("%-34s", name);
        for (unsigned i = 0; i < n; i++)
            printf(" %12.2f / %7.2f", r[i].lat[s], r[i].lat_conf[s]);
        printf("\n");
    }
    unsigned maxn = 0;
    for (unsigned i = 0; i < n; i++)
        maxn = r[i].nnodes > maxn ? r[i].nnodes : maxn;
    char sz[16];
    size_name(sizes[nsizes - 1], sz, sizeof(sz));
    printf("memory of node N, ns (measured / configured), %s\n", sz);
    for (unsigned nd = 0; nd < maxn && nd < MAX_NODES; nd++) {
        char name[48];
        snprintf(name, sizeof(name), "  node %u", nd);
        printf("%-34s", name);
        for (unsigned i = 0; i < n; i++) {
            if (nd < r[i].nnodes && r[i].remote[nd] > 0)
                printf(" %12.2f / %7.2f", r[i].remote[nd], r[i].remote_conf[nd]);
            else
                printf(" %22s", "-");
        }
        printf("\n");
    }
    printf("STREAM bandwidth, GB/s, one thread per CPU\n");
    printf("%-34s", "  copy");
    for (unsigned i = 0; i < n; i++)
        printf(" %22.2f", r[i].bw_copy);
    printf("\n%-34s", "  triad");
    for (unsigned i = 0; i < n; i++)
        printf(" %22.2f", r[i].bw_triad);
    printf("\n");
}

static void print_json(const char *const *topos, const struct result *r, unsigned n,
                       const unsigned *sizes, unsigned nsizes)
{
    printf("[");
    for (unsigned i = 0; i < n; i++) {
        printf("%s\n  {\"topology\": \"%s\", \"cpus\": %u, \"nodes\": %u, \"latency_ns\": [",
               i ? "," : "", topos[i], r[i].ncpus, r[i].nnodes);
        for (unsigned s = 0; s < nsizes; s++)
            printf("%s{\"size_kib\": %u, \"measured\": %.3f, \"configured\": %.3f}",
                   s ? ", " : "", sizes[s], r[i].lat[s], r[i].lat_conf[s]);
        printf("], \"node_memory_ns\": [");
        bool first = true;
        for (unsigned nd = 0; nd < r[i].nnodes && nd < MAX_NODES; nd++) {
            if (r[i].remote[nd] <= 0)
                continue;
            printf("%s{\"node\": %u, \"measured\": %.3f, \"configured\": %.3f}",
                   first ? "" : ", ", nd, r[i].remote[nd], r[i].remote_conf[nd]);
            first = false;
        }
        printf("], \"bandwidth_gbs\": {\"copy\": %.3f, \"triad\": %.3f}}", r[i].bw_copy,
               r[i].bw_triad);
    }
    printf("\n]\n");
}

int cmd_compare(int argc, char **argv)
{
    static const struct option opts[] = {{"topology", required_argument, NULL, 't'},
                                          {"threads", required_argument, NULL, 'n'},
                                          {"examples", required_argument, NULL, 'e'},
                                          {"seed", required_argument, NULL, 's'},
                                          {"json", no_argument, NULL, 'j'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    struct cli_topos topos = {0};
    int json = 0, c;
    uint64_t threads = 0, seed = 0;
    const char *dir = NULL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:n:e:s:jh", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            if (cli_topos_add(&topos, "compare", optarg))
                return EXIT_USAGE;
            break;
        case 'n':
            if (cli_parse_u64(optarg, &threads) || !threads || threads > 1024) {
                cli_error("compare: --threads: '%s' is not a number from 1 to 1024", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'e':
            dir = optarg;
            break;
        case 's':
            if (cli_parse_u64(optarg, &seed)) {
                cli_error("compare: --seed: '%s' is not a number", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'j':
            json = 1;
            break;
        case 'h':
            printf("usage: mmsim compare [-t NAME|FILE]... [--threads N] [--json]\n"
                   "                     [--examples DIR] [--seed N]\n\n"
                   "Run the bundled latency and bandwidth workloads (examples/guest) on each\n"
                   "machine with detailed timing and print the results side by side: the\n"
                   "load-to-use latency of a pointer chase for working sets that live in the\n"
                   "L1, the L2, the LLC and DRAM (next to what the configuration implies,\n"
                   "`mmsim latency`), the latency of each node's memory from CPU 0, and\n"
                   "STREAM copy/triad bandwidth with one thread per CPU (or N).  Without -t:\n"
                   "the default UMA and NUMA machines (%s and %s: 4 CPUs and 16 GiB each).\n"
                   "The workloads are found in DIR (default: the build's guest/examples,\n"
                   "or $MMSIM_EXAMPLES_DIR).\n",
                   mmsim_topology_default_uma(), mmsim_topology_default_numa());
            return 0;
        default:
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("compare: unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    char latency[4096], bandwidth[4096];
    if (!cli_workload("compare", dir, "latency", latency, sizeof(latency)) ||
        !cli_workload("compare", dir, "bandwidth", bandwidth, sizeof(bandwidth)))
        return EXIT_NOT_FOUND;
    cli_topos_default(&topos);
    struct result r[CLI_MAX_TOPOS];
    memset(r, 0, sizeof(r));
    for (int i = 0; i < topos.n; i++) {
        int rc = measure(latency, bandwidth, topos.name[i], default_sizes,
                         sizeof(default_sizes) / sizeof(default_sizes[0]), (unsigned)threads, seed,
                         &r[i]);
        if (rc)
            return rc;
    }
    unsigned nsizes = sizeof(default_sizes) / sizeof(default_sizes[0]);
    if (json)
        print_json(topos.name, r, (unsigned)topos.n, default_sizes, nsizes);
    else
        print_text(topos.name, r, (unsigned)topos.n, default_sizes, nsizes);
    return fflush(stdout) == 0 ? 0 : EXIT_SIM_ERROR;
}

/* mmsim matrix: Intel MLC's idle latency matrix, measured on the simulated
 * machine: the bundled latency workload on the first CPU of each node,
 * bound to each node's memory, next to the SLIT table. */
int cmd_matrix(int argc, char **argv)
{
    static const struct option opts[] = {{"topology", required_argument, NULL, 't'},
                                          {"examples", required_argument, NULL, 'e'},
                                          {"size", required_argument, NULL, 'z'},
                                          {"json", no_argument, NULL, 'j'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    const char *topo = NULL;
    int json = 0, c;
    uint64_t kib = 65536;
    const char *dir = NULL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:e:z:jh", opts, NULL)) != -1) {
        switch (c) {
        case 't': topo = optarg; break;
        case 'e': dir = optarg; break;
        case 'z':
            if (cli_parse_u64(optarg, &kib) || kib < 64 || kib > (1u << 22)) {
                cli_error("matrix: --size: '%s' is not a size in KiB from 64 to 4194304", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'j': json = 1; break;
        case 'h':
            printf("usage: mmsim matrix [-t NAME|FILE] [--size KIB] [--json] [--examples DIR]\n\n"
                   "Intel MLC's idle latency matrix, measured on the simulated machine: the\n"
                   "bundled latency workload on the first CPU of each node with a working\n"
                   "set of KIB (default 65536: DRAM on the bundled machines) bound to each\n"
                   "node's memory, in ns per load, with the SLIT distances beside it.\n"
                   "Default machine: %s.\n", mmsim_topology_default_numa());
            return 0;
        default:
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("matrix: unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    if (!topo)
        topo = mmsim_topology_default_numa();
    char prog[4096];
    if (!cli_workload("matrix", dir, "latency", prog, sizeof(prog)))
        return EXIT_NOT_FOUND;
    mmsim_machine *m;
    if (cli_create_machine(topo, 0, &m))
        return EXIT_USAGE;
    const mmsim_topology *t = mmsim_machine_topology(m);
    unsigned n = mmsim_topology_node_count(t);
    if (n > MAX_NODES)
        n = MAX_NODES;
    double ns[MAX_NODES][MAX_NODES];        /* 32 KiB: fine on the stack */
    int dist[MAX_NODES][MAX_NODES];
    mmsim_node_info info[MAX_NODES];
    for (unsigned i = 0; i < n; i++) {
        mmsim_topology_node_info(t, i, &info[i]);
        for (unsigned j = 0; j < n; j++)
            dist[i][j] = mmsim_topology_distance(t, i, j);
    }
    char name[64];
    snprintf(name, sizeof(name), "%s", mmsim_topology_name(t));
    mmsim_machine_destroy(m);
    char size[32], cpu[16], node[16];
    snprintf(size, sizeof(size), "%" PRIu64, kib);
    const unsigned sizes[1] = {(unsigned)kib};
    for (unsigned i = 0; i < n; i++) {
        for (unsigned j = 0; j < n; j++) {
            ns[i][j] = 0;
            if (!info[i].cpu_count || !info[j].mem_size)
                continue;
            snprintf(cpu, sizeof(cpu), "%u", info[i].first_cpu);
            snprintf(node, sizeof(node), "%u", j);
            const char *la[] = {"latency", "-s", size, "-n", "100000", "-H", "-c", cpu, "-m",
                                node, NULL};
            FILE *f = run_workload(topo, prog, la, 0);
            if (!f || read_latency(f, sizes, 1, &ns[i][j]))
                return EXIT_SIM_ERROR;
        }
    }
    if (json) {
        printf("{\"topology\": \"%s\", \"size_kib\": %" PRIu64 ", \"latency_ns\": [", name, kib);
        for (unsigned i = 0; i < n; i++) {
            printf("%s[", i ? ", " : "");
            for (unsigned j = 0; j < n; j++)
                printf("%s%.3f", j ? ", " : "", ns[i][j]);
            printf("]");
        }
        printf("], \"distances\": [");
        for (unsigned i = 0; i < n; i++) {
            printf("%s[", i ? ", " : "");
            for (unsigned j = 0; j < n; j++)
                printf("%s%d", j ? ", " : "", dist[i][j]);
            printf("]");
        }
        printf("]}\n");
    } else {
        printf("# %s: idle latency (ns per load, %" PRIu64 " KiB working set), CPU node x "
               "memory node; SLIT distances on the right\n%-8s", name, kib, "node");
        for (unsigned j = 0; j < n; j++)
            printf(" %9u", j);
        printf("   |");
        for (unsigned j = 0; j < n; j++)
            printf(" %4u", j);
        printf("\n");
        for (unsigned i = 0; i < n; i++) {
            printf("%-8u", i);
            for (unsigned j = 0; j < n; j++) {
                if (ns[i][j] > 0)
                    printf(" %9.2f", ns[i][j]);
                else
                    printf(" %9s", "-");
            }
            printf("   |");
            for (unsigned j = 0; j < n; j++)
                printf(" %4d", dist[i][j]);
            printf("\n");
        }
    }
    return fflush(stdout) == 0 ? 0 : EXIT_SIM_ERROR;
}
