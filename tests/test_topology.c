/* Topology parsing, validation, bundled files, routes and SLIT derivation. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmmsim/topology.h"
#include "mmsim/mmsim.h"
#include "testutil.h"

static mmsim_topology *bundled(const char *name)
{
    mmsim_topology *t = NULL;
    char err[512];
    int rc = mmsim_topology_bundled(name, &t, err, sizeof(err));
    ck_assert_msg(rc == MMSIM_OK, "%s: %s", name, err);
    return t;
}

START_TEST(every_bundled_topology_loads)
{
    int n = mmsim_topology_bundled_count();
    /* The foundation issue's required set, at least. */
    const char *required[] = {"uma-4", "uma-16", "numa-2s", "numa-4s-ring", "numa-4s-full", "numa-8s"};
    for (size_t r = 0; r < sizeof(required) / sizeof(required[0]); r++) {
        int found = 0;
        for (int i = 0; i < n; i++)
            found |= strcmp(mmsim_topology_bundled_name(i), required[r]) == 0;
        ck_assert_msg(found, "bundled topology %s missing", required[r]);
    }
    for (int i = 0; i < n; i++) {
        mmsim_topology *t = bundled(mmsim_topology_bundled_name(i));
        ck_assert_str_eq(mmsim_topology_name(t), mmsim_topology_bundled_name(i));
        ck_assert_msg(strlen(mmsim_topology_bundled_summary(i)) > 10, "summary of %s",
                      mmsim_topology_bundled_name(i));
        ck_assert_uint_gt(mmsim_topology_cpu_count(t), 0);
        /* The table is a metric: zero... ten on the diagonal, symmetric. */
        unsigned nn = mmsim_topology_node_count(t);
        for (unsigned a = 0; a < nn; a++)
            for (unsigned b = 0; b < nn; b++) {
                ck_assert_int_eq(mmsim_topology_distance(t, a, b), mmsim_topology_distance(t, b, a));
                if (a == b)
                    ck_assert_int_eq(mmsim_topology_distance(t, a, b), 10);
                else
                    ck_assert_int_gt(mmsim_topology_distance(t, a, b), 10);
            }
        mmsim_topology_destroy(t);
    }
    ck_assert_ptr_null(mmsim_topology_bundled_name(n));
    ck_assert_ptr_null(mmsim_topology_bundled_name(-1));
}
END_TEST

START_TEST(numa_2s_is_two_sockets_10_21)
{
    mmsim_topology *t = bundled("numa-2s");
    ck_assert_uint_eq(mmsim_topology_node_count(t), 2);
    ck_assert_uint_eq(mmsim_topology_cpu_count(t), 4);
    ck_assert_int_eq(mmsim_topology_distance(t, 0, 1), 21);
    ck_assert_int_eq(mmsim_topology_distance(t, 1, 0), 21);
    ck_assert_int_eq(mmsim_topology_distance(t, 0, 0), 10);
    ck_assert_int_eq(mmsim_topology_hops(t, 0, 1), 1);
    mmsim_node_info ni;
    ck_assert_int_eq(mmsim_topology_node_info(t, 1, &ni), MMSIM_OK);
    ck_assert_uint_eq(ni.first_cpu, 2);
    ck_assert_uint_eq(ni.cpu_count, 2);
    ck_assert_uint_eq(ni.mem_size, 8ull << 30);
    /* Nodes are laid out in order from the RISC-V DRAM base. */
    ck_assert_uint_eq(ni.mem_base, 0x80000000ull + (8ull << 30));
    ck_assert_double_eq_tol(ni.mem_latency_ns, 60.0, 1e-9);
    ck_assert_double_eq_tol(ni.mem_bandwidth_gbs, 21.3, 1e-9);
    mmsim_link_info li;
    ck_assert_int_eq(mmsim_topology_link_info(t, 0, &li), MMSIM_OK);
    ck_assert_double_eq_tol(li.latency_ns, 25.0, 1e-9);
    ck_assert_double_eq_tol(li.bandwidth_gbs, 20.8, 1e-9);
    ck_assert_int_eq(mmsim_topology_link_info(t, 1, &li), MMSIM_ERR_RANGE);
    ck_assert_int_eq(mmsim_topology_node_info(t, 2, &ni), MMSIM_ERR_RANGE);
    ck_assert_int_eq(mmsim_topology_cpu_node(t, 3), 1);
    ck_assert_int_eq(mmsim_topology_cpu_node(t, 4), -1);
    ck_assert_int_eq(mmsim_topology_distance(t, 0, 2), -1);
    ck_assert_double_eq_tol(mmsim_topology_clock_ghz(t), 2.5, 1e-12);
    mmsim_topology_destroy(t);
}
END_TEST

/* Derived SLIT: 10 * (2 * route + 60 ns) / 60 ns with 25 ns per hop:
 * one hop 10 * 110 / 60 = 18.33 -> 18, two hops 10 * 160 / 60 = 26.67 -> 27. */
START_TEST(derived_distances_follow_the_link_graph)
{
    mmsim_topology *t = bundled("numa-4s-ring");
    static const int ring[4][4] = {{10, 18, 27, 18}, {18, 10, 18, 27}, {27, 18, 10, 18}, {18, 27, 18, 10}};
    for (unsigned a = 0; a < 4; a++)
        for (unsigned b = 0; b < 4; b++) {
            ck_assert_int_eq(mmsim_topology_distance(t, a, b), ring[a][b]);
            ck_assert_int_eq(mmsim_topology_hops(t, a, b), ring[a][b] == 10 ? 0 : ring[a][b] == 18 ? 1 : 2);
        }
    /* Two equal routes 0->2 (via 1 and via 3): the lower next hop wins. */
    ck_assert_uint_eq(t->next_hop[0 * 4 + 2], 1);
    ck_assert_uint_eq(t->next_hop[2 * 4 + 0], 1);
    ck_assert_uint_eq(t->route_ps[0 * 4 + 2], 50000);
    mmsim_topology_destroy(t);

    /* The twisted ladder: every node within two hops; three neighbours each. */
    t = bundled("numa-8s");
    for (unsigned a = 0; a < 8; a++) {
        int one = 0;
        for (unsigned b = 0; b < 8; b++) {
            int h = mmsim_topology_hops(t, a, b);
            ck_assert_int_le(h, 2);
            one += h == 1;
        }
        ck_assert_int_eq(one, 3);
    }
    ck_assert_int_eq(mmsim_topology_distance(t, 0, 4), 18);
    ck_assert_int_eq(mmsim_topology_distance(t, 0, 2), 27);
    mmsim_topology_destroy(t);

    /* A CPU-less memory node: 10 * (2 * 40 + 100) / 60 = 30. */
    t = bundled("tiered-cxl");
    ck_assert_int_eq(mmsim_topology_distance(t, 0, 1), 30);
    mmsim_node_info ni;
    ck_assert_int_eq(mmsim_topology_node_info(t, 1, &ni), MMSIM_OK);
    ck_assert_uint_eq(ni.cpu_count, 0);
    ck_assert_uint_eq(ni.mem_size, 64ull << 30);
    mmsim_topology_destroy(t);
}
END_TEST

static const char *minimal =
    "name: tiny\n"
    "clock: 1GHz\n"
    "nodes:\n"
    "  - {cpus: 1, memory: 64MiB}\n";

START_TEST(units_and_defaults)
{
    const char *y =
        "name: units\n"
        "description: every unit\n"
        "clock: 3200MHz\n"
        "kernel: {max_order: 10, min_free_kbytes: 4096, pcp: false, paging: sv48, thp: always,\n"
        "         page_tables: data, fault_cycles: 900, zero_cycles: 300}\n"
        "cpu:\n"
        "  l1d: {size: 32KiB, ways: 8, line: 64B, latency: 1.5ns, replacement: plru, mshrs: 8}\n"
        "  l2tlb: {entries: 2048, ways: 16, replacement: random}\n"
        "  pwc_entries: 16\n"
        "nodes:\n"
        "  - cpus: 2\n"
        "    memory: 1_024MiB\n"
        "    dram_base: 0x1_0000_0000\n"
        "    movable: 256MiB\n"
        "    memory_controller: {latency: 100cycles, bandwidth: 12.8GiB/s}\n"
        "    bus: {width: 16B, clock: 800MHz, latency: 2ns, arbitration: fcfs}\n"
        "  - {memory: 4096MB}\n"
        "links: [{from: 1, to: 0, latency: 0.5us, bandwidth: 1000MB/s}]\n";
    mmsim_topology *t;
    char err[512];
    ck_assert_msg(mmsim_topology_load_string(y, strlen(y), "u.yaml", &t, err, sizeof(err)) == MMSIM_OK, "%s", err);
    ck_assert_uint_eq(t->clock_hz, 3200000000ull);
    ck_assert_uint_eq(t->max_order, 10);
    ck_assert_uint_eq(t->min_free_kbytes, 4096);
    ck_assert(!t->pcp);
    ck_assert_uint_eq(t->paging_levels, 4);
    ck_assert_uint_eq(t->thp, 2);
    ck_assert_uint_eq(t->pt_placement, 1);
    ck_assert_uint_eq(t->fault_cycles, 900);
    ck_assert_uint_eq(t->zero_cycles, 300);
    ck_assert_uint_eq(t->cpu.l1d.latency.amount, 1500);
    ck_assert_int_eq(t->cpu.l1d.latency.unit, TOPO_PS);
    ck_assert_int_eq(t->cpu.l1d.repl, TOPO_REPL_PLRU);
    ck_assert_uint_eq(t->cpu.l2tlb.entries, 2048);
    ck_assert_uint_eq(t->cpu.pwc_entries, 16);
    /* Defaults for what the file leaves out (TOPOLOGY.md lists them). */
    ck_assert_uint_eq(t->cpu.l1i.size, 32 << 10);
    ck_assert_uint_eq(t->cpu.dtlb.entries, 64);
    ck_assert_uint_eq(t->nodes[0].mem_size, 1ull << 30);
    ck_assert_uint_eq(t->nodes[0].mem_base, 0x100000000ull);
    ck_assert_uint_eq(t->nodes[0].movable, 256ull << 20);
    ck_assert_uint_eq(t->nodes[0].mem_latency.amount, 100);
    ck_assert_int_eq(t->nodes[0].mem_latency.unit, TOPO_CYCLES);
    /* 100 cycles at 3.2 GHz = 31.25 ns; 1.5 ns = 4.8 -> 5 cycles. */
    ck_assert_uint_eq(topo_lat_ps(t, t->nodes[0].mem_latency), 31250);
    ck_assert_uint_eq(topo_lat_cycles(t, t->cpu.l1d.latency), 5);
    ck_assert_uint_eq(t->nodes[0].mem_bandwidth, 13743895347ull);
    ck_assert_uint_eq(t->nodes[0].bus_width, 16);
    ck_assert_uint_eq(t->nodes[0].bus_clock_hz, 800000000ull);
    ck_assert_int_eq(t->nodes[0].bus_arbitration, TOPO_ARB_FCFS);
    /* A node without dram_base follows the previous one. */
    ck_assert_uint_eq(t->nodes[1].mem_base, 0x100000000ull + (1ull << 30));
    ck_assert_uint_eq(t->nodes[1].ncpus, 0);
    ck_assert_uint_eq(t->links[0].latency.amount, 500000);
    ck_assert_uint_eq(t->links[0].bandwidth, 1000000000ull);
    ck_assert_str_eq(mmsim_topology_description(t), "every unit");
    ck_assert_str_eq(mmsim_topology_source(t), "u.yaml");
    mmsim_topology_destroy(t);
}
END_TEST

/* The pipeline, prefetcher and LLC-inclusion keys (TOPOLOGY.md, "CPU
 * pipeline"), and their defaults when absent. */
START_TEST(pipeline_keys_and_defaults)
{
    const char *y =
        "name: pipe\n"
        "cpu:\n"
        "  pipeline:\n"
        "    width: 1\n"
        "    latency: {mul: 4, div: 34cycles, fadd: 7, fmul: 6, fma: 8, fdiv: 27, fsqrt: 28, fcvt: 2}\n"
        "    load_use: 0\n"
        "    predictor: {type: bimodal, entries: 1024, history: 0, btb: 64, ras: 2}\n"
        "    mispredict: 3cycles\n"
        "    store_buffer: 0\n"
        "  prefetch: stride\n"
        "nodes:\n"
        "  - {cpus: 1, memory: 1GiB, llc: {size: 2MiB, ways: 16, inclusive: true}}\n"
        "  - {cpus: 1, memory: 1GiB}\n"
        "links: [{from: 0, to: 1}]\n";
    mmsim_topology *t;
    char err[512];
    ck_assert_msg(mmsim_topology_load_string(y, strlen(y), "p.yaml", &t, err, sizeof(err)) == MMSIM_OK, "%s", err);
    const struct topo_pipeline *p = &t->cpu.pipe;
    ck_assert_uint_eq(p->width, 1);
    ck_assert_uint_eq(p->lat_mul, 4);
    ck_assert_uint_eq(p->lat_div, 34);
    ck_assert_uint_eq(p->lat_fadd, 7);
    ck_assert_uint_eq(p->lat_fmul, 6);
    ck_assert_uint_eq(p->lat_fma, 8);
    ck_assert_uint_eq(p->lat_fdiv, 27);
    ck_assert_uint_eq(p->lat_fsqrt, 28);
    ck_assert_uint_eq(p->lat_fcvt, 2);
    ck_assert_uint_eq(p->load_use, 0);
    ck_assert_int_eq(p->predictor, TOPO_BP_BIMODAL);
    ck_assert_uint_eq(p->bp_entries, 1024);
    ck_assert_uint_eq(p->bp_history, 0);
    ck_assert_uint_eq(p->btb_entries, 64);
    ck_assert_uint_eq(p->ras_entries, 2);
    ck_assert_uint_eq(p->mispredict, 3);
    ck_assert_uint_eq(p->store_buffer, 0);
    ck_assert_int_eq(t->cpu.prefetch, TOPO_PF_STRIDE);
    ck_assert(t->nodes[0].llc.inclusive);
    ck_assert(!t->nodes[1].llc.inclusive);
    /* The copy a machine keeps carries them too. */
    struct mmsim_topology *c = topo_clone(t);
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq(c->cpu.pipe.lat_div, 34);
    ck_assert(c->nodes[0].llc.inclusive);
    topo_free(c);
    mmsim_topology_destroy(t);

    /* Absent: the documented defaults (topo_pipeline_defaults). */
    const char *d = "name: d\nnodes: [{cpus: 1, memory: 1GiB}]\ncpu: {pipeline: {latency: {div: 40}}}\n";
    ck_assert_msg(mmsim_topology_load_string(d, strlen(d), "d.yaml", &t, err, sizeof(err)) == MMSIM_OK, "%s", err);
    struct topo_pipeline want;
    topo_pipeline_defaults(&want);
    want.lat_div = 40;
    ck_assert_int_eq(memcmp(&t->cpu.pipe, &want, sizeof(want)), 0);
    ck_assert_uint_eq(want.width, 2);
    ck_assert_uint_eq(want.lat_mul, 3);
    ck_assert_uint_eq(want.lat_fadd, 5);
    ck_assert_uint_eq(want.lat_fdiv, 22);
    ck_assert_uint_eq(want.load_use, 0);
    ck_assert_int_eq(want.predictor, TOPO_BP_GSHARE);
    ck_assert_uint_eq(want.bp_entries, 4096);
    ck_assert_uint_eq(want.bp_history, 12);
    ck_assert_uint_eq(want.btb_entries, 512);
    ck_assert_uint_eq(want.ras_entries, 8);
    ck_assert_uint_eq(want.mispredict, 5);
    ck_assert_uint_eq(want.store_buffer, 8);
    ck_assert_int_eq(t->cpu.prefetch, TOPO_PF_NONE);
    ck_assert(!t->nodes[0].llc.inclusive);
    mmsim_topology_destroy(t);
}
END_TEST

/* Every file in tests/topologies/bad starts with "# expect: MESSAGE"; loading
 * it must fail with exactly that message. */
START_TEST(bad_corpus_exact_messages)
{
    char dir[1024];
    testutil_path("MMSIM_SOURCE_DIR", "tests/topologies/bad", dir, sizeof(dir));
    ck_assert_int_eq(chdir(dir), 0);
    DIR *d = opendir(".");
    ck_assert_ptr_nonnull(d);
    int count = 0, bad = 0;
    static char report[16384];
    report[0] = '\0';
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 6 || strcmp(e->d_name + l - 5, ".yaml"))
            continue;
        size_t len;
        char *text = testutil_read_file(e->d_name, &len);
        ck_assert_ptr_nonnull(text);
        ck_assert_msg(strncmp(text, "# expect: ", 10) == 0, "%s lacks '# expect:'", e->d_name);
        char want[512];
        size_t wl = strcspn(text + 10, "\n");
        ck_assert_uint_lt(wl, sizeof(want));
        memcpy(want, text + 10, wl);
        want[wl] = '\0';
        mmsim_topology *t = (mmsim_topology *)1;
        char err[512];
        int rc = mmsim_topology_load_file(e->d_name, &t, err, sizeof(err));
        ck_assert_msg(rc != MMSIM_OK, "%s loaded", e->d_name);
        ck_assert_ptr_null(t);
        if (strcmp(err, want) != 0) {
            size_t rl = strlen(report);
            snprintf(report + rl, sizeof(report) - rl, "%s:\n  want: %s\n  got:  %s\n", e->d_name,
                     want, err);
            bad++;
        }
        free(text);
        count++;
    }
    closedir(d);
    ck_assert_msg(bad == 0, "%d of %d messages differ:\n%s", bad, count, report);
    ck_assert_int_ge(count, 25);
}
END_TEST

START_TEST(good_corpus_loads)
{
    char dir[1024];
    testutil_path("MMSIM_SOURCE_DIR", "tests/topologies/good", dir, sizeof(dir));
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 6 || strcmp(e->d_name + l - 5, ".yaml"))
            continue;
        char path[1400], err[512];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        mmsim_topology *t;
        ck_assert_msg(mmsim_topology_open(path, &t, err, sizeof(err)) == MMSIM_OK, "%s", err);
        mmsim_topology_destroy(t);
        count++;
    }
    closedir(d);
    ck_assert_int_ge(count, 3);
}
END_TEST

START_TEST(open_by_name_or_path)
{
    mmsim_topology *t;
    char err[512];
    ck_assert_int_eq(mmsim_topology_open("uma-16", &t, err, sizeof(err)), MMSIM_OK);
    ck_assert_uint_eq(mmsim_topology_cpu_count(t), 16);
    mmsim_topology_destroy(t);
    ck_assert_int_eq(mmsim_topology_open("numa-3s", &t, err, sizeof(err)), MMSIM_ERR_NOT_FOUND);
    ck_assert_ptr_null(t);
    ck_assert_str_eq(err, "no bundled topology named 'numa-3s' (bundled: numa-2s, numa-4s-full, "
                          "numa-4s-ring, numa-8s, tiered-cxl, uma-16, uma-4), and no file of that name");
    ck_assert_int_eq(mmsim_topology_load_file("/nonexistent/x.yaml", &t, err, sizeof(err)),
                     MMSIM_ERR_NOT_FOUND);
    ck_assert_str_eq(err, "/nonexistent/x.yaml: cannot open topology file: No such file or directory");
    ck_assert_int_eq(mmsim_topology_load_file("/", &t, err, sizeof(err)), MMSIM_ERR_IO);
    /* NULL arguments are errors, never crashes; errbuf may be NULL. */
    ck_assert_int_eq(mmsim_topology_open(NULL, &t, NULL, 0), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_topology_load_string(NULL, 0, NULL, &t, err, sizeof(err)), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_topology_load_string(minimal, strlen(minimal), NULL, NULL, NULL, 0),
                     MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_topology_load_string(minimal, strlen(minimal), NULL, &t, NULL, 0), MMSIM_OK);
    ck_assert_str_eq(mmsim_topology_source(t), "<string>");
    mmsim_topology_destroy(t);
    mmsim_topology_destroy(NULL);
    ck_assert_uint_eq(mmsim_topology_node_count(NULL), 0);
    ck_assert_int_eq(mmsim_topology_distance(NULL, 0, 0), -1);
}
END_TEST

/* Every prefix of every bundled file parses or fails cleanly (never crashes,
 * always a message): a cheap stand-in for fuzzing the parser. */
START_TEST(truncated_files_fail_cleanly)
{
    for (int i = 0; i < mmsim_topology_bundled_count(); i++) {
        mmsim_topology *full = bundled(mmsim_topology_bundled_name(i));
        mmsim_topology_destroy(full);
        char *text = NULL;
        size_t len = 0;
        /* Re-read the YAML from the source tree to truncate it. */
        char path[1024], rel[256];
        snprintf(rel, sizeof(rel), "examples/topologies/%s.yaml", mmsim_topology_bundled_name(i));
        testutil_path("MMSIM_SOURCE_DIR", rel, path, sizeof(path));
        text = testutil_read_file(path, &len);
        ck_assert_ptr_nonnull(text);
        for (size_t cut = 0; cut < len; cut++) {
            mmsim_topology *t;
            char err[512] = "";
            int rc = mmsim_topology_load_string(text, cut, "cut.yaml", &t, err, sizeof(err));
            if (rc == MMSIM_OK)
                mmsim_topology_destroy(t);
            else
                ck_assert_msg(strncmp(err, "cut.yaml", 8) == 0, "cut %zu: '%s'", cut, err);
        }
        free(text);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("topology");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, every_bundled_topology_loads);
    tcase_add_test(tc, numa_2s_is_two_sockets_10_21);
    tcase_add_test(tc, derived_distances_follow_the_link_graph);
    tcase_add_test(tc, units_and_defaults);
    tcase_add_test(tc, pipeline_keys_and_defaults);
    tcase_add_test(tc, bad_corpus_exact_messages);
    tcase_add_test(tc, good_corpus_loads);
    tcase_add_test(tc, open_by_name_or_path);
    tcase_add_test(tc, truncated_files_fail_cleanly);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return testutil_run(suite());
}
