/* Public API contracts: versions, result codes, machine lifecycle, misuse,
 * two machines in one process, the numactl -H view. */
#include <stdlib.h>
#include <string.h>

#include "mmsim/mmsim.h"
#include "testutil.h"

START_TEST(version_and_result_codes)
{
    ck_assert_str_eq(mmsim_version(), MMSIM_VERSION);
    ck_assert_int_eq(mmsim_version_number(), MMSIM_VERSION_NUMBER);
    ck_assert_int_eq(MMSIM_VERSION_NUMBER,
                     MMSIM_VERSION_MAJOR * 1000000 + MMSIM_VERSION_MINOR * 1000 + MMSIM_VERSION_PATCH);
    /* Every code has its own message; unknown codes say so. */
    static const int codes[] = {
#define X(name, value, msg) value,
        MMSIM_RESULT_LIST(X)
#undef X
    };
    static const char *const msgs[] = {
#define X(name, value, msg) msg,
        MMSIM_RESULT_LIST(X)
#undef X
    };
    size_t n = sizeof(codes) / sizeof(codes[0]);
    for (size_t i = 0; i < n; i++) {
        ck_assert_str_eq(mmsim_strerror(codes[i]), msgs[i]);
        ck_assert_uint_gt(strlen(msgs[i]), 3);
        for (size_t j = 0; j < i; j++) {
            ck_assert_int_ne(codes[i], codes[j]);
            ck_assert_str_ne(msgs[i], msgs[j]);
        }
        ck_assert(codes[i] <= 0);
    }
    ck_assert_int_eq(MMSIM_OK, 0);
    ck_assert_str_eq(mmsim_strerror(MMSIM_OK), "success");
    ck_assert_str_eq(mmsim_strerror(MMSIM_ERR_TOPOLOGY), "invalid topology");
    ck_assert_str_eq(mmsim_strerror(12345), "unknown result code");
}
END_TEST

static mmsim_machine *machine(const char *name)
{
    mmsim_topology *t;
    char err[512];
    ck_assert_msg(mmsim_topology_bundled(name, &t, err, sizeof(err)) == MMSIM_OK, "%s", err);
    mmsim_machine *m = NULL;
    ck_assert_int_eq(mmsim_machine_create(t, 42, &m), MMSIM_OK);
    /* The machine keeps its own copy of the topology. */
    mmsim_topology_destroy(t);
    ck_assert_str_eq(mmsim_topology_name(mmsim_machine_topology(m)), name);
    return m;
}

START_TEST(machine_lifecycle_and_misuse)
{
    mmsim_machine *m = (mmsim_machine *)1;
    ck_assert_int_eq(mmsim_machine_create(NULL, 0, &m), MMSIM_ERR_INVALID);
    ck_assert_ptr_null(m);
    ck_assert_int_eq(mmsim_machine_create(NULL, 0, NULL), MMSIM_ERR_INVALID);
    mmsim_machine_destroy(NULL);
    ck_assert_str_eq(mmsim_machine_errmsg(NULL), "NULL machine");
    ck_assert_int_eq(mmsim_stats_count(NULL), 0);
    ck_assert_int_eq(mmsim_stats_reset(NULL), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_machine_print_hardware(NULL, stdout, MMSIM_FORMAT_TEXT), MMSIM_ERR_INVALID);

    /* Two machines live side by side: no global state. */
    mmsim_machine *a = machine("numa-2s"), *b = machine("uma-4");
    ck_assert_str_eq(mmsim_machine_errmsg(a), "");
    uint64_t v;
    ck_assert_int_eq(mmsim_stats_get(a, "no.such.stat", &v), MMSIM_ERR_NOT_FOUND);
    ck_assert_str_eq(mmsim_machine_errmsg(a), "no statistic named 'no.such.stat'");
    ck_assert_str_eq(mmsim_machine_errmsg(b), "");
    ck_assert_int_gt(mmsim_stats_count(a), 0);
    for (int i = 0; i < mmsim_stats_count(a); i++)
        ck_assert_int_eq(mmsim_stats_get(a, mmsim_stats_name(a, i), &v), MMSIM_OK);
    mmsim_machine_destroy(a);
    mmsim_machine_destroy(b);
}
END_TEST

START_TEST(hardware_view_is_numactl_format)
{
    mmsim_machine *m = machine("numa-2s");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(mmsim_machine_print_hardware(m, f, MMSIM_FORMAT_TEXT), MMSIM_OK);
    fclose(f);
    /* numactl -H prints: available, then per node cpus/size/free, then the
     * distance table with "% 3d " cells.  Free memory comes from the guest
     * allocator: at most the size, and most of it on a fresh machine. */
    unsigned long free0, free1;
    char head[256], tail[256];
    ck_assert_int_eq(sscanf(buf, "available: 2 nodes (0-1)\nnode 0 cpus: 0 1\nnode 0 size: 8192 MB\n"
                                 "node 0 free: %lu MB\nnode 1 cpus: 2 3\nnode 1 size: 8192 MB\n"
                                 "node 1 free: %lu MB\n",
                            &free0, &free1), 2);
    ck_assert_uint_le(free0, 8192);
    ck_assert_uint_ge(free0, 8000);
    ck_assert_uint_le(free1, 8192);
    ck_assert_uint_ge(free1, 8000);
    snprintf(head, sizeof(head), "available: 2 nodes (0-1)\nnode 0 cpus: 0 1\nnode 0 size: 8192 MB\nnode 0 free: %lu MB\n", free0);
    ck_assert_int_eq(strncmp(buf, head, strlen(head)), 0);
    snprintf(tail, sizeof(tail), "node 1 free: %lu MB\nnode distances:\nnode   0   1 \n  0:  10  21 \n  1:  21  10 \n", free1);
    ck_assert_uint_ge(len, strlen(tail));
    ck_assert_str_eq(buf + len - strlen(tail), tail);
    free(buf);
    mmsim_machine_destroy(m);

    m = machine("uma-4");
    f = open_memstream(&buf, &len);
    ck_assert_int_eq(mmsim_machine_print_hardware(m, f, MMSIM_FORMAT_TEXT), MMSIM_OK);
    fclose(f);
    ck_assert_int_eq(strncmp(buf, "available: 1 nodes (0)\nnode 0 cpus: 0 1 2 3\nnode 0 size: 16384 MB\n", 64), 0);
    ck_assert_ptr_nonnull(strstr(buf, "node distances:\nnode   0 \n  0:  10 \n"));
    free(buf);
    f = open_memstream(&buf, &len);
    ck_assert_int_eq(mmsim_machine_print_hardware(m, f, MMSIM_FORMAT_JSON), MMSIM_OK);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "\"topology\": \"uma-4\""));
    free(buf);
    ck_assert_int_eq(mmsim_machine_print_hardware(m, stdout, (mmsim_format)7), MMSIM_ERR_INVALID);
    ck_assert_str_eq(mmsim_machine_errmsg(m), "unknown output format 7");
    mmsim_machine_destroy(m);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, version_and_result_codes);
    tcase_add_test(tc, machine_lifecycle_and_misuse);
    tcase_add_test(tc, hardware_view_is_numactl_format);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return testutil_run(suite());
}
