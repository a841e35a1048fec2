/* A fork bomb: every process forks for ever.  The pids ceiling (cgroup
 * pids.max 64, or RLIMIT_NPROC in the staging namespace) must hold it,
 * and run must kill the lot at --timeout.  The first process reports how
 * many processes its pid namespace holds once fork keeps failing. */
#include "hostile.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/types.h>

static int
count_processes (void)
{
  DIR *d = opendir ("/proc");
  struct dirent *e;
  int n = 0;

  if (d == NULL)
    return -1;
  while ((e = readdir (d)) != NULL)
    if (e->d_name[0] >= '1' && e->d_name[0] <= '9')
      n++;
  closedir (d);
  return n;
}

int
main (void)
{
  pid_t first = getpid ();
  int failures = 0, first_errno = 0;
  long forks = 0;

  for (;;)
    {
      pid_t p = fork ();

      if (p == 0)
        continue;                /* the child bombs too */
      if (p > 0)
        {
          forks++;
          continue;
        }
      if (getpid () != first)
        continue;
      if (first_errno == 0)
        first_errno = errno;
      if (++failures == 200)
        {
          say ("forkbomb: fork failed with %s; %d processes in the sandbox; %ld forks by the first",
               outcome (-1, first_errno), count_processes (), forks);
        }
    }
}
