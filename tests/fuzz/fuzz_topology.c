/* libFuzzer target: YAML text -> mmsim_topology_load_string().
 *
 * Invariants checked on every input (a violation aborts, which libFuzzer
 * reports as a crash with the input saved):
 *   success: *out set, at least one node and one CPU, every CPU in exactly
 *            one node, the SLIT table with 10 on the diagonal and 11..254
 *            elsewhere, symmetric when derived from the links (an explicit
 *            `distances:` table may be asymmetric, as ACPI allows), hop counts symmetric and 0 only on the
 *            diagonal, node and link inspection agreeing with the counts, the
 *            source name kept, and an internal deep copy equal to it;
 *   failure: *out NULL, a known error code, and a one-line message that
 *            starts with the source name (also with a short buffer, where it
 *            must be truncated, never overflowed).
 * ASan/UBSan catch the rest (out-of-bounds, use after free, leaks, UB).
 *
 * The input is copied into a buffer of exactly its size with no NUL after
 * it, so any read past the given length is an ASan report. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmmsim/topology.h"
#include "mmsim/mmsim.h"

#define SRC "fuzz.yaml"

#define REQUIRE(cond, ...)                                                     \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "fuzz_topology: invariant failed: %s: ", #cond);   \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
            abort();                                                           \
        }                                                                      \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_ok(const mmsim_topology *t)
{
    unsigned n = mmsim_topology_node_count(t), ncpu = mmsim_topology_cpu_count(t);
    REQUIRE(n >= 1 && n <= TOPO_MAX_NODES, "%u nodes", n);
    REQUIRE(ncpu >= 1 && ncpu <= TOPO_MAX_CPUS, "%u cpus", ncpu);
    REQUIRE(mmsim_topology_name(t) && mmsim_topology_description(t), "name/description");
    REQUIRE(strcmp(mmsim_topology_source(t), SRC) == 0, "source '%s'", mmsim_topology_source(t));
    REQUIRE(mmsim_topology_clock_ghz(t) > 0, "clock");

    unsigned cpus = 0;
    uint64_t mem = 0;
    for (unsigned a = 0; a < n; a++) {
        mmsim_node_info ni;
        REQUIRE(mmsim_topology_node_info(t, a, &ni) == MMSIM_OK, "node_info(%u)", a);
        REQUIRE(ni.cpu_count || ni.mem_size, "node %u has neither CPUs nor memory", a);
        REQUIRE(ni.first_cpu == cpus, "node %u first_cpu %u, expected %u", a, ni.first_cpu, cpus);
        REQUIRE(ni.mem_size % 4096 == 0 && ni.mem_base % 4096 == 0, "node %u not page aligned", a);
        REQUIRE(!ni.mem_size || ni.mem_base + ni.mem_size > ni.mem_base, "node %u wraps", a);
        for (unsigned c = 0; c < ni.cpu_count; c++)
            REQUIRE(mmsim_topology_cpu_node(t, ni.first_cpu + c) == (int)a, "cpu %u", ni.first_cpu + c);
        /* Bandwidths fit the long long that llround() produces. */
        REQUIRE(ni.mem_bandwidth_gbs > 0 && ni.mem_bandwidth_gbs <= 9.2e9, "node %u bandwidth %g GB/s",
                a, ni.mem_bandwidth_gbs);
        cpus += ni.cpu_count;
        mem += ni.mem_size;
        for (unsigned b = 0; b < n; b++) {
            int d = mmsim_topology_distance(t, a, b), e = mmsim_topology_distance(t, b, a);
            int h = mmsim_topology_hops(t, a, b), g = mmsim_topology_hops(t, b, a);
            /* A derived table is symmetric (docs/TOPOLOGY.md); an explicit
             * one is taken as given, as ACPI allows asymmetric SLITs. */
            REQUIRE(t->distance_explicit || d == e,
                    "distance[%u][%u] = %d but distance[%u][%u] = %d", a, b, d, b, a, e);
            REQUIRE(a == b ? d == 10 : d >= 11 && d <= 254, "distance[%u][%u] = %d", a, b, d);
            REQUIRE(h == g, "hops[%u][%u] = %d but hops[%u][%u] = %d", a, b, h, b, a, g);
            REQUIRE(a == b ? h == 0 : h >= 1 && h < (int)n, "hops[%u][%u] = %d", a, b, h);
        }
        /* Two memory ranges never overlap. */
        for (unsigned b = 0; b < a; b++) {
            mmsim_node_info nb;
            REQUIRE(mmsim_topology_node_info(t, b, &nb) == MMSIM_OK, "node_info(%u)", b);
            REQUIRE(!ni.mem_size || !nb.mem_size || ni.mem_base >= nb.mem_base + nb.mem_size ||
                        nb.mem_base >= ni.mem_base + ni.mem_size,
                    "nodes %u and %u overlap", a, b);
        }
    }
    REQUIRE(cpus == ncpu, "%u CPUs in nodes, %u in total", cpus, ncpu);
    REQUIRE(mem > 0, "no memory");
    REQUIRE(mmsim_topology_cpu_node(t, ncpu) == -1, "cpu out of range");
    REQUIRE(mmsim_topology_distance(t, n, 0) == -1, "distance out of range");

    mmsim_node_info ni;
    mmsim_link_info li;
    REQUIRE(mmsim_topology_node_info(t, n, &ni) == MMSIM_ERR_RANGE, "node_info out of range");
    unsigned nl = mmsim_topology_link_count(t);
    for (unsigned l = 0; l < nl; l++) {
        REQUIRE(mmsim_topology_link_info(t, l, &li) == MMSIM_OK, "link_info(%u)", l);
        REQUIRE(li.node_a < n && li.node_b < n && li.node_a != li.node_b, "link %u", l);
        REQUIRE(li.latency_ns > 0 && li.bandwidth_gbs > 0 && li.bandwidth_gbs <= 9.2e9,
                "link %u latency %g ns bandwidth %g GB/s", l, li.latency_ns, li.bandwidth_gbs);
        /* The route may still take two faster links instead of this one. */
        REQUIRE(mmsim_topology_hops(t, li.node_a, li.node_b) >= 1, "link %u", l);
    }
    REQUIRE(mmsim_topology_link_info(t, nl, &li) == MMSIM_ERR_RANGE, "link_info out of range");
    REQUIRE(n == 1 || nl >= n - 1, "%u nodes connected by %u links", n, nl);

    /* A machine keeps a deep copy: it must equal the original. */
    struct mmsim_topology *c = topo_clone(t);
    REQUIRE(c != NULL, "topo_clone failed");
    size_t nn = (size_t)n * n;
    REQUIRE(c->nnodes == t->nnodes && c->nlinks == t->nlinks && c->ncpus == t->ncpus &&
                memcmp(c->nodes, t->nodes, n * sizeof(*t->nodes)) == 0 &&
                memcmp(c->distance, t->distance, nn) == 0 &&
                memcmp(c->hops, t->hops, nn * sizeof(*t->hops)) == 0 &&
                strcmp(c->name, t->name) == 0,
            "clone differs");
    topo_free(c);
}

static void check_failed(int rc, const mmsim_topology *t, const char *err)
{
    REQUIRE(t == NULL, "rc %d but a topology was returned", rc);
    REQUIRE(rc == MMSIM_ERR_PARSE || rc == MMSIM_ERR_TOPOLOGY || rc == MMSIM_ERR_NOMEM,
            "unexpected rc %d (%s)", rc, mmsim_strerror(rc));
    size_t l = strlen(err);
    REQUIRE(l > strlen(SRC) + 2, "message too short: '%s'", err);
    REQUIRE(strncmp(err, SRC ":", strlen(SRC) + 1) == 0, "message does not start with the source: '%s'", err);
    REQUIRE(strchr(err, '\n') == NULL, "message is not one line: '%s'", err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Exactly size bytes, no terminating NUL. */
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    if (size)
        memcpy(text, data, size);

    char err[1024];
    memset(err, 'x', sizeof(err));
    mmsim_topology *t = (mmsim_topology *)(uintptr_t)1;
    int rc = mmsim_topology_load_string(text, size, SRC, &t, err, sizeof(err));
    REQUIRE(memchr(err, '\0', sizeof(err)) != NULL, "message not NUL-terminated");
    if (rc == MMSIM_OK) {
        REQUIRE(t != NULL, "MMSIM_OK without a topology");
        check_ok(t);
        mmsim_topology_destroy(t);
    } else {
        check_failed(rc, t, err);
        /* The same failure into a tiny buffer: truncated, terminated, and
         * the same result code. */
        char small[12];
        memset(small, 'y', sizeof(small));
        mmsim_topology *t2 = (mmsim_topology *)(uintptr_t)1;
        int rc2 = mmsim_topology_load_string(text, size, SRC, &t2, small, sizeof(small));
        REQUIRE(rc2 == rc && t2 == NULL, "second load: rc %d, first %d", rc2, rc);
        REQUIRE(small[sizeof(small) - 1] == '\0' && strncmp(small, err, sizeof(small) - 1) == 0,
                "truncated message '%.*s' vs '%s'", (int)sizeof(small), small, err);
    }
    free(text);
    return 0;
}
