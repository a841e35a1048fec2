#include "json-reader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

typedef struct
{
  const char *p;
  const char *start;
  const char *end;
  const char *source;
  guint depth;
} Reader;

static gboolean parse_value (Reader *r, GString *loc, AttestJson **out, GError **error);

const char *
attest_json_type_name (AttestJsonType type)
{
  switch (type)
    {
    case ATTEST_JSON_NULL: return "null";
    case ATTEST_JSON_BOOL: return "a boolean";
    case ATTEST_JSON_NUMBER: return "a number";
    case ATTEST_JSON_STRING: return "a string";
    case ATTEST_JSON_ARRAY: return "an array";
    case ATTEST_JSON_OBJECT: return "an object";
    default: return "?";
    }
}

void
attest_json_free (AttestJson *node)
{
  if (node == NULL)
    return;
  g_free (node->text);
  if (node->items != NULL)
    g_ptr_array_unref (node->items);
  if (node->keys != NULL)
    g_ptr_array_unref (node->keys);
  g_free (node);
}

static AttestJson *
node_new (AttestJsonType type)
{
  AttestJson *node = g_new0 (AttestJson, 1);

  node->type = type;
  if (type == ATTEST_JSON_ARRAY || type == ATTEST_JSON_OBJECT)
    node->items = g_ptr_array_new_with_free_func ((GDestroyNotify) attest_json_free);
  if (type == ATTEST_JSON_OBJECT)
    node->keys = g_ptr_array_new_with_free_func (g_free);
  return node;
}

static void
position (Reader *r, guint *line, guint *col)
{
  *line = 1;
  *col = 1;
  for (const char *q = r->start; q < r->p && q < r->end; q++)
    {
      if (*q == '\n')
        {
          (*line)++;
          *col = 1;
        }
      else
        (*col)++;
    }
}

static gboolean
fail (Reader *r, GString *loc, GError **error, const char *what)
{
  guint line, col;

  position (r, &line, &col);
  g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON, "%s: %s (line %u, column %u): %s",
               r->source, loc->len > 0 ? loc->str : "top level", line, col, what);
  return FALSE;
}

static void
skip_ws (Reader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
    r->p++;
}

static gboolean
literal (Reader *r, const char *word)
{
  gsize n = strlen (word);

  if ((gsize) (r->end - r->p) < n || memcmp (r->p, word, n) != 0)
    return FALSE;
  r->p += n;
  return TRUE;
}

static int
hex4 (const char *p)
{
  int v = 0;

  for (int i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (p[i]);
      if (d < 0)
        return -1;
      v = v * 16 + d;
    }
  return v;
}

static gboolean
parse_escape (Reader *r, GString *loc, GString *out, GError **error)
{
  char c = *r->p++;
  int cp, lo;

  switch (c)
    {
    case '"': g_string_append_c (out, '"'); return TRUE;
    case '\\': g_string_append_c (out, '\\'); return TRUE;
    case '/': g_string_append_c (out, '/'); return TRUE;
    case 'b': g_string_append_c (out, '\b'); return TRUE;
    case 'f': g_string_append_c (out, '\f'); return TRUE;
    case 'n': g_string_append_c (out, '\n'); return TRUE;
    case 'r': g_string_append_c (out, '\r'); return TRUE;
    case 't': g_string_append_c (out, '\t'); return TRUE;
    case 'u':
      if (r->end - r->p < 4 || (cp = hex4 (r->p)) < 0)
        return fail (r, loc, error, "bad \\u escape");
      r->p += 4;
      if (cp >= 0xD800 && cp <= 0xDBFF)
        {
          if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u'
              || (lo = hex4 (r->p + 2)) < 0xDC00 || lo > 0xDFFF)
            return fail (r, loc, error, "unpaired surrogate in \\u escape");
          r->p += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
      else if (cp >= 0xDC00 && cp <= 0xDFFF)
        return fail (r, loc, error, "unpaired surrogate in \\u escape");
      if (cp == 0)
        return fail (r, loc, error, "\\u0000 is not allowed in strings");
      g_string_append_unichar (out, (gunichar) cp);
      return TRUE;
    default:
      r->p--;
      return fail (r, loc, error, "bad escape in string");
    }
}

static gboolean
parse_string (Reader *r, GString *loc, char **out, GError **error)
{
  g_autoptr(GString) s = g_string_new (NULL);

  r->p++; /* opening quote */
  for (;;)
    {
      if (r->p >= r->end)
        return fail (r, loc, error, "unterminated string");
      if (*r->p == '"')
        break;
      if ((guchar) *r->p < 0x20)
        return fail (r, loc, error, *r->p == '\n' ? "unterminated string" : "control character in string");
      if (*r->p == '\\')
        {
          r->p++;
          if (r->p >= r->end)
            return fail (r, loc, error, "unterminated string");
          if (!parse_escape (r, loc, s, error))
            return FALSE;
          continue;
        }
      g_string_append_c (s, *r->p++);
    }
  r->p++;
  if (!g_utf8_validate (s->str, (gssize) s->len, NULL))
    return fail (r, loc, error, "string is not valid UTF-8");
  *out = g_string_free (g_steal_pointer (&s), FALSE);
  return TRUE;
}

static gboolean
parse_number (Reader *r, GString *loc, AttestJson **out, GError **error)
{
  const char *begin = r->p;

  if (r->p < r->end && *r->p == '-')
    r->p++;
  if (r->p >= r->end || !g_ascii_isdigit (*r->p))
    return fail (r, loc, error, "bad number");
  if (*r->p == '0' && r->p + 1 < r->end && g_ascii_isdigit (r->p[1]))
    return fail (r, loc, error, "leading zero in number");
  while (r->p < r->end && g_ascii_isdigit (*r->p))
    r->p++;
  if (r->p < r->end && *r->p == '.')
    {
      r->p++;
      if (r->p >= r->end || !g_ascii_isdigit (*r->p))
        return fail (r, loc, error, "bad number");
      while (r->p < r->end && g_ascii_isdigit (*r->p))
        r->p++;
    }
  if (r->p < r->end && (*r->p == 'e' || *r->p == 'E'))
    {
      r->p++;
      if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
        r->p++;
      if (r->p >= r->end || !g_ascii_isdigit (*r->p))
        return fail (r, loc, error, "bad number");
      while (r->p < r->end && g_ascii_isdigit (*r->p))
        r->p++;
    }
  *out = node_new (ATTEST_JSON_NUMBER);
  (*out)->text = g_strndup (begin, (gsize) (r->p - begin));
  return TRUE;
}

static gboolean
parse_array (Reader *r, GString *loc, AttestJson **out, GError **error)
{
  g_autoptr(AttestJson) node = node_new (ATTEST_JSON_ARRAY);
  gsize base = loc->len;

  r->p++;
  skip_ws (r);
  if (r->p < r->end && *r->p == ']')
    {
      r->p++;
      *out = g_steal_pointer (&node);
      return TRUE;
    }
  for (;;)
    {
      AttestJson *item = NULL;

      g_string_append_printf (loc, "[%u]", node->items->len);
      if (!parse_value (r, loc, &item, error))
        return FALSE;
      g_string_truncate (loc, base);
      g_ptr_array_add (node->items, item);
      skip_ws (r);
      if (r->p < r->end && *r->p == ',')
        {
          r->p++;
          continue;
        }
      if (r->p < r->end && *r->p == ']')
        {
          r->p++;
          break;
        }
      return fail (r, loc, error, "expected ',' or ']'");
    }
  *out = g_steal_pointer (&node);
  return TRUE;
}

static gboolean
parse_object (Reader *r, GString *loc, AttestJson **out, GError **error)
{
  g_autoptr(AttestJson) node = node_new (ATTEST_JSON_OBJECT);
  gsize base = loc->len;

  r->p++;
  skip_ws (r);
  if (r->p < r->end && *r->p == '}')
    {
      r->p++;
      *out = g_steal_pointer (&node);
      return TRUE;
    }
  for (;;)
    {
      g_autofree char *key = NULL;
      AttestJson *value = NULL;

      skip_ws (r);
      if (r->p >= r->end || *r->p != '"')
        return fail (r, loc, error, "expected a string key");
      if (!parse_string (r, loc, &key, error))
        return FALSE;
      if (attest_json_member (node, key) != NULL)
        {
          g_string_append_printf (loc, "%s%s", loc->len > 0 ? "." : "", key);
          return fail (r, loc, error, "duplicate key");
        }
      skip_ws (r);
      if (r->p >= r->end || *r->p != ':')
        return fail (r, loc, error, "expected ':'");
      r->p++;
      g_string_append_printf (loc, "%s%s", loc->len > 0 ? "." : "", key);
      if (!parse_value (r, loc, &value, error))
        return FALSE;
      g_string_truncate (loc, base);
      g_ptr_array_add (node->keys, g_steal_pointer (&key));
      g_ptr_array_add (node->items, value);
      skip_ws (r);
      if (r->p < r->end && *r->p == ',')
        {
          r->p++;
          continue;
        }
      if (r->p < r->end && *r->p == '}')
        {
          r->p++;
          break;
        }
      return fail (r, loc, error, "expected ',' or '}'");
    }
  *out = g_steal_pointer (&node);
  return TRUE;
}

static gboolean
parse_value (Reader *r, GString *loc, AttestJson **out, GError **error)
{
  gboolean ok;

  skip_ws (r);
  if (r->p >= r->end)
    return fail (r, loc, error, "unexpected end of input");
  if (r->depth >= ATTEST_JSON_MAX_DEPTH)
    return fail (r, loc, error, "nested too deeply");

  r->depth++;
  switch (*r->p)
    {
    case '{':
      ok = parse_object (r, loc, out, error);
      break;
    case '[':
      ok = parse_array (r, loc, out, error);
      break;
    case '"':
      {
        char *s = NULL;
        ok = parse_string (r, loc, &s, error);
        if (ok)
          {
            *out = node_new (ATTEST_JSON_STRING);
            (*out)->text = s;
          }
        break;
      }
    case 't':
    case 'f':
    case 'n':
      {
        gboolean is_true = literal (r, "true");
        gboolean is_false = !is_true && literal (r, "false");
        gboolean is_null = !is_true && !is_false && literal (r, "null");

        ok = is_true || is_false || is_null;
        if (!ok)
          fail (r, loc, error, "unexpected token");
        else
          {
            *out = node_new (is_null ? ATTEST_JSON_NULL : ATTEST_JSON_BOOL);
            (*out)->boolean = is_true;
          }
        break;
      }
    default:
      if (*r->p == '-' || g_ascii_isdigit (*r->p))
        ok = parse_number (r, loc, out, error);
      else
        ok = fail (r, loc, error, "unexpected character");
      break;
    }
  r->depth--;
  return ok;
}

AttestJson *
attest_json_parse (const char *data, gsize len, const char *source, GError **error)
{
  Reader r;
  g_autoptr(GString) loc = g_string_new (NULL);
  g_autoptr(AttestJson) root = NULL;

  if (data == NULL)
    data = "";  /* an empty GBytes has no data pointer */
  r = (Reader) { data, data, data + len, source, 0 };

  if (memchr (data, '\0', len) != NULL)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON, "%s: contains a NUL byte", source);
      return NULL;
    }
  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    r.p += 3;
  if (!parse_value (&r, loc, &root, error))
    return NULL;
  skip_ws (&r);
  if (r.p != r.end)
    {
      fail (&r, loc, error, "trailing data after the JSON value");
      return NULL;
    }
  return g_steal_pointer (&root);
}

AttestJson *
attest_json_member (const AttestJson *object, const char *key)
{
  g_return_val_if_fail (object->type == ATTEST_JSON_OBJECT, NULL);

  for (guint i = 0; i < object->keys->len; i++)
    if (strcmp (g_ptr_array_index (object->keys, i), key) == 0)
      return g_ptr_array_index (object->items, i);
  return NULL;
}

const AttestJson *
attest_json_at (const AttestJson *node, const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);

  for (guint i = 0; node != NULL && parts[i] != NULL; i++)
    node = node->type == ATTEST_JSON_OBJECT ? attest_json_member (node, parts[i]) : NULL;
  return node;
}

const char *
attest_json_string_at (const AttestJson *node, const char *path)
{
  node = attest_json_at (node, path);
  return node != NULL && node->type == ATTEST_JSON_STRING ? node->text : NULL;
}

static const char *
join (GString *buf, const char *location, const char *key)
{
  g_string_printf (buf, "%s%s%s", location, *location ? "." : "", key);
  return buf->str;
}

gboolean
attest_json_check_keys (const AttestJson *object, const char *location,
                        const char *const *allowed, GError **error)
{
  g_autoptr(GString) where = g_string_new (NULL);

  for (guint i = 0; i < object->keys->len; i++)
    {
      const char *key = g_ptr_array_index (object->keys, i);
      const char *near = NULL;

      if (g_strv_contains (allowed, key))
        continue;
      for (const char *const *a = allowed; *a != NULL; a++)
        if (g_ascii_strcasecmp (*a, key) == 0)
          near = *a;
      if (near != NULL)
        g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_POLICY_INVALID,
                     "%s: unknown key (the key is spelt \"%s\")", join (where, location, key), near);
      else
        g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_POLICY_INVALID,
                     "%s: unknown key", join (where, location, key));
      return FALSE;
    }
  return TRUE;
}

gboolean
attest_json_expect (const AttestJson *node, AttestJsonType type, const char *location, GError **error)
{
  if (node->type == type)
    return TRUE;
  g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_POLICY_INVALID, "%s: expected %s, found %s",
               *location ? location : "top level", attest_json_type_name (type),
               attest_json_type_name (node->type));
  return FALSE;
}

gboolean
attest_json_get_u64 (const AttestJson *node, const char *location, guint64 max,
                     guint64 *out_value, GError **error)
{
  guint64 value = 0;

  if (!attest_json_expect (node, ATTEST_JSON_NUMBER, location, error))
    return FALSE;
  if (node->text[0] == '-')
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_POLICY_INVALID,
                   "%s: negative number %s (an unsigned integer is required)", location, node->text);
      return FALSE;
    }
  if (strpbrk (node->text, ".eE") != NULL)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_POLICY_INVALID,
                   "%s: %s is not an integer literal", location, node->text);
      return FALSE;
    }
  for (const char *p = node->text; *p != '\0'; p++)
    {
      guint digit = (guint) (*p - '0');
      if (value > (G_MAXUINT64 - digit) / 10)
        {
          g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_POLICY_INVALID,
                       "%s: %s overflows a 64-bit unsigned integer", location, node->text);
          return FALSE;
        }
      value = value * 10 + digit;
    }
  if (value > max)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_POLICY_INVALID,
                   "%s: %s is out of range (at most %" G_GUINT64_FORMAT ")", location, node->text, max);
      return FALSE;
    }
  *out_value = value;
  return TRUE;
}

JsonNode *
attest_json_to_node (const AttestJson *node)
{
  JsonNode *out = NULL;

  switch (node->type)
    {
    case ATTEST_JSON_NULL:
      return json_node_new (JSON_NODE_NULL);
    case ATTEST_JSON_BOOL:
      out = json_node_new (JSON_NODE_VALUE);
      json_node_set_boolean (out, node->boolean);
      return out;
    case ATTEST_JSON_STRING:
      out = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (out, node->text);
      return out;
    case ATTEST_JSON_NUMBER:
      {
        char *end = NULL;
        gint64 i;

        out = json_node_new (JSON_NODE_VALUE);
        errno = 0;
        i = g_ascii_strtoll (node->text, &end, 10);
        if (errno == 0 && end != NULL && *end == '\0')
          json_node_set_int (out, i);
        else
          json_node_set_double (out, g_ascii_strtod (node->text, NULL));
        return out;
      }
    case ATTEST_JSON_ARRAY:
      {
        JsonArray *array = json_array_sized_new (node->items->len);
        for (guint i = 0; i < node->items->len; i++)
          json_array_add_element (array, attest_json_to_node (g_ptr_array_index (node->items, i)));
        out = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (out, array);
        return out;
      }
    case ATTEST_JSON_OBJECT:
      {
        JsonObject *object = json_object_new ();
        for (guint i = 0; i < node->items->len; i++)
          json_object_set_member (object, g_ptr_array_index (node->keys, i),
                                  attest_json_to_node (g_ptr_array_index (node->items, i)));
        out = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (out, object);
        return out;
      }
    default:
      g_assert_not_reached ();
    }
}
