/* The process API: creating a guest process from an ELF executable (a file
 * or a memory image), its state and exit status. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpu/hart.h"
#include "elfload.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/numa_maps.h"
#include "machine.h"
#include "process.h"
#include "traffic_api.h"

struct mmsim_process {
    struct mmsim_machine *m;
    struct task *t;
    /* Its numa_maps when its address space was released (the run loop
     * takes it just before; see process_snapshot_ended), or NULL. */
    char *numa_maps_at_exit;
    bool exit_notified;         /* the exit callback has seen it end */
};

static int policy_from_public(struct mmsim_machine *m, const mmsim_mempolicy *in,
                              struct mempolicy *out);

/* HWCAP bits are the ISA letters: 'I','M','A','F','D','C'. */
#define HWCAP_IMAFDC                                                           \
    ((1ULL << ('I' - 'A')) | (1ULL << ('M' - 'A')) | (1ULL << ('A' - 'A')) |   \
     (1ULL << ('F' - 'A')) | (1ULL << ('D' - 'A')) | (1ULL << ('C' - 'A')))

/* rt_sigreturn trampoline of the "[vdso]" page: li a7,139; ecall. */
static const uint32_t sigtramp_code[2] = {0x08b00893, 0x00000073};

static int setup(struct mmsim_machine *m, struct task *t, const void *image,
                 const struct elf_info *info, const char *name, const char *const *argv,
                 const char *const *envp)
{
    char err[1024];
    struct mm *mm = t->mm;
    int rc = elf_map(mm, image, info, name, err, sizeof(err));
    if (rc)
        return machine_err(m, rc, "%s", err);

    unsigned sprot = MM_PROT_R | MM_PROT_W | (info->exec_stack ? MM_PROT_X : 0);
    if (mm_map(mm, MM_STACK_TOP - MM_STACK_SIZE, MM_STACK_SIZE, sprot, VMA_STACK, "[stack]"))
        return machine_err(m, MMSIM_ERR_NOMEM, "%s: cannot map the stack", name);
    mm->stack_start = MM_STACK_TOP - MM_STACK_SIZE;

    uint64_t vdso = mm_find_free(mm, MM_PAGE_SIZE);
    if (!vdso || mm_map(mm, vdso, MM_PAGE_SIZE, MM_PROT_R | MM_PROT_X, VMA_SPECIAL, "[vdso]") ||
        mm_poke(mm, vdso, sigtramp_code, sizeof(sigtramp_code)))
        return machine_err(m, MMSIM_ERR_GUEST_NOMEM, "%s: cannot map the [vdso] page", name);
    t->g->sigtramp = vdso;

    uint8_t random16[16];
    kernel_random(t->k, random16, sizeof(random16));
    struct elf_stack_args sa = {
        .argv = argv, .envp = envp, .execfn = argv[0] ? argv[0] : name,
        .random16 = random16, .hwcap = HWCAP_IMAFDC,
        .uid = getuid(), .euid = geteuid(), .gid = getgid(), .egid = getegid(),
    };
    uint64_t sp;
    rc = elf_setup_stack(mm, MM_STACK_TOP, info, &sa, &sp);
    if (rc == MMSIM_ERR_LIMIT)
        return machine_err(m, rc, "%s: argument list too long", name);
    if (rc)
        return machine_err(m, rc, "%s: cannot build the initial stack", name);

    /* Linux's start state: every register zero but sp (a0 = 0 is the
     * rtld_fini glibc's _start expects from a kernel exec). */
    /* The registers wait in the thread's context until it first gets its
     * CPU (sched_load); the CPU's hart may hold another process's thread. */
    memset(&t->ctx, 0, sizeof(t->ctx));
    t->ctx.x[2] = sp;
    t->ctx.pc = info->entry;
    return MMSIM_OK;
}

static int create(struct mmsim_machine *m, void *image, size_t len, const char *name,
                  const char *host_path, const char *const *argv, const char *const *envp,
                  unsigned cpu, mmsim_process **out)
{
    struct guest_kernel *k = m->kernel;
    char err[1024];
    struct elf_info *info = malloc(sizeof(*info));
    if (!info) {
        free(image);
        return machine_err(m, MMSIM_ERR_NOMEM, "out of memory");
    }
    int rc = elf_check(image, len, name, info, err, sizeof(err));
    if (rc) {
        free(image);
        free(info);
        return machine_err(m, rc, "%s", err);
    }
    const char *default_argv[2] = {name, NULL};
    const char *const no_env[1] = {NULL};
    if (!argv)
        argv = default_argv;
    if (!envp)
        envp = no_env;

    struct mmsim_process *p = calloc(1, sizeof(*p));
    struct task *t = NULL;
    struct hart *h = kernel_hart(k, cpu);
    if (!p || !h || task_create(k, cpu, &t)) {
        free(p);
        free(image);
        free(info);
        return machine_err(m, MMSIM_ERR_NOMEM, "out of memory creating a process");
    }
    p->m = m;
    p->t = t;
    t->g->proc = p;
    if (host_path) {
        t->g->exe_host = realpath(host_path, NULL);
        t->g->exe = t->g->exe_host ? mmsim_strdup(t->g->exe_host) : NULL;
    } else {
        t->g->exe = mmsim_strdup(name);
    }
    if (k->root) {
        t->g->cwd = mmsim_strdup("/");
    } else {
        char cwd[PATH_MAX];
        t->g->cwd = mmsim_strdup(getcwd(cwd, sizeof(cwd)) ? cwd : "/");
    }
    /* The policy is in place before the loader touches a page: numactl
     * sets it and then execs, so the image and the stack follow it too.
     * mmsim_machine_set_mempolicy validated it already. */
    rc = !t->g->cwd ? machine_err(m, MMSIM_ERR_NOMEM, "out of memory")
                    : policy_from_public(m, &m->spawn_policy, &t->g->policy);
    if (!rc)
        rc = setup(m, t, image, info, name, argv, envp);
    free(image);
    free(info);
    if (rc) {
        task_destroy(t);        /* frees p */
        return rc;
    }
    *out = p;
    return MMSIM_OK;
}

/* Does a live thread sit on cpu? */
static bool cpu_busy(struct guest_kernel *k, unsigned cpu)
{
    for (struct task *t = k->tasks; t; t = t->next)
        if (t->cpu == cpu && (t->state == TASK_RUNNABLE || t->state == TASK_BLOCKED))
            return true;
    return false;
}

static int check_args(struct mmsim_machine *m, unsigned cpu, mmsim_process **out)
{
    if (!m->kernel)
        return machine_err(m, MMSIM_ERR_STATE, "the machine has no guest kernel");
    if (cpu >= m->topo->ncpus)
        return machine_err(m, MMSIM_ERR_RANGE, "cpu %u out of range (the machine has %u CPUs)",
                           cpu, m->topo->ncpus);
    if (cpu_busy(m->kernel, cpu))
        return machine_err(m, MMSIM_ERR_STATE, "cpu %u already runs a process", cpu);
    return MMSIM_OK;
}

int mmsim_process_create(mmsim_machine *m, const char *path, const char *const *argv,
                         const char *const *envp, unsigned cpu, mmsim_process **out)
{
    if (!out)
        return machine_err(m, MMSIM_ERR_INVALID, "NULL out pointer");
    *out = NULL;
    if (!m || !path)
        return machine_err(m, MMSIM_ERR_INVALID, "NULL machine or path");
    machine_clear_err(m);
    int rc = check_args(m, cpu, out);
    if (rc)
        return rc;
    char err[1024];
    void *image;
    size_t len;
    rc = elf_read_file(path, &image, &len, err, sizeof(err));
    if (rc)
        return machine_err(m, rc, "%s", err);
    return create(m, image, len, path, path, argv, envp, cpu, out);
}

int mmsim_process_create_mem(mmsim_machine *m, const void *buf, size_t len, const char *name,
                             const char *const *argv, const char *const *envp, unsigned cpu,
                             mmsim_process **out)
{
    if (!out)
        return machine_err(m, MMSIM_ERR_INVALID, "NULL out pointer");
    *out = NULL;
    if (!m || (!buf && len))
        return machine_err(m, MMSIM_ERR_INVALID, "NULL machine or buffer");
    machine_clear_err(m);
    if (!name)
        name = "<memory>";
    int rc = check_args(m, cpu, out);
    if (rc)
        return rc;
    void *image = malloc(len ? len : 1);
    if (!image)
        return machine_err(m, MMSIM_ERR_NOMEM, "out of memory copying the image");
    if (len)
        memcpy(image, buf, len);
    return create(m, image, len, name, NULL, argv, envp, cpu, out);
}

int process_create_empty(struct mmsim_machine *m, int cpu, const mmsim_mempolicy *pol,
                         const char *name, mmsim_process **out)
{
    struct guest_kernel *k = m->kernel;
    *out = NULL;
    if (!k)
        return machine_err(m, MMSIM_ERR_STATE, "the machine has no guest kernel");
    unsigned c;
    if (cpu < 0) {
        /* As a new thread is placed: the first idle CPU. */
        uint64_t mask[KCPU_WORDS] = {0};
        for (uint32_t i = 0; i < m->topo->ncpus; i++)
            mask[i / 64] |= 1ULL << (i % 64);
        c = sched_place(k, 0, mask);
        if (cpu_busy(k, c))
            return machine_err(m, MMSIM_ERR_STATE, "no idle CPU for %s (all %u CPUs run a process)",
                               name, m->topo->ncpus);
    } else {
        c = (unsigned)cpu;
        int rc = check_args(m, c, out);
        if (rc)
            return rc;
    }
    struct mmsim_process *p = calloc(1, sizeof(*p));
    struct task *t = NULL;
    if (!p || !kernel_hart(k, c) || task_create(k, c, &t)) {
        free(p);
        return machine_err(m, MMSIM_ERR_NOMEM, "out of memory creating a process");
    }
    p->m = m;
    p->t = t;
    t->g->proc = p;
    t->g->exe = mmsim_strdup(name);
    t->g->cwd = mmsim_strdup("/");
    int rc = !t->g->exe || !t->g->cwd ? machine_err(m, MMSIM_ERR_NOMEM, "out of memory")
                                      : policy_from_public(m, pol ? pol : &m->spawn_policy,
                                                           &t->g->policy);
    if (rc) {
        task_destroy(t);        /* frees p */
        return rc;
    }
    memset(&t->ctx, 0, sizeof(t->ctx));
    *out = p;
    return MMSIM_OK;
}

struct task *process_task(const mmsim_process *p)
{
    return p->t;
}

void mmsim_process_destroy(mmsim_process *p)
{
    /* From a callback the run loop still walks the process's task. */
    if (p && p->m->in_callback) {
        machine_err(p->m, MMSIM_ERR_STATE, "mmsim_process_destroy called from a callback: ignored");
        return;
    }
    if (p) {
        free(p->numa_maps_at_exit);
        p->numa_maps_at_exit = NULL;
        traffic_detach(p->m, p->t);
        task_destroy(p->t);
    }
}

int mmsim_process_set_stdio(mmsim_process *p, int in, int out, int err)
{
    if (!p)
        return MMSIM_ERR_INVALID;
    if (p->t->started)
        return machine_err(p->m, MMSIM_ERR_STATE, "the process has already run");
    int fds[3] = {in, out, err};
    for (int i = 0; i < 3; i++)
        if (fds[i] >= 0) {
            p->t->g->fds[i].host = fds[i];
            p->t->g->fds[i].flags = 0;     /* the caller's: never closed by us */
        }
    return MMSIM_OK;
}

int mmsim_machine_set_root(mmsim_machine *m, const char *dir)
{
    if (!m || !m->kernel)
        return MMSIM_ERR_INVALID;
    char *r = NULL;
    if (dir) {
        struct stat st;
        r = realpath(dir, NULL);
        if (!r || stat(r, &st) || !S_ISDIR(st.st_mode)) {
            free(r);
            return machine_err(m, MMSIM_ERR_NOT_FOUND, "%s: not a directory", dir);
        }
        if (strcmp(r, "/") == 0)
            r[0] = '\0';        /* "/" confines nothing: paths stay as they are */
    }
    free(m->kernel->root);
    m->kernel->root = r;
    return MMSIM_OK;
}

int mmsim_machine_set_trace(mmsim_machine *m, FILE *f)
{
    if (!m || !m->kernel)
        return MMSIM_ERR_INVALID;
    m->kernel->trace = f;
    for (uint32_t i = 0; i < m->topo->ncpus; i++)
        if (m->kernel->cpus[i].hart_ready)
            m->harts[i].trace = f;
    return MMSIM_OK;
}

int mmsim_machine_set_diag(mmsim_machine *m, FILE *f)
{
    if (!m || !m->kernel)
        return MMSIM_ERR_INVALID;
    m->kernel->diag = f;
    return MMSIM_OK;
}

mmsim_process_state mmsim_process_get_state(const mmsim_process *p)
{
    if (!p)
        return MMSIM_PROCESS_RUNNABLE;
    switch (p->t->g->state) {
    case TASK_EXITED: return MMSIM_PROCESS_EXITED;
    case TASK_KILLED: return MMSIM_PROCESS_KILLED;
    default: return MMSIM_PROCESS_RUNNABLE;
    }
}

int mmsim_process_wait_status(const mmsim_process *p, int *status)
{
    if (!p || !status)
        return MMSIM_ERR_INVALID;
    const struct tgroup *g = p->t->g;
    switch (g->state) {
    case TASK_EXITED: *status = (g->exit_code & 0xff) << 8; return MMSIM_OK;
    case TASK_KILLED: *status = g->term_sig & 0x7f; return MMSIM_OK;
    default: return MMSIM_ERR_STATE;
    }
}

int mmsim_process_exit_code(const mmsim_process *p, int *code)
{
    if (!p || !code)
        return MMSIM_ERR_INVALID;
    const struct tgroup *g = p->t->g;
    switch (g->state) {
    case TASK_EXITED: *code = g->exit_code & 0xff; return MMSIM_OK;
    case TASK_KILLED: *code = 128 + g->term_sig; return MMSIM_OK;
    default: return MMSIM_ERR_STATE;
    }
}

int mmsim_process_info_get(const mmsim_process *p, mmsim_process_info *out)
{
    if (!p || !out)
        return MMSIM_ERR_INVALID;
    const struct task *t = p->t;
    const struct tgroup *g = t->g;
    /* The CPU of its first thread while it lives; of its last thread to
     * exit afterwards. */
    uint32_t cpu = g->state == TASK_RUNNABLE ? t->cpu : g->last_cpu;
    const struct hart *h = &p->m->harts[cpu];
    memset(out, 0, sizeof(*out));
    out->pid = g->pid;
    out->cpu = cpu;
    out->insns = h->instret;
    out->cycles = h->cycle;
    out->sim_time_ps = kernel_sim_ps(t->k, h->cycle);
    out->syscalls = g->syscalls;
    out->unknown_syscalls = t->k->nr_unknown;
    out->page_faults = g->mm ? g->mm->faults : g->faults;
    out->resident_pages = g->mm ? g->mm->frames : 0;
    return MMSIM_OK;
}

int mmsim_process_set_affinity(mmsim_process *p, const unsigned *cpus, size_t n)
{
    if (!p || (!cpus && n))
        return MMSIM_ERR_INVALID;
    struct task *t = p->t;
    if (t->started)
        return machine_err(p->m, MMSIM_ERR_STATE, "the process has already run");
    uint32_t ncpus = p->m->topo->ncpus;
    uint64_t mask[KCPU_WORDS];
    memset(mask, 0, sizeof(mask));
    for (size_t i = 0; i < n; i++) {
        if (cpus[i] >= ncpus)
            return machine_err(p->m, MMSIM_ERR_RANGE,
                               "cpu %u out of range (the machine has %u CPUs)", cpus[i], ncpus);
        mask[cpus[i] / 64] |= 1ULL << (cpus[i] % 64);
    }
    if (!n)
        return machine_err(p->m, MMSIM_ERR_INVALID, "empty CPU set");
    memcpy(t->affinity, mask, sizeof(mask));
    if (!(mask[t->cpu / 64] >> (t->cpu % 64) & 1)) {
        uint32_t cpu = sched_place(t->k, t->cpu, mask);
        if (!kernel_hart(t->k, cpu))
            return machine_err(p->m, MMSIM_ERR_NOMEM, "out of memory");
        t->cpu = cpu;
        t->hart = &p->m->harts[cpu];
    }
    return MMSIM_OK;
}

int mmsim_machine_set_placement(mmsim_machine *m, mmsim_placement placement)
{
    if (!m || !m->kernel ||
        (placement != MMSIM_PLACE_FILL && placement != MMSIM_PLACE_SPREAD))
        return MMSIM_ERR_INVALID;
    m->kernel->spread = placement == MMSIM_PLACE_SPREAD;
    return MMSIM_OK;
}

int mmsim_machine_set_timing(mmsim_machine *m, mmsim_timing mode)
{
    if (!m || !m->kernel || (mode != MMSIM_TIMING_DETAILED && mode != MMSIM_TIMING_OFF &&
                             mode != MMSIM_TIMING_ROI))
        return MMSIM_ERR_INVALID;
    struct guest_kernel *k = m->kernel;
    k->timing = mode;
    /* DETAILED takes effect at the next run (which builds the memory
     * system if need be); ROI after the guest's mmsim_roi_begin(). */
    int rc = kernel_timing_set(k, k->timed && (mode == MMSIM_TIMING_DETAILED ||
                                               (mode == MMSIM_TIMING_ROI && k->roi_begin_cycle)));
    if (rc != MMSIM_OK)
        return machine_err(m, rc, "cannot build the memory system: %s", mmsim_strerror(rc));
    return MMSIM_OK;
}

int mmsim_machine_set_sched(mmsim_machine *m, uint64_t quantum_insns, uint64_t timeslice_ns)
{
    if (!m || !m->kernel)
        return MMSIM_ERR_INVALID;
    if (quantum_insns)
        m->kernel->quantum = quantum_insns;
    if (timeslice_ns)
        m->kernel->timeslice = kernel_ns_to_cycles(m->kernel, timeslice_ns);
    return MMSIM_OK;
}

int mmsim_machine_set_limits(mmsim_machine *m, const mmsim_limits *l)
{
    if (!m || !m->kernel || !l)
        return MMSIM_ERR_INVALID;
    if (!(l->timeout_s >= 0))
        return machine_err(m, MMSIM_ERR_INVALID, "negative or NaN timeout");
    if (l->max_threads > KERNEL_MAX_THREADS)
        return machine_err(m, MMSIM_ERR_RANGE, "max_threads %u above %u", l->max_threads,
                           KERNEL_MAX_THREADS);
    if (l->max_files > KFD_MAX)
        return machine_err(m, MMSIM_ERR_RANGE, "max_files %u above %u", l->max_files,
                           (unsigned)KFD_MAX);
    struct guest_kernel *k = m->kernel;
    k->max_insns = l->max_insns;
    k->max_time_ns = l->max_time_ns;
    k->timeout_s = l->timeout_s;
    k->max_threads = l->max_threads ? l->max_threads : KERNEL_MAX_THREADS;
    k->max_files = l->max_files ? l->max_files : KFD_MAX;
    k->mmc.mem_limit = (l->max_mem_bytes + MM_PAGE_SIZE - 1) >> MM_PAGE_SHIFT;
    k->mmc.limit_hit = false;
    return MMSIM_OK;
}

const char *mmsim_machine_limit_hit(const mmsim_machine *m)
{
    return m && m->kernel ? m->kernel->limit_hit : NULL;
}

/* ---- Memory policy and numa_maps ----------------------------------------- */

/* in as set_mempolicy(2) would build it on this machine (NULL: the default
 * policy).  A policy Linux would refuse is MMSIM_ERR_INVALID, with the
 * reason spelled out rather than Linux's bare EINVAL. */
static int policy_from_public(struct mmsim_machine *m, const mmsim_mempolicy *in,
                              struct mempolicy *out)
{
    memset(out, 0, sizeof(*out));
    if (!in)
        return MMSIM_OK;
    const struct mmsim_topology *t = m->topo;
    unsigned nnodes = t->nnodes;
    nodemask_t all = nnodes >= 64 ? ~(nodemask_t)0 : NODEMASK_OF(nnodes) - 1;
    nodemask_t mem = mempolicy_memory_nodes(t);
    const unsigned known = MMSIM_MPOL_F_STATIC_NODES | MMSIM_MPOL_F_RELATIVE_NODES;
    char list[256], valid[256];
    if (in->mode < 0 || in->mode >= MPOL_MAX)
        return machine_err(m, MMSIM_ERR_INVALID, "unknown memory policy mode %d (0-%d)",
                           in->mode, MPOL_MAX - 1);
    if (in->flags & ~known)
        return machine_err(m, MMSIM_ERR_INVALID, "unknown memory policy flags %#x",
                           in->flags & ~known);
    if ((in->flags & known) == known)
        return machine_err(m, MMSIM_ERR_INVALID,
                           "MMSIM_MPOL_F_STATIC_NODES and MMSIM_MPOL_F_RELATIVE_NODES "
                           "exclude each other");
    const char *name = mempolicy_mode_name(in->mode);
    if (in->nodes & ~all)
        return machine_err(m, MMSIM_ERR_INVALID, "%s policy: node %u does not exist (nodes 0-%u)",
                           name, nodemask_first(in->nodes & ~all), nnodes - 1);
    bool no_nodes = in->mode == MPOL_DEFAULT || in->mode == MPOL_LOCAL;
    bool needs_nodes = !no_nodes && in->mode != MPOL_PREFERRED;
    if (no_nodes && in->nodes)
        return machine_err(m, MMSIM_ERR_INVALID, "the %s policy takes no nodes", name);
    if (needs_nodes && !in->nodes)
        return machine_err(m, MMSIM_ERR_INVALID, "the %s policy needs at least one node", name);
    /* RELATIVE folds the mask onto the nodes with memory: any node will do. */
    if (in->nodes && !(in->flags & MMSIM_MPOL_F_RELATIVE_NODES) && !(in->nodes & mem)) {
        numa_maps_nodelist(in->nodes, list, sizeof(list));
        numa_maps_nodelist(mem, valid, sizeof(valid));
        return machine_err(m, MMSIM_ERR_INVALID,
                           "%s policy: no memory on node%s %s (nodes with memory: %s)", name,
                           nodemask_weight(in->nodes) > 1 ? "s" : "", list, valid);
    }
    nodemask_t nodes = in->nodes;
    int err = mempolicy_init(out, in->mode, in->flags, &nodes, t);
    if (err)
        return machine_err(m, MMSIM_ERR_INVALID,
                           "invalid memory policy (mode %s, flags %#x, nodes %#llx): %s", name,
                           in->flags, (unsigned long long)in->nodes, strerror(-err));
    memcpy(out->weights, in->weights, sizeof(out->weights));
    return MMSIM_OK;
}

int mmsim_process_set_mempolicy(mmsim_process *p, const mmsim_mempolicy *pol)
{
    if (!p)
        return MMSIM_ERR_INVALID;
    machine_clear_err(p->m);
    struct tgroup *g = p->t->g;
    if (g->state != TASK_RUNNABLE || !g->mm)
        return machine_err(p->m, MMSIM_ERR_STATE, "the process has ended");
    struct mempolicy np;
    int rc = policy_from_public(p->m, pol, &np);
    if (rc)
        return rc;
    g->policy = np;
    /* As set_mempolicy(2): interleaving restarts at the policy's first node. */
    g->mm->il_next = 0;
    return MMSIM_OK;
}

int mmsim_process_get_mempolicy(const mmsim_process *p, mmsim_mempolicy *out)
{
    if (!p || !out)
        return p ? machine_err(p->m, MMSIM_ERR_INVALID, "NULL out pointer") : MMSIM_ERR_INVALID;
    const struct mempolicy *pol = &p->t->g->policy;
    memset(out, 0, sizeof(*out));
    out->mode = pol->mode;
    out->flags = pol->flags & (MMSIM_MPOL_F_STATIC_NODES | MMSIM_MPOL_F_RELATIVE_NODES);
    /* What get_mempolicy(2) reports: the nodes as given for the STATIC and
     * RELATIVE flavours, else the effective ones. */
    if (pol->mode != MPOL_DEFAULT && pol->mode != MPOL_LOCAL)
        out->nodes = out->flags ? pol->user_nodes : pol->nodes;
    memcpy(out->weights, pol->weights, sizeof(out->weights));
    return MMSIM_OK;
}

int mmsim_machine_set_mempolicy(mmsim_machine *m, const mmsim_mempolicy *pol)
{
    if (!m)
        return MMSIM_ERR_INVALID;
    machine_clear_err(m);
    struct mempolicy np;
    int rc = policy_from_public(m, pol, &np);
    if (rc)
        return rc;
    if (pol)
        m->spawn_policy = *pol;
    else
        memset(&m->spawn_policy, 0, sizeof(m->spawn_policy));
    return MMSIM_OK;
}

int mmsim_process_print_numa_maps(const mmsim_process *p, FILE *f)
{
    if (!p || !f)
        return p ? machine_err(p->m, MMSIM_ERR_INVALID, "NULL stream") : MMSIM_ERR_INVALID;
    machine_clear_err(p->m);
    const struct tgroup *g = p->t->g;
    if (g->mm) {
        if (kernel_print_numa_maps(g->mm, &g->policy, p->m->topo, f))
            return machine_err(p->m, MMSIM_ERR_IO, "cannot write numa_maps: %s",
                               strerror(errno ? errno : EIO));
        return MMSIM_OK;
    }
    if (!p->numa_maps_at_exit)
        return machine_err(p->m, MMSIM_ERR_STATE,
                           "the address space of pid %u is gone and no numa_maps was kept",
                           (unsigned)g->pid);
    if (fputs(p->numa_maps_at_exit, f) == EOF || ferror(f))
        return machine_err(p->m, MMSIM_ERR_IO, "cannot write numa_maps: %s",
                           strerror(errno ? errno : EIO));
    return MMSIM_OK;
}

void process_snapshot_ended(struct guest_kernel *k)
{
    for (struct tgroup *g = k->groups; g; g = g->next) {
        if (g->state == TASK_RUNNABLE || g->released || !g->proc)
            continue;
        if (g->mm && !g->proc->numa_maps_at_exit)
            /* Out of host memory: nothing is kept, and printing says so. */
            g->proc->numa_maps_at_exit = kernel_numa_maps_text(g->mm, &g->policy, k->m->topo);
        if (!g->proc->exit_notified) {
            g->proc->exit_notified = true;
            machine_notify_exit(k->m, g->proc);
        }
    }
}

void process_free_all(struct mmsim_machine *m)
{
    traffic_free_all(m);
    if (!m->kernel)
        return;
    for (struct tgroup *g = m->kernel->groups; g; g = g->next)
        if (g->proc) {
            free(g->proc->numa_maps_at_exit);
            g->proc->numa_maps_at_exit = NULL;
        }
}
