/* Helpers shared by the subcommands. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>

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

int cli_create_machine(const char *topo_arg, uint64_t seed, mmsim_machine **out)
{
    mmsim_topology *t;
    *out = NULL;
    int rc = cli_load_topology(topo_arg, &t);
    if (rc)
        return rc;
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
