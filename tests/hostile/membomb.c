/* A memory bomb: touches memory in 8 MiB steps until something stops it.
 * With the cgroup limit (256 MiB, no swap) the OOM killer ends it with
 * SIGKILL; under the RLIMIT_AS fallback mmap fails.  Bounded at 2 GiB so
 * that it stays harmless where no limit exists. */
#include "hostile.h"

#include <string.h>
#include <sys/mman.h>

#define STEP (8L << 20)
#define BOUND (2048L << 20)

int
main (void)
{
  long touched = 0;

  while (touched < BOUND)
    {
      char *p = mmap (NULL, STEP, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

      if (p == MAP_FAILED)
        {
          say ("membomb: mmap %s after %ld MiB", outcome (-1, errno), touched >> 20);
          return 2;
        }
      memset (p, 0xa5, STEP);
      touched += STEP;
      if (touched % (64L << 20) == 0)
        say ("membomb: %ld MiB touched", touched >> 20);
    }
  say ("membomb: ESCAPED the memory ceiling: %ld MiB touched", touched >> 20);
  return 0;
}
