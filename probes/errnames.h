/* errnames.h: errno and signal numbers to their symbolic names.
 *
 * Pure and allocation-free: the probe reports outcomes by name so the host
 * verifier compares tokens, never numbers that differ between architectures. */
#pragma once

#include <stddef.h>

/* Big enough for "E" or "SIG" followed by any int. */
#define ATTEST_NAME_BUF 16

/* The name of errno value @err ("EPERM"), or "E<num>" for a number without a
 * name (e.g. "E4095"). The result points to a static string or into @buf. */
const char *attest_errno_name (int err, char buf[ATTEST_NAME_BUF]);

/* The name of signal @sig ("SIGSYS"), "SIGRTMIN+<n>" for real-time signals,
 * or "SIG<num>" otherwise. The result points to a static string or @buf. */
const char *attest_signal_name (int sig, char buf[ATTEST_NAME_BUF]);

/* The errno number for a name produced by attest_errno_name(), or -1. */
int attest_errno_from_name (const char *name);
