/* `sandbox-attest doctor`: can `run` be ACCEPTED on this host, and if
 * not, what exactly to change (research/bwrap.md §3 and §3.1).
 *
 * Every check runs, never stopping at the first failure: the bwrap
 * binary, the user-namespace knobs, container hints, trial sandboxes
 * launched exactly the way `run` launches (staging namespace included),
 * the seccomp policy and probe, cgroups and which limits can be enforced
 * by what, Landlock and hardening knobs.  Each row says what it observed,
 * which docker flag or bundle row it degrades, and the fix.
 *
 * attest_doctor_explain_bwrap_failure() is the same diagnosis for `run`'s
 * own failures: bwrap's stderr and the launcher's staging error in, one
 * line "cause; fix: ..." out.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  ATTEST_DOCTOR_OK,
  ATTEST_DOCTOR_WARN,          /* run works; something is weaker than it could be */
  ATTEST_DOCTOR_FAIL,          /* run would be BLOCKED (or could not start) */
} AttestDoctorStatus;

typedef struct
{
  const char *id;              /* "userns.max_user_namespaces", "limits.cpu", ... */
  AttestDoctorStatus status;
  char *observed;
  const char *degrades;        /* the docker flag / bundle row it weakens when not ok */
  char *fix;                   /* NULL when ok; may span lines */
} AttestDoctorCheck;

typedef struct
{
  GPtrArray *checks;           /* AttestDoctorCheck, in the order they ran */
  guint n_warn;
  guint n_fail;
} AttestDoctorReport;

typedef struct
{
  const char *bwrap;           /* NULL: the one `run` would use */
  gboolean allow_degraded_limits;  /* as `run --allow-degraded-limits`: weak limits warn */
} AttestDoctorOptions;

const char *attest_doctor_status_name (AttestDoctorStatus status);

/* Never fails: what cannot be checked is a row that says so. */
AttestDoctorReport *attest_doctor_run (const AttestDoctorOptions *options);
void attest_doctor_report_free (AttestDoctorReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestDoctorReport, attest_doctor_report_free)

/* {schema, accepted, n_fail, n_warn, checks: [{id, status, observed, degrades, fix}]} */
JsonNode *attest_doctor_report_to_json (const AttestDoctorReport *report);

/* The table for a terminal; @colour adds ANSI colours to the status. */
char *attest_doctor_report_format (const AttestDoctorReport *report, gboolean colour);

/* Matches bwrap's messages (research/bwrap.md §3, by prefix, one line of
 * @bwrap_stderr at a time, "bwrap: " optional) and the launcher's
 * staging errors ("STEP: strerror", launch.c) and returns one line
 * "cause; fix: ...", or NULL when nothing matches.  Either may be NULL.
 * A staging error wins: it happened before bwrap ran. */
char *attest_doctor_explain_bwrap_failure (const char *bwrap_stderr, const char *staging_error);

/* The same match split in two, pointing into a static table; FALSE when
 * nothing matches.  @out_fix may span lines (the doctor table prints it
 * whole; the one-liner keeps its first line). */
gboolean attest_doctor_explain (const char *bwrap_stderr, const char *staging_error,
                                const char **out_cause, const char **out_fix);

/* The options of research/bwrap.md §1.2 a bwrap of this version has,
 * space-separated, then "; missing: ..." for the newer ones. */
char *attest_doctor_bwrap_features (guint major, guint minor, guint micro);

G_END_DECLS
