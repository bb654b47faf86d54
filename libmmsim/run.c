/* The run loop: each runnable task runs on its CPU's hart; the CPU with the
 * smallest clock goes first (the timing issue turns this into the
 * scheduler of DESIGN principle 2).  Stops are handled here: ecall ->
 * syscall, trap -> signal, budget -> limits. */
#include <inttypes.h>

#include "cpu/hart.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "machine.h"

/* Instructions a hart runs before the loop looks at the others again. */
#define RUN_SLICE 100000

#define SIGILL_ 4
#define SIGTRAP_ 5
#define SIGBUS_ 7
#define SIGSEGV_ 11

static void trap(struct task *t)
{
    struct hart *h = t->hart;
    switch (h->cause) {
    case CAUSE_ILLEGAL_INSN:
        signal_fault(t, SIGILL_, 1 /* ILL_ILLOPC */, h->pc);
        break;
    case CAUSE_BREAKPOINT:
        signal_fault(t, SIGTRAP_, 1 /* TRAP_BRKPT */, h->pc);
        break;
    case CAUSE_MISALIGNED_FETCH:
    case CAUSE_MISALIGNED_LOAD:
    case CAUSE_MISALIGNED_STORE:
        signal_fault(t, SIGBUS_, 1 /* BUS_ADRALN */, h->tval);
        break;
    case CAUSE_FETCH_PAGE_FAULT:
    case CAUSE_LOAD_PAGE_FAULT:
    case CAUSE_STORE_PAGE_FAULT:
    case CAUSE_FETCH_ACCESS:
    case CAUSE_LOAD_ACCESS:
    case CAUSE_STORE_ACCESS: {
        int code = t->mm->last_fault == MM_FAULT_ACCERR ? 2 /* SEGV_ACCERR */
                                                       : 1 /* SEGV_MAPERR */;
        if (t->mm->last_fault == MM_FAULT_NOMEM) {
            /* Linux's OOM killer would pick this task: SIGKILL. */
            if (t->k->diag)
                fprintf(t->k->diag, "mmsim: guest out of memory at address 0x%" PRIx64
                        " (pc 0x%" PRIx64 "): killed\n", h->tval, h->pc);
            task_kill(t, 9);
            break;
        }
        signal_fault(t, SIGSEGV_, code, h->tval);
        break;
    }
    default:
        signal_fault(t, SIGILL_, 1, h->pc);
        break;
    }
    t->mm->last_fault = MM_OK;
}

int mmsim_machine_run(mmsim_machine *m, uint64_t max_insns)
{
    if (!m)
        return MMSIM_ERR_INVALID;
    struct guest_kernel *k = m->kernel;
    if (!k || !k->tasks)
        return machine_err(m, MMSIM_ERR_STATE, "no process to run");
    machine_clear_err(m);
    uint64_t done = 0;
    for (;;) {
        struct task *t = NULL;
        for (struct task *c = k->tasks; c; c = c->next)
            if (c->state == TASK_RUNNABLE && c->hart &&
                (!t || c->hart->cycle < t->hart->cycle ||
                 (c->hart->cycle == t->hart->cycle && c->cpu < t->cpu)))
                t = c;
        if (!t)
            return MMSIM_OK;
        if (max_insns && done >= max_insns)
            return machine_err(m, MMSIM_ERR_LIMIT, "instruction limit (%" PRIu64 ") reached",
                               max_insns);
        uint64_t budget = RUN_SLICE;
        if (max_insns && max_insns - done < budget)
            budget = max_insns - done;
        struct hart *h = t->hart;
        k->cpus[t->cpu].cur = t;
        t->started = true;
        uint64_t before = h->instret;
        enum hart_stop stop = hart_run(h, budget);
        done += h->instret - before;
        switch (stop) {
        case HART_STOP_ECALL:
            syscall_handle(t);
            break;
        case HART_STOP_EBREAK:
            signal_fault(t, SIGTRAP_, 1, h->pc);
            break;
        case HART_STOP_TRAP:
            trap(t);
            break;
        case HART_STOP_REQUEST:
            h->stop_request = 0;
            break;
        case HART_STOP_BUDGET:
        default:
            break;
        }
        if (t->state == TASK_RUNNABLE)
            signal_deliver(t);
    }
}
