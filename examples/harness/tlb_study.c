/* tlb_study: translation cost as the second-level TLB grows.
 *
 * The bundled `pagewalk` workload (dependent loads to random 4 KiB pages
 * of a 4 MiB buffer: 1024 pages, far beyond the 64-entry dTLB) on uma-4,
 * with cpu.l2tlb.entries overridden from 96 to 3072 (12 ways, so 8 to 256
 * sets) and random replacement (with LRU, a cyclic walk over more pages
 * than the TLB holds misses every time: a cliff, not a curve).  The
 * statistics are those of the workload's region of interest.  A sampler
 * reads the walk counter every 50,000 cycles and keeps the busiest
 * interval.  Prints, per size, the dTLB and L2 TLB miss rates, page
 * walks, the average latency of a walk's memory reads, the busiest
 * interval's walks, and the region's length in cycles.
 *
 * Usage: tlb_study WORKLOAD_DIR (the built guest/examples directory). */
#include <mmsim/mmsim.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SAMPLE_CYCLES 50000

struct sampler {
    uint64_t last_walks, peak;
};

/* Walks since the previous sample (the counter restarts at ROI begin). */
static int on_sample(mmsim_machine *m, uint64_t boundary, uint64_t now, void *user)
{
    struct sampler *s = user;
    uint64_t walks;
    (void)boundary;
    (void)now;
    if (mmsim_stats_get(m, "cpu0.walk.count", &walks) != MMSIM_OK)
        return 1;       /* stop: the statistic should exist */
    uint64_t d = walks >= s->last_walks ? walks - s->last_walks : walks;
    s->peak = d > s->peak ? d : s->peak;
    s->last_walks = walks;
    return 0;
}

static uint64_t stat(mmsim_machine *m, const char *name)
{
    uint64_t v = 0;
    if (mmsim_stats_get(m, name, &v) != MMSIM_OK)
        fprintf(stderr, "tlb_study: %s\n", mmsim_machine_errmsg(m));
    return v;
}

static int measure(const char *dir, unsigned entries)
{
    char err[512], value[32], prog[4096];
    mmsim_topology *base, *t;
    if (mmsim_topology_bundled("uma-4", &base, err, sizeof(err)) != MMSIM_OK) {
        fprintf(stderr, "tlb_study: %s\n", err);
        return -1;
    }
    snprintf(value, sizeof(value), "%u", entries);
    const char *sets[3] = {NULL, "cpu.l2tlb.ways=12", "cpu.l2tlb.replacement=random"};
    char set0[64];
    snprintf(set0, sizeof(set0), "cpu.l2tlb.entries=%s", value);
    sets[0] = set0;
    int rc = mmsim_topology_override_list(base, sets, 3, &t, err, sizeof(err));
    mmsim_topology_destroy(base);
    if (rc != MMSIM_OK) {
        fprintf(stderr, "tlb_study: %s\n", err);
        return -1;
    }
    mmsim_machine *m;
    rc = mmsim_machine_create(t, 1, &m);
    mmsim_topology_destroy(t);
    if (rc != MMSIM_OK) {
        fprintf(stderr, "tlb_study: %s\n", mmsim_strerror(rc));
        return -1;
    }
    mmsim_machine_set_timing(m, MMSIM_TIMING_ROI);
    struct sampler s = {0};
    mmsim_machine_on_sample(m, SAMPLE_CYCLES, on_sample, &s);
    snprintf(prog, sizeof(prog), "%s/pagewalk", dir);
    const char *argv[] = {"pagewalk", "-b", "4M", "-n", "20000", "-M", "4k", "-c", "0", NULL};
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
    if (rc != MMSIM_OK || code != 0) {
        fprintf(stderr, "tlb_study: %u entries: %s (exit code %d)\n", entries,
                rc != MMSIM_OK ? mmsim_machine_errmsg(m) : "workload failed", code);
        if (out)
            fclose(out);
        mmsim_machine_destroy(m);
        return -1;
    }
    uint64_t lookups = stat(m, "cpu0.dtlb.lookups"), hits = stat(m, "cpu0.dtlb.hits");
    uint64_t l2_hits = stat(m, "cpu0.l2tlb.hits.4k"), l2_misses = stat(m, "cpu0.l2tlb.misses.4k");
    uint64_t walks = stat(m, "cpu0.walk.count");
    uint64_t pte_reads = stat(m, "cpu0.mem.pte.count"), pte_ps = stat(m, "cpu0.mem.pte.ps");
    uint64_t roi = stat(m, "roi.end_cycle") - stat(m, "roi.begin_cycle");
    printf("%8u %10.4f %10.4f %8llu %12.1f %12llu %12llu\n", entries,
           lookups ? (double)(lookups - hits) / (double)lookups : 0,
           l2_hits + l2_misses ? (double)l2_misses / (double)(l2_hits + l2_misses) : 0,
           (unsigned long long)walks, pte_reads ? (double)pte_ps / (double)pte_reads / 1000 : 0,
           (unsigned long long)s.peak, (unsigned long long)roi);
    fflush(stdout);
    fclose(out);
    mmsim_machine_destroy(m);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: tlb_study WORKLOAD_DIR\n");
        return 2;
    }
    printf("# uma-4, CPU 0, pagewalk over 4 MiB of 4 KiB pages (1024 pages), 20000 loads\n");
    printf("%8s %10s %10s %8s %12s %12s %12s\n", "l2tlb", "dtlb_miss", "l2tlb_miss", "walks",
           "walk_read_ns", "peak_walks", "roi_cycles");
    for (unsigned entries = 96; entries <= 3072; entries *= 2)
        if (measure(argv[1], entries))
            return 1;
    return 0;
}
