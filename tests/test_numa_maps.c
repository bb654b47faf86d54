/* numa_maps (kernel/numa_maps.c) and the process memory-policy API
 * (mmsim_process_set_mempolicy & co., libmmsim/process.c).
 *
 * Expected lines follow Linux's /proc/PID/numa_maps rules (proc(5),
 * numa(7)): "<start in hex, at least 8 digits> <policy>[ name][ counts]",
 * the policy as mpol_to_str spells it ("default", "bind:1",
 * "interleave:0-1", "prefer:1", "local"), the VMA's own policy or else the
 * task's; counts only for VMAs with resident pages, N<node>= only for
 * nodes holding some, in node order, then kernelpagesize_kB=4. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/mempolicy.h"
#include "kernel/mm.h"
#include "kernel/numa_maps.h"
#include "machine.h"
#include "mmsim/mmsim.h"
#include "testutil.h"

static mmsim_machine *machine(const char *topo_name)
{
    mmsim_topology *topo;
    char err[256];
    ck_assert_int_eq(mmsim_topology_open(topo_name, &topo, err, sizeof(err)), MMSIM_OK);
    mmsim_machine *m;
    ck_assert_int_eq(mmsim_machine_create(topo, 0, &m), MMSIM_OK);
    mmsim_topology_destroy(topo);
    return m;
}

static char *maps_text(struct mm *mm, const struct mempolicy *task_pol, mmsim_machine *m)
{
    char *text = kernel_numa_maps_text(mm, task_pol, m->topo);
    ck_assert_ptr_nonnull(text);
    return text;
}

/* Write one byte into each page of [a, a + n pages) as the loader does
 * (read-only VMAs too): first touch. */
static void touch(struct mm *mm, uint64_t a, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint8_t b = 1;
        ck_assert_int_eq(mm_poke(mm, a + i * 4096ULL, &b, 1), 0);
    }
}

START_TEST(format_and_policies)
{
    mmsim_machine *m = machine("numa-2s");
    struct mempolicy task = {0};
    struct mm *mm;
    /* CPU on node 0: first touch under the default policy lands there. */
    ck_assert_int_eq(mm_create(m->physmem, m->page_alloc, &task, 0, &mm), 0);
    const unsigned rw = MM_PROT_R | MM_PROT_W;
    ck_assert_int_eq(mm_map(mm, 0x10000, 4 * 4096, MM_PROT_R | MM_PROT_X, 0, "prog"), 0);
    ck_assert_int_eq(mm_map(mm, 0x20000, 2 * 4096, rw, 0, "prog"), 0);
    ck_assert_int_eq(mm_map(mm, 0x40000, 8 * 4096, rw, VMA_HEAP, "[heap]"), 0);
    ck_assert_int_eq(mm_map(mm, 0x3ff0000000, 4 * 4096, rw, 0, ""), 0);
    ck_assert_int_eq(mm_map(mm, 0x3ff0100000, 4096, MM_PROT_R | MM_PROT_X, VMA_SPECIAL,
                            "[vdso]"), 0);
    ck_assert_int_eq(mm_map(mm, 0x3fff800000, 8 * 4096, rw, VMA_STACK, "[stack]"), 0);

    /* Nothing resident: address and policy only. */
    char *text = maps_text(mm, &task, m);
    ck_assert_str_eq(text,
                     "00010000 default file=prog\n"
                     "00020000 default file=prog\n"
                     "00040000 default heap\n"
                     "3ff0000000 default\n"
                     "3ff0100000 default\n"
                     "3fff800000 default stack\n");
    free(text);

    touch(mm, 0x10000, 3);      /* read-only file mapping: "mapped=", clean */
    touch(mm, 0x20000, 1);
    touch(mm, 0x40000, 5);
    touch(mm, 0x3fff800000 + 6 * 4096, 2);
    /* An mbind-style VMA policy: interleave over both nodes by page offset
     * (the virtual page number for an anonymous mapping), so four
     * consecutive pages alternate 0, 1, 0, 1. */
    struct mempolicy il;
    nodemask_t both = 3;
    ck_assert_int_eq(mempolicy_init(&il, MPOL_INTERLEAVE, 0, &both, m->topo), 0);
    ck_assert_int_eq(mm_set_vma_policy(mm, 0x3ff0000000, 4 * 4096, &il), 0);
    touch(mm, 0x3ff0000000, 4);
    text = maps_text(mm, &task, m);
    ck_assert_str_eq(text,
                     "00010000 default file=prog mapped=3 N0=3 kernelpagesize_kB=4\n"
                     "00020000 default file=prog anon=1 dirty=1 N0=1 kernelpagesize_kB=4\n"
                     "00040000 default heap anon=5 dirty=5 N0=5 kernelpagesize_kB=4\n"
                     "3ff0000000 interleave:0-1 anon=4 dirty=4 N0=2 N1=2 kernelpagesize_kB=4\n"
                     "3ff0100000 default\n"
                     "3fff800000 default stack anon=2 dirty=2 N0=2 kernelpagesize_kB=4\n");
    free(text);

    /* The task's policy shows on every VMA without one of its own; a
     * migrated page counts on its new node. */
    nodemask_t one = 2;
    ck_assert_int_eq(mempolicy_init(&task, MPOL_BIND, 0, &one, m->topo), 0);
    ck_assert_int_eq(mm_migrate_page(mm, 0x40000, 1), 0);
    text = maps_text(mm, &task, m);
    ck_assert_ptr_nonnull(strstr(text, "00040000 bind:1 heap anon=5 dirty=5 N0=4 N1=1 "
                                       "kernelpagesize_kB=4\n"));
    ck_assert_ptr_nonnull(strstr(text, "3ff0000000 interleave:0-1 anon=4"));
    free(text);

    ck_assert_int_eq(mempolicy_init(&task, MPOL_PREFERRED, 0, &one, m->topo), 0);
    text = maps_text(mm, &task, m);
    ck_assert_int_eq(strncmp(text, "00010000 prefer:1 file=prog", 27), 0);
    free(text);
    ck_assert_int_eq(mempolicy_init(&task, MPOL_LOCAL, 0, NULL, m->topo), 0);
    text = maps_text(mm, &task, m);
    ck_assert_int_eq(strncmp(text, "00010000 local file=prog", 24), 0);
    free(text);
    ck_assert_int_eq(mempolicy_init(&task, MPOL_INTERLEAVE, MPOL_F_STATIC_NODES, &both,
                                    m->topo), 0);
    text = maps_text(mm, &task, m);
    ck_assert_int_eq(strncmp(text, "00010000 interleave=static:0-1 file=prog", 40), 0);
    free(text);

    /* A write error on the stream is reported. */
    FILE *full = fopen("/dev/full", "w");
    if (full) {
        setvbuf(full, NULL, _IONBF, 0);
        ck_assert_int_eq(kernel_print_numa_maps(mm, &task, m->topo, full), -EIO);
        fclose(full);
    }
    mm_destroy(mm);
    mmsim_machine_destroy(m);
}
END_TEST

START_TEST(nodelist_syntax)
{
    char buf[64];
    numa_maps_nodelist(0, buf, sizeof(buf));
    ck_assert_str_eq(buf, "");
    numa_maps_nodelist(0x1, buf, sizeof(buf));
    ck_assert_str_eq(buf, "0");
    numa_maps_nodelist(0x2f, buf, sizeof(buf));
    ck_assert_str_eq(buf, "0-3,5");
    numa_maps_nodelist(0x8000000000000005ULL, buf, sizeof(buf));
    ck_assert_str_eq(buf, "0,2,63");
}
END_TEST

static mmsim_process *process(mmsim_machine *m, const char *guest)
{
    char path[4096];
    testutil_path("MMSIM_GUEST_DIR", guest, path, sizeof(path));
    const char *argv[] = {path, "return", "0", NULL};
    mmsim_process *p;
    ck_assert_int_eq(mmsim_process_create(m, path, argv, NULL, 0, &p), MMSIM_OK);
    return p;
}

START_TEST(policy_api)
{
    mmsim_machine *m = machine("numa-2s");
    mmsim_mempolicy bind1 = {.mode = MMSIM_MPOL_BIND, .nodes = 2};
    /* Set before creation: the loader's pages follow it (numactl's order). */
    ck_assert_int_eq(mmsim_machine_set_mempolicy(m, &bind1), MMSIM_OK);
    mmsim_process *p = process(m, "tests/exit_code");
    ck_assert_int_eq(mmsim_machine_set_mempolicy(m, NULL), MMSIM_OK);
    mmsim_mempolicy got;
    ck_assert_int_eq(mmsim_process_get_mempolicy(p, &got), MMSIM_OK);
    ck_assert_int_eq(got.mode, MMSIM_MPOL_BIND);
    ck_assert_uint_eq(got.nodes, 2);

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(mmsim_process_print_numa_maps(p, f), MMSIM_OK);
    fclose(f);
    /* Every resident page is on node 1, every line says bind:1. */
    ck_assert_ptr_nonnull(strstr(buf, " N1="));
    ck_assert_ptr_null(strstr(buf, " N0="));
    for (char *l = buf; *l; l = strchr(l, '\n') + 1)
        ck_assert_int_eq(strncmp(strchr(l, ' '), " bind:1", 7), 0);
    free(buf);

    /* Refusals name the reason. */
    mmsim_mempolicy bad = {.mode = MMSIM_MPOL_BIND, .nodes = 4};
    ck_assert_int_eq(mmsim_process_set_mempolicy(p, &bad), MMSIM_ERR_INVALID);
    ck_assert_str_eq(mmsim_machine_errmsg(m), "bind policy: node 2 does not exist (nodes 0-1)");
    bad.nodes = 0;
    ck_assert_int_eq(mmsim_process_set_mempolicy(p, &bad), MMSIM_ERR_INVALID);
    ck_assert_str_eq(mmsim_machine_errmsg(m), "the bind policy needs at least one node");
    bad = (mmsim_mempolicy){.mode = MMSIM_MPOL_LOCAL, .nodes = 1};
    ck_assert_int_eq(mmsim_process_set_mempolicy(p, &bad), MMSIM_ERR_INVALID);
    ck_assert_str_eq(mmsim_machine_errmsg(m), "the local policy takes no nodes");
    bad = (mmsim_mempolicy){.mode = 9};
    ck_assert_int_eq(mmsim_process_set_mempolicy(p, &bad), MMSIM_ERR_INVALID);
    ck_assert_str_eq(mmsim_machine_errmsg(m), "unknown memory policy mode 9 (0-6)");
    bad = (mmsim_mempolicy){.mode = MMSIM_MPOL_INTERLEAVE, .nodes = 3,
                            .flags = MMSIM_MPOL_F_STATIC_NODES | MMSIM_MPOL_F_RELATIVE_NODES};
    ck_assert_int_eq(mmsim_process_set_mempolicy(p, &bad), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_process_set_mempolicy(NULL, &bind1), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_process_get_mempolicy(p, NULL), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_process_print_numa_maps(p, NULL), MMSIM_ERR_INVALID);
    ck_assert_int_eq(mmsim_process_print_numa_maps(NULL, stdout), MMSIM_ERR_INVALID);
    /* A refused policy leaves the old one. */
    ck_assert_int_eq(mmsim_process_get_mempolicy(p, &got), MMSIM_OK);
    ck_assert_int_eq(got.mode, MMSIM_MPOL_BIND);

    mmsim_mempolicy il = {.mode = MMSIM_MPOL_INTERLEAVE, .nodes = 3};
    ck_assert_int_eq(mmsim_process_set_mempolicy(p, &il), MMSIM_OK);
    ck_assert_int_eq(mmsim_process_get_mempolicy(p, &got), MMSIM_OK);
    ck_assert_int_eq(got.mode, MMSIM_MPOL_INTERLEAVE);
    ck_assert_uint_eq(got.nodes, 3);

    /* After the run the address space is gone; numa_maps shows it as it
     * was at exit. */
    ck_assert_int_eq(mmsim_machine_run(m, 0), MMSIM_OK);
    buf = NULL;
    f = open_memstream(&buf, &len);
    ck_assert_int_eq(mmsim_process_print_numa_maps(p, f), MMSIM_OK);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, " stack anon="));
    ck_assert_ptr_nonnull(strstr(buf, " interleave:0-1 "));
    free(buf);
    ck_assert_int_eq(mmsim_process_set_mempolicy(p, &il), MMSIM_ERR_STATE);
    ck_assert_str_eq(mmsim_machine_errmsg(m), "the process has ended");
    mmsim_machine_destroy(m);
}
END_TEST

START_TEST(memoryless_nodes)
{
    char path[4096];
    testutil_path("MMSIM_SOURCE_DIR", "tests/topologies/good/cpu-only-node.yaml", path,
                  sizeof(path));
    mmsim_machine *m = machine(path);
    mmsim_mempolicy pol = {.mode = MMSIM_MPOL_PREFERRED, .nodes = 2};
    ck_assert_int_eq(mmsim_machine_set_mempolicy(m, &pol), MMSIM_ERR_INVALID);
    ck_assert_str_eq(mmsim_machine_errmsg(m),
                     "preferred policy: no memory on node 1 (nodes with memory: 0)");
    /* As set_mempolicy(2): nodes without memory are dropped from a mask
     * that has others. */
    pol = (mmsim_mempolicy){.mode = MMSIM_MPOL_INTERLEAVE, .nodes = 3};
    ck_assert_int_eq(mmsim_machine_set_mempolicy(m, &pol), MMSIM_OK);
    mmsim_process *p = process(m, "tests/exit_code");
    mmsim_mempolicy got;
    ck_assert_int_eq(mmsim_process_get_mempolicy(p, &got), MMSIM_OK);
    ck_assert_uint_eq(got.nodes, 1);
    mmsim_machine_destroy(m);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("numa_maps");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, format_and_policies);
    tcase_add_test(tc, nodelist_syntax);
    tcase_add_test(tc, policy_api);
    tcase_add_test(tc, memoryless_nodes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return testutil_run(suite());
}
