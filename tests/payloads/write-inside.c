/* Writes /out/sandbox-attestation-inside.json in a hostile shape chosen at
 * build time (PAYLOAD_KIND: the sandbox always runs it as /probe, so its
 * name cannot choose): garbage bytes, a 100 MiB sparse file, a symbolic
 * link to a host file, a FIFO, a directory.  Each must make run say
 * BLOCKED. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define INSIDE "/out/sandbox-attestation-inside.json"

int
main (void)
{
  const char *kind = PAYLOAD_KIND;
  int fd;

  if (strcmp (kind, "symlink") == 0)
    return symlink ("/etc/shadow", INSIDE) == 0 ? 0 : 1;
  if (strcmp (kind, "fifo") == 0)
    return mkfifo (INSIDE, 0644) == 0 ? 0 : 1;
  if (strcmp (kind, "directory") == 0)
    return mkdir (INSIDE, 0755) == 0 ? 0 : 1;
  fd = open (INSIDE, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0)
    return 1;
  if (strcmp (kind, "huge") == 0)
    return ftruncate (fd, 100L * 1024 * 1024) == 0 ? 0 : 1;
  /* garbage: not JSON, not UTF-8 */
  return write (fd, "\xff\xfe{\"schema\":\x01", 14) == 14 ? 0 : 1;
}
