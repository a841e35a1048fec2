/* errnames.c: see errnames.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "errnames.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Designated initialisers keep each name next to the libc constant, so a
 * table row cannot drift from the number it names. */
static const char *const errno_names[] = {
  [EPERM] = "EPERM", [ENOENT] = "ENOENT", [ESRCH] = "ESRCH", [EINTR] = "EINTR",
  [EIO] = "EIO", [ENXIO] = "ENXIO", [E2BIG] = "E2BIG", [ENOEXEC] = "ENOEXEC",
  [EBADF] = "EBADF", [ECHILD] = "ECHILD", [EAGAIN] = "EAGAIN", [ENOMEM] = "ENOMEM",
  [EACCES] = "EACCES", [EFAULT] = "EFAULT", [ENOTBLK] = "ENOTBLK", [EBUSY] = "EBUSY",
  [EEXIST] = "EEXIST", [EXDEV] = "EXDEV", [ENODEV] = "ENODEV", [ENOTDIR] = "ENOTDIR",
  [EISDIR] = "EISDIR", [EINVAL] = "EINVAL", [ENFILE] = "ENFILE", [EMFILE] = "EMFILE",
  [ENOTTY] = "ENOTTY", [ETXTBSY] = "ETXTBSY", [EFBIG] = "EFBIG", [ENOSPC] = "ENOSPC",
  [ESPIPE] = "ESPIPE", [EROFS] = "EROFS", [EMLINK] = "EMLINK", [EPIPE] = "EPIPE",
  [EDOM] = "EDOM", [ERANGE] = "ERANGE", [EDEADLK] = "EDEADLK",
  [ENAMETOOLONG] = "ENAMETOOLONG", [ENOLCK] = "ENOLCK", [ENOSYS] = "ENOSYS",
  [ENOTEMPTY] = "ENOTEMPTY", [ELOOP] = "ELOOP", [ENOMSG] = "ENOMSG", [EIDRM] = "EIDRM",
  [ECHRNG] = "ECHRNG", [EL2NSYNC] = "EL2NSYNC", [EL3HLT] = "EL3HLT", [EL3RST] = "EL3RST",
  [ELNRNG] = "ELNRNG", [EUNATCH] = "EUNATCH", [ENOCSI] = "ENOCSI", [EL2HLT] = "EL2HLT",
  [EBADE] = "EBADE", [EBADR] = "EBADR", [EXFULL] = "EXFULL", [ENOANO] = "ENOANO",
  [EBADRQC] = "EBADRQC", [EBADSLT] = "EBADSLT", [EBFONT] = "EBFONT", [ENOSTR] = "ENOSTR",
  [ENODATA] = "ENODATA", [ETIME] = "ETIME", [ENOSR] = "ENOSR", [ENONET] = "ENONET",
  [ENOPKG] = "ENOPKG", [EREMOTE] = "EREMOTE", [ENOLINK] = "ENOLINK", [EADV] = "EADV",
  [ESRMNT] = "ESRMNT", [ECOMM] = "ECOMM", [EPROTO] = "EPROTO", [EMULTIHOP] = "EMULTIHOP",
  [EDOTDOT] = "EDOTDOT", [EBADMSG] = "EBADMSG", [EOVERFLOW] = "EOVERFLOW",
  [ENOTUNIQ] = "ENOTUNIQ", [EBADFD] = "EBADFD", [EREMCHG] = "EREMCHG",
  [ELIBACC] = "ELIBACC", [ELIBBAD] = "ELIBBAD", [ELIBSCN] = "ELIBSCN", [ELIBMAX] = "ELIBMAX",
  [ELIBEXEC] = "ELIBEXEC", [EILSEQ] = "EILSEQ", [ERESTART] = "ERESTART",
  [ESTRPIPE] = "ESTRPIPE", [EUSERS] = "EUSERS", [ENOTSOCK] = "ENOTSOCK",
  [EDESTADDRREQ] = "EDESTADDRREQ", [EMSGSIZE] = "EMSGSIZE", [EPROTOTYPE] = "EPROTOTYPE",
  [ENOPROTOOPT] = "ENOPROTOOPT", [EPROTONOSUPPORT] = "EPROTONOSUPPORT",
  [ESOCKTNOSUPPORT] = "ESOCKTNOSUPPORT", [EOPNOTSUPP] = "EOPNOTSUPP",
  [EPFNOSUPPORT] = "EPFNOSUPPORT", [EAFNOSUPPORT] = "EAFNOSUPPORT",
  [EADDRINUSE] = "EADDRINUSE", [EADDRNOTAVAIL] = "EADDRNOTAVAIL", [ENETDOWN] = "ENETDOWN",
  [ENETUNREACH] = "ENETUNREACH", [ENETRESET] = "ENETRESET", [ECONNABORTED] = "ECONNABORTED",
  [ECONNRESET] = "ECONNRESET", [ENOBUFS] = "ENOBUFS", [EISCONN] = "EISCONN",
  [ENOTCONN] = "ENOTCONN", [ESHUTDOWN] = "ESHUTDOWN", [ETOOMANYREFS] = "ETOOMANYREFS",
  [ETIMEDOUT] = "ETIMEDOUT", [ECONNREFUSED] = "ECONNREFUSED", [EHOSTDOWN] = "EHOSTDOWN",
  [EHOSTUNREACH] = "EHOSTUNREACH", [EALREADY] = "EALREADY", [EINPROGRESS] = "EINPROGRESS",
  [ESTALE] = "ESTALE", [EUCLEAN] = "EUCLEAN", [ENOTNAM] = "ENOTNAM", [ENAVAIL] = "ENAVAIL",
  [EISNAM] = "EISNAM", [EREMOTEIO] = "EREMOTEIO", [EDQUOT] = "EDQUOT",
  [ENOMEDIUM] = "ENOMEDIUM", [EMEDIUMTYPE] = "EMEDIUMTYPE", [ECANCELED] = "ECANCELED",
  [ENOKEY] = "ENOKEY", [EKEYEXPIRED] = "EKEYEXPIRED", [EKEYREVOKED] = "EKEYREVOKED",
  [EKEYREJECTED] = "EKEYREJECTED", [EOWNERDEAD] = "EOWNERDEAD",
  [ENOTRECOVERABLE] = "ENOTRECOVERABLE", [ERFKILL] = "ERFKILL", [EHWPOISON] = "EHWPOISON",
};

#define N_ELEMENTS(a) (sizeof (a) / sizeof ((a)[0]))

/* The kernel's internal ENOTSUPP (524) leaks to user space from a few
 * subsystems (bpf among them); name it so it is not mistaken for noise. */
#define ATTEST_ENOTSUPP 524

const char *
attest_errno_name (int err, char buf[ATTEST_NAME_BUF])
{
  if (err > 0 && (size_t) err < N_ELEMENTS (errno_names) && errno_names[err] != NULL)
    return errno_names[err];
  if (err == ATTEST_ENOTSUPP)
    return "ENOTSUPP";
  snprintf (buf, ATTEST_NAME_BUF, "E%d", err);
  return buf;
}

int
attest_errno_from_name (const char *name)
{
  for (size_t i = 0; i < N_ELEMENTS (errno_names); i++)
    if (errno_names[i] != NULL && strcmp (errno_names[i], name) == 0)
      return (int) i;
  if (strcmp (name, "ENOTSUPP") == 0)
    return ATTEST_ENOTSUPP;
  return -1;
}

static const char *const signal_names[] = {
  [SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
  [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT", [SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE",
  [SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
  [SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
  [SIGSTKFLT] = "SIGSTKFLT", [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT",
  [SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP", [SIGTTIN] = "SIGTTIN", [SIGTTOU] = "SIGTTOU",
  [SIGURG] = "SIGURG", [SIGXCPU] = "SIGXCPU", [SIGXFSZ] = "SIGXFSZ",
  [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF", [SIGWINCH] = "SIGWINCH",
  [SIGIO] = "SIGIO", [SIGPWR] = "SIGPWR", [SIGSYS] = "SIGSYS",
};

/* The kernel's real-time range; glibc's SIGRTMIN is a function of what the
 * thread library reserved, so use the fixed kernel numbers instead. */
#define ATTEST_KERNEL_SIGRTMIN 32
#define ATTEST_KERNEL_SIGRTMAX 64

const char *
attest_signal_name (int sig, char buf[ATTEST_NAME_BUF])
{
  if (sig > 0 && (size_t) sig < N_ELEMENTS (signal_names) && signal_names[sig] != NULL)
    return signal_names[sig];
  if (sig >= ATTEST_KERNEL_SIGRTMIN && sig <= ATTEST_KERNEL_SIGRTMAX)
    snprintf (buf, ATTEST_NAME_BUF, "SIGRTMIN+%d", sig - ATTEST_KERNEL_SIGRTMIN);
  else
    snprintf (buf, ATTEST_NAME_BUF, "SIG%d", sig);
  return buf;
}
