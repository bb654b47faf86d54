/* mmsim latency: the unloaded load-to-use latencies a topology implies. */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "cli.h"


static const char *const level_names[] = {"L1", "L2", "LLC", "DRAM"};

static int print_one(mmsim_machine *m, unsigned cpu, int json, int header)
{
    const mmsim_topology *t = mmsim_machine_topology(m);
    unsigned nodes = mmsim_topology_node_count(t);
    int home = mmsim_topology_cpu_node(t, cpu);
    if (home < 0) {
        cli_error("latency: CPU %u out of range (0-%u)", cpu, mmsim_topology_cpu_count(t) - 1);
        return EXIT_USAGE;
    }
    if (json) {
        printf("{\"topology\": \"%s\", \"cpu\": %u, \"node\": %d, \"unit\": \"ns\"",
               mmsim_topology_name(t), cpu, home);
    } else {
        if (header)
            printf("# %s: %s\n", mmsim_topology_name(t), mmsim_topology_description(t));
        printf("unloaded load-to-use latency (ns) from CPU %u (node %d)\n%-6s", cpu, home,
               "level");
        for (unsigned n = 0; n < nodes; n++) {
            char name[16];
            snprintf(name, sizeof(name), "node%u", n);
            printf(" %10s", name);
        }
        printf("\n");
    }
    for (int l = MMSIM_LEVEL_L1; l <= MMSIM_LEVEL_DRAM; l++) {
        if (json)
            printf(", \"%s\": [", level_names[l]);
        else
            printf("%-6s", level_names[l]);
        bool first = true;
        for (unsigned n = 0; n < nodes; n++) {
            uint64_t ps;
            bool mine = l == MMSIM_LEVEL_DRAM || (int)n == home;
            int rc = mine ? mmsim_memory_latency(m, cpu, (mmsim_mem_level)l, n, &ps)
                          : MMSIM_ERR_RANGE;
            if (json) {
                if (rc == MMSIM_OK)
                    printf("%s{\"node\": %u, \"ns\": %.3f}", first ? "" : ", ", n,
                           (double)ps / 1000.0);
                if (rc == MMSIM_OK)
                    first = false;
            } else if (rc == MMSIM_OK) {
                printf(" %10.3f", (double)ps / 1000.0);
            } else {
                printf(" %10s", "-");
            }
        }
        printf(json ? "]" : "\n");
    }
    if (json)
        printf("}\n");
    return 0;
}

int cmd_latency(int argc, char **argv)
{
    static const struct option opts[] = {{"topology", required_argument, NULL, 't'},
                                          {"cpu", required_argument, NULL, 'c'},
                                          {"json", no_argument, NULL, 'j'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    struct cli_topos topos = {0};
    int json = 0, c;
    uint64_t cpu = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:c:jh", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            if (cli_topos_add(&topos, "latency", optarg))
                return EXIT_USAGE;
            break;
        case 'c':
            if (cli_parse_u64(optarg, &cpu) || cpu > 1023) {
                cli_error("latency: --cpu: '%s' is not a CPU number", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'j':
            json = 1;
            break;
        case 'h':
            printf("usage: mmsim latency [-t NAME|FILE]... [--cpu N] [--json]\n\n"
                   "Print the unloaded load-to-use latency that each topology's\n"
                   "configuration implies for a load by CPU N (default 0) that is satisfied\n"
                   "in its L1, L2, its node's LLC, or the DRAM of each node (local, or over\n"
                   "the links): the values a pointer chase measures on an idle machine\n"
                   "(docs/TIMING.md).  Without -t: the default UMA and NUMA topologies.\n");
            return 0;
        default:
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("latency: unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    int headers = topos.n != 1 && !json;
    cli_topos_default(&topos);
    for (int i = 0; i < topos.n; i++) {
        mmsim_machine *m;
        int rc = cli_create_machine(topos.name[i], 0, &m);
        if (rc)
            return rc;
        if (i && headers)
            printf("\n");
        rc = print_one(m, (unsigned)cpu, json, headers);
        mmsim_machine_destroy(m);
        if (rc)
            return rc;
    }
    return fflush(stdout) == 0 ? 0 : EXIT_SIM_ERROR;
}
