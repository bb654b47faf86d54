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
#include "mmsim/traffic.h"

#define TOPO_NODES_MAX_CLI 1024

extern char **environ;

static void usage(FILE *f)
{
    fputs("usage: mmsim run [options] [BIND] PROGRAM [ARGS...] [-- [BIND] PROGRAM [ARGS...]]...\n"
          "Run a static RISC-V Linux executable (riscv64-linux-gnu-gcc -static) in\n"
          "syscall-emulation mode.  Guest output is mmsim's; the summary goes to stderr.\n"
          "\n"
          "  -t, --topology TOPO      bundled topology name or YAML file (default: NUMA)\n"
          "      --set PATH=VALUE     override a topology parameter (repeatable):\n"
          "                           --set links[*].latency=40ns --set cpu.dtlb.entries=32\n"
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
          "      --traffic SPEC       add a traffic generator (repeatable; the program is\n"
          "                           optional with one): PATTERN[,key=value...], PATTERN\n"
          "                           sequential, strided, random, chase or trace; keys\n"
          "                           footprint=64MiB stride=256B size=8B reads=70%\n"
          "                           rate=2GB/s | interval=10ns outstanding=N ops=N\n"
          "                           duration=1ms cpu=N bind|interleave=0+1 preferred=N\n"
          "                           local populate trace=FILE (docs/TRAFFIC.md)\n"
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
    OPT_MEMBIND, OPT_INTERLEAVE, OPT_PREFERRED, OPT_LOCALALLOC, OPT_NUMAMAPS, OPT_SET
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

/* With threads on several CPUs, the per-process line counts the CPU of
 * its last thread: the whole machine's instructions and speed too. */
static void machine_summary(mmsim_machine *m, double host_s)
{
    const mmsim_topology *t = mmsim_machine_topology(m);
    uint64_t total = 0;
    unsigned ran = 0;
    for (unsigned c = 0; c < mmsim_topology_cpu_count(t); c++) {
        char name[32];
        uint64_t v;
        snprintf(name, sizeof(name), "cpu%u.insns", c);
        if (mmsim_stats_get(m, name, &v) == MMSIM_OK && v) {
            total += v;
            ran++;
        }
    }
    if (ran > 1)
        fprintf(stderr, "mmsim: all CPUs: %" PRIu64 " instructions on %u CPUs, %.2f MIPS\n", total,
                ran, host_s > 0 ? (double)total / host_s / 1e6 : 0);
}

/* The memory-latency breakdown at a glance (detailed timing only):
 * mmsim_machine_write_report's line, as a summary line. */
static void memory_summary(mmsim_machine *m)
{
    char *line = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&line, &len);
    if (!f)
        return;
    int rc = mmsim_machine_write_report(m, f, MMSIM_FORMAT_TEXT);
    if (fclose(f) == 0 && rc == MMSIM_OK && len)
        fprintf(stderr, "mmsim: %s", line);
    free(line);
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

/* ---- --traffic SPEC: traffic generators (docs/TRAFFIC.md) ---------------- */

#define OPT_TRAFFIC 512         /* apart from the enum: --traffic's own */
#define MAX_TRAFFIC 64

struct traffic_opt {
    const char *spec;           /* as given */
    char *buf;                  /* a copy the config's strings point into */
    mmsim_traffic cfg;
    mmsim_mempolicy pol;        /* MPOL_DEFAULT unless the spec gives one */
    mmsim_process *p;
};

struct scaled_unit {
    const char *name;
    double scale;
};

/* A decimal number followed by one of the units: *out = value * scale. */
static int parse_scaled(const char *s, const struct scaled_unit *units, size_t n, double *out)
{
    if ((*s < '0' || *s > '9') && *s != '.')
        return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || !isfinite(v) || !(v > 0))
        return -1;
    for (size_t i = 0; i < n; i++)
        if (strcmp(end, units[i].name) == 0) {
            *out = v * units[i].scale;
            return 0;
        }
    return -1;
}

/* "2GB/s", "512MiB/s": bytes per second (decimal and binary prefixes). */
static int parse_rate(const char *s, uint64_t *bps)
{
    static const struct scaled_unit units[] = {
        {"B/s", 1}, {"KB/s", 1e3}, {"MB/s", 1e6}, {"GB/s", 1e9}, {"TB/s", 1e12},
        {"KiB/s", 1024.0}, {"MiB/s", 1048576.0}, {"GiB/s", 1073741824.0},
    };
    double v;
    if (parse_scaled(s, units, sizeof(units) / sizeof(units[0]), &v) || v < 1 || v > 1e18)
        return -1;
    *bps = (uint64_t)llround(v);
    return 0;
}

/* "10ns", "2.5ns", "800ps": picoseconds. */
static int parse_interval(const char *s, uint64_t *ps)
{
    static const struct scaled_unit units[] = {
        {"ps", 1}, {"ns", 1e3}, {"us", 1e6}, {"ms", 1e9}, {"s", 1e12},
    };
    double v;
    if (parse_scaled(s, units, sizeof(units) / sizeof(units[0]), &v) || v < 1 || v > 1e15)
        return -1;
    *ps = (uint64_t)llround(v);
    return 0;
}

/* "70%" or "0.7": a fraction from 0 to 1. */
static int parse_fraction(const char *s, double *f)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *s == '-' || !isfinite(v))
        return -1;
    if (strcmp(end, "%") == 0)
        v /= 100;
    else if (*end)
        return -1;
    if (v < 0 || v > 1)
        return -1;
    *f = v;
    return 0;
}

/* One SPEC: PATTERN,key=value,... (see usage).  0, or EXIT_USAGE after a
 * message naming the spec and the key. */
static int parse_traffic(const mmsim_topology *mt, struct traffic_opt *o)
{
    static const char keys[] = "footprint, stride, size, reads, writes, rate, interval, "
                               "outstanding, ops, duration, cpu, bind, interleave, preferred, "
                               "local, populate, trace, name";
    mmsim_traffic_init(&o->cfg);
    memset(&o->pol, 0, sizeof(o->pol));
    o->buf = strdup(o->spec);
    if (!o->buf) {
        cli_error("out of memory");
        return EXIT_USAGE;
    }
    unsigned nnodes = mmsim_topology_node_count(mt);
    bool have_pattern = false;
    char *save = NULL;
    for (char *tok = strtok_r(o->buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *val = strchr(tok, '=');
        if (val)
            *val++ = '\0';
        mmsim_traffic_pattern pat;
        uint64_t u;
        const char *want = NULL;
        if (!val && mmsim_traffic_pattern_parse(tok, &pat) == MMSIM_OK) {
            o->cfg.pattern = pat;
            have_pattern = true;
            continue;
        }
        if (!val && strcmp(tok, "populate") == 0) {
            o->cfg.populate = 1;
            continue;
        }
        if (!val && strcmp(tok, "local") == 0) {
            o->pol.mode = MMSIM_MPOL_LOCAL;
            o->pol.nodes = 0;
            continue;
        }
        if (!val) {
            cli_error("--traffic '%s': '%s' is neither a pattern (sequential, strided, random, "
                      "chase, trace) nor key=value (%s)",
                      o->spec, tok, keys);
            return EXIT_USAGE;
        }
        if (strcmp(tok, "pattern") == 0) {
            if (mmsim_traffic_pattern_parse(val, &pat) != MMSIM_OK)
                want = "sequential, strided, random, chase or trace";
            else {
                o->cfg.pattern = pat;
                have_pattern = true;
            }
        } else if (strcmp(tok, "footprint") == 0) {
            if (parse_size(val, &o->cfg.footprint))
                want = "a positive size (64MiB; B, KiB, MiB, GiB, TiB)";
        } else if (strcmp(tok, "stride") == 0) {
            if (parse_size(val, &o->cfg.stride))
                want = "a positive size (256B; B, KiB, MiB, GiB)";
        } else if (strcmp(tok, "size") == 0) {
            if (parse_size(val, &u) || u > 64)
                want = "an access size of 1 to 64 bytes (8B)";
            else
                o->cfg.size = (uint32_t)u;
        } else if (strcmp(tok, "reads") == 0 || strcmp(tok, "writes") == 0) {
            double f;
            if (parse_fraction(val, &f))
                want = "a fraction from 0 to 1, or a percentage (70%)";
            else
                o->cfg.reads = tok[0] == 'r' ? f : 1 - f;
        } else if (strcmp(tok, "rate") == 0) {
            if (parse_rate(val, &o->cfg.rate))
                want = "a positive rate (2GB/s; B/s, KB/s, MB/s, GB/s, KiB/s, MiB/s, GiB/s)";
        } else if (strcmp(tok, "interval") == 0) {
            if (parse_interval(val, &o->cfg.interval_ps))
                want = "a time from 1ps to 1000s (10ns; ps, ns, us, ms, s)";
        } else if (strcmp(tok, "outstanding") == 0) {
            if (cli_parse_u64(val, &u) || !u || u > 1024)
                want = "a number of accesses in flight, from 1";
            else
                o->cfg.outstanding = (uint32_t)u;
        } else if (strcmp(tok, "ops") == 0) {
            if (cli_parse_u64(val, &o->cfg.ops) || !o->cfg.ops)
                want = "a positive number of accesses";
        } else if (strcmp(tok, "duration") == 0) {
            if (parse_duration(val, &o->cfg.duration_ns))
                want = "a positive duration (10ms; ns, us, ms, s)";
        } else if (strcmp(tok, "cpu") == 0) {
            if (cli_parse_u64(val, &u) || u >= mmsim_topology_cpu_count(mt))
                want = "a CPU of this machine";
            else
                o->cfg.cpu = (int)u;
        } else if (strcmp(tok, "bind") == 0 || strcmp(tok, "interleave") == 0 ||
                   strcmp(tok, "preferred") == 0) {
            bool set[64] = {false};
            for (char *c = val; *c; c++)
                if (*c == '+')
                    *c = ',';     /* ',' separates the keys: nodes are joined by '+' */
            unsigned n = 0;
            uint64_t mask = 0;
            if (nnodes > 64 || parse_list(val, nnodes, set)) {
                want = "a node list of this machine (N, N-M, joined by '+')";
            } else {
                for (unsigned i = 0; i < nnodes; i++)
                    if (set[i]) {
                        mask |= 1ULL << i;
                        n++;
                    }
                if (tok[0] == 'p' && n != 1)
                    want = "one node";
            }
            if (!want) {
                o->pol.mode = tok[0] == 'b'   ? MMSIM_MPOL_BIND
                              : tok[0] == 'i' ? MMSIM_MPOL_INTERLEAVE
                                              : MMSIM_MPOL_PREFERRED;
                o->pol.nodes = mask;
            }
        } else if (strcmp(tok, "trace") == 0) {
            o->cfg.trace = val;
            if (!have_pattern)
                o->cfg.pattern = MMSIM_TRAFFIC_TRACE;
        } else if (strcmp(tok, "name") == 0) {
            o->cfg.name = val;
        } else {
            cli_error("--traffic '%s': unknown key '%s' (%s)", o->spec, tok, keys);
            return EXIT_USAGE;
        }
        if (want) {
            cli_error("--traffic '%s': %s: '%s' is not %s", o->spec, tok, val, want);
            return EXIT_USAGE;
        }
    }
    o->cfg.mempolicy = &o->pol;
    return 0;
}

/* Parse every spec; a generator with a cpu takes it before the programs
 * are placed.  0 or EXIT_USAGE. */
static int traffic_prepare(const mmsim_topology *mt, struct traffic_opt *t, unsigned n,
                           bool *taken)
{
    for (unsigned i = 0; i < n; i++) {
        int rc = parse_traffic(mt, &t[i]);
        if (rc)
            return rc;
        if (t[i].cfg.cpu >= 0)
            taken[t[i].cfg.cpu] = true;
    }
    return 0;
}

/* Create the generators (after the programs, which keep their CPUs), then
 * list every generator, the topology file's too, in *gens (to free).  0,
 * or the exit status after a message. */
static int traffic_create_all(mmsim_machine *m, struct traffic_opt *t, unsigned n,
                              mmsim_process ***gens, size_t *ngens)
{
    for (unsigned i = 0; i < n; i++) {
        int rc = mmsim_traffic_create(m, &t[i].cfg, &t[i].p);
        if (rc != MMSIM_OK) {
            cli_error("--traffic '%s': %s", t[i].spec, mmsim_machine_errmsg(m));
            /* A bad spec or trace is the command line's fault; memory is not. */
            return rc == MMSIM_ERR_INVALID || rc == MMSIM_ERR_RANGE || rc == MMSIM_ERR_PARSE ||
                           rc == MMSIM_ERR_NOT_FOUND || rc == MMSIM_ERR_STATE
                       ? EXIT_USAGE
                       : EXIT_SIM_ERROR;
        }
    }
    *ngens = mmsim_traffic_list(m, NULL, 0);
    *gens = calloc(*ngens ? *ngens : 1, sizeof(mmsim_process *));
    if (!*gens) {
        cli_error("out of memory");
        return EXIT_SIM_ERROR;
    }
    mmsim_traffic_list(m, *gens, *ngens);
    return 0;
}

/* The topology file's generators hold their CPUs already. */
static void traffic_taken(mmsim_machine *m, bool *taken)
{
    size_t n = mmsim_traffic_list(m, NULL, 0);
    mmsim_process **g = calloc(n ? n : 1, sizeof(mmsim_process *));
    if (!g)
        return;         /* the programs' creation reports a busy CPU */
    mmsim_traffic_list(m, g, n);
    for (size_t i = 0; i < n; i++) {
        mmsim_process_info in;
        if (mmsim_process_info_get(g[i], &in) == MMSIM_OK)
            taken[in.cpu] = true;
    }
    free(g);
}

/* The summary line of a generator: what it did and how fast. */
static void traffic_summary(mmsim_machine *m, mmsim_process *p)
{
    mmsim_process_info in;
    if (mmsim_process_info_get(p, &in) != MMSIM_OK)
        return;
    char name[64];
    uint64_t ops = 0, bytes = 0, time_ps = 0, lat = 0;
    snprintf(name, sizeof(name), "gen%u.ops", in.pid);
    mmsim_stats_get(m, name, &ops);
    snprintf(name, sizeof(name), "gen%u.bytes", in.pid);
    mmsim_stats_get(m, name, &bytes);
    snprintf(name, sizeof(name), "gen%u.time_ps", in.pid);
    mmsim_stats_get(m, name, &time_ps);
    snprintf(name, sizeof(name), "gen%u.latency_ps.mean", in.pid);
    mmsim_stats_get(m, name, &lat);
    fprintf(stderr,
            "mmsim: traffic pid %u on CPU %u: %" PRIu64 " accesses, %" PRIu64
            " bytes, %.3f GB/s, mean latency %.1f ns\n",
            in.pid, in.cpu, ops, bytes,
            time_ps ? (double)bytes * 1000.0 / (double)time_ps : 0.0, (double)lat / 1000.0);
}

/* --numa-maps of the generators, each under "# pid N traffic". */
static int traffic_numa_maps(mmsim_machine *m, mmsim_process *const *gens, size_t n, FILE *f)
{
    for (size_t i = 0; i < n; i++) {
        mmsim_process_info in;
        if (mmsim_process_info_get(gens[i], &in) != MMSIM_OK)
            continue;
        fprintf(f, "# pid %u traffic\n", in.pid);
        if (mmsim_process_print_numa_maps(gens[i], f) != MMSIM_OK) {
            cli_error("--numa-maps: %s", mmsim_machine_errmsg(m));
            return -1;
        }
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
        {"traffic", required_argument, NULL, OPT_TRAFFIC},
        {"set", required_argument, NULL, OPT_SET},
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
    struct traffic_opt topts[MAX_TRAFFIC];
    unsigned ntraffic = 0;
    memset(topts, 0, sizeof(topts));
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
        case OPT_TRAFFIC:
            if (ntraffic == MAX_TRAFFIC) {
                cli_error("--traffic: at most %d generators", MAX_TRAFFIC);
                return EXIT_USAGE;
            }
            topts[ntraffic++].spec = optarg;
            break;
        case OPT_SET:
            if (cli_set_add(optarg))
                return EXIT_USAGE;
            break;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    /* Split the rest at "--": PROGRAM ARGS... [-- [BIND] PROGRAM ARGS...]... */
    unsigned ncmds = 0;
    for (int i = optind; ncmds < MAX_CMDS && (i < argc || ncmds > 0);) {
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

    /* A guest writing to a closed pipe gets SIGPIPE itself (kernel/sys_fs.c);
     * the simulator must see EPIPE, not die. */
    signal(SIGPIPE, SIG_IGN);

    mmsim_machine *m;
    int rc = cli_create_machine(topo, seed, &m);
    if (rc)
        return rc;
    /* Without a program: generators of --traffic or of the topology file. */
    if (!ncmds && !ntraffic && !mmsim_traffic_list(m, NULL, 0)) {
        cli_error("run: no program given (try 'mmsim run --help')");
        mmsim_machine_destroy(m);
        return EXIT_USAGE;
    }
    mmsim_process **gens = NULL;
    size_t ngens = 0;
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
    traffic_taken(m, taken);
    if (traffic_prepare(mt, topts, ntraffic, taken)) {
        status = EXIT_USAGE;
        ncmds = 0;      /* no program either */
        cmds[0].p = NULL;
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
    if (ncmds ? !cmds[ncmds - 1].p : status == EXIT_USAGE)
        goto out;
    if ((rc = traffic_create_all(m, topts, ntraffic, &gens, &ngens)) != 0) {
        status = rc;
        goto out;
    }
    double t0 = now_seconds();
    rc = mmsim_machine_run(m, 0);
    double host_s = now_seconds() - t0;
    const char *hit = mmsim_machine_limit_hit(m);
    if (rc == MMSIM_OK) {
        status = 0;
        for (unsigned i = 0; i < ncmds && !status; i++)
            mmsim_process_exit_code(cmds[i].p, &status);
        for (size_t i = 0; i < ngens && !status; i++)
            mmsim_process_exit_code(gens[i], &status);
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
        if (!mrc)
            mrc = traffic_numa_maps(m, gens, ngens, mf);
        if (mrc)
            status = EXIT_SIM_ERROR;
        if (mrep.f && report_close(&mrep, mrc))
            status = EXIT_SIM_ERROR;
        mf = NULL;
    }
    if (!quiet) {
        for (unsigned i = 0; i < ncmds; i++)
            summary(m, cmds[i].p, host_s, hit);
        for (size_t i = 0; i < ngens; i++)
            traffic_summary(m, gens[i]);
        machine_summary(m, host_s);
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
    for (unsigned i = 0; i < ntraffic; i++)
        free(topts[i].buf);
    free(gens);
    report_discard(&rep);
    report_discard(&mrep);
    if (tf && tf != stderr)
        fclose(tf);
    mmsim_machine_destroy(m);
    return status;
}
