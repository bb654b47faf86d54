/* (Named elfload.h, not elf.h: libmmsim/ is on the include path and a
 * libmmsim/elf.h would shadow the system <elf.h> that <libelf.h> includes.) */
/* ELF64 RISC-V executables: validation, loading into an address space, and
 * the initial process stack (argc, argv, envp, auxv) exactly as Linux builds
 * it in create_elf_tables(). */
#ifndef MMSIM_ELFLOAD_H
#define MMSIM_ELFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mm;

/* Where an ET_DYN (static-pie) executable is placed: Linux's
 * ELF_ET_DYN_BASE for riscv64 Sv39 (2/3 of the 256 GiB window), page
 * aligned.  Fixed, so runs are deterministic. */
#define ELF_DYN_BASE 0x2aaaaaa000ULL

#define ELF_MAX_LOADS 32

struct elf_info {
    uint16_t type;              /* ET_EXEC or ET_DYN */
    uint64_t entry;             /* relocated */
    uint64_t bias;              /* load bias (0 for ET_EXEC) */
    uint64_t phdr;              /* guest address of the program headers, 0 if not loaded */
    uint64_t phnum, phent;
    uint64_t brk_start;         /* first page after the highest PT_LOAD */
    bool exec_stack;            /* PT_GNU_STACK with PF_X */
    unsigned nloads;
    struct elf_load_seg {
        uint64_t vaddr, memsz, offset, filesz;  /* vaddr relocated */
        unsigned prot;                          /* MM_PROT_* */
    } loads[ELF_MAX_LOADS];
};

/* Validate an ELF image in memory: ELF64, little-endian, EM_RISCV, ET_EXEC or
 * ET_DYN (static-pie), no PT_INTERP, program headers and PT_LOAD segments
 * inside the file, ascending and non-overlapping, the entry in an executable
 * segment.  name is used in messages.  Returns MMSIM_OK and fills *info, or
 * MMSIM_ERR_EXEC with "NAME: cannot execute: REASON" in err. */
int elf_check(const void *buf, size_t len, const char *name, struct elf_info *info,
              char *err, size_t errlen);

/* Read a whole file.  Returns MMSIM_OK (*buf malloc'ed, free it),
 * MMSIM_ERR_NOT_FOUND (ENOENT/ENOTDIR), MMSIM_ERR_EXEC (a directory, not
 * readable), MMSIM_ERR_IO or MMSIM_ERR_NOMEM, with "PATH: reason" in err. */
int elf_read_file(const char *path, void **buf, size_t *len, char *err, size_t errlen);

/* Map the checked image's PT_LOAD segments into mm with their permissions
 * and copy their file contents; set mm->brk_start/brk.  Returns MMSIM_OK,
 * MMSIM_ERR_GUEST_NOMEM or MMSIM_ERR_NOMEM (message in err). */
int elf_map(struct mm *mm, const void *buf, const struct elf_info *info, const char *name,
            char *err, size_t errlen);

struct elf_stack_args {
    const char *const *argv;    /* NULL-terminated */
    const char *const *envp;    /* NULL-terminated (may be NULL: empty) */
    const char *execfn;         /* AT_EXECFN string */
    const uint8_t *random16;    /* AT_RANDOM bytes */
    uint64_t hwcap;
    uint64_t uid, euid, gid, egid;
};

/* Build the initial stack at the top of mm's stack VMA (which must exist,
 * ending at stack_top).  Returns MMSIM_OK and the initial sp in *sp, or
 * MMSIM_ERR_LIMIT when arguments do not fit (E2BIG), MMSIM_ERR_GUEST_NOMEM. */
int elf_setup_stack(struct mm *mm, uint64_t stack_top, const struct elf_info *info,
                    const struct elf_stack_args *a, uint64_t *sp);

#endif
