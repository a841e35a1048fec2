/* The private work folder of one sandbox (run or exec): the mount point of
 * the staged noexec /tmp, and fresh /in and /out folders when the operator
 * names none.  As root the sandbox is host uid 65532, so everything bound
 * must be reachable by it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ATTEST_FIXTURE_NAME "fixture.json"
#define ATTEST_FIXTURE_TEXT "{\"packet\":\"attestation-fixture\"}\n"

typedef struct
{
  char *path;
  char *staged_tmp;
  char *in_dir;              /* the operator's, or path/in holding the fixture, read-only */
  char *out_dir;             /* the operator's, or path/out */
  gboolean made_in, made_out;
} AttestWorkdir;

/* @in_dir/@out_dir: the operator's folders or NULL for fresh ones.  A
 * folder the sandbox's uid cannot reach is a usage error. */
AttestWorkdir *attest_workdir_new (const char *in_dir, const char *out_dir, GError **error);

/* Removes the work folder (never the operator's folders, which are elsewhere). */
gboolean attest_workdir_remove (AttestWorkdir *w, GError **error);

void attest_workdir_free (AttestWorkdir *w);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestWorkdir, attest_workdir_free)

G_END_DECLS
