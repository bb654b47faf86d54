/* policy_compare: one workload under four NUMA memory policies.
 *
 * The bundled `latency` workload (a dependent pointer chase over 16 MiB,
 * twice the LLC) runs on CPU 0 (node 0) of numa-2s under each policy, set
 * for the whole process before it is created (as `numactl` sets it before
 * exec): local (MPOL_LOCAL), bind-remote (MPOL_BIND to node 1), interleave
 * (over nodes 0 and 1) and preferred-remote (MPOL_PREFERRED node 1).  An
 * exit callback records each run's simulated time when the process ends;
 * an ROI callback reads numastat when the timed region begins (the
 * buffer is in place then).  Prints the simulated time, the workload's ns
 * per load, and numastat's local/other-node page counts summed over the
 * nodes (allocations by a CPU of the node / of another node).
 *
 * Usage: policy_compare WORKLOAD_DIR (the built guest/examples directory). */
#include <mmsim/mmsim.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct policy {
    const char *name;
    mmsim_mempolicy pol;
};

struct result {
    double sim_ms, ns_per_load;
    uint64_t local_pages, remote_pages;     /* numastat local_node, other_node */
    int exit_code;
};

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

/* The workload's mmsim_roi_begin(): its buffer is allocated and touched,
 * and the statistics (numastat included) are about to restart for the
 * timed region, so this is where to read where the pages went. */
static int on_roi(mmsim_machine *m, int begin, unsigned cpu, uint64_t cycle, void *user)
{
    struct result *r = user;
    (void)cpu;
    (void)cycle;
    if (!begin)
        return 0;
    unsigned nodes = mmsim_topology_node_count(mmsim_machine_topology(m));
    for (unsigned n = 0; n < nodes; n++) {
        mmsim_numa_stat ns;
        if (mmsim_memory_numa_stat(m, n, &ns) != MMSIM_OK)
            return 1;   /* stop the run: cannot happen on a valid node */
        r->local_pages += ns.local_node;
        r->remote_pages += ns.other_node;
    }
    return 0;
}

/* Called once when the process ends: its clock is the run's length. */
static int on_exit_cb(mmsim_machine *m, mmsim_process *p, int exit_code, void *user)
{
    struct result *r = user;
    mmsim_process_info in;
    (void)m;
    if (mmsim_process_info_get(p, &in) == MMSIM_OK)
        r->sim_ms = (double)in.sim_time_ps / 1e9;
    r->exit_code = exit_code;
    return 0;
}

static int measure(const char *dir, const struct policy *pol, struct result *r)
{
    char err[512], prog[4096];
    mmsim_topology *t;
    if (mmsim_topology_bundled("numa-2s", &t, err, sizeof(err)) != MMSIM_OK) {
        fprintf(stderr, "policy_compare: %s\n", err);
        return -1;
    }
    mmsim_machine *m;
    int rc = mmsim_machine_create(t, 1, &m);
    mmsim_topology_destroy(t);
    if (rc != MMSIM_OK) {
        fprintf(stderr, "policy_compare: %s\n", mmsim_strerror(rc));
        return -1;
    }
    mmsim_machine_set_timing(m, MMSIM_TIMING_ROI);
    rc = mmsim_machine_set_mempolicy(m, &pol->pol);
    mmsim_machine_on_exit(m, on_exit_cb, r);
    mmsim_machine_on_roi(m, on_roi, r);
    snprintf(prog, sizeof(prog), "%s/latency", dir);
    const char *argv[] = {"latency", "-s", "16M", "-n", "20000", "-H", "-c", "0", NULL};
    mmsim_process *p;
    FILE *out = tmpfile();
    r->exit_code = -1;
    if (rc == MMSIM_OK)
        rc = out ? mmsim_process_create(m, prog, argv, NULL, 0, &p) : MMSIM_ERR_IO;
    if (rc == MMSIM_OK)
        rc = mmsim_process_set_stdio(p, -1, fileno(out), -1);
    if (rc == MMSIM_OK)
        rc = mmsim_machine_run(m, 0);
    if (rc != MMSIM_OK || r->exit_code != 0 || read_result(out, &r->ns_per_load)) {
        fprintf(stderr, "policy_compare: %s: %s (exit code %d)\n", pol->name,
                rc != MMSIM_OK ? mmsim_machine_errmsg(m) : "no result", r->exit_code);
        rc = -1;
    }
    if (out)
        fclose(out);
    mmsim_machine_destroy(m);
    return rc == MMSIM_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: policy_compare WORKLOAD_DIR\n");
        return 2;
    }
    const struct policy policies[] = {
        {"local", {.mode = MMSIM_MPOL_LOCAL}},
        {"bind-remote", {.mode = MMSIM_MPOL_BIND, .nodes = 1u << 1}},
        {"interleave", {.mode = MMSIM_MPOL_INTERLEAVE, .nodes = 3}},
        {"preferred-remote", {.mode = MMSIM_MPOL_PREFERRED, .nodes = 1u << 1}},
    };
    printf("# numa-2s, CPU 0 (node 0), 16 MiB pointer chase\n");
    printf("%-17s %10s %12s %12s %12s\n", "policy", "sim_ms", "ns_per_load", "local_node",
           "other_node");
    for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
        struct result r = {0};
        if (measure(argv[1], &policies[i], &r))
            return 1;
        printf("%-17s %10.3f %12.3f %12llu %12llu\n", policies[i].name, r.sim_ms, r.ns_per_load,
               (unsigned long long)r.local_pages, (unsigned long long)r.remote_pages);
        fflush(stdout);
    }
    return 0;
}
