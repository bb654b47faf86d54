/* Tasks: creation, exit, and the per-task file descriptor table. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/hart.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "machine.h"

int task_create(struct guest_kernel *k, uint32_t cpu, struct task **out)
{
    *out = NULL;
    struct mmsim_machine *m = k->m;
    struct task *t = calloc(1, sizeof(*t));
    if (!t)
        return MMSIM_ERR_NOMEM;
    t->k = k;
    t->cpu = cpu;
    t->pid = t->tid = k->next_pid++;
    uint32_t node = topo_cpu_node(m->topo, cpu);
    if (mm_create(m->physmem, m->page_alloc, &t->policy, node == UINT32_MAX ? 0 : node,
                  &t->mm)) {
        free(t);
        return MMSIM_ERR_NOMEM;
    }
    t->mm->fault_stat = &k->nr_faults;
    for (int i = 0; i < KFD_MAX; i++)
        t->fds[i].host = -1;
    /* A standard fd closed at host is closed for the guest too: the host
     * may reuse the number for a file the guest opens. */
    for (int i = 0; i < 3; i++)
        t->fds[i].host = fcntl(k->stdio[i], F_GETFD) < 0 ? -1 : k->stdio[i];
    t->next = k->tasks;
    k->tasks = t;
    *out = t;
    return MMSIM_OK;
}

void task_destroy(struct task *t)
{
    struct guest_kernel *k = t->k;
    for (struct task **pp = &k->tasks; *pp; pp = &(*pp)->next)
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    if (t->cpu < k->m->topo->ncpus && k->cpus[t->cpu].cur == t) {
        k->cpus[t->cpu].cur = NULL;
        if (t->hart) {
            hart_tlb_flush(t->hart);
            hart_icache_flush(t->hart);
        }
    }
    for (int i = 0; i < KFD_MAX; i++)
        task_fd_close(t, i);
    mm_destroy(t->mm);
    free(t->exe);
    free(t->exe_host);
    free(t->cwd);
    free(t->proc);
    free(t);
}

void task_exit(struct task *t, int code)
{
    t->state = TASK_EXITED;
    t->exit_code = code & 0xff;
}

void task_kill(struct task *t, int sig)
{
    t->state = TASK_KILLED;
    t->term_sig = sig;
}

int task_fd(struct task *t, int64_t gfd)
{
    if (gfd < 0 || gfd >= KFD_MAX || t->fds[gfd].host < 0)
        return -EBADF;
    return t->fds[gfd].host;
}

int task_fd_install(struct task *t, int host, unsigned flags, int min)
{
    for (int i = min < 0 ? 0 : min; i < KFD_MAX; i++)
        if (t->fds[i].host < 0) {
            t->fds[i].host = host;
            t->fds[i].flags = flags;
            return i;
        }
    if (flags & KFD_OWNED)
        close(host);
    return -EMFILE;
}

int task_fd_close(struct task *t, int64_t gfd)
{
    if (gfd < 0 || gfd >= KFD_MAX || t->fds[gfd].host < 0)
        return -EBADF;
    struct kfile *f = &t->fds[gfd];
    int rc = 0;
    /* Only fds the kernel opened are closed at host: the guest closing its
     * fd 1 must not close the simulator's stdout. */
    if ((f->flags & KFD_OWNED) && close(f->host) < 0 && errno != EINTR)
        rc = -errno;
    f->host = -1;
    f->flags = 0;
    return rc;
}
