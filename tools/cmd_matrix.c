/* mmsim matrix: Intel MLC's idle latency matrix and (--bandwidth) its
 * bandwidth matrix, measured on the simulated machine: the bundled latency
 * workload on the first CPU of each node, and the bandwidth workload with
 * one thread per CPU of each node, bound to each node's memory, next to
 * the SLIT table (docs/EXPERIMENTS.md). */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "exp.h"

#define MAX_NODES 64

struct matrix {
    char name[64];
    unsigned n;
    uint64_t kib;
    bool bandwidth;
    double ns[MAX_NODES][MAX_NODES];        /* 0: not measured */
    double gbs[MAX_NODES][MAX_NODES];
    int dist[MAX_NODES][MAX_NODES];
    mmsim_node_info info[MAX_NODES];
    bool contiguous[MAX_NODES];             /* the node's CPUs are first_cpu.. */
};

/* The first "KIB NS" line of the latency workload; 0 or -1. */
static int read_ns(FILE *f, double *ns)
{
    char line[256];
    while (fgets(line, sizeof(line), f)) {
        char *e;
        if (line[0] == '#')
            continue;
        strtoul(line, &e, 10);
        if (e == line || *e != ' ')
            continue;
        char *p = e;
        *ns = strtod(p, &e);
        if (e != p)
            return 0;
    }
    return -1;
}

/* The "copy BEST_GB/s ..." line of the bandwidth workload; 0 or -1. */
static int read_copy(FILE *f, double *gbs)
{
    char line[256];
    while (fgets(line, sizeof(line), f)) {
        char *e;
        if (strncmp(line, "copy ", 5) != 0)
            continue;
        *gbs = strtod(line + 5, &e);
        if (e != line + 5)
            return 0;
    }
    return -1;
}

static int run_one(const char *topo, const char *prog, const char *const *argv, double *v,
                   int (*parse)(FILE *, double *))
{
    struct exp_run r = {.cmd = "matrix", .topo = topo, .prog = prog, .argv = argv,
                        .bundled = true};
    int st = exp_run(&r);
    if (st)
        return st;
    int bad = parse(r.out, v);
    fclose(r.out);
    if (bad) {
        cli_error("matrix: unexpected output of %s", prog);
        return EXIT_SIM_ERROR;
    }
    return 0;
}

static int measure(struct matrix *mx, const char *topo, const char *lat, const char *bw)
{
    char size[32], cpu[16], node[16], threads[16], elems[32];
    snprintf(size, sizeof(size), "%" PRIu64, mx->kib);
    /* The three arrays together as large as the latency working set: past
     * the LLC (the matrix is about memory), whatever the machine's. */
    snprintf(elems, sizeof(elems), "%" PRIu64, mx->kib * 1024 / 24);
    for (unsigned i = 0; i < mx->n; i++) {
        for (unsigned j = 0; j < mx->n; j++) {
            if (!mx->info[i].cpu_count || !mx->info[j].mem_size)
                continue;
            snprintf(cpu, sizeof(cpu), "%u", mx->info[i].first_cpu);
            snprintf(node, sizeof(node), "%u", j);
            const char *la[] = {"latency", "-s", size, "-n", "100000", "-H", "-c", cpu, "-m",
                                node, NULL};
            int rc = run_one(topo, lat, la, &mx->ns[i][j], read_ns);
            if (rc)
                return rc;
            if (!mx->bandwidth)
                continue;
            /* Every CPU of node i (pinned from its first one: the bundled
             * machines number a node's CPUs contiguously; otherwise one
             * thread), arrays bound to node j; one repetition: the arrays
             * miss the caches from the start. */
            snprintf(threads, sizeof(threads), "%u",
                     mx->contiguous[i] ? mx->info[i].cpu_count : 1);
            const char *ba[] = {"bandwidth", "-t", threads, "-n", elems, "-k", "1", "-c", cpu,
                                "-m", node, NULL};
            rc = run_one(topo, bw, ba, &mx->gbs[i][j], read_copy);
            if (rc)
                return rc;
        }
    }
    return 0;
}

static json_t *rows(const struct matrix *mx, const double (*v)[MAX_NODES])
{
    json_t *a = json_array();
    for (unsigned i = 0; i < mx->n; i++) {
        json_t *row = json_array();
        for (unsigned j = 0; j < mx->n; j++)
            json_array_append_new(row, json_real(v[i][j]));
        json_array_append_new(a, row);
    }
    return a;
}

static json_t *to_json(const struct matrix *mx)
{
    json_t *o = json_object(), *d = json_array();
    json_object_set_new(o, "topology", json_string(mx->name));
    json_object_set_new(o, "size_kib", json_integer((json_int_t)mx->kib));
    json_object_set_new(o, "latency_ns", rows(mx, mx->ns));
    if (mx->bandwidth)
        json_object_set_new(o, "bandwidth_gbs", rows(mx, mx->gbs));
    for (unsigned i = 0; i < mx->n; i++) {
        json_t *row = json_array();
        for (unsigned j = 0; j < mx->n; j++)
            json_array_append_new(row, json_integer(mx->dist[i][j]));
        json_array_append_new(d, row);
    }
    json_object_set_new(o, "distances", d);
    return o;
}

/* The column numbers of one n x n block. */
static void print_columns(const struct matrix *mx)
{
    for (unsigned j = 0; j < mx->n; j++)
        printf(" %9u", j);
    printf("   |");
}

static void print_text(const struct matrix *mx)
{
    printf("# %s: idle latency (ns per load, %" PRIu64 " KiB working set)", mx->name, mx->kib);
    if (mx->bandwidth)
        printf(", then STREAM copy bandwidth (GB/s, every CPU of the node)");
    printf(", CPU node x memory node; SLIT distances on the right\n%-8s", "node");
    print_columns(mx);
    if (mx->bandwidth)
        print_columns(mx);
    for (unsigned j = 0; j < mx->n; j++)
        printf(" %4u", j);
    printf("\n");
    for (unsigned i = 0; i < mx->n; i++) {
        printf("%-8u", i);
        for (int b = 0; b < (mx->bandwidth ? 2 : 1); b++) {
            for (unsigned j = 0; j < mx->n; j++) {
                double v = b ? mx->gbs[i][j] : mx->ns[i][j];
                if (v > 0)
                    printf(" %9.2f", v);
                else
                    printf(" %9s", "-");
            }
            printf("   |");
        }
        for (unsigned j = 0; j < mx->n; j++)
            printf(" %4d", mx->dist[i][j]);
        printf("\n");
    }
}

enum { OPT_CSV = 256, OPT_PLOT };

int cmd_matrix(int argc, char **argv)
{
    static const struct option opts[] = {{"topology", required_argument, NULL, 't'},
                                          {"examples", required_argument, NULL, 'e'},
                                          {"size", required_argument, NULL, 'z'},
                                          {"bandwidth", no_argument, NULL, 'b'},
                                          {"json", no_argument, NULL, 'j'},
                                          {"csv", no_argument, NULL, OPT_CSV},
                                          {"plot", required_argument, NULL, OPT_PLOT},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    const char *topo = NULL, *dir = NULL, *plot = NULL;
    int json = 0, csv = 0, bandwidth = 0, c;
    uint64_t kib = 65536;
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:e:z:bjh", opts, NULL)) != -1) {
        switch (c) {
        case 't': topo = optarg; break;
        case 'e': dir = optarg; break;
        case 'z':
            if (cli_parse_u64(optarg, &kib) || kib < 64 || kib > (1u << 22)) {
                cli_error("matrix: --size: '%s' is not a size in KiB from 64 to 4194304", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'b': bandwidth = 1; break;
        case 'j': json = 1; break;
        case OPT_CSV: csv = 1; break;
        case OPT_PLOT: plot = optarg; break;
        case 'h':
            printf("usage: mmsim matrix [-t NAME|FILE] [--bandwidth] [--size KIB]\n"
                   "                    [--json | --csv] [--plot FILE.svg|.png] [--examples DIR]\n\n"
                   "Intel MLC's idle latency matrix, measured on the simulated machine: the\n"
                   "bundled latency workload on the first CPU of each node with a working\n"
                   "set of KIB (default 65536: DRAM on the bundled machines) bound to each\n"
                   "node's memory, in ns per load, with the SLIT distances beside it.\n"
                   "--bandwidth adds the bandwidth matrix: the bundled bandwidth workload\n"
                   "(STREAM copy, GB/s) with one thread on every CPU of node i, its three\n"
                   "arrays (KIB together) bound to node j.  --plot draws the matrices as\n"
                   "heat maps (gnuplot).\n"
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
    if (json && csv) {
        cli_error("matrix: --json and --csv are mutually exclusive");
        return EXIT_USAGE;
    }
    if (plot) {
        int rc = plot_check("matrix", plot);
        if (rc)
            return rc;
    }
    if (!topo)
        topo = mmsim_topology_default_numa();
    char lat[4096], bw[4096];
    if (!cli_workload("matrix", dir, "latency", lat, sizeof(lat)) ||
        (bandwidth && !cli_workload("matrix", dir, "bandwidth", bw, sizeof(bw))))
        return EXIT_NOT_FOUND;
    mmsim_machine *m;
    if (cli_create_machine(topo, 0, &m))
        return EXIT_SIM_ERROR;
    struct matrix *mx = calloc(1, sizeof(*mx));     /* some 100 KiB */
    if (!mx) {
        mmsim_machine_destroy(m);
        return EXIT_SIM_ERROR;
    }
    const mmsim_topology *t = mmsim_machine_topology(m);
    mx->n = mmsim_topology_node_count(t);
    if (mx->n > MAX_NODES)
        mx->n = MAX_NODES;
    mx->kib = kib;
    mx->bandwidth = bandwidth;
    for (unsigned i = 0; i < mx->n; i++) {
        mmsim_topology_node_info(t, i, &mx->info[i]);
        mx->contiguous[i] = true;
        for (unsigned k = 0; k < mx->info[i].cpu_count; k++)
            if (mmsim_topology_cpu_node(t, mx->info[i].first_cpu + k) != (int)i)
                mx->contiguous[i] = false;
        for (unsigned j = 0; j < mx->n; j++)
            mx->dist[i][j] = mmsim_topology_distance(t, i, j);
    }
    snprintf(mx->name, sizeof(mx->name), "%s", mmsim_topology_name(t));
    mmsim_machine_destroy(m);
    int rc = measure(mx, topo, lat, bw);
    json_t *o = rc ? NULL : to_json(mx);
    if (o) {
        if (json)
            rc = report_json(o, stdout) ? EXIT_SIM_ERROR : 0;
        else if (csv)
            rc = report_csv(o, stdout) ? EXIT_SIM_ERROR : 0;
        else
            print_text(mx);
    }
    if (!rc && plot) {
        double *v = calloc(2 * (size_t)mx->n * mx->n, sizeof(double));
        if (!v)
            rc = EXIT_SIM_ERROR;
        for (unsigned i = 0; v && i < mx->n; i++)
            for (unsigned j = 0; j < mx->n; j++) {
                v[i * mx->n + j] = mx->ns[i][j];
                v[mx->n * mx->n + i * mx->n + j] = mx->gbs[i][j];
            }
        struct plot_matrix pm[2] = {{"idle latency", "ns per load", mx->n, v},
                                    {"STREAM copy bandwidth", "GB/s", mx->n,
                                     v ? v + mx->n * mx->n : NULL}};
        char title[128];
        snprintf(title, sizeof(title), "%s: CPU node x memory node", mx->name);
        if (v)
            rc = plot_heatmaps("matrix", plot, title, pm, bandwidth ? 2 : 1);
        free(v);
    }
    json_decref(o);
    free(mx);
    if (!rc && fflush(stdout) != 0)
        rc = EXIT_SIM_ERROR;
    return rc;
}
