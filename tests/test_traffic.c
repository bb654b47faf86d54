/* Traffic generators (include/mmsim/traffic.h, cpu/traffic.c,
 * libmmsim/traffic_api.c): validation, functional and timed behaviour
 * against hand-computed figures and the configured latencies. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mmsim/mmsim.h"
#include "mmsim/traffic.h"
#include "testutil.h"

static mmsim_machine *machine(const char *topo, uint64_t seed)
{
    mmsim_topology *t;
    char err[256];
    ck_assert_msg(mmsim_topology_bundled(topo, &t, err, sizeof(err)) == MMSIM_OK, "%s", err);
    mmsim_machine *m;
    ck_assert_int_eq(mmsim_machine_create(t, seed, &m), MMSIM_OK);
    mmsim_topology_destroy(t);
    return m;
}

static uint64_t nstat(mmsim_machine *m, const char *name)
{
    uint64_t v = 0;
    ck_assert_msg(mmsim_stats_get(m, name, &v) == MMSIM_OK, "no statistic %s", name);
    return v;
}

/* Statistic gen<pid>.<key>. */
static uint64_t stat(mmsim_machine *m, const char *key, unsigned pid)
{
    char name[96];
    snprintf(name, sizeof(name), "gen%u.%s", pid, key);
    uint64_t v = 0;
    ck_assert_msg(mmsim_stats_get(m, name, &v) == MMSIM_OK, "no statistic %s", name);
    return v;
}

static unsigned pid_of(mmsim_process *p)
{
    mmsim_process_info in;
    ck_assert_int_eq(mmsim_process_info_get(p, &in), MMSIM_OK);
    return in.pid;
}

/* A temporary file with the given contents; path written to buf. */
static const char *tmpfile_with(char *buf, size_t len, const void *data, size_t n)
{
    snprintf(buf, len, "/tmp/mmsim-traffic-XXXXXX");
    int fd = mkstemp(buf);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, n), (ssize_t)n);
    close(fd);
    return buf;
}

/* Create with cfg and expect rc with a message containing what. */
static void expect_error(mmsim_machine *m, const mmsim_traffic *cfg, int rc, const char *what)
{
    mmsim_process *p = (mmsim_process *)1;
    ck_assert_int_eq(mmsim_traffic_create(m, cfg, &p), rc);
    ck_assert_ptr_null(p);
    ck_assert_msg(strstr(mmsim_machine_errmsg(m), what), "message '%s' lacks '%s'",
                  mmsim_machine_errmsg(m), what);
}

START_TEST(bad_configs)
{
    mmsim_machine *m = machine("numa-2s", 0);
    mmsim_traffic c;
    mmsim_traffic_init(&c);
    c.footprint = 0;
    expect_error(m, &c, MMSIM_ERR_INVALID, "footprint 0");
    mmsim_traffic_init(&c);
    c.pattern = (mmsim_traffic_pattern)42;
    expect_error(m, &c, MMSIM_ERR_INVALID, "unknown pattern 42 (sequential, strided");
    mmsim_traffic_init(&c);
    c.cpu = 4;
    expect_error(m, &c, MMSIM_ERR_RANGE, "cpu 4 out of range (the machine has 4 CPUs");
    mmsim_traffic_init(&c);
    c.size = 12;
    expect_error(m, &c, MMSIM_ERR_INVALID, "access size 12 is not a power of two");
    mmsim_traffic_init(&c);
    c.rate = 1000000000;
    c.interval_ps = 1000;
    expect_error(m, &c, MMSIM_ERR_INVALID, "give one of them");
    mmsim_traffic_init(&c);
    c.reads = 1.5;
    expect_error(m, &c, MMSIM_ERR_INVALID, "read fraction 1.5");
    mmsim_traffic_init(&c);
    c.pattern = MMSIM_TRAFFIC_STRIDED;
    c.stride = 12;
    expect_error(m, &c, MMSIM_ERR_INVALID, "stride 12");
    mmsim_traffic_init(&c);
    c.pattern = MMSIM_TRAFFIC_TRACE;
    expect_error(m, &c, MMSIM_ERR_INVALID, "needs a trace file");
    c.trace = "/nonexistent/trace.txt";
    expect_error(m, &c, MMSIM_ERR_NOT_FOUND, "trace file /nonexistent/trace.txt");
    char path[64];
    const char bad[] = "# a comment\nR 0x40\n\nX 0x80\n";
    c.trace = tmpfile_with(path, sizeof(path), bad, strlen(bad));
    c.footprint = 0;
    char want[128];
    snprintf(want, sizeof(want), "%s:4: expected R or W", path);
    expect_error(m, &c, MMSIM_ERR_PARSE, want);
    unlink(path);
    const char cross[] = "R 0x3c 8\n";
    c.trace = tmpfile_with(path, sizeof(path), cross, strlen(cross));
    snprintf(want, sizeof(want), "%s:1: the 8-byte access at 0x3c crosses a 64-byte", path);
    expect_error(m, &c, MMSIM_ERR_PARSE, want);
    unlink(path);
    const char out[] = "W 0x1000\nR 4096000\n";
    c.trace = tmpfile_with(path, sizeof(path), out, strlen(out));
    c.footprint = 8192;
    snprintf(want, sizeof(want), "%s:2: offset 0x3e8000 is outside the footprint", path);
    expect_error(m, &c, MMSIM_ERR_PARSE, want);
    unlink(path);
    /* A policy is checked as set_mempolicy would. */
    mmsim_traffic_init(&c);
    mmsim_mempolicy pol = {.mode = MMSIM_MPOL_BIND, .nodes = 1u << 5};
    c.mempolicy = &pol;
    expect_error(m, &c, MMSIM_ERR_INVALID, "node 5 does not exist");
    mmsim_machine_destroy(m);
}
END_TEST

/* Functional: one cycle per access (or the interval), every access
 * translated: the sequential generator touches exactly its pages. */
START_TEST(functional_sequential)
{
    mmsim_machine *m = machine("numa-2s", 0);
    ck_assert_int_eq(mmsim_machine_set_timing(m, MMSIM_TIMING_OFF), MMSIM_OK);
    mmsim_traffic c;
    mmsim_traffic_init(&c);
    c.footprint = 1 << 20;
    c.ops = 1024;               /* 8 KiB: two pages */
    c.cpu = 1;
    mmsim_process *p;
    ck_assert_int_eq(mmsim_traffic_create(m, &c, &p), MMSIM_OK);
    unsigned pid = pid_of(p);
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_OK);
    int status = -1;
    ck_assert_int_eq(mmsim_process_exit_code(p, &status), MMSIM_OK);
    ck_assert_int_eq(status, 0);
    ck_assert_uint_eq(stat(m, "ops", pid), 1024);
    ck_assert_uint_eq(stat(m, "reads", pid), 1024);
    ck_assert_uint_eq(stat(m, "writes", pid), 0);
    ck_assert_uint_eq(stat(m, "bytes", pid), 8192);
    ck_assert_uint_eq(nstat(m, "cpu1.insns"), 1024);
    mmsim_process_info in;
    ck_assert_int_eq(mmsim_process_info_get(p, &in), MMSIM_OK);
    ck_assert_uint_eq(in.page_faults, 2);
    ck_assert_uint_eq(in.insns, 1024);
    /* 1024 cycles of accesses plus the two faults' cost. */
    uint64_t fault = nstat(m, "cpu1.cycles") - 1024;
    ck_assert_uint_gt(fault, 0);
    mmsim_machine_destroy(m);

    /* interval 4 ns at 2.5 GHz: 10 cycles an access. */
    m = machine("numa-2s", 0);
    ck_assert_int_eq(mmsim_machine_set_timing(m, MMSIM_TIMING_OFF), MMSIM_OK);
    c.interval_ps = 4000;
    ck_assert_int_eq(mmsim_traffic_create(m, &c, &p), MMSIM_OK);
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_OK);
    ck_assert_uint_eq(nstat(m, "cpu1.cycles"), 10240 + fault);
    mmsim_machine_destroy(m);
}
END_TEST

/* Pages land on the policy's nodes; the numa_maps of the generator's
 * process show its footprint there. */
START_TEST(policy_placement)
{
    mmsim_machine *m = machine("numa-2s", 0);
    ck_assert_int_eq(mmsim_machine_set_timing(m, MMSIM_TIMING_OFF), MMSIM_OK);
    mmsim_numa_stat before, after;
    ck_assert_int_eq(mmsim_memory_numa_stat(m, 1, &before), MMSIM_OK);
    mmsim_traffic c;
    mmsim_traffic_init(&c);
    c.pattern = MMSIM_TRAFFIC_STRIDED;
    c.stride = 4096;
    c.footprint = 1 << 20;      /* 256 pages, one access each */
    c.ops = 256;
    c.reads = 0;
    c.cpu = 0;                  /* node 0's CPU, node 1's memory */
    mmsim_mempolicy pol = {.mode = MMSIM_MPOL_BIND, .nodes = 2};
    c.mempolicy = &pol;
    mmsim_process *p;
    ck_assert_int_eq(mmsim_traffic_create(m, &c, &p), MMSIM_OK);
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_OK);
    ck_assert_int_eq(mmsim_memory_numa_stat(m, 1, &after), MMSIM_OK);
    ck_assert_uint_ge(after.numa_hit - before.numa_hit, 256);
    ck_assert_uint_eq(stat(m, "writes", pid_of(p)), 256);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(mmsim_process_print_numa_maps(p, f), MMSIM_OK);
    fclose(f);
    ck_assert_msg(strstr(buf, "bind:1") && strstr(buf, "N1=256"),
                  "numa_maps: %s", buf);
    ck_assert_msg(!strstr(buf, "N0="), "numa_maps: %s", buf);
    free(buf);
    mmsim_machine_destroy(m);
}
END_TEST

/* A trace of N reads to distinct lines: N misses, N accesses; a second
 * pass over the same lines hits.  Text and binary formats alike. */
START_TEST(trace_replay)
{
    char text[4096] = "# 32 distinct lines, then the first 8 again\n";
    for (unsigned i = 0; i < 32; i++)
        snprintf(text + strlen(text), sizeof(text) - strlen(text), "R 0x%x\n", i * 256);
    for (unsigned i = 0; i < 8; i++)
        snprintf(text + strlen(text), sizeof(text) - strlen(text), "r %u 4  # again\n", i * 256);
    char path[64];
    tmpfile_with(path, sizeof(path), text, strlen(text));
    mmsim_machine *m = machine("numa-2s", 0);
    mmsim_traffic c;
    mmsim_traffic_init(&c);
    c.pattern = MMSIM_TRAFFIC_TRACE;
    c.trace = path;
    c.footprint = 0;            /* up to the highest address: 8 KiB */
    c.cpu = 2;
    mmsim_process *p;
    ck_assert_int_eq(mmsim_traffic_create(m, &c, &p), MMSIM_OK);
    unsigned pid = pid_of(p);
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_OK);
    ck_assert_uint_eq(stat(m, "ops", pid), 40);      /* one pass */
    ck_assert_uint_eq(stat(m, "bytes", pid), 32 * 8 + 8 * 4);
    ck_assert_uint_eq(stat(m, "misses", pid), 32);
    mmsim_process_info in;
    ck_assert_int_eq(mmsim_process_info_get(p, &in), MMSIM_OK);
    ck_assert_uint_eq(in.page_faults, 2);
    mmsim_machine_destroy(m);
    unlink(path);

    /* The same 32 misses from the binary format: magic, then records. */
    unsigned char bin[8 + 33 * 16];
    memcpy(bin, "MMSIMTR1", 8);
    memset(bin + 8, 0, sizeof(bin) - 8);
    for (unsigned i = 0; i < 33; i++) {
        unsigned char *r = bin + 8 + 16 * i;
        uint64_t off = (uint64_t)(i % 32) * 128;
        for (int b = 0; b < 8; b++)
            r[b] = (unsigned char)(off >> (8 * b));
        r[8] = 8;               /* size */
        r[12] = i & 1;          /* flags: odd records write */
    }
    tmpfile_with(path, sizeof(path), bin, sizeof(bin));
    m = machine("numa-2s", 0);
    ck_assert_int_eq(mmsim_traffic_create(m, &c, &p), MMSIM_OK);
    pid = pid_of(p);
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_OK);
    ck_assert_uint_eq(stat(m, "ops", pid), 33);
    ck_assert_uint_eq(stat(m, "writes", pid), 16);
    ck_assert_uint_eq(stat(m, "misses", pid), 32);
    mmsim_machine_destroy(m);
    unlink(path);
}
END_TEST

/* A chase over a footprint far beyond the LLC measures the configured
 * DRAM latency: of the local node, and of the remote one. */
static void chase_latency(unsigned node)
{
    mmsim_machine *m = machine("numa-2s", 0);
    mmsim_traffic c;
    mmsim_traffic_init(&c);
    c.pattern = MMSIM_TRAFFIC_CHASE;
    c.footprint = 256ULL << 20;  /* 32x the 8 MiB LLC */
    c.ops = 20000;
    c.cpu = 0;
    mmsim_mempolicy pol = {.mode = MMSIM_MPOL_BIND, .nodes = 1ULL << node};
    c.mempolicy = &pol;
    mmsim_process *p;
    ck_assert_int_eq(mmsim_traffic_create(m, &c, &p), MMSIM_OK);
    unsigned pid = pid_of(p);
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_OK);
    uint64_t want, mean = stat(m, "latency_ps.mean", pid);
    ck_assert_int_eq(mmsim_memory_latency(m, 0, MMSIM_LEVEL_DRAM, node, &want), MMSIM_OK);
    ck_assert_msg(mean >= want * 99 / 100 && mean <= want * 101 / 100,
                  "node %u: mean latency %llu ps, configured %llu ps", node,
                  (unsigned long long)mean, (unsigned long long)want);
    ck_assert_uint_eq(stat(m, "ops", pid), 20000);
    mmsim_machine_destroy(m);
}

START_TEST(chase_local) { chase_latency(0); }
END_TEST

START_TEST(chase_remote) { chase_latency(1); }
END_TEST

/* Below saturation a rate-limited generator gets its rate. */
START_TEST(rate_limited)
{
    mmsim_machine *m = machine("uma-4", 0);
    mmsim_traffic c;
    mmsim_traffic_init(&c);
    c.size = 64;
    c.footprint = 64ULL << 20;
    c.rate = 2000000000;        /* 2 GB/s: a fifth of the bus */
    c.populate = 1;          /* no page faults: the rate alone paces it */
    c.ops = 20000;
    c.cpu = 0;
    mmsim_process *p;
    ck_assert_int_eq(mmsim_traffic_create(m, &c, &p), MMSIM_OK);
    unsigned pid = pid_of(p);
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_OK);
    double gbs = (double)stat(m, "bytes", pid) * 1000.0 /
                 (double)stat(m, "time_ps", pid);
    ck_assert_msg(gbs > 1.96 && gbs < 2.04, "%.4f GB/s for 2 GB/s", gbs);
    mmsim_machine_destroy(m);
}
END_TEST

static char *stats_json(uint64_t seed)
{
    mmsim_machine *m = machine("numa-2s", seed);
    mmsim_traffic c;
    mmsim_traffic_init(&c);
    c.pattern = MMSIM_TRAFFIC_RANDOM;
    c.footprint = 16ULL << 20;
    c.reads = 0.7;
    c.ops = 5000;
    mmsim_process *p;
    ck_assert_int_eq(mmsim_traffic_create(m, &c, &p), MMSIM_OK);
    c.pattern = MMSIM_TRAFFIC_SEQUENTIAL;
    c.interval_ps = 3000;
    ck_assert_int_eq(mmsim_traffic_create(m, &c, &p), MMSIM_OK);
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(mmsim_stats_dump(m, f, MMSIM_FORMAT_JSON), MMSIM_OK);
    fclose(f);
    mmsim_machine_destroy(m);
    return buf;
}

START_TEST(determinism)
{
    char *a = stats_json(7), *b = stats_json(7), *c = stats_json(8);
    ck_assert_str_eq(a, b);
    ck_assert_str_ne(a, c);      /* the seed drives the random addresses and the mix */
    ck_assert_ptr_nonnull(strstr(a, "\"gen1000\""));
    free(a);
    free(b);
    free(c);
}
END_TEST

/* Without a bound a generator is background traffic: it ends (status 0)
 * when the program does; alone it is refused. */
START_TEST(background)
{
    mmsim_machine *m = machine("numa-2s", 0);
    mmsim_traffic c;
    mmsim_traffic_init(&c);
    c.pattern = MMSIM_TRAFFIC_RANDOM;
    mmsim_process *g;
    ck_assert_int_eq(mmsim_traffic_create(m, &c, &g), MMSIM_OK);
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_ERR_STATE);
    ck_assert_msg(strstr(mmsim_machine_errmsg(m), "has no bound (ops or duration) and nothing "
                                                  "else runs"),
                  "%s", mmsim_machine_errmsg(m));
    mmsim_machine_destroy(m);

    m = machine("numa-2s", 0);
    ck_assert_int_eq(mmsim_traffic_create(m, &c, &g), MMSIM_OK);
    unsigned char img[TESTUTIL_TINY_ELF_MAX];
    size_t n = testutil_tiny_elf(img, 3);
    mmsim_process *p;
    ck_assert_int_eq(mmsim_process_create_mem(m, img, n, "tiny", NULL, NULL, 2, &p), MMSIM_OK);
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_OK);
    int code = -1;
    ck_assert_int_eq(mmsim_process_exit_code(p, &code), MMSIM_OK);
    ck_assert_int_eq(code, 3);
    ck_assert_int_eq(mmsim_process_exit_code(g, &code), MMSIM_OK);
    ck_assert_int_eq(code, 0);
    ck_assert_uint_gt(stat(m, "ops", pid_of(g)), 0);
    /* Destroying the process keeps its statistics readable. */
    unsigned pid = pid_of(g);
    mmsim_process_destroy(g);
    ck_assert_uint_gt(stat(m, "ops", pid), 0);
    mmsim_machine_destroy(m);
}
END_TEST

/* A duration bound: the generator ends at that simulated time. */
START_TEST(duration)
{
    mmsim_machine *m = machine("uma-4", 0);
    mmsim_traffic c;
    mmsim_traffic_init(&c);
    c.duration_ns = 20000;
    c.interval_ps = 10000;      /* one access per 10 ns: 2000 accesses */
    c.populate = 1;
    c.cpu = 3;
    mmsim_process *p;
    ck_assert_int_eq(mmsim_traffic_create(m, &c, &p), MMSIM_OK);
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_OK);
    /* The last issue is before 20 us; the first accesses of each page wait
     * for its walk, and 16 accesses in flight at most: a few issue late. */
    uint64_t ops = stat(m, "ops", pid_of(p));
    ck_assert_msg(ops >= 1950 && ops <= 2000, "%llu accesses in 20 us at one per 10 ns",
                  (unsigned long long)ops);
    /* uma-4 runs at 2.5 GHz: the CPU stops at 20 us plus its last access. */
    uint64_t cycles = nstat(m, "cpu3.cycles");
    ck_assert_msg(cycles >= 50000 && cycles <= 50000 + 500, "stopped at cycle %llu",
                  (unsigned long long)cycles);
    mmsim_machine_destroy(m);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("traffic");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, bad_configs);
    tcase_add_test(tc, functional_sequential);
    tcase_add_test(tc, policy_placement);
    tcase_add_test(tc, trace_replay);
    tcase_add_test(tc, chase_local);
    tcase_add_test(tc, chase_remote);
    tcase_add_test(tc, rate_limited);
    tcase_add_test(tc, determinism);
    tcase_add_test(tc, background);
    tcase_add_test(tc, duration);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return testutil_run(suite());
}
