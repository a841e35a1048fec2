/* The pipeline of `run`, one stage after another: policy, compile,
 * profile, bwrap argv, launch, collect, bundle, verify.  A reader sees the
 * architecture in attest_pipeline_run(). */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "verify.h"

G_BEGIN_DECLS

#define ATTEST_DEFAULT_VENUE "linux-host"
#define ATTEST_DEFAULT_TIMEOUT 120

typedef struct
{
  char *policy;
  char *probe;
  char *in_dir;
  char *out_dir;
  char *evidence_dir;
  char *venue;
  char *run_date;
  char *matrix;
  char *bwrap;
  guint timeout_s;
  gboolean keep;
  gboolean force;
  gboolean allow_degraded_limits;
  GStrv weaken;
  GStrv ro_binds;            /* extra SRC DEST pairs bound read-only; part of the attested profile */
  gboolean in_toto;          /* also write the bundle as an in-toto Statement (<bundle>.intoto.json) */
  char *sign_key;            /* sign the Statement with this ssh key (<statement>.sig); implies in_toto */
} AttestRunOptions;

typedef struct
{
  gboolean accepted;
  char *bundle_path;
  char *statement_path;      /* --in-toto */
  char *signature_path;      /* --sign-key */
  AttestJudgement *judgement;
  char *kept_in, *kept_out;  /* --keep: the folders left behind */
  gint64 bundle_us;          /* judging and writing the bundle (for --timings; not in the bundle) */
} AttestRunResult;

void attest_run_result_free (AttestRunResult *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestRunResult, attest_run_result_free)

/* Returns NULL with an error for bad input (exit 2) and for a run that
 * left no bundle (BLOCKED, exit 3: interrupted, evidence folder not
 * writable); otherwise a result with the verdict and the bundle's path. */
AttestRunResult *attest_pipeline_run (const AttestRunOptions *options, GError **error);

G_END_DECLS
