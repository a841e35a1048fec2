#include "verify.h"

#include <string.h>

#include "assemble.h"
#include "bundle.h"
#include "error.h"
#include "fdutil.h"
#include "profile.h"

/* ---- small readers over the strict JSON model ---- */

static gboolean
bool_at (const AttestJson *node, const char *path, gboolean *out)
{
  const AttestJson *n = attest_json_at (node, path);

  if (n == NULL || n->type != ATTEST_JSON_BOOL)
    return FALSE;
  *out = n->boolean;
  return TRUE;
}

static gboolean
int_at (const AttestJson *node, const char *path, gint64 *out)
{
  const AttestJson *n = attest_json_at (node, path);
  gint64 v;
  char *end = NULL;

  if (n == NULL || n->type != ATTEST_JSON_NUMBER)
    return FALSE;
  v = g_ascii_strtoll (n->text, &end, 10);
  if (end == NULL || *end != '\0')
    return FALSE;
  *out = v;
  return TRUE;
}

static gboolean
is_hex64 (const char *s)
{
  if (s == NULL || strlen (s) != 64)
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

/* ---- the Docker venue ("venue_kind": "docker", src/assemble.c) ---- */

static gboolean
is_docker (const AttestJson *bundle)
{
  return g_strcmp0 (attest_json_string_at (bundle, "venue_kind"), ATTEST_VENUE_KIND_DOCKER) == 0;
}

static GStrv strings_of (const AttestJson *node);

static AttestDockerArgv *
docker_argv (const AttestJson *bundle)
{
  g_auto(GStrv) argv = strings_of (attest_json_at (bundle, "docker.argv"));
  return attest_docker_argv_parse ((const char *const *) argv);
}

/* One value, given exactly once and equal to @want; else a reason. */
static void
docker_want (const AttestDockerArgv *a, const char *option, const char *want, GString *why)
{
  guint n = 0;
  const char *v = attest_docker_argv_value (a, option, &n);

  if (n == 0)
    g_string_append_printf (why, "%smissing %s %s", why->len ? ", " : "", option, want);
  else if (n > 1)
    g_string_append_printf (why, "%s%s given %u times (Docker takes the last)", why->len ? ", " : "", option, n);
  else if (strcmp (v, want) != 0)
    g_string_append_printf (why, "%s%s %s, not %s", why->len ? ", " : "", option, v, want);
}

static const char *
engine_string (const AttestJson *bundle, const char *key)
{
  g_autofree char *path = g_strconcat ("docker.engine.", key, NULL);
  return attest_json_string_at (bundle, path);
}

static gboolean
engine_bool (const AttestJson *bundle, const char *key)
{
  g_autofree char *path = g_strconcat ("docker.engine.", key, NULL);
  gboolean v = FALSE;
  return bool_at (bundle, path, &v) && v;
}

/* ---- the matrix ---- */

const char *
attest_row_status_name (AttestRowStatus s)
{
  switch (s)
    {
    case ATTEST_ROW_PASS: return "PASS";
    case ATTEST_ROW_FAIL: return "FAIL";
    case ATTEST_ROW_WARN: return "WARN";
    case ATTEST_ROW_INFO: return "INFO";
    default: return "?";
    }
}

const char *
attest_row_level_name (AttestRowLevel l)
{
  switch (l)
    {
    case ATTEST_LEVEL_MUST: return "MUST";
    case ATTEST_LEVEL_SHOULD: return "SHOULD";
    case ATTEST_LEVEL_INFO: return "INFO";
    default: return "?";
    }
}

static gboolean
parse_level (const char *s, AttestRowLevel *out)
{
  for (AttestRowLevel l = ATTEST_LEVEL_MUST; l <= ATTEST_LEVEL_INFO; l++)
    if (g_strcmp0 (s, attest_row_level_name (l)) == 0)
      {
        *out = l;
        return TRUE;
      }
  return FALSE;
}

static void
matrix_row_free (AttestMatrixRow *row)
{
  g_free (row->id);
  g_free (row->kind);
  g_strfreev (row->accept);
  g_free (row->check);
  g_free (row->limit);
  g_free (row->rationale);
  g_strfreev (row->refs);
  g_free (row);
}

void
attest_matrix_free (AttestMatrix *m)
{
  if (m == NULL)
    return;
  g_free (m->source);
  g_free (m->sha256);
  g_clear_pointer (&m->rows, g_ptr_array_unref);
  g_free (m);
}

static gboolean
matrix_fail (GError **error, const char *source, const char *where, const char *what)
{
  g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_POLICY_INVALID, "%s: %s: %s", source, where, what);
  return FALSE;
}

static GStrv
strings_of (const AttestJson *node)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

  for (guint i = 0; node != NULL && node->type == ATTEST_JSON_ARRAY && i < node->items->len; i++)
    {
      const AttestJson *s = g_ptr_array_index (node->items, i);
      if (s->type == ATTEST_JSON_STRING)
        g_strv_builder_add (b, s->text);
    }
  return g_strv_builder_end (b);
}

static gboolean
string_array_ok (const AttestJson *node)
{
  if (node == NULL || node->type != ATTEST_JSON_ARRAY)
    return FALSE;
  for (guint i = 0; i < node->items->len; i++)
    if (((AttestJson *) g_ptr_array_index (node->items, i))->type != ATTEST_JSON_STRING)
      return FALSE;
  return TRUE;
}

static gboolean
matrix_row (const AttestJson *node, const char *source, const char *where, AttestMatrixRow **out,
            GError **error)
{
  static const char *const keys[] = { "id", "kind", "level", "accept", "check", "limit", "rationale", "refs", NULL };
  g_autoptr(GError) local = NULL;
  AttestMatrixRow *row;

  if (node->type != ATTEST_JSON_OBJECT)
    return matrix_fail (error, source, where, "expected an object");
  if (!attest_json_check_keys (node, where, keys, &local))
    return matrix_fail (error, source, where, local->message);
  row = g_new0 (AttestMatrixRow, 1);
  *out = row;
  row->id = g_strdup (attest_json_string_at (node, "id"));
  row->kind = g_strdup (attest_json_string_at (node, "kind"));
  row->check = g_strdup (attest_json_string_at (node, "check"));
  row->limit = g_strdup (attest_json_string_at (node, "limit"));
  row->rationale = g_strdup (attest_json_string_at (node, "rationale"));
  row->refs = strings_of (attest_json_at (node, "refs"));
  row->accept = strings_of (attest_json_at (node, "accept"));
  if (row->id == NULL || row->rationale == NULL)
    return matrix_fail (error, source, where, "\"id\" and \"rationale\" are required strings");
  if (!parse_level (attest_json_string_at (node, "level"), &row->level))
    return matrix_fail (error, source, where, "\"level\" must be MUST, SHOULD or INFO");
  if (g_strcmp0 (row->kind, "probe") == 0)
    {
      if (!string_array_ok (attest_json_at (node, "accept")) || row->accept[0] == NULL)
        return matrix_fail (error, source, where, "a probe row needs a non-empty \"accept\" list");
    }
  else if (g_strcmp0 (row->kind, "check") == 0)
    {
      if (row->check == NULL)
        return matrix_fail (error, source, where, "a check row needs \"check\"");
    }
  else
    return matrix_fail (error, source, where, "\"kind\" must be probe or check");
  return TRUE;
}

AttestMatrix *
attest_matrix_load_bytes (GBytes *bytes, const char *source, GError **error)
{
  g_autoptr(AttestMatrix) m = g_new0 (AttestMatrix, 1);
  g_autoptr(AttestJson) root = attest_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                                  source, error);
  const AttestJson *rows;

  if (root == NULL)
    return NULL;
  m->source = g_strdup (source);
  m->sha256 = attest_sha256_hex_bytes (bytes);
  m->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) matrix_row_free);
  if (root->type != ATTEST_JSON_OBJECT || g_strcmp0 (attest_json_string_at (root, "schema"), ATTEST_MATRIX_SCHEMA) != 0)
    {
      matrix_fail (error, source, "schema", "not a sandbox-attest matrix (" ATTEST_MATRIX_SCHEMA ")");
      return NULL;
    }
  rows = attest_json_at (root, "rows");
  if (rows == NULL || rows->type != ATTEST_JSON_ARRAY)
    {
      matrix_fail (error, source, "rows", "expected an array");
      return NULL;
    }
  for (guint i = 0; i < rows->items->len; i++)
    {
      g_autofree char *where = g_strdup_printf ("rows[%u]", i);
      AttestMatrixRow *row = NULL;
      gboolean ok = matrix_row (g_ptr_array_index (rows->items, i), source, where, &row, error);

      if (row != NULL)
        g_ptr_array_add (m->rows, row);
      if (!ok)
        return NULL;
    }
  return g_steal_pointer (&m);
}

AttestMatrix *
attest_matrix_load_file (const char *path, GError **error)
{
  g_autoptr(GBytes) bytes = attest_read_file_limited (path, 1024 * 1024, FALSE, error);
  return bytes != NULL ? attest_matrix_load_bytes (bytes, path, error) : NULL;
}

/* ---- judging ---- */

typedef struct
{
  const AttestJson *bundle;
  const AttestJson *inside;      /* parsed from bundle.inside.text; NULL if absent or broken */
  const char *inside_problem;
  const AttestVerifyOptions *options;
  AttestJudgement *j;
  GHashTable *matrixed;          /* probe ids the matrix names */
  gboolean downgrade;            /* the check accepted a degraded state: WARN, not FAIL */
} Judge;

static void
row_free (AttestRowResult *r)
{
  g_free (r->id);
  g_free (r->observed);
  g_free (r->message);
  g_free (r);
}

void
attest_judgement_free (AttestJudgement *j)
{
  if (j == NULL)
    return;
  g_clear_pointer (&j->rows, g_ptr_array_unref);
  g_free (j);
}

void
attest_judgement_add_row (AttestJudgement *j, const char *id, AttestRowLevel level, gboolean ok,
                          const char *observed, const char *message)
{
  AttestRowResult *r = g_new0 (AttestRowResult, 1);

  r->id = g_strdup (id);
  r->level = level;
  r->observed = g_strdup (observed);
  r->message = g_strdup (message);
  if (level == ATTEST_LEVEL_INFO)
    r->status = ATTEST_ROW_INFO;
  else if (ok)
    r->status = ATTEST_ROW_PASS;
  else
    r->status = level == ATTEST_LEVEL_MUST ? ATTEST_ROW_FAIL : ATTEST_ROW_WARN;
  if (r->status == ATTEST_ROW_FAIL)
    j->n_fail++;
  if (r->status == ATTEST_ROW_WARN)
    j->n_warn++;
  j->accepted = j->n_fail == 0;
  g_ptr_array_add (j->rows, r);
}

static void
add_row (Judge *jd, const char *id, AttestRowLevel level, gboolean ok, const char *observed, const char *message)
{
  attest_judgement_add_row (jd->j, id, level, ok, observed, message);
}

/* -- probe rows -- */

static const AttestJson *find_limit (const AttestJson *bundle, const char *name);

/* A probe that hits a limit only a fallback enforces: WARN, not FAIL, when
 * both the run and this verification accept degraded limits. */
static AttestRowLevel
probe_row_level (Judge *jd, const AttestMatrixRow *row)
{
  const AttestJson *l = row->limit != NULL ? find_limit (jd->bundle, row->limit) : NULL;
  gboolean equivalent = TRUE, allowed = FALSE;

  if (l == NULL || row->level != ATTEST_LEVEL_MUST)
    return row->level;
  (void) bool_at (l, "equivalent", &equivalent);
  (void) bool_at (jd->bundle, "allow_degraded_limits", &allowed);
  return !equivalent && allowed && jd->options->allow_degraded_limits ? ATTEST_LEVEL_SHOULD : row->level;
}

static const AttestJson *
find_probe (const AttestJson *inside, const char *id)
{
  const AttestJson *probes = attest_json_at (inside, "probes");

  for (guint i = 0; probes != NULL && probes->type == ATTEST_JSON_ARRAY && i < probes->items->len; i++)
    {
      const AttestJson *p = g_ptr_array_index (probes->items, i);
      if (p->type == ATTEST_JSON_OBJECT && g_strcmp0 (attest_json_string_at (p, "id"), id) == 0)
        return p;
    }
  return NULL;
}

/* The verdict rule of probes/README.md, recomputed: every attempt's
 * outcome must be accepted; no attempt, or a probe that could not run,
 * never passes. */
static gboolean
probe_outcomes_ok (const AttestJson *probe, const char *const *accept, GString *observed, GString *why)
{
  const AttestJson *attempts = attest_json_at (probe, "attempts");
  const char *reported = attest_json_string_at (probe, "verdict");
  gboolean ok = TRUE;

  if (g_strcmp0 (reported, "SKIP") == 0 || g_strcmp0 (reported, "ERROR") == 0)
    {
      g_string_append_printf (why, "could not run (%s: %s)", reported,
                              attest_json_string_at (probe, "reason") != NULL ? attest_json_string_at (probe, "reason") : "no reason given");
      return FALSE;
    }
  if (attempts == NULL || attempts->type != ATTEST_JSON_ARRAY || attempts->items->len == 0)
    {
      g_string_append (why, "nothing was tried");
      return FALSE;
    }
  for (guint i = 0; i < attempts->items->len; i++)
    {
      const AttestJson *a = g_ptr_array_index (attempts->items, i);
      const char *outcome = attest_json_string_at (a, "outcome");
      const char *method = attest_json_string_at (a, "method");

      g_string_append_printf (observed, "%s%s", observed->len ? "," : "", outcome != NULL ? outcome : "?");
      if (outcome == NULL || !g_strv_contains (accept, outcome))
        {
          if (ok)
            g_string_append_printf (why, "%s gave %s, accepted: ", method != NULL ? method : attest_json_string_at (probe, "method"),
                                    outcome != NULL ? outcome : "no outcome");
          if (ok)
            for (guint k = 0; accept[k] != NULL; k++)
              g_string_append_printf (why, "%s%s", k ? "|" : "", accept[k]);
          ok = FALSE;
        }
    }
  return ok;
}

static void
judge_probe_row (Judge *jd, const AttestMatrixRow *row)
{
  g_autoptr(GString) observed = g_string_new (NULL);
  g_autoptr(GString) why = g_string_new (NULL);
  const AttestJson *probe;

  AttestRowLevel level = probe_row_level (jd, row);

  g_hash_table_add (jd->matrixed, row->id);
  if (jd->inside == NULL)
    {
      add_row (jd, row->id, level, FALSE, NULL, jd->inside_problem);
      return;
    }
  probe = find_probe (jd->inside, row->id);
  if (probe == NULL)
    {
      add_row (jd, row->id, level, FALSE, NULL, "missing from the probe's output");
      return;
    }
  if (probe_outcomes_ok (probe, (const char *const *) row->accept, observed, why))
    add_row (jd, row->id, level, TRUE, observed->str, NULL);
  else
    add_row (jd, row->id, level, FALSE, observed->str, why->str);
}

/* Probes the matrix does not name are judged by their own expected
 * outcomes and level: a probe that reports its own MUST check failing is
 * evidence of a weakness even when no row asks for it. */
static void
judge_extra_probes (Judge *jd)
{
  const AttestJson *probes = attest_json_at (jd->inside, "probes");

  for (guint i = 0; probes != NULL && probes->type == ATTEST_JSON_ARRAY && i < probes->items->len; i++)
    {
      const AttestJson *p = g_ptr_array_index (probes->items, i);
      const char *id = attest_json_string_at (p, "id");
      g_auto(GStrv) expected = strings_of (attest_json_at (p, "expected"));
      g_autoptr(GString) observed = g_string_new (NULL);
      g_autoptr(GString) why = g_string_new (NULL);
      AttestRowLevel level = ATTEST_LEVEL_INFO;
      gboolean ok;

      if (id == NULL || g_hash_table_contains (jd->matrixed, id))
        continue;
      if (!parse_level (attest_json_string_at (p, "level"), &level))
        level = ATTEST_LEVEL_INFO;
      ok = probe_outcomes_ok (p, (const char *const *) expected, observed, why);
      add_row (jd, id, level, ok, observed->str, ok ? NULL : why->str);
    }
}

/* -- check rows: each returns ok and fills observed/why -- */

typedef gboolean (*CheckFunc) (Judge *jd, GString *observed, GString *why);

static gboolean
check_venue_named (Judge *jd, GString *observed, GString *why)
{
  const char *venue = attest_json_string_at (jd->bundle, "venue");

  g_string_append (observed, venue != NULL ? venue : "(none)");
  if (venue == NULL || *venue == '\0')
    g_string_append (why, "no venue named");
  return venue != NULL && *venue != '\0';
}

/* A Mac, or Docker Desktop on any host: its VM says Linux but names linuxkit. */
static gboolean
check_venue_linux (Judge *jd, GString *observed, GString *why)
{
  const char *sysname = attest_json_string_at (jd->bundle, "venue_identity.uname.sysname");
  const char *release = attest_json_string_at (jd->bundle, "venue_identity.uname.release");
  const char *hostname = attest_json_string_at (jd->bundle, "venue_identity.hostname");
  g_autofree char *lower = g_ascii_strdown (release != NULL ? release : "", -1);

  g_string_append_printf (observed, "%s %s on %s", sysname ? sysname : "?", release ? release : "?",
                          hostname ? hostname : "?");
  if (sysname == NULL || release == NULL || hostname == NULL || attest_json_at (jd->bundle, "venue_identity.os_release") == NULL)
    g_string_append (why, "venue identity incomplete (uname, hostname, os-release)");
  else if (strcmp (sysname, "Linux") != 0)
    g_string_append_printf (why, "not a Linux host (%s)", sysname);
  else if (strstr (lower, "linuxkit") != NULL || g_ascii_strcasecmp (hostname, "docker-desktop") == 0)
    g_string_append (why, "Docker Desktop's VM (linuxkit kernel), not a real Linux host or CI runner");
  else if (is_docker (jd->bundle))
    {
      /* The engine, not the CLI, runs the sandbox: it must be this host's kernel. */
      const char *os = engine_string (jd->bundle, "OperatingSystem");
      const char *kernel = engine_string (jd->bundle, "KernelVersion");
      g_autofree char *os_lower = g_ascii_strdown (os != NULL ? os : "", -1);
      g_autofree char *kernel_lower = g_ascii_strdown (kernel != NULL ? kernel : "", -1);

      g_string_append_printf (observed, "; engine on %s, %s", kernel ? kernel : "?", os ? os : "?");
      if (os == NULL || kernel == NULL)
        g_string_append (why, "the Docker engine's kernel and OS were not recorded (docker info)");
      else if (strstr (os_lower, "docker desktop") != NULL || strstr (kernel_lower, "linuxkit") != NULL)
        g_string_append (why, "the Docker engine is Docker Desktop's VM, not a real Linux host or CI runner");
      else if (strcmp (kernel, release) != 0)
        g_string_append_printf (why, "the Docker engine runs kernel %s, not this host's %s (a remote engine?)", kernel, release);
    }
  return why->len == 0;
}

static gboolean
check_image_digest (Judge *jd, GString *observed, GString *why)
{
  const char *d = attest_json_string_at (jd->bundle, "image_digest");
  const char *want = jd->options->probe_sha256;

  g_string_append (observed, d != NULL ? d : "(none)");
  if (is_docker (jd->bundle))
    {
      /* The image id names the image; the probe it was built from is what the verifier vouches for. */
      const char *probe = attest_json_string_at (jd->bundle, "docker.probe_sha256");

      g_string_append_printf (observed, " built from probe %.12s", probe != NULL ? probe : "?");
      if (d == NULL || !g_str_has_prefix (d, "sha256:") || !is_hex64 (d + 7)
          || g_strcmp0 (d, attest_json_string_at (jd->bundle, "docker.image_id")) != 0)
        g_string_append (why, "the Docker image id is missing, not sha256:<64 hex>, or not docker.image_id");
      else if (!is_hex64 (probe))
        g_string_append (why, "the probe the image was built from is not recorded");
      else if (want != NULL && strcmp (probe, want) != 0)
        g_string_append_printf (why, "the image holds another probe than the trusted one (sha256 %.12s…)", want);
      return why->len == 0;
    }
  if (d == NULL || !g_str_has_prefix (d, "sha256:") || !is_hex64 (d + 7))
    g_string_append (why, "image digest missing or not sha256:<64 hex>");
  else if (want != NULL && strcmp (d + 7, want) != 0)
    g_string_append_printf (why, "not the trusted probe (sha256 %.12s…): a probe given with --probe is recorded, never vouched for", want);
  return why->len == 0;
}

static gboolean
check_seccomp (Judge *jd, GString *observed, GString *why)
{
  const char *sha = attest_json_string_at (jd->bundle, "seccomp_sha256");
  const char *compiled_from = attest_json_string_at (jd->bundle, "seccomp.policy_sha256");
  const char *bpf = attest_json_string_at (jd->bundle, "seccomp.bpf_sha256");
  const char *want = jd->options->policy_sha256;
  gint64 insns = 0;

  g_string_append (observed, sha != NULL ? sha : "(none)");
  if (is_docker (jd->bundle))
    {
      /* Docker compiles the file itself: the argv must name the file whose sha256 is recorded. */
      g_autoptr(AttestDockerArgv) a = docker_argv (jd->bundle);
      g_autofree char *opt = g_strconcat ("seccomp=", attest_json_string_at (jd->bundle, "policy_path") != NULL
                                                      ? attest_json_string_at (jd->bundle, "policy_path") : "?", NULL);
      GPtrArray *sec = g_hash_table_lookup (a->options, "--security-opt");
      guint n = 0;

      for (guint i = 0; sec != NULL && i < sec->len; i++)
        n += g_str_has_prefix (g_ptr_array_index (sec, i), "seccomp=") || g_str_has_prefix (g_ptr_array_index (sec, i), "seccomp:");
      if (!is_hex64 (sha))
        g_string_append (why, "seccomp_sha256 missing or malformed");
      else if (n != 1 || !g_ptr_array_find_with_equal_func (sec, opt, g_str_equal, NULL))
        g_string_append_printf (why, "docker run was not given --security-opt %s exactly once", opt);
      else if (want != NULL && strcmp (sha, want) != 0)
        g_string_append_printf (why, "the policy given (sha256 %s) is not the one Docker loaded", want);
      return why->len == 0;
    }
  if (!is_hex64 (sha))
    g_string_append (why, "seccomp_sha256 missing or malformed");
  else if (g_strcmp0 (sha, compiled_from) != 0)
    g_string_append (why, "the compile manifest is of another policy");
  else if (!is_hex64 (bpf) || !int_at (jd->bundle, "seccomp.instructions", &insns) || insns <= 0)
    g_string_append (why, "no compiled filter recorded");
  else if (want != NULL && strcmp (sha, want) != 0)
    g_string_append_printf (why, "the policy given (sha256 %s) is not the one compiled", want);
  return why->len == 0;
}

static gboolean
check_runtime (Judge *jd, GString *observed, GString *why)
{
  const char *bwrap = attest_json_string_at (jd->bundle, "runtime.bwrap_version");
  const char *kernel = attest_json_string_at (jd->bundle, "runtime.kernel");
  const char *libseccomp = attest_json_string_at (jd->bundle, "runtime.libseccomp");

  if (is_docker (jd->bundle))
    {
      const char *client = attest_json_string_at (jd->bundle, "runtime.docker_client");
      const char *server = attest_json_string_at (jd->bundle, "runtime.docker_version");

      g_string_append_printf (observed, "%s, engine %s, kernel %s", client ? client : "?", server ? server : "?",
                              kernel ? kernel : "?");
      if (client == NULL || server == NULL || kernel == NULL)
        g_string_append (why, "runtime versions not recorded (docker --version, docker info)");
      return why->len == 0;
    }

  g_string_append_printf (observed, "%s, kernel %s, libseccomp %s", bwrap ? bwrap : "?", kernel ? kernel : "?",
                          libseccomp ? libseccomp : "?");
  if (bwrap == NULL || kernel == NULL || libseccomp == NULL)
    g_string_append (why, "runtime versions not recorded");
  return why->len == 0;
}

static gboolean
check_raw_evidence (Judge *jd, GString *observed, GString *why)
{
  static const char *const keys[] = { "mountinfo", "env_keyset", "proc_net_dev", NULL };

  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autofree char *path = g_strconcat ("raw.", keys[i], NULL);
      const AttestJson *n = jd->inside != NULL ? attest_json_at (jd->inside, path) : NULL;
      gboolean present = n != NULL && ((n->type == ATTEST_JSON_STRING && *n->text != '\0') || n->type == ATTEST_JSON_ARRAY);

      g_string_append_printf (observed, "%s%s=%s", i ? " " : "", keys[i], present ? "present" : "missing");
      if (!present)
        g_string_append_printf (why, "%sraw %s missing", why->len ? ", " : "", keys[i]);
    }
  return why->len == 0;
}

static const AttestJson *
find_limit (const AttestJson *bundle, const char *name)
{
  const AttestJson *limits = attest_json_at (bundle, "limits");

  if (limits != NULL && limits->type == ATTEST_JSON_OBJECT)
    limits = attest_json_at (limits, "limits");
  for (guint i = 0; limits != NULL && limits->type == ATTEST_JSON_ARRAY && i < limits->items->len; i++)
    {
      const AttestJson *l = g_ptr_array_index (limits->items, i);
      if (l->type == ATTEST_JSON_OBJECT && g_strcmp0 (attest_json_string_at (l, "limit"), name) == 0)
        return l;
    }
  return NULL;
}

static const AttestJson *find_probe (const AttestJson *inside, const char *id);
static gboolean probe_outcomes_ok (const AttestJson *probe, const char *const *accept, GString *observed, GString *why);

/* Docker enforces a limit when the argv asks for exactly the reference
 * value, the engine says it can enforce it (docker info), and the probe
 * hit it for real. */
static gboolean
check_docker_limit (Judge *jd, const char *name, GString *observed, GString *why)
{
  static const struct { const char *limit, *option, *value, *engine, *probe; } table[] = {
    { "pids", "--pids-limit", "64", "PidsLimit", "PR-RES-PIDS" },
    { "memory", "--memory", "256m", "MemoryLimit", "PR-RES-MEM" },
    { "swap", "--memory-swap", "256m", "SwapLimit", "PR-RES-MEM" },
    { "cpu", "--cpus", "1", "CpuCfsQuota", "PR-RES-CPU" },
  };
  g_autoptr(AttestDockerArgv) a = docker_argv (jd->bundle);

  for (gsize i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autoptr(GString) outcomes = g_string_new (NULL), probe_why = g_string_new (NULL);
      const AttestJson *probe;
      g_auto(GStrv) expected = NULL;

      if (strcmp (table[i].limit, name) != 0)
        continue;
      probe = jd->inside != NULL ? find_probe (jd->inside, table[i].probe) : NULL;
      expected = strings_of (probe != NULL ? attest_json_at (probe, "expected") : NULL);
      g_string_append_printf (observed, "docker %s %s", table[i].option,
                              attest_docker_argv_value (a, table[i].option, NULL) ? attest_docker_argv_value (a, table[i].option, NULL) : "(none)");
      docker_want (a, table[i].option, table[i].value, why);
      if (!engine_bool (jd->bundle, table[i].engine))
        g_string_append_printf (why, "%sthe engine does not report %s (docker info)", why->len ? ", " : "", table[i].engine);
      if (probe == NULL)
        g_string_append_printf (why, "%s%s did not run", why->len ? ", " : "", table[i].probe);
      else if (!probe_outcomes_ok (probe, (const char *const *) expected, outcomes, probe_why))
        g_string_append_printf (why, "%s%s: %s", why->len ? ", " : "", table[i].probe, probe_why->str);
      g_string_append_printf (observed, "; %s %s", table[i].probe, outcomes->len ? outcomes->str : "?");
      return why->len == 0;
    }
  g_string_append_printf (why, "no Docker flag for the %s limit", name);
  return FALSE;
}

static gboolean
check_limit (Judge *jd, const char *name, GString *observed, GString *why)
{
  const AttestJson *l = find_limit (jd->bundle, name);
  gboolean equivalent = FALSE, degraded_allowed = FALSE;
  const char *enforcer = l != NULL ? attest_json_string_at (l, "enforcer") : NULL;

  if (is_docker (jd->bundle))
    return check_docker_limit (jd, name, observed, why);
  g_string_append (observed, enforcer != NULL ? enforcer : "(not recorded)");
  if (l == NULL || !bool_at (l, "equivalent", &equivalent))
    {
      g_string_append_printf (why, "the %s limit is not recorded", name);
      return FALSE;
    }
  if (equivalent)
    return TRUE;
  (void) bool_at (jd->bundle, "allow_degraded_limits", &degraded_allowed);
  /* Degraded limits pass only when both the run and this verification
   * said so: a fleet verifier is strict unless told otherwise. */
  jd->downgrade = degraded_allowed && jd->options->allow_degraded_limits;
  g_string_append_printf (why, "the %s limit is not enforced as Docker does (%s)%s", name,
                          enforcer != NULL ? enforcer : "?",
                          jd->downgrade ? ": DEGRADED, accepted with --allow-degraded-limits" : "");
  return FALSE;
}

static gboolean check_limit_pids (Judge *jd, GString *o, GString *w) { return check_limit (jd, "pids", o, w); }
static gboolean check_limit_memory (Judge *jd, GString *o, GString *w) { return check_limit (jd, "memory", o, w); }
static gboolean check_limit_swap (Judge *jd, GString *o, GString *w) { return check_limit (jd, "swap", o, w); }
static gboolean check_limit_cpu (Judge *jd, GString *o, GString *w) { return check_limit (jd, "cpu", o, w); }

static GStrv
argv_of (const AttestJson *bundle)
{
  return strings_of (attest_json_at (bundle, "sandbox.bwrap_argv"));
}

static gboolean
argv_has (GStrv argv, const char *a, const char *b, const char *c)
{
  for (guint i = 0; argv[i] != NULL; i++)
    if (strcmp (argv[i], a) == 0 && (b == NULL || (argv[i + 1] != NULL && strcmp (argv[i + 1], b) == 0))
        && (c == NULL || (argv[i + 1] != NULL && argv[i + 2] != NULL && strcmp (argv[i + 2], c) == 0)))
      return TRUE;
  return FALSE;
}

static gboolean
argv_binds (GStrv argv, const char *option, const char *dest)
{
  for (guint i = 0; argv[i] != NULL && argv[i + 1] != NULL && argv[i + 2] != NULL; i++)
    if (strcmp (argv[i], option) == 0 && strcmp (argv[i + 2], dest) == 0)
      return TRUE;
  return FALSE;
}

/* The host's own record of what it asked bwrap for: each isolation flag
 * of the reference command must be there, and nothing that undoes one. */
/* Every flag of the reference command with its exact value, and nothing
 * else but --name and --cgroupns private: an allowlist, so that no flag
 * that undoes one (--privileged, --cap-add, seccomp=unconfined, a third
 * volume, --pid host ...) can pass unnoticed. */
static gboolean
check_docker_argv (Judge *jd, GString *observed, GString *why)
{
  g_autoptr(AttestDockerArgv) a = docker_argv (jd->bundle);
  const char *run_date = attest_json_string_at (jd->bundle, "run_date");
  g_autofree char *program = a->program != NULL ? g_path_get_basename (a->program) : NULL;
  static const struct { const char *option, *value; } exact[] = {
    { "--rm", "" }, { "--network", "none" }, { "--user", "65532:65532" }, { "--read-only", "" },
    { "--tmpfs", "/tmp:rw,noexec,nosuid,nodev,size=16m" }, { "--cap-drop", "ALL" },
    { "--pids-limit", "64" }, { "--memory", "256m" }, { "--memory-swap", "256m" }, { "--cpus", "1" },
    { "--env-file", "/dev/null" },
  };
  GPtrArray *sec = g_hash_table_lookup (a->options, "--security-opt");
  GPtrArray *vols = g_hash_table_lookup (a->options, "-v");
  guint nnp = 0, seccomp = 0, in = 0, out = 0, n = 0;
  const char *cgroupns = attest_docker_argv_value (a, "--cgroupns", &n);

  g_string_append_printf (observed, "%u arguments", attest_json_at (jd->bundle, "docker.argv") != NULL && attest_json_at (jd->bundle, "docker.argv")->type == ATTEST_JSON_ARRAY
                                                    ? attest_json_at (jd->bundle, "docker.argv")->items->len : 0);
  if (program == NULL || strcmp (program, "docker") != 0 || !a->is_run)
    {
      g_string_append (why, "no docker run argv recorded");
      return FALSE;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (exact); i++)
    docker_want (a, exact[i].option, exact[i].value, why);
  for (guint i = 0; sec != NULL && i < sec->len; i++)
    {
      const char *v = g_ptr_array_index (sec, i);
      if (strcmp (v, "no-new-privileges") == 0 || strcmp (v, "no-new-privileges=true") == 0
          || strcmp (v, "no-new-privileges:true") == 0)
        nnp++;
      else if ((g_str_has_prefix (v, "seccomp=") || g_str_has_prefix (v, "seccomp:")) && strcmp (v + 8, "unconfined") != 0)
        seccomp++;
      else
        g_string_append_printf (why, "%shas --security-opt %s", why->len ? ", " : "", v);
    }
  if (nnp != 1)
    g_string_append_printf (why, "%s--security-opt no-new-privileges given %u times", why->len ? ", " : "", nnp);
  if (seccomp != 1)
    g_string_append_printf (why, "%s--security-opt seccomp=POLICY given %u times", why->len ? ", " : "", seccomp);
  for (guint i = 0; vols != NULL && i < vols->len; i++)
    {
      const char *v = g_ptr_array_index (vols, i);
      const char *colon = strchr (v, ':');

      if (colon != NULL && v[0] == '/' && strcmp (colon, ":/in:ro") == 0)
        in++;
      else if (colon != NULL && v[0] == '/' && (strcmp (colon, ":/out:rw") == 0 || strcmp (colon, ":/out") == 0))
        out++;
      else
        g_string_append_printf (why, "%shas -v %s", why->len ? ", " : "", v);
    }
  if (in != 1)
    g_string_append_printf (why, "%s/in is not bound read-only exactly once (-v IN:/in:ro)", why->len ? ", " : "");
  if (out != 1)
    g_string_append_printf (why, "%s/out is not bound exactly once (-v OUT:/out:rw)", why->len ? ", " : "");
  if (n > 1 || (n == 1 && strcmp (cgroupns, "private") != 0))
    g_string_append_printf (why, "%s--cgroupns %s", why->len ? ", " : "", cgroupns);
  for (guint i = 0; i < a->unknown->len; i++)
    g_string_append_printf (why, "%shas %s, not in the reference command", why->len ? ", " : "",
                            (const char *) g_ptr_array_index (a->unknown, i));
  if (a->image == NULL || g_strcmp0 (a->image, attest_json_string_at (jd->bundle, "docker.image")) != 0)
    g_string_append_printf (why, "%sthe image run is not docker.image", why->len ? ", " : "");
  if (g_strv_length (a->args) != 3 || strcmp (a->args[0], "--attest") != 0 || strcmp (a->args[1], "--run-date") != 0
      || g_strcmp0 (a->args[2], run_date) != 0)
    g_string_append_printf (why, "%sthe probe was not run as IMAGE --attest --run-date %s", why->len ? ", " : "",
                            run_date != NULL ? run_date : "?");
  return why->len == 0;
}

static gboolean
check_argv (Judge *jd, GString *observed, GString *why)
{
  g_auto(GStrv) argv = NULL;

  if (is_docker (jd->bundle))
    return check_docker_argv (jd, observed, why);
  argv = argv_of (jd->bundle);
  g_autofree char *uid = g_strdup_printf ("%u", ATTEST_SANDBOX_UID);
  g_autofree char *gid = g_strdup_printf ("%u", ATTEST_SANDBOX_GID);
  const struct { const char *a, *b, *name; } required[] = {
    { "--unshare-all", NULL, "--unshare-all" }, { "--unshare-user", NULL, "--unshare-user" },
    { "--uid", uid, "--uid 65532" }, { "--gid", gid, "--gid 65532" },
    { "--cap-drop", "ALL", "--cap-drop ALL" }, { "--die-with-parent", NULL, "--die-with-parent" },
    { "--new-session", NULL, "--new-session" }, { "--clearenv", NULL, "--clearenv" },
    { "--seccomp", NULL, "--seccomp" }, { "--json-status-fd", NULL, "--json-status-fd" },
    { "--remount-ro", "/", "--remount-ro /" }, { "--proc", "/proc", "--proc /proc" },
  };
  const char *forbidden[] = { "--share-net", "--cap-add", "--dev", "--bind-try", "--dev-bind-try", "--userns",
                              "--userns2", "--add-seccomp-fd", NULL };

  g_string_append_printf (observed, "%u arguments", g_strv_length (argv));
  if (argv[0] == NULL)
    {
      g_string_append (why, "no bwrap argv recorded");
      return FALSE;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (required); i++)
    if (!argv_has (argv, required[i].a, required[i].b, NULL))
      g_string_append_printf (why, "%smissing %s", why->len ? ", " : "", required[i].name);
  for (guint i = 0; forbidden[i] != NULL; i++)
    if (argv_has (argv, forbidden[i], NULL, NULL))
      g_string_append_printf (why, "%shas %s", why->len ? ", " : "", forbidden[i]);
  if (!argv_binds (argv, "--ro-bind", "/in") || argv_binds (argv, "--bind", "/in"))
    g_string_append_printf (why, "%s/in is not bound read-only", why->len ? ", " : "");
  if (!argv_binds (argv, "--bind", "/out"))
    g_string_append_printf (why, "%s/out is not bound", why->len ? ", " : "");
  if (!argv_binds (argv, "--bind", "/tmp"))
    g_string_append_printf (why, "%s/tmp is not the staged noexec tmpfs", why->len ? ", " : "");
  return why->len == 0;
}

static gboolean
check_not_weakened (Judge *jd, GString *observed, GString *why)
{
  const char *weakened = attest_json_string_at (jd->bundle, "sandbox.weakened");
  const char *mechanism = attest_json_string_at (jd->bundle, "sandbox.tmp.mechanism");

  g_string_append_printf (observed, "weakened=[%s] tmp=%s", weakened ? weakened : "?", mechanism ? mechanism : "?");
  if (is_docker (jd->bundle))
    {
      /* The engine must apply seccomp at all; the argv's flags are ARGV-ISOLATION's. */
      const AttestJson *opts = attest_json_at (jd->bundle, "docker.engine.SecurityOptions");
      gboolean seccomp = FALSE;

      for (guint i = 0; opts != NULL && opts->type == ATTEST_JSON_ARRAY && i < opts->items->len; i++)
        {
          const AttestJson *o = g_ptr_array_index (opts->items, i);
          seccomp = seccomp || (o->type == ATTEST_JSON_STRING && g_str_has_prefix (o->text, "name=seccomp"));
        }
      g_string_append_printf (observed, " engine seccomp=%s", seccomp ? "yes" : "no");
      if (weakened == NULL || *weakened != '\0')
        g_string_append_printf (why, "protections turned off: %s", weakened ? weakened : "(not recorded)");
      else if (g_strcmp0 (mechanism, "docker-tmpfs") != 0)
        g_string_append (why, "/tmp is not Docker's noexec tmpfs");
      else if (!seccomp)
        g_string_append (why, "the Docker engine does not report seccomp support (docker info SecurityOptions)");
      return why->len == 0;
    }
  if (weakened == NULL || *weakened != '\0')
    g_string_append_printf (why, "protections turned off: %s", weakened ? weakened : "(not recorded)");
  else if (g_strcmp0 (mechanism, "staging-namespace-tmpfs") != 0)
    g_string_append (why, "/tmp is not the staging namespace's noexec tmpfs");
  return why->len == 0;
}

/* bwrap's json-status names the sandbox's namespaces; each must differ
 * from the host's own (recorded by the host, not by the probe). */
/* Docker's container is gone when the host looks (--rm): the probe's
 * PR-NS-1 reports each namespace's inode, which must differ from the
 * host's as the host recorded them; net is PR-NET-2 (only lo) and mnt
 * PR-MOUNT-1 (a read-only root of its own). */
static gboolean
check_docker_namespaces (Judge *jd, GString *observed, GString *why)
{
  static const char *const names[] = { "cgroup", "ipc", "pid", "uts", NULL };
  const AttestJson *ns1 = jd->inside != NULL ? find_probe (jd->inside, "PR-NS-1") : NULL;
  const AttestJson *attempts = ns1 != NULL ? attest_json_at (ns1, "attempts") : NULL;
  const AttestJson *net = jd->inside != NULL ? find_probe (jd->inside, "PR-NET-2") : NULL;
  const AttestJson *mnt = jd->inside != NULL ? find_probe (jd->inside, "PR-MOUNT-1") : NULL;
  const char *const only_lo[] = { "ONLY_LO", NULL };
  const char *const root_ro[] = { "ROOT_RO", "IN_RO", "OUT_RW", "TMP_HARDENED", NULL };
  g_autoptr(GString) scratch = g_string_new (NULL), scratch_why = g_string_new (NULL);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *needle = g_strdup_printf ("/proc/self/ns/%s\"", names[i]);
      g_autofree char *hp = g_strconcat ("bwrap_status.host_namespaces.", names[i], NULL);
      const char *outcome = NULL, *detail = NULL;
      gint64 h = 0, s = -1;
      gboolean have_h = int_at (jd->bundle, hp, &h);

      for (guint k = 0; attempts != NULL && attempts->type == ATTEST_JSON_ARRAY && k < attempts->items->len; k++)
        {
          const AttestJson *a = g_ptr_array_index (attempts->items, k);
          if (attest_json_string_at (a, "method") != NULL && strstr (attest_json_string_at (a, "method"), needle) != NULL)
            {
              outcome = attest_json_string_at (a, "outcome");
              detail = attest_json_string_at (a, "detail");
            }
        }
      if (detail != NULL && g_str_has_prefix (detail, "inode "))
        s = g_ascii_strtoll (detail + 6, NULL, 10);
      g_string_append_printf (observed, "%s%s:%s", i ? " " : "", names[i],
                              outcome == NULL ? "?" : g_strcmp0 (outcome, "CHILD_NS") == 0 && (!have_h || s != h) ? "own" : "host");
      if (outcome == NULL || !have_h)
        g_string_append_printf (why, "%s%s namespace not recorded", why->len ? ", " : "", names[i]);
      else if (strcmp (outcome, "CHILD_NS") != 0 || s == h)
        g_string_append_printf (why, "%sthe %s namespace is the host's (probe PR-NS-1)", why->len ? ", " : "", names[i]);
    }
  g_string_append (observed, " (probe PR-NS-1)");
  if (net == NULL || !probe_outcomes_ok (net, only_lo, scratch, scratch_why))
    g_string_append_printf (why, "%sthe network namespace is not shown to hold only lo (PR-NET-2)", why->len ? ", " : "");
  g_string_set_size (scratch, 0);
  if (mnt == NULL || !probe_outcomes_ok (mnt, root_ro, scratch, scratch_why))
    g_string_append_printf (why, "%sthe mount namespace is not shown to be the container's own (PR-MOUNT-1)", why->len ? ", " : "");
  g_string_append (observed, ", net: PR-NET-2, mnt: PR-MOUNT-1");
  return why->len == 0;
}

static gboolean
check_namespaces (Judge *jd, GString *observed, GString *why)
{
  static const char *const names[] = { "cgroup", "ipc", "mnt", "net", "pid", "uts", NULL };

  if (is_docker (jd->bundle))
    return check_docker_namespaces (jd, observed, why);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *sp = g_strconcat ("bwrap_status.namespaces.", names[i], NULL);
      g_autofree char *hp = g_strconcat ("bwrap_status.host_namespaces.", names[i], NULL);
      gint64 s = 0, h = 0;
      gboolean have_s = int_at (jd->bundle, sp, &s), have_h = int_at (jd->bundle, hp, &h);

      g_string_append_printf (observed, "%s%s:%s", i ? " " : "", names[i],
                              !have_s ? "?" : have_h && s == h ? "host" : "own");
      if (!have_s || !have_h)
        g_string_append_printf (why, "%s%s namespace not recorded", why->len ? ", " : "", names[i]);
      else if (s == h)
        g_string_append_printf (why, "%sthe %s namespace is the host's", why->len ? ", " : "", names[i]);
    }
  return why->len == 0;
}

static gboolean
check_sandbox_exit (Judge *jd, GString *observed, GString *why)
{
  gint64 code = -1;
  gboolean timed_out = FALSE, executed = FALSE;
  gint64 interrupted = 0;
  const char *staging = attest_json_string_at (jd->bundle, "launch.staging_error");

  if (is_docker (jd->bundle))
    {
      gboolean docker_timed_out = FALSE;
      gint64 status = -1;
      gboolean have = int_at (jd->bundle, "docker.exit_status", &status);

      (void) bool_at (jd->bundle, "docker.timed_out", &docker_timed_out);
      g_string_append_printf (observed, "docker run exit %" G_GINT64_FORMAT, have ? status : -1);
      if (!have)
        g_string_append (why, "docker run's exit status was not recorded");
      else if (docker_timed_out)
        g_string_append (why, "docker run overran the deadline and was killed");
      else if (status == 125 || status == 126 || status == 127)
        g_string_append_printf (why, "Docker could not start the container (exit %" G_GINT64_FORMAT ")", status);
      else if (status != 0)
        g_string_append_printf (why, "the probe exited with %" G_GINT64_FORMAT, status);
      return why->len == 0;
    }
  (void) bool_at (jd->bundle, "launch.bwrap_executed", &executed);
  (void) bool_at (jd->bundle, "launch.timed_out", &timed_out);
  (void) int_at (jd->bundle, "launch.interrupted_by_signal", &interrupted);
  if (!int_at (jd->bundle, "bwrap_status.exit_code", &code))
    code = -1;
  g_string_append_printf (observed, "exit-code %" G_GINT64_FORMAT, code);
  if (attest_json_at (jd->bundle, "launch") == NULL || attest_json_at (jd->bundle, "launch")->type != ATTEST_JSON_OBJECT)
    g_string_append (why, "the sandbox was not started");
  else if (staging != NULL)
    g_string_append_printf (why, "staging namespace failed: %s", staging);
  else if (!executed)
    g_string_append (why, "bwrap was not executed");
  else if (timed_out)
    g_string_append (why, "the probe overran the deadline and was killed");
  else if (interrupted != 0)
    g_string_append_printf (why, "interrupted by signal %" G_GINT64_FORMAT, interrupted);
  else if (!int_at (jd->bundle, "bwrap_status.child_pid", &code))
    g_string_append (why, "bwrap failed to set up the sandbox (no child-pid in json-status)");
  else if (!int_at (jd->bundle, "bwrap_status.exit_code", &code))
    g_string_append (why, "the probe was not executed (no exit-code in json-status)");
  else if (code != 0)
    g_string_append_printf (why, "the probe exited with %" G_GINT64_FORMAT, code);
  return why->len == 0;
}

static gboolean
check_inside_digest (Judge *jd, GString *observed, GString *why)
{
  const char *text = attest_json_string_at (jd->bundle, "inside.text");
  const char *sha = attest_json_string_at (jd->bundle, "inside.sha256");
  g_autofree char *actual = text != NULL ? g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1) : NULL;

  g_string_append (observed, sha != NULL ? sha : "(none)");
  if (text == NULL || sha == NULL)
    g_string_append_printf (why, "no probe output (%s)", jd->inside_problem ? jd->inside_problem : "absent");
  else if (strcmp (actual, sha) != 0)
    g_string_append (why, "inside.sha256 does not match the inside.json text it claims to digest");
  return why->len == 0;
}

static gboolean
check_inside_consistent (Judge *jd, GString *observed, GString *why)
{
  gint64 uid = -1;
  const char *mode = jd->inside ? attest_json_string_at (jd->inside, "mode") : NULL;
  const char *date = jd->inside ? attest_json_string_at (jd->inside, "run_date") : NULL;

  if (jd->inside == NULL)
    {
      g_string_append (why, jd->inside_problem ? jd->inside_problem : "no probe output");
      return FALSE;
    }
  (void) int_at (jd->inside, "identity.uid", &uid);
  g_string_append_printf (observed, "mode=%s run_date=%s uid=%" G_GINT64_FORMAT, mode ? mode : "?", date ? date : "?", uid);
  if (g_strcmp0 (attest_json_string_at (jd->inside, "schema"), "sandbox-attest/inside/1") != 0)
    g_string_append (why, "not a sandbox-probe result (schema)");
  else if (g_strcmp0 (mode, "attest") != 0)
    g_string_append (why, "the probe did not run in attest mode");
  else if (g_strcmp0 (date, attest_json_string_at (jd->bundle, "run_date")) != 0)
    g_string_append (why, "the probe's run date is not the bundle's");
  else if (uid != ATTEST_SANDBOX_UID)
    g_string_append (why, "the probe did not run as uid 65532");
  return why->len == 0;
}

/* PR-DYNIMPORT is recomputed from the recorded ELF facts. */
static gboolean
check_dynimport (Judge *jd, GString *observed, GString *why)
{
  const AttestJson *d = attest_json_at (jd->bundle, "build_checks.PR-DYNIMPORT");
  gboolean interp = TRUE, dlopen = TRUE;
  const AttestJson *needed = d != NULL ? attest_json_at (d, "dt_needed") : NULL;

  if (d == NULL || !bool_at (d, "pt_interp", &interp) || !bool_at (d, "dlopen_reference", &dlopen)
      || needed == NULL || needed->type != ATTEST_JSON_ARRAY)
    {
      g_string_append (why, "the probe binary was not checked");
      return FALSE;
    }
  g_string_append_printf (observed, "PT_INTERP=%s DT_NEEDED=%u dlopen=%s", interp ? "yes" : "no",
                          needed->items->len, dlopen ? "yes" : "no");
  if (interp || needed->items->len > 0 || dlopen || attest_json_string_at (d, "problem") != NULL)
    g_string_append (why, "the probe can load code at run time");
  return why->len == 0;
}

static gboolean
check_no_problems (Judge *jd, GString *observed, GString *why)
{
  const AttestJson *p = attest_json_at (jd->bundle, "problems");

  if (p == NULL || p->type != ATTEST_JSON_ARRAY)
    {
      g_string_append (why, "problems list missing");
      return FALSE;
    }
  g_string_append_printf (observed, "%u", p->items->len);
  for (guint i = 0; i < p->items->len; i++)
    {
      const AttestJson *s = g_ptr_array_index (p->items, i);
      g_string_append_printf (why, "%s%s", i ? "; " : "", s->type == ATTEST_JSON_STRING ? s->text : "?");
    }
  return p->items->len == 0;
}

/* The profile digest is of a text the verifier rebuilds from the bundle's
 * own members: argv, filter digest, limits and bwrap version. */
static gboolean
check_profile_digest (Judge *jd, GString *observed, GString *why)
{
  const char *digest = attest_json_string_at (jd->bundle, "profile.digest");
  const char *text = attest_json_string_at (jd->bundle, "profile.text");
  g_auto(GStrv) argv = strings_of (attest_json_at (jd->bundle, "sandbox.bwrap_argv_normalised"));
  const AttestJson *limits = attest_json_at (jd->bundle, "limits");
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (AttestDigestLimit));
  g_autofree char *actual = NULL, *rebuilt = NULL;
  g_auto(GStrv) args = argv_of (jd->bundle);
  gboolean seccomp = argv_has (args, "--seccomp", NULL, NULL);

  g_string_append (observed, digest != NULL ? digest : "(none)");
  if (digest == NULL || text == NULL)
    {
      g_string_append (why, "no profile digest recorded");
      return FALSE;
    }
  actual = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
  if (is_docker (jd->bundle))
    {
      /* Rebuilt from the exact docker argv, normalised here, not from a member that could disagree with it. */
      g_auto(GStrv) docker = strings_of (attest_json_at (jd->bundle, "docker.argv"));
      g_auto(GStrv) normalised = attest_docker_argv_normalise ((const char *const *) docker);

      rebuilt = attest_profile_digest_text ((const char *const *) normalised, attest_json_string_at (jd->bundle, "seccomp_sha256"),
                                            NULL, 0, attest_json_string_at (jd->bundle, "runtime.docker_version"));
      if (strcmp (actual, digest) != 0)
        g_string_append (why, "profile.digest is not the sha256 of profile.text");
      else if (docker[0] == NULL || strcmp (rebuilt, text) != 0)
        g_string_append (why, "profile.text does not match the bundle's docker argv, policy and engine version");
      return why->len == 0;
    }
  for (guint i = 0; limits != NULL && limits->type == ATTEST_JSON_ARRAY && i < limits->items->len; i++)
    {
      const AttestJson *l = g_ptr_array_index (limits->items, i);
      AttestDigestLimit row = { attest_json_string_at (l, "limit"), 0, attest_json_string_at (l, "enforcer"), FALSE };

      (void) int_at (l, "wanted", &row.wanted);
      (void) bool_at (l, "equivalent", &row.equivalent);
      if (row.name == NULL || row.enforcer == NULL)
        break;
      g_array_append_val (rows, row);
    }
  rebuilt = attest_profile_digest_text ((const char *const *) argv,
                                        seccomp ? attest_json_string_at (jd->bundle, "seccomp.bpf_sha256") : NULL,
                                        (const AttestDigestLimit *) rows->data, rows->len,
                                        attest_json_string_at (jd->bundle, "runtime.bwrap_version"));
  if (strcmp (actual, digest) != 0)
    g_string_append (why, "profile.digest is not the sha256 of profile.text");
  else if (strcmp (rebuilt, text) != 0)
    g_string_append (why, "profile.text does not match the bundle's argv, filter, limits and bwrap version");
  return why->len == 0;
}

static const struct
{
  const char *name;
  CheckFunc func;
} checks[] = {
  { "profile_digest", check_profile_digest },
  { "venue_named", check_venue_named },
  { "venue_linux", check_venue_linux },
  { "image_digest", check_image_digest },
  { "seccomp_policy", check_seccomp },
  { "runtime_recorded", check_runtime },
  { "raw_evidence", check_raw_evidence },
  { "limit_pids", check_limit_pids },
  { "limit_memory", check_limit_memory },
  { "limit_swap", check_limit_swap },
  { "limit_cpu", check_limit_cpu },
  { "argv_isolation", check_argv },
  { "not_weakened", check_not_weakened },
  { "namespaces_unshared", check_namespaces },
  { "sandbox_exit", check_sandbox_exit },
  { "inside_digest", check_inside_digest },
  { "inside_consistent", check_inside_consistent },
  { "dynimport", check_dynimport },
  { "run_problems", check_no_problems },
};

static void
judge_check_row (Judge *jd, const AttestMatrixRow *row)
{
  g_autoptr(GString) observed = g_string_new (NULL);
  g_autoptr(GString) why = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (checks); i++)
    if (strcmp (checks[i].name, row->check) == 0)
      {
        gboolean ok;

        jd->downgrade = FALSE;
        ok = checks[i].func (jd, observed, why);
        add_row (jd, row->id, jd->downgrade && row->level == ATTEST_LEVEL_MUST ? ATTEST_LEVEL_SHOULD : row->level,
                 ok, observed->str, ok ? NULL : why->str);
        return;
      }
  /* A matrix naming a check this verifier does not have: fail closed. */
  add_row (jd, row->id, row->level, FALSE, NULL, "this verifier does not know the check");
}

static AttestJson *
parse_inside (const AttestJson *bundle, char **out_problem)
{
  const char *text = attest_json_string_at (bundle, "inside.text");
  g_autoptr(GError) error = NULL;
  AttestJson *inside;

  if (text == NULL)
    {
      const char *err = attest_json_string_at (bundle, "inside.error");
      *out_problem = g_strdup (err != NULL ? err : "no probe output in the bundle");
      return NULL;
    }
  inside = attest_json_parse (text, strlen (text), ATTEST_INSIDE_NAME, &error);
  if (inside == NULL)
    *out_problem = g_strdup (error->message);
  else if (inside->type != ATTEST_JSON_OBJECT)
    {
      *out_problem = g_strdup ("the probe output is not a JSON object");
      g_clear_pointer (&inside, attest_json_free);
    }
  return inside;
}

/* The shape every bundle has (schemas/bundle.schema.json): a member of
 * the wrong type is a malformed bundle (exit 2), not a blocked one. */
static const struct
{
  const char *path;
  guint types;               /* bit mask of AttestJsonType */
} shape[] = {
#define T(t) (1u << ATTEST_JSON_##t)
  { "run_date", T (STRING) },
  { "venue", T (STRING) | T (NULL) },
  { "venue_identity", T (OBJECT) | T (NULL) },
  { "runtime", T (OBJECT) | T (NULL) },
  { "image_digest", T (STRING) | T (NULL) },
  { "seccomp_sha256", T (STRING) | T (NULL) },
  { "seccomp", T (OBJECT) | T (NULL) },
  { "sandbox", T (OBJECT) },
  { "sandbox.bwrap_argv", T (ARRAY) | T (NULL) },
  { "sandbox.weakened", T (STRING) | T (NULL) },
  { "profile", T (OBJECT) },
  { "limits", T (ARRAY) | T (OBJECT) | T (NULL) },
  { "allow_degraded_limits", T (BOOL) },
  { "build_checks", T (OBJECT) },
  { "launch", T (OBJECT) | T (NULL) },
  { "bwrap_status", T (OBJECT) },
  { "bwrap_status.namespaces", T (OBJECT) | T (NULL) },
  { "bwrap_status.host_namespaces", T (OBJECT) | T (NULL) },
  { "inside", T (OBJECT) },
  { "inside.text", T (STRING) | T (NULL) },
  { "inside.sha256", T (STRING) | T (NULL) },
  { "problems", T (ARRAY) },
#undef T
};

/* Members a bundle of an older version may lack; when present, of this type. */
static const struct
{
  const char *path;
  guint types;
} optional_shape[] = {
#define T(t) (1u << ATTEST_JSON_##t)
  { "venue_kind", T (STRING) },
  { "docker", T (OBJECT) | T (NULL) },
  { "docker.argv", T (ARRAY) },
  { "docker.engine", T (OBJECT) | T (NULL) },
#undef T
};

static gboolean
check_shape (const AttestJson *bundle, GError **error)
{
  for (gsize i = 0; i < G_N_ELEMENTS (shape); i++)
    {
      const AttestJson *n = attest_json_at (bundle, shape[i].path);

      if (n == NULL)
        {
          g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON, "%s: required member is missing", shape[i].path);
          return FALSE;
        }
      if (!(shape[i].types & (1u << n->type)))
        {
          g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON, "%s: %s is not allowed here", shape[i].path,
                       attest_json_type_name (n->type));
          return FALSE;
        }
    }
  for (gsize i = 0; i < G_N_ELEMENTS (optional_shape); i++)
    {
      const AttestJson *n = attest_json_at (bundle, optional_shape[i].path);

      if (n != NULL && !(optional_shape[i].types & (1u << n->type)))
        {
          g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON, "%s: %s is not allowed here", optional_shape[i].path,
                       attest_json_type_name (n->type));
          return FALSE;
        }
    }
  if (attest_json_at (bundle, "venue_kind") != NULL && !is_docker (bundle)
      && strcmp (attest_json_string_at (bundle, "venue_kind"), ATTEST_VENUE_KIND_BWRAP) != 0)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON, "venue_kind: \"%s\" is neither bwrap nor docker",
                   attest_json_string_at (bundle, "venue_kind"));
      return FALSE;
    }
  if (is_docker (bundle) && (attest_json_at (bundle, "docker") == NULL || attest_json_at (bundle, "docker")->type != ATTEST_JSON_OBJECT))
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON, "docker: a Docker-venue bundle needs the docker object");
      return FALSE;
    }
  return TRUE;
}

AttestJudgement *
attest_verify (const AttestJson *bundle, const AttestMatrix *matrix, const AttestVerifyOptions *options,
               GError **error)
{
  g_autoptr(AttestJudgement) j = g_new0 (AttestJudgement, 1);
  g_autoptr(GHashTable) matrixed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *inside_problem = NULL;
  g_autoptr(AttestJson) inside = NULL;
  Judge jd;

  if (bundle->type != ATTEST_JSON_OBJECT)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON, "top level: expected an object");
      return NULL;
    }
  if (g_strcmp0 (attest_json_string_at (bundle, "schema"), ATTEST_BUNDLE_SCHEMA) != 0)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON, "schema: not a sandbox-attest bundle (%s)",
                   ATTEST_BUNDLE_SCHEMA);
      return NULL;
    }
  if (!check_shape (bundle, error))
    return NULL;
  inside = parse_inside (bundle, &inside_problem);
  j->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  jd = (Judge) { bundle, inside, inside_problem, options, j, matrixed, FALSE };
  for (guint i = 0; i < matrix->rows->len; i++)
    {
      const AttestMatrixRow *row = g_ptr_array_index (matrix->rows, i);
      if (strcmp (row->kind, "probe") == 0)
        judge_probe_row (&jd, row);
      else
        judge_check_row (&jd, row);
    }
  if (inside != NULL)
    judge_extra_probes (&jd);
  j->accepted = j->n_fail == 0;
  return g_steal_pointer (&j);
}

JsonNode *
attest_judgement_to_json (const AttestJudgement *j)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "verdict");
  json_builder_add_string_value (b, j->accepted ? "ACCEPTED" : "BLOCKED");
  json_builder_set_member_name (b, "rows");
  json_builder_begin_array (b);
  for (guint i = 0; i < j->rows->len; i++)
    {
      const AttestRowResult *r = g_ptr_array_index (j->rows, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, r->id);
      json_builder_set_member_name (b, "level");
      json_builder_add_string_value (b, attest_row_level_name (r->level));
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, attest_row_status_name (r->status));
      json_builder_set_member_name (b, "observed");
      if (r->observed != NULL)
        json_builder_add_string_value (b, r->observed);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "message");
      if (r->message != NULL)
        json_builder_add_string_value (b, r->message);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

AttestJson *
attest_bundle_load_file (const char *path, GError **error)
{
  return attest_bundle_load_file_bytes (path, NULL, error);
}

AttestJson *
attest_bundle_load_file_bytes (const char *path, GBytes **out_bytes, GError **error)
{
  g_autoptr(GBytes) bytes = attest_read_file_limited (path, ATTEST_BUNDLE_MAX_BYTES, TRUE, error);
  AttestJson *parsed;
  gsize len = 0;
  const char *data;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  if (len == 0 || !g_utf8_validate (data, (gssize) len, NULL))
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON, "%s: empty or not valid UTF-8", path);
      return NULL;
    }
  parsed = attest_json_parse (data, len, path, error);
  if (parsed != NULL && out_bytes != NULL)
    *out_bytes = g_steal_pointer (&bytes);
  return parsed;
}
