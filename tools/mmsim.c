/* mmsim: the command-line front end of libmmsim. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"run", cmd_run, "run a static RISC-V Linux program on a simulated machine"},
    {"hardware", cmd_hardware, "show a machine as `numactl -H` does (nodes, CPUs, memory, distances)"},
    {"compare", cmd_compare, "run the bundled latency and bandwidth workloads on machines side by side (UMA vs NUMA)"},
    {"matrix", cmd_matrix, "measure the node-to-node latency (and --bandwidth) matrices, Intel MLC style, next to the SLIT"},
    {"latency", cmd_latency, "show the unloaded memory latencies a topology implies (L1 .. remote DRAM)"},
    {"memory", cmd_memory, "show the guest's physical memory: buddyinfo, zoneinfo, numastat"},
    {"topologies", cmd_topologies, "list the bundled topologies"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: mmsim [--version] [--help] COMMAND [ARGS...]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'mmsim help COMMAND' or 'mmsim COMMAND --help' describes a command.\n"
               "Exit status: the guest's own status for 'run'; 125 simulator or configuration\n"
               "error; 126 program cannot be executed; 127 program not found; 128+N guest\n"
               "killed by signal N; 2 usage error (see docs/CLI.md).\n");
}

static const struct command *find(const char *name)
{
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *a = argv[1];
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
        printf("mmsim %s (libmmsim %s)\n", MMSIM_VERSION, mmsim_version());
        return 0;
    }
    if (!strcmp(a, "help")) {
        if (argc < 3) {
            usage(stdout);
            return 0;
        }
        const struct command *c = find(argv[2]);
        if (!c) {
            cli_error("unknown command '%s' (see 'mmsim --help')", argv[2]);
            return EXIT_USAGE;
        }
        char *hargv[] = {argv[2], "--help", NULL};
        return c->fn(2, hargv);
    }
    const struct command *c = find(a);
    if (!c) {
        cli_error("unknown command '%s' (see 'mmsim --help')", a);
        return EXIT_USAGE;
    }
    /* run parses --set itself: its program's own arguments are not ours. */
    if (c->fn != cmd_run && cli_sets_take(&argc, argv))
        return EXIT_USAGE;
    return c->fn(argc - 1, argv + 1);
}
