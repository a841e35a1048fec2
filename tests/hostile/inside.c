/* Writes a plausible /out/sandbox-attestation-inside.json, then replaces it
 * (rename over it, as a racing attacker would) with a hostile object chosen
 * at build time (HOSTILE_KIND; argv[0] is always /probe in the sandbox):
 *   symlink   a symbolic link to a host file: the absolute path read from
 *             /in/target-path (the test's marker file), else /etc/shadow
 *   fifo      a FIFO (a host reader without O_NONBLOCK would hang)
 *   directory a directory
 *   sparse    a 1 GiB sparse file (no blocks, but 1 GiB to a naive reader)
 * run must refuse each without following, blocking or reading it whole. */
#include "hostile.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

#define INSIDE "/out/sandbox-attestation-inside.json"
#define STAGED "/out/.staged"

static void
target_path (char *buf, size_t size)
{
  int fd = open ("/in/target-path", O_RDONLY);
  ssize_t n = fd < 0 ? -1 : read (fd, buf, size - 1);

  if (n <= 0)
    {
      snprintf (buf, size, "/etc/shadow");
      return;
    }
  buf[n] = '\0';
  buf[strcspn (buf, "\n")] = '\0';
}

int
main (void)
{
  const char *kind = HOSTILE_KIND;
  char target[4096];
  int fd = open (INSIDE, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int rc = -1;

  if (fd < 0 || write (fd, "{\"schema\":\"sandbox-attest/inside/1\"}\n", 37) != 37)
    return 1;
  close (fd);
  if (strcmp (kind, "symlink") == 0)
    {
      target_path (target, sizeof target);
      rc = symlink (target, STAGED) == 0 ? rename (STAGED, INSIDE) : -1;
    }
  else if (strcmp (kind, "fifo") == 0)
    rc = mkfifo (STAGED, 0666) == 0 ? rename (STAGED, INSIDE) : -1;
  else if (strcmp (kind, "directory") == 0)
    rc = unlink (INSIDE) == 0 ? mkdir (INSIDE, 0755) : -1;
  else if (strcmp (kind, "sparse") == 0)
    {
      fd = open (STAGED, O_WRONLY | O_CREAT | O_EXCL, 0644);
      rc = fd >= 0 && ftruncate (fd, 1L << 30) == 0 ? rename (STAGED, INSIDE) : -1;
    }
  say ("inside %s: %s", kind, outcome (rc, errno));
  return rc == 0 ? 0 : 1;
}
