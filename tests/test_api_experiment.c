/* The experiment API: parameter overrides, running to a time, callbacks
 * (sampling, ROI, exit) and what callbacks may not do. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "mmsim/mmsim.h"
#include "testutil.h"

/* Guest output goes nowhere (the descriptor lives as long as the test). */
static int open_devnull(void)
{
    int fd = open("/dev/null", O_WRONLY);
    ck_assert_int_ge(fd, 0);
    return fd;
}

static mmsim_topology *bundled(const char *name)
{
    mmsim_topology *t;
    char err[512];
    ck_assert_msg(mmsim_topology_bundled(name, &t, err, sizeof(err)) == MMSIM_OK, "%s", err);
    return t;
}

/* Apply one override expected to fail; returns the message. */
static const char *override_err(const mmsim_topology *t, const char *path, const char *value,
                                int want)
{
    static char err[512];
    mmsim_topology *o = (mmsim_topology *)1;
    int rc = mmsim_topology_override(t, path, value, &o, err, sizeof(err));
    ck_assert_msg(rc == want, "%s=%s: rc %d (%s), want %d", path, value, rc, err, want);
    ck_assert_ptr_null(o);
    return err;
}

START_TEST(override_values)
{
    mmsim_topology *t = bundled("numa-2s");
    mmsim_topology *o;
    char err[512];
    mmsim_link_info li;
    mmsim_node_info ni;
    ck_assert_int_eq(mmsim_topology_override(t, "links[*].latency", "40ns", &o, err, sizeof(err)),
                     MMSIM_OK);
    ck_assert_int_eq(mmsim_topology_link_info(o, 0, &li), MMSIM_OK);
    ck_assert_double_eq_tol(li.latency_ns, 40.0, 1e-9);
    /* The original is untouched; the new one keeps its origin's name. */
    ck_assert_int_eq(mmsim_topology_link_info(t, 0, &li), MMSIM_OK);
    ck_assert_double_eq_tol(li.latency_ns, 25.0, 1e-9);
    ck_assert_str_eq(mmsim_topology_source(o), mmsim_topology_source(t));
    ck_assert_str_eq(mmsim_topology_name(o), "numa-2s");

    /* Overrides of an override; one node only. */
    mmsim_topology *o2;
    ck_assert_int_eq(mmsim_topology_override(o, "nodes[1].memory_controller.latency", "80ns", &o2,
                                             err, sizeof(err)),
                     MMSIM_OK);
    ck_assert_int_eq(mmsim_topology_node_info(o2, 0, &ni), MMSIM_OK);
    ck_assert_double_eq_tol(ni.mem_latency_ns, 60.0, 1e-9);
    ck_assert_int_eq(mmsim_topology_node_info(o2, 1, &ni), MMSIM_OK);
    ck_assert_double_eq_tol(ni.mem_latency_ns, 80.0, 1e-9);
    ck_assert_int_eq(mmsim_topology_link_info(o2, 0, &li), MMSIM_OK);
    ck_assert_double_eq_tol(li.latency_ns, 40.0, 1e-9);
    mmsim_topology_destroy(o2);
    mmsim_topology_destroy(o);

    /* Keys the file does not have are added (numa-2s has no cpu: section):
     * the machine's memory latency follows an added L2 latency. */
    mmsim_machine *m0, *m1;
    uint64_t ps0, ps1;
    ck_assert_int_eq(mmsim_machine_create(t, 1, &m0), MMSIM_OK);
    ck_assert_int_eq(mmsim_topology_override(t, "cpu.l2.latency", "30cycles", &o, err,
                                             sizeof(err)),
                     MMSIM_OK);
    ck_assert_int_eq(mmsim_machine_create(o, 1, &m1), MMSIM_OK);
    ck_assert_int_eq(mmsim_memory_latency(m0, 0, MMSIM_LEVEL_L2, 0, &ps0), MMSIM_OK);
    ck_assert_int_eq(mmsim_memory_latency(m1, 0, MMSIM_LEVEL_L2, 0, &ps1), MMSIM_OK);
    ck_assert_uint_gt(ps1, ps0);
    mmsim_machine_destroy(m0);
    mmsim_machine_destroy(m1);
    mmsim_topology_destroy(o);

    /* A value may be a YAML collection. */
    ck_assert_int_eq(mmsim_topology_override(t, "distances", "[[10, 31], [31, 10]]", &o, err,
                                             sizeof(err)),
                     MMSIM_OK);
    ck_assert_int_eq(mmsim_topology_distance(o, 0, 1), 31);
    mmsim_topology_destroy(o);
    ck_assert_int_eq(mmsim_topology_override(t, "kernel.thp", "always", &o, err, sizeof(err)),
                     MMSIM_OK);
    mmsim_topology_destroy(o);

    /* A list, in order: the later one wins. */
    const char *sets[] = {"links[0].latency=30ns", "nodes[*].memory=4GiB",
                          "links[0].latency=35ns"};
    ck_assert_int_eq(mmsim_topology_override_list(t, sets, 3, &o, err, sizeof(err)), MMSIM_OK);
    ck_assert_int_eq(mmsim_topology_link_info(o, 0, &li), MMSIM_OK);
    ck_assert_double_eq_tol(li.latency_ns, 35.0, 1e-9);
    ck_assert_int_eq(mmsim_topology_node_info(o, 1, &ni), MMSIM_OK);
    ck_assert_uint_eq(ni.mem_size, 4ull << 30);
    mmsim_topology_destroy(o);
    mmsim_topology_destroy(t);
}
END_TEST

START_TEST(override_errors)
{
    mmsim_topology *t = bundled("numa-2s");
    /* Values are checked by the file parser, the message names the override. */
    ck_assert_str_eq(override_err(t, "links[*].latency", "fast", MMSIM_ERR_TOPOLOGY),
                     "<override links[*].latency=fast>: links[0].latency: expected a latency "
                     "with a unit such as 80ns or 4cycles, got 'fast'");
    ck_assert_str_eq(override_err(t, "nodes[5].memory", "1GiB", MMSIM_ERR_INVALID),
                     "<override nodes[5].memory=1GiB>: nodes[5]: index out of range (entries 0-1)");
    ck_assert_str_eq(override_err(t, "name.x", "1", MMSIM_ERR_INVALID),
                     "<override name.x=1>: name is a scalar, not a mapping: it has no key 'x'");
    ck_assert_str_eq(override_err(t, "nodes.cpus", "1", MMSIM_ERR_INVALID),
                     "<override nodes.cpus=1>: nodes is a sequence, not a mapping: it has no "
                     "key 'cpus'");
    ck_assert_str_eq(override_err(t, "name[0]", "1", MMSIM_ERR_INVALID),
                     "<override name[0]=1>: name is a scalar, not a sequence: it has no entries");
    ck_assert_str_eq(override_err(t, "cpu.tlbs[0].entries", "1", MMSIM_ERR_INVALID),
                     "<override cpu.tlbs[0].entries=1>: cpu.tlbs: no such sequence in the "
                     "topology (an index needs one)");
    ck_assert_str_eq(override_err(t, "links[x]", "1", MMSIM_ERR_INVALID),
                     "<override links[x]=1>: malformed path at column 6: expected [N] or [*]");
    override_err(t, "a..b", "1", MMSIM_ERR_INVALID);
    override_err(t, "", "1", MMSIM_ERR_INVALID);
    override_err(t, "links[0]x", "1", MMSIM_ERR_INVALID);
    override_err(t, "links[0].latency", "[unclosed", MMSIM_ERR_PARSE);
    /* A misspelt key reaches the schema, which lists the right ones. */
    const char *e = override_err(t, "cpu.dtbl.entries", "32", MMSIM_ERR_TOPOLOGY);
    ck_assert_msg(strstr(e, "cpu.dtbl: unknown key (expected one of: ") && strstr(e, "dtlb"),
                  "%s", e);
    e = override_err(t, "kernel.thp", "sometimes", MMSIM_ERR_TOPOLOGY);
    ck_assert_str_eq(e, "<override kernel.thp=sometimes>: kernel.thp: expected one of never, "
                        "madvise, always, got 'sometimes'");
    /* Cross-checks too: a link to a node that does not exist. */
    e = override_err(t, "links[0].to", "7", MMSIM_ERR_TOPOLOGY);
    ck_assert_msg(strstr(e, "links[0].to") != NULL, "%s", e);

    char err[256];
    mmsim_topology *o;
    const char *bad[] = {"links[0].latency=30ns", "nolatency"};
    ck_assert_int_eq(mmsim_topology_override_list(t, bad, 2, &o, err, sizeof(err)),
                     MMSIM_ERR_INVALID);
    ck_assert_str_eq(err, "<override nolatency>: expected PATH=VALUE (links[*].latency=120ns)");
    ck_assert_ptr_null(o);
    ck_assert_int_eq(mmsim_topology_override(NULL, "a", "b", &o, err, sizeof(err)),
                     MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_topology_override(t, "a", "b", NULL, err, sizeof(err)),
                     MMSIM_ERR_INVALID);
    mmsim_topology_destroy(t);
}
END_TEST

/* ---- Running to a time, callbacks --------------------------------------- */

static mmsim_machine *pingpong_machine(void)
{
    mmsim_topology *t = bundled("numa-2s");
    mmsim_machine *m;
    ck_assert_int_eq(mmsim_machine_create(t, 7, &m), MMSIM_OK);
    mmsim_topology_destroy(t);
    char path[4096];
    testutil_path("MMSIM_GUEST_DIR", "tests/pingpong", path, sizeof(path));
    const char *argv[] = {"pingpong", "0", "2", "500", NULL};
    mmsim_process *p;
    ck_assert_int_eq(mmsim_process_create(m, path, argv, NULL, 0, &p), MMSIM_OK);
    ck_assert_int_eq(mmsim_process_set_stdio(p, -1, open_devnull(), -1), MMSIM_OK);
    return m;
}

/* Every statistic of a and b has the same value. */
static void same_stats(const mmsim_machine *a, const mmsim_machine *b)
{
    int n = mmsim_stats_count(a);
    ck_assert_int_eq(n, mmsim_stats_count(b));
    ck_assert_int_gt(n, 10);
    for (int i = 0; i < n; i++) {
        const char *name = mmsim_stats_name(a, i);
        uint64_t va, vb;
        ck_assert_str_eq(name, mmsim_stats_name(b, i));
        ck_assert_int_eq(mmsim_stats_get(a, name, &va), MMSIM_OK);
        ck_assert_int_eq(mmsim_stats_get(b, name, &vb), MMSIM_OK);
        ck_assert_msg(va == vb, "%s: %llu vs %llu", name, (unsigned long long)va,
                      (unsigned long long)vb);
    }
}

struct samples {
    uint64_t every, n, last_boundary;
    uint64_t max_late;          /* now - boundary */
    uint64_t insns_at_first;
    uint64_t boundary[64];      /* the first ones */
    int stop_at;                /* stop when n reaches it (0: never) */
};

static int on_sample(mmsim_machine *m, uint64_t boundary, uint64_t now, void *user)
{
    struct samples *s = user;
    ck_assert_uint_eq(boundary % s->every, 0);
    ck_assert_uint_gt(boundary, s->last_boundary);
    ck_assert_uint_ge(now, boundary);
    ck_assert_uint_eq(mmsim_machine_cycle(m), now);
    s->max_late = now - boundary > s->max_late ? now - boundary : s->max_late;
    s->last_boundary = boundary;
    if (s->n < 64)
        s->boundary[s->n] = boundary;
    if (!s->n++)
        ck_assert_int_eq(mmsim_stats_get(m, "cpu0.insns", &s->insns_at_first), MMSIM_OK);
    /* What a callback may not do. */
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_ERR_STATE);
    ck_assert_int_eq(mmsim_machine_run_until(m, UINT64_MAX), MMSIM_ERR_STATE);
    ck_assert_int_eq(mmsim_machine_on_exit(m, NULL, NULL), MMSIM_ERR_STATE);
    mmsim_machine_destroy(m);  /* ignored */
    ck_assert_ptr_nonnull(strstr(mmsim_machine_errmsg(m), "from a callback"));
    return s->stop_at && s->n == (uint64_t)s->stop_at;
}

START_TEST(run_until_is_resumable_and_sampling_changes_nothing)
{
    /* One run to the end. */
    mmsim_machine *a = pingpong_machine();
    ck_assert_int_eq(mmsim_machine_finished(a), 0);
    ck_assert_uint_eq(mmsim_machine_cycle(a), 0);
    ck_assert_int_eq(mmsim_machine_run(a, 0), MMSIM_OK);
    ck_assert_int_eq(mmsim_machine_finished(a), 1);
    uint64_t end = mmsim_machine_cycle(a);
    ck_assert_uint_gt(end, 200000);
    /* The summary: IPC and where the accesses went. */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ck_assert_int_eq(mmsim_machine_write_report(a, f, MMSIM_FORMAT_TEXT), MMSIM_OK);
    ck_assert_int_eq(mmsim_machine_write_report(a, f, MMSIM_FORMAT_JSON), MMSIM_OK);
    ck_assert_int_eq(mmsim_machine_write_report(a, f, (mmsim_format)7), MMSIM_ERR_INVALID);
    fclose(f);
    ck_assert_msg(strncmp(text, "IPC 0.", 6) == 0 && strstr(text, "; memory accesses: L1 ") &&
                      strstr(text, "remote C2C") && strstr(text, "\n{\"timed\": true, "),
                  "%s", text);
    free(text);

    /* The same in steps of 50,000 cycles, with a sampler every 20,000. */
    mmsim_machine *b = pingpong_machine();
    struct samples s = {.every = 20000};
    ck_assert_int_eq(mmsim_machine_on_sample(b, 0, on_sample, &s), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_machine_on_sample(b, s.every, on_sample, &s), MMSIM_OK);
    unsigned calls = 0;
    for (uint64_t to = 50000; !mmsim_machine_finished(b); to += 50000) {
        ck_assert_int_eq(mmsim_machine_run_until(b, to), MMSIM_OK);
        /* Stopped at `to` (or the end): the machine's time is there. */
        if (!mmsim_machine_finished(b))
            ck_assert_uint_ge(mmsim_machine_cycle(b), to);
        calls++;
    }
    ck_assert_uint_ge(calls, end / 50000);
    same_stats(a, b);
    ck_assert_uint_eq(mmsim_machine_cycle(b), end);
    /* At most one sample per boundary the run crossed (fewer: the time
     * leaps over idle stretches, thread start-up here). */
    ck_assert_uint_ge(s.n, 10);
    ck_assert_uint_le(s.n, end / s.every);
    ck_assert_uint_gt(s.insns_at_first, 0);
    ck_assert_int_eq(mmsim_machine_run_until(b, end * 2), MMSIM_ERR_STATE);

    /* A sampler asking to stop: MMSIM_ERR_STOPPED, and the run goes on
     * from there to the same end. */
    mmsim_machine *c = pingpong_machine();
    struct samples s2 = {.every = 20000, .stop_at = 3};
    ck_assert_int_eq(mmsim_machine_on_sample(c, s2.every, on_sample, &s2), MMSIM_OK);
    ck_assert_int_eq(mmsim_machine_run(c, 0), MMSIM_ERR_STOPPED);
    ck_assert_uint_eq(s2.n, 3);
    ck_assert_uint_eq(s2.last_boundary, s.boundary[2]);
    ck_assert_int_eq(mmsim_machine_finished(c), 0);
    ck_assert_int_eq(mmsim_machine_run(c, 0), MMSIM_OK);
    ck_assert_uint_eq(s2.n, s.n);
    same_stats(a, c);
    mmsim_machine_destroy(a);
    mmsim_machine_destroy(b);
    mmsim_machine_destroy(c);
}
END_TEST

struct roi_log {
    int n, begin[4];
    unsigned cpu[4];
    uint64_t cycle[4];
};

static int on_roi(mmsim_machine *m, int begin, unsigned cpu, uint64_t cycle, void *user)
{
    struct roi_log *l = user;
    ck_assert_int_lt(l->n, 4);
    l->begin[l->n] = begin;
    l->cpu[l->n] = cpu;
    l->cycle[l->n++] = cycle;
    uint64_t v;
    if (begin) {
        /* Before the reset: the warm-up's counts (10,000 iterations). */
        ck_assert_int_eq(mmsim_stats_get(m, "cpu2.insns", &v), MMSIM_OK);
        ck_assert_uint_gt(v, 10000);
    } else {
        /* After the snapshot: the region's. */
        ck_assert_int_eq(mmsim_stats_get(m, "roi.end_cycle", &v), MMSIM_OK);
        ck_assert_uint_eq(v, cycle);
        ck_assert_int_eq(mmsim_stats_get(m, "roi.begin_cycle", &v), MMSIM_OK);
        ck_assert_uint_eq(v, l->cycle[0]);
    }
    return 0;
}

START_TEST(roi_callback)
{
    mmsim_topology *t = bundled("uma-4");
    mmsim_machine *m;
    ck_assert_int_eq(mmsim_machine_create(t, 1, &m), MMSIM_OK);
    mmsim_topology_destroy(t);
    char path[4096];
    testutil_path("MMSIM_GUEST_DIR", "tests/roi_check", path, sizeof(path));
    mmsim_process *p;
    ck_assert_int_eq(mmsim_process_create(m, path, NULL, NULL, 2, &p), MMSIM_OK);
    ck_assert_int_eq(mmsim_process_set_stdio(p, -1, open_devnull(), -1), MMSIM_OK);
    struct roi_log l = {0};
    ck_assert_int_eq(mmsim_machine_on_roi(m, on_roi, &l), MMSIM_OK);
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_OK);
    ck_assert_int_eq(l.n, 2);
    ck_assert_int_eq(l.begin[0], 1);
    ck_assert_int_eq(l.begin[1], 0);
    ck_assert_uint_eq(l.cpu[0], 2);
    ck_assert_uint_eq(l.cpu[1], 2);
    /* 100,000 iterations of a few instructions lie between them. */
    ck_assert_uint_gt(l.cycle[1], l.cycle[0] + 100000);
    mmsim_machine_destroy(m);
}
END_TEST

struct exits {
    int n, code[4];
    mmsim_process *p[4];
    int stop;
};

static int on_exit_cb(mmsim_machine *m, mmsim_process *p, int code, void *user)
{
    struct exits *e = user;
    ck_assert_int_lt(e->n, 4);
    e->p[e->n] = p;
    e->code[e->n++] = code;
    ck_assert_int_ne(mmsim_process_get_state(p), MMSIM_PROCESS_RUNNABLE);
    mmsim_process_destroy(p);  /* ignored: the run loop still holds it */
    ck_assert_int_eq(mmsim_process_get_state(p), MMSIM_PROCESS_EXITED);
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_ERR_STATE);
    return e->stop;
}

START_TEST(exit_callback_and_stop)
{
    mmsim_topology *t = bundled("uma-4");
    mmsim_machine *m;
    ck_assert_int_eq(mmsim_machine_create(t, 1, &m), MMSIM_OK);
    mmsim_topology_destroy(t);
    unsigned char img[TESTUTIL_TINY_ELF_MAX];
    mmsim_process *p1, *p2;
    size_t len = testutil_tiny_elf(img, 7);
    ck_assert_int_eq(mmsim_process_create_mem(m, img, len, "seven", NULL, NULL, 0, &p1), MMSIM_OK);
    len = testutil_tiny_elf(img, 9);
    ck_assert_int_eq(mmsim_process_create_mem(m, img, len, "nine", NULL, NULL, 1, &p2), MMSIM_OK);
    struct exits e = {.stop = 1};
    ck_assert_int_eq(mmsim_machine_on_exit(m, on_exit_cb, &e), MMSIM_OK);
    /* The first exit stops the run; the next run reports the other. */
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_ERR_STOPPED);
    ck_assert_int_eq(e.n, 1);
    ck_assert_ptr_eq(e.p[0], p1);
    ck_assert_int_eq(e.code[0], 7);
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_ERR_STOPPED);
    ck_assert_int_eq(e.n, 2);
    ck_assert_ptr_eq(e.p[1], p2);
    ck_assert_int_eq(e.code[1], 9);
    ck_assert_int_eq(mmsim_machine_finished(m), 1);
    /* Once each: nothing is left, and nothing is reported again. */
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_ERR_STATE);
    ck_assert_int_eq(e.n, 2);
    mmsim_machine_destroy(m);

    ck_assert_int_eq(mmsim_machine_on_exit(NULL, NULL, NULL), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_machine_on_roi(NULL, NULL, NULL), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_machine_on_sample(NULL, 1, NULL, NULL), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_machine_run_until(NULL, 1), MMSIM_ERR_INVALID);
    ck_assert_uint_eq(mmsim_machine_cycle(NULL), 0);
    ck_assert_int_eq(mmsim_machine_finished(NULL), 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("api_experiment");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, override_values);
    tcase_add_test(tc, override_errors);
    tcase_add_test(tc, run_until_is_resumable_and_sampling_changes_nothing);
    tcase_add_test(tc, roi_callback);
    tcase_add_test(tc, exit_callback_and_stop);
    suite_add_tcase(s, tc);
    return testutil_run(s);
}
