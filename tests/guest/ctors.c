/* ctors.c - static initialisation order: __attribute__((constructor))
 * with priorities run before main in priority order, destructors and
 * atexit handlers run after main in reverse order; global initialised
 * data, zeroed .bss, and a relocated pointer table are in place. */
#include "check.h"

static int order[16], n_order;
static int big_bss[100000];
static int init_data[4] = { 11, 22, 33, 44 };
static const char *const names[] = { "alpha", "beta", "gamma" };   /* relocated pointers */

__attribute__((constructor(101))) static void c101(void) { order[n_order++] = 101; }
__attribute__((constructor(300))) static void c300(void) { order[n_order++] = 300; }
__attribute__((constructor(200))) static void c200(void) { order[n_order++] = 200; }
__attribute__((constructor)) static void cdefault(void) { order[n_order++] = 65535; }

__attribute__((destructor(200))) static void d200(void) { printf("destructor 200\n"); }
__attribute__((destructor(300))) static void d300(void) { printf("destructor 300 (runs before 200)\n"); }
__attribute__((destructor)) static void ddefault(void) { printf("destructor default (runs first)\n"); }

static void ae1(void) { printf("atexit 1\n"); }
static void ae2(void) { printf("atexit 2 (registered last, runs first)\n"); }

int main(void)
{
  CHECK_EQ(n_order, 4);
  printf("constructors ran in order:");
  for (int i = 0; i < n_order; i++)
    printf(" %d", order[i]);
  printf("\n");
  CHECK(order[0] == 101 && order[1] == 200 && order[2] == 300 && order[3] == 65535);
  int zero = 1;
  for (int i = 0; i < 100000; i++)
    zero &= big_bss[i] == 0;
  CHECK(zero);
  CHECK_EQ(init_data[0] + init_data[1] + init_data[2] + init_data[3], 110);
  CHECK_STR(names[2], "gamma");
  atexit(ae1);
  atexit(ae2);
  int r = done("ctors");
  printf("main returns\n");
  return r;
}
