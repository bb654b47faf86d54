/* Page-walk caches (see pwc.h).  Only walks use them: slow path. */
#include <stdlib.h>
#include <string.h>

#include "libmmsim/internal.h"
#include "mmsim/mmsim.h"
#include "mmu/pwc.h"

int pwc_init(struct pwc *p, uint32_t entries)
{
    memset(p, 0, sizeof(*p));
    if (!entries)
        return MMSIM_OK;
    /* Counts are 16 bits: a level's entries must fit (a page-walk cache
     * of more than 65535 entries a level would be no cache). */
    if (entries > UINT16_MAX)
        return MMSIM_ERR_INVALID;
    unsigned log2b = 3;
    while ((1u << log2b) < 8 * entries)
        log2b++;
    p->nbuckets = 1u << log2b;
    p->bucket_shift = 64 - log2b;
    p->e = calloc((size_t)SV_MAX_LEVELS * entries, sizeof(*p->e));
    p->count = calloc((size_t)SV_MAX_LEVELS * p->nbuckets, sizeof(*p->count));
    if (!p->e || !p->count) {
        pwc_free(p);
        return MMSIM_ERR_NOMEM;
    }
    p->entries = entries;
    return MMSIM_OK;
}

void pwc_free(struct pwc *p)
{
    free(p->e);
    free(p->count);
    p->e = NULL;
    p->count = NULL;
    p->entries = 0;
}

static uint64_t pwc_key(uint64_t va, unsigned level)
{
    return (va >> sv_level_shift(level)) << 1 | 1;
}

/* The count of level's entries sharing key's bucket. */
static uint16_t *bucket(struct pwc *p, unsigned level, uint64_t key)
{
    const size_t b = (size_t)((key * 0x9e3779b97f4a7c15ull) >> p->bucket_shift);
    return &p->count[(size_t)level * p->nbuckets + b];
}

static struct pwc_entry *find(struct pwc *p, unsigned level, uint64_t key, unsigned asid)
{
    if (!*bucket(p, level, key))
        return NULL;
    struct pwc_entry *row = p->e + (size_t)level * p->entries;
#pragma GCC unroll 4
    for (uint32_t i = 0; i < p->entries; i++)
        if (row[i].key == key && (row[i].global || row[i].asid == asid))
            return &row[i];
    return NULL;
}

unsigned pwc_lookup(struct pwc *p, uint64_t va, unsigned asid, unsigned levels,
                    uint64_t *table, bool *global)
{
    if (!p->entries)
        return 0;
    for (unsigned l = 1; l < levels; l++) {
        struct pwc_entry *e = find(p, l, pwc_key(va, l), asid);
        if (e) {
            e->stamp = ++p->clock;
            *table = e->table;
            *global = e->global;
            return l;
        }
    }
    return 0;
}

void pwc_insert(struct pwc *p, unsigned level, uint64_t va, unsigned asid, bool global,
                uint64_t table)
{
    if (!p->entries)
        return;
    MMSIM_ASSERT(level >= 1 && level < SV_MAX_LEVELS);
    /* One pass finds the entry or the victim: the first smallest stamp,
     * which is 0 for an empty entry (zeroed, or cleared by pwc_flush) and
     * at least 1 for a valid one, so the first empty entry, else the first
     * least recently used. */
    const uint64_t key = pwc_key(va, level);
    struct pwc_entry *row = p->e + (size_t)level * p->entries, *e = NULL, *v = row;
    uint64_t best = UINT64_MAX;
    uint16_t *cnt = bucket(p, level, key);
    if (*cnt) {
#pragma GCC unroll 4
        for (uint32_t i = 0; i < p->entries; i++) {
            if (row[i].key == key && (row[i].global || row[i].asid == asid)) {
                e = &row[i];
                break;
            }
            if (row[i].stamp < best) {
                best = row[i].stamp;
                v = &row[i];
            }
        }
    } else {
        /* key is absent: only the victim is wanted. */
#pragma GCC unroll 4
        for (uint32_t i = 0; i < p->entries; i++) {
            if (row[i].stamp < best) {
                best = row[i].stamp;
                v = &row[i];
            }
        }
    }
    if (!e) {
        e = v;
        if (e->key)
            (*bucket(p, level, e->key))--;
        (*cnt)++;
    }
    *e = (struct pwc_entry){.key = key, .table = table, .stamp = ++p->clock,
                            .asid = (uint16_t)asid, .global = global};
}

void pwc_flush(struct pwc *p, bool by_va, uint64_t va, bool by_asid, unsigned asid)
{
    for (unsigned l = 1; l < SV_MAX_LEVELS && p->entries; l++) {
        struct pwc_entry *row = p->e + (size_t)l * p->entries;
        const uint64_t key = pwc_key(va, l);
        for (uint32_t i = 0; i < p->entries; i++) {
            struct pwc_entry *e = &row[i];
            if (!e->key || (by_va && e->key != key))
                continue;
            if (by_asid && (e->global || e->asid != asid))
                continue;
            (*bucket(p, l, e->key))--;
            e->key = 0;
            e->stamp = 0;
        }
    }
}
