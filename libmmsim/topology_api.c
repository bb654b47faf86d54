/* Public topology API: loading (bundled, file, string) and inspection. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "bundled.h"
#include "internal.h"
#include "topology.h"

/* The topologies used when none is given (README's main job compares them). */
#define DEFAULT_UMA "uma-4"
#define DEFAULT_NUMA "numa-2s"

static int set_out_null(mmsim_topology **out)
{
    if (out)
        *out = NULL;
    return MMSIM_ERR_INVALID;
}

int mmsim_topology_bundled(const char *name, mmsim_topology **out, char *errbuf, size_t errlen)
{
    if (!name || !out) {
        mmsim_fmt(errbuf, errlen, "mmsim_topology_bundled: NULL argument");
        return set_out_null(out);
    }
    for (int i = 0; i < bundled_topology_count; i++)
        if (strcmp(bundled_topologies[i].name, name) == 0) {
            char src[128];
            mmsim_fmt(src, sizeof(src), "%s.yaml", name);
            return topo_parse(bundled_topologies[i].text, bundled_topologies[i].len, src, out,
                              errbuf, errlen);
        }
    *out = NULL;
    char list[512] = "";
    for (int i = 0; i < bundled_topology_count; i++) {
        size_t l = strlen(list);
        mmsim_fmt(list + l, sizeof(list) - l, "%s%s", i ? ", " : "", bundled_topologies[i].name);
    }
    mmsim_fmt(errbuf, errlen, "no bundled topology named '%s' (bundled: %s)", name, list);
    return MMSIM_ERR_NOT_FOUND;
}

int mmsim_topology_load_file(const char *path, mmsim_topology **out, char *errbuf, size_t errlen)
{
    if (!path || !out) {
        mmsim_fmt(errbuf, errlen, "mmsim_topology_load_file: NULL argument");
        return set_out_null(out);
    }
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        mmsim_fmt(errbuf, errlen, "%s: cannot open topology file: %s", path, strerror(e));
        return e == ENOENT ? MMSIM_ERR_NOT_FOUND : MMSIM_ERR_IO;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        mmsim_fmt(errbuf, errlen, "%s: not a regular file", path);
        return MMSIM_ERR_IO;
    }
    /* Topologies are small; a huge file is a mistake, not a machine. */
    if (st.st_size > (16 << 20)) {
        fclose(f);
        mmsim_fmt(errbuf, errlen, "%s: file too large for a topology (%lld bytes, at most 16 MiB)",
                  path, (long long)st.st_size);
        return MMSIM_ERR_PARSE;
    }
    size_t len = (size_t)st.st_size;
    char *text = malloc(len + 1);
    if (!text) {
        fclose(f);
        mmsim_fmt(errbuf, errlen, "%s: out of memory", path);
        return MMSIM_ERR_NOMEM;
    }
    size_t got = fread(text, 1, len, f);
    int rd_err = ferror(f);
    fclose(f);
    if (got != len || rd_err) {
        free(text);
        mmsim_fmt(errbuf, errlen, "%s: read error", path);
        return MMSIM_ERR_IO;
    }
    text[len] = '\0';
    int rc = topo_parse(text, len, path, out, errbuf, errlen);
    free(text);
    return rc;
}

int mmsim_topology_load_string(const char *yaml, size_t len, const char *source_name,
                               mmsim_topology **out, char *errbuf, size_t errlen)
{
    if (!yaml || !out) {
        mmsim_fmt(errbuf, errlen, "mmsim_topology_load_string: NULL argument");
        return set_out_null(out);
    }
    return topo_parse(yaml, len, source_name ? source_name : "<string>", out, errbuf, errlen);
}

int mmsim_topology_open(const char *name_or_path, mmsim_topology **out, char *errbuf,
                        size_t errlen)
{
    if (!name_or_path || !out) {
        mmsim_fmt(errbuf, errlen, "mmsim_topology_open: NULL argument");
        return set_out_null(out);
    }
    for (int i = 0; i < bundled_topology_count; i++)
        if (strcmp(bundled_topologies[i].name, name_or_path) == 0)
            return mmsim_topology_bundled(name_or_path, out, errbuf, errlen);
    /* Not a bundled name: if it does not look like a path either, say both. */
    struct stat st;
    if (!strchr(name_or_path, '/') && !strstr(name_or_path, ".yaml") &&
        stat(name_or_path, &st) != 0) {
        int rc = mmsim_topology_bundled(name_or_path, out, errbuf, errlen);
        size_t l = errbuf ? strlen(errbuf) : 0;
        if (errbuf && l + 1 < errlen)
            mmsim_fmt(errbuf + l, errlen - l, ", and no file of that name");
        return rc;
    }
    return mmsim_topology_load_file(name_or_path, out, errbuf, errlen);
}

void mmsim_topology_destroy(mmsim_topology *t)
{
    topo_free(t);
}

int mmsim_topology_bundled_count(void)
{
    return bundled_topology_count;
}

const char *mmsim_topology_bundled_name(int i)
{
    return i >= 0 && i < bundled_topology_count ? bundled_topologies[i].name : NULL;
}

const char *mmsim_topology_bundled_summary(int i)
{
    return i >= 0 && i < bundled_topology_count ? bundled_topologies[i].summary : NULL;
}

const char *mmsim_topology_default_uma(void)
{
    return DEFAULT_UMA;
}

const char *mmsim_topology_default_numa(void)
{
    return DEFAULT_NUMA;
}

const char *mmsim_topology_name(const mmsim_topology *t)
{
    return t ? t->name : NULL;
}

const char *mmsim_topology_description(const mmsim_topology *t)
{
    return t ? t->description : NULL;
}

const char *mmsim_topology_source(const mmsim_topology *t)
{
    return t ? t->source : NULL;
}

double mmsim_topology_clock_ghz(const mmsim_topology *t)
{
    return t ? (double)t->clock_hz / 1e9 : 0.0;
}

unsigned mmsim_topology_node_count(const mmsim_topology *t)
{
    return t ? t->nnodes : 0;
}

unsigned mmsim_topology_cpu_count(const mmsim_topology *t)
{
    return t ? t->ncpus : 0;
}

unsigned mmsim_topology_link_count(const mmsim_topology *t)
{
    return t ? t->nlinks : 0;
}

int mmsim_topology_node_info(const mmsim_topology *t, unsigned node, mmsim_node_info *out)
{
    if (!t || !out)
        return MMSIM_ERR_INVALID;
    if (node >= t->nnodes)
        return MMSIM_ERR_RANGE;
    const struct topo_node *n = &t->nodes[node];
    out->cpu_count = n->ncpus;
    out->first_cpu = n->first_cpu;
    out->mem_base = n->mem_base;
    out->mem_size = n->mem_size;
    out->mem_latency_ns = (double)topo_lat_ps(t, n->mem_latency) / 1000.0;
    out->mem_bandwidth_gbs = (double)n->mem_bandwidth / 1e9;
    return MMSIM_OK;
}

int mmsim_topology_link_info(const mmsim_topology *t, unsigned link, mmsim_link_info *out)
{
    if (!t || !out)
        return MMSIM_ERR_INVALID;
    if (link >= t->nlinks)
        return MMSIM_ERR_RANGE;
    const struct topo_link *l = &t->links[link];
    out->node_a = l->a;
    out->node_b = l->b;
    out->latency_ns = (double)topo_lat_ps(t, l->latency) / 1000.0;
    out->bandwidth_gbs = (double)l->bandwidth / 1e9;
    return MMSIM_OK;
}

int mmsim_topology_cpu_node(const mmsim_topology *t, unsigned cpu)
{
    if (!t || cpu >= t->ncpus)
        return -1;
    return (int)topo_cpu_node(t, cpu);
}

int mmsim_topology_distance(const mmsim_topology *t, unsigned a, unsigned b)
{
    if (!t || a >= t->nnodes || b >= t->nnodes)
        return -1;
    return t->distance[a * t->nnodes + b];
}

int mmsim_topology_hops(const mmsim_topology *t, unsigned a, unsigned b)
{
    if (!t || a >= t->nnodes || b >= t->nnodes)
        return -1;
    return (int)t->hops[a * t->nnodes + b];
}
