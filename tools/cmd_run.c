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

extern char **environ;

static void usage(FILE *f)
{
    fputs("usage: mmsim run [options] PROGRAM [ARGS...]\n"
          "Run a static RISC-V Linux executable (riscv64-linux-gnu-gcc -static) in\n"
          "syscall-emulation mode.  Guest output is mmsim's; the summary goes to stderr.\n"
          "\n"
          "  -t, --topology TOPO      bundled topology name or YAML file (default: NUMA)\n"
          "      --physcpubind=CPU    run the program on CPU (default 0)\n"
          "      --max-insns N        stop after N instructions (exit status 125)\n"
          "      --seed N             seed of every pseudo-random choice (default 0)\n"
          "      --trace[=FILE]       instruction and syscall trace (default: stderr)\n"
          "      --stats FILE         write all statistics as JSON to FILE\n"
          "      --root DIR           confine the guest's file system to DIR\n"
          "  -q, --quiet              no summary\n"
          "  -h, --help               this help\n"
          "\n"
          "Exit status: the program's; 128+N if signal N killed it; 125 simulator\n"
          "error; 126 cannot execute; 127 not found.\n", f);
}

enum { OPT_PHYSCPU = 256, OPT_MAXINSNS, OPT_SEED, OPT_TRACE, OPT_STATS, OPT_ROOT };

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
    bool trace = false, quiet = false;
    uint64_t cpu = 0, max_insns = 0, seed = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+t:qh", opts, NULL)) != -1) {
        switch (c) {
        case 't': topo = optarg; break;
        case 'q': quiet = true; break;
        case 'h': usage(stdout); return 0;
        case OPT_PHYSCPU:
            if (cli_parse_u64(optarg, &cpu) || cpu > UINT32_MAX) {
                cli_error("--physcpubind: '%s' is not a CPU number", optarg);
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
    if (optind >= argc) {
        cli_error("run: no program given (try 'mmsim run --help')");
        return EXIT_USAGE;
    }
    const char *prog = argv[optind];

    /* A guest writing to a closed pipe gets SIGPIPE itself (kernel/sys_fs.c);
     * the simulator must see EPIPE, not die. */
    signal(SIGPIPE, SIG_IGN);

    mmsim_machine *m;
    int rc = cli_create_machine(topo, seed, &m);
    if (rc)
        return rc;
    int status = EXIT_SIM_ERROR;
    FILE *tf = NULL;
    mmsim_process *p = NULL;
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
    rc = mmsim_process_create(m, prog, (const char *const *)argv + optind,
                              (const char *const *)environ, (unsigned)cpu, &p);
    if (rc != MMSIM_OK) {
        status = create_error(m, rc);
        goto out;
    }
    double t0 = now_seconds();
    rc = mmsim_machine_run(m, max_insns);
    double host_s = now_seconds() - t0;
    if (rc == MMSIM_OK) {
        mmsim_process_exit_code(p, &status);
    } else {
        cli_error("%s", mmsim_machine_errmsg(m));
        status = EXIT_SIM_ERROR;
    }
    if (!quiet)
        summary(m, p, host_s);
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
