/* The bundle as an in-toto Statement v1 (in-toto/attestation
 * spec/v1/statement.md): the subjects are the probe binary and the seccomp
 * policy with their sha256, the predicate is the bundle, unchanged, under
 * a versioned predicateType of ours.  Pure: no files, no processes.
 *
 * Subjects are matched by digest; the verifier requires them to be
 * exactly the two digests the predicate records, so a Statement cannot
 * name other files than the evidence is about. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "json-reader.h"
#include "verify.h"

G_BEGIN_DECLS

#define ATTEST_INTOTO_STATEMENT_TYPE "https://in-toto.io/Statement/v1"
/* The major version is in the URI (in-toto predicate rules); it follows
 * the bundle's "schema" (sandbox-attest/bundle/1). */
#define ATTEST_INTOTO_PREDICATE_TYPE "https://sandbox-attest.invalid/bundle/v1"
#define ATTEST_INTOTO_SUFFIX ".intoto.json"

/* The Statement around @bundle, which it shares (json-glib copies a node
 * shallowly): change neither afterwards.  Fails when the bundle has no
 * probe or policy digest to name (a run that stopped before them). */
JsonNode *attest_intoto_wrap (JsonNode *bundle, GError **error);

/* "X.json" -> "X.intoto.json" (other names get the suffix appended). */
char *attest_intoto_path (const char *bundle_path);

/* Has a "_type" member: the caller treats it as a Statement. */
gboolean attest_intoto_is_statement (const AttestJson *doc);

/* The predicate of a Statement of ours (borrowed from @statement), or
 * NULL with ATTEST_ERROR_JSON and the location: wrong _type, wrong
 * predicateType, no subject array, no predicate. */
const AttestJson *attest_intoto_predicate (const AttestJson *statement, GError **error);

/* The INTOTO-SUBJECTS check: every subject has a sha256, and the subjects'
 * digests are exactly the predicate's probe and policy digests, each
 * named once (another name for the same bytes is refused too).  Always
 * sets @out_observed; sets @out_why when it fails. */
gboolean attest_intoto_check_subjects (const AttestJson *statement, const AttestJson *predicate,
                                       char **out_observed, char **out_why);

/* Judges @doc as `verify` does, signatures aside: a plain bundle, or a
 * Statement of ours whose predicate is judged as the bundle and whose
 * subjects add the MUST row INTOTO-SUBJECTS.  *@out_bundle is the bundle
 * judged, borrowed from @doc.  A malformed document is ATTEST_ERROR_JSON
 * with its location ("predicate." in front for a Statement's). */
AttestJudgement *attest_intoto_judge (const AttestJson *doc, const AttestMatrix *matrix,
                                      const AttestVerifyOptions *options, const AttestJson **out_bundle,
                                      GError **error);

G_END_DECLS
