/* sandbox-attest: the one error domain.
 *
 * Callers match codes, never message text.  main.c maps codes to exit
 * statuses (see attest_error_exit_status()).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ATTEST_ERROR (attest_error_quark ())

typedef enum
{
  ATTEST_ERROR_FAILED,          /* internal error: a bug (exit 1) */
  ATTEST_ERROR_USAGE,           /* bad command line (exit 2) */
  ATTEST_ERROR_IO,              /* an input could not be read (exit 2) */
  ATTEST_ERROR_JSON,            /* malformed JSON (exit 2) */
  ATTEST_ERROR_POLICY_INVALID,  /* well-formed JSON, invalid policy (exit 2) */
  ATTEST_ERROR_UNSUPPORTED,     /* valid policy that this venue cannot honour (exit 2) */
  ATTEST_ERROR_COMPILE,         /* libseccomp refused the policy (exit 2) */
  ATTEST_ERROR_OUTPUT,          /* an output could not be written (exit 2) */
  ATTEST_ERROR_BLOCKED,         /* fail closed: the sandbox could not be established (exit 3) */
} AttestError;

GQuark attest_error_quark (void);

int attest_error_exit_status (const GError *error);

const char *attest_seccomp_strerror (int negative_errno);

G_END_DECLS
