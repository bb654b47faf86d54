/* mmsim memory: the guest kernel's physical memory of a freshly booted
 * machine, in the formats of /proc/buddyinfo, /proc/zoneinfo and friends. */
#include <getopt.h>
#include <string.h>

#include "cli.h"

static const struct {
    const char *name, *file;
    mmsim_memory_view view;
} views[] = {
    {"buddyinfo", "/proc/buddyinfo", MMSIM_VIEW_BUDDYINFO},
    {"zoneinfo", "/proc/zoneinfo", MMSIM_VIEW_ZONEINFO},
    {"pagetypeinfo", "/proc/pagetypeinfo", MMSIM_VIEW_PAGETYPEINFO},
    {"extfrag", "/sys/kernel/debug/extfrag/extfrag_index", MMSIM_VIEW_EXTFRAG},
    {"numastat", "numastat", MMSIM_VIEW_NUMASTAT},
};
#define NVIEWS (sizeof(views) / sizeof(views[0]))

/* Parse a comma-separated list of view names ("all" for every one) into a
 * bit set; 0 on success. */
static int parse_views(const char *arg, unsigned *set)
{
    char buf[256];
    if (strlen(arg) >= sizeof(buf))
        return -1;
    strcpy(buf, arg);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        if (strcmp(tok, "all") == 0) {
            *set |= (1u << NVIEWS) - 1;
            continue;
        }
        unsigned i = 0;
        while (i < NVIEWS && strcmp(tok, views[i].name) != 0)
            i++;
        if (i == NVIEWS) {
            cli_error("memory: unknown view '%s' (buddyinfo, zoneinfo, pagetypeinfo, "
                      "extfrag, numastat, all)",
                      tok);
            return -1;
        }
        *set |= 1u << i;
    }
    return 0;
}

int cmd_memory(int argc, char **argv)
{
    static const struct option opts[] = {{"topology", required_argument, NULL, 't'},
                                          {"view", required_argument, NULL, 'v'},
                                          {"json", no_argument, NULL, 'j'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    const char *topo = NULL;
    unsigned set = 0;
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:v:jh", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            topo = optarg;
            break;
        case 'v':
            if (parse_views(optarg, &set))
                return EXIT_USAGE;
            break;
        case 'j':
            json = 1;
            break;
        case 'h':
            printf("usage: mmsim memory [-t NAME|FILE] [-v VIEW[,VIEW...]] [--json]\n\n"
                   "Boot a machine (default topology %s) and print its guest physical\n"
                   "memory as the guest kernel's buddy allocator sees it.  Views:\n"
                   "  buddyinfo     free blocks per node, zone and order (/proc/buddyinfo)\n"
                   "  zoneinfo      zone sizes and min/low/high watermarks (/proc/zoneinfo)\n"
                   "  pagetypeinfo  free blocks and pageblocks (/proc/pagetypeinfo)\n"
                   "  extfrag       external fragmentation index per order\n"
                   "  numastat      NUMA allocation counters (numastat)\n"
                   "  all           every view\n"
                   "The default is buddyinfo,zoneinfo.  --json prints one JSON document\n"
                   "with everything instead.\n",
                   mmsim_topology_default_numa());
            return 0;
        default:
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("memory: unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    if (!set)
        set = 1u << 0 | 1u << 1;

    mmsim_machine *m;
    int rc = cli_create_machine(topo, 0, &m);
    if (rc)
        return rc;
    if (json) {
        rc = mmsim_memory_print(m, stdout, MMSIM_VIEW_BUDDYINFO, MMSIM_FORMAT_JSON);
    } else {
        int multi = __builtin_popcount(set) > 1, first = 1;
        for (unsigned i = 0; i < NVIEWS && rc == MMSIM_OK; i++) {
            if (!(set & (1u << i)))
                continue;
            if (multi)
                printf("%s==> %s <==\n", first ? "" : "\n", views[i].file);
            first = 0;
            rc = mmsim_memory_print(m, stdout, views[i].view, MMSIM_FORMAT_TEXT);
        }
    }
    if (rc != MMSIM_OK)
        cli_error("memory: %s", mmsim_machine_errmsg(m));
    mmsim_machine_destroy(m);
    if (rc != MMSIM_OK)
        return EXIT_SIM_ERROR;
    return fflush(stdout) == 0 ? 0 : EXIT_SIM_ERROR;
}
