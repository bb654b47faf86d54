/* mmsim hardware: the machine as `numactl -H` shows it. */
#include <getopt.h>
#include <string.h>

#include "cli.h"


int cmd_hardware(int argc, char **argv)
{
    static const struct option opts[] = {{"topology", required_argument, NULL, 't'},
                                          {"json", no_argument, NULL, 'j'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    struct cli_topos topos = {0};
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:jh", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            if (cli_topos_add(&topos, "hardware", optarg))
                return EXIT_USAGE;
            break;
        case 'j':
            json = 1;
            break;
        case 'h':
            printf("usage: mmsim hardware [-t NAME|FILE]... [--json]\n\n"
                   "Print each machine in the format of `numactl -H`: available nodes, each\n"
                   "node's CPUs, memory size and free memory (from the guest's buddy\n"
                   "allocator, on a freshly booted machine), and the SLIT node distances.\n"
                   "With one -t the output is exactly numactl's; with several, or none (the\n"
                   "default UMA and NUMA topologies, %s and %s), each machine is preceded by\n"
                   "a '# NAME: description' line.  --json prints one JSON document per machine\n"
                   "with links, hop counts and latencies as well.\n",
                   mmsim_topology_default_uma(), mmsim_topology_default_numa());
            return 0;
        default:
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("hardware: unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    int headers = topos.n != 1;
    cli_topos_default(&topos);
    for (int i = 0; i < topos.n; i++) {
        mmsim_machine *m;
        int rc = cli_create_machine(topos.name[i], 0, &m);
        if (rc)
            return rc;
        const mmsim_topology *t = mmsim_machine_topology(m);
        if (headers && !json)
            printf("%s# %s: %s\n", i ? "\n" : "", mmsim_topology_name(t),
                   mmsim_topology_description(t));
        rc = mmsim_machine_print_hardware(m, stdout, json ? MMSIM_FORMAT_JSON : MMSIM_FORMAT_TEXT);
        mmsim_machine_destroy(m);
        if (rc != MMSIM_OK) {
            cli_error("hardware: %s", mmsim_strerror(rc));
            return EXIT_SIM_ERROR;
        }
    }
    return fflush(stdout) == 0 ? 0 : EXIT_SIM_ERROR;
}
