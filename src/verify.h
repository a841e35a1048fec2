/* Stage 8, verify: bundle + acceptance matrix -> ACCEPTED or BLOCKED, with
 * one row per requirement.  Every verdict is recomputed from observed
 * values (the probe's outcomes, the host's own records); verdict fields in
 * the bundle are never trusted.  `run` judges its own bundle with the same
 * code before writing it. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "json-reader.h"

G_BEGIN_DECLS

#define ATTEST_MATRIX_SCHEMA "sandbox-attest/matrix/1"

typedef enum
{
  ATTEST_LEVEL_MUST,
  ATTEST_LEVEL_SHOULD,
  ATTEST_LEVEL_INFO,
} AttestRowLevel;

typedef enum
{
  ATTEST_ROW_PASS,
  ATTEST_ROW_FAIL,
  ATTEST_ROW_WARN,
  ATTEST_ROW_INFO,
} AttestRowStatus;

typedef struct
{
  char *id;
  char *kind;                /* "probe" or "check" */
  AttestRowLevel level;
  GStrv accept;              /* probe rows: accepted outcome tokens */
  char *check;               /* check rows: the check's name */
  char *limit;               /* probe rows that hit a limit: the limit's name */
  char *rationale;
  GStrv refs;                /* CIS Docker Benchmark items, CVEs */
} AttestMatrixRow;

typedef struct
{
  char *source;
  char *sha256;
  GPtrArray *rows;           /* AttestMatrixRow */
} AttestMatrix;

typedef struct
{
  char *id;
  AttestRowLevel level;
  AttestRowStatus status;
  char *observed;
  char *message;             /* why it failed, or what it saw */
} AttestRowResult;

typedef struct
{
  gboolean accepted;
  GPtrArray *rows;           /* AttestRowResult, matrix order, then extra probes */
  guint n_fail, n_warn;
} AttestJudgement;

typedef struct
{
  gboolean allow_degraded_limits;
  const char *policy_sha256;   /* when given: must equal the bundle's */
  const char *probe_sha256;
} AttestVerifyOptions;

AttestMatrix *attest_matrix_load_file (const char *path, GError **error);
AttestMatrix *attest_matrix_load_bytes (GBytes *bytes, const char *source, GError **error);
void attest_matrix_free (AttestMatrix *matrix);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestMatrix, attest_matrix_free)

/* Structural problems (not a bundle, wrong schema) are errors with the
 * JSON location; everything else is a row. */
AttestJudgement *attest_verify (const AttestJson *bundle, const AttestMatrix *matrix,
                                const AttestVerifyOptions *options, GError **error);
void attest_judgement_free (AttestJudgement *j);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestJudgement, attest_judgement_free)

const char *attest_row_status_name (AttestRowStatus status);
const char *attest_row_level_name (AttestRowLevel level);

/* {verdict, rows[]} for the bundle and for --json. */
JsonNode *attest_judgement_to_json (const AttestJudgement *j);

/* Reads a bundle file strictly (size cap, O_NOFOLLOW). */
AttestJson *attest_bundle_load_file (const char *path, GError **error);
/* The same, and the exact bytes parsed (what a signature is checked over). */
AttestJson *attest_bundle_load_file_bytes (const char *path, GBytes **out_bytes, GError **error);

/* A row judged outside the matrix (INTOTO-SUBJECTS, SIGNATURE): appended,
 * counted, and the verdict updated. */
void attest_judgement_add_row (AttestJudgement *j, const char *id, AttestRowLevel level, gboolean ok,
                               const char *observed, const char *message);

G_END_DECLS
