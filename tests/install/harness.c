/* A tiny research harness built against an INSTALLED libmmsim (see
 * tests/install.sh): it must find the header, link, and run. */
#include <mmsim/mmsim.h>
#include <stdio.h>

int main(void)
{
    mmsim_topology *t;
    char err[512];
    if (mmsim_topology_bundled("numa-2s", &t, err, sizeof(err)) != MMSIM_OK) {
        fprintf(stderr, "harness: %s\n", err);
        return 1;
    }
    mmsim_machine *m;
    int rc = mmsim_machine_create(t, 1, &m);
    mmsim_topology_destroy(t);
    if (rc != MMSIM_OK) {
        fprintf(stderr, "harness: %s\n", mmsim_strerror(rc));
        return 1;
    }
    const mmsim_topology *mt = mmsim_machine_topology(m);
    printf("libmmsim %s: %s has %u nodes, %u cpus, distance(0,1) = %d\n", mmsim_version(),
           mmsim_topology_name(mt), mmsim_topology_node_count(mt), mmsim_topology_cpu_count(mt),
           mmsim_topology_distance(mt, 0, 1));
    mmsim_machine_destroy(m);
    return 0;
}
