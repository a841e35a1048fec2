/* json-out.h: a growable byte buffer and a small streaming JSON writer.
 *
 * Pure: no I/O. The writer escapes arbitrary bytes so that any file content
 * the probe copies into its report (mountinfo, /proc/net/dev, paths) yields
 * valid JSON:
 *   - '"' and '\\' are escaped; \b \f \n \r \t use their short forms;
 *   - every other byte below 0x20, and 0x7f, becomes \u00XX (lower-case hex);
 *   - well-formed UTF-8 (shortest form, no surrogates, at most U+10FFFF) is
 *     copied unchanged;
 *   - every byte that is not part of a well-formed UTF-8 sequence becomes
 *     U+FFFD, written as the escape \ufffd (one per byte, so the output is a
 *     deterministic function of the input);
 *   - an embedded NUL (strings given with an explicit length) is \u0000.
 * Allocation failure is sticky: the buffer records it and the caller checks
 * attest_buf_failed() once at the end. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
  char *data;   /* NUL-terminated when len > 0 or after attest_buf_cstr() */
  size_t len;
  size_t cap;
  bool failed;  /* an allocation failed; content is incomplete */
} AttestBuf;

void attest_buf_init (AttestBuf *buf);
void attest_buf_free (AttestBuf *buf);
void attest_buf_append (AttestBuf *buf, const void *data, size_t len);
void attest_buf_puts (AttestBuf *buf, const char *s);
void attest_buf_printf (AttestBuf *buf, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));
const char *attest_buf_cstr (AttestBuf *buf);
bool attest_buf_failed (const AttestBuf *buf);

/* Appends the JSON string literal (with quotes) for @len bytes at @s. */
void attest_json_escape (AttestBuf *buf, const char *s, size_t len);

#define ATTEST_JSON_MAX_DEPTH 32

typedef struct {
  AttestBuf *out;
  int depth;
  bool pretty;
  bool need_comma[ATTEST_JSON_MAX_DEPTH];
  bool after_key;
} AttestJson;

void attest_json_init (AttestJson *j, AttestBuf *out, bool pretty);
void attest_json_begin_object (AttestJson *j);
void attest_json_end_object (AttestJson *j);
void attest_json_begin_array (AttestJson *j);
void attest_json_end_array (AttestJson *j);
void attest_json_key (AttestJson *j, const char *key);
void attest_json_string (AttestJson *j, const char *s);          /* NULL → null */
void attest_json_string_len (AttestJson *j, const char *s, size_t len);
void attest_json_int (AttestJson *j, int64_t v);
void attest_json_bool (AttestJson *j, bool v);
void attest_json_null (AttestJson *j);
/* Inserts @text, which must already be one valid JSON value. */
void attest_json_raw (AttestJson *j, const char *text, size_t len);

/* Convenience: key + value. */
void attest_json_kv_string (AttestJson *j, const char *key, const char *s);
void attest_json_kv_int (AttestJson *j, const char *key, int64_t v);
void attest_json_kv_bool (AttestJson *j, const char *key, bool v);
