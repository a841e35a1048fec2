/* json-out.c: see json-out.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "json-out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
attest_buf_init (AttestBuf *buf)
{
  memset (buf, 0, sizeof *buf);
}

void
attest_buf_free (AttestBuf *buf)
{
  free (buf->data);
  attest_buf_init (buf);
}

static bool
buf_reserve (AttestBuf *buf, size_t extra)
{
  if (buf->failed)
    return false;
  if (buf->len + extra + 1 <= buf->cap)
    return true;
  size_t cap = buf->cap ? buf->cap : 256;
  while (cap < buf->len + extra + 1)
    {
      if (cap > SIZE_MAX / 2)
        {
          buf->failed = true;
          return false;
        }
      cap *= 2;
    }
  char *data = realloc (buf->data, cap);
  if (data == NULL)
    {
      buf->failed = true;
      return false;
    }
  buf->data = data;
  buf->cap = cap;
  return true;
}

void
attest_buf_append (AttestBuf *buf, const void *data, size_t len)
{
  if (!buf_reserve (buf, len))
    return;
  if (len > 0)
    memcpy (buf->data + buf->len, data, len);
  buf->len += len;
  buf->data[buf->len] = '\0';
}

void
attest_buf_puts (AttestBuf *buf, const char *s)
{
  attest_buf_append (buf, s, strlen (s));
}

void
attest_buf_printf (AttestBuf *buf, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  va_list ap2;
  va_copy (ap2, ap);
  int n = vsnprintf (NULL, 0, fmt, ap);
  va_end (ap);
  if (n >= 0 && buf_reserve (buf, (size_t) n))
    {
      vsnprintf (buf->data + buf->len, (size_t) n + 1, fmt, ap2);
      buf->len += (size_t) n;
    }
  else if (n < 0)
    buf->failed = true;
  va_end (ap2);
}

const char *
attest_buf_cstr (AttestBuf *buf)
{
  if (buf->data == NULL && !buf_reserve (buf, 0))
    return "";
  buf->data[buf->len] = '\0';
  return buf->data;
}

bool
attest_buf_failed (const AttestBuf *buf)
{
  return buf->failed;
}

/* Length of the well-formed UTF-8 sequence at @s (at most @len bytes), or 0
 * when the bytes there do not start one (RFC 3629 table 3-7). */
static size_t
utf8_sequence_length (const unsigned char *s, size_t len)
{
  unsigned char c = s[0];
  if (c < 0x80)
    return 1;
  size_t need;
  unsigned char lo = 0x80, hi = 0xbf;  /* allowed range of the 2nd byte */
  if (c >= 0xc2 && c <= 0xdf)
    need = 2;
  else if (c >= 0xe0 && c <= 0xef)
    {
      need = 3;
      if (c == 0xe0)
        lo = 0xa0;          /* no overlong forms */
      else if (c == 0xed)
        hi = 0x9f;          /* no UTF-16 surrogates */
    }
  else if (c >= 0xf0 && c <= 0xf4)
    {
      need = 4;
      if (c == 0xf0)
        lo = 0x90;          /* no overlong forms */
      else if (c == 0xf4)
        hi = 0x8f;          /* nothing above U+10FFFF */
    }
  else
    return 0;
  if (len < need)
    return 0;
  if (s[1] < lo || s[1] > hi)
    return 0;
  for (size_t i = 2; i < need; i++)
    if (s[i] < 0x80 || s[i] > 0xbf)
      return 0;
  return need;
}

void
attest_json_escape (AttestBuf *buf, const char *str, size_t len)
{
  const unsigned char *s = (const unsigned char *) str;
  attest_buf_append (buf, "\"", 1);
  size_t i = 0;
  while (i < len)
    {
      unsigned char c = s[i];
      switch (c)
        {
        case '"': attest_buf_append (buf, "\\\"", 2); i++; continue;
        case '\\': attest_buf_append (buf, "\\\\", 2); i++; continue;
        case '\b': attest_buf_append (buf, "\\b", 2); i++; continue;
        case '\f': attest_buf_append (buf, "\\f", 2); i++; continue;
        case '\n': attest_buf_append (buf, "\\n", 2); i++; continue;
        case '\r': attest_buf_append (buf, "\\r", 2); i++; continue;
        case '\t': attest_buf_append (buf, "\\t", 2); i++; continue;
        default: break;
        }
      if (c < 0x20 || c == 0x7f)
        {
          char esc[8];
          snprintf (esc, sizeof esc, "\\u%04x", c);
          attest_buf_append (buf, esc, 6);
          i++;
          continue;
        }
      size_t n = utf8_sequence_length (s + i, len - i);
      if (n == 0)
        {
          attest_buf_append (buf, "\\ufffd", 6);
          i++;
          continue;
        }
      attest_buf_append (buf, s + i, n);
      i += n;
    }
  attest_buf_append (buf, "\"", 1);
}

void
attest_json_init (AttestJson *j, AttestBuf *out, bool pretty)
{
  memset (j, 0, sizeof *j);
  j->out = out;
  j->pretty = pretty;
}

static void
newline_indent (AttestJson *j)
{
  if (!j->pretty)
    return;
  attest_buf_append (j->out, "\n", 1);
  for (int i = 0; i < j->depth; i++)
    attest_buf_append (j->out, "  ", 2);
}

/* Called before every value and every key. */
static void
before_item (AttestJson *j)
{
  if (j->after_key)
    {
      j->after_key = false;
      return;
    }
  if (j->depth > 0)
    {
      if (j->need_comma[j->depth])
        attest_buf_append (j->out, ",", 1);
      newline_indent (j);
      j->need_comma[j->depth] = true;
    }
}

static void
begin_container (AttestJson *j, char open)
{
  before_item (j);
  attest_buf_append (j->out, &open, 1);
  if (j->depth + 1 >= ATTEST_JSON_MAX_DEPTH)
    {
      j->out->failed = true;
      return;
    }
  j->depth++;
  j->need_comma[j->depth] = false;
}

static void
end_container (AttestJson *j, char close)
{
  bool had_items = j->need_comma[j->depth];
  if (j->depth > 0)
    j->depth--;
  if (had_items)
    newline_indent (j);
  attest_buf_append (j->out, &close, 1);
}

void attest_json_begin_object (AttestJson *j) { begin_container (j, '{'); }
void attest_json_end_object (AttestJson *j) { end_container (j, '}'); }
void attest_json_begin_array (AttestJson *j) { begin_container (j, '['); }
void attest_json_end_array (AttestJson *j) { end_container (j, ']'); }

void
attest_json_key (AttestJson *j, const char *key)
{
  before_item (j);
  attest_json_escape (j->out, key, strlen (key));
  attest_buf_append (j->out, j->pretty ? ": " : ":", j->pretty ? 2 : 1);
  j->after_key = true;
}

void
attest_json_string_len (AttestJson *j, const char *s, size_t len)
{
  before_item (j);
  attest_json_escape (j->out, s, len);
}

void
attest_json_string (AttestJson *j, const char *s)
{
  if (s == NULL)
    attest_json_null (j);
  else
    attest_json_string_len (j, s, strlen (s));
}

void
attest_json_int (AttestJson *j, int64_t v)
{
  before_item (j);
  attest_buf_printf (j->out, "%lld", (long long) v);
}

void
attest_json_bool (AttestJson *j, bool v)
{
  before_item (j);
  attest_buf_puts (j->out, v ? "true" : "false");
}

void
attest_json_null (AttestJson *j)
{
  before_item (j);
  attest_buf_puts (j->out, "null");
}

void
attest_json_raw (AttestJson *j, const char *text, size_t len)
{
  before_item (j);
  attest_buf_append (j->out, text, len);
}

void
attest_json_kv_string (AttestJson *j, const char *key, const char *s)
{
  attest_json_key (j, key);
  attest_json_string (j, s);
}

void
attest_json_kv_int (AttestJson *j, const char *key, int64_t v)
{
  attest_json_key (j, key);
  attest_json_int (j, v);
}

void
attest_json_kv_bool (AttestJson *j, const char *key, bool v)
{
  attest_json_key (j, key);
  attest_json_bool (j, v);
}
