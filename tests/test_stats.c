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
    /* 90 values of 4 (bucket [4,8)), 9 of 100 ([64,128)), 1 of 1000. */
    for (int i = 0; i < 90; i++)
        stats_hist_add(&h, 4);
    for (int i = 0; i < 9; i++)
        stats_hist_add(&h, 100);
    stats_hist_add(&h, 1000);
    ck_assert_uint_eq(h.count, 100);
    ck_assert_uint_eq(h.sum, 90 * 4 + 900 + 1000);
    ck_assert_uint_eq(h.min, 4);
    ck_assert_uint_eq(h.max, 1000);
    ck_assert_uint_eq(h.bucket[3], 90);     /* 4 = 0b100: bit length 3 */
    ck_assert_uint_eq(h.bucket[7], 9);      /* 100: bit length 7 */
    ck_assert_uint_eq(h.bucket[10], 1);
    /* Nearest rank: p50 is the 50th value (4) -> bucket bound 7; p95 the
     * 95th (100) -> 127; p99 the 99th (100) -> 127; p100 clamps to max. */
    ck_assert_uint_eq(stats_hist_percentile(&h, 50), 7);
    ck_assert_uint_eq(stats_hist_percentile(&h, 95), 127);
    ck_assert_uint_eq(stats_hist_percentile(&h, 99), 127);
    ck_assert_uint_eq(stats_hist_percentile(&h, 100), 1000);
    ck_assert_uint_eq(stats_hist_percentile(&h, 0), 4);
    struct stats_registry *r = stats_create();
    ck_assert_int_eq(stats_add_hist(r, "node0.dram.latency", &h, "cycles"), MMSIM_OK);
    uint64_t v;
    ck_assert_int_eq(stats_get(r, "node0.dram.latency.mean", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 22);   /* 2260 / 100 */
    ck_assert_int_eq(stats_get(r, "node0.dram.latency.p95", &v), MMSIM_OK);
    ck_assert_uint_eq(v, 127);
    ck_assert_int_eq(stats_get(r, "node0.dram.latency.p42", &v), MMSIM_ERR_NOT_FOUND);
    stats_reset(r);
    ck_assert_uint_eq(h.count, 0);
    ck_assert_uint_eq(stats_hist_percentile(&h, 50), 0);
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
    tcase_add_test(tc, json_dump_nests_by_name);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return testutil_run(suite());
}
