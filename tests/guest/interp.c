/* interp.c - a small bytecode stack machine (switch dispatch, calls,
 * conditional jumps) running sum, factorial, Fibonacci and a prime count,
 * and a table-driven state machine tokenising an expression and
 * evaluating it with operator precedence. */
#include <ctype.h>
#include "check.h"

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, MOD, LT, JZ, JMP, CALL, RET, HALT, DUP, DROP };

static long run(const long *code, long arg)
{
  long stack[256], vars[16] = { arg }, rstack[64];
  int sp = 0, rsp = 0, pc = 0;
  for (long steps = 0; steps < 20000000; steps++) {
    long op = code[pc++];
    switch (op) {
    case PUSH: stack[sp++] = code[pc++]; break;
    case LOAD: stack[sp++] = vars[code[pc++]]; break;
    case STORE: vars[code[pc++]] = stack[--sp]; break;
    case ADD: sp--; stack[sp - 1] += stack[sp]; break;
    case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
    case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
    case MOD: sp--; stack[sp - 1] %= stack[sp]; break;
    case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
    case JZ: if (!stack[--sp]) pc = code[pc]; else pc++; break;
    case JMP: pc = code[pc]; break;
    case CALL: rstack[rsp++] = pc + 1; pc = code[pc]; break;
    case RET: pc = rstack[--rsp]; break;
    case DUP: stack[sp] = stack[sp - 1]; sp++; break;
    case DROP: sp--; break;
    case HALT: return stack[sp - 1];
    default: return -999;
    }
  }
  return -998;                        /* runaway program */
}

/* sum 1..n: v1 = acc, v0 = n */
static const long prog_sum[] = {
  PUSH, 0, STORE, 1,
  /* 4 */ PUSH, 0, LOAD, 0, LT, JZ, 27,
  LOAD, 1, LOAD, 0, ADD, STORE, 1, LOAD, 0, PUSH, 1, SUB, STORE, 0, JMP, 4,
  /* 27 */ LOAD, 1, HALT,
};
/* factorial: acc = 1; while (0 < n) { acc *= n; n-- } */
static const long prog_fact[] = {
  PUSH, 1, STORE, 1,
  /* 4 */ PUSH, 0, LOAD, 0, LT, JZ, 27,
  LOAD, 1, LOAD, 0, MUL, STORE, 1, LOAD, 0, PUSH, 1, SUB, STORE, 0, JMP, 4,
  /* 27 */ LOAD, 1, HALT,
};
/* fib: a=0 b=1; repeat n: t=a+b a=b b=t; uses a subroutine for the step */
static const long prog_fib[] = {
  PUSH, 0, STORE, 1, PUSH, 1, STORE, 2,
  /* 8 */ PUSH, 0, LOAD, 0, LT, JZ, 26,
  CALL, 29, LOAD, 0, PUSH, 1, SUB, STORE, 0, JMP, 8,
  /* 26 */ LOAD, 1, HALT,
  /* 29 */ LOAD, 1, LOAD, 2, ADD, LOAD, 2, STORE, 1, STORE, 2, RET,
};
/* count primes below n by trial division: v0 = n, v1 = count, v2 = i, v3 = d, v4 = isprime */
static const long prog_primes[] = {
  PUSH, 0, STORE, 1, PUSH, 2, STORE, 2,
  /* 8 */ LOAD, 2, LOAD, 0, LT, JZ, 72,
  PUSH, 1, STORE, 4, PUSH, 2, STORE, 3,
  /* 23 */ LOAD, 3, LOAD, 3, MUL, LOAD, 2, PUSH, 1, ADD, LT, JZ, 56,
  LOAD, 2, LOAD, 3, MOD, JZ, 52,
  LOAD, 3, PUSH, 1, ADD, STORE, 3, JMP, 23,
  /* 52 */ PUSH, 0, STORE, 4,
  /* 56 */ LOAD, 1, LOAD, 4, ADD, STORE, 1, LOAD, 2, PUSH, 1, ADD, STORE, 2, JMP, 8,
  /* 72 */ LOAD, 1, HALT,
};

/* expression evaluator: tokens by a state machine, precedence climbing */
static const char *src;
static long parse_expr(int minprec);
static long parse_atom(void)
{
  while (*src == ' ') src++;
  if (*src == '(') { src++; long v = parse_expr(0); while (*src == ' ') src++; src++; return v; }
  if (*src == '-') { src++; return -parse_atom(); }
  long v = 0;
  while (isdigit((unsigned char)*src)) v = v * 10 + (*src++ - '0');
  return v;
}
static int prec(char c) { return c == '+' || c == '-' ? 1 : c == '*' || c == '/' || c == '%' ? 2 : -1; }
static long parse_expr(int minprec)
{
  long lhs = parse_atom();
  for (;;) {
    while (*src == ' ') src++;
    char op = *src;
    int p = prec(op);
    if (p < 0 || p < minprec) return lhs;
    src++;
    long rhs = parse_expr(p + 1);
    switch (op) {
    case '+': lhs += rhs; break;
    case '-': lhs -= rhs; break;
    case '*': lhs *= rhs; break;
    case '/': lhs /= rhs; break;
    case '%': lhs %= rhs; break;
    }
  }
}
static long eval(const char *s) { src = s; return parse_expr(0); }

/* word/number counter as an explicit state machine */
enum st { S_SPACE, S_WORD, S_NUM };
static void classify(const char *s, int *words, int *nums)
{
  enum st st = S_SPACE;
  *words = *nums = 0;
  for (; *s; s++) {
    int d = isdigit((unsigned char)*s), a = isalpha((unsigned char)*s);
    switch (st) {
    case S_SPACE: if (d) { st = S_NUM; ++*nums; } else if (a) { st = S_WORD; ++*words; } break;
    case S_WORD: if (!a && !d) st = S_SPACE; break;
    case S_NUM: if (a) { st = S_WORD; --*nums; ++*words; } else if (!d) st = S_SPACE; break;
    }
  }
}

int main(void)
{
  CHECK_EQ(run(prog_sum, 1000), 500500);
  CHECK_EQ(run(prog_fact, 20), 2432902008176640000L);
  CHECK_EQ(run(prog_fib, 50), 12586269025L);
  CHECK_EQ(run(prog_primes, 2000), 303);
  printf("vm: sum(1000)=%ld fact(20)=%ld fib(50)=%ld primes<2000=%ld\n", run(prog_sum, 1000),
         run(prog_fact, 20), run(prog_fib, 50), run(prog_primes, 2000));
  CHECK_EQ(eval("1 + 2 * 3"), 7);
  CHECK_EQ(eval("(1 + 2) * 3"), 9);
  CHECK_EQ(eval("100 / 7 % 4 - -3"), 5);
  CHECK_EQ(eval("2 * (3 + 4) * (5 - 1) / 8"), 7);
  CHECK_EQ(eval("10 - 4 - 3"), 3);
  int w, nm;
  classify("The 3 little pigs built 2 houses in 1999, not x86 ones.", &w, &nm);
  printf("state machine: %d words, %d numbers\n", w, nm);
  CHECK(w == 9 && nm == 3);
  return done("interp");
}
