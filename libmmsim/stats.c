/* The statistics registry: names -> pointers to counters owned elsewhere.
 *
 * Registration and lookup are off the hot path; a small open-addressing hash
 * keeps lookup and duplicate detection O(1) even with thousands of CPUs. */
#include <jansson.h>
#include <stdarg.h>
#include <string.h>

#include "internal.h"
#include "stats.h"

enum stat_kind { STAT_COUNTER, STAT_GAUGE, STAT_HIST };

struct stat_entry {
    char *name;
    const char *desc;       /* static strings only */
    enum stat_kind kind;
    union {
        uint64_t *counter;
        struct stats_hist *hist;
    } p;
};

struct stats_registry {
    struct stat_entry *e;
    int n, cap;
    int *slot;              /* hash slots: index into e, or -1 */
    unsigned nslots;        /* power of two, > 2 * n */
    struct {
        stats_sync_fn *fn;
        void *ctx;
    } sync[STATS_MAX_SYNC];
    int nsync;
    /* The snapshot taken at the end of a region of interest: reads use it
     * while it exists (entries registered later read live).  Histograms
     * are copied apart (snap_h, one per histogram entry): a histogram is
     * some 9 KiB and most entries are counters. */
    struct stat_snap {
        uint64_t v;
        struct stats_hist *h;   /* into snap_h, for a histogram entry */
    } *snap;
    struct stats_hist *snap_h;
    int snap_n;
};

static void sync_all(const struct stats_registry *r);

static uint64_t val(const struct stats_registry *r, int i)
{
    return i < r->snap_n ? r->snap[i].v : *r->e[i].p.counter;
}

static const struct stats_hist *hist(const struct stats_registry *r, int i)
{
    return i < r->snap_n ? r->snap[i].h : r->e[i].p.hist;
}

int stats_snapshot(struct stats_registry *r)
{
    if (!r)
        return MMSIM_ERR_INVALID;
    sync_all(r);
    size_t nh = 0;
    for (int i = 0; i < r->n; i++)
        nh += r->e[i].kind == STAT_HIST;
    struct stat_snap *s = realloc(r->snap, (size_t)(r->n ? r->n : 1) * sizeof(*s));
    if (!s)
        return MMSIM_ERR_NOMEM;
    r->snap = s;
    struct stats_hist *h = realloc(r->snap_h, (nh ? nh : 1) * sizeof(*h));
    if (!h)
        return MMSIM_ERR_NOMEM;     /* the previous snapshot, if any, still stands */
    r->snap_h = h;
    for (int i = 0; i < r->n; i++) {
        if (r->e[i].kind == STAT_HIST) {
            *h = *r->e[i].p.hist;
            s[i].h = h++;
        } else {
            s[i].v = *r->e[i].p.counter;
            s[i].h = NULL;
        }
    }
    r->snap_n = r->n;
    return MMSIM_OK;
}

void stats_drop_snapshot(struct stats_registry *r)
{
    if (r)
        r->snap_n = 0;
}

bool stats_has_snapshot(const struct stats_registry *r)
{
    return r && r->snap_n > 0;
}

int stats_add_sync(struct stats_registry *r, stats_sync_fn *fn, void *ctx)
{
    if (!r || !fn || r->nsync == STATS_MAX_SYNC)
        return MMSIM_ERR_INVALID;
    r->sync[r->nsync].fn = fn;
    r->sync[r->nsync].ctx = ctx;
    r->nsync++;
    return MMSIM_OK;
}

/* Derived values are brought up to date before anyone reads them. */
static void sync_all(const struct stats_registry *r)
{
    for (int i = 0; i < r->nsync; i++)
        r->sync[i].fn(r->sync[i].ctx);
}

static uint64_t hash_name(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;    /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

struct stats_registry *stats_create(void)
{
    struct stats_registry *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->nslots = 64;
    r->slot = malloc(r->nslots * sizeof(int));
    if (!r->slot) {
        free(r);
        return NULL;
    }
    memset(r->slot, 0xff, r->nslots * sizeof(int));
    return r;
}

void stats_destroy(struct stats_registry *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->n; i++)
        free(r->e[i].name);
    free(r->e);
    free(r->slot);
    free(r->snap);
    free(r->snap_h);
    free(r);
}

/* Slot holding name (len bytes), or the empty slot where it would go. */
static unsigned find_slot(const struct stats_registry *r, const char *name, size_t len)
{
    unsigned mask = r->nslots - 1;
    unsigned i = (unsigned)hash_name(name, len) & mask;
    while (r->slot[i] >= 0) {
        const char *n = r->e[r->slot[i]].name;
        if (strncmp(n, name, len) == 0 && n[len] == '\0')
            return i;
        i = (i + 1) & mask;
    }
    return i;
}

static int grow_slots(struct stats_registry *r)
{
    unsigned ns = r->nslots * 2;
    int *slot = malloc(ns * sizeof(int));
    if (!slot)
        return MMSIM_ERR_NOMEM;
    memset(slot, 0xff, ns * sizeof(int));
    free(r->slot);
    r->slot = slot;
    r->nslots = ns;
    for (int i = 0; i < r->n; i++)
        r->slot[find_slot(r, r->e[i].name, strlen(r->e[i].name))] = i;
    return MMSIM_OK;
}

/* Names are dot-separated components of [A-Za-z0-9_-]. */
static int valid_name(const char *name)
{
    if (!name || !*name || *name == '.')
        return 0;
    char prev = 0;
    for (const char *p = name; *p; prev = *p++) {
        char c = *p;
        if (c == '.' && prev == '.')
            return 0;
        if (!(c == '.' || c == '_' || c == '-' || (c >= '0' && c <= '9') ||
              (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return 0;
    }
    return prev != '.';
}

static int add(struct stats_registry *r, const char *name, enum stat_kind kind, void *p,
               const char *desc)
{
    if (!r || !p || !valid_name(name))
        return MMSIM_ERR_INVALID;
    if ((unsigned)(r->n + 1) * 2 > r->nslots && grow_slots(r) != MMSIM_OK)
        return MMSIM_ERR_NOMEM;
    unsigned s = find_slot(r, name, strlen(name));
    if (r->slot[s] >= 0)
        return MMSIM_ERR_INVALID;   /* duplicate */
    if (r->n == r->cap) {
        int cap = r->cap ? r->cap * 2 : 64;
        struct stat_entry *e = realloc(r->e, (size_t)cap * sizeof(*e));
        if (!e)
            return MMSIM_ERR_NOMEM;
        r->e = e;
        r->cap = cap;
    }
    struct stat_entry *e = &r->e[r->n];
    e->name = mmsim_strdup(name);
    if (!e->name)
        return MMSIM_ERR_NOMEM;
    e->desc = desc ? desc : "";
    e->kind = kind;
    if (kind != STAT_HIST)
        e->p.counter = p;
    else
        e->p.hist = p;
    r->slot[s] = r->n++;
    return MMSIM_OK;
}

int stats_add_counter(struct stats_registry *r, const char *name, uint64_t *value,
                      const char *desc)
{
    return add(r, name, STAT_COUNTER, value, desc);
}

int stats_add_hist(struct stats_registry *r, const char *name, struct stats_hist *h,
                   const char *desc)
{
    return add(r, name, STAT_HIST, h, desc);
}

int stats_add_gauge(struct stats_registry *r, const char *name, uint64_t *value,
                    const char *desc)
{
    return add(r, name, STAT_GAUGE, value, desc);
}

/* The printf-named registrations share one formatter. */
static int addv(struct stats_registry *r, enum stat_kind kind, void *p, const char *desc,
                const char *fmt, va_list ap)
{
    char name[256];
    int n = vsnprintf(name, sizeof(name), fmt, ap);
    if (n < 0 || (size_t)n >= sizeof(name))
        return MMSIM_ERR_INVALID;
    return add(r, name, kind, p, desc);
}

int stats_add_counterf(struct stats_registry *r, uint64_t *value, const char *desc,
                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = addv(r, STAT_COUNTER, value, desc, fmt, ap);
    va_end(ap);
    return rc;
}

int stats_add_gaugef(struct stats_registry *r, uint64_t *value, const char *desc,
                     const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = addv(r, STAT_GAUGE, value, desc, fmt, ap);
    va_end(ap);
    return rc;
}

int stats_add_histf(struct stats_registry *r, struct stats_hist *h, const char *desc,
                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = addv(r, STAT_HIST, h, desc, fmt, ap);
    va_end(ap);
    return rc;
}

int stats_count(const struct stats_registry *r)
{
    return r ? r->n : 0;
}

const char *stats_name(const struct stats_registry *r, int i)
{
    return (r && i >= 0 && i < r->n) ? r->e[i].name : NULL;
}

uint64_t stats_hist_bucket_lower(unsigned i)
{
    if (i < 2 * STATS_HIST_SUB)
        return i;
    unsigned shift = i / STATS_HIST_SUB - 1;
    return (uint64_t)(STATS_HIST_SUB + i % STATS_HIST_SUB) << shift;
}

uint64_t stats_hist_bucket_upper(unsigned i)
{
    if (i >= STATS_HIST_BUCKETS - 1)
        return UINT64_MAX;
    return stats_hist_bucket_lower(i + 1) - 1;
}

void stats_hist_merge(struct stats_hist *dst, const struct stats_hist *src)
{
    if (!src->count)
        return;
    if (!dst->count || src->min < dst->min)
        dst->min = src->min;
    if (src->max > dst->max)
        dst->max = src->max;
    dst->count += src->count;
    dst->sum += src->sum;
    for (unsigned b = 0; b < STATS_HIST_BUCKETS; b++)
        dst->bucket[b] += src->bucket[b];
}

uint64_t stats_hist_percentile(const struct stats_hist *h, double p)
{
    if (!h->count)
        return 0;
    if (p <= 0)
        return h->min;
    /* Rank of the wanted sample (1-based, nearest-rank method). */
    uint64_t rank = (uint64_t)((p / 100.0) * (double)h->count + 0.999999999);
    if (rank < 1)
        rank = 1;
    if (rank > h->count)
        rank = h->count;
    uint64_t seen = 0;
    for (unsigned b = 0; b < STATS_HIST_BUCKETS; b++) {
        seen += h->bucket[b];
        if (seen >= rank) {
            uint64_t upper = stats_hist_bucket_upper(b);
            /* The bucket bound can exceed what was seen: clamp to [min,max]. */
            if (upper > h->max)
                upper = h->max;
            if (upper < h->min)
                upper = h->min;
            return upper;
        }
    }
    return h->max;
}

static const char *const hist_fields[] = {"count", "sum", "min", "max", "mean",
                                          "p50",   "p95", "p99"};

static uint64_t hist_field(const struct stats_hist *h, int f)
{
    switch (f) {
    case 0: return h->count;
    case 1: return h->sum;
    case 2: return h->min;
    case 3: return h->max;
    case 4: return h->count ? h->sum / h->count : 0;
    case 5: return stats_hist_percentile(h, 50);
    case 6: return stats_hist_percentile(h, 95);
    default: return stats_hist_percentile(h, 99);
    }
}

int stats_get(const struct stats_registry *r, const char *name, uint64_t *value)
{
    if (!r || !name || !value)
        return MMSIM_ERR_INVALID;
    sync_all(r);
    unsigned s = find_slot(r, name, strlen(name));
    if (r->slot[s] >= 0) {
        const struct stat_entry *e = &r->e[r->slot[s]];
        int i = r->slot[s];
        *value = e->kind != STAT_HIST ? val(r, i) : hist(r, i)->count;
        return MMSIM_OK;
    }
    /* "<hist>.<field>" */
    const char *dot = strrchr(name, '.');
    if (!dot)
        return MMSIM_ERR_NOT_FOUND;
    s = find_slot(r, name, (size_t)(dot - name));
    if (r->slot[s] < 0 || r->e[r->slot[s]].kind != STAT_HIST)
        return MMSIM_ERR_NOT_FOUND;
    for (int f = 0; f < (int)ARRAY_SIZE(hist_fields); f++)
        if (strcmp(dot + 1, hist_fields[f]) == 0) {
            *value = hist_field(hist(r, r->slot[s]), f);
            return MMSIM_OK;
        }
    return MMSIM_ERR_NOT_FOUND;
}

void stats_reset(struct stats_registry *r)
{
    if (!r)
        return;
    sync_all(r);        /* what is counted apart is zeroed with the rest */
    for (int i = 0; i < r->n; i++) {
        if (r->e[i].kind == STAT_COUNTER)
            *r->e[i].p.counter = 0;
        else if (r->e[i].kind == STAT_HIST)
            memset(r->e[i].p.hist, 0, sizeof(struct stats_hist));
    }
}

static json_t *hist_json(const struct stats_hist *h)
{
    json_t *o = json_object();
    for (int f = 0; f < (int)ARRAY_SIZE(hist_fields); f++)
        json_object_set_new(o, hist_fields[f], json_integer((json_int_t)hist_field(h, f)));
    /* Buckets as [lower, upper, count] triples, the non-empty ones only:
     * the range of values a bucket counts, both bounds included, the
     * upper one no higher than max (the last bucket takes every value
     * beyond the range). */
    json_t *b = json_array();
    for (unsigned i = 0; i < STATS_HIST_BUCKETS; i++)
        if (h->bucket[i]) {
            uint64_t hi = stats_hist_bucket_upper(i);
            json_t *t = json_array();
            json_array_append_new(t, json_integer((json_int_t)stats_hist_bucket_lower(i)));
            json_array_append_new(t, json_integer((json_int_t)(hi > h->max ? h->max : hi)));
            json_array_append_new(t, json_integer((json_int_t)h->bucket[i]));
            json_array_append_new(b, t);
        }
    json_object_set_new(o, "buckets", b);
    return o;
}

/* Insert value at the dotted path under root; fails if a component is both
 * a leaf and an interior node (a registration mistake). */
static int json_put(json_t *root, const char *name, json_t *value)
{
    char key[256];
    json_t *cur = root;
    const char *p = name;
    for (;;) {
        const char *dot = strchr(p, '.');
        if (!dot)
            break;
        size_t len = (size_t)(dot - p);
        if (len >= sizeof(key))
            goto bad;
        memcpy(key, p, len);
        key[len] = '\0';
        json_t *next = json_object_get(cur, key);
        if (!next) {
            next = json_object();
            json_object_set_new(cur, key, next);
        } else if (!json_is_object(next)) {
            goto bad;
        }
        cur = next;
        p = dot + 1;
    }
    if (json_object_get(cur, p))
        goto bad;
    json_object_set_new(cur, p, value);
    return MMSIM_OK;
bad:
    json_decref(value);
    return MMSIM_ERR_INVALID;
}

int stats_dump(const struct stats_registry *r, FILE *f, mmsim_format fmt)
{
    if (!r || !f)
        return MMSIM_ERR_INVALID;
    sync_all(r);
    if (fmt == MMSIM_FORMAT_JSON) {
        json_t *root = json_object();
        if (!root)
            return MMSIM_ERR_NOMEM;
        int rc = MMSIM_OK;
        for (int i = 0; i < r->n && rc == MMSIM_OK; i++) {
            const struct stat_entry *e = &r->e[i];
            json_t *v = e->kind != STAT_HIST ? json_integer((json_int_t)val(r, i))
                                             : hist_json(hist(r, i));
            rc = json_put(root, e->name, v);
        }
        if (rc == MMSIM_OK && json_dumpf(root, f, JSON_INDENT(2)) != 0)
            rc = MMSIM_ERR_IO;
        json_decref(root);
        if (rc == MMSIM_OK && fputc('\n', f) == EOF)
            rc = MMSIM_ERR_IO;
        return rc;
    }
    for (int i = 0; i < r->n; i++) {
        const struct stat_entry *e = &r->e[i];
        if (e->kind != STAT_HIST) {
            fprintf(f, "%-48s %20llu", e->name, (unsigned long long)val(r, i));
            if (*e->desc)
                fprintf(f, "  # %s", e->desc);
            fputc('\n', f);
        } else {
            for (int k = 0; k < (int)ARRAY_SIZE(hist_fields); k++) {
                char n[300];
                mmsim_fmt(n, sizeof(n), "%s.%s", e->name, hist_fields[k]);
                fprintf(f, "%-48s %20llu", n, (unsigned long long)hist_field(hist(r, i), k));
                if (k == 0 && *e->desc)
                    fprintf(f, "  # %s", e->desc);
                fputc('\n', f);
            }
        }
    }
    return ferror(f) ? MMSIM_ERR_IO : MMSIM_OK;
}
