/* libFuzzer target: bytes -> elf_check(), and for an accepted image
 * elf_map() into a fresh address space and elf_setup_stack() (the loader's
 * whole path up to the first instruction).
 *
 * The address space is a kernel/mm.h `struct mm` over a one-node 64 MiB
 * machine built in C (physmem + page_alloc, as tests/page_alloc_testlib.h
 * does), with no hart attached; nothing of cpu/ is linked (fuzz_stubs.c).
 *
 * Invariants (a violation aborts):
 *   rejected: MMSIM_ERR_EXEC and one line "NAME: cannot execute: REASON";
 *   accepted: ET_EXEC or ET_DYN; 1..ELF_MAX_LOADS PT_LOAD segments, each
 *     with filesz <= memsz and its file bytes inside the input, inside
 *     [MM_MMAP_MIN, MM_STACK_TOP - MM_STACK_GAP), ascending and disjoint;
 *     the entry inside an executable segment; brk_start the page after the
 *     last segment;
 *   mapped: elf_map succeeds (a 64 MiB machine holds any image libFuzzer
 *     produces), every segment is covered by VMAs that allow at least its
 *     permissions, its file bytes read back exactly, the rest of its last
 *     file page reads zero, brk is set; the initial stack builds and holds
 *     argc, argv and the auxv;
 *   torn down: mm_destroy() gives every frame back (the allocator's free
 *     count equals the boot count) and page_alloc_check() passes.
 * ASan/UBSan catch the rest; the input is copied to a buffer of exactly its
 * size so any read beyond the image is reported. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/mm.h"
#include "kernel/page_alloc.h"
#include "libmmsim/elfload.h"
#include "libmmsim/topology.h"
#include "mmsim/mmsim.h"
#include "numa/physmem.h"

#define NAME "dir/fuzz.elf"
#define ET_EXEC_ 2
#define ET_DYN_ 3

#define REQUIRE(cond, ...)                                                     \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "fuzz_elf: invariant failed: %s: ", #cond);        \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
            abort();                                                           \
        }                                                                      \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_info(const struct elf_info *in, size_t size)
{
    REQUIRE(in->type == ET_EXEC_ || in->type == ET_DYN_, "type %u", in->type);
    REQUIRE(in->bias == (in->type == ET_DYN_ ? ELF_DYN_BASE : 0), "bias %#llx",
            (unsigned long long)in->bias);
    REQUIRE(in->nloads >= 1 && in->nloads <= ELF_MAX_LOADS, "%u loads", in->nloads);
    REQUIRE(in->phent == 56 && in->phnum >= in->nloads, "phent %llu phnum %llu",
            (unsigned long long)in->phent, (unsigned long long)in->phnum);
    uint64_t prev_end = 0;
    int entry_ok = 0;
    for (unsigned i = 0; i < in->nloads; i++) {
        const struct elf_load_seg *s = &in->loads[i];
        REQUIRE(s->memsz > 0 && s->filesz <= s->memsz, "segment %u filesz %#llx memsz %#llx", i,
                (unsigned long long)s->filesz, (unsigned long long)s->memsz);
        REQUIRE(!s->filesz || (s->offset <= size && s->filesz <= size - s->offset),
                "segment %u file bytes outside the image", i);
        REQUIRE(s->vaddr >= MM_MMAP_MIN && s->vaddr + s->memsz > s->vaddr &&
                    s->vaddr + s->memsz <= MM_STACK_TOP - MM_STACK_GAP,
                "segment %u at %#llx+%#llx outside user space", i, (unsigned long long)s->vaddr,
                (unsigned long long)s->memsz);
        REQUIRE(s->vaddr >= prev_end, "segment %u overlaps the previous one", i);
        REQUIRE(((s->vaddr - s->offset) & MM_PAGE_MASK) == 0, "segment %u misaligned", i);
        REQUIRE((s->prot & ~(MM_PROT_R | MM_PROT_W | MM_PROT_X)) == 0, "segment %u prot", i);
        entry_ok |= in->entry >= s->vaddr && in->entry - s->vaddr < s->memsz && (s->prot & MM_PROT_X);
        prev_end = s->vaddr + s->memsz;
    }
    REQUIRE(entry_ok, "entry %#llx not in an executable segment", (unsigned long long)in->entry);
    REQUIRE(in->brk_start == MM_PAGE_UP(prev_end), "brk_start %#llx", (unsigned long long)in->brk_start);
}

/* Read guest bytes ignoring permissions (demand-pages like the loader). */
static void peek(struct mm *mm, uint64_t va, uint8_t *dst, size_t len)
{
    while (len) {
        uint8_t *host;
        enum mm_fault f = mm_lookup(mm, va, 0, false, &host);
        REQUIRE(f == MM_OK && host, "mm_lookup(%#llx): fault %d", (unsigned long long)va, f);
        size_t off = va & MM_PAGE_MASK, n = MM_PAGE_SIZE - off;
        if (n > len)
            n = len;
        memcpy(dst, host + off, n);
        dst += n;
        va += n;
        len -= n;
    }
}

static void check_mapped(struct mm *mm, const uint8_t *img, const struct elf_info *in)
{
    REQUIRE(mm->brk_start == in->brk_start && mm->brk == in->brk_start, "brk %#llx",
            (unsigned long long)mm->brk);
    for (unsigned i = 0; i < in->nloads; i++) {
        const struct elf_load_seg *s = &in->loads[i];
        /* VMAs over the whole segment (walked by VMA: bss may be huge). */
        uint64_t end = s->vaddr + s->memsz;
        for (uint64_t a = MM_PAGE_DOWN(s->vaddr); a < end;) {
            struct vma *v = mm_find_vma(mm, a);
            REQUIRE(v != NULL, "segment %u: no VMA at %#llx", i, (unsigned long long)a);
            REQUIRE((v->prot & s->prot) == s->prot, "segment %u: VMA prot %#x, segment %#x", i,
                    v->prot, s->prot);
            REQUIRE(v->end > a, "empty VMA");
            a = v->end;
        }
        /* File bytes exact; the rest of the last file page zero (bss). */
        uint64_t tail_end = MM_PAGE_UP(s->vaddr + s->filesz);
        if (tail_end > end)
            tail_end = end;
        size_t n = (size_t)(tail_end - s->vaddr);
        uint8_t *got = malloc(n ? n : 1);
        REQUIRE(got != NULL, "malloc");
        peek(mm, s->vaddr, got, n);
        /* (p_offset means nothing without file bytes: no img + offset.) */
        REQUIRE(!s->filesz || memcmp(got, img + s->offset, s->filesz) == 0,
                "segment %u contents differ", i);
        for (size_t k = s->filesz; k < n; k++)
            REQUIRE(got[k] == 0, "segment %u: bss byte %zu is %#x", i, k, got[k]);
        free(got);
    }
}

static void check_stack(struct mm *mm, const struct elf_info *in)
{
    REQUIRE(mm_map(mm, MM_STACK_TOP - MM_STACK_SIZE, MM_STACK_SIZE, MM_PROT_R | MM_PROT_W,
                   VMA_STACK, "[stack]") == 0,
            "stack VMA");
    static const char *const argv[] = {"fuzz.elf", "arg", NULL};
    static const char *const envp[] = {"A=1", NULL};
    static const uint8_t rnd[16] = {1, 2, 3};
    struct elf_stack_args a = {argv, envp, "/dir/fuzz.elf", rnd, 0x112d, 1, 2, 3, 4};
    uint64_t sp = 0;
    int rc = elf_setup_stack(mm, MM_STACK_TOP, in, &a, &sp);
    REQUIRE(rc == MMSIM_OK, "elf_setup_stack rc %d", rc);
    REQUIRE(sp % 16 == 0 && sp < MM_STACK_TOP && sp >= MM_STACK_TOP - MM_STACK_SIZE, "sp %#llx",
            (unsigned long long)sp);
    uint64_t w[4];
    peek(mm, sp, (uint8_t *)w, sizeof(w));
    REQUIRE(w[0] == 2 && w[3] == 0, "argc %llu argv[2] %#llx", (unsigned long long)w[0],
            (unsigned long long)w[3]);
    char s[16];
    peek(mm, w[1], (uint8_t *)s, 9);
    REQUIRE(memcmp(s, "fuzz.elf", 9) == 0, "argv[0]");
    /* auxv after argv + NULL + envp + NULL: AT_ENTRY (9) holds the entry. */
    uint64_t aux[2 * 18];
    peek(mm, sp + 8 * (1 + 3 + 2), (uint8_t *)aux, sizeof(aux));
    int seen = 0;
    for (unsigned i = 0; i < 18 && aux[2 * i]; i++)
        if (aux[2 * i] == 9)
            seen = aux[2 * i + 1] == in->entry;
    REQUIRE(seen, "AT_ENTRY missing or wrong");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *img = malloc(size ? size : 1);
    if (!img)
        return 0;
    if (size)
        memcpy(img, data, size);

    struct elf_info info;
    char err[1024];
    int rc = elf_check(img, size, NAME, &info, err, sizeof(err));
    if (rc != MMSIM_OK) {
        REQUIRE(rc == MMSIM_ERR_EXEC, "elf_check rc %d", rc);
        REQUIRE(strncmp(err, NAME ": cannot execute: ", strlen(NAME) + 18) == 0 &&
                    strlen(err) > strlen(NAME) + 18,
                "message '%s'", err);
        REQUIRE(strchr(err, '\n') == NULL, "message not one line: '%s'", err);
        free(img);
        return 0;
    }
    check_info(&info, size);

    /* A fresh machine: one node, 64 MiB at 2 GiB. */
    struct topo_node node = {.ncpus = 1, .mem_base = 0x80000000ULL, .mem_size = 64ULL << 20};
    uint8_t dist = 10;
    struct mmsim_topology t = {.nnodes = 1, .ncpus = 1, .nodes = &node, .distance = &dist,
                               .clock_hz = 2000000000ULL};
    struct physmem *pm;
    struct page_alloc *pa;
    REQUIRE(physmem_create(&t, &pm) == MMSIM_OK, "physmem_create");
    REQUIRE(page_alloc_create(&t, pm, &pa) == MMSIM_OK, "page_alloc_create");
    uint64_t boot_free = page_alloc_node_free_bytes(pa, 0);
    struct mm *mm;
    REQUIRE(mm_create(pm, pa, NULL, 0, &mm) == 0, "mm_create");

    rc = elf_map(mm, img, &info, NAME, err, sizeof(err));
    REQUIRE(rc == MMSIM_OK, "elf_map rc %d: %s", rc, err);
    check_mapped(mm, img, &info);
    check_stack(mm, &info);

    mm_destroy(mm);
    char msg[256];
    REQUIRE(page_alloc_check(pa, msg, sizeof(msg)) == 0, "page_alloc_check: %s", msg);
    REQUIRE(page_alloc_node_free_bytes(pa, 0) == boot_free, "frames leaked: %llu of %llu bytes free",
            (unsigned long long)page_alloc_node_free_bytes(pa, 0), (unsigned long long)boot_free);
    page_alloc_destroy(pa);
    physmem_destroy(pm);
    free(img);
    return 0;
}
