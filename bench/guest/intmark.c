/* intmark: a CoreMark-like integer workload of our own, for simulation
 * speed.  Four kernels, as CoreMark mixes them: linked-list search and
 * reversal, integer matrix multiply-accumulate, a byte-wise state machine,
 * and CRC-16 over the results.  Self-checking: prints the final CRC, which
 * is the same on any correct RV64 machine for the same iteration count.
 * Usage: intmark [ITERATIONS]  (default 200) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint16_t crc16(uint16_t crc, uint32_t v, int bytes)
{
    for (int b = 0; b < bytes; b++) {
        crc ^= (uint16_t)((v >> (8 * b)) & 0xff);
        for (int i = 0; i < 8; i++)
            crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xa001) : (uint16_t)(crc >> 1);
    }
    return crc;
}

struct node {
    struct node *next;
    int32_t key, val;
};

#define NODES 256
static struct node pool[NODES];

static struct node *list_build(uint32_t seed)
{
    struct node *head = NULL;
    for (int i = 0; i < NODES; i++) {
        seed = seed * 1103515245u + 12345u;
        pool[i].key = (int32_t)((seed >> 8) & 0x3ff);
        pool[i].val = i;
        pool[i].next = head;
        head = &pool[i];
    }
    return head;
}

static struct node *list_reverse(struct node *h)
{
    struct node *prev = NULL;
    while (h) {
        struct node *n = h->next;
        h->next = prev;
        prev = h;
        h = n;
    }
    return prev;
}

static int32_t list_find(const struct node *h, int32_t key)
{
    for (; h; h = h->next)
        if (h->key == key)
            return h->val;
    return -1;
}

#define N 24
static int32_t ma[N][N], mb[N][N], mc[N][N];

static uint32_t matrix(uint32_t seed)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            seed = seed * 1664525u + 1013904223u;
            ma[i][j] = (int32_t)(seed >> 20) - 2048;
            mb[i][j] = (int32_t)((seed >> 8) & 0xfff) - 2048;
        }
    uint32_t acc = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            int32_t s = 0;
            for (int k = 0; k < N; k++)
                s += ma[i][k] * mb[k][j];
            mc[i][j] = s;
            acc += (uint32_t)s ^ (uint32_t)(s >> 7);
        }
    return acc;
}

/* Classify tokens of a string: integers, floats with exponent, invalid. */
enum st { START, INT, FRAC, EXP_SIGN, EXP, INVALID };

static uint32_t state_machine(const char *s)
{
    uint32_t counts[6] = {0};
    enum st st = START;
    for (;; s++) {
        char c = *s;
        if (c == ',' || c == '\0') {
            counts[st]++;
            st = START;
            if (!c)
                break;
            continue;
        }
        switch (st) {
        case START: st = (c >= '0' && c <= '9') || c == '-' ? INT : c == '.' ? FRAC : INVALID; break;
        case INT: st = (c >= '0' && c <= '9') ? INT : c == '.' ? FRAC : (c == 'e' || c == 'E') ? EXP_SIGN : INVALID; break;
        case FRAC: st = (c >= '0' && c <= '9') ? FRAC : (c == 'e' || c == 'E') ? EXP_SIGN : INVALID; break;
        case EXP_SIGN: st = (c >= '0' && c <= '9') || c == '-' || c == '+' ? EXP : INVALID; break;
        case EXP: st = (c >= '0' && c <= '9') ? EXP : INVALID; break;
        default: break;
        }
    }
    return counts[INT] * 1 + counts[FRAC] * 7 + counts[EXP] * 31 + counts[INVALID] * 127;
}

static const char *tokens =
    "5012,1234,-874,+122,35.54,.1234,-110.700,0.64,5.500e+3,-.123e-2,-87e+832,"
    "+0.6e-12,T0.3e-1F,-T.T++Tq,1T3.4e4z,34.0e-T^,12e,8e+,0x1f,3.14159,2.71828e0";

int main(int argc, char **argv)
{
    long iters = argc > 1 ? strtol(argv[1], NULL, 10) : 200;
    uint16_t crc = 0;
    for (long it = 0; it < iters; it++) {
        struct node *h = list_build((uint32_t)it * 2654435761u);
        int32_t found = 0;
        for (int q = 0; q < 32; q++)
            found += list_find(h, (q * 37 + (int)it) & 0x3ff);
        h = list_reverse(h);
        found += h->key;
        crc = crc16(crc, (uint32_t)found, 4);
        crc = crc16(crc, matrix((uint32_t)it), 4);
        crc = crc16(crc, state_machine(tokens), 4);
    }
    printf("intmark: %ld iterations, crc 0x%04x\n", iters, crc);
    return 0;
}
