/* API misuse (issue 10, "Limits and faults"): every public function given
 * NULL handles or pointers, out-of-range arguments, or called in the wrong
 * order returns an error code (with a message where there is a machine to
 * hold it) and never aborts.  Runs in every build, release included. */
#include <stdio.h>
#include <string.h>

#include "mmsim/mmsim.h"
#include "testutil.h"

static mmsim_machine *machine(const char *name)
{
    mmsim_topology *t;
    char err[256];
    ck_assert_int_eq(mmsim_topology_open(name, &t, err, sizeof(err)), MMSIM_OK);
    mmsim_machine *m;
    ck_assert_int_eq(mmsim_machine_create(t, 0, &m), MMSIM_OK);
    mmsim_topology_destroy(t);
    return m;
}

START_TEST(null_everywhere)
{
    char err[64];
    mmsim_topology *t = (mmsim_topology *)1;
    ck_assert_int_eq(mmsim_topology_bundled(NULL, &t, err, sizeof(err)), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_topology_bundled("uma-4", NULL, err, sizeof(err)), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_topology_load_file(NULL, &t, err, sizeof(err)), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_topology_load_string(NULL, 3, NULL, &t, err, sizeof(err)),
                     MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_topology_open(NULL, &t, NULL, 0), MMSIM_ERR_INVALID);
    mmsim_topology_destroy(NULL);
    ck_assert_ptr_null(mmsim_topology_name(NULL));
    ck_assert_uint_eq(mmsim_topology_node_count(NULL), 0);
    ck_assert_uint_eq(mmsim_topology_cpu_count(NULL), 0);
    ck_assert_uint_eq(mmsim_topology_link_count(NULL), 0);
    ck_assert_int_eq(mmsim_topology_node_info(NULL, 0, NULL), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_topology_link_info(NULL, 0, NULL), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_topology_cpu_node(NULL, 0), -1);
    ck_assert_int_eq(mmsim_topology_distance(NULL, 0, 0), -1);
    ck_assert_int_eq(mmsim_topology_hops(NULL, 0, 0), -1);
    ck_assert_ptr_null(mmsim_topology_bundled_name(-1));
    ck_assert_ptr_null(mmsim_topology_bundled_name(1 << 20));
    ck_assert_ptr_nonnull(mmsim_strerror(-12345));

    ck_assert_ptr_null(mmsim_machine_topology(NULL));
    ck_assert_ptr_null(mmsim_stats_name(NULL, 0));
    uint64_t v;
    ck_assert_int_eq(mmsim_stats_get(NULL, "cpu0.insns", &v), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_stats_dump(NULL, stdout, MMSIM_FORMAT_TEXT), MMSIM_ERR_INVALID);
    uint64_t pa;
    ck_assert_int_eq(mmsim_page_alloc(NULL, NULL, 0, 0, 0, 0, &pa), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_page_free(NULL, 0, 0), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_memory_zone_info(NULL, 0, 0, NULL), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_memory_numa_stat(NULL, 0, NULL), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_memory_print(NULL, stdout, 0, MMSIM_FORMAT_TEXT), MMSIM_ERR_INVALID);
    mmsim_process *p = (mmsim_process *)1;
    ck_assert_int_eq(mmsim_process_create(NULL, "x", NULL, NULL, 0, &p), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_process_create_mem(NULL, "x", 1, "x", NULL, NULL, 0, &p),
                     MMSIM_ERR_INVALID);
    mmsim_process_destroy(NULL);
    ck_assert_int_eq(mmsim_process_set_stdio(NULL, 0, 1, 2), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_machine_set_root(NULL, "/"), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_machine_set_trace(NULL, NULL), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_machine_set_diag(NULL, NULL), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_machine_run(NULL, 0), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_machine_set_limits(NULL, NULL), MMSIM_ERR_INVALID);
    ck_assert_ptr_null(mmsim_machine_limit_hit(NULL));
    int st;
    ck_assert_int_eq(mmsim_process_wait_status(NULL, &st), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_process_exit_code(NULL, &st), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_process_info_get(NULL, NULL), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_process_set_affinity(NULL, NULL, 0), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_process_set_mempolicy(NULL, NULL), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_process_get_mempolicy(NULL, NULL), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_machine_set_mempolicy(NULL, NULL), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_process_print_numa_maps(NULL, stdout), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_machine_set_sched(NULL, 1, 1), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_machine_set_placement(NULL, 0), MMSIM_ERR_INVALID);
}
END_TEST

START_TEST(null_arguments_on_a_live_machine)
{
    mmsim_machine *m = machine("uma-4");
    ck_assert_int_eq(mmsim_stats_get(m, NULL, NULL), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_stats_dump(m, NULL, MMSIM_FORMAT_TEXT), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_machine_print_hardware(m, NULL, MMSIM_FORMAT_TEXT),
                     MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_page_alloc(m, NULL, 0, 0, 0, 0, NULL), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_page_alloc(m, NULL, 9999, 0, 0, 0, &(uint64_t){0}) == MMSIM_OK, 0);
    ck_assert_int_eq(mmsim_page_free(m, 0x1234, 0) == MMSIM_OK, 0);
    ck_assert_str_ne(mmsim_machine_errmsg(m), "");
    ck_assert_int_eq(mmsim_memory_zone_info(m, 0, 0, NULL), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_memory_zone_info(m, 99, 0, &(mmsim_zone_info){0}) == MMSIM_OK, 0);
    mmsim_process *p = (mmsim_process *)1;
    ck_assert_int_eq(mmsim_process_create(m, NULL, NULL, NULL, 0, &p) == MMSIM_OK, 0);
    ck_assert_int_eq(mmsim_process_create(m, "/nonexistent/prog", NULL, NULL, 0, &p) ==
                         MMSIM_OK, 0);
    ck_assert_str_ne(mmsim_machine_errmsg(m), "");
    ck_assert_int_eq(mmsim_process_create_mem(m, NULL, 10, "x", NULL, NULL, 0, &p) == MMSIM_OK,
                     0);
    ck_assert_int_eq(mmsim_process_create_mem(m, "garbage", 7, "x", NULL, NULL, 0, &p) ==
                         MMSIM_OK, 0);
    ck_assert_int_eq(mmsim_machine_set_limits(m, NULL), MMSIM_ERR_INVALID);
    mmsim_limits bad = {.timeout_s = -1};
    ck_assert_int_eq(mmsim_machine_set_limits(m, &bad), MMSIM_ERR_INVALID);
    mmsim_limits huge = {.max_threads = 1u << 30};
    ck_assert_int_eq(mmsim_machine_set_limits(m, &huge) == MMSIM_OK, 0);
    ck_assert_int_eq(mmsim_machine_set_placement(m, (mmsim_placement)77) == MMSIM_OK, 0);
    mmsim_machine_destroy(m);
}
END_TEST

START_TEST(wrong_order_of_calls)
{
    mmsim_machine *m = machine("numa-2s");
    /* Nothing to run yet. */
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_ERR_STATE);
    ck_assert_str_ne(mmsim_machine_errmsg(m), "");
    unsigned char img[TESTUTIL_TINY_ELF_MAX];
    size_t len = testutil_tiny_elf(img, 7);
    const char *argv[] = {"tiny", NULL};
    mmsim_process *p;
    ck_assert_int_eq(mmsim_process_create_mem(m, img, len, "tiny", argv, NULL, 0, &p), MMSIM_OK);
    int code = -1;
    /* Not finished yet: its status is not there. */
    ck_assert_int_eq(mmsim_process_exit_code(p, &code), MMSIM_ERR_STATE);
    ck_assert_int_eq(mmsim_process_exit_code(p, NULL), MMSIM_ERR_INVALID);
    /* Bad CPU numbers and affinities. */
    mmsim_process *q = (mmsim_process *)1;
    ck_assert_int_eq(mmsim_process_create_mem(m, img, len, "tiny", argv, NULL, 4096, &q) ==
                         MMSIM_OK, 0);
    const unsigned cpus[] = {999};
    ck_assert_int_eq(mmsim_process_set_affinity(p, cpus, 1) == MMSIM_OK, 0);
    ck_assert_int_eq(mmsim_process_set_affinity(p, NULL, 0) == MMSIM_OK, 0);
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_OK);
    ck_assert_int_eq(mmsim_process_exit_code(p, &code), MMSIM_OK);
    ck_assert_int_eq(code, 7);
    /* A second run on a finished machine: an error, not a crash or a hang. */
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_ERR_STATE);
    ck_assert_str_ne(mmsim_machine_errmsg(m), "");
    /* Policies of a finished process: refused with a reason. */
    mmsim_mempolicy pol = {0};
    int rc = mmsim_process_set_mempolicy(p, &pol);
    ck_assert(rc == MMSIM_OK || rc == MMSIM_ERR_STATE);
    /* Destroying a process, then the machine: no double free (ASan). */
    mmsim_process_destroy(p);
    mmsim_machine_destroy(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("api_misuse");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, null_everywhere);
    tcase_add_test(tc, null_arguments_on_a_live_machine);
    tcase_add_test(tc, wrong_order_of_calls);
    suite_add_tcase(s, tc);
    return testutil_run(s);
}
