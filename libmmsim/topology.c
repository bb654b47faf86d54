/* YAML topology files -> struct mmsim_topology.
 *
 * libyaml's document API gives a tree whose every node carries its line and
 * column, so every message can say "file:line:col: field.path: problem".
 * The schema is a set of small tables (one per mapping) so that unknown keys
 * are errors listing what is expected. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <yaml.h>

#include "internal.h"
#include "numa/route.h"
#include "topology.h"
#include "traffic_api.h"

#define DEFAULT_DRAM_BASE 0x80000000ull
#define PAGE_SIZE 4096ull

struct ctx {
    yaml_document_t *doc;
    const char *src;        /* file name for messages */
    char *err;
    size_t errlen;
    int failed;
    const char *base;       /* relative file names are in this file's directory */
};

static int fail_at(struct ctx *c, const yaml_node_t *n, const char *path, const char *fmt, ...)
    PRINTF_LIKE(4, 5);

/* Record the first error only: later ones are usually consequences. */
static int fail_at(struct ctx *c, const yaml_node_t *n, const char *path, const char *fmt, ...)
{
    if (c->failed++)
        return -1;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (n)
        mmsim_fmt(c->err, c->errlen, "%s:%lu:%lu: %s%s%s", c->src,
                  (unsigned long)n->start_mark.line + 1, (unsigned long)n->start_mark.column + 1,
                  path ? path : "", path && *path ? ": " : "", msg);
    else
        mmsim_fmt(c->err, c->errlen, "%s: %s%s%s", c->src, path ? path : "",
                  path && *path ? ": " : "", msg);
    /* Messages quote the user's keys and values, and YAML scalars may hold
     * line breaks or other control characters: keep the message one line. */
    for (char *q = c->err; q && c->errlen && *q; q++)
        if ((unsigned char)*q < 0x20 || *q == 0x7f)
            *q = '?';
    return -1;
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* ---- Scalars with units ----------------------------------------------- */

/* Split "25.6GB/s" into a non-negative number and its unit suffix. */
static int number_and_unit(const char *s, double *num, const char **unit)
{
    char buf[64];
    size_t j = 0;
    /* Underscores are digit separators (0x8000_0000, 1_000). */
    for (const char *p = s; *p && j + 1 < sizeof(buf); p++)
        if (*p != '_')
            buf[j++] = *p;
    buf[j] = '\0';
    /* strtod skips leading white space, so "\t-5GiB" (a quoted scalar)
     * would be a negative number: no sign and no space of any kind. */
    if (!*buf || *buf == '-' || *buf == '+' || isspace((unsigned char)*buf))
        return -1;
    char *end;
    errno = 0;
    *num = strtod(buf, &end);
    if (end == buf || errno || !isfinite(*num))
        return -1;
    while (*end == ' ')
        end++;
    *unit = s + (end - buf);    /* units contain no underscores */
    /* Map back into s: count non-underscore chars consumed. */
    size_t consumed = (size_t)(end - buf), k = 0;
    const char *p = s;
    while (*p && k < consumed) {
        if (*p != '_')
            k++;
        p++;
    }
    while (*p == ' ')
        p++;
    *unit = p;
    return 0;
}

struct unit { const char *name; double factor; };

static int lookup_unit(const struct unit *u, const char *name, double *factor)
{
    for (; u->name; u++)
        if (strcmp(u->name, name) == 0) {
            *factor = u->factor;
            return 0;
        }
    return -1;
}

static const struct unit size_units[] = {
    {"B", 1},         {"KiB", 1024.0},       {"MiB", 1048576.0}, {"GiB", 1073741824.0},
    {"TiB", 1099511627776.0}, {"KB", 1e3},    {"MB", 1e6},         {"GB", 1e9},
    {"TB", 1e12},     {NULL, 0}};
static const struct unit time_units[] = {
    {"ps", 1}, {"ns", 1e3}, {"us", 1e6}, {"ms", 1e9}, {"s", 1e12}, {NULL, 0}};
static const struct unit bw_units[] = {
    {"B/s", 1},      {"KB/s", 1e3},          {"MB/s", 1e6},           {"GB/s", 1e9},
    {"TB/s", 1e12},  {"KiB/s", 1024.0},      {"MiB/s", 1048576.0},    {"GiB/s", 1073741824.0},
    {NULL, 0}};
static const struct unit freq_units[] = {
    {"Hz", 1}, {"kHz", 1e3}, {"MHz", 1e6}, {"GHz", 1e9}, {NULL, 0}};

static int get_u64(struct ctx *c, const yaml_node_t *n, const char *path, uint64_t max,
                   uint64_t *out)
{
    const char *s = scalar(n);
    if (!s)
        return fail_at(c, n, path, "expected an integer");
    char buf[64];
    size_t j = 0;
    for (const char *p = s; *p && j + 1 < sizeof(buf); p++)
        if (*p != '_')
            buf[j++] = *p;
    buf[j] = '\0';
    char *end;
    errno = 0;
    unsigned long long v = strtoull(buf, &end, 0);
    /* strtoull skips white space and negates after a '-': " -1" must not
     * become 2^64 - 1. */
    if (!*buf || *end || errno || buf[0] == '-' || buf[0] == '+' || isspace((unsigned char)buf[0]))
        return fail_at(c, n, path, "expected an integer, got '%s'", s);
    if (v > max)
        return fail_at(c, n, path, "%llu is too large (at most %llu)", v,
                       (unsigned long long)max);
    *out = v;
    return 0;
}

static int get_size(struct ctx *c, const yaml_node_t *n, const char *path, uint64_t *out)
{
    const char *s = scalar(n), *u;
    double v, f;
    if (!s)
        return fail_at(c, n, path, "expected a size such as 16GiB");
    if (strcmp(s, "0") == 0) {
        *out = 0;
        return 0;
    }
    if (number_and_unit(s, &v, &u) || !*u)
        return fail_at(c, n, path, "expected a size with a unit (B, KiB, MiB, GiB, TiB, KB, MB, GB, TB), got '%s'", s);
    if (lookup_unit(size_units, u, &f))
        return fail_at(c, n, path, "unknown size unit '%s' (expected B, KiB, MiB, GiB, TiB, KB, MB, GB or TB)", u);
    double b = v * f;
    if (b >= 18446744073709551615.0)
        return fail_at(c, n, path, "size '%s' is too large", s);
    if (b != floor(b))
        return fail_at(c, n, path, "size '%s' is not a whole number of bytes", s);
    *out = (uint64_t)b;
    return 0;
}

static int get_lat(struct ctx *c, const yaml_node_t *n, const char *path, struct topo_lat *out)
{
    const char *s = scalar(n), *u;
    double v, f;
    if (!s || number_and_unit(s, &v, &u) || !*u)
        return fail_at(c, n, path, "expected a latency with a unit such as 80ns or 4cycles, got '%s'", s ? s : "a non-scalar");
    if (strcmp(u, "cycles") == 0 || strcmp(u, "cycle") == 0) {
        if (v != floor(v) || v > 1e9)
            return fail_at(c, n, path, "'%s' is not a whole number of cycles", s);
        out->amount = (uint64_t)v;
        out->unit = TOPO_CYCLES;
        return 0;
    }
    if (lookup_unit(time_units, u, &f))
        return fail_at(c, n, path, "unknown time unit '%s' (expected ps, ns, us, ms, s or cycles)", u);
    if (v * f > 1e15)
        return fail_at(c, n, path, "latency '%s' is too large", s);
    out->amount = (uint64_t)llround(v * f);
    out->unit = TOPO_PS;
    return 0;
}

static int get_bw(struct ctx *c, const yaml_node_t *n, const char *path, uint64_t *out)
{
    const char *s = scalar(n), *u;
    double v, f;
    if (!s || number_and_unit(s, &v, &u) || !*u)
        return fail_at(c, n, path, "expected a bandwidth with a unit such as 25.6GB/s, got '%s'", s ? s : "a non-scalar");
    if (lookup_unit(bw_units, u, &f))
        return fail_at(c, n, path, "unknown bandwidth unit '%s' (expected B/s, KB/s, MB/s, GB/s, TB/s, KiB/s, MiB/s or GiB/s)", u);
    /* llround returns a long long: beyond its range the result is
     * unspecified, so the limit is LLONG_MAX, not UINT64_MAX. */
    if (v * f >= 9.2e18)
        return fail_at(c, n, path, "bandwidth '%s' is too large", s);
    *out = (uint64_t)llround(v * f);
    if (!*out)
        return fail_at(c, n, path, "bandwidth must be greater than zero");
    return 0;
}

static int get_freq(struct ctx *c, const yaml_node_t *n, const char *path, uint64_t *out)
{
    const char *s = scalar(n), *u;
    double v, f;
    if (!s || number_and_unit(s, &v, &u) || !*u)
        return fail_at(c, n, path, "expected a frequency with a unit such as 2.5GHz, got '%s'", s ? s : "a non-scalar");
    if (lookup_unit(freq_units, u, &f))
        return fail_at(c, n, path, "unknown frequency unit '%s' (expected Hz, kHz, MHz or GHz)", u);
    if (v * f < 1e3 || v * f > 1e12)
        return fail_at(c, n, path, "frequency '%s' is out of range (1kHz to 1000GHz)", s);
    *out = (uint64_t)llround(v * f);
    return 0;
}

static int get_str(struct ctx *c, const yaml_node_t *n, const char *path, char **out)
{
    const char *s = scalar(n);
    if (!s)
        return fail_at(c, n, path, "expected a string");
    free(*out);
    *out = mmsim_strdup(s);
    return *out ? 0 : fail_at(c, n, path, "out of memory");
}

static int get_enum(struct ctx *c, const yaml_node_t *n, const char *path,
                    const char *const *names, int *out)
{
    const char *s = scalar(n);
    for (int i = 0; s && names[i]; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = i;
            return 0;
        }
    char list[256] = "";
    for (int i = 0; names[i]; i++) {
        size_t l = strlen(list);
        mmsim_fmt(list + l, sizeof(list) - l, "%s%s", i ? ", " : "", names[i]);
    }
    return fail_at(c, n, path, "expected one of %s, got '%s'", list, s ? s : "a non-scalar");
}

/* ---- Mappings ---------------------------------------------------------- */

/* Call fn(c, key, value, path, arg) for each entry; keys must be in allowed. */
typedef int (*entry_fn)(struct ctx *c, const char *key, yaml_node_t *v, const char *path,
                        void *arg);

static int each_entry(struct ctx *c, yaml_node_t *map, const char *path,
                      const char *const *allowed, entry_fn fn, void *arg)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return fail_at(c, map, path, "expected a mapping (key: value lines)");
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
        const char *key = scalar(k);
        if (!key)
            return fail_at(c, k, path, "keys must be plain names");
        /* Duplicate keys are a classic copy-paste mistake. */
        for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++)
            if (strcmp(scalar(yaml_document_get_node(c->doc, q->key)) ?: "", key) == 0)
                return fail_at(c, k, path, "duplicate key '%s'", key);
        char sub[256];
        mmsim_fmt(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", key);
        int known = 0;
        for (int i = 0; allowed[i]; i++)
            known |= strcmp(allowed[i], key) == 0;
        if (!known) {
            char list[512] = "";
            for (int i = 0; allowed[i]; i++) {
                size_t l = strlen(list);
                mmsim_fmt(list + l, sizeof(list) - l, "%s%s", i ? ", " : "", allowed[i]);
            }
            return fail_at(c, k, sub, "unknown key (expected one of: %s)", list);
        }
        if (fn(c, key, v, sub, arg))
            return -1;
    }
    return 0;
}

static const char *const repl_names[] = {"lru", "plru", "random", NULL};
static const char *const arb_names[] = {"round-robin", "fcfs", NULL};
static const char *const bool_names[] = {"false", "true", NULL};

static int cache_entry(struct ctx *c, const char *key, yaml_node_t *v, const char *path, void *arg)
{
    struct topo_cache *k = arg;
    uint64_t x = 0;
    if (!strcmp(key, "size"))
        return get_size(c, v, path, &k->size);
    if (!strcmp(key, "line")) {
        if (get_size(c, v, path, &x))
            return -1;
        if (x < 16 || x > 4096 || (x & (x - 1)))
            return fail_at(c, v, path, "line size must be a power of two from 16B to 4KiB");
        k->line = (uint32_t)x;
        return 0;
    }
    if (!strcmp(key, "ways")) {
        if (get_u64(c, v, path, 1024, &x))
            return -1;
        if (!x)
            return fail_at(c, v, path, "ways must be at least 1");
        k->ways = (uint32_t)x;
        return 0;
    }
    if (!strcmp(key, "latency"))
        return get_lat(c, v, path, &k->latency);
    if (!strcmp(key, "mshrs")) {
        if (get_u64(c, v, path, 1024, &x))
            return -1;
        k->mshrs = (uint32_t)x;
        return 0;
    }
    int e = 0;
    if (!strcmp(key, "inclusive")) {
        if (get_enum(c, v, path, bool_names, &e))
            return -1;
        k->inclusive = e == 1;
        return 0;
    }
    if (get_enum(c, v, path, repl_names, &e))
        return -1;
    k->repl = (enum topo_repl)e;
    return 0;
}

/* `inclusive` is a property of a node's LLC only (the hierarchy that
 * back-invalidates is the node's), so private caches reject it. */
static int parse_cache(struct ctx *c, yaml_node_t *v, const char *path, struct topo_cache *k,
                       bool llc)
{
    static const char *const keys[] = {"size", "ways", "line", "latency", "replacement", "mshrs", NULL};
    static const char *const llc_keys[] = {"size", "ways", "line", "latency", "replacement",
                                           "mshrs", "inclusive", NULL};
    if (each_entry(c, v, path, llc ? llc_keys : keys, cache_entry, k))
        return -1;
    if (k->size) {
        uint64_t set_bytes = (uint64_t)k->ways * k->line;
        if (k->size % set_bytes || ((k->size / set_bytes) & (k->size / set_bytes - 1)))
            return fail_at(c, v, path, "size %llu is not ways (%u) x line (%u) x a power-of-two number of sets",
                           (unsigned long long)k->size, k->ways, k->line);
    }
    return 0;
}

static int tlb_entry(struct ctx *c, const char *key, yaml_node_t *v, const char *path, void *arg)
{
    struct topo_tlb *t = arg;
    uint64_t x = 0;
    if (!strcmp(key, "entries")) {
        if (get_u64(c, v, path, 1u << 20, &x))
            return -1;
        t->entries = (uint32_t)x;
        return 0;
    }
    if (!strcmp(key, "ways")) {
        if (get_u64(c, v, path, 1u << 20, &x))
            return -1;
        if (!x)
            return fail_at(c, v, path, "ways must be at least 1");
        t->ways = (uint32_t)x;
        return 0;
    }
    int e = 0;
    if (get_enum(c, v, path, repl_names, &e))
        return -1;
    t->repl = (enum topo_repl)e;
    return 0;
}

static int parse_tlb(struct ctx *c, yaml_node_t *v, const char *path, struct topo_tlb *t)
{
    static const char *const keys[] = {"entries", "ways", "replacement", NULL};
    if (each_entry(c, v, path, keys, tlb_entry, t))
        return -1;
    if (t->entries && (t->entries % t->ways || ((t->entries / t->ways) & (t->entries / t->ways - 1))))
        return fail_at(c, v, path, "entries (%u) must be ways (%u) x a power-of-two number of sets",
                       t->entries, t->ways);
    return 0;
}

/* A count of core cycles: "3" or "3cycles".  Pipeline figures are a
 * property of the core's stages, so a time would change meaning with the
 * clock: it is refused rather than converted. */
static int get_cycles(struct ctx *c, const yaml_node_t *n, const char *path, uint64_t lo,
                      uint64_t hi, uint32_t *out)
{
    const char *s = scalar(n);
    char *end = NULL;
    unsigned long long v = 0;
    errno = 0;
    if (s && isdigit((unsigned char)*s))
        v = strtoull(s, &end, 10);
    if (!end || errno || (*end && strcmp(end, "cycles") != 0 && strcmp(end, "cycle") != 0))
        return fail_at(c, n, path, "expected a whole number of core cycles such as 3 or 3cycles, got '%s'",
                       s ? s : "a non-scalar");
    if (v < lo || v > hi)
        return fail_at(c, n, path, "%llu cycles is out of range (%llu to %llu)", v,
                       (unsigned long long)lo, (unsigned long long)hi);
    *out = (uint32_t)v;
    return 0;
}

static int latency_entry(struct ctx *c, const char *key, yaml_node_t *v, const char *path, void *arg)
{
    struct topo_pipeline *p = arg;
    uint32_t *f = !strcmp(key, "mul") ? &p->lat_mul
                  : !strcmp(key, "div") ? &p->lat_div
                  : !strcmp(key, "fadd") ? &p->lat_fadd
                  : !strcmp(key, "fmul") ? &p->lat_fmul
                  : !strcmp(key, "fma") ? &p->lat_fma
                  : !strcmp(key, "fdiv") ? &p->lat_fdiv
                  : !strcmp(key, "fsqrt") ? &p->lat_fsqrt : &p->lat_fcvt;
    return get_cycles(c, v, path, 1, 1000, f);
}

static int predictor_entry(struct ctx *c, const char *key, yaml_node_t *v, const char *path, void *arg)
{
    struct topo_pipeline *p = arg;
    uint64_t x = 0;
    if (!strcmp(key, "type")) {
        static const char *const names[] = {"bimodal", "gshare", NULL};
        int e = 0;
        if (get_enum(c, v, path, names, &e))
            return -1;
        p->predictor = (enum topo_bp)e;
        return 0;
    }
    if (!strcmp(key, "history")) {
        if (get_u64(c, v, path, 32, &x))
            return -1;
        p->bp_history = (uint32_t)x;
        return 0;
    }
    if (!strcmp(key, "ras")) {
        if (get_u64(c, v, path, 1024, &x))
            return -1;
        p->ras_entries = (uint32_t)x;
        return 0;
    }
    /* entries, btb: direct-mapped tables indexed by pc bits. */
    if (get_u64(c, v, path, 1u << 24, &x))
        return -1;
    if (!x || (x & (x - 1)))
        return fail_at(c, v, path, "%llu is not a power of two (the table is indexed by pc bits)",
                       (unsigned long long)x);
    *(key[0] == 'b' ? &p->btb_entries : &p->bp_entries) = (uint32_t)x;
    return 0;
}

static int pipeline_entry(struct ctx *c, const char *key, yaml_node_t *v, const char *path, void *arg)
{
    struct topo_pipeline *p = arg;
    uint64_t x = 0;
    if (!strcmp(key, "width")) {
        if (get_u64(c, v, path, UINT32_MAX, &x))
            return -1;
        if (x < 1 || x > 2)
            return fail_at(c, v, path, "width must be 1 or 2 (instructions issued per cycle), got %llu",
                           (unsigned long long)x);
        p->width = (uint32_t)x;
        return 0;
    }
    if (!strcmp(key, "latency")) {
        static const char *const keys[] = {"mul", "div", "fadd", "fmul", "fma", "fdiv", "fsqrt",
                                           "fcvt", NULL};
        return each_entry(c, v, path, keys, latency_entry, p);
    }
    if (!strcmp(key, "predictor")) {
        static const char *const keys[] = {"type", "entries", "history", "btb", "ras", NULL};
        return each_entry(c, v, path, keys, predictor_entry, p);
    }
    if (!strcmp(key, "load_use"))
        return get_cycles(c, v, path, 0, 1000, &p->load_use);
    if (!strcmp(key, "mispredict"))
        return get_cycles(c, v, path, 0, 1000, &p->mispredict);
    if (get_u64(c, v, path, 1024, &x))
        return -1;
    p->store_buffer = (uint32_t)x;
    return 0;
}

static int cpu_entry(struct ctx *c, const char *key, yaml_node_t *v, const char *path, void *arg)
{
    struct topo_cpu *p = arg;
    if (!strcmp(key, "l1i")) return parse_cache(c, v, path, &p->l1i, false);
    if (!strcmp(key, "l1d")) return parse_cache(c, v, path, &p->l1d, false);
    if (!strcmp(key, "l2")) return parse_cache(c, v, path, &p->l2, false);
    if (!strcmp(key, "itlb")) return parse_tlb(c, v, path, &p->itlb);
    if (!strcmp(key, "dtlb")) return parse_tlb(c, v, path, &p->dtlb);
    if (!strcmp(key, "l2tlb")) return parse_tlb(c, v, path, &p->l2tlb);
    if (!strcmp(key, "pipeline")) {
        static const char *const keys[] = {"width", "latency", "load_use", "predictor",
                                           "mispredict", "store_buffer", NULL};
        return each_entry(c, v, path, keys, pipeline_entry, &p->pipe);
    }
    if (!strcmp(key, "prefetch")) {
        static const char *const names[] = {"none", "next-line", "stride", NULL};
        int e = 0;
        if (get_enum(c, v, path, names, &e))
            return -1;
        p->prefetch = (enum topo_prefetch)e;
        return 0;
    }
    uint64_t x = 0;
    if (get_u64(c, v, path, 4096, &x))
        return -1;
    p->pwc_entries = (uint32_t)x;
    return 0;
}

static int mc_entry(struct ctx *c, const char *key, yaml_node_t *v, const char *path, void *arg)
{
    struct topo_node *n = arg;
    if (!strcmp(key, "latency"))
        return get_lat(c, v, path, &n->mem_latency);
    return get_bw(c, v, path, &n->mem_bandwidth);
}

static int bus_entry(struct ctx *c, const char *key, yaml_node_t *v, const char *path, void *arg)
{
    struct topo_node *n = arg;
    uint64_t x = 0;
    if (!strcmp(key, "width")) {
        if (get_size(c, v, path, &x))
            return -1;
        if (x < 1 || x > 1024)
            return fail_at(c, v, path, "bus width must be 1B to 1KiB per bus cycle");
        n->bus_width = (uint32_t)x;
        return 0;
    }
    if (!strcmp(key, "clock"))
        return get_freq(c, v, path, &n->bus_clock_hz);
    if (!strcmp(key, "latency"))
        return get_lat(c, v, path, &n->bus_latency);
    int e = 0;
    if (get_enum(c, v, path, arb_names, &e))
        return -1;
    n->bus_arbitration = (enum topo_arb)e;
    return 0;
}

struct node_arg {
    struct topo_node *n;
    int has_base;
};

static int node_entry(struct ctx *c, const char *key, yaml_node_t *v, const char *path, void *arg)
{
    struct node_arg *na = arg;
    struct topo_node *n = na->n;
    uint64_t x = 0;
    if (!strcmp(key, "cpus")) {
        if (get_u64(c, v, path, TOPO_MAX_CPUS, &x))
            return -1;
        n->ncpus = (uint32_t)x;
        return 0;
    }
    if (!strcmp(key, "memory"))
        return get_size(c, v, path, &n->mem_size);
    if (!strcmp(key, "dram_base")) {
        na->has_base = 1;
        return get_u64(c, v, path, UINT64_MAX, &n->mem_base);
    }
    if (!strcmp(key, "movable"))
        return get_size(c, v, path, &n->movable);
    if (!strcmp(key, "memory_controller")) {
        static const char *const keys[] = {"latency", "bandwidth", NULL};
        return each_entry(c, v, path, keys, mc_entry, n);
    }
    if (!strcmp(key, "bus")) {
        static const char *const keys[] = {"width", "clock", "latency", "arbitration", NULL};
        return each_entry(c, v, path, keys, bus_entry, n);
    }
    return parse_cache(c, v, path, &n->llc, true);
}

struct link_arg {
    struct mmsim_topology *t;
    struct topo_link *l;
    int have_from, have_to;
    yaml_node_t *from_node, *to_node;
};

static int link_entry(struct ctx *c, const char *key, yaml_node_t *v, const char *path, void *arg)
{
    struct link_arg *la = arg;
    uint64_t x = 0;
    if (!strcmp(key, "from") || !strcmp(key, "to")) {
        if (get_u64(c, v, path, UINT32_MAX, &x))
            return -1;
        if (x >= la->t->nnodes)
            return fail_at(c, v, path, "node %llu does not exist (nodes 0-%u)",
                           (unsigned long long)x, la->t->nnodes - 1);
        if (key[0] == 'f') {
            la->l->a = (uint32_t)x;
            la->have_from = 1;
            la->from_node = v;
        } else {
            la->l->b = (uint32_t)x;
            la->have_to = 1;
            la->to_node = v;
        }
        return 0;
    }
    if (!strcmp(key, "latency"))
        return get_lat(c, v, path, &la->l->latency);
    return get_bw(c, v, path, &la->l->bandwidth);
}

static void default_cache(struct topo_cache *k, uint64_t size, uint32_t ways, uint32_t cycles)
{
    k->size = size;
    k->ways = ways;
    k->line = 64;
    k->latency.amount = cycles;
    k->latency.unit = TOPO_CYCLES;
    k->repl = TOPO_REPL_LRU;
    k->mshrs = 16;
}

/* Defaults modelled on a current server core (documented in TOPOLOGY.md). */
static void set_defaults(struct mmsim_topology *t)
{
    t->clock_hz = 2000000000ull;
    t->max_order = 11;
    t->pcp = true;
    t->paging_levels = 3;
    t->thp = 1;
    t->fault_cycles = TOPO_DEFAULT_FAULT_CYCLES;
    t->zero_cycles = TOPO_DEFAULT_ZERO_CYCLES;
    default_cache(&t->cpu.l1i, 32 << 10, 8, 4);
    default_cache(&t->cpu.l1d, 48 << 10, 12, 5);
    default_cache(&t->cpu.l2, 1 << 20, 16, 14);
    t->cpu.itlb = (struct topo_tlb){64, 4, TOPO_REPL_LRU};
    t->cpu.dtlb = (struct topo_tlb){64, 4, TOPO_REPL_LRU};
    t->cpu.l2tlb = (struct topo_tlb){1536, 12, TOPO_REPL_LRU};
    t->cpu.pwc_entries = 32;
    topo_pipeline_defaults(&t->cpu.pipe);
    t->cpu.prefetch = TOPO_PF_NONE;
}

/* A current small in-order core: SiFive's U74 (RV64GC, the ISA simulated
 * here) and Arm's Cortex-A55 are both dual-issue in-order designs.  Sources
 * are the vendors' scheduling models in LLVM (RISCVSchedSiFive7.td, written
 * by SiFive for the U7 family; AArch64SchedA55.td, from Arm's Cortex-A55
 * Software Optimization Guide) and the SiFive E31/U54 core manuals.
 *   width 2             U74 and A55 IssueWidth = 2
 *   mul 3               U74 3, A55 4
 *   div 20, unpipelined iterative with early-out on both: A55 8 (32/64-bit
 *                       model figure), U74 up to 34 (32-bit) / 66 (64-bit);
 *                       20 stands for a typical 64-bit quotient
 *   fadd/fmul/fma 5     U74 5 single / 7 double, A55 4
 *   fdiv/fsqrt 22,      A55 22 double (13/12 single), U74 27 single /
 *     unpipelined       56 double
 *   fcvt 3              U74 3 (also moves, compares, sign injection), A55 3-4
 *   load_use 0          the L1D latency of the topology is the load-to-use
 *                       latency of a hit (the pipeline issues a dependant
 *                       that many cycles after the load); load_use adds
 *                       cycles on top (a core whose forwarding is slower)
 *   mispredict 5        U74 3 (also E31/U54 manuals: 3), A55 8
 *   gshare, 4096 x 2-bit counters (1 KiB), 12 history bits, BTB 512,
 *   RAS 8, store buffer 8: sized for a small core; the E31 has 128
 *                       counters, 40 BTB entries, 2 RAS entries, the
 *                       Cortex-A8 already 512 BTB entries. */
void topo_pipeline_defaults(struct topo_pipeline *p)
{
    *p = (struct topo_pipeline){
        .width = 2,
        .lat_mul = 3,
        .lat_div = 20,
        .lat_fadd = 5,
        .lat_fmul = 5,
        .lat_fma = 5,
        .lat_fdiv = 22,
        .lat_fsqrt = 22,
        .lat_fcvt = 3,
        .load_use = 0,
        .predictor = TOPO_BP_GSHARE,
        .bp_entries = 4096,
        .bp_history = 12,
        .btb_entries = 512,
        .ras_entries = 8,
        .mispredict = 5,
        .store_buffer = 8,
    };
}

static void node_defaults(struct topo_node *n)
{
    n->mem_latency = (struct topo_lat){60000, TOPO_PS};
    n->mem_bandwidth = 25600000000ull;
    n->bus_width = 32;
    n->bus_latency = (struct topo_lat){5000, TOPO_PS};
    n->bus_arbitration = TOPO_ARB_ROUND_ROBIN;
    default_cache(&n->llc, 16 << 20, 16, 40);
    n->llc.inclusive = false;
}

static int kernel_entry(struct ctx *c, const char *key, yaml_node_t *v, const char *path, void *arg)
{
    struct mmsim_topology *t = arg;
    uint64_t x = 0;
    if (!strcmp(key, "max_order")) {
        if (get_u64(c, v, path, 20, &x))
            return -1;
        if (x < 1)
            return fail_at(c, v, path, "max_order must be 1 to 20 (number of buddy orders)");
        t->max_order = (uint32_t)x;
        return 0;
    }
    if (!strcmp(key, "pcp")) {
        static const char *const names[] = {"false", "true", NULL};
        int b = 0;
        if (get_enum(c, v, path, names, &b))
            return -1;
        t->pcp = b == 1;
        return 0;
    }
    if (!strcmp(key, "paging")) {
        static const char *const names[] = {"sv39", "sv48", NULL};
        int b = 0;
        if (get_enum(c, v, path, names, &b))
            return -1;
        t->paging_levels = 3 + (uint32_t)b;
        return 0;
    }
    if (!strcmp(key, "thp")) {
        static const char *const names[] = {"never", "madvise", "always", NULL};
        int b = 0;
        if (get_enum(c, v, path, names, &b))
            return -1;
        t->thp = (uint32_t)b;
        return 0;
    }
    if (!strcmp(key, "page_tables")) {
        static const char *const names[] = {"local", "data", NULL};
        int b = 0;
        if (get_enum(c, v, path, names, &b))
            return -1;
        t->pt_placement = (uint32_t)b;
        return 0;
    }
    if (!strcmp(key, "fault_cycles") || !strcmp(key, "zero_cycles")) {
        if (get_u64(c, v, path, 1ull << 32, &x))
            return -1;
        *(key[0] == 'f' ? &t->fault_cycles : &t->zero_cycles) = x;
        return 0;
    }
    if (get_u64(c, v, path, 1ull << 40, &x))
        return -1;
    t->min_free_kbytes = x;
    return 0;
}

struct top_arg {
    struct mmsim_topology *t;
    yaml_node_t *nodes, *links, *distances, *name;
    yaml_node_t *traffic;
};

static int top_entry(struct ctx *c, const char *key, yaml_node_t *v, const char *path, void *arg)
{
    struct top_arg *ta = arg;
    struct mmsim_topology *t = ta->t;
    if (!strcmp(key, "name")) {
        ta->name = v;
        return get_str(c, v, path, &t->name);
    }
    if (!strcmp(key, "description"))
        return get_str(c, v, path, &t->description);
    if (!strcmp(key, "clock"))
        return get_freq(c, v, path, &t->clock_hz);
    if (!strcmp(key, "cpu")) {
        static const char *const keys[] = {"l1i", "l1d", "l2", "itlb", "dtlb", "l2tlb", "pwc_entries",
                                           "pipeline", "prefetch", NULL};
        return each_entry(c, v, path, keys, cpu_entry, &t->cpu);
    }
    if (!strcmp(key, "kernel")) {
        static const char *const keys[] = {"max_order", "min_free_kbytes", "pcp", "paging", "thp",
                                           "page_tables", "fault_cycles", "zero_cycles", NULL};
        return each_entry(c, v, path, keys, kernel_entry, t);
    }
    /* nodes, links, distances: parsed after the rest (they cross-refer). */
    if (!strcmp(key, "nodes"))
        ta->nodes = v;
    else if (!strcmp(key, "links"))
        ta->links = v;
    else if (!strcmp(key, "traffic"))
        ta->traffic = v;
    else
        ta->distances = v;
    return 0;
}

static int parse_nodes(struct ctx *c, yaml_node_t *seq, struct mmsim_topology *t)
{
    if (seq->type != YAML_SEQUENCE_NODE)
        return fail_at(c, seq, "nodes", "expected a list of nodes");
    size_t n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
    if (n == 0)
        return fail_at(c, seq, "nodes", "at least one node is required");
    if (n > TOPO_MAX_NODES)
        return fail_at(c, seq, "nodes", "%zu nodes (at most %d are supported)", n, TOPO_MAX_NODES);
    t->nodes = calloc(n, sizeof(*t->nodes));
    if (!t->nodes)
        return fail_at(c, seq, "nodes", "out of memory");
    t->nnodes = (uint32_t)n;
    static const char *const keys[] = {"cpus", "memory", "dram_base", "movable",
                                       "memory_controller", "bus", "llc", NULL};
    uint64_t next_base = DEFAULT_DRAM_BASE;
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *item = yaml_document_get_node(c->doc, seq->data.sequence.items.start[i]);
        struct topo_node *nd = &t->nodes[i];
        char path[32];
        mmsim_fmt(path, sizeof(path), "nodes[%zu]", i);
        node_defaults(nd);
        nd->line = (int)item->start_mark.line + 1;
        struct node_arg na = {nd, 0};
        if (each_entry(c, item, path, keys, node_entry, &na))
            return -1;
        if (!nd->ncpus && !nd->mem_size)
            return fail_at(c, item, path, "a node needs CPUs, memory or both");
        if (nd->mem_size % PAGE_SIZE)
            return fail_at(c, item, path, "memory (%llu bytes) is not a multiple of the 4KiB page",
                           (unsigned long long)nd->mem_size);
        if (!na.has_base)
            nd->mem_base = next_base;
        if (nd->mem_base % PAGE_SIZE)
            return fail_at(c, item, path, "dram_base 0x%llx is not 4KiB-aligned",
                           (unsigned long long)nd->mem_base);
        if (nd->mem_size && nd->mem_base + nd->mem_size < nd->mem_base)
            return fail_at(c, item, path, "memory range wraps around the address space");
        if (nd->movable > nd->mem_size)
            return fail_at(c, item, path, "movable (%llu bytes) exceeds the node's memory (%llu bytes)",
                           (unsigned long long)nd->movable, (unsigned long long)nd->mem_size);
        if (nd->movable % PAGE_SIZE)
            return fail_at(c, item, path, "movable is not a multiple of the 4KiB page");
        nd->first_cpu = t->ncpus;
        t->ncpus += nd->ncpus;
        if (t->ncpus > TOPO_MAX_CPUS)
            return fail_at(c, item, path, "more than %d CPUs in total", TOPO_MAX_CPUS);
        if (nd->mem_size)
            next_base = nd->mem_base + nd->mem_size;
    }
    if (!t->ncpus)
        return fail_at(c, seq, "nodes", "the machine has no CPUs");
    uint64_t total = 0;
    for (uint32_t i = 0; i < t->nnodes; i++)
        total += t->nodes[i].mem_size;
    if (!total)
        return fail_at(c, seq, "nodes", "the machine has no memory");
    /* Overlapping DRAM ranges (only possible with explicit dram_base). */
    for (uint32_t i = 0; i < t->nnodes; i++)
        for (uint32_t j = 0; j < i; j++) {
            const struct topo_node *a = &t->nodes[i], *b = &t->nodes[j];
            if (a->mem_size && b->mem_size && a->mem_base < b->mem_base + b->mem_size &&
                b->mem_base < a->mem_base + a->mem_size) {
                yaml_node_t *item = yaml_document_get_node(c->doc, seq->data.sequence.items.start[i]);
                char path[32];
                mmsim_fmt(path, sizeof(path), "nodes[%u]", i);
                return fail_at(c, item, path,
                               "memory 0x%llx-0x%llx overlaps node %u's 0x%llx-0x%llx",
                               (unsigned long long)a->mem_base,
                               (unsigned long long)(a->mem_base + a->mem_size - 1), j,
                               (unsigned long long)b->mem_base,
                               (unsigned long long)(b->mem_base + b->mem_size - 1));
            }
        }
    return 0;
}

static int parse_links(struct ctx *c, yaml_node_t *seq, struct mmsim_topology *t)
{
    if (seq->type != YAML_SEQUENCE_NODE)
        return fail_at(c, seq, "links", "expected a list of links");
    size_t n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
    t->links = calloc(n ? n : 1, sizeof(*t->links));
    if (!t->links)
        return fail_at(c, seq, "links", "out of memory");
    static const char *const keys[] = {"from", "to", "latency", "bandwidth", NULL};
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *item = yaml_document_get_node(c->doc, seq->data.sequence.items.start[i]);
        char path[32];
        mmsim_fmt(path, sizeof(path), "links[%zu]", i);
        struct topo_link *l = &t->links[i];
        l->latency = (struct topo_lat){40000, TOPO_PS};
        l->bandwidth = 20800000000ull;
        l->line = (int)item->start_mark.line + 1;
        struct link_arg la = {t, l, 0, 0, NULL, NULL};
        if (each_entry(c, item, path, keys, link_entry, &la))
            return -1;
        if (!la.have_from || !la.have_to)
            return fail_at(c, item, path, "a link needs both 'from' and 'to'");
        if (l->a == l->b) {
            char sub[48];
            mmsim_fmt(sub, sizeof(sub), "%s.to", path);
            return fail_at(c, la.to_node, sub, "a link cannot join node %u to itself", l->a);
        }
        if (!l->latency.amount)
            return fail_at(c, item, path, "link latency must be greater than zero");
        for (size_t j = 0; j < i; j++) {
            const struct topo_link *o = &t->links[j];
            if ((o->a == l->a && o->b == l->b) || (o->a == l->b && o->b == l->a))
                return fail_at(c, item, path, "nodes %u and %u are already joined by links[%zu]",
                               l->a, l->b, j);
        }
        t->nlinks++;
    }
    return 0;
}

static int parse_distances(struct ctx *c, yaml_node_t *seq, struct mmsim_topology *t)
{
    size_t n = t->nnodes;
    if (seq->type != YAML_SEQUENCE_NODE ||
        (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start) != n)
        return fail_at(c, seq, "distances", "expected %zu rows of %zu distances (one per node)", n, n);
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *row = yaml_document_get_node(c->doc, seq->data.sequence.items.start[i]);
        char path[48];
        mmsim_fmt(path, sizeof(path), "distances[%zu]", i);
        if (row->type != YAML_SEQUENCE_NODE ||
            (size_t)(row->data.sequence.items.top - row->data.sequence.items.start) != n)
            return fail_at(c, row, path, "expected a row of %zu distances", n);
        for (size_t j = 0; j < n; j++) {
            yaml_node_t *cell = yaml_document_get_node(c->doc, row->data.sequence.items.start[j]);
            uint64_t d = 0;
            mmsim_fmt(path, sizeof(path), "distances[%zu][%zu]", i, j);
            if (get_u64(c, cell, path, 254, &d))
                return -1;
            if (i == j && d != 10)
                return fail_at(c, cell, path, "a node's distance to itself must be 10 (ACPI SLIT), got %llu",
                               (unsigned long long)d);
            if (i != j && d <= 10)
                return fail_at(c, cell, path, "distance between different nodes must be 11 to 254, got %llu",
                               (unsigned long long)d);
            t->distance[i * n + j] = (uint8_t)d;
        }
    }
    t->distance_explicit = true;
    return 0;
}

/* ---- traffic: generators created with the machine (docs/TRAFFIC.md) ---- */

static const char *const traffic_patterns[] = {"sequential", "strided", "random", "chase",
                                               "trace", NULL};
/* In MMSIM_MPOL_* order. */
static const char *const mpol_names[] = {"default", "preferred", "bind", "interleave", "local",
                                         "preferred-many", "weighted-interleave", NULL};

struct traffic_arg {
    const struct mmsim_topology *t;
    struct topo_traffic *x;
    bool has_cpu;
};

/* "70%" or 0.7. */
static int get_fraction(struct ctx *c, const yaml_node_t *n, const char *path, double *out)
{
    const char *s = scalar(n);
    char *end;
    errno = 0;
    double v = s ? strtod(s, &end) : NAN;
    if (s && end != s && strcmp(end, "%") == 0)
        v /= 100;
    else if (!s || end == s || *end)
        v = NAN;
    if (errno || !(v >= 0 && v <= 1))
        return fail_at(c, n, path, "expected a fraction from 0 to 1 or a percentage (70%%), got '%s'",
                       s ? s : "a non-scalar");
    *out = v;
    return 0;
}

static int policy_entry(struct ctx *c, const char *key, yaml_node_t *v, const char *path, void *arg)
{
    struct traffic_arg *a = arg;
    mmsim_mempolicy *pol = &a->x->policy;
    if (!strcmp(key, "mode"))
        return get_enum(c, v, path, mpol_names, &pol->mode);
    /* nodes: a node or a list of nodes. */
    yaml_node_item_t one = 0, *items = &one, *top = &one + 1;
    if (v->type == YAML_SEQUENCE_NODE) {
        items = v->data.sequence.items.start;
        top = v->data.sequence.items.top;
    }
    for (yaml_node_item_t *i = items; i < top; i++) {
        const yaml_node_t *n = i == &one ? v : yaml_document_get_node(c->doc, *i);
        uint64_t node = 0;
        if (get_u64(c, n, path, a->t->nnodes - 1, &node))
            return -1;
        if (!a->t->nodes[node].mem_size)
            return fail_at(c, n, path, "node %llu has no memory", (unsigned long long)node);
        pol->nodes |= 1ULL << node;
    }
    return 0;
}

static int traffic_entry(struct ctx *c, const char *key, yaml_node_t *v, const char *path,
                         void *arg)
{
    struct traffic_arg *a = arg;
    struct topo_traffic *x = a->x;
    uint64_t u = 0;
    if (!strcmp(key, "pattern"))
        return get_enum(c, v, path, traffic_patterns, &x->pattern);
    if (!strcmp(key, "footprint"))
        return get_size(c, v, path, &x->footprint);
    if (!strcmp(key, "stride"))
        return get_size(c, v, path, &x->stride);
    if (!strcmp(key, "size")) {
        if (get_size(c, v, path, &u))
            return -1;
        if (u > 4096)
            return fail_at(c, v, path, "an access of %llu bytes (at most a cache line)",
                           (unsigned long long)u);
        x->size = (uint32_t)u;
        return 0;
    }
    if (!strcmp(key, "reads"))
        return get_fraction(c, v, path, &x->reads);
    if (!strcmp(key, "rate"))
        return get_bw(c, v, path, &x->rate);
    if (!strcmp(key, "interval") || !strcmp(key, "duration")) {
        struct topo_lat l = {0, TOPO_PS};
        if (get_lat(c, v, path, &l))
            return -1;
        uint64_t ps = topo_lat_ps(a->t, l);
        if (!ps)
            return fail_at(c, v, path, "must be greater than zero");
        if (key[0] == 'i')
            x->interval_ps = ps;
        else
            x->duration_ns = (ps + 999) / 1000;
        return 0;
    }
    if (!strcmp(key, "outstanding")) {
        if (get_u64(c, v, path, 1024, &u))
            return -1;
        x->outstanding = (uint32_t)u;
        return 0;
    }
    if (!strcmp(key, "ops"))
        return get_u64(c, v, path, UINT64_MAX, &x->ops);
    if (!strcmp(key, "cpu")) {
        if (get_u64(c, v, path, a->t->ncpus - 1, &u))
            return -1;
        x->cpu = (int)u;
        a->has_cpu = true;
        return 0;
    }
    if (!strcmp(key, "populate")) {
        int b = 0;
        if (get_enum(c, v, path, bool_names, &b))
            return -1;
        x->populate = b;
        return 0;
    }
    if (!strcmp(key, "trace")) {
        const char *s = scalar(v);
        if (!s || !*s)
            return fail_at(c, v, path, "expected a file name");
        /* Relative to the topology file's directory. */
        const char *slash = strrchr(c->base, '/');
        size_t dir = s[0] != '/' && c->base[0] != '<' && slash ? (size_t)(slash - c->base) + 1 : 0;
        free(x->trace);
        x->trace = malloc(dir + strlen(s) + 1);
        if (!x->trace)
            return fail_at(c, v, path, "out of memory");
        memcpy(x->trace, c->base, dir);
        memcpy(x->trace + dir, s, strlen(s) + 1);
        return 0;
    }
    static const char *const keys[] = {"mode", "nodes", NULL};
    x->has_policy = true;
    return each_entry(c, v, path, keys, policy_entry, a);
}

static int parse_traffic(struct ctx *c, yaml_node_t *seq, struct mmsim_topology *t)
{
    if (seq->type != YAML_SEQUENCE_NODE)
        return fail_at(c, seq, "traffic", "expected a list of traffic generators");
    size_t n = (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
    if (n > TOPO_MAX_CPUS)
        return fail_at(c, seq, "traffic", "%zu generators (at most one per CPU)", n);
    t->traffic = calloc(n ? n : 1, sizeof(*t->traffic));
    if (!t->traffic)
        return fail_at(c, seq, "traffic", "out of memory");
    static const char *const keys[] = {"pattern", "footprint", "stride", "size", "reads",
                                       "rate", "interval", "outstanding", "ops", "duration",
                                       "cpu", "policy", "trace", "populate", NULL};
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *item = yaml_document_get_node(c->doc, seq->data.sequence.items.start[i]);
        char path[32];
        mmsim_fmt(path, sizeof(path), "traffic[%zu]", i);
        struct topo_traffic *x = &t->traffic[t->ntraffic++];
        mmsim_traffic cfg;
        mmsim_traffic_init(&cfg);
        x->pattern = (int)cfg.pattern;
        x->footprint = cfg.footprint;
        x->stride = cfg.stride;
        x->size = cfg.size;
        x->reads = cfg.reads;
        x->line = (int)item->start_mark.line + 1;
        struct traffic_arg ta = {t, x, false};
        if (each_entry(c, item, path, keys, traffic_entry, &ta))
            return -1;
        if (!ta.has_cpu)
            return fail_at(c, item, path, "missing cpu (a generator of the topology takes its "
                                          "CPU when the machine is created)");
        /* As set_mempolicy(2) checks the mode against the nodes (here, not
         * at machine creation, which has no way to say why it failed). */
        if (x->has_policy) {
            int mode = x->policy.mode;
            bool none = mode == MMSIM_MPOL_DEFAULT || mode == MMSIM_MPOL_LOCAL;
            if (none && x->policy.nodes)
                return fail_at(c, item, path, "policy mode %s takes no nodes",
                               mpol_names[mode]);
            if (!none && !x->policy.nodes)
                return fail_at(c, item, path, "policy mode %s needs nodes (policy: {mode: %s, "
                               "nodes: [0]})", mpol_names[mode], mpol_names[mode]);
        }
        for (size_t j = 0; j < i; j++)
            if (t->traffic[j].cpu == x->cpu)
                return fail_at(c, item, path, "cpu %d already runs traffic[%zu]", x->cpu, j);
        /* What mmsim_traffic_create would refuse, the trace file included,
         * is an error of the file, at the generator's line. */
        char msg[512];
        traffic_from_topology(x, &cfg);
        if (traffic_check(t, &cfg, msg, sizeof(msg)))
            return fail_at(c, item, path, "%s", msg);
    }
    return 0;
}

static int load_doc(struct ctx *c, yaml_document_t *doc, struct mmsim_topology *t)
{
    yaml_node_t *root = yaml_document_get_root_node(doc);
    if (!root)
        return fail_at(c, NULL, "", "empty topology (expected name, clock, nodes, ...)");
    set_defaults(t);
    struct top_arg ta = {t, NULL, NULL, NULL, NULL, NULL};
    static const char *const keys[] = {"name", "description", "clock", "cpu", "kernel",
                                       "nodes", "links", "distances", "traffic", NULL};
    if (each_entry(c, root, "", keys, top_entry, &ta))
        return -1;
    if (!t->name)
        return fail_at(c, root, "name", "missing (every topology needs a name)");
    if (!ta.nodes)
        return fail_at(c, root, "nodes", "missing (a topology needs at least one node)");
    if (parse_nodes(c, ta.nodes, t))
        return -1;
    if (ta.links && parse_links(c, ta.links, t))
        return -1;
    if (!t->links && !(t->links = calloc(1, sizeof(*t->links))))
        return fail_at(c, NULL, "", "out of memory");
    size_t nn = (size_t)t->nnodes * t->nnodes;
    t->distance = calloc(nn, 1);
    t->hops = calloc(nn, sizeof(*t->hops));
    t->next_hop = calloc(nn, sizeof(*t->next_hop));
    t->route_ps = calloc(nn, sizeof(*t->route_ps));
    if (!t->distance || !t->hops || !t->next_hop || !t->route_ps)
        return fail_at(c, NULL, "", "out of memory");
    if (ta.distances && parse_distances(c, ta.distances, t))
        return -1;
    char msg[256];
    if (route_compute(t, msg, sizeof(msg)))
        return fail_at(c, ta.links ? ta.links : ta.nodes, ta.links ? "links" : "nodes", "%s", msg);
    if (ta.traffic && parse_traffic(c, ta.traffic, t))
        return -1;
    if (!t->description)
        t->description = mmsim_strdup("");
    if (!t->description)
        return fail_at(c, NULL, "", "out of memory");
    return 0;
}

int topo_parse(const char *text, size_t len, const char *src, struct mmsim_topology **out,
               char *err, size_t errlen)
{
    return topo_parse_at(text, len, src, src, out, err, errlen);
}

int topo_parse_at(const char *text, size_t len, const char *src, const char *base,
                  struct mmsim_topology **out, char *err, size_t errlen)
{
    *out = NULL;
    if (err && errlen)
        err[0] = '\0';
    struct mmsim_topology *t = calloc(1, sizeof(*t));
    if (!t) {
        mmsim_fmt(err, errlen, "%s: out of memory", src);
        return MMSIM_ERR_NOMEM;
    }
    t->source = mmsim_strdup(src);
    yaml_parser_t parser;
    yaml_document_t doc;
    struct ctx c = {&doc, src, err, errlen, 0, base ? base : src};
    if (!yaml_parser_initialize(&parser)) {
        topo_free(t);
        mmsim_fmt(err, errlen, "%s: out of memory", src);
        return MMSIM_ERR_NOMEM;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        const yaml_mark_t *mk = parser.problem ? &parser.problem_mark : &parser.context_mark;
        mmsim_fmt(err, errlen, "%s:%lu:%lu: YAML syntax error: %s%s%s", src,
                  (unsigned long)mk->line + 1, (unsigned long)mk->column + 1,
                  parser.problem ? parser.problem : "malformed document",
                  parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        topo_free(t);
        return MMSIM_ERR_PARSE;
    }
    int rc = load_doc(&c, &doc, t) ? MMSIM_ERR_TOPOLOGY : MMSIM_OK;
    if (rc == MMSIM_OK && (t->text = malloc(len + 1))) {
        memcpy(t->text, text, len);
        t->text[len] = '\0';
        t->text_len = len;
    }
    if (rc == MMSIM_OK && (!t->source || !t->text))
        rc = MMSIM_ERR_NOMEM;
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (rc != MMSIM_OK) {
        topo_free(t);
        return rc;
    }
    *out = t;
    return MMSIM_OK;
}

/* ---- Copies and conversions --------------------------------------------- */

void topo_free(struct mmsim_topology *t)
{
    if (!t)
        return;
    free(t->name);
    free(t->description);
    free(t->source);
    free(t->text);
    free(t->nodes);
    free(t->links);
    for (uint32_t i = 0; t->traffic && i < t->ntraffic; i++)
        free(t->traffic[i].trace);
    free(t->traffic);
    free(t->distance);
    free(t->hops);
    free(t->next_hop);
    free(t->route_ps);
    free(t);
}

static void *dup_mem(const void *p, size_t n)
{
    void *d = malloc(n ? n : 1);
    if (d && n)
        memcpy(d, p, n);
    return d;
}

struct mmsim_topology *topo_clone(const struct mmsim_topology *t)
{
    struct mmsim_topology *c = malloc(sizeof(*c));
    if (!c)
        return NULL;
    *c = *t;
    size_t nn = (size_t)t->nnodes * t->nnodes;
    c->name = mmsim_strdup(t->name);
    c->description = mmsim_strdup(t->description);
    c->source = mmsim_strdup(t->source);
    c->text = t->text ? dup_mem(t->text, t->text_len + 1) : NULL;
    c->nodes = dup_mem(t->nodes, t->nnodes * sizeof(*t->nodes));
    c->links = dup_mem(t->links, t->nlinks * sizeof(*t->links));
    c->distance = dup_mem(t->distance, nn);
    c->hops = dup_mem(t->hops, nn * sizeof(*t->hops));
    c->next_hop = dup_mem(t->next_hop, nn * sizeof(*t->next_hop));
    c->route_ps = dup_mem(t->route_ps, nn * sizeof(*t->route_ps));
    c->traffic = NULL;
    c->ntraffic = 0;
    if (t->ntraffic) {
        struct topo_traffic *x = calloc(t->ntraffic, sizeof(*x));
        if (!x) {
            topo_free(c);
            return NULL;
        }
        c->traffic = x;
        c->ntraffic = t->ntraffic;
        for (uint32_t i = 0; i < t->ntraffic; i++) {
            x[i] = t->traffic[i];
            x[i].trace = NULL;
        }
        for (uint32_t i = 0; i < t->ntraffic; i++)
            if (t->traffic[i].trace && !(x[i].trace = mmsim_strdup(t->traffic[i].trace))) {
                topo_free(c);
                return NULL;
            }
    }
    if (!c->name || !c->description || !c->source || (t->text && !c->text) || !c->nodes || !c->links || !c->distance ||
        !c->hops || !c->next_hop || !c->route_ps) {
        topo_free(c);
        return NULL;
    }
    return c;
}

uint64_t topo_lat_ps(const struct mmsim_topology *t, struct topo_lat l)
{
    if (l.unit == TOPO_PS)
        return l.amount;
    return (uint64_t)(((unsigned __int128)l.amount * 1000000000000ull + t->clock_hz / 2) / t->clock_hz);
}

uint64_t topo_lat_cycles(const struct mmsim_topology *t, struct topo_lat l)
{
    if (l.unit == TOPO_CYCLES)
        return l.amount;
    return (uint64_t)(((unsigned __int128)l.amount * t->clock_hz + 500000000000ull) / 1000000000000ull);
}
