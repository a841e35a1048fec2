/* Shared by the hostile payloads (tests/integration/hostile.sh): each is a
 * static program run as the probe with `run --probe`, inside the real
 * sandbox.  They report what they tried on stdout, which the launcher
 * captures into the bundle (launch.stdout), one "name: outcome" line each,
 * so the test can assert on it.  Everything here is async-signal-safe
 * enough for a fork bomb: write(2) only, no stdio buffering. */
#pragma once

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1   /* strerrorname_np, sigabbrev_np, process_vm_writev */
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static inline void
say (const char *fmt, ...)
{
  char buf[512];
  va_list ap;
  int n;

  va_start (ap, fmt);
  n = vsnprintf (buf, sizeof buf - 1, fmt, ap);
  va_end (ap);
  if (n < 0)
    return;
  if (n > (int) sizeof buf - 2)
    n = (int) sizeof buf - 2;
  buf[n++] = '\n';
  (void) !write (1, buf, (size_t) n);
}

/* "EPERM" for a failure, "OK" for success. */
static inline const char *
outcome (long rc, int err)
{
  const char *name;

  if (rc >= 0)
    return "OK";
  name = strerrorname_np (err);
  return name != NULL ? name : "E?";
}
