/* What the host side knows about itself: the venue's identity, the
 * runtime versions, and the build-time check of the probe binary
 * (PR-DYNIMPORT: it loads no code at run time). */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* "CI" on a CI runner (CI=true, GITHUB_ACTIONS, GITLAB_CI, ...), else NULL. */
const char *attest_host_ci_venue (void);

/* hostname, uname, os-release, CI and container hints. */
JsonNode *attest_host_identity (void);

/* bwrap path, version, setuid or file capabilities; kernel; libseccomp;
 * tool version.  @bwrap may be NULL (not found); @bwrap_version is what
 * attest_host_bwrap_version() printed, NULL when it could not run (the
 * caller has it already: bwrap is spawned once per run). */
JsonNode *attest_host_runtime (const char *bwrap, const char *bwrap_version);

/* "bubblewrap 0.8.0" -> 0.8.0 as major/minor/micro; FALSE when it cannot run. */
gboolean attest_host_bwrap_version (const char *bwrap, guint *major, guint *minor, guint *micro,
                                    char **out_text, GError **error);

/* The same in two steps, so that bwrap runs while the caller works:
 * _start() spawns `bwrap --version`, _finish() reads what it printed and
 * reaps it (as attest_host_bwrap_version() reports).  Freeing a run that
 * was not finished reaps the child too. */
typedef struct _AttestBwrapVersionRun AttestBwrapVersionRun;
AttestBwrapVersionRun *attest_host_bwrap_version_start (const char *bwrap);
gboolean attest_host_bwrap_version_finish (AttestBwrapVersionRun *run, guint *major, guint *minor, guint *micro,
                                           char **out_text, GError **error);
void attest_host_bwrap_version_run_free (AttestBwrapVersionRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestBwrapVersionRun, attest_host_bwrap_version_run_free)

/* Reads the probe's ELF headers: no PT_INTERP, no DT_NEEDED, no "dlopen"
 * in its bytes.  Returns a JSON object {static, interp, needed[],
 * dlopen_reference, verdict}; never fails (a broken file gives verdict FAIL). */
JsonNode *attest_host_check_dynimport (const char *probe_path);
/* The same of bytes already read (@unreadable: why there are none). */
JsonNode *attest_host_check_dynimport_bytes (GBytes *bytes, const char *unreadable);

G_END_DECLS
