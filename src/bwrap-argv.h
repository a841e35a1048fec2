/* Stage 4, bwrap argv: profile + fd numbers -> the exact bwrap argument
 * vector.  Pure: unit-tested line by line. */
#pragma once

#include <glib.h>

#include "profile.h"

G_BEGIN_DECLS

/* The fd numbers bwrap sees; launch.c dup2()s them into place. */
enum
{
  ATTEST_FD_SECCOMP = 3,
  ATTEST_FD_JSON_STATUS = 4,
  ATTEST_FD_FIRST_FREE = 5,
};

/* The device nodes bound into the minimal /dev (Docker's minus pts, shm,
 * mqueue: a FROM scratch image with a read-only root needs none of them). */
extern const char *const attest_dev_nodes[];

/* @staged_tmp: host path where launch.c mounts the noexec tmpfs in its
 * staging namespace, or NULL to let bwrap make /tmp (no noexec).
 * Returns a NULL-terminated array, argv[0] = profile->bwrap. */
GPtrArray *attest_bwrap_argv_build (const AttestProfile *profile, const char *staged_tmp);

/* The argv without per-run paths (in/out/probe/staging/run date), for
 * digests that must be equal across runs of one profile. */
GPtrArray *attest_bwrap_argv_normalise (GPtrArray *argv, const AttestProfile *profile,
                                        const char *staged_tmp);

G_END_DECLS
