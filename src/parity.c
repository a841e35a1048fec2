/* sandbox-attest parity BWRAP_BUNDLE DOCKER_BUNDLE: the bwrap venue claims
 * to be equivalent to the reference `docker run`; this measures the claim
 * probe by probe from two bundles of the same host, probe and policy.
 * Every difference is named by a key the README explains; a difference
 * where the bwrap venue does worse than Docker is a bug (exit 3). */
#include <string.h>
#include <json-glib/json-glib.h>

#include "assemble.h"
#include "bundle.h"
#include "cli.h"
#include "error.h"
#include "intoto.h"
#include "json-writer.h"
#include "paths.h"
#include "verify.h"

/* Known, explained differences (README "Docker venue parity"). */
static const struct
{
  const char *id, *key, *why;
} explained[] = {
  { "PR-NS-1", "docker-cgroupns-host",
    "Docker 20.10 keeps the host's cgroup namespace on cgroup v1 unless dockerd runs with --default-cgroupns-mode private; bwrap always unshares it" },
  { "PR-MOUNT-3", "docker-volumes-suid",
    "Docker's -v binds keep suid and dev; bwrap binds everything nosuid,nodev" },
  { "PR-KINFO-1", "docker-masked-paths-sysfs",
    "Docker masks /proc/timer_list and /sys/firmware with /dev/null and an empty tmpfs (they open, nothing to read) and mounts /sys read-only (vmcoreinfo readable); bwrap's root has no /sys and /proc/timer_list stays root-only" },
  { "PR-PROCSYS-1", "docker-sysfs-ro",
    "Docker mounts /sys read-only (EROFS); bwrap's root has no /sys at all (ENOENT)" },
  { "PR-SECCOMP-ENOSYS", "runc-enosys-stub-arches",
    "runc before 1.2 adds its ENOSYS stub only for the architectures the policy lists; the shipped policy lists them (archMap)" },
  { "PR-LSM-1", "runc-enosys-stub-arches",
    "landlock_create_ruleset is above the policy's highest syscall: ENOSYS with runc's stub, EPERM without it" },
};

typedef struct
{
  char *path;
  AttestJson *bundle;
  AttestJson *inside;
  AttestJudgement *judgement;
} Side;

static void
side_clear (Side *s)
{
  g_free (s->path);
  g_clear_pointer (&s->bundle, attest_json_free);
  g_clear_pointer (&s->inside, attest_json_free);
  g_clear_pointer (&s->judgement, attest_judgement_free);
}

static const char *
str_member (const AttestJson *node, const char *a, const char *b)
{
  const AttestJson *n = node != NULL && node->type == ATTEST_JSON_OBJECT ? attest_json_member (node, a) : NULL;

  if (n != NULL && b != NULL)
    n = n->type == ATTEST_JSON_OBJECT ? attest_json_member (n, b) : NULL;
  return n != NULL && n->type == ATTEST_JSON_STRING ? n->text : NULL;
}

static gboolean
load_side (const char *path, const char *want_kind, const AttestMatrix *matrix, Side *s, GError **error)
{
  AttestVerifyOptions options = { FALSE, NULL, NULL };
  const char *kind, *text;

  s->path = g_strdup (path);
  if ((s->bundle = attest_bundle_load_file (path, error)) == NULL)
    return FALSE;
  if (attest_intoto_is_statement (s->bundle))
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "%s is an in-toto Statement: parity compares the "
                   "bundles the Statements wrap", path);
      return FALSE;
    }
  if ((s->judgement = attest_verify (s->bundle, matrix, &options, error)) == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      (*error)->code = ATTEST_ERROR_JSON;
      return FALSE;
    }
  kind = str_member (s->bundle, "venue_kind", NULL);
  if (g_strcmp0 (kind != NULL ? kind : ATTEST_VENUE_KIND_BWRAP, want_kind) != 0)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "%s: a %s-venue bundle, expected a %s-venue one", path,
                   kind != NULL ? kind : ATTEST_VENUE_KIND_BWRAP, want_kind);
      return FALSE;
    }
  text = str_member (s->bundle, "inside", "text");
  if (text != NULL)
    s->inside = attest_json_parse (text, strlen (text), path, NULL);
  return TRUE;
}

static const AttestJson *
probes_of (const Side *s)
{
  const AttestJson *p = s->inside != NULL && s->inside->type == ATTEST_JSON_OBJECT ? attest_json_member (s->inside, "probes") : NULL;
  return p != NULL && p->type == ATTEST_JSON_ARRAY ? p : NULL;
}

static const AttestJson *
probe_in (const Side *s, const char *id)
{
  const AttestJson *probes = probes_of (s);

  for (guint i = 0; probes != NULL && i < probes->items->len; i++)
    if (g_strcmp0 (str_member (g_ptr_array_index (probes->items, i), "id", NULL), id) == 0)
      return g_ptr_array_index (probes->items, i);
  return NULL;
}

/* The outcomes in attempt order, "A,B,B"; NULL when the probe is absent. */
static char *
outcomes_of (const AttestJson *probe)
{
  const AttestJson *attempts = probe != NULL ? attest_json_member (probe, "attempts") : NULL;
  g_autoptr(GString) s = g_string_new (NULL);

  if (probe == NULL)
    return NULL;
  for (guint i = 0; attempts != NULL && attempts->type == ATTEST_JSON_ARRAY && i < attempts->items->len; i++)
    {
      const char *o = str_member (g_ptr_array_index (attempts->items, i), "outcome", NULL);
      g_string_append_printf (s, "%s%s", i ? "," : "", o != NULL ? o : "?");
    }
  if (s->len == 0)
    g_string_append (s, str_member (probe, "verdict", NULL) != NULL ? str_member (probe, "verdict", NULL) : "?");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* "EACCES,ENOENT,ENOENT" -> "EACCES ENOENTx2", for the text table. */
static char *
compact (const char *outcomes)
{
  g_auto(GStrv) tokens = g_strsplit (outcomes != NULL ? outcomes : "(absent)", ",", -1);
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      guint n = 0;
      gboolean seen = FALSE;

      for (guint k = 0; k < i; k++)
        seen = seen || strcmp (tokens[k], tokens[i]) == 0;
      if (seen)
        continue;
      for (guint k = i; tokens[k] != NULL; k++)
        n += strcmp (tokens[k], tokens[i]) == 0;
      g_string_append_printf (s, "%s%s", s->len ? " " : "", tokens[i]);
      if (n > 1)
        g_string_append_printf (s, "x%u", n);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static const AttestRowResult *
row_of (const Side *s, const char *id)
{
  for (guint i = 0; i < s->judgement->rows->len; i++)
    {
      const AttestRowResult *r = g_ptr_array_index (s->judgement->rows, i);
      if (strcmp (r->id, id) == 0)
        return r;
    }
  return NULL;
}

static int
badness (const AttestRowResult *r)
{
  if (r == NULL)
    return 3;
  return r->status == ATTEST_ROW_FAIL ? 2 : r->status == ATTEST_ROW_WARN ? 1 : 0;
}

typedef struct
{
  char *id, *bwrap, *docker;
  const AttestRowResult *bwrap_row, *docker_row;
  gboolean same, bwrap_weaker;
  const char *key, *why;
} ParityRow;

static void
parity_row_free (ParityRow *r)
{
  g_free (r->id);
  g_free (r->bwrap);
  g_free (r->docker);
  g_free (r);
}

static GPtrArray *
compare (const Side *b, const Side *d)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) parity_row_free);
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  const Side *sides[] = { b, d };

  for (guint s = 0; s < 2; s++)
    for (guint i = 0; probes_of (sides[s]) != NULL && i < probes_of (sides[s])->items->len; i++)
      {
        const char *id = str_member (g_ptr_array_index (probes_of (sides[s])->items, i), "id", NULL);
        if (id != NULL && !g_ptr_array_find_with_equal_func (ids, id, g_str_equal, NULL))
          g_ptr_array_add (ids, (gpointer) id);
      }
  for (guint i = 0; i < ids->len; i++)
    {
      ParityRow *r = g_new0 (ParityRow, 1);

      r->id = g_strdup (g_ptr_array_index (ids, i));
      r->bwrap = outcomes_of (probe_in (b, r->id));
      r->docker = outcomes_of (probe_in (d, r->id));
      r->bwrap_row = row_of (b, r->id);
      r->docker_row = row_of (d, r->id);
      r->same = r->bwrap != NULL && r->docker != NULL && strcmp (r->bwrap, r->docker) == 0;
      r->bwrap_weaker = badness (r->bwrap_row) > badness (r->docker_row);
      for (gsize k = 0; !r->same && k < G_N_ELEMENTS (explained); k++)
        if (strcmp (explained[k].id, r->id) == 0)
          {
            r->key = explained[k].key;
            r->why = explained[k].why;
          }
      g_ptr_array_add (rows, r);
    }
  return rows;
}

/* Same host, same policy file, same probe: otherwise nothing is measured. */
static void
comparable (const Side *b, const Side *d, GPtrArray *problems)
{
  const char *bh = str_member (b->bundle, "venue_identity", "hostname"), *dh = str_member (d->bundle, "venue_identity", "hostname");
  const char *bs = str_member (b->bundle, "seccomp_sha256", NULL), *ds = str_member (d->bundle, "seccomp_sha256", NULL);
  const char *bi = str_member (b->bundle, "image_digest", NULL), *dp = str_member (d->bundle, "docker", "probe_sha256");
  const AttestJson *bu = b->bundle != NULL ? attest_json_member (b->bundle, "venue_identity") : NULL;
  const AttestJson *du = d->bundle != NULL ? attest_json_member (d->bundle, "venue_identity") : NULL;
  const char *bk = str_member (bu != NULL ? attest_json_member (bu, "uname") : NULL, "release", NULL);
  const char *dk = str_member (du != NULL ? attest_json_member (du, "uname") : NULL, "release", NULL);

  if (bh == NULL || g_strcmp0 (bh, dh) != 0 || bk == NULL || g_strcmp0 (bk, dk) != 0)
    g_ptr_array_add (problems, g_strdup_printf ("not the same host: %s %s vs %s %s", bh ? bh : "?", bk ? bk : "?",
                                                dh ? dh : "?", dk ? dk : "?"));
  if (bs == NULL || g_strcmp0 (bs, ds) != 0)
    g_ptr_array_add (problems, g_strdup_printf ("not the same policy: sha256 %.12s vs %.12s", bs ? bs : "?", ds ? ds : "?"));
  if (bi == NULL || dp == NULL || !g_str_has_prefix (bi, "sha256:") || strcmp (bi + 7, dp) != 0)
    g_ptr_array_add (problems, g_strdup_printf ("not the same probe: %.19s vs sha256:%.12s", bi ? bi : "?", dp ? dp : "?"));
  if (b->inside == NULL || d->inside == NULL)
    g_ptr_array_add (problems, g_strdup ("a bundle holds no probe output"));
}

static void
add_str (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
print_json (const Side *b, const Side *d, GPtrArray *rows, GPtrArray *problems, guint differ, guint unexplained,
            guint weaker)
{
  g_autoptr(JsonBuilder) j = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const Side *sides[] = { b, d };
  const char *names[] = { "bwrap", "docker" };

  json_builder_begin_object (j);
  for (guint s = 0; s < 2; s++)
    {
      json_builder_set_member_name (j, names[s]);
      json_builder_begin_object (j);
      add_str (j, "bundle", sides[s]->path);
      add_str (j, "verdict", sides[s]->judgement->accepted ? "ACCEPTED" : "BLOCKED");
      json_builder_end_object (j);
    }
  json_builder_set_member_name (j, "problems");
  json_builder_begin_array (j);
  for (guint i = 0; i < problems->len; i++)
    json_builder_add_string_value (j, g_ptr_array_index (problems, i));
  json_builder_end_array (j);
  json_builder_set_member_name (j, "rows");
  json_builder_begin_array (j);
  for (guint i = 0; i < rows->len; i++)
    {
      const ParityRow *r = g_ptr_array_index (rows, i);

      json_builder_begin_object (j);
      add_str (j, "id", r->id);
      add_str (j, "bwrap", r->bwrap);
      add_str (j, "bwrap_status", r->bwrap_row != NULL ? attest_row_status_name (r->bwrap_row->status) : NULL);
      add_str (j, "docker", r->docker);
      add_str (j, "docker_status", r->docker_row != NULL ? attest_row_status_name (r->docker_row->status) : NULL);
      json_builder_set_member_name (j, "same");
      json_builder_add_boolean_value (j, r->same);
      json_builder_set_member_name (j, "bwrap_weaker");
      json_builder_add_boolean_value (j, r->bwrap_weaker);
      add_str (j, "explanation", r->key);
      add_str (j, "why", r->why);
      json_builder_end_object (j);
    }
  json_builder_end_array (j);
  json_builder_set_member_name (j, "different");
  json_builder_add_int_value (j, differ);
  json_builder_set_member_name (j, "unexplained");
  json_builder_add_int_value (j, unexplained);
  json_builder_set_member_name (j, "bwrap_weaker");
  json_builder_add_int_value (j, weaker);
  json_builder_end_object (j);
  root = json_builder_get_root (j);
  attest_json_print (root);
}

static void
print_text (const Side *b, const Side *d, GPtrArray *rows, GPtrArray *problems, guint differ, guint unexplained,
            guint weaker)
{
  g_print ("bwrap venue:  %s (%s)\n", b->path, b->judgement->accepted ? "ACCEPTED" : "BLOCKED");
  g_print ("docker venue: %s (%s)\n", d->path, d->judgement->accepted ? "ACCEPTED" : "BLOCKED");
  for (guint i = 0; i < problems->len; i++)
    g_print ("NOT COMPARABLE: %s\n", (const char *) g_ptr_array_index (problems, i));
  g_print ("%-20s %-32s %-32s %-9s %s\n", "probe", "bwrap", "docker", "", "explanation");
  for (guint i = 0; i < rows->len; i++)
    {
      const ParityRow *r = g_ptr_array_index (rows, i);
      g_autofree char *bo = compact (r->bwrap), *dout = compact (r->docker);
      g_autofree char *bc = g_strdup_printf ("%s (%s)", bo, r->bwrap_row ? attest_row_status_name (r->bwrap_row->status) : "-");
      g_autofree char *dc = g_strdup_printf ("%s (%s)", dout, r->docker_row ? attest_row_status_name (r->docker_row->status) : "-");

      g_print ("%-20s %-32s %-32s %-9s %s\n", r->id, bc, dc, r->same ? "same" : "different",
               r->bwrap_weaker ? "BWRAP WEAKER (a bug)" : r->same ? "" : r->key != NULL ? r->key : "UNEXPLAINED");
    }
  g_print ("%u probes, %u different, %u unexplained, %u where the bwrap venue is weaker\n", rows->len, differ,
           unexplained, weaker);
}

int
attest_cli_parity (int argc, char **argv, GError **error)
{
  g_autofree char *matrix_path = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "matrix", 0, 0, G_OPTION_ARG_FILENAME, &matrix_path, "Acceptance matrix (default: the shipped matrix.json)", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the table as JSON", NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("BWRAP_BUNDLE DOCKER_BUNDLE");
  g_autoptr(AttestMatrix) matrix = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  Side b = { 0 }, d = { 0 };
  guint differ = 0, unexplained = 0, weaker = 0;
  int status = 2;

  g_option_context_set_summary (context,
    "Compares a bwrap-venue bundle with a Docker-venue bundle of the same host, probe and policy, probe\n"
    "by probe.  Exit 0 when every difference is a known, explained one and none makes the bwrap venue\n"
    "weaker; 3 otherwise; 2 bad input.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, error))
    {
      (*error)->domain = ATTEST_ERROR;
      (*error)->code = ATTEST_ERROR_USAGE;
      return 2;
    }
  if (argc != 3)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "parity needs BWRAP_BUNDLE DOCKER_BUNDLE");
      return 2;
    }
  if (matrix_path == NULL)
    matrix_path = attest_paths_matrix ();
  if ((matrix = attest_matrix_load_file (matrix_path, error)) == NULL
      || !load_side (argv[1], ATTEST_VENUE_KIND_BWRAP, matrix, &b, error)
      || !load_side (argv[2], ATTEST_VENUE_KIND_DOCKER, matrix, &d, error))
    goto out;
  comparable (&b, &d, problems);
  rows = compare (&b, &d);
  for (guint i = 0; i < rows->len; i++)
    {
      const ParityRow *r = g_ptr_array_index (rows, i);
      differ += !r->same;
      unexplained += !r->same && r->key == NULL;
      weaker += r->bwrap_weaker;
    }
  if (json)
    print_json (&b, &d, rows, problems, differ, unexplained, weaker);
  else
    print_text (&b, &d, rows, problems, differ, unexplained, weaker);
  status = problems->len == 0 && unexplained == 0 && weaker == 0 ? 0 : 3;
out:
  side_clear (&b);
  side_clear (&d);
  return status;
}
