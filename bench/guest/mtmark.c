/* mtmark: the multi-CPU speed workload.  THREADS pthreads each run an
 * intmark-like integer mix (linked-list build, search and reversal, an
 * integer matrix multiply-accumulate, CRC-16 of the results) on private
 * data that the thread allocates itself (first touch: on its own node), and
 * once per iteration add their result into one shared counter with an
 * atomic, a little coherence traffic between the CPUs.  Self-checking:
 * prints the shared sum and the CRCs folded together, the same on any
 * correct RV64 machine for the same arguments, whatever the interleaving.
 * Usage: mtmark [THREADS] [ITERATIONS]  (default 16 threads, 100 iterations) */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NODES 192
#define N 16

struct node {
    struct node *next;
    int32_t key, val;
};

struct work {
    struct node pool[NODES];
    int32_t ma[N][N], mb[N][N], mc[N][N];
};

struct thread_arg {
    pthread_t tid;
    unsigned id;
    long iters;
    uint16_t crc;
};

static uint64_t shared_sum;

static uint16_t crc16(uint16_t crc, uint32_t v)
{
    for (int b = 0; b < 4; b++) {
        crc ^= (uint16_t)((v >> (8 * b)) & 0xff);
        for (int i = 0; i < 8; i++)
            crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xa001) : (uint16_t)(crc >> 1);
    }
    return crc;
}

static int32_t lists(struct work *w, uint32_t seed)
{
    struct node *h = NULL;
    for (int i = 0; i < NODES; i++) {
        seed = seed * 1103515245u + 12345u;
        w->pool[i].key = (int32_t)((seed >> 8) & 0x3ff);
        w->pool[i].val = i;
        w->pool[i].next = h;
        h = &w->pool[i];
    }
    int32_t found = 0;
    for (int q = 0; q < 24; q++) {
        const struct node *n = h;
        int32_t key = (int32_t)((q * 37u + seed) & 0x3ff);
        while (n && n->key != key)
            n = n->next;
        found += n ? n->val : -1;
    }
    struct node *prev = NULL;
    while (h) {
        struct node *next = h->next;
        h->next = prev;
        prev = h;
        h = next;
    }
    return found + (prev ? prev->key : 0);   /* the old tail: the first node built */
}

static uint32_t matrix(struct work *w, uint32_t seed)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            seed = seed * 1664525u + 1013904223u;
            w->ma[i][j] = (int32_t)(seed >> 20) - 2048;
            w->mb[i][j] = (int32_t)((seed >> 8) & 0xfff) - 2048;
        }
    uint32_t acc = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            int32_t s = 0;
            for (int k = 0; k < N; k++)
                s += w->ma[i][k] * w->mb[k][j];
            w->mc[i][j] = s;
            acc += (uint32_t)s ^ (uint32_t)(s >> 7);
        }
    return acc;
}

static void *worker(void *p)
{
    struct thread_arg *a = p;
    struct work *w = malloc(sizeof(*w));
    if (!w)
        return NULL;
    uint16_t crc = 0;
    for (long it = 0; it < a->iters; it++) {
        uint32_t seed = (uint32_t)(it * 2654435761u) ^ a->id;
        uint32_t r = (uint32_t)lists(w, seed);
        crc = crc16(crc, r);
        crc = crc16(crc, matrix(w, seed));
        __atomic_fetch_add(&shared_sum, r & 0xffff, __ATOMIC_RELAXED);
    }
    a->crc = crc;
    free(w);
    return a;
}

int main(int argc, char **argv)
{
    long nthreads = argc > 1 ? strtol(argv[1], NULL, 10) : 16;
    long iters = argc > 2 ? strtol(argv[2], NULL, 10) : 100;
    if (nthreads < 1 || nthreads > 256 || iters < 0) {
        fprintf(stderr, "usage: mtmark [THREADS 1-256] [ITERATIONS]\n");
        return 2;
    }
    struct thread_arg *args = calloc((size_t)nthreads, sizeof(*args));
    if (!args)
        return 1;
    for (long t = 0; t < nthreads; t++) {
        args[t].id = (unsigned)t;
        args[t].iters = iters;
        if (pthread_create(&args[t].tid, NULL, worker, &args[t]) != 0) {
            fprintf(stderr, "mtmark: pthread_create failed\n");
            return 1;
        }
    }
    uint32_t fold = 0;
    for (long t = 0; t < nthreads; t++) {
        void *ret;
        pthread_join(args[t].tid, &ret);
        if (!ret) {
            fprintf(stderr, "mtmark: thread %ld: no memory\n", t);
            return 1;
        }
        fold = fold * 31 + args[t].crc;
    }
    printf("mtmark: %ld threads, %ld iterations, sum %llu, crc fold 0x%08x\n", nthreads, iters,
           (unsigned long long)shared_sum, fold);
    free(args);
    return 0;
}
