/* Stage 7, bundle: the evidence assembled into one JSON document and
 * written atomically into the evidence folder (never inside /out, which
 * the sandboxed code controls), never over an existing file unless asked.
 * The schema is schemas/bundle.schema.json. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "collect.h"
#include "launch.h"

G_BEGIN_DECLS

#define ATTEST_BUNDLE_SCHEMA "sandbox-attest/bundle/1"
#define ATTEST_BUNDLE_MAX_BYTES (32u * 1024u * 1024u)

/* Everything a run gathered; members may be NULL where a stage did not
 * get that far (the bundle then says so, and the verifier blocks). */
typedef struct
{
  char *run_date;
  char *venue_kind;          /* "bwrap" (NULL means bwrap) or "docker" (assemble) */
  char *venue;
  char *venue_source;        /* "ci-detected", "operator", "default" */
  JsonNode *identity;
  JsonNode *runtime;
  char *probe_path;
  char *probe_sha256;
  char *policy_path;
  char *policy_sha256;
  JsonNode *compile_manifest;
  GPtrArray *argv;           /* the exact bwrap argv */
  GPtrArray *argv_normalised;
  char *profile_text;        /* attest_profile_digest_text() */
  char *bwrap_version;
  char *weakened;            /* protections a test turned off, "" for none */
  gboolean tmp_staged;       /* /tmp is the staging namespace's noexec tmpfs */
  JsonNode *limits;
  gboolean allow_degraded_limits;
  JsonNode *dynimport;
  AttestLaunchResult *launch;
  GBytes *json_status;
  AttestStatus *status;
  GHashTable *host_namespaces;
  GBytes *inside;
  char *inside_error;
  GPtrArray *problems;       /* what stopped the run early, one line each */
  GHashTable *timings_us;    /* stage -> microseconds */
  /* The Docker venue (src/assemble.c): the image id stands for the
   * image digest, and the facts only Docker knows go into "docker". */
  char *image_id;
  JsonNode *docker;
} AttestEvidence;

#define ATTEST_VENUE_KIND_BWRAP "bwrap"
#define ATTEST_VENUE_KIND_DOCKER "docker"

AttestEvidence *attest_evidence_new (void);
void attest_evidence_free (AttestEvidence *ev);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestEvidence, attest_evidence_free)

JsonNode *attest_bundle_build (const AttestEvidence *ev);

/* "sandbox-attestation-evidence-<venue>-<run-date>.json"; the venue is
 * reduced to [A-Za-z0-9._-]. */
char *attest_bundle_file_name (const char *venue, const char *run_date);

G_END_DECLS
