/* ELF64 RISC-V loading with libelf, and the Linux initial stack. */
#include "elfload.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "kernel/mm.h"
#include "mmsim/mmsim.h"

#ifndef EM_RISCV
#define EM_RISCV 243
#endif
#ifndef PT_GNU_STACK
#define PT_GNU_STACK 0x6474e551
#endif

static int fail(char *err, size_t errlen, const char *name, const char *fmt, ...)
    PRINTF_LIKE(4, 5);

static int fail(char *err, size_t errlen, const char *name, const char *fmt, ...)
{
    char reason[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    mmsim_fmt(err, errlen, "%s: cannot execute: %s", name, reason);
    return MMSIM_ERR_EXEC;
}

static const char *machine_name(unsigned m)
{
    switch (m) {
    case 3: return "Intel 80386";
    case 8: return "MIPS";
    case 20: return "PowerPC";
    case 21: return "PowerPC64";
    case 22: return "S/390";
    case 40: return "ARM";
    case 62: return "x86-64";
    case 183: return "AArch64";
    case 258: return "LoongArch";
    default: return "unknown";
    }
}

static const char *type_name(unsigned t)
{
    switch (t) {
    case ET_NONE: return "ET_NONE";
    case ET_REL: return "ET_REL, a relocatable object";
    case ET_CORE: return "ET_CORE, a core dump";
    default: return "unknown";
    }
}

static unsigned seg_prot(uint32_t pf)
{
    return ((pf & PF_R) ? MM_PROT_R : 0) | ((pf & PF_W) ? MM_PROT_W : 0) |
           ((pf & PF_X) ? MM_PROT_X : 0);
}

/* Raw checks on the identification bytes and header fields, before libelf,
 * so that each defect gets its own precise message. */
static int check_header(const uint8_t *b, size_t len, const char *name, char *err,
                        size_t errlen)
{
    if (len == 0)
        return fail(err, errlen, name, "empty file");
    if (memcmp(b, ELFMAG, len < SELFMAG ? len : SELFMAG) != 0)
        return fail(err, errlen, name, "not an ELF file (bad magic number)");
    if (len < EI_NIDENT)
        return fail(err, errlen, name, "truncated ELF header (%zu bytes)", len);
    if (b[EI_CLASS] == ELFCLASS32)
        return fail(err, errlen, name, "32-bit ELF (ELFCLASS32); expected ELFCLASS64");
    if (b[EI_CLASS] != ELFCLASS64)
        return fail(err, errlen, name, "invalid ELF class %u", b[EI_CLASS]);
    if (b[EI_DATA] == ELFDATA2MSB)
        return fail(err, errlen, name, "big-endian ELF (ELFDATA2MSB); expected little-endian");
    if (b[EI_DATA] != ELFDATA2LSB)
        return fail(err, errlen, name, "invalid ELF data encoding %u", b[EI_DATA]);
    if (b[EI_VERSION] != EV_CURRENT)
        return fail(err, errlen, name, "invalid ELF version %u", b[EI_VERSION]);
    if (len < sizeof(Elf64_Ehdr))
        return fail(err, errlen, name, "truncated ELF header (%zu of %zu bytes)", len,
                    sizeof(Elf64_Ehdr));
    Elf64_Ehdr eh;
    memcpy(&eh, b, sizeof(eh));
    if (eh.e_machine != EM_RISCV)
        return fail(err, errlen, name, "wrong machine %u (%s); expected RISC-V (243)",
                    eh.e_machine, machine_name(eh.e_machine));
    if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
        return fail(err, errlen, name, "ELF type %u (%s); expected an executable", eh.e_type,
                    type_name(eh.e_type));
    if (eh.e_phnum == 0)
        return fail(err, errlen, name, "no program headers");
    if (eh.e_phentsize != sizeof(Elf64_Phdr))
        return fail(err, errlen, name, "bad program header size %u (expected %zu)",
                    eh.e_phentsize, sizeof(Elf64_Phdr));
    if (eh.e_phnum == PN_XNUM)
        return fail(err, errlen, name, "too many program headers");
    if (eh.e_phoff > len || (uint64_t)eh.e_phnum * eh.e_phentsize > len - eh.e_phoff)
        return fail(err, errlen, name,
                    "program headers extend beyond the end of the file (truncated?)");
    return MMSIM_OK;
}

/* The PT_INTERP path, made printable. */
static void interp_string(const uint8_t *b, size_t len, const GElf_Phdr *ph, char *out,
                          size_t outlen)
{
    size_t n = 0;
    if (ph->p_offset < len) {
        uint64_t avail = len - ph->p_offset;
        uint64_t max = ph->p_filesz < avail ? ph->p_filesz : avail;
        for (uint64_t i = 0; i < max && n + 1 < outlen; i++) {
            uint8_t c = b[ph->p_offset + i];
            if (!c)
                break;
            out[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
        }
    }
    out[n] = '\0';
}

int elf_check(const void *buf, size_t len, const char *name, struct elf_info *info,
              char *err, size_t errlen)
{
    const uint8_t *b = buf;
    memset(info, 0, sizeof(*info));
    int rc = check_header(b, len, name, err, errlen);
    if (rc)
        return rc;

    if (elf_version(EV_CURRENT) == EV_NONE)
        return fail(err, errlen, name, "libelf initialisation failed");
    Elf *e = elf_memory((char *)buf, len);
    if (!e)
        return fail(err, errlen, name, "%s", elf_errmsg(-1));
    GElf_Ehdr eh;
    if (elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh)) {
        rc = fail(err, errlen, name, "malformed ELF header: %s", elf_errmsg(-1));
        goto out;
    }
    info->type = eh.e_type;
    info->bias = eh.e_type == ET_DYN ? ELF_DYN_BASE : 0;
    info->entry = eh.e_entry + info->bias;
    info->phnum = eh.e_phnum;
    info->phent = eh.e_phentsize;

    uint64_t prev_end = 0, phdr_vaddr = 0;
    bool have_phdr = false;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(e, (int)i, &ph)) {
            rc = fail(err, errlen, name, "program header %u unreadable: %s", i, elf_errmsg(-1));
            goto out;
        }
        if (ph.p_type == PT_INTERP) {
            char interp[256];
            interp_string(b, len, &ph, interp, sizeof(interp));
            rc = fail(err, errlen, name,
                      "dynamically linked (PT_INTERP %s); build with -static", interp);
            goto out;
        }
        if (ph.p_type == PT_GNU_STACK)
            info->exec_stack = (ph.p_flags & PF_X) != 0;
        if (ph.p_type == PT_PHDR) {
            phdr_vaddr = ph.p_vaddr + info->bias;
            have_phdr = true;
        }
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_filesz && (ph.p_offset > len || ph.p_filesz > len - ph.p_offset)) {
            rc = fail(err, errlen, name,
                      "segment %u (PT_LOAD) extends beyond the end of the file (truncated?)", i);
            goto out;
        }
        if (ph.p_filesz > ph.p_memsz) {
            rc = fail(err, errlen, name, "segment %u: file size exceeds memory size", i);
            goto out;
        }
        if (ph.p_align > 1 && (ph.p_align & (ph.p_align - 1))) {
            rc = fail(err, errlen, name, "segment %u: alignment 0x%llx is not a power of two",
                      i, (unsigned long long)ph.p_align);
            goto out;
        }
        if (((ph.p_vaddr - ph.p_offset) & MM_PAGE_MASK) != 0) {
            rc = fail(err, errlen, name,
                      "segment %u: address and file offset differ modulo the page size", i);
            goto out;
        }
        uint64_t va = ph.p_vaddr + info->bias;
        if (va < ph.p_vaddr || va < MM_MMAP_MIN || va + ph.p_memsz < va ||
            va + ph.p_memsz > MM_STACK_TOP - MM_STACK_GAP) {
            rc = fail(err, errlen, name,
                      "segment %u at 0x%llx+0x%llx lies outside the user address space", i,
                      (unsigned long long)ph.p_vaddr, (unsigned long long)ph.p_memsz);
            goto out;
        }
        if (va < prev_end) {
            rc = fail(err, errlen, name,
                      "segment %u overlaps or precedes the previous PT_LOAD segment", i);
            goto out;
        }
        if (info->nloads == ELF_MAX_LOADS) {
            rc = fail(err, errlen, name, "more than %d PT_LOAD segments", ELF_MAX_LOADS);
            goto out;
        }
        struct elf_load_seg *s = &info->loads[info->nloads++];
        s->vaddr = va;
        s->memsz = ph.p_memsz;
        s->offset = ph.p_offset;
        s->filesz = ph.p_filesz;
        s->prot = seg_prot(ph.p_flags);
        prev_end = va + ph.p_memsz;
        if (!have_phdr && eh.e_phoff >= ph.p_offset &&
            eh.e_phoff + (uint64_t)eh.e_phnum * eh.e_phentsize <= ph.p_offset + ph.p_filesz)
            phdr_vaddr = va + (eh.e_phoff - ph.p_offset);
    }
    if (!info->nloads) {
        rc = fail(err, errlen, name, "no loadable (PT_LOAD) segments");
        goto out;
    }
    bool entry_ok = false;
    for (unsigned i = 0; i < info->nloads; i++) {
        const struct elf_load_seg *s = &info->loads[i];
        if (info->entry >= s->vaddr && info->entry < s->vaddr + s->memsz &&
            (s->prot & MM_PROT_X))
            entry_ok = true;
    }
    if (!entry_ok) {
        rc = fail(err, errlen, name, "entry point 0x%llx is not in an executable segment",
                  (unsigned long long)eh.e_entry);
        goto out;
    }
    info->phdr = phdr_vaddr;
    info->brk_start = MM_PAGE_UP(prev_end);
    rc = MMSIM_OK;
out:
    elf_end(e);
    return rc;
}

int elf_read_file(const char *path, void **buf, size_t *len, char *err, size_t errlen)
{
    *buf = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        mmsim_fmt(err, errlen, "%s: %s", path, strerror(e));
        return (e == ENOENT || e == ENOTDIR) ? MMSIM_ERR_NOT_FOUND : MMSIM_ERR_EXEC;
    }
    struct stat st;
    int stat_failed = fstat(fd, &st) != 0;
    if (stat_failed || !S_ISREG(st.st_mode)) {
        int e = stat_failed ? errno : 0;
        close(fd);
        if (!stat_failed && S_ISDIR(st.st_mode))
            mmsim_fmt(err, errlen, "%s: cannot execute: is a directory", path);
        else if (e)
            mmsim_fmt(err, errlen, "%s: %s", path, strerror(e));
        else
            mmsim_fmt(err, errlen, "%s: cannot execute: not a regular file", path);
        return MMSIM_ERR_EXEC;
    }
    size_t cap = st.st_size > 0 ? (size_t)st.st_size : 1;
    uint8_t *b = malloc(cap);
    if (!b) {
        close(fd);
        mmsim_fmt(err, errlen, "%s: out of memory reading %zu bytes", path, cap);
        return MMSIM_ERR_NOMEM;
    }
    size_t n = 0;
    while (n < cap) {
        ssize_t r = read(fd, b + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            mmsim_fmt(err, errlen, "%s: %s", path, strerror(errno));
            free(b);
            close(fd);
            return MMSIM_ERR_IO;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    *buf = b;
    *len = n;
    return MMSIM_OK;
}

int elf_map(struct mm *mm, const void *buf, const struct elf_info *info, const char *name,
            char *err, size_t errlen)
{
    const uint8_t *b = buf;
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    uint64_t prev_end = 0;      /* page-aligned end of the previous VMA */
    unsigned prev_prot = 0;
    for (unsigned i = 0; i < info->nloads; i++) {
        const struct elf_load_seg *s = &info->loads[i];
        uint64_t start = MM_PAGE_DOWN(s->vaddr), end = MM_PAGE_UP(s->vaddr + s->memsz);
        /* Segments may share a page (the end of text and the start of data):
         * that page gets the union of both permissions, as Linux's mapping of
         * the same file page twice effectively gives. */
        if (start < prev_end) {
            mm_protect(mm, start, prev_end - start, prev_prot | s->prot);
            start = prev_end;
        }
        if (start < end) {
            int rc = mm_map(mm, start, end - start, s->prot, 0, base);
            if (rc) {
                mmsim_fmt(err, errlen, "%s: cannot map segment at 0x%llx: %s", name,
                          (unsigned long long)s->vaddr, strerror(-rc));
                return rc == -ENOMEM ? MMSIM_ERR_NOMEM : MMSIM_ERR_EXEC;
            }
        }
        if (s->filesz && mm_poke(mm, s->vaddr, b + s->offset, s->filesz)) {
            mmsim_fmt(err, errlen, "%s: guest out of memory loading segment at 0x%llx", name,
                      (unsigned long long)s->vaddr);
            return MMSIM_ERR_GUEST_NOMEM;
        }
        /* prev_prot is the permission of the last mapped page: this
         * segment's own if it mapped new pages, else the union it was
         * given above (three segments can share one page: RX, R, RW). */
        prev_prot = end > prev_end ? s->prot : prev_prot | s->prot;
        prev_end = end > prev_end ? end : prev_end;
    }
    mm->brk_start = mm->brk = info->brk_start;
    return MMSIM_OK;
}

/* ---- The initial stack -------------------------------------------------- */

enum {
    AT_NULL_ = 0, AT_PHDR_ = 3, AT_PHENT_ = 4, AT_PHNUM_ = 5, AT_PAGESZ_ = 6, AT_BASE_ = 7,
    AT_FLAGS_ = 8, AT_ENTRY_ = 9, AT_UID_ = 11, AT_EUID_ = 12, AT_GID_ = 13, AT_EGID_ = 14,
    AT_HWCAP_ = 16, AT_CLKTCK_ = 17, AT_SECURE_ = 23, AT_RANDOM_ = 25, AT_HWCAP2_ = 26,
    AT_EXECFN_ = 31,
};

/* Push bytes downwards from *p; returns the guest address or 0 on fault. */
static uint64_t push(struct mm *mm, uint64_t *p, uint64_t limit, const void *src, size_t n)
{
    if (*p - limit < n)
        return 0;
    *p -= n;
    return mm_poke(mm, *p, src, n) ? 0 : *p;
}

int elf_setup_stack(struct mm *mm, uint64_t stack_top, const struct elf_info *info,
                    const struct elf_stack_args *a, uint64_t *sp)
{
    /* Linux limits argument + environment strings to a quarter of the
     * stack rlimit; our stack VMA is fixed, so keep a quarter of it. */
    uint64_t limit = stack_top - MM_STACK_SIZE / 4;
    uint64_t p = stack_top;
    size_t argc = 0, envc = 0;
    while (a->argv && a->argv[argc])
        argc++;
    while (a->envp && a->envp[envc])
        envc++;
    uint64_t *ptrs = calloc(argc + envc + 2, sizeof(uint64_t));
    if (!ptrs)
        return MMSIM_ERR_NOMEM;
    int rc = MMSIM_ERR_LIMIT;
    const uint64_t zero = 0;

    /* From the top: an 8-byte end marker, the file name (AT_EXECFN), then
     * the environment and argument strings, last argument string highest. */
    uint64_t execfn;
    if (!push(mm, &p, limit, &zero, 8) ||
        !(execfn = push(mm, &p, limit, a->execfn, strlen(a->execfn) + 1)))
        goto out;
    for (size_t i = envc; i-- > 0;)
        if (!(ptrs[argc + i] = push(mm, &p, limit, a->envp[i], strlen(a->envp[i]) + 1)))
            goto out;
    for (size_t i = argc; i-- > 0;)
        if (!(ptrs[i] = push(mm, &p, limit, a->argv[i], strlen(a->argv[i]) + 1)))
            goto out;
    p &= ~15ULL;
    uint64_t random = push(mm, &p, limit, a->random16, 16);
    if (!random)
        goto out;

    uint64_t auxv[][2] = {
        {AT_HWCAP_, a->hwcap},        {AT_PAGESZ_, MM_PAGE_SIZE}, {AT_CLKTCK_, 100},
        {AT_PHDR_, info->phdr},       {AT_PHENT_, info->phent},   {AT_PHNUM_, info->phnum},
        {AT_BASE_, 0},                {AT_FLAGS_, 0},             {AT_ENTRY_, info->entry},
        {AT_UID_, a->uid},            {AT_EUID_, a->euid},        {AT_GID_, a->gid},
        {AT_EGID_, a->egid},          {AT_SECURE_, 0},            {AT_RANDOM_, random},
        {AT_HWCAP2_, 0},              {AT_EXECFN_, execfn},       {AT_NULL_, 0},
    };
    size_t words = 1 + argc + 1 + envc + 1 + 2 * ARRAY_SIZE(auxv);
    p = (p - words * 8) & ~15ULL;
    if (p < limit)
        goto out;
    uint64_t q = p;
    uint64_t w = argc;
    rc = MMSIM_ERR_GUEST_NOMEM;
    if (mm_poke(mm, q, &w, 8))
        goto out;
    q += 8;
    for (size_t i = 0; i < argc + envc + 2; i++) {
        /* argv[0..argc-1], NULL, envp[0..envc-1], NULL */
        uint64_t v = i < argc ? ptrs[i] : i == argc ? 0 : i <= argc + envc ? ptrs[i - 1] : 0;
        if (mm_poke(mm, q, &v, 8))
            goto out;
        q += 8;
    }
    if (mm_poke(mm, q, auxv, sizeof(auxv)))
        goto out;
    *sp = p;
    rc = MMSIM_OK;
out:
    free(ptrs);
    return rc;
}
