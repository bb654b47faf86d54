/* The hart's timing loop and an access that must wait for the shared
 * hierarchy (hart_mem_ops.mem_time returning 1): the hart stops before the
 * instruction (HART_STOP_YIELD), the access is granted later
 * (hart_timing_grant), and the next run resumes the instruction: it issues
 * once, its access is asked of the memory system once, and nothing stays
 * pending.  Also for an instruction that straddles two pages (decoded at
 * each execution, outside its page's decoded slots), whose resumption once
 * issued it a second time or lost its access. */
#include <stdlib.h>
#include <string.h>

#include "cpu/hart.h"
#include "cpu/pipeline.h"
#include "testutil.h"

#define BASE 0x10000ull
#define PAGES 4

struct tmock {
    uint8_t *mem;
    int fetches, datas;         /* mem_time calls by kind */
    bool wait_fetch;            /* the first fetch of the line at 0xfc0 waits */
    bool wait_data;             /* the first data access waits */
    bool waited;
    uint64_t epoch, clock;      /* for the hit filters (never hit here) */
};

static int t_translate(void *ctx, uint64_t va, enum hart_access acc, uint8_t **host)
{
    struct tmock *m = ctx;
    (void)acc;
    if (va >= BASE && va < BASE + PAGES * 4096ull) {
        *host = m->mem + ((va - BASE) & ~4095ull);
        return 0;
    }
    return CAUSE_LOAD_PAGE_FAULT;
}

static int t_mem_time(void *ctx, const void *host, enum hart_mem_kind kind, uint64_t cycle,
                      uint64_t *done, bool *miss)
{
    struct tmock *m = ctx;
    bool fetch = kind == HART_MEM_FETCH;
    size_t off = (size_t)((const uint8_t *)host - m->mem);
    if (fetch)
        m->fetches++;
    else
        m->datas++;
    if (!m->waited && ((fetch && m->wait_fetch && off >= 0xfc0 && off < 0x1000) ||
                       (!fetch && m->wait_data))) {
        m->waited = true;
        return 1;
    }
    *done = cycle + (fetch ? 0 : 3);
    *miss = !fetch;
    return 0;
}

static const struct hart_mem_ops tops = {.translate = t_translate, .mem_time = t_mem_time};

/* jal to `at`, where ld a0,0(a1); ld a2,8(a1); ecall follow (c.nop before).
 * Runs until the yield, grants the access 100 cycles later and runs on to
 * the ecall.  Returns the instructions the pipeline issued. */
static uint64_t run_yield(uint64_t at, bool fetch_waits, struct tmock *m)
{
    static struct hart h;
    static struct pipe p;
    struct topo_pipeline cfg;
    memset(m, 0, sizeof(*m));
    m->mem = aligned_alloc(4096, PAGES * 4096);
    ck_assert_ptr_nonnull(m->mem);
    memset(m->mem, 0, PAGES * 4096);
    m->wait_fetch = fetch_waits;
    m->wait_data = !fetch_waits;
    m->epoch = m->clock = 1;
    for (uint64_t a = 0; a < at; a += 2) {
        uint16_t c_nop = 0x0001;
        memcpy(m->mem + a, &c_nop, 2);
    }
    /* jal x0, at (J-type immediate of at = 0xff8 or 0xffe) */
    uint32_t imm = (uint32_t)at;
    uint32_t jal = ((imm >> 20) & 1) << 31 | ((imm >> 1) & 0x3ff) << 21 |
                   ((imm >> 11) & 1) << 20 | ((imm >> 12) & 0xff) << 12 | 0x6f;
    memcpy(m->mem, &jal, 4);
    const uint32_t code[] = {0x0005b503 /* ld a0,0(a1) */, 0x0085b603 /* ld a2,8(a1) */,
                             0x00000073 /* ecall */};
    memcpy(m->mem + at, code, sizeof(code));

    memset(&h, 0, sizeof(h));
    memset(&p, 0, sizeof(p));
    topo_pipeline_defaults(&cfg);
    ck_assert_int_eq(hart_init(&h, 0, &tops, m), 0);
    ck_assert_int_eq(pipe_init(&p, &cfg, 1), 0);
    h.pipe = &p;
    h.tm_limit = UINT64_MAX;
    h.tm_line_shift = 6;
    h.tm_df.epoch = h.tm_if.epoch = &m->epoch;
    h.tm_df.clock = h.tm_if.clock = &m->clock;
    h.pc = BASE;
    h.x[11] = BASE + 0x3000;

    ck_assert_int_eq(hart_run(&h, 1000), HART_STOP_YIELD);
    ck_assert(m->waited);
    hart_timing_grant(&h, p.cycle + 100);
    ck_assert_int_eq(hart_run(&h, 1000), HART_STOP_ECALL);
    ck_assert_uint_eq(h.pc, BASE + at + 8);
    ck_assert_uint_eq(h.tm_pend, 0);
    ck_assert_uint_ge(p.cycle, 100);    /* the granted access was paid */
    uint64_t issued = p.st.insns;
    pipe_free(&p);
    hart_destroy(&h);
    free(m->mem);
    return issued;
}

/* jal, ld, ld and the ecall issue once each; the waiting access is asked
 * once, granted, and not asked again. */
START_TEST(data_access_waits)
{
    struct tmock m;
    for (int straddle = 0; straddle < 2; straddle++) {
        ck_assert_uint_eq(run_yield(straddle ? 0xffe : 0xff8, false, &m), 4);
        ck_assert_int_eq(m.datas, 2);   /* the first ld's (waits), the second's */
    }
}
END_TEST

START_TEST(fetch_waits)
{
    struct tmock m;
    for (int straddle = 0; straddle < 2; straddle++) {
        ck_assert_uint_eq(run_yield(straddle ? 0xffe : 0xff8, true, &m), 4);
        ck_assert_int_eq(m.datas, 2);   /* both loads reach the memory system */
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("hart_timing");
    TCase *tc = tcase_create("yield");
    tcase_add_test(tc, data_access_waits);
    tcase_add_test(tc, fetch_waits);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return testutil_run(suite());
}
