/* Shared by `mmsim compare` and `mmsim matrix` (tools/cmd_compare.c,
 * tools/cmd_matrix.c): running a guest program on a fresh machine, the
 * statistics report read from its registry afterwards, and the output
 * formats (JSON, CSV, gnuplot plots; tools/report.c). */
#ifndef MMSIM_TOOLS_EXP_H
#define MMSIM_TOOLS_EXP_H

#include <jansson.h>
#include <stdbool.h>

#include "cli.h"

/* Exit status when a host tool the command needs (gnuplot) is missing:
 * the CLI's "not found" status, as for a missing program or workload. */
#define EXIT_NO_TOOL EXIT_NOT_FOUND

/* One guest run.  cmd names the subcommand in messages. */
struct exp_run {
    const char *cmd, *topo, *prog;
    const char *const *argv;    /* NULL-terminated, argv[0] included */
    uint64_t seed;
    bool show_output;           /* copy the guest's stdout to stderr after the run */
    bool want_stats;            /* fill stats (the statistics report) */
    bool bundled;               /* a non-zero exit is an error (else a warning) */
    /* Results */
    FILE *out;                  /* the guest's stdout, rewound; the caller closes it */
    json_t *stats;              /* exp_stats_report(), owned by the caller */
    int exit_code;
};

/* Run r->prog with r->argv on a fresh machine made from r->topo with
 * detailed timing; stdin is /dev/null, stdout a temporary file.  Returns 0,
 * or the exit status for the command after a message (125 simulator
 * error, 126 cannot execute, 127 not found, 128+N the guest was killed by
 * signal N). */
int exp_run(struct exp_run *r);

/* The statistics report of a finished run, from the machine's registry
 * (after the ROI's end when the guest marked one): simulated time, IPC,
 * memory-access latency (mean, p50/p95/p99 from the merged histograms of
 * the CPUs that ran), where accesses were served, TLBs and walks, bus,
 * memory-controller and link utilisation and queueing, numastat.  NULL
 * when out of memory. */
json_t *exp_stats_report(mmsim_machine *m);

/* Print a list of per-topology reports (each an object with "topology")
 * side by side as text. */
void report_text(json_t *reports, FILE *f);

/* JSON: the value, indented, and a newline.  0 or -1 (write error). */
int report_json(json_t *v, FILE *f);

/* CSV (RFC 4180): a header "topology,metric,value" and one row per
 * numeric leaf of each report of the list (or of one object with a
 * "topology"), the metric named by its path: object keys joined with
 * dots, array elements as [i] or, for objects, [key=value] of their first
 * member.  0 or -1. */
int report_csv(json_t *reports, FILE *f);

/* A plot: one line per series (x, y pairs), drawn by gnuplot into file
 * (.svg or .png by extension).  panels: 1 or 2 side by side. */
#define PLOT_MAX_SERIES 32
#define PLOT_MAX_POINTS 64
struct plot_series {
    char title[96];
    unsigned n;
    double x[PLOT_MAX_POINTS], y[PLOT_MAX_POINTS];
};
struct plot_panel {
    const char *title, *xlabel, *ylabel;
    bool logx, logy;
    unsigned nseries;
    struct plot_series s[PLOT_MAX_SERIES];
};
/* A heat map of an n x n matrix (row = CPU node, column = memory node). */
struct plot_matrix {
    const char *title, *unit;
    unsigned n;
    const double *v;            /* n * n, row-major; <= 0: not measured */
};

/* 0, or the exit status after a message: EXIT_USAGE for a file name
 * without .svg or .png, EXIT_NO_TOOL when gnuplot cannot be run,
 * EXIT_SIM_ERROR when it fails. */
int plot_check(const char *cmd, const char *file);
int plot_lines(const char *cmd, const char *file, const struct plot_panel *p, unsigned npanels);
int plot_heatmaps(const char *cmd, const char *file, const char *title,
                  const struct plot_matrix *m, unsigned nmat);

#endif
