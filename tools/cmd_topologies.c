/* mmsim topologies: the bundled machine descriptions. */
#include <getopt.h>
#include <string.h>

#include "cli.h"

int cmd_topologies(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            printf("usage: mmsim topologies\n\n"
                   "List the topologies compiled into libmmsim: name, nodes, CPUs, memory\n"
                   "and a one-line description.  Use a name with -t/--topology; the YAML\n"
                   "sources are in examples/topologies/ (installed under share/mmsim).\n"
                   "Defaults: %s (UMA) and %s (NUMA).\n",
                   mmsim_topology_default_uma(), mmsim_topology_default_numa());
            return 0;
        }
        return EXIT_USAGE;
    }
    if (optind < argc) {
        cli_error("topologies: unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    for (int i = 0; i < mmsim_topology_bundled_count(); i++) {
        mmsim_topology *t;
        char err[512];
        const char *name = mmsim_topology_bundled_name(i);
        if (mmsim_topology_bundled(name, &t, err, sizeof(err)) != MMSIM_OK) {
            cli_error("%s", err);
            return EXIT_SIM_ERROR;
        }
        unsigned long long mem = 0;
        for (unsigned n = 0; n < mmsim_topology_node_count(t); n++) {
            mmsim_node_info ni;
            mmsim_topology_node_info(t, n, &ni);
            mem += ni.mem_size;
        }
        char shape[64];
        snprintf(shape, sizeof(shape), "%u node%s, %u CPUs, %llu GiB", mmsim_topology_node_count(t),
                 mmsim_topology_node_count(t) == 1 ? "" : "s", mmsim_topology_cpu_count(t),
                 mem >> 30);
        printf("%-14s %-30s %s\n", name, shape, mmsim_topology_bundled_summary(i));
        mmsim_topology_destroy(t);
    }
    return 0;
}
