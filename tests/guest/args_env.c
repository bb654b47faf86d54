/* args_env.c - the initial process stack: argc, argv strings (argv[0] by
 * basename only), envp (the variable MMSIM_GUEST_TESTVAR that difftest.sh
 * sets, the envp/environ identity, NULL terminators), and the auxiliary
 * vector through getauxval: AT_PAGESZ value, AT_HWCAP's IMAFDC bits, and
 * only the presence of address-valued entries. */
#include <sys/auxv.h>
#include <unistd.h>
#include "check.h"

extern char **environ;

static const char *base(const char *p)
{
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

int main(int argc, char **argv, char **envp)
{
  printf("argc = %d\n", argc);
  printf("argv[0] basename = %s\n", base(argv[0]));
  for (int i = 1; i < argc; i++)
    printf("argv[%d] = \"%s\" (%zu bytes)\n", i, argv[i], strlen(argv[i]));
  CHECK(argv[argc] == NULL);
  CHECK(envp == environ);
  int nenv = 0;
  while (envp[nenv])
    nenv++;
  CHECK(nenv >= 0);
  /* argv strings precede the environment strings on the stack */
  if (nenv > 0)
    CHECK((uintptr_t)argv[argc - 1] < (uintptr_t)envp[0]);
  const char *v = getenv("MMSIM_GUEST_TESTVAR");
  printf("MMSIM_GUEST_TESTVAR = %s\n", v ? v : "(unset)");
  CHECK(getenv("MMSIM_SURELY_NOT_SET_ANYWHERE") == NULL);
  CHECK_EQ(setenv("MMSIM_NEW", "1", 1), 0);
  CHECK_STR(getenv("MMSIM_NEW"), "1");
  /* auxv */
  printf("AT_PAGESZ = %lu\n", getauxval(AT_PAGESZ));
  unsigned long hw = getauxval(AT_HWCAP);
  unsigned long imafdc = 0;
  for (const char *c = "IMAFDC"; *c; c++)
    imafdc |= 1ul << (*c - 'A');
  printf("AT_HWCAP has IMAFDC: %s\n", (hw & imafdc) == imafdc ? "yes" : "no");
  printf("AT_PHDR present: %s, AT_PHNUM > 0: %s, AT_PHENT = %lu\n",
         getauxval(AT_PHDR) ? "yes" : "no", getauxval(AT_PHNUM) > 0 ? "yes" : "no",
         getauxval(AT_PHENT));
  printf("AT_ENTRY present: %s, AT_RANDOM present: %s\n",
         getauxval(AT_ENTRY) ? "yes" : "no", getauxval(AT_RANDOM) ? "yes" : "no");
  printf("AT_UID/EUID/GID/EGID match: %s, AT_SECURE = %lu\n",
         getauxval(AT_UID) == getuid() && getauxval(AT_EUID) == geteuid() &&
         getauxval(AT_GID) == getgid() && getauxval(AT_EGID) == getegid() ? "yes" : "no",
         getauxval(AT_SECURE));
  const char *fn = (const char *)getauxval(AT_EXECFN);
  printf("AT_EXECFN basename = %s\n", fn ? base(fn) : "(none)");
  /* the stack is 16-byte aligned and grows down: a local is below argv */
  volatile char local;
  CHECK((uintptr_t)&local < (uintptr_t)argv);
  CHECK(((uintptr_t)__builtin_frame_address(0) & 15) == 0);
  return done("args_env");
}
