/* Stage 6, collect: bwrap's json-status stream and the probe's
 * inside.json, both untrusted (the sandboxed code controls /out and can
 * write anything to its stdout): size caps, O_NOFOLLOW, strict parsing. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "json-reader.h"

G_BEGIN_DECLS

#define ATTEST_INSIDE_NAME "sandbox-attestation-inside.json"
#define ATTEST_INSIDE_MAX_BYTES (8u * 1024u * 1024u)

typedef struct
{
  gboolean has_child_pid;
  gint64 child_pid;
  gboolean has_exit_code;
  gint64 exit_code;
  GHashTable *namespaces;    /* "net" -> inode, from "<name>-namespace" members */
  char *problem;             /* a line that did not parse, or NULL */
} AttestStatus;

void attest_status_free (AttestStatus *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestStatus, attest_status_free)

/* JSON Lines; members and objects it does not know are ignored, as
 * bwrap's documentation asks of readers. */
AttestStatus *attest_collect_status (GBytes *stream);

/* The host's own namespace inodes, to prove the sandbox's differ. */
GHashTable *attest_collect_host_namespaces (void);

/* Reads <out_dir>/sandbox-attestation-inside.json: a regular file, not a
 * link, at most ATTEST_INSIDE_MAX_BYTES, valid UTF-8 JSON. */
GBytes *attest_collect_inside (const char *out_dir, GError **error);

G_END_DECLS
