/* mmsim run: run a static RISC-V Linux program on a simulated machine.
 *
 * The guest's stdin/stdout/stderr are mmsim's own, so its output is
 * byte-identical to qemu-riscv64's; everything mmsim says goes to stderr
 * (or --stats FILE).  Exit status: the guest's; 128+N when a signal killed
 * it; 125 simulator error; 126 the program cannot be executed; 127 not
 * found; 2 usage. */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define TOPO_NODES_MAX_CLI 1024

extern char **environ;

static void usage(FILE *f)
{
    fputs("usage: mmsim run [options] [BIND] PROGRAM [ARGS...] [-- [BIND] PROGRAM [ARGS...]]...\n"
          "Run a static RISC-V Linux executable (riscv64-linux-gnu-gcc -static) in\n"
          "syscall-emulation mode.  Guest output is mmsim's; the summary goes to stderr.\n"
          "\n"
          "  -t, --topology TOPO      bundled topology name or YAML file (default: NUMA)\n"
          "      --physcpubind=CPUS   run on these CPUs only (numactl list: 0-2,5 or all)\n"
          "      --cpunodebind=NODES  run on the CPUs of these nodes only\n"
          "      --quantum=N          instructions per scheduling step (default 10000)\n"
          "      --spread             place new threads round the nodes (default: fill\n"
          "                           the parent's node first)\n"
          "      --max-insns N        stop after N instructions (exit status 125)\n"
          "      --seed N             seed of every pseudo-random choice (default 0)\n"
          "      --trace[=FILE]       instruction and syscall trace (default: stderr)\n"
          "      --stats FILE         write all statistics as JSON to FILE\n"
          "      --root DIR           confine the guest's file system to DIR\n"
          "  -q, --quiet              no summary\n"
          "  -h, --help               this help\n"
          "\n"
          "Several programs separated by -- run at the same time as independent\n"
          "processes; BIND (--physcpubind, --cpunodebind) may be given for each.\n"
          "Threads are placed on idle CPUs of the allowed set, their parent's node\n"
          "first (docs/KERNEL.md).\n"
          "\n"
          "Exit status: the program's (with several, the first non-zero one in\n"
          "command order); 128+N if signal N killed it; 125 simulator error or\n"
          "guest deadlock; 126 cannot execute; 127 not found.\n", f);
}

enum {
    OPT_PHYSCPU = 256, OPT_CPUNODE, OPT_QUANTUM, OPT_MAXINSNS, OPT_SEED, OPT_TRACE, OPT_STATS,
    OPT_ROOT, OPT_SPREAD
};

#define MAX_CMDS 64

/* One program of the command line. */
struct command {
    char **argv;                /* NULL-terminated (the -- replaced by NULL) */
    const char *physcpubind, *cpunodebind;
    mmsim_process *p;
};

/* numactl's list syntax: "all", or N and N-M ranges separated by commas.
 * Sets bits in set[0..max-1]; 0 or -1 (malformed or out of range). */
static int parse_list(const char *s, unsigned max, bool *set)
{
    if (strcmp(s, "all") == 0) {
        for (unsigned i = 0; i < max; i++)
            set[i] = true;
        return 0;
    }
    const char *p = s;
    for (;;) {
        char *end;
        if (*p < '0' || *p > '9')
            return -1;
        unsigned long a = strtoul(p, &end, 10), b = a;
        p = end;
        if (*p == '-') {
            p++;
            if (*p < '0' || *p > '9')
                return -1;
            b = strtoul(p, &end, 10);
            p = end;
        }
        if (a > b || b >= max)
            return -1;
        for (unsigned long i = a; i <= b; i++)
            set[i] = true;
        if (*p == '\0')
            return 0;
        if (*p++ != ',')
            return -1;
    }
}

/* The CPU set of a command: its binds, or every CPU.  Returns the number
 * of CPUs (written to cpus), 0 after an error message. */
static unsigned cpu_set(const mmsim_topology *topo, const struct command *c, unsigned *cpus)
{
    unsigned ncpus = mmsim_topology_cpu_count(topo), nnodes = mmsim_topology_node_count(topo);
    bool *set = calloc(ncpus, sizeof(bool));
    if (!set)
        return 0;
    unsigned n = 0;
    if (c->physcpubind && parse_list(c->physcpubind, ncpus, set)) {
        cli_error("--physcpubind: '%s' is not a CPU list of this machine (CPUs 0-%u)",
                  c->physcpubind, ncpus - 1);
        goto out;
    }
    if (c->cpunodebind) {
        bool nodes[TOPO_NODES_MAX_CLI] = {false};
        if (nnodes > TOPO_NODES_MAX_CLI || parse_list(c->cpunodebind, nnodes, nodes)) {
            cli_error("--cpunodebind: '%s' is not a node list of this machine (nodes 0-%u)",
                      c->cpunodebind, nnodes - 1);
            goto out;
        }
        /* With both, the CPUs of the nodes that are also in the CPU list. */
        for (unsigned cpu = 0; cpu < ncpus; cpu++) {
            int node = mmsim_topology_cpu_node(topo, cpu);
            bool in = node >= 0 && nodes[node];
            set[cpu] = c->physcpubind ? set[cpu] && in : in;
        }
    }
    for (unsigned cpu = 0; cpu < ncpus; cpu++)
        if (!c->physcpubind && !c->cpunodebind)
            cpus[n++] = cpu;
        else if (set[cpu])
            cpus[n++] = cpu;
    if (!n)
        cli_error("no CPU left by --physcpubind/--cpunodebind");
out:
    free(set);
    return n;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int create_error(mmsim_machine *m, int rc)
{
    cli_error("%s", mmsim_machine_errmsg(m));
    switch (rc) {
    case MMSIM_ERR_NOT_FOUND: return EXIT_NOT_FOUND;
    case MMSIM_ERR_EXEC: return EXIT_CANNOT_EXEC;
    default: return EXIT_SIM_ERROR;
    }
}

static void summary(mmsim_machine *m, mmsim_process *p, double host_s)
{
    mmsim_process_info in;
    if (mmsim_process_info_get(p, &in) != MMSIM_OK)
        return;
    double sim_s = (double)in.sim_time_ps * 1e-12;
    double mips = host_s > 0 ? (double)in.insns / host_s / 1e6 : 0;
    fprintf(stderr,
            "mmsim: %" PRIu64 " instructions, %" PRIu64 " cycles, %.9f s simulated, "
            "%.3f s host, %.2f MIPS, %" PRIu64 " syscalls",
            in.insns, in.cycles, sim_s, host_s, mips, in.syscalls);
    if (in.unknown_syscalls)
        fprintf(stderr, ", %" PRIu64 " unknown syscalls", in.unknown_syscalls);
    fputc('\n', stderr);
}

int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"topology", required_argument, NULL, 't'},
        {"physcpubind", required_argument, NULL, OPT_PHYSCPU},
        {"cpunodebind", required_argument, NULL, OPT_CPUNODE},
        {"quantum", required_argument, NULL, OPT_QUANTUM},
        {"spread", no_argument, NULL, OPT_SPREAD},
        {"max-insns", required_argument, NULL, OPT_MAXINSNS},
        {"seed", required_argument, NULL, OPT_SEED},
        {"trace", optional_argument, NULL, OPT_TRACE},
        {"stats", required_argument, NULL, OPT_STATS},
        {"root", required_argument, NULL, OPT_ROOT},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *topo = NULL, *stats_path = NULL, *root = NULL, *trace_path = NULL;
    bool trace = false, quiet = false, spread = false;
    uint64_t quantum = 0, max_insns = 0, seed = 0;
    struct command cmds[MAX_CMDS];
    memset(cmds, 0, sizeof(cmds));
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+t:qh", opts, NULL)) != -1) {
        switch (c) {
        case 't': topo = optarg; break;
        case 'q': quiet = true; break;
        case 'h': usage(stdout); return 0;
        case OPT_PHYSCPU: cmds[0].physcpubind = optarg; break;
        case OPT_SPREAD: spread = true; break;
        case OPT_CPUNODE: cmds[0].cpunodebind = optarg; break;
        case OPT_QUANTUM:
            if (cli_parse_u64(optarg, &quantum) || !quantum) {
                cli_error("--quantum: '%s' is not a positive number", optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_MAXINSNS:
            if (cli_parse_u64(optarg, &max_insns) || !max_insns) {
                cli_error("--max-insns: '%s' is not a positive number", optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_SEED:
            if (cli_parse_u64(optarg, &seed)) {
                cli_error("--seed: '%s' is not a number", optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_TRACE: trace = true; trace_path = optarg; break;
        case OPT_STATS: stats_path = optarg; break;
        case OPT_ROOT: root = optarg; break;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    /* Split the rest at "--": PROGRAM ARGS... [-- [BIND] PROGRAM ARGS...]... */
    unsigned ncmds = 0;
    for (int i = optind; ncmds < MAX_CMDS;) {
        struct command *cmd = &cmds[ncmds];
        while (ncmds > 0 && i < argc && strncmp(argv[i], "--", 2) == 0 && argv[i][2]) {
            const char *a = argv[i];
            const char *v = strchr(a, '=');
            bool phys = strncmp(a, "--physcpubind", 13) == 0 && (a[13] == '=' || !a[13]);
            bool node = strncmp(a, "--cpunodebind", 13) == 0 && (a[13] == '=' || !a[13]);
            if (!phys && !node) {
                cli_error("run: only --physcpubind and --cpunodebind may follow '--' ('%s')", a);
                return EXIT_USAGE;
            }
            if (!v) {
                if (i + 1 >= argc) {
                    cli_error("run: %s needs a value", a);
                    return EXIT_USAGE;
                }
                v = argv[++i];
            } else {
                v++;
            }
            *(phys ? &cmd->physcpubind : &cmd->cpunodebind) = v;
            i++;
        }
        if (i >= argc) {
            cli_error("run: no program given (try 'mmsim run --help')");
            return EXIT_USAGE;
        }
        cmd->argv = argv + i;
        ncmds++;
        while (i < argc && strcmp(argv[i], "--") != 0)
            i++;
        if (i >= argc)
            break;
        argv[i++] = NULL;       /* ends this command's argv */
        if (ncmds == MAX_CMDS) {
            cli_error("run: at most %d programs", MAX_CMDS);
            return EXIT_USAGE;
        }
    }
    if (!ncmds) {
        cli_error("run: no program given (try 'mmsim run --help')");
        return EXIT_USAGE;
    }

    /* A guest writing to a closed pipe gets SIGPIPE itself (kernel/sys_fs.c);
     * the simulator must see EPIPE, not die. */
    signal(SIGPIPE, SIG_IGN);

    mmsim_machine *m;
    int rc = cli_create_machine(topo, seed, &m);
    if (rc)
        return rc;
    int status = EXIT_SIM_ERROR;
    FILE *tf = NULL;
    if (root && mmsim_machine_set_root(m, root) != MMSIM_OK) {
        cli_error("--root: %s", mmsim_machine_errmsg(m));
        goto out;
    }
    if (trace) {
        tf = trace_path ? fopen(trace_path, "w") : stderr;
        if (!tf) {
            cli_error("--trace: cannot open %s", trace_path);
            goto out;
        }
        mmsim_machine_set_trace(m, tf);
    }
    if (quantum)
        mmsim_machine_set_sched(m, quantum, 0);
    if (spread)
        mmsim_machine_set_placement(m, MMSIM_PLACE_SPREAD);
    const mmsim_topology *mt = mmsim_machine_topology(m);
    unsigned ncpus = mmsim_topology_cpu_count(mt);
    unsigned *cpus = calloc(ncpus, sizeof(unsigned));
    bool *taken = calloc(ncpus, sizeof(bool));
    if (!cpus || !taken) {
        cli_error("out of memory");
        free(cpus);
        free(taken);
        goto out;
    }
    for (unsigned i = 0; i < ncmds; i++) {
        struct command *cmd = &cmds[i];
        unsigned n = cpu_set(mt, cmd, cpus);
        if (!n) {
            status = EXIT_USAGE;
            break;
        }
        /* Its first thread starts on the first CPU of its set that no
         * earlier program starts on. */
        unsigned k = 0;
        while (k < n && taken[cpus[k]])
            k++;
        if (k == n) {
            cli_error("run: no free CPU for program %u (%s)", i + 1, cmd->argv[0]);
            status = EXIT_SIM_ERROR;
            break;
        }
        taken[cpus[k]] = true;
        rc = mmsim_process_create(m, cmd->argv[0], (const char *const *)cmd->argv,
                                  (const char *const *)environ, cpus[k], &cmd->p);
        if (rc == MMSIM_OK && (cmd->physcpubind || cmd->cpunodebind))
            rc = mmsim_process_set_affinity(cmd->p, cpus, n);
        if (rc != MMSIM_OK) {
            status = create_error(m, rc);
            break;
        }
    }
    free(cpus);
    free(taken);
    if (!cmds[ncmds - 1].p)
        goto out;
    double t0 = now_seconds();
    rc = mmsim_machine_run(m, max_insns);
    double host_s = now_seconds() - t0;
    if (rc == MMSIM_OK) {
        status = 0;
        for (unsigned i = 0; i < ncmds && !status; i++)
            mmsim_process_exit_code(cmds[i].p, &status);
    } else {
        cli_error("%s", mmsim_machine_errmsg(m));
        status = EXIT_SIM_ERROR;
    }
    if (!quiet)
        for (unsigned i = 0; i < ncmds; i++)
            summary(m, cmds[i].p, host_s);
    if (stats_path) {
        FILE *sf = fopen(stats_path, "w");
        if (!sf || mmsim_stats_dump(m, sf, MMSIM_FORMAT_JSON) != MMSIM_OK) {
            cli_error("--stats: cannot write %s", stats_path);
            status = EXIT_SIM_ERROR;
        }
        if (sf)
            fclose(sf);
    }
out:
    if (tf && tf != stderr)
        fclose(tf);
    mmsim_machine_destroy(m);
    return status;
}
