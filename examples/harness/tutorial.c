/* tutorial: the walk-through of docs/API.md, whole.
 * Usage: tutorial WORKLOAD_DIR (the built guest/examples directory). */
#include <mmsim/mmsim.h>
#include <stdio.h>
#include <stdlib.h>

/* Called every 2,000,000 cycles of simulated time: a time series of the
 * remote DRAM accesses so far (the counters restart at the guest's ROI). */
static int sample(mmsim_machine *m, uint64_t boundary, uint64_t now, void *user)
{
    uint64_t remote = 0;
    (void)user;
    mmsim_stats_get(m, "cpu0.mem.dram_remote.count", &remote);
    printf("  cycle %8llu (sampled at %8llu): %6llu remote DRAM accesses\n",
           (unsigned long long)boundary, (unsigned long long)now, (unsigned long long)remote);
    return 0;   /* non-zero would stop the run (MMSIM_ERR_STOPPED) */
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: tutorial WORKLOAD_DIR\n");
        return 2;
    }
    char err[512], prog[4096];

    /* 1. A bundled topology, with one parameter overridden. */
    mmsim_topology *base, *t;
    if (mmsim_topology_bundled("numa-2s", &base, err, sizeof(err)) != MMSIM_OK ||
        mmsim_topology_override(base, "links[*].latency", "40ns", &t, err, sizeof(err)) != MMSIM_OK) {
        fprintf(stderr, "tutorial: %s\n", err);
        return 1;
    }
    mmsim_topology_destroy(base);

    /* 2. A machine (it keeps its own copy of the topology). */
    mmsim_machine *m;
    int rc = mmsim_machine_create(t, 1, &m);
    mmsim_topology_destroy(t);
    if (rc != MMSIM_OK) {
        fprintf(stderr, "tutorial: %s\n", mmsim_strerror(rc));
        return 1;
    }

    /* 3. A program: the latency workload on CPU 0, its memory on node 1
     *    (set before the process exists, as numactl --membind=1 does). */
    mmsim_mempolicy bind1 = {.mode = MMSIM_MPOL_BIND, .nodes = 1u << 1};
    mmsim_machine_set_mempolicy(m, &bind1);
    mmsim_machine_set_timing(m, MMSIM_TIMING_ROI);  /* detailed from mmsim_roi_begin() */
    snprintf(prog, sizeof(prog), "%s/latency", argv[1]);
    const char *args[] = {"latency", "-s", "16M", "-n", "20000", "-H", "-c", "0", NULL};
    mmsim_process *p;
    if (mmsim_process_create(m, prog, args, NULL, 0, &p) != MMSIM_OK) {
        fprintf(stderr, "tutorial: %s\n", mmsim_machine_errmsg(m));
        mmsim_machine_destroy(m);
        return 1;
    }

    /* 4. Sample every 2,000,000 cycles; run in slices of 5,000,000.  The
     *    sampler runs between quanta: 1,000 instructions instead of the
     *    default 10,000 make it more punctual (a chase of remote loads
     *    retires about one instruction per 100 cycles). */
    mmsim_machine_set_sched(m, 1000, 0);
    mmsim_machine_on_sample(m, 2000000, sample, NULL);
    for (uint64_t until = 5000000; !mmsim_machine_finished(m); until += 5000000) {
        rc = mmsim_machine_run_until(m, until);
        if (rc != MMSIM_OK) {
            fprintf(stderr, "tutorial: %s\n", mmsim_machine_errmsg(m));
            mmsim_machine_destroy(m);
            return 1;
        }
    }

    /* 5. Statistics by name, and the run's summary. */
    uint64_t count = 0, ps = 0;
    mmsim_stats_get(m, "cpu0.mem.dram_remote.count", &count);
    mmsim_stats_get(m, "cpu0.mem.dram_remote.ps", &ps);
    int code = -1;
    mmsim_process_exit_code(p, &code);
    printf("exit code %d; %llu remote DRAM loads, %.1f ns on average\n", code,
           (unsigned long long)count, count ? (double)ps / (double)count / 1000.0 : 0.0);
    mmsim_machine_write_report(m, stdout, MMSIM_FORMAT_TEXT);
    mmsim_machine_destroy(m);
    return code;
}
