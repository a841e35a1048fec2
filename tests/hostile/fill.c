/* Fills /tmp (a 16 MiB tmpfs) and /out until the file system says no.
 * /out is bounded at 64 MiB here, so that a run whose /out is on the
 * host's disk does not fill the disk (the test gives a small tmpfs as
 * --out when it can).  Reports how much each took, then exits 0. */
#include "hostile.h"

#include <fcntl.h>
#include <string.h>

static void
fill (const char *path, long bound)
{
  static char block[1 << 20];
  long written = 0;
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int err = 0;

  if (fd < 0)
    {
      say ("fill %s: open %s", path, outcome (-1, errno));
      return;
    }
  memset (block, 'x', sizeof block);
  while (written < bound)
    {
      ssize_t n = write (fd, block, sizeof block);
      if (n <= 0)
        {
          err = n < 0 ? errno : ENOSPC;
          break;
        }
      written += n;
    }
  if (err == 0 && fsync (fd) < 0)
    err = errno;
  close (fd);
  say ("fill %s: %ld KiB written, then %s", path, written >> 10, err ? outcome (-1, err) : "BOUND");
}

int
main (void)
{
  fill ("/tmp/fill", 1L << 30);
  fill ("/out/fill", 64L << 20);
  return 0;
}
