#include "error.h"

#include <errno.h>
#include <string.h>

G_DEFINE_QUARK (attest-error-quark, attest_error)

int
attest_error_exit_status (const GError *error)
{
  if (error == NULL || error->domain != ATTEST_ERROR)
    return 1;

  switch ((AttestError) error->code)
    {
    case ATTEST_ERROR_USAGE:
    case ATTEST_ERROR_IO:
    case ATTEST_ERROR_JSON:
    case ATTEST_ERROR_POLICY_INVALID:
    case ATTEST_ERROR_UNSUPPORTED:
    case ATTEST_ERROR_COMPILE:
    case ATTEST_ERROR_OUTPUT:
      return 2;
    case ATTEST_ERROR_BLOCKED:
      return 3;
    case ATTEST_ERROR_FAILED:
    default:
      return 1;
    }
}

/* libseccomp gives some errno values meanings of its own, so strerror()
 * would mislead (flatpak has the same translator for the same reason). */
const char *
attest_seccomp_strerror (int negative_errno)
{
  switch (-negative_errno)
    {
    case EDOM:
      return "the architecture cannot express this rule";
    case EEXIST:
      return "the rule or architecture is already present";
    case EACCES:
      return "the rule's action equals the default action";
    case EFAULT:
      return "the syscall is not known on this architecture";
    case ECANCELED:
      return "the kernel or libseccomp cannot do this";
    case EINVAL:
      return "invalid argument to libseccomp";
    case ENOMEM:
      return "out of memory";
    case ESRCH:
      return "libseccomp has no such syscall";
    default:
      return g_strerror (-negative_errno);
    }
}
