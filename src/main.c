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
  fprintf (out, "\nRun 'sandbox-attest COMMAND --help' (or 'sandbox-attest help COMMAND') for a command's options.\n"
                "Exit status: 0 done (ACCEPTED), 1 internal error, 2 usage or bad input, 3 BLOCKED.\n");
}

/* GNU coding standards, --version: the name and version on the first
 * line (a constant, not argv[0]), then copyright, licence, warranty. */
static void
version (void)
{
  printf ("sandbox-attest %s\n"
          "Copyright (C) 2026 the sandbox-attest developers\n"
          "License LGPL-2.1-or-later: GNU LGPL version 2.1 or later <https://gnu.org/licenses/old-licenses/lgpl-2.1.html>.\n"
          "This is free software: you are free to change and redistribute it.\n"
          "There is NO WARRANTY, to the extent permitted by law.\n",
          PACKAGE_VERSION);
}

static const AttestCommand *
find_command (const char *name)
{
  for (const AttestCommand *c = attest_cli_commands (); c->name != NULL; c++)
    if (strcmp (name, c->name) == 0)
      return c;
  return NULL;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = NULL;
  const AttestCommand *c;
  char *help_argv[] = { NULL, (char *) "--help", NULL };
  int status;

  setlocale (LC_ALL, "");
  if (argc < 2)
    {
      usage (stderr);
      return 2;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0
      || (strcmp (argv[1], "help") == 0 && argc == 2))
    {
      usage (stdout);
      return 0;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      version ();
      return 0;
    }
  /* "help COMMAND" is "COMMAND --help". */
  if (strcmp (argv[1], "help") == 0 && argc == 3 && find_command (argv[2]) != NULL)
    {
      help_argv[0] = argv[2];
      argc = 3;
      argv = help_argv - 1;
    }
  if ((c = find_command (argv[1])) != NULL)
    {
      /* GOption's usage line then reads "sandbox-attest COMMAND [OPTION…]". */
      prgname = g_strconcat ("sandbox-attest ", c->name, NULL);
      g_set_prgname (prgname);
      status = c->func (argc - 1, argv + 1, &error);
      if (error != NULL)
        g_printerr ("sandbox-attest %s: %s\n", c->name, error->message);
      else if (status != 0 && status != 3 && !c->passes_status)
        g_printerr ("sandbox-attest %s: failed without a message (a bug)\n", c->name);
      return status;
    }
  if (strcmp (argv[1], "help") == 0)
    {
      g_printerr ("sandbox-attest: help takes one COMMAND (see 'sandbox-attest --help')\n");
      return 2;
    }
  g_printerr ("sandbox-attest: unknown command '%s' (see 'sandbox-attest --help')\n", argv[1]);
  return 2;
}
