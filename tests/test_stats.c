/* The statistics registry: registration, lookup, histograms, reset, dumps. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "libmmsim/stats.h"
#include "testutil.h"

START_TEST(counters_by_name)
{
    struct stats_registry *r = stats_create();
    uint64_t a = 5, b = 7, v;
    ck_assert_int_eq(stats_add_counter(r, "cpu0.insns", &a, "retired"), MMSIM_OK);
    ck_assert_int_eq(stats_add_counterf(r, &b, NULL, "cpu%u.dtlb.misses", 3u), MMSIM_OK);
    ck_assert_int_eq(stats_count(r), 2);
    ck_assert_str_eq(stats_name(r, 1), "cpu3.dtlb.misses");
    ck_assert_ptr_null(stats_name(r, 2));
    ck_assert_int_eq(stats_get(r, "cpu0.insns", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 5);
    a = 11;     /* the registry reads the owner's field, not a copy */
    ck_assert_int_eq(stats_get(r, "cpu0.insns", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 11);
    ck_assert_int_eq(stats_get(r, "cpu0", &v), MMSIM_ERR_NOT_FOUND);
    ck_assert_int_eq(stats_get(r, "cpu0.insns.count", &v), MMSIM_ERR_NOT_FOUND);
    /* Duplicates and malformed names are refused. */
    ck_assert_int_eq(stats_add_counter(r, "cpu0.insns", &b, NULL), MMSIM_ERR_INVALID);
    ck_assert_int_eq(stats_add_counter(r, "cpu0..x", &b, NULL), MMSIM_ERR_INVALID);
    ck_assert_int_eq(stats_add_counter(r, ".x", &b, NULL), MMSIM_ERR_INVALID);
    ck_assert_int_eq(stats_add_counter(r, "x.", &b, NULL), MMSIM_ERR_INVALID);
    ck_assert_int_eq(stats_add_counter(r, "a b", &b, NULL), MMSIM_ERR_INVALID);
    ck_assert_int_eq(stats_add_counter(r, "", &b, NULL), MMSIM_ERR_INVALID);
    ck_assert_int_eq(stats_add_counter(r, "ok", NULL, NULL), MMSIM_ERR_INVALID);
    uint64_t g = 99;
    ck_assert_int_eq(stats_add_gaugef(r, &g, "a level", "node%d.free_pages", 0), MMSIM_OK);
    stats_reset(r);
    ck_assert_uint_eq(a, 0);
    ck_assert_uint_eq(b, 0);
    ck_assert_uint_eq(g, 99);   /* gauges are levels: a reset keeps them */
    ck_assert_int_eq(stats_get(r, "node0.free_pages", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 99);
    stats_destroy(r);
    stats_destroy(NULL);
}
END_TEST

START_TEST(many_counters_scale)
{
    /* 1024 CPUs x 40 counters: registration must stay fast and exact. */
    enum { N = 40960 };
    uint64_t *c = calloc(N, sizeof(*c));
    struct stats_registry *r = stats_create();
    for (unsigned i = 0; i < N; i++) {
        c[i] = i;
        ck_assert_int_eq(stats_add_counterf(r, &c[i], NULL, "cpu%u.c%u", i / 40, i % 40), MMSIM_OK);
    }
    uint64_t v;
    ck_assert_int_eq(stats_get(r, "cpu1023.c39", &v), MMSIM_OK);
    ck_assert_uint_eq(v, N - 1);
    ck_assert_int_eq(stats_get(r, "cpu500.c7", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 500 * 40 + 7);
    stats_destroy(r);
    free(c);
}
END_TEST

START_TEST(histogram_buckets_and_percentiles)
{
    struct stats_hist h;
    memset(&h, 0, sizeof(h));
    /* 90 values of 4 (exact below 64), 9 of 100 ([100,101]: 32 sub-buckets
     * of 2 in [64,128): buckets 64..95), 1 of 1000 ([992,1007]: of 16 in
     * [512,1024): buckets 160..191). */
    for (int i = 0; i < 90; i++)
        stats_hist_add(&h, 4);
    for (int i = 0; i < 9; i++)
        stats_hist_add(&h, 100);
    stats_hist_add(&h, 1000);
    ck_assert_uint_eq(h.count, 100);
    ck_assert_uint_eq(h.sum, 90 * 4 + 900 + 1000);
    ck_assert_uint_eq(h.min, 4);
    ck_assert_uint_eq(h.max, 1000);
    ck_assert_uint_eq(h.bucket[4], 90);
    ck_assert_uint_eq(h.bucket[64 + (100 - 64) / 2], 9);
    ck_assert_uint_eq(h.bucket[160 + (1000 - 512) / 16], 1);
    /* Nearest rank: p50 is the 50th value (4, exact); p95 the 95th (100)
     * -> its bucket's bound 101; p99 the 99th (100) -> 101; p100 clamps
     * to max. */
    ck_assert_uint_eq(stats_hist_percentile(&h, 50), 4);
    ck_assert_uint_eq(stats_hist_percentile(&h, 95), 101);
    ck_assert_uint_eq(stats_hist_percentile(&h, 99), 101);
    ck_assert_uint_eq(stats_hist_percentile(&h, 100), 1000);
    ck_assert_uint_eq(stats_hist_percentile(&h, 0), 4);
    struct stats_registry *r = stats_create();
    ck_assert_int_eq(stats_add_hist(r, "node0.dram.latency", &h, "cycles"), MMSIM_OK);
    uint64_t v;
    ck_assert_int_eq(stats_get(r, "node0.dram.latency.mean", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 22);   /* 2260 / 100 */
    ck_assert_int_eq(stats_get(r, "node0.dram.latency.p95", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 101);
    ck_assert_int_eq(stats_get(r, "node0.dram.latency.p42", &v), MMSIM_ERR_NOT_FOUND);
    stats_reset(r);
    ck_assert_uint_eq(h.count, 0);
    ck_assert_uint_eq(stats_hist_percentile(&h, 50), 0);
    stats_destroy(r);
}
END_TEST

/* The log-linear layout: buckets tile the range without gaps, each at
 * most 1/STATS_HIST_SUB of its lower bound wide, and every value lands in
 * the bucket whose bounds hold it. */
START_TEST(histogram_layout_resolution)
{
    ck_assert_uint_eq(stats_hist_bucket_lower(0), 0);
    for (unsigned i = 1; i < STATS_HIST_BUCKETS; i++) {
        uint64_t lo = stats_hist_bucket_lower(i), prev_hi = stats_hist_bucket_upper(i - 1);
        ck_assert_uint_eq(lo, prev_hi + 1);
        if (i < STATS_HIST_BUCKETS - 1) {
            uint64_t width = stats_hist_bucket_upper(i) - lo + 1;
            ck_assert_msg(width == 1 || width * STATS_HIST_SUB <= lo,
                          "bucket %u [%llu, +%llu) wider than 1/%u", i, (unsigned long long)lo,
                          (unsigned long long)width, STATS_HIST_SUB);
        }
    }
    ck_assert_uint_eq(stats_hist_bucket_upper(STATS_HIST_BUCKETS - 1), UINT64_MAX);
    uint64_t probes[] = {0, 1, 63, 64, 65, 89400, 89650, 139400, 1ull << 39, (1ull << 40) - 1};
    for (unsigned k = 0; k < sizeof(probes) / sizeof(probes[0]); k++) {
        unsigned i = stats_hist_index(probes[k]);
        ck_assert_uint_le(stats_hist_bucket_lower(i), probes[k]);
        ck_assert_uint_ge(stats_hist_bucket_upper(i), probes[k]);
    }
    /* Beyond the range: the last bucket; max stays exact. */
    ck_assert_uint_eq(stats_hist_index(UINT64_MAX), STATS_HIST_BUCKETS - 1);
    ck_assert_uint_eq(stats_hist_index(1ull << 40), STATS_HIST_BUCKETS - 1);
}
END_TEST

/* Percentiles of a DRAM-like distribution are within one bucket (3.1%) of
 * the true ones, and merging two histograms is adding their values. */
START_TEST(histogram_percentiles_merge)
{
    static struct stats_hist a, b, all;
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    memset(&all, 0, sizeof(all));
    /* 1000 values 89400 + 10 i ps (89.4 .. 99.39 ns) in a, 1000 values of
     * 139400 + 10 i in b: p50 of the union is the 1000th value, 99390;
     * p95 the 1900th, 139400 + 8990; p99 the 1980th, 139400 + 9790. */
    for (unsigned i = 0; i < 1000; i++) {
        stats_hist_add(&a, 89400 + 10 * i);
        stats_hist_add(&b, 139400 + 10 * i);
        stats_hist_add(&all, 89400 + 10 * i);
        stats_hist_add(&all, 139400 + 10 * i);
    }
    struct stats_hist m;
    memset(&m, 0, sizeof(m));
    stats_hist_merge(&m, &a);
    stats_hist_merge(&m, &b);
    ck_assert_int_eq(memcmp(&m, &all, sizeof(m)), 0);
    const struct { double p; uint64_t want; } pc[] = {
        {50, 99390}, {95, 139400 + 8990}, {99, 139400 + 9790}};
    for (unsigned k = 0; k < 3; k++) {
        uint64_t got = stats_hist_percentile(&m, pc[k].p);
        ck_assert_uint_ge(got, pc[k].want);
        ck_assert_msg((got - pc[k].want) * STATS_HIST_SUB <= pc[k].want,
                      "p%.0f: %llu, true %llu", pc[k].p, (unsigned long long)got,
                      (unsigned long long)pc[k].want);
    }
    /* p50 of a alone: 500th value 94390; ordered and inside [min, max]. */
    uint64_t p50 = stats_hist_percentile(&a, 50), p95 = stats_hist_percentile(&a, 95),
             p99 = stats_hist_percentile(&a, 99);
    ck_assert_uint_ge(p50, 94390);
    ck_assert_uint_le((p50 - 94390) * STATS_HIST_SUB, 94390);
    ck_assert_uint_le(p50, p95);
    ck_assert_uint_le(p95, p99);
    ck_assert_uint_le(p99, a.max);
    ck_assert_uint_ge(p50, a.min);
}
END_TEST

/* A snapshot keeps the histograms as they were (copied apart from the
 * counters); live values come back when it is dropped. */
START_TEST(histogram_snapshot)
{
    static struct stats_hist h;
    memset(&h, 0, sizeof(h));
    uint64_t c = 0;
    struct stats_registry *r = stats_create();
    ck_assert_int_eq(stats_add_counter(r, "cpu0.n", &c, NULL), MMSIM_OK);
    ck_assert_int_eq(stats_add_hist(r, "cpu0.lat", &h, NULL), MMSIM_OK);
    stats_hist_add(&h, 1000);
    c = 1;
    ck_assert_int_eq(stats_snapshot(r), MMSIM_OK);
    stats_hist_add(&h, 5000);
    stats_hist_add(&h, 5000);
    c = 3;
    uint64_t v;
    ck_assert_int_eq(stats_get(r, "cpu0.lat.count", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 1);
    ck_assert_int_eq(stats_get(r, "cpu0.lat.p50", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 1000);
    ck_assert_int_eq(stats_get(r, "cpu0.n", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 1);
    stats_drop_snapshot(r);
    ck_assert_int_eq(stats_get(r, "cpu0.lat.p50", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 5000);
    ck_assert_int_eq(stats_get(r, "cpu0.n", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 3);
    stats_destroy(r);
}
END_TEST

START_TEST(json_dump_nests_by_name)
{
    struct stats_registry *r = stats_create();
    uint64_t a = 1, b = 2, c = 3;
    struct stats_hist h;
    memset(&h, 0, sizeof(h));
    stats_hist_add(&h, 10);
    stats_add_counter(r, "cpu0.dtlb.hits", &a, NULL);
    stats_add_counter(r, "cpu0.dtlb.misses", &b, NULL);
    stats_add_counter(r, "node1.dram.reads", &c, NULL);
    stats_add_hist(r, "node1.dram.latency", &h, NULL);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(stats_dump(r, f, MMSIM_FORMAT_JSON), MMSIM_OK);
    fclose(f);
    json_error_t err;
    json_t *root = json_loads(buf, 0, &err);
    ck_assert_msg(root != NULL, "invalid JSON: %s", err.text);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(json_object_get(root, "cpu0"), "dtlb"), "misses")), 2);
    json_t *lat = json_object_get(json_object_get(json_object_get(root, "node1"), "dram"), "latency");
    ck_assert_int_eq(json_integer_value(json_object_get(lat, "count")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(lat, "max")), 10);
    json_decref(root);
    free(buf);

    f = open_memstream(&buf, &len);
    ck_assert_int_eq(stats_dump(r, f, MMSIM_FORMAT_TEXT), MMSIM_OK);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "cpu0.dtlb.misses"));
    ck_assert_ptr_nonnull(strstr(buf, "node1.dram.latency.p99"));
    free(buf);

    /* A name that is both a leaf and a parent cannot be nested. */
    uint64_t d = 4;
    stats_add_counter(r, "cpu0.dtlb.misses.l1", &d, NULL);
    f = open_memstream(&buf, &len);
    ck_assert_int_eq(stats_dump(r, f, MMSIM_FORMAT_JSON), MMSIM_ERR_INVALID);
    fclose(f);
    free(buf);
    stats_destroy(r);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, counters_by_name);
    tcase_add_test(tc, many_counters_scale);
    tcase_add_test(tc, histogram_buckets_and_percentiles);
    tcase_add_test(tc, histogram_layout_resolution);
    tcase_add_test(tc, histogram_percentiles_merge);
    tcase_add_test(tc, histogram_snapshot);
    tcase_add_test(tc, json_dump_nests_by_name);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return testutil_run(suite());
}
