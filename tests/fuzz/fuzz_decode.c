/* libFuzzer target: random bytes as RV64GC machine code, decoded and
 * executed by the hart (cpu/), and disassembled by hart_disasm().
 *
 * The hart sees a tiny address space through its translate hook: two code
 * pages (R+X) at CODE holding the input after a short header, a read-write
 * and a read-only data page at DATA, and nothing else (every other access
 * faults with the page-fault cause of its kind).  The header seeds the
 * integer and FP registers, mostly with pointers into the data pages so
 * that loads, stores and AMOs get past translation.
 *
 * The program runs twice from the same state: once with the fast
 * interpreter (blocks, budgets checked between them) and once with the
 * trace loop (one instruction at a time, commit log to /dev/null).  Each
 * run is a loop of hart_run() calls of a budget the header chooses; an
 * ecall or ebreak is stepped over, a trap on an instruction inside the code
 * pages skips that instruction, a fetch fault ends the run.  The code pages
 * are never writable, so the two interpreters have no licence to differ
 * (self-modifying code without fence.i is where the spec lets them).
 *
 * Invariants (a violation aborts):
 *   after every stop: x0 == 0; pc even (IALIGN=16); a budget stop retired
 *     exactly the budget, any other stop at most the budget; instret ==
 *     stats.insns and cycle == instret (one cycle per instruction); an
 *     ecall / ebreak stop points at that instruction; a trap has one of the
 *     causes of hart.h, an illegal instruction reports its bits in tval, a
 *     fetch fault its pc (or pc + 2 for the upper half of a straddler), and
 *     a trap other than a fetch fault is on an instruction of the code;
 *   between the runs: the same sequence of stops (reason, pc, cause, tval,
 *     instret), then the same registers, fcsr and data-page bytes;
 *   flushing the software TLB and the decode cache at some stops (header bit)
 *     changes nothing, which the comparison checks as well;
 *   hart_disasm(): returns the length the low bits give; full text is one
 *     printable line; into a buffer of exactly n bytes (n = 0, 1, 2, 7, the
 *     text's length, and one more; at one position in 16) it writes inside
 *     the buffer, ends with a NUL, and gives a prefix of the full text.
 * ASan/UBSan catch the rest. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/hart.h"

#define CODE 0x10000ull             /* two code pages */
#define DATA 0x40000ull             /* RW page, then R page */
#define PAGE 4096u
#define CODE_BYTES (2 * PAGE)
#define HDR 40
#define MAX_INSNS 3000              /* per run: the trace run costs ~1 us each */
#define MAX_STOPS 64
#define MAX_DISASM 256              /* halfword positions disassembled */

#define REQUIRE(cond, ...)                                                     \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "fuzz_decode: invariant failed: %s: ", #cond);     \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
            abort();                                                           \
        }                                                                      \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Host pages are page aligned (aligned_alloc) as a real frame would be:
 * the hart's decode cache is keyed by the host page address. */
struct space {
    uint8_t *code;                  /* CODE_BYTES */
    uint8_t *data;                  /* 2 pages */
    uint64_t translations;
    struct hart h;
};

static int fault_for(enum hart_access acc)
{
    return acc == HART_EXEC ? CAUSE_FETCH_PAGE_FAULT
           : acc == HART_WRITE ? CAUSE_STORE_PAGE_FAULT : CAUSE_LOAD_PAGE_FAULT;
}

static int sp_translate(void *ctx, uint64_t va, enum hart_access acc, uint8_t **host)
{
    struct space *s = ctx;
    s->translations++;
    REQUIRE((va & (PAGE - 1)) == 0, "translate of unaligned %#llx", (unsigned long long)va);
    if (va >= CODE && va < CODE + CODE_BYTES && acc != HART_WRITE) {
        *host = s->code + (va - CODE);
        return 0;
    }
    if (va == DATA && acc != HART_EXEC) {
        *host = s->data;
        return 0;
    }
    if (va == DATA + PAGE && acc == HART_READ) {
        *host = s->data + PAGE;
        return 0;
    }
    return fault_for(acc);
}

/* rdtime from the hart's own counter: the same in both runs only if the
 * hart keeps instret current during callouts, as hart.h promises. */
static uint64_t sp_time(void *ctx)
{
    const struct space *s = ctx;
    return s->h.instret * 3;
}

/* Functional mode: no pipe on the hart, so no mem_time hook. */
static const struct hart_mem_ops sp_ops = {.translate = sp_translate, .read_time = sp_time};

/* One stop, as compared between the runs. */
struct event {
    int reason;
    uint64_t pc, cause, tval, instret;
};

struct result {
    struct event ev[MAX_STOPS];
    unsigned nev;
    uint64_t x[32], f[32], pc;
    uint32_t fflags, frm;
    uint8_t data[2 * PAGE];
};

static int in_code(uint64_t pc, unsigned len)
{
    return pc >= CODE && pc + len <= CODE + CODE_BYTES;
}

static uint32_t raw_at(const struct space *s, uint64_t pc)
{
    uint16_t lo, hi = 0;
    memcpy(&lo, s->code + (pc - CODE), 2);
    if ((lo & 3) != 3)
        return lo;
    if (!in_code(pc, 4))
        return lo;
    memcpy(&hi, s->code + (pc - CODE) + 2, 2);
    return (uint32_t)hi << 16 | lo;
}

static unsigned insn_len(uint32_t raw)
{
    return (raw & 3) == 3 ? 4 : 2;
}

static void seed_regs(struct hart *h, const uint8_t *hdr)
{
    for (unsigned i = 1; i < 32; i++) {
        unsigned b = hdr[i];
        if (b < 0xa0)                       /* into the data pages, 8-aligned mostly */
            h->x[i] = DATA + (uint64_t)b * 8 * 6 % (2 * PAGE) + (b % 7 == 0 ? b % 8 : 0);
        else if (b < 0xe0)                  /* small signed values */
            h->x[i] = (uint64_t)(int64_t)(int8_t)(b << 1);
        else                                /* boundaries */
            h->x[i] = (uint64_t)1 << (b & 63) ^ (b & 1 ? UINT64_MAX : 0);
    }
    /* FP registers: NaN-boxed singles, doubles of every class. */
    static const uint64_t fvals[8] = {
        0xffffffff3f800000ull,              /* 1.0f */
        0x3ff0000000000000ull,              /* 1.0 */
        0x7ff8000000000000ull,              /* qNaN */
        0x0000000000000001ull,              /* subnormal */
        0x8000000000000000ull,              /* -0 */
        0x7ff0000000000000ull,              /* inf */
        0xffffffff7f7fffffull,              /* FLT_MAX */
        0x000000007fc00000ull,              /* a single, not NaN-boxed */
    };
    for (unsigned i = 0; i < 32; i++)
        h->f[i] = fvals[(hdr[32 + i / 4] >> (2 * (i % 4))) & 7];
    hart_set_frm(h, hdr[0] >> 5);
}

/* The state hart_init() leaves, without its 4 MiB calloc of the decode
 * cache (which took half of each execution): the hart is created once per
 * process and brought back here.  Cached translations and decoded pages go
 * with the flushes; the cache's replacement state stays, which only
 * decides which way a page lands in. */
static void reset_hart(struct hart *h)
{
    memset(h->x, 0, sizeof(h->x));
    memset(h->f, 0, sizeof(h->f));
    h->pc = 0;
    h->fflags = 0;
    hart_set_frm(h, 0);
    h->cycle = h->instret = 0;
    h->resv_addr = 0;
    h->resv_valid = false;
    h->cause = 0;
    h->tval = 0;
    h->stop_request = 0;
    hart_tlb_flush(h);
    hart_icache_flush(h);
    memset(&h->stats, 0, sizeof(h->stats));
}

static void run(struct space *s, const uint8_t *hdr, int traced, FILE *devnull,
                struct result *res)
{
    struct hart *h = &s->h;
    reset_hart(h);
    seed_regs(h, hdr);
    h->pc = CODE;
    h->trace = traced ? devnull : NULL;
    /* 1..256 instructions per hart_run, or all at once. */
    uint64_t chunk = hdr[1] < 0xc0 ? 1u + hdr[1] : MAX_INSNS;
    int flush = hdr[2] & 1;
    res->nev = 0;
    while (res->nev < MAX_STOPS && h->instret < MAX_INSNS) {
        uint64_t budget = MAX_INSNS - h->instret < chunk ? MAX_INSNS - h->instret : chunk;
        uint64_t before = h->instret;
        enum hart_stop r = hart_run(h, budget);
        uint64_t done = h->instret - before;
        struct event *e = &res->ev[res->nev++];
        *e = (struct event){(int)r, h->pc, r == HART_STOP_TRAP ? h->cause : 0,
                            r == HART_STOP_TRAP ? h->tval : 0, h->instret};
        REQUIRE(h->x[0] == 0, "x0 = %#llx", (unsigned long long)h->x[0]);
        REQUIRE((h->pc & 1) == 0, "pc %#llx odd", (unsigned long long)h->pc);
        REQUIRE(done <= budget, "retired %llu of a budget of %llu", (unsigned long long)done,
                (unsigned long long)budget);
        REQUIRE(h->stats.insns == h->instret && h->cycle == h->instret,
                "instret %llu, stats %llu, cycle %llu", (unsigned long long)h->instret,
                (unsigned long long)h->stats.insns, (unsigned long long)h->cycle);
        if (r == HART_STOP_BUDGET) {
            REQUIRE(done == budget, "budget stop after %llu of %llu", (unsigned long long)done,
                    (unsigned long long)budget);
        } else if (r == HART_STOP_ECALL) {
            REQUIRE(in_code(h->pc, 4) && raw_at(s, h->pc) == 0x00000073u,
                    "ecall stop at %#llx", (unsigned long long)h->pc);
            h->pc += 4;
        } else if (r == HART_STOP_EBREAK) {
            REQUIRE(in_code(h->pc, 2), "ebreak stop at %#llx", (unsigned long long)h->pc);
            uint32_t raw = raw_at(s, h->pc);
            REQUIRE(raw == 0x00100073u || raw == 0x9002u, "ebreak stop on %#x", raw);
            h->pc += insn_len(raw);
        } else {
            REQUIRE(r == HART_STOP_TRAP, "stop reason %d", (int)r);
            unsigned c = h->cause;
            REQUIRE(c == CAUSE_FETCH_ACCESS || c == CAUSE_ILLEGAL_INSN ||
                        c == CAUSE_MISALIGNED_LOAD || c == CAUSE_LOAD_ACCESS ||
                        c == CAUSE_MISALIGNED_STORE || c == CAUSE_STORE_ACCESS ||
                        c == CAUSE_FETCH_PAGE_FAULT || c == CAUSE_LOAD_PAGE_FAULT ||
                        c == CAUSE_STORE_PAGE_FAULT,
                    "cause %u at %#llx", c, (unsigned long long)h->pc);
            if (c == CAUSE_FETCH_PAGE_FAULT || c == CAUSE_FETCH_ACCESS) {
                REQUIRE(h->tval == h->pc || h->tval == h->pc + 2,
                        "fetch fault at %#llx, tval %#llx", (unsigned long long)h->pc,
                        (unsigned long long)h->tval);
                break;
            }
            REQUIRE(in_code(h->pc, 2), "cause %u at %#llx, outside the code", c,
                    (unsigned long long)h->pc);
            uint32_t raw = raw_at(s, h->pc);
            REQUIRE(in_code(h->pc, insn_len(raw)), "trap on a straddler at the end");
            if (c == CAUSE_ILLEGAL_INSN)
                REQUIRE(h->tval == raw, "illegal %#x at %#llx, tval %#llx", raw,
                        (unsigned long long)h->pc, (unsigned long long)h->tval);
            h->pc += insn_len(raw);
        }
        if (flush && (res->nev & 7) == 1) {
            hart_tlb_flush(h);
            hart_icache_flush(h);
        }
    }
    memcpy(res->x, h->x, sizeof(res->x));
    memcpy(res->f, h->f, sizeof(res->f));
    res->pc = h->pc;
    res->fflags = h->fflags;
    res->frm = h->frm;
    memcpy(res->data, s->data, sizeof(res->data));
}

static void compare(const struct result *a, const struct result *b)
{
    unsigned n = a->nev < b->nev ? a->nev : b->nev;
    for (unsigned i = 0; i < n; i++) {
        const struct event *p = &a->ev[i], *q = &b->ev[i];
        REQUIRE(memcmp(p, q, sizeof(*p)) == 0,
                "stop %u: fast (%d pc %#llx cause %llu tval %#llx instret %llu), "
                "trace (%d pc %#llx cause %llu tval %#llx instret %llu)",
                i, p->reason, (unsigned long long)p->pc, (unsigned long long)p->cause,
                (unsigned long long)p->tval, (unsigned long long)p->instret, q->reason,
                (unsigned long long)q->pc, (unsigned long long)q->cause,
                (unsigned long long)q->tval, (unsigned long long)q->instret);
    }
    REQUIRE(a->nev == b->nev, "fast stopped %u times, trace %u", a->nev, b->nev);
    for (unsigned i = 0; i < 32; i++) {
        REQUIRE(a->x[i] == b->x[i], "x%u: fast %#llx, trace %#llx", i,
                (unsigned long long)a->x[i], (unsigned long long)b->x[i]);
        REQUIRE(a->f[i] == b->f[i], "f%u: fast %#llx, trace %#llx", i,
                (unsigned long long)a->f[i], (unsigned long long)b->f[i]);
    }
    REQUIRE(a->pc == b->pc && a->fflags == b->fflags && a->frm == b->frm,
            "pc %#llx/%#llx fflags %#x/%#x frm %u/%u", (unsigned long long)a->pc,
            (unsigned long long)b->pc, a->fflags, b->fflags, a->frm, b->frm);
    REQUIRE(memcmp(a->data, b->data, sizeof(a->data)) == 0, "data pages differ");
}

static void check_disasm(uint32_t insn, uint64_t pc, int sizes_too)
{
    char full[160];
    memset(full, 0x5a, sizeof(full));
    int len = hart_disasm(insn, pc, full, sizeof(full));
    REQUIRE(len == (int)insn_len(insn), "hart_disasm(%#x) returned %d", insn, len);
    size_t n = strnlen(full, sizeof(full));
    REQUIRE(n > 0 && n < 100, "hart_disasm(%#x): %zu characters", insn, n);
    for (size_t i = 0; i < n; i++)
        REQUIRE(full[i] >= 0x20 && full[i] < 0x7f, "hart_disasm(%#x): byte %#x in '%s'", insn,
                (unsigned)(unsigned char)full[i], full);
    if (!sizes_too)
        return;
    const size_t sizes[] = {0, 1, 2, 7, n, n + 1};
    for (unsigned k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        size_t cap = sizes[k];
        /* Exactly cap bytes from malloc: a write past them is an ASan report. */
        char *buf = malloc(cap ? cap : 1);
        REQUIRE(buf != NULL, "malloc");
        if (cap)
            memset(buf, 0x5a, cap);
        REQUIRE(hart_disasm(insn, pc, buf, cap) == len, "length changes with the buffer");
        if (cap) {
            size_t m = strnlen(buf, cap);
            REQUIRE(m < cap, "hart_disasm(%#x) into %zu bytes: no NUL", insn, cap);
            REQUIRE(memcmp(buf, full, m) == 0, "hart_disasm(%#x) into %zu bytes: '%s' is not a "
                    "prefix of '%s'", insn, cap, buf, full);
            if (cap > n)
                REQUIRE(m == n, "hart_disasm(%#x) into %zu bytes: '%s' for '%s'", insn, cap,
                        buf, full);
        }
        free(buf);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *devnull;
    static struct result fast, traced;      /* large: off the stack */
    if (!devnull) {
        devnull = fopen("/dev/null", "w");
        REQUIRE(devnull != NULL, "/dev/null");
    }
    uint8_t hdr[HDR] = {0};
    size_t nh = size < HDR ? size : HDR;
    memcpy(hdr, data, nh);
    const uint8_t *code = data + nh;
    size_t ncode = size - nh;
    if (ncode > CODE_BYTES)
        ncode = CODE_BYTES;

    static struct space s;
    if (!s.h.dcache)
        REQUIRE(hart_init(&s.h, 0, &sp_ops, &s) == 0, "hart_init");
    s.code = aligned_alloc(PAGE, CODE_BYTES);
    s.data = aligned_alloc(PAGE, 2 * PAGE);
    REQUIRE(s.code && s.data, "aligned_alloc");
    memset(s.code, 0, CODE_BYTES);  /* 0x0000: the defined illegal instruction */
    memcpy(s.code, code, ncode);
    /* Data: the input again (so values and addresses the fuzzer chose
     * are loaded), then a fixed pattern. */
    for (unsigned i = 0; i < 2 * PAGE; i++)
        s.data[i] = i < size ? data[i] : (uint8_t)(i * 37u);
    uint8_t data0[2 * PAGE];
    memcpy(data0, s.data, sizeof(data0));

    run(&s, hdr, 0, devnull, &fast);
    memcpy(s.data, data0, sizeof(data0));
    run(&s, hdr, 1, devnull, &traced);
    compare(&fast, &traced);

    /* The disassembler over the same bytes, every halfword position; the
     * six buffer sizes at one position in 16 (the header picks which),
     * since they took half of each execution when done everywhere. */
    size_t npos = ncode / 2 < MAX_DISASM ? ncode / 2 : MAX_DISASM;
    for (size_t i = 0; i < npos; i++) {
        uint64_t pc = CODE + 2 * i;
        check_disasm(raw_at(&s, pc), pc, (i & 15) == (hdr[3] & 15u));
    }
    /* And raw words as they come, whatever the low bits, at a far pc. */
    if (size >= 4) {
        uint32_t w;
        memcpy(&w, data + size - 4, 4);
        check_disasm(w, UINT64_MAX - 1, 1);
    }

    free(s.code);
    free(s.data);
    return 0;
}
