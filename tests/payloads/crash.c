/* A probe that crashes before writing anything. */
#include <signal.h>

int
main (void)
{
  raise (SIGSEGV);
  return 0;
}
