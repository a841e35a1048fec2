/* A forger: instead of probing, it copies /in/forged.json (a genuine
 * inside.json from an ACCEPTED run, which says every probe passed) to
 * /out/sandbox-attestation-inside.json and exits 0.  Run with --weaken,
 * the host's own records (argv, json-status namespaces, what was turned
 * off) must still show the weakening. */
#include "hostile.h"

#include <fcntl.h>

int
main (void)
{
  static char buf[1 << 20];
  int in = open ("/in/forged.json", O_RDONLY);
  int out = open ("/out/sandbox-attestation-inside.json", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ssize_t n;

  if (in < 0 || out < 0)
    return 1;
  while ((n = read (in, buf, sizeof buf)) > 0)
    if (write (out, buf, (size_t) n) != n)
      return 1;
  say ("forge: copied /in/forged.json");
  return n == 0 && fsync (out) == 0 ? 0 : 1;
}
