#include "json-reader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/* One step of the path from the root to the value being read.  The
 * location text ("probes[3].facts.x") is built from these only when an
 * error is reported, rather than formatted for every member and element
 * of every document. */
typedef struct
{
  const char *key;  /* an object member's key; NULL for an array element */
  guint index;      /* an array element's index */
} PathStep;

typedef struct
{
  const char *p;
  const char *start;
  const char *end;
  const char *source;
  guint depth;
  guint path_len;
  /* Only containers push a step, and they nest at most this deep. */
  PathStep path[ATTEST_JSON_MAX_DEPTH];
  /* The members read so far of every container still open, innermost
   * last.  A container takes its own when it closes, so that its arrays
   * are allocated once, at their final size.  The stacks own what they
   * hold; reader_clear() frees what a failure leaves on them. */
  GPtrArray *values;  /* AttestJson * */
  GPtrArray *keys;    /* char *, the keys of the object members in values */
} Reader;

/* Objects with fewer keys are checked for a duplicate by a scan; larger
 * ones get a set of their keys, so that an object with many keys costs
 * linear, not quadratic, time. */
#define KEY_SCAN_MAX 16

static gboolean parse_value (Reader *r, AttestJson **out, GError **error);

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
  return node;
}

/* After a failure, the stacks still hold the members of the containers
 * that never closed; after success they are empty. */
static void
reader_clear (Reader *r)
{
  if (r->values != NULL)
    {
      g_ptr_array_set_free_func (r->values, (GDestroyNotify) attest_json_free);
      g_ptr_array_unref (r->values);
    }
  if (r->keys != NULL)
    {
      g_ptr_array_set_free_func (r->keys, g_free);
      g_ptr_array_unref (r->keys);
    }
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reader, reader_clear)

/* Moves the entries of @stack from @base on into a new array of their
 * exact size that frees them with @free_func. */
static GPtrArray *
stack_take (GPtrArray *stack, guint base, GDestroyNotify free_func)
{
  guint n = stack->len - base;
  GPtrArray *out = g_ptr_array_new_full (n, free_func);

  g_ptr_array_set_size (out, (gint) n);
  if (n > 0)
    memcpy (out->pdata, stack->pdata + base, n * sizeof (gpointer));
  g_ptr_array_set_size (stack, (gint) base);
  return out;
}

static AttestJson *
array_new (Reader *r, guint base)
{
  AttestJson *node = node_new (ATTEST_JSON_ARRAY);

  node->items = stack_take (r->values, base, (GDestroyNotify) attest_json_free);
  return node;
}

static AttestJson *
object_new (Reader *r, guint base, guint key_base)
{
  AttestJson *node = node_new (ATTEST_JSON_OBJECT);

  node->items = stack_take (r->values, base, (GDestroyNotify) attest_json_free);
  node->keys = stack_take (r->keys, key_base, g_free);
  return node;
}

static void
path_push (Reader *r, const char *key, guint index)
{
  g_assert (r->path_len < G_N_ELEMENTS (r->path));
  r->path[r->path_len++] = (PathStep) { key, index };
}

static void
path_pop (Reader *r)
{
  r->path_len--;
}

/* The text the path names, as "a.b[2].c": a key is joined with "." unless
 * the text so far is empty (so an empty key adds nothing at the start). */
static char *
location_text (const Reader *r)
{
  GString *loc = g_string_new (NULL);

  for (guint i = 0; i < r->path_len; i++)
    {
      const PathStep *step = &r->path[i];

      if (step->key == NULL)
        g_string_append_printf (loc, "[%u]", step->index);
      else
        {
          if (loc->len > 0)
            g_string_append_c (loc, '.');
          g_string_append (loc, step->key);
        }
    }
  return g_string_free (loc, FALSE);
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
fail (Reader *r, GError **error, const char *what)
{
  g_autofree char *loc = location_text (r);
  guint line, col;

  position (r, &line, &col);
  g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON, "%s: %s (line %u, column %u): %s",
               r->source, *loc != '\0' ? loc : "top level", line, col, what);
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
parse_escape (Reader *r, GString *out, GError **error)
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
        return fail (r, error, "bad \\u escape");
      r->p += 4;
      if (cp >= 0xD800 && cp <= 0xDBFF)
        {
          if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u'
              || (lo = hex4 (r->p + 2)) < 0xDC00 || lo > 0xDFFF)
            return fail (r, error, "unpaired surrogate in \\u escape");
          r->p += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
      else if (cp >= 0xDC00 && cp <= 0xDFFF)
        return fail (r, error, "unpaired surrogate in \\u escape");
      if (cp == 0)
        return fail (r, error, "\\u0000 is not allowed in strings");
      g_string_append_unichar (out, (gunichar) cp);
      return TRUE;
    default:
      r->p--;
      return fail (r, error, "bad escape in string");
    }
}

/* The end of the run of bytes from @p that stand for themselves in a
 * string: it stops at a quote, a backslash or a control byte.  Clears
 * *@utf8_ok when the run is not valid UTF-8.
 *
 * Checking each run alone is checking the whole value: in the value, a
 * run is bounded by the value's ends or by an escape's output, which is
 * always whole valid characters, so the value is valid UTF-8 exactly
 * when each of its runs is. */
static const char *
plain_run_end (const char *p, const char *end, gboolean *utf8_ok)
{
  const char *run = p;
  guchar seen = 0;

  while (p < end && *p != '"' && *p != '\\' && (guchar) *p >= 0x20)
    seen |= (guchar) *p++;
  if (seen >= 0x80 && !g_utf8_validate (run, p - run, NULL))
    *utf8_ok = FALSE;
  return p;
}

static char *
copy_text (const char *s, gsize len)
{
  char *copy = g_malloc (len + 1);

  memcpy (copy, s, len);
  copy[len] = '\0';
  return copy;
}

/* g_string_append_len() without a call when the run fits, as GLib 2.76
 * inlines it: an escaped string has a short run between escapes. */
static void
append_run (GString *s, const char *run, gsize len)
{
  if (s->allocated_len - s->len > len)
    {
      memcpy (s->str + s->len, run, len);
      s->len += len;
      s->str[s->len] = '\0';
    }
  else
    g_string_append_len (s, run, (gssize) len);
}

static gboolean
parse_string (Reader *r, char **out, GError **error)
{
  const char *run = r->p + 1;  /* past the opening quote */
  gboolean utf8_ok = TRUE;
  g_autoptr(GString) s = NULL;

  r->p = plain_run_end (run, r->end, &utf8_ok);
  if (r->p < r->end && *r->p == '"' && utf8_ok)
    {
      /* No escapes, the common case: the value is the input bytes. */
      *out = copy_text (run, (gsize) (r->p - run));
      r->p++;
      return TRUE;
    }

  s = g_string_sized_new ((gsize) (r->p - run) + 16);
  for (;;)
    {
      append_run (s, run, (gsize) (r->p - run));
      if (r->p >= r->end)
        return fail (r, error, "unterminated string");
      if (*r->p == '"')
        break;
      if ((guchar) *r->p < 0x20)
        return fail (r, error, *r->p == '\n' ? "unterminated string" : "control character in string");
      r->p++; /* the backslash */
      if (r->p >= r->end)
        return fail (r, error, "unterminated string");
      if (!parse_escape (r, s, error))
        return FALSE;
      run = r->p;
      r->p = plain_run_end (run, r->end, &utf8_ok);
    }
  r->p++;
  if (!utf8_ok)
    return fail (r, error, "string is not valid UTF-8");
  *out = g_string_free (g_steal_pointer (&s), FALSE);
  return TRUE;
}

static gboolean
parse_number (Reader *r, AttestJson **out, GError **error)
{
  const char *begin = r->p;

  if (r->p < r->end && *r->p == '-')
    r->p++;
  if (r->p >= r->end || !g_ascii_isdigit (*r->p))
    return fail (r, error, "bad number");
  if (*r->p == '0' && r->p + 1 < r->end && g_ascii_isdigit (r->p[1]))
    return fail (r, error, "leading zero in number");
  while (r->p < r->end && g_ascii_isdigit (*r->p))
    r->p++;
  if (r->p < r->end && *r->p == '.')
    {
      r->p++;
      if (r->p >= r->end || !g_ascii_isdigit (*r->p))
        return fail (r, error, "bad number");
      while (r->p < r->end && g_ascii_isdigit (*r->p))
        r->p++;
    }
  if (r->p < r->end && (*r->p == 'e' || *r->p == 'E'))
    {
      r->p++;
      if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
        r->p++;
      if (r->p >= r->end || !g_ascii_isdigit (*r->p))
        return fail (r, error, "bad number");
      while (r->p < r->end && g_ascii_isdigit (*r->p))
        r->p++;
    }
  *out = node_new (ATTEST_JSON_NUMBER);
  (*out)->text = copy_text (begin, (gsize) (r->p - begin));
  return TRUE;
}

static gboolean
parse_array (Reader *r, AttestJson **out, GError **error)
{
  guint base = r->values->len;

  r->p++;
  skip_ws (r);
  if (r->p < r->end && *r->p == ']')
    {
      r->p++;
      *out = array_new (r, base);
      return TRUE;
    }
  for (;;)
    {
      AttestJson *item = NULL;

      path_push (r, NULL, r->values->len - base);
      if (!parse_value (r, &item, error))
        return FALSE;
      path_pop (r);
      g_ptr_array_add (r->values, item);
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
      return fail (r, error, "expected ',' or ']'");
    }
  *out = array_new (r, base);
  return TRUE;
}

/* Whether @key is among the keys from @key_base on.  @seen is NULL until
 * the object has KEY_SCAN_MAX keys, then the set of them. */
static gboolean
key_is_duplicate (Reader *r, guint key_base, GHashTable **seen, const char *key)
{
  if (*seen == NULL && r->keys->len - key_base < KEY_SCAN_MAX)
    {
      for (guint i = key_base; i < r->keys->len; i++)
        {
          const char *other = g_ptr_array_index (r->keys, i);

          /* The first byte settles most comparisons without a call. */
          if (other[0] == key[0] && strcmp (other, key) == 0)
            return TRUE;
        }
      return FALSE;
    }
  if (*seen == NULL)
    {
      *seen = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = key_base; i < r->keys->len; i++)
        g_hash_table_add (*seen, g_ptr_array_index (r->keys, i));
    }
  return g_hash_table_contains (*seen, key);
}

static gboolean
parse_object (Reader *r, AttestJson **out, GError **error)
{
  guint base = r->values->len;
  guint key_base = r->keys->len;
  g_autoptr(GHashTable) seen = NULL;  /* borrows the keys in r->keys */

  r->p++;
  skip_ws (r);
  if (r->p < r->end && *r->p == '}')
    {
      r->p++;
      *out = object_new (r, base, key_base);
      return TRUE;
    }
  for (;;)
    {
      g_autofree char *key = NULL;
      AttestJson *value = NULL;

      skip_ws (r);
      if (r->p >= r->end || *r->p != '"')
        return fail (r, error, "expected a string key");
      if (!parse_string (r, &key, error))
        return FALSE;
      if (key_is_duplicate (r, key_base, &seen, key))
        {
          path_push (r, key, 0);
          return fail (r, error, "duplicate key");
        }
      skip_ws (r);
      if (r->p >= r->end || *r->p != ':')
        return fail (r, error, "expected ':'");
      r->p++;
      path_push (r, key, 0);
      if (!parse_value (r, &value, error))
        return FALSE;
      path_pop (r);
      if (seen != NULL)
        g_hash_table_add (seen, key);
      g_ptr_array_add (r->keys, g_steal_pointer (&key));
      g_ptr_array_add (r->values, value);
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
      return fail (r, error, "expected ',' or '}'");
    }
  *out = object_new (r, base, key_base);
  return TRUE;
}

static gboolean
parse_value (Reader *r, AttestJson **out, GError **error)
{
  gboolean ok;

  skip_ws (r);
  if (r->p >= r->end)
    return fail (r, error, "unexpected end of input");
  if (r->depth >= ATTEST_JSON_MAX_DEPTH)
    return fail (r, error, "nested too deeply");

  r->depth++;
  switch (*r->p)
    {
    case '{':
      ok = parse_object (r, out, error);
      break;
    case '[':
      ok = parse_array (r, out, error);
      break;
    case '"':
      {
        char *s = NULL;
        ok = parse_string (r, &s, error);
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
          fail (r, error, "unexpected token");
        else
          {
            *out = node_new (is_null ? ATTEST_JSON_NULL : ATTEST_JSON_BOOL);
            (*out)->boolean = is_true;
          }
        break;
      }
    default:
      if (*r->p == '-' || g_ascii_isdigit (*r->p))
        ok = parse_number (r, out, error);
      else
        ok = fail (r, error, "unexpected character");
      break;
    }
  r->depth--;
  return ok;
}

AttestJson *
attest_json_parse (const char *data, gsize len, const char *source, GError **error)
{
  g_auto(Reader) r = { 0 };
  g_autoptr(AttestJson) root = NULL;

  if (data == NULL)
    data = "";  /* an empty GBytes has no data pointer */
  r.p = data;
  r.start = data;
  r.end = data + len;
  r.source = source;

  if (memchr (data, '\0', len) != NULL)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON, "%s: contains a NUL byte", source);
      return NULL;
    }
  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    r.p += 3;
  r.values = g_ptr_array_sized_new (64);
  r.keys = g_ptr_array_sized_new (64);
  if (!parse_value (&r, &root, error))
    return NULL;
  skip_ws (&r);
  if (r.p != r.end)
    {
      fail (&r, error, "trailing data after the JSON value");
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
