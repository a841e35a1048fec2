#include "timings.h"

#include <string.h>
#include <sys/resource.h>

#include "collect.h"
#include "error.h"
#include "json-reader.h"
#include "verify.h"

/* The stages of timings_us in the order they happen; a key not named here
 * is shown after them.  Indented ones are parts of "sandbox". */
static const struct { const char *key, *what; } stages[] = {
  { "compile", "policy + matrix load, compile to BPF" },
  { "prepare", "work folders, private copy of the probe" },
  { "bwrap_version", "waiting for bwrap --version (started before compile)" },
  { "limits_setup", "cgroups / rlimits created" },
  { "sandbox", "launch to bwrap's exit (all of the below)" },
  { "staging", "  staging user+mount namespace, /tmp, up to bwrap's exec" },
  { "bwrap_start", "  bwrap exec to json-status child-pid" },
  { "sandbox_ready", "  bwrap exec to the probe's first output" },
  { "host", "  host facts (probe sha256s, identity, namespaces), while the probe runs" },
  { "limits_teardown", "peaks read, cgroups removed" },
  { "collect", "json-status and inside.json read" },
  { "total", "start to bundle judging" },
};

static gint64
number (const AttestJson *node)
{
  return node != NULL && node->type == ATTEST_JSON_NUMBER ? g_ascii_strtoll (node->text, NULL, 10) : -1;
}

static void
add_row (GString *out, const char *key, gint64 us, const char *what)
{
  g_string_append_printf (out, "  %-20s %9.1f ms  %s\n", key, us / 1000.0, what);
}

static void
print_stages (GString *out, const AttestJson *timings)
{
  for (gsize i = 0; i < G_N_ELEMENTS (stages); i++)
    {
      gint64 us = number (attest_json_member (timings, stages[i].key));
      if (us >= 0)
        add_row (out, stages[i].key, us, stages[i].what);
    }
  for (guint i = 0; i < timings->keys->len; i++)
    {
      const char *key = g_ptr_array_index (timings->keys, i);
      gboolean known = FALSE;

      for (gsize k = 0; k < G_N_ELEMENTS (stages); k++)
        known = known || g_str_equal (key, stages[k].key);
      if (!known)
        add_row (out, key, number (g_ptr_array_index (timings->items, i)), "");
    }
}

/* inside.text is the probe's report: untrusted, so only numbers and
 * group names are taken, and a malformed one is simply not shown. */
static void
print_groups (GString *out, const AttestJson *bundle)
{
  const AttestJson *inside = attest_json_member (bundle, "inside");
  const AttestJson *text = inside != NULL ? attest_json_member (inside, "text") : NULL;
  g_autoptr(AttestJson) report = NULL;
  const AttestJson *probes;
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GHashTable) sums = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  if (text == NULL || text->type != ATTEST_JSON_STRING
      || (report = attest_json_parse (text->text, strlen (text->text), "inside", NULL)) == NULL
      || (probes = attest_json_member (report, "probes")) == NULL || probes->type != ATTEST_JSON_ARRAY)
    return;
  add_row (out, "probe", number (attest_json_member (report, "duration_us")), "the probe's own clock, per group:");
  for (guint i = 0; i < probes->items->len; i++)
    {
      const AttestJson *p = g_ptr_array_index (probes->items, i);
      const AttestJson *group = attest_json_member (p, "group");
      gint64 us = number (attest_json_member (p, "duration_us"));
      gint64 *sum;

      if (group == NULL || group->type != ATTEST_JSON_STRING || us < 0)
        continue;
      if ((sum = g_hash_table_lookup (sums, group->text)) == NULL)
        {
          sum = g_new0 (gint64, 2);
          g_hash_table_insert (sums, group->text, sum);
          g_ptr_array_add (order, group->text);
        }
      sum[0] += us;
      sum[1]++;
    }
  for (guint i = 0; i < order->len; i++)
    {
      const gint64 *sum = g_hash_table_lookup (sums, g_ptr_array_index (order, i));
      g_autofree char *what = g_strdup_printf ("    %" G_GINT64_FORMAT " probe%s", sum[1], sum[1] == 1 ? "" : "s");
      g_autofree char *key = g_strdup_printf ("  %s", (const char *) g_ptr_array_index (order, i));
      add_row (out, key, sum[0], what);
    }
}

char *
attest_timings_text (const char *bundle_path, gint64 bundle_us, GError **error)
{
  g_autoptr(AttestJson) bundle = attest_bundle_load_file (bundle_path, error);
  const AttestJson *timings;
  GString *out;
  struct rusage ru;

  if (bundle == NULL)
    return NULL;
  timings = attest_json_member (bundle, "timings_us");
  if (timings == NULL || timings->type != ATTEST_JSON_OBJECT)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON, "%s: no timings_us object", bundle_path);
      return NULL;
    }
  out = g_string_new ("timings:\n");
  print_stages (out, timings);
  print_groups (out, bundle);
  add_row (out, "bundle", bundle_us, "judging and writing the bundle (not in timings_us)");
  if (getrusage (RUSAGE_SELF, &ru) == 0)
    g_string_append_printf (out, "  %-20s %9.1f MiB peak RSS of sandbox-attest itself (getrusage)\n", "memory",
                            ru.ru_maxrss / 1024.0);
  return g_string_free (out, FALSE);
}
