/* A workload for exec tests: ARGV1 to stdout, ARGV2 to stderr, exit ARGV3.
 * With "touch PATH" as ARGV1 it creates PATH instead (to prove a refused
 * exec ran nothing). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  if (argc == 3 && strcmp (argv[1], "touch") == 0)
    return open (argv[2], O_WRONLY | O_CREAT | O_EXCL, 0644) < 0;
  if (argc != 4)
    return 99;
  printf ("%s\n", argv[1]);
  fprintf (stderr, "%s\n", argv[2]);
  return atoi (argv[3]);
}
