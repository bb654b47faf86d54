/* link_sweep: remote memory latency as the inter-socket link gets slower.
 *
 * For each link latency (10 to 60 ns), the numa-2s topology with
 * links[*].latency overridden, and the bundled `latency` workload (a
 * dependent pointer chase over 16 MiB, twice the LLC) with all its memory
 * bound to node 1 while it runs on CPU 0 of node 0: every load that misses
 * the caches crosses the link twice (request and reply).  Prints the link
 * latency, the latency the configuration implies for a remote DRAM load,
 * what the workload measured per load, and the average remote DRAM access
 * latency the memory system recorded (statistics by name).
 *
 * Usage: link_sweep WORKLOAD_DIR (the built guest/examples directory). */
#include <mmsim/mmsim.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct row {
    unsigned link_ns;
    double configured_ns, measured_ns, dram_remote_ns;
};

/* The workload prints "size_kib ns_per_load" lines after '#' comments. */
static int read_result(FILE *f, double *ns)
{
    char line[256];
    rewind(f);
    while (fgets(line, sizeof(line), f)) {
        unsigned long kib;
        if (line[0] != '#' && sscanf(line, "%lu %lf", &kib, ns) == 2)
            return 0;
    }
    return -1;
}

static int measure(const char *dir, struct row *r)
{
    char err[512], value[32], prog[4096];
    mmsim_topology *base, *t;
    if (mmsim_topology_bundled("numa-2s", &base, err, sizeof(err)) != MMSIM_OK) {
        fprintf(stderr, "link_sweep: %s\n", err);
        return -1;
    }
    snprintf(value, sizeof(value), "%uns", r->link_ns);
    int rc = mmsim_topology_override(base, "links[*].latency", value, &t, err, sizeof(err));
    mmsim_topology_destroy(base);
    if (rc != MMSIM_OK) {
        fprintf(stderr, "link_sweep: %s\n", err);
        return -1;
    }
    mmsim_machine *m;
    rc = mmsim_machine_create(t, 1, &m);
    mmsim_topology_destroy(t);
    if (rc != MMSIM_OK) {
        fprintf(stderr, "link_sweep: %s\n", mmsim_strerror(rc));
        return -1;
    }
    /* Set-up at functional speed; detailed timing from the workload's
     * mmsim_roi_begin(), whose statistics are those of the chase. */
    mmsim_machine_set_timing(m, MMSIM_TIMING_ROI);
    /* As `numactl --membind=1`: the image, stack and buffer on node 1. */
    mmsim_mempolicy bind1 = {.mode = MMSIM_MPOL_BIND, .nodes = 1u << 1};
    mmsim_machine_set_mempolicy(m, &bind1);
    snprintf(prog, sizeof(prog), "%s/latency", dir);
    const char *argv[] = {"latency", "-s", "16M", "-n", "20000", "-H", "-c", "0", NULL};
    mmsim_process *p;
    FILE *out = tmpfile();
    rc = out ? mmsim_process_create(m, prog, argv, NULL, 0, &p) : MMSIM_ERR_IO;
    if (rc == MMSIM_OK)
        rc = mmsim_process_set_stdio(p, -1, fileno(out), -1);
    if (rc == MMSIM_OK)
        rc = mmsim_machine_run(m, 0);
    int code = -1;
    if (rc == MMSIM_OK)
        mmsim_process_exit_code(p, &code);
    uint64_t ps = 0, count = 0, sum_ps = 0;
    if (rc != MMSIM_OK || code != 0 || read_result(out, &r->measured_ns) ||
        mmsim_memory_latency(m, 0, MMSIM_LEVEL_DRAM, 1, &ps) != MMSIM_OK ||
        mmsim_stats_get(m, "cpu0.mem.dram_remote.count", &count) != MMSIM_OK ||
        mmsim_stats_get(m, "cpu0.mem.dram_remote.ps", &sum_ps) != MMSIM_OK || !count) {
        fprintf(stderr, "link_sweep: link %u ns: %s (exit code %d)\n", r->link_ns,
                rc != MMSIM_OK ? mmsim_machine_errmsg(m) : "no result", code);
        rc = -1;
    }
    r->configured_ns = (double)ps / 1000.0;
    r->dram_remote_ns = count ? (double)sum_ps / (double)count / 1000.0 : 0;
    if (out)
        fclose(out);
    mmsim_machine_destroy(m);
    return rc == MMSIM_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: link_sweep WORKLOAD_DIR\n");
        return 2;
    }
    printf("# numa-2s, CPU 0 (node 0), memory bound to node 1, 16 MiB pointer chase\n");
    printf("%8s %14s %13s %16s\n", "link_ns", "configured_ns", "measured_ns", "dram_remote_ns");
    for (unsigned link = 10; link <= 60; link += 10) {
        struct row r = {.link_ns = link};
        if (measure(argv[1], &r))
            return 1;
        printf("%8u %14.1f %13.3f %16.1f\n", r.link_ns, r.configured_ns, r.measured_ns,
               r.dram_remote_ns);
        fflush(stdout);
    }
    return 0;
}
