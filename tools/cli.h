/* Shared helpers of the mmsim subcommands (tools/cmd_*.c).
 *
 * Each subcommand is `int cmd_NAME(int argc, char **argv)` with argv[0] the
 * subcommand's name; it parses its options with getopt_long and returns the
 * process exit status.  Exit codes follow env(1) (docs/CLI.md): the guest's
 * own status passes through; 125 simulator or configuration error; 126
 * program cannot be executed; 127 program not found; 128+N guest killed by
 * signal N; 2 usage error. */
#ifndef MMSIM_TOOLS_CLI_H
#define MMSIM_TOOLS_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "mmsim/mmsim.h"

#define EXIT_USAGE 2
#define EXIT_SIM_ERROR 125
#define EXIT_CANNOT_EXEC 126
#define EXIT_NOT_FOUND 127

/* "mmsim: " + message + newline on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Load a topology by bundled name or file path (NULL: the default NUMA
 * topology).  On failure print the precise message and return
 * EXIT_SIM_ERROR; on success return 0. */
int cli_load_topology(const char *arg, mmsim_topology **out);

/* Load a topology and create a machine on it; same error convention.
 * The --set overrides given so far (cli_set_add) apply to every machine
 * created, in the order given. */
int cli_create_machine(const char *topo_arg, uint64_t seed, mmsim_machine **out);

/* --set PATH=VALUE: a topology parameter override (docs/CLI.md, "Parameter
 * overrides").  0, or EXIT_USAGE after a message when arg is not
 * PATH=VALUE or there are too many. */
#define CLI_MAX_SETS 64
int cli_set_add(const char *arg);
/* Take every --set ARG / --set=ARG out of argv[1..] (up to a "--") and add
 * them: for subcommands whose arguments are all options, so that each
 * accepts --set without knowing it.  Updates *argc; 0 or EXIT_USAGE. */
int cli_sets_take(int *argc, char **argv);

/* Parse an unsigned number (decimal or 0x hex); 0 on success, -1 if bad. */
int cli_parse_u64(const char *s, uint64_t *out);

/* The -t arguments of a subcommand that takes several machines. */
#define CLI_MAX_TOPOS 16
struct cli_topos {
    const char *name[CLI_MAX_TOPOS];
    int n;
};
/* Add one (-t ARG); EXIT_USAGE after a message naming cmd when full. */
int cli_topos_add(struct cli_topos *t, const char *cmd, const char *arg);
/* None given: the default UMA and NUMA machines. */
void cli_topos_default(struct cli_topos *t);

/* Where the bundled guest workloads are (examples/guest, built): dir if
 * given, else $MMSIM_EXAMPLES_DIR, else the build tree's.  Returns the
 * path of the workload prog in buf, or NULL after a message naming cmd
 * (it cannot be read). */
const char *cli_workload(const char *cmd, const char *dir, const char *prog, char *buf,
                         size_t len);

/* Subcommands. */
int cmd_topologies(int argc, char **argv);
int cmd_hardware(int argc, char **argv);
int cmd_latency(int argc, char **argv);    /* unloaded latencies per level and node */
int cmd_compare(int argc, char **argv);    /* bundled workloads side by side */
int cmd_matrix(int argc, char **argv);     /* measured node-to-node latency matrix */
int cmd_memory(int argc, char **argv);     /* kernel/page_alloc views */
int cmd_run(int argc, char **argv);        /* run a guest program */

#endif
