/* JsonBuilder helpers for the documents the tool writes (bundles,
 * manifests, host facts): optional members become JSON null. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* "name": value, or "name": null when @value is NULL. */
void attest_json_add_string_member (JsonBuilder *b, const char *name, const char *value);

/* Bytes from the sandbox may be anything: kept as text, invalid UTF-8
 * replaced; null when @bytes is NULL. */
void attest_json_add_text_member (JsonBuilder *b, const char *name, GBytes *bytes);

/* @node as every JSON file the tool writes: json-glib's pretty form and a
 * final newline. */
GBytes *attest_json_to_bytes (JsonNode *node);

/* The same on stdout (--json output). */
void attest_json_print (JsonNode *node);

G_END_DECLS
