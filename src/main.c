/* sandbox-attest: parse the subcommand, run it, print the one error, map
 * it to an exit code (0 done/ACCEPTED, 1 bug, 2 usage or bad input,
 * 3 BLOCKED). */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "error.h"

static void
usage (FILE *out)
{
  fprintf (out, "Usage: sandbox-attest COMMAND [OPTION...]\n\nCommands:\n");
  for (const AttestCommand *c = attest_cli_commands (); c->name != NULL; c++)
    fprintf (out, "  %-10s %s\n", c->name, c->summary);
  fprintf (out, "\nRun 'sandbox-attest COMMAND --help' for a command's options.\n"
                "Exit status: 0 done (ACCEPTED), 1 internal error, 2 usage or bad input, 3 BLOCKED.\n");
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  setlocale (LC_ALL, "");
  if (argc < 2)
    {
      usage (stderr);
      return 2;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      usage (stdout);
      return 0;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("sandbox-attest %s\n", PACKAGE_VERSION);
      return 0;
    }
  for (const AttestCommand *c = attest_cli_commands (); c->name != NULL; c++)
    {
      if (strcmp (argv[1], c->name) != 0)
        continue;
      status = c->func (argc - 1, argv + 1, &error);
      if (error != NULL)
        g_printerr ("sandbox-attest %s: %s\n", c->name, error->message);
      else if (status != 0 && status != 3 && !c->passes_status)
        g_printerr ("sandbox-attest %s: failed without a message (a bug)\n", c->name);
      return status;
    }
  g_printerr ("sandbox-attest: unknown command '%s' (see 'sandbox-attest --help')\n", argv[1]);
  return 2;
}
