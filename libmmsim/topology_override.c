/* Parameter overrides: a new topology, an existing one with one value of
 * its YAML document replaced.
 *
 * The edit is made on the document (libyaml's document API, as the parser
 * reads it), which is then written back to YAML text and parsed again by
 * topo_parse: an overridden value is checked by exactly the code that
 * checks a file, and the result is as valid as any loaded topology.  The
 * base topology was valid, so whatever the parser rejects is the
 * override's fault: the message names the override instead of a line of
 * the regenerated text. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "internal.h"
#include "topology.h"

#define MAX_SEGS 32
#define MAX_VALUE_DEPTH 64

/* One step of a path: a mapping key, a sequence index, or [*]. */
struct seg {
    const char *key;        /* NULL for an index */
    size_t key_len;
    long index;             /* -1: every entry */
};

struct ov {
    yaml_document_t *doc;
    const char *label;      /* "<override PATH=VALUE>" */
    char *err;
    size_t errlen;
    int rc;                 /* the first failure */
};

static int ov_fail(struct ov *o, int rc, const char *fmt, ...) PRINTF_LIKE(3, 4);

static int ov_fail(struct ov *o, int rc, const char *fmt, ...)
{
    if (o->rc != MMSIM_OK)
        return o->rc;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    mmsim_fmt(o->err, o->errlen, "%s: %s", o->label, msg);
    o->rc = rc;
    return rc;
}

/* "links[*].latency" -> {links, [*], latency}. */
static int parse_path(struct ov *o, const char *path, struct seg *segs, int *nsegs)
{
    int n = 0;
    const char *p = path;
    for (;;) {
        if (n == MAX_SEGS)
            return ov_fail(o, MMSIM_ERR_INVALID, "path has more than %d parts", MAX_SEGS);
        if (*p == '[') {
            const char *q = p + 1;
            long idx = -1;
            if (*q == '*') {
                q++;
            } else if (*q >= '0' && *q <= '9') {
                idx = 0;
                while (*q >= '0' && *q <= '9' && idx < 1000000)
                    idx = idx * 10 + (*q++ - '0');
            } else {
                q = NULL;
            }
            if (!q || *q != ']')
                return ov_fail(o, MMSIM_ERR_INVALID,
                               "malformed path at column %d: expected [N] or [*]",
                               (int)(p - path) + 1);
            segs[n++] = (struct seg){NULL, 0, idx};
            p = q + 1;
        } else {
            size_t len = strcspn(p, ".[]=");
            if (!len)
                return ov_fail(o, MMSIM_ERR_INVALID,
                               "malformed path at column %d: expected a key "
                               "(keys.separated.by.dots, entries[N] or [*])",
                               (int)(p - path) + 1);
            segs[n++] = (struct seg){p, len, 0};
            p += len;
        }
        if (!*p)
            break;
        if (*p == '.' && p[1] && p[1] != '.' && p[1] != '[')
            p++;
        else if (*p != '[')
            return ov_fail(o, MMSIM_ERR_INVALID,
                           "malformed path at column %d: expected '.KEY', '[N]' or the end",
                           (int)(p - path) + 1);
    }
    *nsegs = n;
    return MMSIM_OK;
}

/* The path up to and including segment i, for messages. */
static void path_prefix(const struct seg *segs, int i, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    for (int k = 0; k <= i && at < len; k++) {
        if (segs[k].key)
            mmsim_fmt(buf + at, len - at, "%s%.*s", k ? "." : "", (int)segs[k].key_len,
                      segs[k].key);
        else if (segs[k].index < 0)
            mmsim_fmt(buf + at, len - at, "[*]");
        else
            mmsim_fmt(buf + at, len - at, "[%ld]", segs[k].index);
        at = strlen(buf);
    }
}

static const char *node_kind(const yaml_node_t *n)
{
    switch (n ? n->type : YAML_NO_NODE) {
    case YAML_SCALAR_NODE: return "a scalar";
    case YAML_SEQUENCE_NODE: return "a sequence";
    case YAML_MAPPING_NODE: return "a mapping";
    default: return "empty";
    }
}

/* Copy node id of src into o->doc; the new node's id, or 0. */
static int copy_node(struct ov *o, yaml_document_t *src, int id, int depth)
{
    yaml_node_t *n = yaml_document_get_node(src, id);
    if (!n || depth > MAX_VALUE_DEPTH) {
        ov_fail(o, MMSIM_ERR_PARSE, "value nested too deeply");
        return 0;
    }
    int out = 0;
    switch (n->type) {
    case YAML_SCALAR_NODE:
        out = yaml_document_add_scalar(o->doc, n->tag, n->data.scalar.value,
                                       (int)n->data.scalar.length, n->data.scalar.style);
        break;
    case YAML_SEQUENCE_NODE: {
        out = yaml_document_add_sequence(o->doc, n->tag, n->data.sequence.style);
        int count = (int)(n->data.sequence.items.top - n->data.sequence.items.start);
        for (int i = 0; out && i < count; i++) {
            int item = copy_node(o, src, n->data.sequence.items.start[i], depth + 1);
            if (!item || !yaml_document_append_sequence_item(o->doc, out, item))
                out = 0;
        }
        break;
    }
    case YAML_MAPPING_NODE: {
        out = yaml_document_add_mapping(o->doc, n->tag, n->data.mapping.style);
        int count = (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
        for (int i = 0; out && i < count; i++) {
            yaml_node_pair_t pr = n->data.mapping.pairs.start[i];
            int k = copy_node(o, src, pr.key, depth + 1);
            int v = k ? copy_node(o, src, pr.value, depth + 1) : 0;
            if (!v || !yaml_document_append_mapping_pair(o->doc, out, k, v))
                out = 0;
        }
        break;
    }
    default:
        break;
    }
    if (!out)
        ov_fail(o, MMSIM_ERR_NOMEM, "out of memory");
    return out;
}

static int new_value(struct ov *o, yaml_document_t *val)
{
    yaml_node_t *root = yaml_document_get_root_node(val);
    if (!root) {
        /* An empty value: the empty string, as "key:" with nothing after
         * it would be null and the parser wants scalars. */
        int id = yaml_document_add_scalar(o->doc, NULL, (yaml_char_t *)"", 0,
                                          YAML_DOUBLE_QUOTED_SCALAR_STYLE);
        if (!id)
            ov_fail(o, MMSIM_ERR_NOMEM, "out of memory");
        return id;
    }
    return copy_node(o, val, 1, 0);
}

static int key_scalar(struct ov *o, const struct seg *s)
{
    int id = yaml_document_add_scalar(o->doc, NULL, (yaml_char_t *)s->key, (int)s->key_len,
                                      YAML_PLAIN_SCALAR_STYLE);
    if (!id)
        ov_fail(o, MMSIM_ERR_NOMEM, "out of memory");
    return id;
}

/* Apply segments i.. below node id.  Node pointers are fetched again after
 * every addition: libyaml grows the node array with realloc. */
static int apply(struct ov *o, int id, const struct seg *segs, int i, int nsegs,
                 yaml_document_t *val)
{
    const struct seg *s = &segs[i];
    bool last = i == nsegs - 1;
    char where[256];
    yaml_node_t *n = yaml_document_get_node(o->doc, id);
    if (s->key) {
        if (!n || n->type != YAML_MAPPING_NODE) {
            path_prefix(segs, i - 1, where, sizeof(where));
            return ov_fail(o, MMSIM_ERR_INVALID, "%s is %s, not a mapping: it has no key '%.*s'",
                           i ? where : "the document", node_kind(n), (int)s->key_len, s->key);
        }
        int count = (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
        for (int p = 0; p < count; p++) {
            yaml_node_pair_t *pr = &n->data.mapping.pairs.start[p];
            yaml_node_t *k = yaml_document_get_node(o->doc, pr->key);
            if (!k || k->type != YAML_SCALAR_NODE || k->data.scalar.length != s->key_len ||
                memcmp(k->data.scalar.value, s->key, s->key_len) != 0)
                continue;
            if (!last)
                return apply(o, pr->value, segs, i + 1, nsegs, val);
            int v = new_value(o, val);
            if (!v)
                return o->rc;
            n = yaml_document_get_node(o->doc, id);
            n->data.mapping.pairs.start[p].value = v;
            return MMSIM_OK;
        }
        /* Not there: added, so a default can be overridden (the parser
         * rejects keys the schema does not have, listing those it has). */
        if (!last && !segs[i + 1].key) {
            path_prefix(segs, i, where, sizeof(where));
            return ov_fail(o, MMSIM_ERR_INVALID,
                           "%s: no such sequence in the topology (an index needs one)", where);
        }
        int k = key_scalar(o, s);
        int v = 0;
        if (k && last)
            v = new_value(o, val);
        else if (k && !(v = yaml_document_add_mapping(o->doc, NULL, YAML_BLOCK_MAPPING_STYLE)))
            ov_fail(o, MMSIM_ERR_NOMEM, "out of memory");
        if (!v)
            return o->rc;
        if (!yaml_document_append_mapping_pair(o->doc, id, k, v))
            return ov_fail(o, MMSIM_ERR_NOMEM, "out of memory");
        return last ? MMSIM_OK : apply(o, v, segs, i + 1, nsegs, val);
    }
    if (!n || n->type != YAML_SEQUENCE_NODE) {
        path_prefix(segs, i - 1, where, sizeof(where));
        return ov_fail(o, MMSIM_ERR_INVALID, "%s is %s, not a sequence: it has no entries",
                       i ? where : "the document", node_kind(n));
    }
    long count = (long)(n->data.sequence.items.top - n->data.sequence.items.start);
    path_prefix(segs, i, where, sizeof(where));
    if (s->index >= count || (s->index < 0 && count == 0)) {
        if (count == 0)
            return ov_fail(o, MMSIM_ERR_INVALID, "%s: the sequence is empty", where);
        return ov_fail(o, MMSIM_ERR_INVALID, "%s: index out of range (entries 0-%ld)", where,
                       count - 1);
    }
    long from = s->index < 0 ? 0 : s->index, to = s->index < 0 ? count : s->index + 1;
    for (long e = from; e < to; e++) {
        if (last) {
            int v = new_value(o, val);
            if (!v)
                return o->rc;
            n = yaml_document_get_node(o->doc, id);
            n->data.sequence.items.start[e] = v;
            continue;
        }
        n = yaml_document_get_node(o->doc, id);
        int rc = apply(o, n->data.sequence.items.start[e], segs, i + 1, nsegs, val);
        if (rc != MMSIM_OK)
            return rc;
    }
    return MMSIM_OK;
}

struct buf {
    char *p;
    size_t len, cap;
};

static int buf_write(void *data, unsigned char *bytes, size_t size)
{
    struct buf *b = data;
    if (b->len + size + 1 > b->cap) {
        size_t cap = (b->len + size + 1) * 2;
        char *p = realloc(b->p, cap);
        if (!p)
            return 0;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, bytes, size);
    b->len += size;
    b->p[b->len] = '\0';
    return 1;
}

/* Write doc (consumed, as yaml_emitter_dump always does) as YAML text. */
static int emit(yaml_document_t *doc, struct buf *b)
{
    yaml_emitter_t em;
    if (!yaml_emitter_initialize(&em)) {
        yaml_document_delete(doc);
        return MMSIM_ERR_NOMEM;
    }
    yaml_emitter_set_output(&em, buf_write, b);
    yaml_emitter_set_unicode(&em, 1);
    yaml_emitter_set_width(&em, -1);
    int ok = yaml_emitter_dump(&em, doc) && yaml_emitter_close(&em);
    yaml_emitter_delete(&em);
    return ok && b->p ? MMSIM_OK : MMSIM_ERR_NOMEM;
}

static int load(const char *text, size_t len, yaml_document_t *doc)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return 0;
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    int ok = yaml_parser_load(&parser, doc);
    yaml_parser_delete(&parser);
    return ok;
}

/* topo_parse's "LABEL:LINE:COL: rest" (a place in the regenerated text,
 * of no use to anyone) becomes "LABEL: rest". */
static void drop_position(char *err, const char *label)
{
    if (!err)
        return;
    size_t l = strlen(label);
    if (strncmp(err, label, l) != 0 || err[l] != ':')
        return;
    char *p = err + l + 1;
    char *q = p;
    for (int field = 0; field < 2; field++) {
        if (*q < '0' || *q > '9')
            return;
        while (*q >= '0' && *q <= '9')
            q++;
        if (*q != ':')
            return;
        q++;
    }
    memmove(p, q, strlen(q) + 1);
}

int mmsim_topology_override(const mmsim_topology *t, const char *path, const char *value,
                            mmsim_topology **out, char *errbuf, size_t errlen)
{
    if (errbuf && errlen)
        errbuf[0] = '\0';
    if (!out)
        return MMSIM_ERR_INVALID;
    *out = NULL;
    if (!t || !path || !value) {
        mmsim_fmt(errbuf, errlen, "mmsim_topology_override: NULL %s",
                  !t ? "topology" : !path ? "path" : "value");
        return MMSIM_ERR_INVALID;
    }
    size_t llen = strlen(path) + strlen(value) + 16;
    char *label = malloc(llen);
    if (!label) {
        mmsim_fmt(errbuf, errlen, "<override>: out of memory");
        return MMSIM_ERR_NOMEM;
    }
    snprintf(label, llen, "<override %s=%s>", path, value);
    yaml_document_t doc, val;
    struct ov o = {&doc, label, errbuf, errlen, MMSIM_OK};
    struct seg segs[MAX_SEGS] = {{0}};
    int nsegs = 0;
    if (!t->text) {
        ov_fail(&o, MMSIM_ERR_INVALID, "topology '%s' was not loaded from YAML: nothing to edit",
                t->name ? t->name : "?");
        free(label);
        return o.rc;
    }
    if (parse_path(&o, path, segs, &nsegs) != MMSIM_OK) {
        free(label);
        return o.rc;
    }
    if (!load(value, strlen(value), &val)) {
        ov_fail(&o, MMSIM_ERR_PARSE, "the value is not YAML (quote it: '\"%s\"')", value);
        free(label);
        return o.rc;
    }
    if (!load(t->text, t->text_len, &doc)) {
        /* It was parsed when t was made: only memory can fail now. */
        yaml_document_delete(&val);
        ov_fail(&o, MMSIM_ERR_NOMEM, "cannot parse the topology again (out of memory?)");
        free(label);
        return o.rc;
    }
    int root = yaml_document_get_root_node(&doc) ? 1 : 0;
    int rc = root ? apply(&o, root, segs, 0, nsegs, &val)
                  : ov_fail(&o, MMSIM_ERR_INVALID, "the topology document is empty");
    yaml_document_delete(&val);
    if (rc != MMSIM_OK) {
        yaml_document_delete(&doc);
        free(label);
        return rc;
    }
    struct buf b = {0};
    rc = emit(&doc, &b);
    if (rc != MMSIM_OK) {
        ov_fail(&o, rc, "out of memory");
    } else {
        struct mmsim_topology *nt;
        rc = topo_parse_at(b.p, b.len, label, t->source, &nt, errbuf, errlen);
        if (rc != MMSIM_OK) {
            drop_position(errbuf, label);
        } else {
            /* Messages about the new topology name its origin. */
            char *src = mmsim_strdup(t->source);
            if (!src) {
                topo_free(nt);
                rc = ov_fail(&o, MMSIM_ERR_NOMEM, "out of memory");
            } else {
                free(nt->source);
                nt->source = src;
                *out = nt;
            }
        }
    }
    free(b.p);
    free(label);
    return rc;
}

int mmsim_topology_override_list(const mmsim_topology *t, const char *const *sets, size_t n,
                                 mmsim_topology **out, char *errbuf, size_t errlen)
{
    if (errbuf && errlen)
        errbuf[0] = '\0';
    if (!out)
        return MMSIM_ERR_INVALID;
    *out = NULL;
    if (!t || (n && !sets)) {
        mmsim_fmt(errbuf, errlen, "mmsim_topology_override_list: NULL %s",
                  !t ? "topology" : "list");
        return MMSIM_ERR_INVALID;
    }
    struct mmsim_topology *cur = topo_clone(t);
    if (!cur) {
        mmsim_fmt(errbuf, errlen, "<override>: out of memory");
        return MMSIM_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        const char *eq = sets[i] ? strchr(sets[i], '=') : NULL;
        if (!eq || eq == sets[i]) {
            mmsim_fmt(errbuf, errlen, "<override %s>: expected PATH=VALUE (links[*].latency=120ns)",
                      sets[i] ? sets[i] : "(null)");
            topo_free(cur);
            return MMSIM_ERR_INVALID;
        }
        char *path = malloc((size_t)(eq - sets[i]) + 1);
        if (!path) {
            topo_free(cur);
            mmsim_fmt(errbuf, errlen, "<override>: out of memory");
            return MMSIM_ERR_NOMEM;
        }
        memcpy(path, sets[i], (size_t)(eq - sets[i]));
        path[eq - sets[i]] = '\0';
        struct mmsim_topology *next;
        int rc = mmsim_topology_override(cur, path, eq + 1, &next, errbuf, errlen);
        free(path);
        topo_free(cur);
        if (rc != MMSIM_OK)
            return rc;
        cur = next;
    }
    *out = cur;
    return MMSIM_OK;
}
