/* A strict JSON reader for untrusted input (policies, probe output,
 * bundles, matrices).
 *
 * json-glib 1.6 has no strict mode (json_parser_set_strict() is 1.10):
 * it keeps the last of duplicate keys and saturates out-of-range integers,
 * so `-1` and `18446744073709551616` read alike (research/seccomp.md §1.4).
 * This reader refuses duplicate keys, keeps every number's lexeme so a
 * caller can demand an exact unsigned integer, and reports where.
 * Output still goes through json-glib's builder and generator.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  ATTEST_JSON_NULL,
  ATTEST_JSON_BOOL,
  ATTEST_JSON_NUMBER,
  ATTEST_JSON_STRING,
  ATTEST_JSON_ARRAY,
  ATTEST_JSON_OBJECT,
} AttestJsonType;

typedef struct _AttestJson AttestJson;

struct _AttestJson
{
  AttestJsonType type;
  gboolean boolean;
  char *text;         /* STRING: the value (valid UTF-8, no NUL); NUMBER: the lexeme */
  GPtrArray *items;   /* ARRAY: elements; OBJECT: values, in file order */
  GPtrArray *keys;    /* OBJECT: keys, in file order */
};

#define ATTEST_JSON_MAX_DEPTH 64

AttestJson *attest_json_parse (const char *data, gsize len, const char *source, GError **error);
void attest_json_free (AttestJson *node);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestJson, attest_json_free)

const char *attest_json_type_name (AttestJsonType type);

/* NULL when absent. */
AttestJson *attest_json_member (const AttestJson *object, const char *key);

/* Every key of @object must be in @allowed (NULL-terminated).  A key that
 * matches an allowed one but for case is named as such: Go's decoder
 * (Docker) would accept it, so silently ignoring it would change meaning. */
gboolean attest_json_check_keys (const AttestJson *object, const char *location,
                                 const char *const *allowed, GError **error);

/* The node at "a.b.c" (object members only); NULL when a step is missing
 * or not an object. */
const AttestJson *attest_json_at (const AttestJson *node, const char *path);
/* The string at "a.b.c"; NULL when absent or not a string. */
const char *attest_json_string_at (const AttestJson *node, const char *path);

/* Type checks that set "LOCATION: expected T, found U". */
gboolean attest_json_expect (const AttestJson *node, AttestJsonType type,
                             const char *location, GError **error);

/* A number written as a plain non-negative integer literal that fits. */
gboolean attest_json_get_u64 (const AttestJson *node, const char *location,
                              guint64 max, guint64 *out_value, GError **error);

/* Converts to a json-glib node (numbers as int64 where they fit, else double). */
JsonNode *attest_json_to_node (const AttestJson *node);

G_END_DECLS
