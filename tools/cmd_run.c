/* mmsim run: run a static RISC-V Linux program on a simulated machine.
 *
 * The guest's stdin/stdout/stderr are mmsim's own, so its output is
 * byte-identical to qemu-riscv64's; everything mmsim says goes to stderr
 * (or --stats FILE).  Exit status: the guest's; 128+N when a signal killed
 * it; 125 simulator error; 126 the program cannot be executed; 127 not
 * found; 2 usage. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
          "      --membind=NODES      allocate memory on these nodes only (MPOL_BIND)\n"
          "      --interleave=NODES   interleave pages over these nodes (MPOL_INTERLEAVE)\n"
          "      --preferred=NODE     allocate on NODE first, then elsewhere (MPOL_PREFERRED)\n"
          "      --localalloc         allocate on the node of the CPU that touches the page\n"
          "                           (MPOL_LOCAL); one memory policy option at most\n"
          "      --quantum=N          instructions per scheduling step (default 10000)\n"
          "      --timing=MODE        detailed (default: pipeline, caches, buses, links,\n"
          "                           memory controllers), off (functional, one cycle\n"
          "                           per instruction), roi (off until mmsim_roi_begin)\n"
          "      --spread             place new threads round the nodes (default: fill\n"
          "                           the parent's node first)\n"
          "      --max-insns N        stop after N instructions (exit status 125)\n"
          "      --max-time T         stop after simulated time T (10ms; units ns, us,\n"
          "                           ms, s; exit status 125)\n"
          "      --timeout SECONDS    stop after SECONDS of host time (exit status 125)\n"
          "      --max-mem SIZE       stop when guests hold SIZE of memory (512MiB; page\n"
          "                           tables included; exit status 125)\n"
          "      --max-threads N      live threads per process (clone: EAGAIN beyond)\n"
          "      --max-files N        RLIMIT_NOFILE of the guest (open: EMFILE beyond)\n"
          "      --seed N             seed of every pseudo-random choice (default 0)\n"
          "      --trace[=FILE]       instruction and syscall trace (default: stderr)\n"
          "      --stats FILE         write all statistics as JSON to FILE\n"
          "      --numa-maps[=FILE]   print each process's /proc/PID/numa_maps as it was\n"
          "                           when the process ended (default: stderr)\n"
          "      --root DIR           confine the guest's file system to DIR\n"
          "  -q, --quiet              no summary\n"
          "  -h, --help               this help\n"
          "\n"
          "Several programs separated by -- run at the same time as independent\n"
          "processes; BIND (--physcpubind, --cpunodebind) and one memory policy\n"
          "(--membind, --interleave, --preferred, --localalloc) may be given for each.\n"
          "Threads are placed on idle CPUs of the allowed set, their parent's node\n"
          "first (docs/KERNEL.md).\n"
          "\n"
          "Exit status: the program's (with several, the first non-zero one in\n"
          "command order); 128+N if signal N killed it; 125 simulator error or\n"
          "guest deadlock or a run limit (--max-insns, --max-time, --timeout, --max-mem: the\n"
          "statistics are still written, with run.truncated = 1); 126 cannot\n"
          "execute; 127 not found.\n", f);
}

enum {
    OPT_PHYSCPU = 256, OPT_CPUNODE, OPT_QUANTUM, OPT_MAXINSNS, OPT_SEED, OPT_TRACE, OPT_STATS,
    OPT_ROOT, OPT_SPREAD, OPT_TIMING, OPT_MAXTIME, OPT_MAXMEM, OPT_TIMEOUT, OPT_MAXTHREADS, OPT_MAXFILES,
    OPT_MEMBIND, OPT_INTERLEAVE, OPT_PREFERRED, OPT_LOCALALLOC, OPT_NUMAMAPS
};

#define MAX_CMDS 64

/* One program of the command line. */
struct command {
    char **argv;                /* NULL-terminated (the -- replaced by NULL) */
    const char *physcpubind, *cpunodebind;
    int policy_opt;             /* OPT_MEMBIND..OPT_LOCALALLOC, or 0 */
    const char *policy_arg;     /* its NODES (NULL for --localalloc) */
    mmsim_process *p;
};

static const char *policy_opt_name(int opt)
{
    switch (opt) {
    case OPT_MEMBIND: return "--membind";
    case OPT_INTERLEAVE: return "--interleave";
    case OPT_PREFERRED: return "--preferred";
    default: return "--localalloc";
    }
}

/* Record a memory policy option of a command.  numactl sets one policy, so
 * two different ones are a usage error; the same one again replaces its
 * value, as repeated options do elsewhere.  0, or EXIT_USAGE after the
 * message. */
static int add_policy_opt(struct command *c, int opt, const char *arg)
{
    if (c->policy_opt && c->policy_opt != opt) {
        cli_error("run: %s and %s are mutually exclusive (one memory policy per program)",
                  policy_opt_name(c->policy_opt), policy_opt_name(opt));
        return EXIT_USAGE;
    }
    c->policy_opt = opt;
    c->policy_arg = arg;
    return 0;
}

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

/* set[0..n-1] in the list syntax ("0-1,3"; "none" when empty). */
static void format_list(const bool *set, unsigned n, char *buf, size_t len)
{
    size_t k = 0;
    buf[0] = '\0';
    for (unsigned a = 0; a < n && k < len; a++) {
        if (!set[a])
            continue;
        unsigned b = a;
        while (b + 1 < n && set[b + 1])
            b++;
        int w = b > a ? snprintf(buf + k, len - k, "%s%u-%u", k ? "," : "", a, b)
                      : snprintf(buf + k, len - k, "%s%u", k ? "," : "", a);
        if (w < 0)
            break;
        k += (size_t)w;
        a = b;
    }
    if (!k)
        snprintf(buf, len, "none");
}

/* The memory policy of a command's options into *pol (all-zero: none
 * given).  Node lists are numactl's; "all" means every node with memory,
 * as numactl takes it, while a node named explicitly must exist and have
 * memory.  0, or -1 after the message. */
static int policy_of(const mmsim_topology *topo, const struct command *c, mmsim_mempolicy *pol)
{
    memset(pol, 0, sizeof(*pol));
    if (!c->policy_opt)
        return 0;
    if (c->policy_opt == OPT_LOCALALLOC) {
        pol->mode = MMSIM_MPOL_LOCAL;
        return 0;
    }
    const char *opt = policy_opt_name(c->policy_opt);
    unsigned nnodes = mmsim_topology_node_count(topo);
    bool set[64] = {false}, mem[64] = {false};
    for (unsigned n = 0; n < nnodes && n < 64; n++) {
        mmsim_node_info in;
        mem[n] = mmsim_topology_node_info(topo, n, &in) == MMSIM_OK && in.mem_size;
    }
    char valid[256];
    format_list(mem, nnodes < 64 ? nnodes : 64, valid, sizeof(valid));
    if (nnodes > 64 || parse_list(c->policy_arg, nnodes, set)) {
        cli_error("%s: '%s' is not a node list of this machine (nodes 0-%u; with memory: %s)",
                  opt, c->policy_arg, nnodes - 1, valid);
        return -1;
    }
    bool all = strcmp(c->policy_arg, "all") == 0;
    unsigned count = 0;
    for (unsigned n = 0; n < nnodes; n++) {
        if (set[n] && !mem[n]) {
            if (all)
                continue;
            cli_error("%s: node %u has no memory (nodes with memory: %s)", opt, n, valid);
            return -1;
        }
        if (set[n]) {
            pol->nodes |= 1ULL << n;
            count++;
        }
    }
    switch (c->policy_opt) {
    case OPT_MEMBIND: pol->mode = MMSIM_MPOL_BIND; break;
    case OPT_INTERLEAVE: pol->mode = MMSIM_MPOL_INTERLEAVE; break;
    default:
        if (count != 1) {
            cli_error("--preferred: '%s' is not a single node (nodes with memory: %s)",
                      c->policy_arg, valid);
            return -1;
        }
        pol->mode = MMSIM_MPOL_PREFERRED;
        break;
    }
    return 0;
}

struct unit {
    const char *name;
    uint64_t mult;
};

/* A positive whole number followed by one of the units (no blanks) into
 * *out; -1 when malformed, zero, or beyond 64 bits. */
static int parse_with_unit(const char *s, const struct unit *units, size_t n, uint64_t *out)
{
    if (*s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (strcmp(end, units[i].name) == 0) {
            if (!v || v > UINT64_MAX / units[i].mult)
                return -1;
            *out = (uint64_t)v * units[i].mult;
            return 0;
        }
    return -1;
}

/* "10ms": a whole number and a unit (ns, us, ms, s) into nanoseconds. */
static int parse_duration(const char *s, uint64_t *ns)
{
    static const struct unit units[] = {
        {"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000},
    };
    return parse_with_unit(s, units, sizeof(units) / sizeof(units[0]), ns);
}

/* A size with a binary unit, as the topology files write them: 512MiB,
 * 4GiB, 64KiB, or plain bytes. */
static int parse_size(const char *s, uint64_t *bytes)
{
    static const struct unit units[] = {
        {"", 1}, {"B", 1}, {"KiB", 1ull << 10}, {"MiB", 1ull << 20}, {"GiB", 1ull << 30},
        {"TiB", 1ull << 40},
    };
    return parse_with_unit(s, units, sizeof(units) / sizeof(units[0]), bytes);
}

/* A duration in the largest unit that divides it: "10 ms". */
static void format_duration(uint64_t ns, char *buf, size_t len)
{
    if (ns % 1000000000 == 0)
        snprintf(buf, len, "%" PRIu64 " s", ns / 1000000000);
    else if (ns % 1000000 == 0)
        snprintf(buf, len, "%" PRIu64 " ms", ns / 1000000);
    else if (ns % 1000 == 0)
        snprintf(buf, len, "%" PRIu64 " us", ns / 1000);
    else
        snprintf(buf, len, "%" PRIu64 " ns", ns);
}

/* A report file (--stats, --numa-maps=FILE): written to a temporary file
 * FILE.XXXXXX created before the guest runs (so an unwritable directory is
 * an error up front) and renamed over FILE once complete, so no partial
 * file is ever left looking complete.  A FILE that exists and is not a
 * regular file (/dev/stdout, a FIFO, /dev/full) is written in place. */
struct report {
    const char *opt;    /* the option, for messages */
    const char *path;
    char *tmp;          /* NULL: written in place */
    FILE *f;
};

static int report_open(struct report *r, const char *opt, const char *path)
{
    memset(r, 0, sizeof(*r));
    r->opt = opt;
    r->path = path;
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        r->f = fopen(path, "w");
        if (!r->f) {
            cli_error("%s: cannot open %s: %s", opt, path, strerror(errno));
            return -1;
        }
        return 0;
    }
    size_t n = strlen(path);
    r->tmp = malloc(n + 8);
    if (!r->tmp) {
        cli_error("out of memory");
        return -1;
    }
    memcpy(r->tmp, path, n);
    memcpy(r->tmp + n, ".XXXXXX", 8);
    int fd = mkstemp(r->tmp);
    if (fd < 0) {
        cli_error("%s: cannot write %s: %s (cannot create a temporary file in its "
                  "directory)", opt, path, strerror(errno));
        free(r->tmp);
        r->tmp = NULL;
        return -1;
    }
    /* mkstemp makes it 0600; a report is an ordinary file (0666 & ~umask). */
    mode_t um = umask(0);
    umask(um);
    fchmod(fd, 0666 & ~um);
    r->f = fdopen(fd, "w");
    if (!r->f) {
        cli_error("%s: %s: %s", opt, r->tmp, strerror(errno));
        close(fd);
        unlink(r->tmp);
        free(r->tmp);
        r->tmp = NULL;
        return -1;
    }
    return 0;
}

/* Abandon the report: no file is left behind. */
static void report_discard(struct report *r)
{
    if (r->f)
        fclose(r->f);
    if (r->tmp) {
        unlink(r->tmp);
        free(r->tmp);
    }
    memset(r, 0, sizeof(*r));
}

/* The contents are written (rc: their writer's result): flush, close and
 * put the file in place; -1 after a message. */
static int report_close(struct report *r, int rc)
{
    int err = 0;
    if (fflush(r->f) != 0 || ferror(r->f))
        err = errno ? errno : EIO;
    if (!err && r->tmp && fsync(fileno(r->f)) != 0)
        err = errno;
    int closed = fclose(r->f);
    r->f = NULL;
    if (!err && closed != 0)
        err = errno ? errno : EIO;
    if (!err && rc != 0)
        err = EIO;
    if (!err && r->tmp && rename(r->tmp, r->path) != 0)
        err = errno;
    if (err) {
        cli_error("%s: cannot write %s: %s", r->opt, r->path, strerror(err));
        report_discard(r);
        return -1;
    }
    free(r->tmp);
    r->tmp = NULL;
    return 0;
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

static void summary(mmsim_machine *m, mmsim_process *p, double host_s, const char *truncated)
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
    if (truncated)
        fprintf(stderr, ", truncated (%s)", truncated);
    fputc('\n', stderr);
}

/* The memory-latency breakdown at a glance (detailed timing only): where
 * the loads, stores and fetches of all CPUs were satisfied, with each
 * class's share and average latency, and the machine's IPC. */
static void memory_summary(mmsim_machine *m)
{
    static const struct { const char *stat, *label; } cls[] = {
        {"l1", "L1"}, {"l2", "L2"}, {"llc", "LLC"}, {"c2c_local", "C2C"},
        {"c2c_remote", "remote C2C"}, {"dram_local", "local DRAM"},
        {"dram_remote", "remote DRAM"}, {"upgrade", "upgrade"},
    };
    enum { NCLS = sizeof(cls) / sizeof(cls[0]) };
    uint64_t count[NCLS] = {0}, ps[NCLS] = {0}, total = 0, insns = 0, cycles = 0;
    unsigned ncpus = mmsim_topology_cpu_count(mmsim_machine_topology(m));
    bool timed = false;
    for (unsigned c = 0; c < ncpus; c++) {
        char name[64];
        uint64_t v;
        snprintf(name, sizeof(name), "cpu%u.pipe.insns", c);
        if (mmsim_stats_get(m, name, &v) != MMSIM_OK || !v)
            continue;
        timed = true;
        insns += v;
        snprintf(name, sizeof(name), "cpu%u.cycles", c);
        if (mmsim_stats_get(m, name, &v) == MMSIM_OK)
            cycles = v > cycles ? v : cycles;
        for (unsigned k = 0; k < NCLS; k++) {
            snprintf(name, sizeof(name), "cpu%u.mem.%s.count", c, cls[k].stat);
            if (mmsim_stats_get(m, name, &v) == MMSIM_OK) {
                count[k] += v;
                total += v;
            }
            snprintf(name, sizeof(name), "cpu%u.mem.%s.ps", c, cls[k].stat);
            if (mmsim_stats_get(m, name, &v) == MMSIM_OK)
                ps[k] += v;
        }
    }
    if (!timed || !total)
        return;
    fprintf(stderr, "mmsim: IPC %.2f; memory accesses:", cycles ? (double)insns / (double)cycles : 0);
    for (unsigned k = 0; k < NCLS; k++) {
        if (!count[k] && k > 0)
            continue;
        fprintf(stderr, "%s %s %.2f%% (%.1f ns)", k ? "," : "", cls[k].label,
                100.0 * (double)count[k] / (double)total,
                count[k] ? (double)ps[k] / (double)count[k] / 1000.0 : 0.0);
    }
    fputc('\n', stderr);
}

/* --numa-maps: each process's numa_maps (as it was when it ended, or now
 * for one a run limit stopped); with several programs, each under a
 * "# pid N PROGRAM" line.  0, or -1 after a message. */
static int print_numa_maps(mmsim_machine *m, const struct command *cmds, unsigned ncmds, FILE *f)
{
    for (unsigned i = 0; i < ncmds; i++) {
        mmsim_process_info in;
        if (ncmds > 1 && mmsim_process_info_get(cmds[i].p, &in) == MMSIM_OK)
            fprintf(f, "# pid %u %s\n", in.pid, cmds[i].argv[0]);
        if (mmsim_process_print_numa_maps(cmds[i].p, f) != MMSIM_OK) {
            cli_error("--numa-maps: %s", mmsim_machine_errmsg(m));
            return -1;
        }
    }
    if (fflush(f) != 0 || ferror(f)) {
        cli_error("--numa-maps: cannot write: %s", strerror(errno ? errno : EIO));
        return -1;
    }
    return 0;
}

int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"topology", required_argument, NULL, 't'},
        {"physcpubind", required_argument, NULL, OPT_PHYSCPU},
        {"cpunodebind", required_argument, NULL, OPT_CPUNODE},
        {"quantum", required_argument, NULL, OPT_QUANTUM},
        {"spread", no_argument, NULL, OPT_SPREAD},
        {"timing", required_argument, NULL, OPT_TIMING},
        {"max-insns", required_argument, NULL, OPT_MAXINSNS},
        {"max-time", required_argument, NULL, OPT_MAXTIME},
        {"max-mem", required_argument, NULL, OPT_MAXMEM},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"max-threads", required_argument, NULL, OPT_MAXTHREADS},
        {"max-files", required_argument, NULL, OPT_MAXFILES},
        {"seed", required_argument, NULL, OPT_SEED},
        {"trace", optional_argument, NULL, OPT_TRACE},
        {"stats", required_argument, NULL, OPT_STATS},
        {"membind", required_argument, NULL, OPT_MEMBIND},
        {"interleave", required_argument, NULL, OPT_INTERLEAVE},
        {"preferred", required_argument, NULL, OPT_PREFERRED},
        {"localalloc", no_argument, NULL, OPT_LOCALALLOC},
        {"numa-maps", optional_argument, NULL, OPT_NUMAMAPS},
        {"root", required_argument, NULL, OPT_ROOT},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *topo = NULL, *stats_path = NULL, *root = NULL, *trace_path = NULL;
    const char *maps_path = NULL;
    bool trace = false, quiet = false, spread = false, numa_maps = false;
    mmsim_timing timing = MMSIM_TIMING_DETAILED;
    uint64_t quantum = 0, max_insns = 0, seed = 0, u;
    mmsim_limits limits = {0};
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
        case OPT_TIMING:
            if (strcmp(optarg, "detailed") == 0)
                timing = MMSIM_TIMING_DETAILED;
            else if (strcmp(optarg, "off") == 0)
                timing = MMSIM_TIMING_OFF;
            else if (strcmp(optarg, "roi") == 0)
                timing = MMSIM_TIMING_ROI;
            else {
                cli_error("--timing: '%s' is not one of detailed, off, roi", optarg);
                return EXIT_USAGE;
            }
            break;
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
        case OPT_MAXTIME:
            if (parse_duration(optarg, &limits.max_time_ns)) {
                cli_error("--max-time: '%s' is not a positive duration (10ms; ns, us, ms, s)",
                          optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_MAXMEM:
            if (parse_size(optarg, &limits.max_mem_bytes)) {
                cli_error("--max-mem: '%s' is not a positive size (512MiB; B, KiB, MiB, GiB, TiB)",
                          optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_TIMEOUT: {
            char *end;
            errno = 0;
            double v = strtod(optarg, &end);
            if (errno || end == optarg || *end || !(v > 0) || !isfinite(v) ||
                *optarg < '0' || *optarg > '9') {
                cli_error("--timeout: '%s' is not a positive number of seconds", optarg);
                return EXIT_USAGE;
            }
            limits.timeout_s = v;
            break;
        }
        case OPT_MAXTHREADS:
            if (cli_parse_u64(optarg, &u) || !u || u > 4096) {
                cli_error("--max-threads: '%s' is not a number from 1 to 4096", optarg);
                return EXIT_USAGE;
            }
            limits.max_threads = (unsigned)u;
            break;
        case OPT_MAXFILES:
            if (cli_parse_u64(optarg, &u) || !u || u > 1024) {
                cli_error("--max-files: '%s' is not a number from 1 to 1024", optarg);
                return EXIT_USAGE;
            }
            limits.max_files = (unsigned)u;
            break;
        case OPT_SEED:
            if (cli_parse_u64(optarg, &seed)) {
                cli_error("--seed: '%s' is not a number", optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_TRACE: trace = true; trace_path = optarg; break;
        case OPT_STATS: stats_path = optarg; break;
        case OPT_MEMBIND:
        case OPT_INTERLEAVE:
        case OPT_PREFERRED:
        case OPT_LOCALALLOC:
            if (add_policy_opt(&cmds[0], c, optarg))
                return EXIT_USAGE;
            break;
        case OPT_NUMAMAPS: numa_maps = true; maps_path = optarg; break;
        case OPT_ROOT: root = optarg; break;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    /* Split the rest at "--": PROGRAM ARGS... [-- [BIND] PROGRAM ARGS...]... */
    unsigned ncmds = 0;
    for (int i = optind; ncmds < MAX_CMDS;) {
        struct command *cmd = &cmds[ncmds];
        while (ncmds > 0 && i < argc && strncmp(argv[i], "--", 2) == 0 && argv[i][2]) {
            static const struct { const char *name; int opt; bool value; } per_cmd[] = {
                {"physcpubind", OPT_PHYSCPU, true}, {"cpunodebind", OPT_CPUNODE, true},
                {"membind", OPT_MEMBIND, true}, {"interleave", OPT_INTERLEAVE, true},
                {"preferred", OPT_PREFERRED, true}, {"localalloc", OPT_LOCALALLOC, false},
            };
            const char *a = argv[i];
            const char *v = strchr(a, '=');
            size_t len = v ? (size_t)(v - a) - 2 : strlen(a) - 2;
            int which = -1;
            for (int k = 0; k < (int)(sizeof(per_cmd) / sizeof(per_cmd[0])); k++)
                if (strlen(per_cmd[k].name) == len && strncmp(a + 2, per_cmd[k].name, len) == 0)
                    which = k;
            if (which < 0) {
                cli_error("run: only --physcpubind, --cpunodebind, --membind, --interleave, "
                          "--preferred and --localalloc may follow '--' ('%s')", a);
                return EXIT_USAGE;
            }
            if (!per_cmd[which].value) {
                if (v) {
                    cli_error("run: --%s takes no value ('%s')", per_cmd[which].name, a);
                    return EXIT_USAGE;
                }
            } else if (!v) {
                if (i + 1 >= argc) {
                    cli_error("run: %s needs a value", a);
                    return EXIT_USAGE;
                }
                v = argv[++i];
            } else {
                v++;
            }
            switch (per_cmd[which].opt) {
            case OPT_PHYSCPU: cmd->physcpubind = v; break;
            case OPT_CPUNODE: cmd->cpunodebind = v; break;
            default:
                if (add_policy_opt(cmd, per_cmd[which].opt, per_cmd[which].value ? v : NULL))
                    return EXIT_USAGE;
                break;
            }
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
    FILE *tf = NULL, *mf = NULL;
    struct report rep = {0}, mrep = {0};
    limits.max_insns = max_insns;
    if (mmsim_machine_set_limits(m, &limits) != MMSIM_OK) {
        cli_error("%s", mmsim_machine_errmsg(m));
        goto out;
    }
    /* Before the guest runs: an unwritable --stats target is an error now. */
    if (stats_path && report_open(&rep, "--stats", stats_path))
        goto out;
    if (root && mmsim_machine_set_root(m, root) != MMSIM_OK) {
        cli_error("--root: %s", mmsim_machine_errmsg(m));
        goto out;
    }
    if (numa_maps) {
        if (maps_path && report_open(&mrep, "--numa-maps", maps_path))
            goto out;
        mf = maps_path ? mrep.f : stderr;
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
    if (mmsim_machine_set_timing(m, timing) != MMSIM_OK) {
        cli_error("%s", mmsim_machine_errmsg(m));
        goto out;
    }
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
        /* Set before the program is loaded, as numactl sets it before exec:
         * the image and the stack follow it too. */
        mmsim_mempolicy pol;
        if (policy_of(mt, cmd, &pol)) {
            status = EXIT_USAGE;
            break;
        }
        rc = mmsim_machine_set_mempolicy(m, &pol);
        if (rc == MMSIM_OK)
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
    rc = mmsim_machine_run(m, 0);
    double host_s = now_seconds() - t0;
    const char *hit = mmsim_machine_limit_hit(m);
    if (rc == MMSIM_OK) {
        status = 0;
        for (unsigned i = 0; i < ncmds && !status; i++)
            mmsim_process_exit_code(cmds[i].p, &status);
    } else if (rc == MMSIM_ERR_LIMIT && hit) {
        char what[64] = "";
        if (strcmp(hit, "max-time") == 0)
            format_duration(limits.max_time_ns, what, sizeof(what));
        if (strcmp(hit, "max-insns") == 0)
            cli_error("limit reached: %" PRIu64 " instructions (--max-insns)", max_insns);
        else if (strcmp(hit, "max-time") == 0)
            cli_error("limit reached: simulated time %s (--max-time)", what);
        else if (strcmp(hit, "max-mem") == 0)
            cli_error("limit reached: guest memory %" PRIu64 " bytes (--max-mem)",
                      limits.max_mem_bytes);
        else
            cli_error("limit reached: wall-clock time %g s (--timeout)", limits.timeout_s);
        status = EXIT_SIM_ERROR;
    } else {
        cli_error("%s", mmsim_machine_errmsg(m));
        status = EXIT_SIM_ERROR;
    }
    if (mf) {
        int mrc = print_numa_maps(m, cmds, ncmds, mf);
        if (mrc)
            status = EXIT_SIM_ERROR;
        if (mrep.f && report_close(&mrep, mrc))
            status = EXIT_SIM_ERROR;
        mf = NULL;
    }
    if (!quiet) {
        for (unsigned i = 0; i < ncmds; i++)
            summary(m, cmds[i].p, host_s, hit);
        memory_summary(m);
    }
    if (rep.f && report_close(&rep, mmsim_stats_dump(m, rep.f, MMSIM_FORMAT_JSON)))
        status = EXIT_SIM_ERROR;
    /* The trace is a log, not a report: written as it goes, but a failed
     * write (a full disk) is still an error, not a silently short file. */
    if (tf && tf != stderr) {
        int bad = ferror(tf) || fflush(tf) != 0;
        if (fclose(tf) != 0 || bad) {
            cli_error("--trace: cannot write %s: %s", trace_path, strerror(errno ? errno : EIO));
            status = EXIT_SIM_ERROR;
        }
        tf = NULL;
    }
out:
    report_discard(&rep);
    report_discard(&mrep);
    if (tf && tf != stderr)
        fclose(tf);
    mmsim_machine_destroy(m);
    return status;
}
