/* Command-line front ends: one function per subcommand, each parses its
 * own options and calls the pipeline.  They print results to stdout; only
 * main.c prints errors. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef int (*AttestCommandFunc) (int argc, char **argv, GError **error);

typedef struct
{
  const char *name;
  AttestCommandFunc func;
  const char *summary;
  gboolean passes_status;    /* exec: a non-zero status is the command's, not an error */
} AttestCommand;

const AttestCommand *attest_cli_commands (void);

int attest_cli_compile (int argc, char **argv, GError **error);
int attest_cli_run (int argc, char **argv, GError **error);
int attest_cli_verify (int argc, char **argv, GError **error);
int attest_cli_exec (int argc, char **argv, GError **error);
int attest_cli_report (int argc, char **argv, GError **error);
int attest_cli_doctor (int argc, char **argv, GError **error);
int attest_cli_assemble (int argc, char **argv, GError **error);  /* src/assemble.c */
int attest_cli_parity (int argc, char **argv, GError **error);    /* src/parity.c */
int attest_cli_sign (int argc, char **argv, GError **error);

G_END_DECLS
