#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "error.h"
#include "fdutil.h"
#include "intoto.h"
#include "paths.h"

/* Caps that keep a hostile bundle from producing a report nobody can
 * open: GitHub refuses job summaries over 1 MiB. */
#define CELL_MAX_CHARS 2000
#define RAW_MAX_CHARS 65536
/* The terminal table stays one line per row. */
#define TEXT_ID_CHARS 24
#define TEXT_OBSERVED_CHARS 40
#define TEXT_MESSAGE_CHARS 160

/* ---- small readers over the strict JSON model ---- */

/* A scalar as text: strings and number lexemes as they are. */
static const char *
scalar_text (const AttestJson *node)
{
  if (node == NULL)
    return NULL;
  switch (node->type)
    {
    case ATTEST_JSON_STRING:
    case ATTEST_JSON_NUMBER:
      return node->text;
    case ATTEST_JSON_BOOL:
      return node->boolean ? "true" : "false";
    default:
      return NULL;
    }
}

static const char *
text_at (const AttestJson *node, const char *path)
{
  return scalar_text (attest_json_at (node, path));
}

static const char *
or_unknown (const char *s)
{
  return s != NULL ? s : "?";
}

/* ---- untrusted text ---- */

static gboolean
is_unsafe_char (gunichar c)
{
  return c < 0x20 || (c >= 0x7f && c < 0xa0)
         /* bidi overrides reorder what a reader sees (CVE-2021-42574) */
         || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* Text from the bundle as it may reach any output: no control characters
 * (a probe could otherwise drive the operator's terminal), newlines only
 * where @keep_newlines, at most @max_chars characters.  The JSON reader
 * guarantees valid UTF-8 without NUL. */
static char *
clean_text (const char *s, gsize max_chars, gboolean keep_newlines)
{
  GString *out = g_string_sized_new (s != NULL ? strlen (s) : 0);
  gsize n = 0;

  for (const char *p = s; p != NULL && *p != '\0'; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (n == max_chars)
        {
          g_string_append_printf (out, "%s… (cut at %" G_GSIZE_FORMAT " characters)", keep_newlines ? "\n" : "",
                                  max_chars);
          break;
        }
      if (c == '\n' && keep_newlines)
        g_string_append_c (out, '\n');
      else if (c == '\n' || c == '\t' || c == '\r')
        g_string_append_c (out, ' ');
      else if (is_unsafe_char (c))
        g_string_append_c (out, '?');
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }
  return g_string_free (out, FALSE);
}

static char *
cell (const char *s)
{
  return s != NULL ? clean_text (s, CELL_MAX_CHARS, FALSE) : NULL;
}

/* "EPERM,EPERM,EPERM,OK" -> "EPERM×3,OK": the verifier lists one outcome
 * per attempt, and PR-SOCK-2 alone makes 46. */
static char *
compress_runs (const char *observed)
{
  g_auto(GStrv) tokens = NULL;
  GString *out;

  if (observed == NULL)
    return NULL;
  tokens = g_strsplit (observed, ",", -1);
  out = g_string_new (NULL);
  for (guint i = 0; tokens[i] != NULL;)
    {
      guint run = 1;

      while (tokens[i + run] != NULL && strcmp (tokens[i + run], tokens[i]) == 0)
        run++;
      g_string_append_printf (out, "%s%s", i > 0 ? "," : "", tokens[i]);
      if (run > 1)
        g_string_append_printf (out, "×%u", run);
      i += run;
    }
  return g_string_free (out, FALSE);
}

/* A shell word as the operator would type it. */
static void
append_shell_word (GString *out, const char *word)
{
  gboolean plain = *word != '\0';

  for (const char *p = word; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("_./:=,+@%-", *p) == NULL)
      plain = FALSE;
  if (plain)
    g_string_append (out, word);
  else
    {
      g_autofree char *quoted = g_shell_quote (word);
      g_string_append (out, quoted);
    }
}

/* ---- the model ---- */

typedef struct
{
  const char *label;
  char *value;
} Fact;

typedef struct
{
  char *id, *observed, *message, *rationale, *refs;
  AttestRowLevel level;
  AttestRowStatus status;
} Row;

typedef struct
{
  char *name, *wanted, *enforcer, *detail, *observed;
  const char *equivalent;       /* "yes", "no", "?" */
  const Row *row;               /* LIMIT-<NAME>, NULL when the matrix has none */
} Limit;

/* One flag of the reference `docker run` (README "How each flag of the
 * reference command is enforced"): what the bundle's bwrap argv must show,
 * the limits and rows that prove it. */
typedef struct
{
  const char *docker;
  const char *here;
  const char *argv[5];          /* patterns: words, "*" any one */
  const char *forbidden;        /* a pattern that would undo it */
  const char *member, *member_label;
  const char *limits[3];
  const char *evidence[5];
} FlagSpec;

typedef struct
{
  const FlagSpec *spec;
  char *shown;
  char *evidence;
  gboolean ok;
} Flag;

typedef struct
{
  const char *title;
  char *text;
} Raw;

struct _AttestReport
{
  char *source;
  gboolean accepted;
  guint n_fail, n_warn;
  char *stored_verdict;         /* the bundle's own "verdict", NULL when absent */
  GPtrArray *differing;         /* char *: rows the bundle judged otherwise */
  GPtrArray *facts;             /* Fact */
  GPtrArray *rows;              /* Row, the judgement's order */
  GPtrArray *limits;            /* Limit */
  GPtrArray *flags;             /* Flag */
  GPtrArray *raw;               /* Raw */
};

static void
fact_free (Fact *f)
{
  g_free (f->value);
  g_free (f);
}

static void
row_free (Row *r)
{
  g_free (r->id);
  g_free (r->observed);
  g_free (r->message);
  g_free (r->rationale);
  g_free (r->refs);
  g_free (r);
}

static void
limit_free (Limit *l)
{
  g_free (l->name);
  g_free (l->wanted);
  g_free (l->enforcer);
  g_free (l->detail);
  g_free (l->observed);
  g_free (l);
}

static void
flag_free (Flag *f)
{
  g_free (f->shown);
  g_free (f->evidence);
  g_free (f);
}

static void
raw_free (Raw *r)
{
  g_free (r->text);
  g_free (r);
}

void
attest_report_free (AttestReport *report)
{
  if (report == NULL)
    return;
  g_free (report->source);
  g_free (report->stored_verdict);
  g_clear_pointer (&report->differing, g_ptr_array_unref);
  g_clear_pointer (&report->facts, g_ptr_array_unref);
  g_clear_pointer (&report->rows, g_ptr_array_unref);
  g_clear_pointer (&report->limits, g_ptr_array_unref);
  g_clear_pointer (&report->flags, g_ptr_array_unref);
  g_clear_pointer (&report->raw, g_ptr_array_unref);
  g_free (report);
}

gboolean
attest_report_accepted (const AttestReport *report)
{
  return report->accepted;
}

gboolean
attest_report_format_parse (const char *name, AttestReportFormat *out_format, GError **error)
{
  static const char *const names[] = { "text", "markdown", "html" };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (name, names[i]) == 0)
      {
        *out_format = (AttestReportFormat) i;
        return TRUE;
      }
  g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "--format %s: must be text, markdown or html", name);
  return FALSE;
}

static const Row *
find_row (const AttestReport *report, const char *id)
{
  for (guint i = 0; i < report->rows->len; i++)
    {
      const Row *r = g_ptr_array_index (report->rows, i);
      if (strcmp (r->id, id) == 0)
        return r;
    }
  return NULL;
}

/* -- facts -- */

static void
add_fact (AttestReport *report, const char *label, char *value)
{
  Fact *f = g_new0 (Fact, 1);

  f->label = label;
  f->value = cell (value);
  g_free (value);
  g_ptr_array_add (report->facts, f);
}

static char *
host_fact (const AttestJson *bundle)
{
  GString *s = g_string_new (NULL);
  gboolean ci = FALSE, container = FALSE;
  const AttestJson *n;

  g_string_append_printf (s, "%s %s %s, hostname %s", or_unknown (text_at (bundle, "venue_identity.uname.sysname")),
                          or_unknown (text_at (bundle, "venue_identity.uname.release")),
                          or_unknown (text_at (bundle, "venue_identity.uname.machine")),
                          or_unknown (text_at (bundle, "venue_identity.hostname")));
  if (text_at (bundle, "venue_identity.os_release.PRETTY_NAME") != NULL)
    g_string_append_printf (s, ", %s", text_at (bundle, "venue_identity.os_release.PRETTY_NAME"));
  n = attest_json_at (bundle, "venue_identity.ci");
  ci = n != NULL && n->type == ATTEST_JSON_BOOL && n->boolean;
  n = attest_json_at (bundle, "venue_identity.in_container");
  container = n != NULL && n->type == ATTEST_JSON_BOOL && n->boolean;
  if (ci)
    g_string_append_printf (s, ", CI (%s)", or_unknown (text_at (bundle, "venue_identity.ci_provider")));
  if (container)
    g_string_append (s, ", in a container");
  return g_string_free (s, FALSE);
}

static char *
list_fact (const AttestJson *array, const char *separator)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; array != NULL && array->type == ATTEST_JSON_ARRAY && i < array->items->len; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? separator : "",
                            or_unknown (scalar_text (g_ptr_array_index (array->items, i))));
  return g_string_free (s, FALSE);
}

static void
build_facts (AttestReport *report, const AttestJson *bundle, const AttestMatrix *matrix)
{
  const char *used_sha = text_at (bundle, "matrix_sha256");
  const char *weakened = text_at (bundle, "sandbox.weakened");
  const AttestJson *problems = attest_json_at (bundle, "problems");
  const AttestJson *degraded = attest_json_at (bundle, "allow_degraded_limits");

  add_fact (report, "bundle", g_strdup (report->source));
  add_fact (report, "venue", g_strdup_printf ("%s (%s)", or_unknown (text_at (bundle, "venue")),
                                              or_unknown (text_at (bundle, "venue_source"))));
  add_fact (report, "host", host_fact (bundle));
  add_fact (report, "run", g_strdup_printf ("%s, created %s, %s µs in all", or_unknown (text_at (bundle, "run_date")),
                                            or_unknown (text_at (bundle, "created_at")),
                                            or_unknown (text_at (bundle, "timings_us.total"))));
  add_fact (report, "runtime", g_strdup_printf ("%s (%s%s), kernel %s, libseccomp %s, %s",
                                                or_unknown (text_at (bundle, "runtime.bwrap_version")),
                                                or_unknown (text_at (bundle, "runtime.bwrap_path")),
                                                g_strcmp0 (text_at (bundle, "runtime.bwrap_setuid"), "true") == 0
                                                  ? ", setuid" : "",
                                                or_unknown (text_at (bundle, "runtime.kernel")),
                                                or_unknown (text_at (bundle, "runtime.libseccomp")),
                                                or_unknown (text_at (bundle, "runtime.tool"))));
  add_fact (report, "image", g_strdup_printf ("%s, %s", or_unknown (text_at (bundle, "image_digest")),
                                              or_unknown (text_at (bundle, "image_digest_kind"))));
  add_fact (report, "seccomp policy", g_strdup_printf ("sha256 %s (%s)", or_unknown (text_at (bundle, "seccomp_sha256")),
                                                       or_unknown (text_at (bundle, "policy_path"))));
  add_fact (report, "matrix", g_strdup_printf ("%s sha256 %s; %s", matrix->source, matrix->sha256,
                                               g_strcmp0 (used_sha, matrix->sha256) == 0
                                                 ? "the run was judged by the same"
                                                 : "the run was judged by another matrix"));
  if (degraded != NULL && degraded->type == ATTEST_JSON_BOOL && degraded->boolean)
    add_fact (report, "degraded limits", g_strdup ("allowed by the run (--allow-degraded-limits)"));
  if (weakened != NULL && *weakened != '\0')
    add_fact (report, "weakened", g_strdup_printf ("protections turned off (tests only): %s", weakened));
  if (problems != NULL && problems->type == ATTEST_JSON_ARRAY && problems->items->len > 0)
    add_fact (report, "problems", list_fact (problems, "; "));
}

/* -- rows -- */

static const AttestMatrixRow *
matrix_row (const AttestMatrix *matrix, const char *id)
{
  for (guint i = 0; i < matrix->rows->len; i++)
    {
      const AttestMatrixRow *m = g_ptr_array_index (matrix->rows, i);
      if (strcmp (m->id, id) == 0)
        return m;
    }
  return NULL;
}

static void
build_rows (AttestReport *report, const AttestJudgement *j, const AttestMatrix *matrix)
{
  for (guint i = 0; i < j->rows->len; i++)
    {
      const AttestRowResult *r = g_ptr_array_index (j->rows, i);
      const AttestMatrixRow *m = matrix_row (matrix, r->id);
      g_autofree char *observed = compress_runs (r->observed);
      g_autofree char *refs = m != NULL ? g_strjoinv (", ", m->refs) : NULL;
      Row *row = g_new0 (Row, 1);

      row->id = cell (r->id);
      row->level = r->level;
      row->status = r->status;
      row->observed = cell (observed);
      row->message = cell (r->message);
      row->rationale = cell (m != NULL ? m->rationale : "(not in the matrix: the probe's own expectations and level)");
      row->refs = refs != NULL && *refs != '\0' ? cell (refs) : NULL;
      g_ptr_array_add (report->rows, row);
    }
}

/* The bundle's own judgement is a convenience written by `run`; where it
 * disagrees with the evidence the reader must be told, never reassured. */
static void
compare_stored (AttestReport *report, const AttestJson *bundle)
{
  const AttestJson *stored = attest_json_at (bundle, "judgement.rows");

  report->stored_verdict = cell (text_at (bundle, "verdict"));
  for (guint i = 0; stored != NULL && stored->type == ATTEST_JSON_ARRAY && i < stored->items->len; i++)
    {
      const AttestJson *s = g_ptr_array_index (stored->items, i);
      const char *id = text_at (s, "id"), *status = text_at (s, "status");
      const Row *row = id != NULL ? find_row (report, id) : NULL;

      if (row != NULL && g_strcmp0 (status, attest_row_status_name (row->status)) != 0)
        g_ptr_array_add (report->differing, cell (g_strdup_printf ("%s (bundle %s, recomputed %s)", row->id,
                                                                   or_unknown (status),
                                                                   attest_row_status_name (row->status))));
    }
}

/* -- limits -- */

static char *
limit_wanted (const char *name, const AttestJson *wanted)
{
  const char *text = scalar_text (wanted);
  guint64 bytes = 0;

  if (text == NULL)
    return g_strdup ("?");
  if ((strcmp (name, "memory") == 0 || strcmp (name, "swap") == 0)
      && attest_json_get_u64 (wanted, "wanted", G_MAXUINT64, &bytes, NULL) && bytes > 0)
    {
      g_autofree char *human = g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
      return g_strdup_printf ("%s (%s)", text, human);
    }
  return g_strdup (text);
}

static char *
limit_observed (const AttestJson *observed)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; observed != NULL && observed->type == ATTEST_JSON_OBJECT && i < observed->items->len; i++)
    g_string_append_printf (s, "%s%s=%s", i > 0 ? " " : "", (const char *) g_ptr_array_index (observed->keys, i),
                            or_unknown (scalar_text (g_ptr_array_index (observed->items, i))));
  return g_string_free (s, FALSE);
}

static void
add_limit (AttestReport *report, const AttestJson *entry, const char *key)
{
  const char *name = text_at (entry, "limit") != NULL ? text_at (entry, "limit") : key;
  const char *equivalent = text_at (entry, "equivalent");
  g_autofree char *upper = g_ascii_strup (or_unknown (name), -1);
  g_autofree char *row_id = g_strconcat ("LIMIT-", upper, NULL);
  g_autofree char *wanted = limit_wanted (or_unknown (name), attest_json_at (entry, "wanted"));
  g_autofree char *observed = limit_observed (attest_json_at (entry, "observed"));
  Limit *l = g_new0 (Limit, 1);

  l->name = cell (or_unknown (name));
  l->wanted = cell (wanted);
  l->enforcer = cell (or_unknown (text_at (entry, "enforcer")));
  l->detail = cell (text_at (entry, "detail") != NULL ? text_at (entry, "detail") : "");
  l->observed = cell (observed);
  l->equivalent = g_strcmp0 (equivalent, "true") == 0 ? "yes" : g_strcmp0 (equivalent, "false") == 0 ? "no" : "?";
  l->row = find_row (report, row_id);
  g_ptr_array_add (report->limits, l);
}

static void
build_limits (AttestReport *report, const AttestJson *bundle)
{
  const AttestJson *limits = attest_json_at (bundle, "limits");

  /* The schema allows the name-keyed object form as well as the array. */
  for (guint i = 0; limits != NULL && limits->type != ATTEST_JSON_NULL && limits->items != NULL
                    && i < limits->items->len; i++)
    {
      const AttestJson *entry = g_ptr_array_index (limits->items, i);
      if (entry->type == ATTEST_JSON_OBJECT)
        add_limit (report, entry,
                   limits->type == ATTEST_JSON_OBJECT ? g_ptr_array_index (limits->keys, i) : NULL);
    }
}

/* -- the flag table -- */

static const FlagSpec flag_specs[] = {
  { "--network none", "a network namespace of its own (only lo)", { "--unshare-all" }, "--share-net", NULL, NULL,
    { NULL }, { "PR-NET-1", "PR-NET-2", "NAMESPACES" } },
  { "--user 65532:65532", "a user namespace, uid and gid 65532; as root host uid 65532",
    { "--unshare-user", "--uid 65532", "--gid 65532" }, NULL, NULL, NULL, { NULL }, { "PR-ID-1" } },
  { "--read-only", "a minimal root built by bwrap, remounted read-only last", { "--remount-ro /" }, NULL, NULL, NULL,
    { NULL }, { "PR-FS-ESC-1", "PR-MOUNT-1" } },
  { "--tmpfs /tmp:rw,noexec,nosuid,nodev,size=16m",
    "a 16 MiB noexec,nosuid,nodev tmpfs mounted in the staging namespace, bound at /tmp (flags locked)",
    { "--bind * /tmp" }, NULL, "sandbox.tmp.mount_flags", "mounted", { NULL },
    { "NOT-WEAKENED", "PR-MOUNT-1", "PR-EXEC-2" } },
  { "--cap-drop ALL", "--cap-drop ALL (bwrap as root keeps every capability without it)", { "--cap-drop ALL" },
    "--cap-add", NULL, NULL, { NULL }, { "PR-CAP-1" } },
  { "--security-opt no-new-privileges", "bwrap sets no_new_privs always", { NULL }, NULL, NULL, NULL, { NULL },
    { "PR-NNP-1" } },
  { "--security-opt seccomp=POLICY.json", "the same file compiled here (same sha256), a sealed memfd",
    { "--seccomp *" }, "--add-seccomp-fd", "seccomp_sha256", "policy sha256", { NULL },
    { "SECCOMP-POLICY", "PR-SECCOMP-1", "PR-SECCOMP-2", "PR-SOCK-1" } },
  { "--pids-limit 64", "cgroup pids.max, else RLIMIT_NPROC in the staging namespace", { NULL }, NULL, NULL, NULL,
    { "pids" }, { "LIMIT-PIDS", "PR-RES-PIDS" } },
  { "--memory 256m --memory-swap 256m", "cgroup memory and memory+swap limits, else RLIMIT_AS (weaker)", { NULL },
    NULL, NULL, NULL, { "memory", "swap" }, { "LIMIT-MEMORY", "LIMIT-SWAP", "PR-RES-MEM" } },
  { "--cpus 1", "cgroup CPU quota 100000/100000, else nothing", { NULL }, NULL, NULL, NULL, { "cpu" },
    { "LIMIT-CPU", "PR-RES-CPU" } },
  { "--env-file /dev/null", "an empty environment for bwrap, --clearenv, then PATH, HOME=/, HOSTNAME",
    { "--clearenv" }, NULL, NULL, NULL, { NULL }, { "PR-ENV-1", "PR-ENV-2" } },
  { "-v IN:/in:ro -v OUT:/out:rw", "--ro-bind IN /in, --bind OUT /out", { "--ro-bind * /in", "--bind * /out" },
    "--bind * /in", NULL, NULL, { NULL }, { "PR-FS-RO-IN", "PR-FS-OUT-OK" } },
  { "pid, ipc, uts, cgroup namespaces", "--unshare-all, --hostname, --die-with-parent, --new-session",
    { "--unshare-all", "--hostname *", "--die-with-parent", "--new-session" }, NULL, NULL, NULL, { NULL },
    { "NAMESPACES", "PR-NS-1", "PR-PID-1" } },
  { "the image", "a root with only /probe (the static probe), /in, /out, /tmp, /proc and a few /dev nodes",
    { "--ro-bind * /probe" }, NULL, "image_digest", "image", { NULL }, { "IMAGE-DIGEST", "PR-DYNIMPORT" } },
};

/* The options bwrap was given: everything before "--" (after it come the
 * probe's own arguments, which must not count as sandbox flags). */
static GStrv
bwrap_options (const AttestJson *bundle)
{
  const AttestJson *argv = attest_json_at (bundle, "sandbox.bwrap_argv");
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

  for (guint i = 0; argv != NULL && argv->type == ATTEST_JSON_ARRAY && i < argv->items->len; i++)
    {
      const char *word = scalar_text (g_ptr_array_index (argv->items, i));

      if (g_strcmp0 (word, "--") == 0)
        break;
      g_strv_builder_add (b, or_unknown (word));
    }
  return g_strv_builder_end (b);
}

/* Appends the words that match @pattern to @found. */
static gboolean
argv_match (GStrv argv, const char *pattern, GString *found)
{
  g_auto(GStrv) words = g_strsplit (pattern, " ", -1);
  guint n = g_strv_length (words);

  for (guint i = 0; argv[i] != NULL; i++)
    {
      guint k = 0;

      while (k < n && argv[i + k] != NULL && (strcmp (words[k], "*") == 0 || strcmp (words[k], argv[i + k]) == 0))
        k++;
      if (k < n)
        continue;
      for (k = 0; k < n; k++)
        {
          g_string_append (found, found->len > 0 && k == 0 ? "; " : k > 0 ? " " : "");
          append_shell_word (found, argv[i + k]);
        }
      return TRUE;
    }
  return FALSE;
}

static const Limit *
find_limit (const AttestReport *report, const char *name)
{
  for (guint i = 0; i < report->limits->len; i++)
    {
      const Limit *l = g_ptr_array_index (report->limits, i);
      if (strcmp (l->name, name) == 0)
        return l;
    }
  return NULL;
}

static void
flag_shown (const AttestReport *report, const FlagSpec *spec, GStrv argv, const AttestJson *bundle, Flag *flag)
{
  g_autoptr(GString) shown = g_string_new (NULL);

  for (guint i = 0; spec->argv[i] != NULL; i++)
    if (!argv_match (argv, spec->argv[i], shown))
      {
        g_string_append_printf (shown, "%smissing: %s", shown->len > 0 ? "; " : "", spec->argv[i]);
        flag->ok = FALSE;
      }
  if (spec->forbidden != NULL)
    {
      g_autoptr(GString) undone = g_string_new (NULL);
      if (argv_match (argv, spec->forbidden, undone))
        {
          g_string_append_printf (shown, "%salso: %s", shown->len > 0 ? "; " : "", undone->str);
          flag->ok = FALSE;
        }
    }
  if (spec->member != NULL)
    g_string_append_printf (shown, "%s%s %s", shown->len > 0 ? "; " : "", spec->member_label,
                            or_unknown (text_at (bundle, spec->member)));
  for (guint i = 0; spec->limits[i] != NULL; i++)
    {
      const Limit *l = find_limit (report, spec->limits[i]);

      g_string_append_printf (shown, "%s%s: %s%s", shown->len > 0 ? "; " : "", spec->limits[i],
                              l != NULL ? l->enforcer : "not recorded",
                              l != NULL && strcmp (l->equivalent, "yes") != 0 ? " (not equivalent)" : "");
      flag->ok = flag->ok && l != NULL && strcmp (l->equivalent, "yes") == 0;
    }
  if (shown->len == 0)
    g_string_append (shown, "(nothing to pass: bwrap always does it)");
  flag->shown = cell (shown->str);
}

/* A flag is shown to hold when the argv has it and every row that proves
 * it passed; rows a custom matrix leaves out are named, not counted. */
static void
flag_evidence (const AttestReport *report, const FlagSpec *spec, Flag *flag)
{
  g_autoptr(GString) evidence = g_string_new (NULL);

  for (guint i = 0; spec->evidence[i] != NULL; i++)
    {
      const Row *row = find_row (report, spec->evidence[i]);

      g_string_append_printf (evidence, "%s%s %s", i > 0 ? ", " : "", spec->evidence[i],
                              row != NULL ? attest_row_status_name (row->status) : "(not judged)");
      if (row != NULL && row->status != ATTEST_ROW_PASS && row->status != ATTEST_ROW_INFO)
        flag->ok = FALSE;
    }
  flag->evidence = g_strdup (evidence->str);
}

static void
build_flags (AttestReport *report, const AttestJson *bundle)
{
  g_auto(GStrv) argv = bwrap_options (bundle);

  for (gsize i = 0; i < G_N_ELEMENTS (flag_specs); i++)
    {
      Flag *flag = g_new0 (Flag, 1);

      flag->spec = &flag_specs[i];
      flag->ok = argv[0] != NULL;
      flag_shown (report, flag->spec, argv, bundle, flag);
      flag_evidence (report, flag->spec, flag);
      g_ptr_array_add (report->flags, flag);
    }
}

/* -- raw evidence -- */

static void
add_raw (AttestReport *report, const char *title, const char *text)
{
  Raw *r = g_new0 (Raw, 1);

  r->title = title;
  r->text = clean_text (text != NULL ? text : "(not in the bundle)", RAW_MAX_CHARS, TRUE);
  g_ptr_array_add (report->raw, r);
}

static char *
argv_text (const AttestJson *argv)
{
  GString *s = g_string_new (NULL);
  gboolean in_command = FALSE;

  /* One bwrap option per line, as a shell script would be written; the
   * command after "--" stays on one. */
  for (guint i = 0; argv != NULL && argv->type == ATTEST_JSON_ARRAY && i < argv->items->len; i++)
    {
      const char *word = or_unknown (scalar_text (g_ptr_array_index (argv->items, i)));

      if (i > 0)
        g_string_append (s, !in_command && g_str_has_prefix (word, "--") ? " \\\n  " : " ");
      in_command = in_command || strcmp (word, "--") == 0;
      append_shell_word (s, word);
    }
  return g_string_free (s, FALSE);
}

static void
build_raw (AttestReport *report, const AttestJson *bundle)
{
  const char *inside_text = text_at (bundle, "inside.text");
  g_autoptr(GError) local = NULL;
  g_autoptr(AttestJson) inside = NULL;
  g_autofree char *problem = NULL;
  g_autofree char *env = NULL;
  g_autofree char *argv = argv_text (attest_json_at (bundle, "sandbox.bwrap_argv"));

  if (inside_text != NULL)
    inside = attest_json_parse (inside_text, strlen (inside_text), "inside.text", &local);
  if (inside == NULL)
    problem = g_strdup_printf ("(the probe output cannot be read: %s)",
                               local != NULL ? local->message : "inside.text is not in the bundle");
  env = inside != NULL && attest_json_at (inside, "raw.env_keyset") != NULL
          ? list_fact (attest_json_at (inside, "raw.env_keyset"), "\n") : NULL;
  add_raw (report, "mountinfo inside the sandbox", inside != NULL ? text_at (inside, "raw.mountinfo") : problem);
  add_raw (report, "environment keys inside the sandbox", inside != NULL ? env : problem);
  add_raw (report, "/proc/net/dev inside the sandbox", inside != NULL ? text_at (inside, "raw.proc_net_dev") : problem);
  add_raw (report, "bwrap argv", argv[0] != '\0' ? argv : NULL);
  add_raw (report, "bwrap json-status stream", text_at (bundle, "bwrap_status.stream"));
}

AttestReport *
attest_report_new (const AttestJson *doc, const char *source, const AttestMatrix *matrix,
                   const AttestVerifyOptions *options, GError **error)
{
  const AttestJson *bundle = NULL;
  g_autoptr(AttestJudgement) j = attest_intoto_judge (doc, matrix, options, &bundle, error);
  g_autoptr(AttestReport) report = NULL;

  if (j == NULL)
    return NULL;
  report = g_new0 (AttestReport, 1);
  report->source = cell (source);
  report->accepted = j->accepted;
  report->n_fail = j->n_fail;
  report->n_warn = j->n_warn;
  report->differing = g_ptr_array_new_with_free_func (g_free);
  report->facts = g_ptr_array_new_with_free_func ((GDestroyNotify) fact_free);
  report->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  report->limits = g_ptr_array_new_with_free_func ((GDestroyNotify) limit_free);
  report->flags = g_ptr_array_new_with_free_func ((GDestroyNotify) flag_free);
  report->raw = g_ptr_array_new_with_free_func ((GDestroyNotify) raw_free);
  build_rows (report, j, matrix);
  compare_stored (report, bundle);
  build_facts (report, bundle, matrix);
  if (bundle != doc)
    add_fact (report, "in-toto", g_strdup ("a Statement of the bundle: its subjects are judged (INTOTO-SUBJECTS), "
                                           "its signature is not (verify --allowed-signers checks it)"));
  build_limits (report, bundle);
  build_flags (report, bundle);
  build_raw (report, bundle);
  return g_steal_pointer (&report);
}

/* ---- shared wording ---- */

static gboolean
row_failed (const Row *row)
{
  return row->status == ATTEST_ROW_FAIL || row->status == ATTEST_ROW_WARN;
}

static const char *
verdict_name (const AttestReport *report)
{
  return report->accepted ? "ACCEPTED" : "BLOCKED";
}

static gboolean
verdict_differs (const AttestReport *report)
{
  return g_strcmp0 (report->stored_verdict, verdict_name (report)) != 0;
}

static char *
counts_line (const AttestReport *report)
{
  return g_strdup_printf ("%u failed, %u warned, %u rows", report->n_fail, report->n_warn, report->rows->len);
}

static char *
mismatch_line (const AttestReport *report)
{
  return g_strdup_printf ("the bundle's own verdict says %s, but its evidence gives %s",
                          report->stored_verdict != NULL ? report->stored_verdict : "nothing",
                          verdict_name (report));
}

static char *
differing_list (const AttestReport *report)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < report->differing->len; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? "; " : "", (const char *) g_ptr_array_index (report->differing, i));
  return g_string_free (s, FALSE);
}

/* ---- text: verdict first, one aligned line per row ---- */

static const char *
status_colour (AttestRowStatus status)
{
  switch (status)
    {
    case ATTEST_ROW_PASS: return "\033[32m";
    case ATTEST_ROW_FAIL: return "\033[1;31m";
    case ATTEST_ROW_WARN: return "\033[33m";
    default: return "\033[2m";
    }
}

static void
append_coloured (GString *out, gboolean colour, const char *sgr, const char *text)
{
  if (colour)
    g_string_append_printf (out, "%s%s\033[0m", sgr, text);
  else
    g_string_append (out, text);
}

/* Pads by characters, not bytes: observed values carry "×". */
static void
append_padded (GString *out, const char *text, gsize width)
{
  gsize n = g_utf8_strlen (text, -1);

  g_string_append (out, text);
  for (; n < width; n++)
    g_string_append_c (out, ' ');
}

static char *
clip (const char *s, gsize max_chars)
{
  if (s == NULL)
    return g_strdup ("");
  if (g_utf8_strlen (s, -1) <= (glong) max_chars)
    return g_strdup (s);
  {
    g_autofree char *head = g_utf8_substring (s, 0, max_chars - 1);
    return g_strconcat (head, "…", NULL);
  }
}

static void
text_row (GString *out, gboolean colour, const Row *row, gsize id_width)
{
  g_autofree char *id = clip (row->id, TEXT_ID_CHARS);
  g_autofree char *observed = clip (row->observed, TEXT_OBSERVED_CHARS);
  g_autofree char *message = clip (row->message, TEXT_MESSAGE_CHARS);
  char status[8];

  g_snprintf (status, sizeof status, "%-6s", attest_row_status_name (row->status));
  g_string_append (out, "  ");
  append_padded (out, id, id_width + 1);
  g_string_append_printf (out, "%-6s ", attest_row_level_name (row->level));
  append_coloured (out, colour, status_colour (row->status), status);
  g_string_append_c (out, ' ');
  if (*message != '\0')
    append_padded (out, observed, TEXT_OBSERVED_CHARS + 1);
  else
    g_string_append (out, observed);
  g_string_append_printf (out, "%s\n", message);
}

static void
text_render (const AttestReport *report, GString *out, gboolean colour)
{
  g_autofree char *counts = counts_line (report);
  gsize id_width = 2, label_width = 0;

  g_string_append (out, "verdict: ");
  append_coloured (out, colour, report->accepted ? "\033[1;32m" : "\033[1;31m", verdict_name (report));
  g_string_append_printf (out, " (recomputed from the evidence: %s)\n", counts);
  if (verdict_differs (report))
    {
      g_autofree char *line = mismatch_line (report);
      g_autofree char *upper = g_strconcat ("WARNING: ", line, NULL);
      append_coloured (out, colour, "\033[1;33m", upper);
      g_string_append_c (out, '\n');
    }
  if (report->differing->len > 0)
    {
      g_autofree char *list = differing_list (report);
      g_string_append_printf (out, "rows the bundle judged otherwise: %s\n", list);
    }
  for (guint i = 0; i < report->facts->len; i++)
    label_width = MAX (label_width, strlen (((Fact *) g_ptr_array_index (report->facts, i))->label));
  for (guint i = 0; i < report->facts->len; i++)
    {
      const Fact *f = g_ptr_array_index (report->facts, i);
      g_string_append_printf (out, "%-*s  %s\n", (int) label_width + 1, f->label, f->value);
    }

  for (guint i = 0; i < report->rows->len; i++)
    id_width = MAX (id_width, (gsize) g_utf8_strlen (((Row *) g_ptr_array_index (report->rows, i))->id, -1));
  id_width = MIN (id_width, TEXT_ID_CHARS);
  g_string_append_c (out, '\n');
  g_string_append (out, "  ");
  append_padded (out, "ID", id_width + 1);
  g_string_append_printf (out, "%-6s %-6s ", "LEVEL", "STATUS");
  append_padded (out, "OBSERVED", TEXT_OBSERVED_CHARS + 1);
  g_string_append (out, "MESSAGE\n");
  for (guint i = 0; i < report->rows->len; i++)
    text_row (out, colour, g_ptr_array_index (report->rows, i), id_width);

  /* The table scrolls away: what blocked, and why it matters, last. */
  if (report->n_fail + report->n_warn > 0)
    g_string_append (out, "\nfailed and warned rows, and why they matter:\n");
  for (guint i = 0; i < report->rows->len; i++)
    {
      const Row *row = g_ptr_array_index (report->rows, i);

      if (!row_failed (row))
        continue;
      g_string_append (out, "  ");
      append_coloured (out, colour, status_colour (row->status), attest_row_status_name (row->status));
      g_string_append_printf (out, " %s: %s\n    %s%s%s%s\n", row->id, row->message != NULL ? row->message : "",
                              row->rationale, row->refs != NULL ? " (" : "", row->refs != NULL ? row->refs : "",
                              row->refs != NULL ? ")" : "");
    }

  if (report->limits->len > 0)
    g_string_append (out, "\nlimits:\n");
  for (guint i = 0; i < report->limits->len; i++)
    {
      const Limit *l = g_ptr_array_index (report->limits, i);
      g_string_append_printf (out, "  %-7s wanted %s, enforcer %s, equivalent %s%s%s\n", l->name, l->wanted,
                              l->enforcer, l->equivalent, *l->observed != '\0' ? ", observed " : "", l->observed);
    }
}

/* ---- Markdown: a GitHub job summary ---- */

/* Untrusted text as a code span: nothing in it is markup (no links, no
 * HTML), only "|" must be escaped so that it cannot end the table cell. */
static void
md_code (GString *out, const char *s)
{
  guint run = 0, longest = 0;
  gsize len;
  const char *pad;
  g_autofree char *fence = NULL;

  if (s == NULL || *s == '\0')
    return;
  for (const char *p = s; *p != '\0'; p++)
    {
      run = *p == '`' ? run + 1 : 0;
      longest = MAX (longest, run);
    }
  fence = g_strnfill (longest + 1, '`');
  len = strlen (s);
  /* A span that starts or ends with a backtick, or with a space on both
   * sides, needs a space of padding that the parser strips again. */
  pad = s[0] == '`' || s[len - 1] == '`' || (s[0] == ' ' && s[len - 1] == ' ') ? " " : "";
  g_string_append_printf (out, "%s%s", fence, pad);
  for (const char *p = s; *p != '\0'; p++)
    {
      if (*p == '|')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_printf (out, "%s%s", pad, fence);
}

/* Plain text from the matrix (the operator's own file): markdown
 * punctuation is escaped so it reads as written. */
static void
md_text (GString *out, const char *s)
{
  for (const char *p = s; p != NULL && *p != '\0'; p++)
    {
      if (strchr ("\\`*_[]<>|~#&!", *p) != NULL)
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
}

static const char *
status_emoji (AttestRowStatus status)
{
  switch (status)
    {
    case ATTEST_ROW_PASS: return "✅";
    case ATTEST_ROW_FAIL: return "❌";
    case ATTEST_ROW_WARN: return "⚠️";
    default: return "ℹ️";
    }
}

/* A fence longer than any run of backticks inside cannot be closed early. */
static void
md_fenced (GString *out, const char *text)
{
  guint run = 0, longest = 2;
  g_autofree char *fence = NULL;

  for (const char *p = text; *p != '\0'; p++)
    {
      run = *p == '`' ? run + 1 : 0;
      longest = MAX (longest, run);
    }
  fence = g_strnfill (longest + 1, '`');
  g_string_append_printf (out, "%s\n%s%s%s\n\n", fence, text,
                          *text != '\0' && text[strlen (text) - 1] != '\n' ? "\n" : "", fence);
}

/* A job summary is read top down: what blocked comes before the table. */
static void
md_failed (GString *out, const AttestReport *report)
{
  if (report->n_fail + report->n_warn == 0)
    return;
  g_string_append (out, "#### Failed and warned\n\n");
  for (guint i = 0; i < report->rows->len; i++)
    {
      const Row *row = g_ptr_array_index (report->rows, i);

      if (!row_failed (row))
        continue;
      g_string_append_printf (out, "- %s **%s** ", status_emoji (row->status), attest_row_status_name (row->status));
      md_code (out, row->id);
      g_string_append (out, ": ");
      md_code (out, row->message);
      g_string_append (out, " — ");
      md_text (out, row->rationale);
      g_string_append_c (out, '\n');
    }
  g_string_append_c (out, '\n');
}

static void
md_rows (GString *out, const AttestReport *report)
{
  g_string_append (out, "| id | level | status | observed | message | why (matrix) |\n"
                        "|---|---|---|---|---|---|\n");
  for (guint i = 0; i < report->rows->len; i++)
    {
      const Row *row = g_ptr_array_index (report->rows, i);

      g_string_append (out, "| ");
      md_code (out, row->id);
      g_string_append_printf (out, " | %s | %s %s | ", attest_row_level_name (row->level), status_emoji (row->status),
                              attest_row_status_name (row->status));
      md_code (out, row->observed);
      g_string_append (out, " | ");
      md_code (out, row->message);
      g_string_append (out, " | ");
      md_text (out, row->rationale);
      if (row->refs != NULL)
        {
          g_string_append (out, " _(");
          md_text (out, row->refs);
          g_string_append (out, ")_");
        }
      g_string_append (out, " |\n");
    }
}

static void
md_limits (GString *out, const AttestReport *report)
{
  if (report->limits->len == 0)
    {
      g_string_append (out, "The bundle records no limits.\n\n");
      return;
    }
  g_string_append (out, "| limit | wanted | enforcer | equivalent | detail | observed | row |\n"
                        "|---|---|---|---|---|---|---|\n");
  for (guint i = 0; i < report->limits->len; i++)
    {
      const Limit *l = g_ptr_array_index (report->limits, i);
      const char *cells[] = { l->name, l->wanted, l->enforcer };

      g_string_append (out, "|");
      for (gsize k = 0; k < G_N_ELEMENTS (cells); k++)
        {
          g_string_append_c (out, ' ');
          md_code (out, cells[k]);
          g_string_append (out, " |");
        }
      g_string_append_printf (out, " %s | ", l->equivalent);
      md_code (out, l->detail);
      g_string_append (out, " | ");
      md_code (out, l->observed);
      if (l->row != NULL)
        g_string_append_printf (out, " | %s %s |\n", status_emoji (l->row->status),
                                attest_row_status_name (l->row->status));
      else
        g_string_append (out, " | |\n");
    }
  g_string_append_c (out, '\n');
}

static void
md_flags (GString *out, const AttestReport *report)
{
  g_string_append (out, "| | docker | here | the bundle's bwrap argv shows | evidence |\n"
                        "|---|---|---|---|---|\n");
  for (guint i = 0; i < report->flags->len; i++)
    {
      const Flag *f = g_ptr_array_index (report->flags, i);

      g_string_append_printf (out, "| %s | ", f->ok ? "✅" : "❌");
      md_code (out, f->spec->docker);
      g_string_append (out, " | ");
      md_text (out, f->spec->here);
      g_string_append (out, " | ");
      md_code (out, f->shown);
      g_string_append (out, " | ");
      md_text (out, f->evidence);
      g_string_append (out, " |\n");
    }
  g_string_append_c (out, '\n');
}

static void
md_render (const AttestReport *report, GString *out)
{
  g_autofree char *counts = counts_line (report);

  g_string_append_printf (out, "### %s sandbox-attest: %s\n\n", report->accepted ? "✅" : "❌", verdict_name (report));
  g_string_append_printf (out, "**%s** (%s), recomputed from the evidence against the acceptance matrix; "
                               "the bundle's own verdict fields are not trusted.\n\n",
                          verdict_name (report), counts);
  if (verdict_differs (report))
    {
      g_autofree char *line = mismatch_line (report);
      g_string_append (out, "> ⚠️ **Verdict mismatch:** ");
      md_text (out, line);
      g_string_append (out, ".\n\n");
    }
  if (report->differing->len > 0)
    {
      g_autofree char *list = differing_list (report);
      g_string_append (out, "Rows the bundle judged otherwise: ");
      md_code (out, list);
      g_string_append (out, "\n\n");
    }
  for (guint i = 0; i < report->facts->len; i++)
    {
      const Fact *f = g_ptr_array_index (report->facts, i);
      g_string_append_printf (out, "- **%s:** ", f->label);
      md_code (out, f->value);
      g_string_append_c (out, '\n');
    }
  g_string_append_c (out, '\n');
  md_failed (out, report);
  g_string_append (out, "#### Probes and checks\n\n");
  md_rows (out, report);
  g_string_append (out, "\n#### Limits and enforcement\n\n");
  md_limits (out, report);
  g_string_append (out, "#### How each flag of the reference command is enforced\n\n");
  md_flags (out, report);
  g_string_append (out, "<details><summary>Raw evidence</summary>\n\n");
  for (guint i = 0; i < report->raw->len; i++)
    {
      const Raw *r = g_ptr_array_index (report->raw, i);
      g_string_append_printf (out, "**%s**\n\n", r->title);
      md_fenced (out, r->text);
    }
  g_string_append (out, "</details>\n");
}

/* ---- HTML: one self-contained page ---- */

static void
html (GString *out, const char *s)
{
  for (const char *p = s; p != NULL && *p != '\0'; p++)
    switch (*p)
      {
      case '&': g_string_append (out, "&amp;"); break;
      case '<': g_string_append (out, "&lt;"); break;
      case '>': g_string_append (out, "&gt;"); break;
      case '"': g_string_append (out, "&quot;"); break;
      case '\'': g_string_append (out, "&#39;"); break;
      default: g_string_append_c (out, *p);
      }
}

static const char *
status_class (AttestRowStatus status)
{
  switch (status)
    {
    case ATTEST_ROW_PASS: return "pass";
    case ATTEST_ROW_FAIL: return "fail";
    case ATTEST_ROW_WARN: return "warn";
    default: return "info";
    }
}

/* Inline only: the page must open from an artifact download with no
 * network, and the CSP forbids scripts and every fetch should escaping
 * ever miss something. */
static const char html_head[] =
  "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
  "<style>\n"
  "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:#1f2328;"
  "background:#f6f8fa;margin:0;padding:24px}\n"
  "main{max-width:1220px;margin:0 auto}\n"
  "header{border-radius:8px;padding:18px 24px;color:#fff;margin-bottom:16px}\n"
  "header.accepted{background:#1a7f37}header.blocked{background:#cf222e}\n"
  "header h1{margin:0;font-size:30px;letter-spacing:.5px}header p{margin:4px 0 0;opacity:.95}\n"
  ".mismatch{border:3px solid #bf8700;background:#fff8c5;border-radius:8px;padding:12px 18px;margin-bottom:16px;"
  "font-weight:600}\n"
  "section{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:8px 20px 16px;margin-bottom:16px}\n"
  "h2{font-size:18px;border-bottom:1px solid #d8dee4;padding-bottom:6px}\n"
  "dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}dt{font-weight:600}dd{margin:0}\n"
  "table{border-collapse:collapse;width:100%;font-size:13px}\n"
  "th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}\n"
  "th{background:#f6f8fa}tbody tr:nth-child(even){background:#fafbfc}\n"
  "tr.fail td{background:#ffebe9}tr.warn td{background:#fff8c5}\n"
  "code,pre,.mono{font-family:ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:12px}\n"
  "td.mono{overflow-wrap:anywhere}td.id{white-space:nowrap}\n"
  ".st{display:inline-block;min-width:44px;text-align:center;border-radius:10px;padding:0 6px;font-weight:700;"
  "font-size:12px;color:#fff}\n"
  ".st.pass{background:#1a7f37}.st.fail{background:#cf222e}.st.warn{background:#9a6700}.st.info{background:#6e7781}\n"
  ".why{color:#57606a}.refs{color:#8250df}\n"
  "details{margin:6px 0}summary{cursor:pointer;font-weight:600}\n"
  "pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:8px;overflow:auto;"
  "white-space:pre-wrap;overflow-wrap:anywhere}\n"
  "footer{color:#57606a;font-size:12px;text-align:center}\n"
  "</style>\n";

static void
html_status (GString *out, AttestRowStatus status)
{
  g_string_append_printf (out, "<span class=\"st %s\">%s</span>", status_class (status),
                          attest_row_status_name (status));
}

static void
html_cell (GString *out, const char *klass, const char *text)
{
  g_string_append_printf (out, "<td%s%s%s>", klass != NULL ? " class=\"" : "", klass != NULL ? klass : "",
                          klass != NULL ? "\"" : "");
  html (out, text);
  g_string_append (out, "</td>");
}

static void
html_failed (GString *out, const AttestReport *report)
{
  if (report->n_fail + report->n_warn == 0)
    return;
  g_string_append (out, "<section><h2>Failed and warned</h2><ul>\n");
  for (guint i = 0; i < report->rows->len; i++)
    {
      const Row *row = g_ptr_array_index (report->rows, i);

      if (!row_failed (row))
        continue;
      g_string_append (out, "<li>");
      html_status (out, row->status);
      g_string_append (out, " <code>");
      html (out, row->id);
      g_string_append (out, "</code>: ");
      html (out, row->message);
      g_string_append (out, " <span class=\"why\">— ");
      html (out, row->rationale);
      g_string_append (out, "</span></li>\n");
    }
  g_string_append (out, "</ul></section>\n");
}

static void
html_rows (GString *out, const AttestReport *report)
{
  g_string_append (out, "<section><h2>Probes and checks</h2>\n<table><thead><tr><th>id</th><th>level</th>"
                        "<th>status</th><th>observed</th><th>message</th><th>why (matrix)</th></tr></thead><tbody>\n");
  for (guint i = 0; i < report->rows->len; i++)
    {
      const Row *row = g_ptr_array_index (report->rows, i);

      g_string_append_printf (out, "<tr class=\"%s\">", status_class (row->status));
      html_cell (out, "mono id", row->id);
      html_cell (out, NULL, attest_row_level_name (row->level));
      g_string_append (out, "<td>");
      html_status (out, row->status);
      g_string_append (out, "</td>");
      html_cell (out, "mono", row->observed);
      html_cell (out, NULL, row->message);
      g_string_append (out, "<td><span class=\"why\">");
      html (out, row->rationale);
      g_string_append (out, "</span>");
      if (row->refs != NULL)
        {
          g_string_append (out, " <span class=\"refs\">");
          html (out, row->refs);
          g_string_append (out, "</span>");
        }
      g_string_append (out, "</td></tr>\n");
    }
  g_string_append (out, "</tbody></table></section>\n");
}

static void
html_limits (GString *out, const AttestReport *report)
{
  g_string_append (out, "<section><h2>Limits and enforcement</h2>\n");
  if (report->limits->len == 0)
    g_string_append (out, "<p>The bundle records no limits.</p>");
  else
    g_string_append (out, "<table><thead><tr><th>limit</th><th>wanted</th><th>enforcer</th><th>equivalent</th>"
                          "<th>detail</th><th>observed</th><th>row</th></tr></thead><tbody>\n");
  for (guint i = 0; i < report->limits->len; i++)
    {
      const Limit *l = g_ptr_array_index (report->limits, i);

      g_string_append_printf (out, "<tr class=\"%s\">", l->row != NULL ? status_class (l->row->status) : "");
      html_cell (out, "mono", l->name);
      html_cell (out, "mono", l->wanted);
      html_cell (out, "mono", l->enforcer);
      html_cell (out, NULL, l->equivalent);
      html_cell (out, "mono", l->detail);
      html_cell (out, "mono", l->observed);
      g_string_append (out, "<td>");
      if (l->row != NULL)
        html_status (out, l->row->status);
      g_string_append (out, "</td></tr>\n");
    }
  if (report->limits->len > 0)
    g_string_append (out, "</tbody></table>");
  g_string_append (out, "</section>\n");
}

static void
html_flags (GString *out, const AttestReport *report)
{
  g_string_append (out, "<section><h2>How each flag of the reference command is enforced</h2>\n"
                        "<table><thead><tr><th></th><th>docker</th><th>here</th><th>the bundle's bwrap argv shows</th>"
                        "<th>evidence</th></tr></thead><tbody>\n");
  for (guint i = 0; i < report->flags->len; i++)
    {
      const Flag *f = g_ptr_array_index (report->flags, i);

      g_string_append_printf (out, "<tr class=\"%s\"><td><span class=\"st %s\">%s</span></td>", f->ok ? "" : "fail",
                              f->ok ? "pass" : "fail", f->ok ? "✓" : "✗");
      html_cell (out, "mono", f->spec->docker);
      html_cell (out, NULL, f->spec->here);
      html_cell (out, "mono", f->shown);
      html_cell (out, NULL, f->evidence);
      g_string_append (out, "</tr>\n");
    }
  g_string_append (out, "</tbody></table></section>\n");
}

static void
html_render (const AttestReport *report, GString *out)
{
  g_autofree char *counts = counts_line (report);

  g_string_append (out, html_head);
  g_string_append_printf (out, "<title>sandbox-attest report: %s</title>\n</head>\n<body><main>\n",
                          verdict_name (report));
  g_string_append_printf (out, "<header class=\"%s\"><h1>%s</h1><p>", report->accepted ? "accepted" : "blocked",
                          verdict_name (report));
  html (out, counts);
  g_string_append (out, ", recomputed from the evidence against the acceptance matrix; "
                        "the bundle's own verdict fields are not trusted.</p></header>\n");
  if (verdict_differs (report) || report->differing->len > 0)
    {
      g_autofree char *line = mismatch_line (report);
      g_string_append (out, "<div class=\"mismatch\">");
      if (verdict_differs (report))
        {
          g_string_append (out, "Verdict mismatch: ");
          html (out, line);
          g_string_append (out, ".");
        }
      if (report->differing->len > 0)
        {
          g_autofree char *list = differing_list (report);
          g_string_append (out, "<br>Rows the bundle judged otherwise: ");
          html (out, list);
        }
      g_string_append (out, "</div>\n");
    }
  g_string_append (out, "<section><h2>Summary</h2><dl>\n");
  for (guint i = 0; i < report->facts->len; i++)
    {
      const Fact *f = g_ptr_array_index (report->facts, i);
      g_string_append_printf (out, "<dt>%s</dt><dd class=\"mono\">", f->label);
      html (out, f->value);
      g_string_append (out, "</dd>\n");
    }
  g_string_append (out, "</dl></section>\n");
  html_failed (out, report);
  html_rows (out, report);
  html_limits (out, report);
  html_flags (out, report);
  g_string_append (out, "<section><h2>Raw evidence</h2>\n");
  for (guint i = 0; i < report->raw->len; i++)
    {
      const Raw *r = g_ptr_array_index (report->raw, i);
      g_string_append_printf (out, "<details><summary>%s</summary><pre>", r->title);
      html (out, r->text);
      g_string_append (out, "</pre></details>\n");
    }
  g_string_append (out, "</section>\n<footer>sandbox-attest report of ");
  html (out, report->source);
  g_string_append (out, "</footer>\n</main></body>\n</html>\n");
}

char *
attest_report_render (const AttestReport *report, AttestReportFormat format, gboolean colour)
{
  GString *out = g_string_new (NULL);

  switch (format)
    {
    case ATTEST_REPORT_TEXT:
      text_render (report, out, colour);
      break;
    case ATTEST_REPORT_MARKDOWN:
      md_render (report, out);
      break;
    case ATTEST_REPORT_HTML:
    default:
      html_render (report, out);
      break;
    }
  return g_string_free (out, FALSE);
}

/* ---- the subcommand ---- */

/* no-color.org: present and not empty turns colour off; so do a pipe and
 * a dumb terminal. */
static gboolean
colour_wanted (void)
{
  const char *no_colour = g_getenv ("NO_COLOR");

  return isatty (STDOUT_FILENO) && (no_colour == NULL || *no_colour == '\0')
         && g_strcmp0 (g_getenv ("TERM"), "dumb") != 0;
}

/* GitHub collects $GITHUB_STEP_SUMMARY after the step; other steps may
 * have written to it already, so append, after a blank line. */
static gboolean
append_summary (const char *path, const char *markdown, GError **error)
{
  attest_autofd fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_OUTPUT, "GITHUB_STEP_SUMMARY %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  if (!attest_write_all (fd, "\n", 1, error) || !attest_write_all (fd, markdown, strlen (markdown), error))
    {
      g_prefix_error (error, "GITHUB_STEP_SUMMARY %s: ", path);
      return FALSE;
    }
  return TRUE;
}

/* Bytes as they are: g_print() would re-encode for a non-UTF-8 locale. */
static gboolean
write_stdout (const char *text, GError **error)
{
  if (attest_write_all (STDOUT_FILENO, text, strlen (text), error))
    return TRUE;
  g_prefix_error (error, "stdout: ");
  return FALSE;
}

static AttestReport *
report_load (const char *path, const char *matrix_path, const AttestVerifyOptions *options, GError **error)
{
  g_autoptr(AttestMatrix) matrix = attest_matrix_load_file (matrix_path, error);
  g_autoptr(AttestJson) bundle = NULL;
  AttestReport *report;

  if (matrix == NULL)
    return NULL;
  bundle = attest_bundle_load_file (path, error);
  if (bundle == NULL)
    return NULL;
  report = attest_report_new (bundle, path, matrix, options, error);
  if (report == NULL)
    {
      /* As verify: a bundle of the wrong shape is malformed input. */
      g_prefix_error (error, "%s: ", path);
      (*error)->domain = ATTEST_ERROR;
      (*error)->code = ATTEST_ERROR_JSON;
    }
  return report;
}

int
attest_cli_report (int argc, char **argv, GError **error)
{
  g_autofree char *format_name = NULL, *output = NULL, *matrix_path = NULL;
  gboolean github = FALSE, allow_degraded = FALSE;
  const GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_name, "text (default), markdown or html", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write the report to FILE (atomically) instead of stdout", "FILE" },
    { "github", 0, 0, G_OPTION_ARG_NONE, &github, "Also append the Markdown report to $GITHUB_STEP_SUMMARY", NULL },
    { "matrix", 0, 0, G_OPTION_ARG_FILENAME, &matrix_path, "Acceptance matrix (default: the shipped matrix.json)", "FILE" },
    { "allow-degraded-limits", 0, 0, G_OPTION_ARG_NONE, &allow_degraded,
      "Accept limits a weaker fallback enforced, where the run accepted them too", NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("BUNDLE");
  g_autoptr(AttestReport) report = NULL;
  g_autofree char *document = NULL;
  AttestReportFormat format = ATTEST_REPORT_TEXT;
  AttestVerifyOptions options = { 0 };
  const char *summary = g_getenv ("GITHUB_STEP_SUMMARY");

  g_option_context_set_summary (context,
    "Shows an evidence bundle as a terminal table, Markdown (a GitHub job summary) or a self-contained\n"
    "HTML page.  The verdict is recomputed, as verify does.  Exit 0 ACCEPTED, 3 BLOCKED, 2 an\n"
    "unreadable or malformed bundle.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, error))
    {
      (*error)->domain = ATTEST_ERROR;
      (*error)->code = ATTEST_ERROR_USAGE;
      return 2;
    }
  if (argc != 2)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "report takes exactly one BUNDLE");
      return 2;
    }
  if (format_name != NULL && !attest_report_format_parse (format_name, &format, error))
    return 2;
  if (github && (summary == NULL || *summary == '\0'))
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "--github: GITHUB_STEP_SUMMARY is not set");
      return 2;
    }
  if (matrix_path == NULL)
    matrix_path = attest_paths_matrix ();
  options.allow_degraded_limits = allow_degraded;
  report = report_load (argv[1], matrix_path, &options, error);
  if (report == NULL)
    return attest_error_exit_status (*error);

  document = attest_report_render (report, format, format == ATTEST_REPORT_TEXT && output == NULL && colour_wanted ());
  if (output != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (document, strlen (document));
      if (!attest_write_file_atomic (output, bytes, TRUE, error))
        return attest_error_exit_status (*error);
    }
  else if (!write_stdout (document, error))
    return 2;
  if (github)
    {
      g_autofree char *markdown = attest_report_render (report, ATTEST_REPORT_MARKDOWN, FALSE);
      if (!append_summary (summary, markdown, error))
        return 2;
    }
  return attest_report_accepted (report) ? 0 : 3;
}
