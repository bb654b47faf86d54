/* The experiment API: callbacks a harness registers on a machine (the
 * run loop in run.c calls the sampler; the kernel and process.c report
 * ROI events and exits through the notify functions here). */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

#include "machine.h"

int mmsim_machine_on_sample(mmsim_machine *m, uint64_t every_cycles, mmsim_sample_fn cb,
                            void *user)
{
    if (!m)
        return MMSIM_ERR_INVALID;
    if (m->in_callback)
        return machine_err(m, MMSIM_ERR_STATE, "cannot change callbacks from a callback");
    if (cb && !every_cycles)
        return machine_err(m, MMSIM_ERR_INVALID, "sampling interval of 0 cycles");
    m->on_sample = cb;
    m->sample_user = user;
    m->sample_every = cb ? every_cycles : 0;
    m->next_sample = UINT64_MAX;
    if (cb) {
        /* The first multiple after now: a sampler registered mid-run does
         * not report the boundaries it missed. */
        uint64_t now = mmsim_machine_cycle(m);
        uint64_t next = now - now % every_cycles;
        m->next_sample = next > UINT64_MAX - every_cycles ? UINT64_MAX : next + every_cycles;
    }
    return MMSIM_OK;
}

int mmsim_machine_on_roi(mmsim_machine *m, mmsim_roi_fn cb, void *user)
{
    if (!m)
        return MMSIM_ERR_INVALID;
    if (m->in_callback)
        return machine_err(m, MMSIM_ERR_STATE, "cannot change callbacks from a callback");
    m->on_roi = cb;
    m->roi_user = user;
    return MMSIM_OK;
}

int mmsim_machine_on_exit(mmsim_machine *m, mmsim_exit_fn cb, void *user)
{
    if (!m)
        return MMSIM_ERR_INVALID;
    if (m->in_callback)
        return machine_err(m, MMSIM_ERR_STATE, "cannot change callbacks from a callback");
    m->on_exit = cb;
    m->exit_user = user;
    return MMSIM_OK;
}

void machine_notify_roi(struct mmsim_machine *m, int begin, unsigned cpu, uint64_t cycle)
{
    if (!m->on_roi || m->in_callback)
        return;
    m->in_callback = 1;
    if (m->on_roi(m, begin, cpu, cycle, m->roi_user))
        m->cb_stop = 1;
    m->in_callback = 0;
}

void machine_notify_exit(struct mmsim_machine *m, mmsim_process *p)
{
    if (!m->on_exit || m->in_callback)
        return;
    int code = 0;
    mmsim_process_exit_code(p, &code);
    m->in_callback = 1;
    if (m->on_exit(m, p, code, m->exit_user))
        m->cb_stop = 1;
    m->in_callback = 0;
}

/* ---- The run's summary ---------------------------------------------------- */

/* Where loads, stores and fetches were satisfied (the cpuN.mem.* classes). */
static const struct {
    const char *stat, *label;
} report_classes[] = {
    {"l1", "L1"}, {"l2", "L2"}, {"llc", "LLC"}, {"c2c_local", "C2C"},
    {"c2c_remote", "remote C2C"}, {"dram_local", "local DRAM"},
    {"dram_remote", "remote DRAM"}, {"upgrade", "upgrade"},
};
#define NCLASSES (sizeof(report_classes) / sizeof(report_classes[0]))

int mmsim_machine_write_report(const mmsim_machine *m, FILE *f, mmsim_format fmt)
{
    if (!m || !f || (fmt != MMSIM_FORMAT_TEXT && fmt != MMSIM_FORMAT_JSON))
        return MMSIM_ERR_INVALID;
    uint64_t count[NCLASSES] = {0}, ps[NCLASSES] = {0}, total = 0, insns = 0, cycles = 0;
    bool timed = false;
    for (uint32_t c = 0; c < m->topo->ncpus; c++) {
        char name[64];
        uint64_t v;
        snprintf(name, sizeof(name), "cpu%u.pipe.insns", c);
        /* CPUs that ran nothing timed do not dilute the IPC. */
        if (stats_get(m->stats, name, &v) != MMSIM_OK || !v)
            continue;
        timed = true;
        insns += v;
        snprintf(name, sizeof(name), "cpu%u.cycles", c);
        if (stats_get(m->stats, name, &v) == MMSIM_OK)
            cycles = v > cycles ? v : cycles;
        for (size_t k = 0; k < NCLASSES; k++) {
            snprintf(name, sizeof(name), "cpu%u.mem.%s.count", c, report_classes[k].stat);
            if (stats_get(m->stats, name, &v) == MMSIM_OK) {
                count[k] += v;
                total += v;
            }
            snprintf(name, sizeof(name), "cpu%u.mem.%s.ps", c, report_classes[k].stat);
            if (stats_get(m->stats, name, &v) == MMSIM_OK)
                ps[k] += v;
        }
    }
    double ipc = cycles ? (double)insns / (double)cycles : 0;
    if (fmt == MMSIM_FORMAT_JSON) {
        fprintf(f, "{\"timed\": %s, \"insns\": %" PRIu64 ", \"cycles\": %" PRIu64
                   ", \"ipc\": %.4f, \"accesses\": %" PRIu64 ", \"classes\": {",
                timed ? "true" : "false", insns, cycles, ipc, total);
        for (size_t k = 0; k < NCLASSES; k++)
            fprintf(f, "%s\"%s\": {\"count\": %" PRIu64 ", \"share\": %.6f, \"avg_ns\": %.3f}",
                    k ? ", " : "", report_classes[k].stat, count[k],
                    total ? (double)count[k] / (double)total : 0.0,
                    count[k] ? (double)ps[k] / (double)count[k] / 1000.0 : 0.0);
        fputs("}}\n", f);
    } else if (timed && total) {
        fprintf(f, "IPC %.2f; memory accesses:", ipc);
        for (size_t k = 0; k < NCLASSES; k++) {
            if (!count[k] && k > 0)
                continue;
            fprintf(f, "%s %s %.2f%% (%.1f ns)", k ? "," : "", report_classes[k].label,
                    100.0 * (double)count[k] / (double)total,
                    count[k] ? (double)ps[k] / (double)count[k] / 1000.0 : 0.0);
        }
        fputc('\n', f);
    }
    return ferror(f) ? MMSIM_ERR_IO : MMSIM_OK;
}
