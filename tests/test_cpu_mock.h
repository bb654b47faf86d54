/* Flat-memory mock for the hart tests: 16 pages from MOCK_BASE, each with
 * its own permissions (unmapped = 0); translate faults elsewhere. */
#ifndef TEST_CPU_MOCK_H
#define TEST_CPU_MOCK_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/hart.h"

#define MOCK_BASE 0x10000ull
#define MOCK_PAGES 16
#define CODE 0x10000ull
#define DATA 0x18000ull
#define P_R 1
#define P_W 2
#define P_X 4

struct mock {
    uint8_t *mem;
    uint8_t perm[MOCK_PAGES];
    uint64_t time;
    unsigned translations;
    bool flush_in_translate;    /* the "kernel" flushes from inside translate */
    bool share_code;            /* code_shared's answer */
    struct hart h;
};

static inline int mock_translate(void *ctx, uint64_t va, enum hart_access acc, uint8_t **host)
{
    struct mock *m = ctx;
    m->translations++;
    if (m->flush_in_translate) {
        hart_tlb_flush(&m->h);
        hart_icache_flush(&m->h);
    }
    if (va >= MOCK_BASE && va < MOCK_BASE + MOCK_PAGES * 4096ull) {
        unsigned pg = (unsigned)((va - MOCK_BASE) >> 12);
        if (m->perm[pg] & (1u << acc)) {
            *host = m->mem + ((size_t)pg << 12);
            return 0;
        }
    }
    return acc == HART_EXEC ? CAUSE_FETCH_PAGE_FAULT
           : acc == HART_WRITE ? CAUSE_STORE_PAGE_FAULT : CAUSE_LOAD_PAGE_FAULT;
}

static inline uint64_t mock_time(void *ctx)
{
    return ((struct mock *)ctx)->time;
}

static inline bool mock_code_shared(void *ctx, uint64_t va)
{
    (void)va;
    return ((struct mock *)ctx)->share_code;
}

static const struct hart_mem_ops mock_ops = {
    .translate = mock_translate, .read_time = mock_time, .code_shared = mock_code_shared};

static inline struct mock *mock_new(void)
{
    /* struct hart is 64-byte aligned (its hit filters): calloc's 16 is
     * not enough. */
    struct mock *m = aligned_alloc(_Alignof(struct mock), sizeof(*m));
    ck_assert_ptr_nonnull(m);
    memset(m, 0, sizeof(*m));
    m->mem = aligned_alloc(4096, MOCK_PAGES * 4096);
    ck_assert_ptr_nonnull(m->mem);
    memset(m->mem, 0, MOCK_PAGES * 4096);
    memset(m->perm, P_R | P_W | P_X, sizeof(m->perm));
    ck_assert_int_eq(hart_init(&m->h, 0, &mock_ops, m), 0);
    m->h.pc = CODE;
    return m;
}

static inline void mock_free(struct mock *m)
{
    hart_destroy(&m->h);
    free(m->mem);
    free(m);
}

static inline uint8_t *mock_ptr(struct mock *m, uint64_t va)
{
    return m->mem + (va - MOCK_BASE);
}

static inline void put32(struct mock *m, uint64_t va, uint32_t w) { memcpy(mock_ptr(m, va), &w, 4); }
static inline void put16(struct mock *m, uint64_t va, uint16_t w) { memcpy(mock_ptr(m, va), &w, 2); }
static inline void put64(struct mock *m, uint64_t va, uint64_t w) { memcpy(mock_ptr(m, va), &w, 8); }
static inline uint64_t get64(struct mock *m, uint64_t va) { uint64_t w; memcpy(&w, mock_ptr(m, va), 8); return w; }

/* Write 32-bit words at va. */
static inline void put_words(struct mock *m, uint64_t va, const uint32_t *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put32(m, va + 4 * i, w[i]);
}

#define ECALL 0x00000073u

#endif
