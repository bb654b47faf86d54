/* Helpers shared by the subcommands. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("mmsim: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_load_topology(const char *arg, mmsim_topology **out)
{
    char err[1024];
    if (!arg)
        arg = mmsim_topology_default_numa();
    int rc = mmsim_topology_open(arg, out, err, sizeof(err));
    if (rc != MMSIM_OK) {
        cli_error("%s", err);
        return EXIT_SIM_ERROR;
    }
    return 0;
}

/* The --set overrides of this invocation (the command line is global to
 * the process, so is its list). */
static const char *cli_sets[CLI_MAX_SETS];
static size_t cli_nsets;

int cli_set_add(const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) {
        cli_error("--set: '%s' is not PATH=VALUE (e.g. --set links[*].latency=120ns)", arg);
        return EXIT_USAGE;
    }
    if (cli_nsets == CLI_MAX_SETS) {
        cli_error("--set: at most %d overrides", CLI_MAX_SETS);
        return EXIT_USAGE;
    }
    cli_sets[cli_nsets++] = arg;
    return 0;
}

int cli_sets_take(int *argc, char **argv)
{
    int out = 1;
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            while (i < *argc)
                argv[out++] = argv[i++];
            break;
        }
        if (strcmp(a, "--set") == 0) {
            if (i + 1 >= *argc) {
                cli_error("--set needs PATH=VALUE");
                return EXIT_USAGE;
            }
            if (cli_set_add(argv[++i]))
                return EXIT_USAGE;
            continue;
        }
        if (strncmp(a, "--set=", 6) == 0) {
            if (cli_set_add(a + 6))
                return EXIT_USAGE;
            continue;
        }
        argv[out++] = argv[i];
    }
    argv[out] = NULL;
    *argc = out;
    return 0;
}

int cli_create_machine(const char *topo_arg, uint64_t seed, mmsim_machine **out)
{
    mmsim_topology *t;
    *out = NULL;
    int rc = cli_load_topology(topo_arg, &t);
    if (rc)
        return rc;
    if (cli_nsets) {
        mmsim_topology *o;
        char err[1024];
        rc = mmsim_topology_override_list(t, cli_sets, cli_nsets, &o, err, sizeof(err));
        mmsim_topology_destroy(t);
        if (rc != MMSIM_OK) {
            cli_error("--set: %s", err);
            return EXIT_SIM_ERROR;
        }
        t = o;
    }
    rc = mmsim_machine_create(t, seed, out);
    if (rc != MMSIM_OK) {
        cli_error("cannot create a machine from topology '%s': %s", mmsim_topology_name(t),
                  mmsim_strerror(rc));
        mmsim_topology_destroy(t);
        return EXIT_SIM_ERROR;
    }
    mmsim_topology_destroy(t);
    return 0;
}

int cli_parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (*end || errno)
        return -1;
    *out = v;
    return 0;
}

int cli_topos_add(struct cli_topos *t, const char *cmd, const char *arg)
{
    if (t->n == CLI_MAX_TOPOS) {
        cli_error("%s: at most %d topologies", cmd, CLI_MAX_TOPOS);
        return EXIT_USAGE;
    }
    t->name[t->n++] = arg;
    return 0;
}

void cli_topos_default(struct cli_topos *t)
{
    if (t->n)
        return;
    t->name[t->n++] = mmsim_topology_default_uma();
    t->name[t->n++] = mmsim_topology_default_numa();
}

const char *cli_workload(const char *cmd, const char *dir, const char *prog, char *buf,
                         size_t len)
{
    if (!dir)
        dir = getenv("MMSIM_EXAMPLES_DIR");
#ifdef MMSIM_EXAMPLES_DIR
    if (!dir)
        dir = MMSIM_EXAMPLES_DIR;
#endif
    if (!dir) {
        cli_error("%s: no workload directory: use --examples DIR", cmd);
        return NULL;
    }
    snprintf(buf, len, "%s/%s", dir, prog);
    if (access(buf, R_OK) != 0) {
        cli_error("%s: %s: %s (build the guest workloads, or give --examples DIR)", cmd, buf,
                  strerror(errno));
        return NULL;
    }
    return buf;
}
