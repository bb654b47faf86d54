/* The hart: initialisation, the software TLB and its slow paths, the
 * decoded-instruction cache, and hart_run around the interpreter loops. */
#include <string.h>

#include "cpu/fpu.h"
#include "cpu/hart_internal.h"
#include "cpu/pipeline.h"

const char *const hart_xreg_name[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4",
    "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4",
    "t5", "t6",
};

const char *const hart_freg_name[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0",
    "fa1", "fa2", "fa3", "fa4", "fa5", "fa6", "fa7", "fs2", "fs3", "fs4", "fs5",
    "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

/* Pages are carved from chunks of DCACHE_SETS * DCACHE_WAYS + 1, one chunk
 * per hart using the store, so a hart's miss always finds one: a hart
 * holds at most a tag's worth, and keeps at most one more that no tag
 * holds (its tm_resume_page, see dstore_get); calloc'd, so that pages
 * never used cost no host memory. */
#define DSTORE_CHUNK (DCACHE_SETS * DCACHE_WAYS + 1)

static int dstore_add(struct hart_dstore *s, struct dpage *chunk, struct hart *h);
static void dstore_leave(struct hart_dstore *s, const struct hart *h);

int hart_init(struct hart *h, uint32_t id, const struct hart_mem_ops *ops, void *ctx)
{
    memset(h, 0, sizeof(*h));
    h->id = id;
    h->ops = ops;
    h->ctx = ctx;
    h->tm_resume_gen = UINT64_MAX;      /* code_gen never gets there */
    h->tm_df.mru_clock = h->tm_if.mru_clock = UINT64_MAX;  /* nor does a cache's clock */
    hart_rm_map_init(h);                /* frm and host_round RNE */
    /* calloc: no tags. */
    h->dcache = calloc(1, sizeof(*h->dcache));
    if (!h->dcache)
        return -1;
    struct hart_dstore *s = hart_dstore_create();
    struct dpage *chunk = calloc(DSTORE_CHUNK, sizeof(*chunk));
    if (!s || !chunk || dstore_add(s, chunk, h)) {
        free(chunk);
        hart_dstore_destroy(s);
        free(h->dcache);
        h->dcache = NULL;
        return -1;
    }
    h->dcache->store = s;
    h->dcache->own_store = true;
    hart_tlb_flush(h);
    return 0;
}

static void dtag_drop(struct hart_dcache *dc, struct dtag *t);

void hart_destroy(struct hart *h)
{
    if (!h || !h->dcache)
        return;
    struct hart_dcache *dc = h->dcache;
    for (int i = 0; i < DCACHE_SETS; i++)
        for (int w = 0; w < DCACHE_WAYS; w++)
            dtag_drop(dc, &dc->tag[i][w]);
    if (dc->own_store)
        hart_dstore_destroy(dc->store);
    else
        dstore_leave(dc->store, h);
    free(dc);
    h->dcache = NULL;
}

void hart_tlb_flush(struct hart *h)
{
    h->code_gen++;
    for (int i = 0; i < HART_STLB_SIZE; i++) {
        h->stlb_r[i].page = HART_STLB_EMPTY;
        h->stlb_w[i].page = HART_STLB_EMPTY;
        h->stlb_x[i].page = HART_STLB_EMPTY;
    }
}

static void stlb_drop(struct hart_stlb_entry *tlb, uint64_t va, uint64_t len)
{
    uint64_t lo = va >> PAGE_SHIFT, n = len >> PAGE_SHIFT;
    if (n <= HART_STLB_SIZE) {
        /* Direct mapped: each page of the range has one possible slot. */
        for (uint64_t p = lo; p < lo + n; p++) {
            struct hart_stlb_entry *e = stlb_entry(tlb, p << PAGE_SHIFT);
            if (e->page == p << PAGE_SHIFT)
                e->page = HART_STLB_EMPTY;
        }
        return;
    }
    for (int i = 0; i < HART_STLB_SIZE; i++)
        if (tlb[i].page != HART_STLB_EMPTY && (tlb[i].page >> PAGE_SHIFT) - lo < n)
            tlb[i].page = HART_STLB_EMPTY;
}

void hart_tlb_flush_range(struct hart *h, uint64_t va, uint64_t len, bool fetch, bool data)
{
    if (fetch) {
        stlb_drop(h->stlb_x, va, len);
        h->code_gen++;
    }
    if (data) {
        stlb_drop(h->stlb_r, va, len);
        stlb_drop(h->stlb_w, va, len);
    }
}

void hart_icache_flush(struct hart *h)
{
    struct hart_dcache *dc = h->dcache;
    h->stats.icache_flushes++;
    h->code_gen++;
    for (int i = 0; i < DCACHE_SETS; i++)
        for (int w = 0; w < DCACHE_WAYS; w++)
            dtag_drop(dc, &dc->tag[i][w]);
}

/* Calls out of the simulator run with the caller's FP environment. */
static int translate(struct hart *h, uint64_t vaddr, enum hart_access acc, uint8_t **host)
{
    hostfp_env env;
    hart_callout_enter(h, &env);
    int r = h->ops->translate(h->ctx, vaddr, acc, host);
    hart_callout_leave(h, &env);
    return r;
}

/* ---- Software TLB slow path ---- */

uint8_t *hart_stlb_fill(struct hart *h, uint64_t vaddr, enum hart_access acc)
{
    uint8_t *page;
    h->stats.stlb_misses++;
    h->stats.stlb_fills[acc]++;
    int cause = translate(h, vaddr & ~(uint64_t)(PAGE_SIZE - 1), acc, &page);
    if (cause) {
        h->cause = (uint32_t)cause;
        h->tval = vaddr;
        return NULL;
    }
    struct hart_stlb_entry *tlb = acc == HART_WRITE ? h->stlb_w
                                  : acc == HART_EXEC ? h->stlb_x : h->stlb_r;
    struct hart_stlb_entry *e = stlb_entry(tlb, vaddr);
    if (acc == HART_EXEC)
        h->code_gen++;
    e->page = vaddr & ~(uint64_t)(PAGE_SIZE - 1);
    e->addend = (uintptr_t)page - (uintptr_t)(vaddr & ~(uint64_t)(PAGE_SIZE - 1));
    return page + (vaddr & (PAGE_SIZE - 1));
}

static uint8_t *host_addr(struct hart *h, uint64_t vaddr, enum hart_access acc)
{
    struct hart_stlb_entry *tlb = acc == HART_WRITE ? h->stlb_w
                                  : acc == HART_EXEC ? h->stlb_x : h->stlb_r;
    struct hart_stlb_entry *e = stlb_entry(tlb, vaddr);
    if (likely(stlb_hit_page(e, vaddr)))
        return (uint8_t *)(uintptr_t)(vaddr + e->addend);
    return hart_stlb_fill(h, vaddr, acc);
}

/* Misaligned accesses are split at the page boundary; both pages are
 * translated before anything is read or written, so a fault commits
 * nothing.  On a fault tval is the first byte of the page that failed. */
int hart_load_slow(struct hart *h, uint64_t addr, int size, uint64_t *val)
{
    unsigned first = PAGE_SIZE - (unsigned)(addr & (PAGE_SIZE - 1));
    if (first > (unsigned)size)
        first = (unsigned)size;
    uint8_t *p0 = host_addr(h, addr, HART_READ), *p1 = NULL;
    if (!p0)
        return 1;
    if (first < (unsigned)size) {
        h->stats.split_accesses++;
        if (!(p1 = host_addr(h, addr + first, HART_READ)))
            return 1;
    }
    uint8_t buf[8];
    memcpy(buf, p0, first);
    if (p1)
        memcpy(buf + first, p1, (unsigned)size - first);
    uint64_t v = 0;
    memcpy(&v, buf, (size_t)size);      /* little-endian host */
    *val = v;
    return 0;
}

int hart_store_slow(struct hart *h, uint64_t addr, int size, uint64_t val)
{
    unsigned first = PAGE_SIZE - (unsigned)(addr & (PAGE_SIZE - 1));
    if (first > (unsigned)size)
        first = (unsigned)size;
    uint8_t *p0 = host_addr(h, addr, HART_WRITE), *p1 = NULL;
    if (!p0)
        return 1;
    if (first < (unsigned)size) {
        h->stats.split_accesses++;
        if (!(p1 = host_addr(h, addr + first, HART_WRITE)))
            return 1;
    }
    uint8_t buf[8];
    memcpy(buf, &val, 8);
    memcpy(p0, buf, first);
    if (p1)
        memcpy(p1, buf + first, (unsigned)size - first);
    return 0;
}

static int copy_mem(struct hart *h, uint64_t vaddr, uint8_t *buf, size_t len, bool write)
{
    while (len) {
        size_t n = PAGE_SIZE - (vaddr & (PAGE_SIZE - 1));
        if (n > len)
            n = len;
        uint8_t *p;
        int cause = h->ops->translate(h->ctx, vaddr & ~(uint64_t)(PAGE_SIZE - 1),
                                      write ? HART_WRITE : HART_READ, &p);
        if (cause)
            return cause;
        p += vaddr & (PAGE_SIZE - 1);
        if (write)
            memcpy(p, buf, n);
        else
            memcpy(buf, p, n);
        vaddr += n;
        buf += n;
        len -= n;
    }
    return 0;
}

int hart_read_mem(struct hart *h, uint64_t vaddr, void *dst, size_t len)
{
    return copy_mem(h, vaddr, dst, len, false);
}

int hart_write_mem(struct hart *h, uint64_t vaddr, const void *src, size_t len)
{
    return copy_mem(h, vaddr, (uint8_t *)(uintptr_t)src, len, true);
}

/* ---- Decoded-instruction cache ----
 *
 * Sharing decoded pages.  Each hart keeps its own tags (64 sets x 2 ways,
 * replaced as before), so its decode misses, its code_gen and everything
 * derived from them are what they were with a private copy per hart; the
 * pages the tags point to come from a store, shared by the harts of a
 * machine.  A hart's miss on a page that another hart holds right now, and
 * that the kernel vouches for (hart_mem_ops.code_shared), takes that
 * hart's page, slots decoded so far included; otherwise it takes a clean
 * page (every slot RV_UNDECODED), in the table only when vouched for.
 *
 * Why a shared page decodes exactly as a private one would.  A slot's
 * decoded form depends only on its 2 or 4 bytes and its offset
 * (rv_decode_raw, rv_xop_place; a 32-bit instruction in the last slot is
 * RV_CROSS, decoded at each execution), and blen only on the slots up to
 * the end of the block.  A private page decodes each slot from the bytes
 * at the moment its hart first needs it, at or after the hart's miss.  So
 * sharing is exact when the bytes do not change from the moment the page
 * is set up until the last hart holding it lets it go: then every hart
 * reads the same bytes whenever it decodes.  code_shared promises that:
 * the kernel says yes only for an executable, non-writable, private
 * mapping, and every way to change such a page's bytes (mprotect adding
 * write, munmap and the frame's reuse, MADV_DONTNEED, migration, exit)
 * first flushes the decoded code of every hart that has the address
 * space loaded, which lets go of the page; a hart that switches to
 * another address space flushes too (sched_load).  A page whose last
 * holder let it go leaves the table and is set up afresh by the next miss,
 * so nothing decoded survives a time when no hart held it.  A page not
 * vouched for (writable: JIT code, a self-modifying test) stays private
 * to one hart, with today's lazy decoding from the live bytes.  Checked
 * builds keep a copy of a shared page's bytes and assert, at each share
 * and each decode into it, that they have not changed.
 *
 * A page no tag holds is reused only on a decode miss, which a run takes
 * only at a lookup, after leaving the page it was in: so a run that a
 * callout flushed would finish the page it is in, decoding into it, as it
 * did with its flushed private copy.  No callout flushes decoded code
 * today (translate, read_time, mem_time and code_shared change no
 * mapping), and checked builds assert at a timed run's resume that its
 * page is still one of the hart's (interp_loop.h).  Should one ever
 * flush, a run that then stops at the run-ahead limit would record such a
 * page as its tm_resume_page, and resume there without a lookup (code_gen
 * moved before it was recorded): so, as a safety net, a page some hart
 * may resume in is not reused (dpage_pinned), one a hart at most. */

struct hart_dstore {
    struct dpage **table;               /* shared pages by host page, chained */
    unsigned mask;                      /* table size - 1 */
    unsigned shared;                    /* pages in the table */
    struct dpage *free;                 /* pages let go, to reuse */
    struct dpage **chunk;               /* carved in order */
    unsigned nchunks, cur, used;        /* pages carved from chunk[cur] */
    struct hart **harts;                /* its users (for tm_resume_page) */
    unsigned nharts;
};

struct hart_dstore *hart_dstore_create(void)
{
    struct hart_dstore *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->mask = 63;
    s->table = calloc(s->mask + 1, sizeof(struct dpage *));
    if (!s->table) {
        free(s);
        return NULL;
    }
    return s;
}

void hart_dstore_destroy(struct hart_dstore *s)
{
    if (!s)
        return;
#if defined(MMSIM_CHECKS)
    for (unsigned c = 0; c < s->nchunks; c++)
        for (unsigned i = 0; i < DSTORE_CHUNK; i++)
            free(s->chunk[c][i].snap);
#endif
    for (unsigned c = 0; c < s->nchunks; c++)
        free(s->chunk[c]);
    free(s->chunk);
    free(s->harts);
    free(s->table);
    free(s);
}

/* h uses s from now on, and brings chunk. */
static int dstore_add(struct hart_dstore *s, struct dpage *chunk, struct hart *h)
{
    struct dpage **chunks = realloc(s->chunk, (s->nchunks + 1) * sizeof(struct dpage *));
    if (!chunks)
        return -1;
    s->chunk = chunks;
    struct hart **harts = realloc(s->harts, (s->nharts + 1) * sizeof(struct hart *));
    if (!harts)
        return -1;
    s->harts = harts;
    s->chunk[s->nchunks++] = chunk;
    s->harts[s->nharts++] = h;
    return 0;
}

static void dstore_leave(struct hart_dstore *s, const struct hart *h)
{
    for (unsigned i = 0; i < s->nharts; i++)
        if (s->harts[i] == h) {
            s->harts[i] = s->harts[--s->nharts];
            return;
        }
}

/* The hart brings its chunk (hart_init's, unused so far) to s. */
int hart_dstore_use(struct hart *h, struct hart_dstore *s)
{
    struct hart_dcache *dc = h->dcache;
    struct hart_dstore *own = dc->store;
    MMSIM_ASSERT(dc->own_store && own->nchunks == 1 && own->used == 0 && !own->free);
    if (dstore_add(s, own->chunk[0], h))
        return -1;
    own->nchunks = 0;
    hart_dstore_destroy(own);
    dc->store = s;
    dc->own_store = false;
    return 0;
}

static inline unsigned dstore_hash(const struct hart_dstore *s, uintptr_t host)
{
    uint64_t k = (uint64_t)(host >> PAGE_SHIFT) * 0x9e3779b97f4a7c15ull;
    return (unsigned)(k >> 32) & s->mask;
}

/* Double the table (when it holds as many pages as it has heads).  Without
 * memory it stays as it is: longer chains, still correct. */
static void dstore_grow(struct hart_dstore *s)
{
    unsigned mask = s->mask * 2 + 1;
    struct dpage **t = calloc((size_t)mask + 1, sizeof(struct dpage *));
    if (!t)
        return;
    struct hart_dstore n = {.table = t, .mask = mask};
    for (unsigned i = 0; i <= s->mask; i++)
        for (struct dpage *p = s->table[i], *next; p; p = next) {
            next = p->next;
            unsigned b = dstore_hash(&n, p->host);
            p->next = t[b];
            t[b] = p;
        }
    free(s->table);
    s->table = t;
    s->mask = mask;
}

static bool dpage_pinned(const struct hart_dstore *s, const struct dpage *p)
{
    for (unsigned i = 0; i < s->nharts; i++) {
        const struct hart *h = s->harts[i];
        if (h->tm_resume_page == p && h->tm_resume_gen == h->code_gen)
            return true;
    }
    return false;
}

/* A page for host to be held by one more tag: the shared one when there is
 * one and share, else a clean one (in the table when share). */
static struct dpage *dstore_get(struct hart_dstore *s, uintptr_t host, bool share)
{
    struct dpage *p;
    if (share) {
        for (p = s->table[dstore_hash(s, host)]; p; p = p->next)
            if (p->host == host) {
#if defined(MMSIM_CHECKS)
                MMSIM_ASSERT(p->snap && !memcmp(p->snap, p->bytes, PAGE_SIZE));
#endif
                p->users++;
                return p;
            }
    }
    /* Not a page that some hart's next run may resume in (tm_resume_page,
     * valid while its code_gen stays): a callout may have flushed the run
     * that stopped there, and that run resumes in the page as it was. */
    struct dpage **pp = &s->free;
    while (*pp && dpage_pinned(s, *pp))
        pp = &(*pp)->next;
    if (*pp) {
        p = *pp;
        *pp = p->next;
    } else {
        /* One chunk per hart, and a hart holds at most a chunk's worth. */
        if (s->used == DSTORE_CHUNK) {
            s->cur++;
            s->used = 0;
        }
        MMSIM_ASSERT(s->cur < s->nchunks);
        p = &s->chunk[s->cur][s->used++];
    }
    memset(p->slot, 0, sizeof(p->slot));    /* all RV_UNDECODED */
    p->slot[PAGE_SLOTS].op = p->slot[PAGE_SLOTS].xop = RV_PAGE_END;
    p->host = host;
    p->bytes = (const uint8_t *)host;
    p->users = 1;
    p->shared = share;
    p->next = NULL;
    if (share) {
#if defined(MMSIM_CHECKS)
        if (!p->snap)
            p->snap = malloc(PAGE_SIZE);
        MMSIM_ASSERT(p->snap);
        memcpy(p->snap, p->bytes, PAGE_SIZE);
#endif
        if (s->shared > s->mask)
            dstore_grow(s);
        unsigned b = dstore_hash(s, host);
        p->next = s->table[b];
        s->table[b] = p;
        s->shared++;
    }
    return p;
}

/* One tag fewer holds p: the last one sends it to the free list (its slots
 * and bytes stay as they are until a miss reuses it). */
static void dstore_put(struct hart_dstore *s, struct dpage *p)
{
    MMSIM_ASSERT(p->users > 0);
    if (--p->users)
        return;
    if (p->shared) {
        struct dpage **pp = &s->table[dstore_hash(s, p->host)];
        while (*pp != p)
            pp = &(*pp)->next;
        *pp = p->next;
        s->shared--;
        p->shared = false;
    }
    p->next = s->free;
    s->free = p;
}

static void dtag_drop(struct hart_dcache *dc, struct dtag *t)
{
    if (t->host) {
        dstore_put(dc->store, t->page);
        t->host = 0;
        t->page = NULL;
    }
}

static bool code_shared(struct hart *h, uint64_t pc)
{
    if (!h->ops->code_shared)
        return false;
    hostfp_env env;
    hart_callout_enter(h, &env);
    bool r = h->ops->code_shared(h->ctx, pc);
    hart_callout_leave(h, &env);
    return r;
}

static struct dpage *dpage_for_host(struct hart *h, uintptr_t host, uint64_t pc)
{
    struct hart_dcache *dc = h->dcache;
    struct dpage *p = dcache_find(dc, host);
    if (likely(p))
        return p;
    /* Replace the way not filled last. */
    unsigned set = dcache_set(host);
    unsigned way = dc->last_fill[set] ^ 1;
    dc->last_fill[set] = (uint8_t)way;
    struct dtag *t = &dc->tag[set][way];
    dtag_drop(dc, t);
    h->stats.decode_misses++;
    h->code_gen++;
    p = dstore_get(dc->store, host, code_shared(h, pc));
    t->host = host;
    t->page = p;
    return p;
}

struct dpage *hart_dpage_lookup(struct hart *h, uint64_t pc)
{
    uint8_t *hp = host_addr(h, pc, HART_EXEC);
    if (unlikely(!hp))
        return NULL;
    return dpage_for_host(h, (uintptr_t)hp & ~(uintptr_t)(PAGE_SIZE - 1), pc);
}

void hart_decode_slot(struct hart *h, struct dpage *p, unsigned idx)
{
    const uint8_t *page = p->bytes;
    struct rv_dinsn *d = &p->slot[idx];
    uint16_t lo;
    memcpy(&lo, page + 2 * idx, 2);
#if defined(MMSIM_CHECKS)
    /* (The slot's 2 bytes, and the next 2 when it is not the last.) */
    MMSIM_ASSERT(!p->shared ||
                 !memcmp(p->snap + 2 * idx, page + 2 * idx, idx < PAGE_SLOTS - 1 ? 4 : 2));
#endif
    if ((lo & 3) != 3) {
        rv_decode_raw(d, lo);
    } else if (idx == PAGE_SLOTS - 1) {
        /* The upper half lives on the next page, whose mapping is not part
         * of this page's key: decode it at each execution. */
        memset(d, 0, sizeof(*d));
        d->op = d->xop = RV_CROSS;
        d->len = 4;
    } else {
        uint16_t hi;
        memcpy(&hi, page + 2 * idx + 2, 2);
        rv_decode_raw(d, (uint32_t)hi << 16 | lo);
    }
    rv_xop_place(d, 2 * idx, PAGE_SIZE);
}

unsigned hart_block_len(struct hart *h, struct dpage *p, unsigned idx)
{
    unsigned n = 0, i = idx;
    while (i < PAGE_SLOTS) {
        struct rv_dinsn *d = &p->slot[i];
        if (d->op == RV_UNDECODED)
            hart_decode_slot(h, p, i);
        n++;
        if (rv_ends_block(d->op))
            break;
        i += d->len / 2;
    }
    /* Every instruction of the block learns its distance to the end, so a
     * trap or a counter read in the middle can tell what has retired. */
    for (unsigned k = 0, j = idx; k < n; k++) {
        p->slot[j].blen = (uint16_t)(n - k);
        j += p->slot[j].len / 2;
    }
    return n;
}

uint32_t hart_fetch_raw(struct hart *h, uint64_t pc)
{
    uint16_t lo = 0, hi = 0;
    uint8_t *p = host_addr(h, pc, HART_EXEC);
    if (!p)
        return 0;
    memcpy(&lo, p, 2);
    if ((lo & 3) != 3)
        return lo;
    if (!(p = host_addr(h, pc + 2, HART_EXEC)))
        return lo;
    memcpy(&hi, p, 2);
    return (uint32_t)hi << 16 | lo;
}

/* ---- hart_run ---- */

/* The run itself, between the FP environment switches of its callers: the
 * host FPU is in the guest's default environment on entry. */
static inline __attribute__((always_inline)) int run_guest(struct hart *h, uint64_t max_insns)
{
    uint64_t retired = 0;
    int r;

    struct pipe *const pp = h->pipe;
    if (likely(pp && !h->trace)) {
        /* time the kernel charged since (switches, idle, syscalls) */
        pipe_stall(pp, h->cycle, PIPE_STALL_SYSCALL);
        h->tm_start = h->pc == h->tm_resume_pc && h->tm_resume_gen == h->code_gen
                          ? h->tm_resume_d : NULL;
        r = hart_run_timing(h, max_insns, &retired);   /* (from retired == 0) */
        if (unlikely(r < 0))
            r = hart_run_timing_step(h, max_insns, &retired);
        h->cycle = pp->cycle;
    } else {
        for (;;) {
            if (h->trace) {
                r = hart_run_trace(h, max_insns, &retired);
            } else {
                r = hart_run_fast(h, max_insns, &retired);
                if (r == HART_RUN_CROSS) {
                    r = hart_run_step(h, retired + 1, &retired);
                    if (r == HART_STOP_BUDGET && retired < max_insns)
                        continue;
                } else if (r < 0) { /* the next block is longer than the budget left */
                    r = hart_run_step(h, max_insns, &retired);
                }
            }
            if (r >= 0)
                break;
        }
        h->cycle += retired;
        if (h->pipe)        /* traced: one cycle each */
            h->pipe->cycle = h->cycle;
    }
    h->instret += retired;
    h->stats.insns += retired;
    if (unlikely(r != HART_STOP_BUDGET)) {     /* (a run-ahead stop is a budget) */
        if (r == HART_STOP_TRAP)
            h->stats.traps++;
        else if (r == HART_STOP_ECALL)
            h->stats.ecalls++;
    }
    return r;
}

enum hart_stop hart_run(struct hart *h, uint64_t max_insns)
{
    hostfp_env host;
    hostfp_save(&host);
    h->fp_host = &host;
    hostfp_set_default();       /* RNE, no flags, no flush-to-zero */
    int r = run_guest(h, max_insns);
    fpu_sync_flags(h);
    hostfp_restore(&host);
    hart_set_host_round(h, RM_RNE);
    h->fp_host = NULL;          /* it pointed at this frame */
    return (enum hart_stop)r;
}

/* A run loop's steps share one switch to the guest's environment.  Between
 * them the host FPU stays in it, with no flags: what the loop's own code
 * raises there is the host's (folded into s->host on the next step), and
 * nothing there reads the flags or changes the rounding mode, so the loop
 * computes as under the host's environment (whose control bits are the
 * guest's: the session is used only then).  Each step leaves it as it
 * found it, after taking the guest's flags: a read of MXCSR at each end,
 * and a write only when something was raised or the rounding mode moved.
 * Elsewhere than x86-64 every step is a hart_run. */
void hart_fp_begin(struct hart_fp_session *s)
{
    s->host = 0;
    s->guest = false;
}

void hart_fp_host(struct hart_fp_session *s)
{
#if HOSTFP_MXCSR
    if (s->guest) {
        /* with what the loop raised since the last step */
        _mm_setcsr(s->host | (_mm_getcsr() & HOSTFP_MXCSR_FLAGS));
        s->guest = false;
    }
#else
    (void)s;
#endif
}

enum hart_stop hart_run_in(struct hart *h, uint64_t max_insns, struct hart_fp_session *s)
{
#if HOSTFP_MXCSR
    uint32_t csr = _mm_getcsr();
    /* Usually the guest's environment is in and nothing was raised since
     * the last step: nothing to do. */
    if (unlikely(!s->guest || csr != HOSTFP_MXCSR_DEFAULT)) {
        if (s->guest) {
            MMSIM_ASSERT((csr & ~HOSTFP_MXCSR_FLAGS) == HOSTFP_MXCSR_DEFAULT);
            s->host |= csr & HOSTFP_MXCSR_FLAGS;
        } else {
            if ((csr & ~HOSTFP_MXCSR_FLAGS) != HOSTFP_MXCSR_DEFAULT)
                return hart_run(h, max_insns);  /* the host's own rounding or masks */
            s->host = csr;
            s->guest = true;
        }
        _mm_setcsr(HOSTFP_MXCSR_DEFAULT);
    }
    h->fp_host = &s->host;      /* callouts add what they raise */
    int r = run_guest(h, max_insns);
    csr = _mm_getcsr();
    if (unlikely(csr != HOSTFP_MXCSR_DEFAULT)) {
        fpu_sync_flags(h);
        hart_set_host_round(h, RM_RNE);
        _mm_setcsr(HOSTFP_MXCSR_DEFAULT);
    }
    return (enum hart_stop)r;
#else
    (void)s;
    return hart_run(h, max_insns);
#endif
}
