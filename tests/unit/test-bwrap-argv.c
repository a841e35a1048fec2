/* The bwrap argv, line by line: every flag of the reference command is
 * there, in an order bwrap applies correctly, and each weakening removes
 * exactly its protection. */
#include <string.h>

#include "bwrap-argv.h"

static AttestProfile *
profile (void)
{
  AttestProfile *p = attest_profile_new_default ();

  p->bwrap = g_strdup ("/usr/bin/bwrap");
  p->probe = g_strdup ("/w/probe");
  p->in_dir = g_strdup ("/w/in");
  p->out_dir = g_strdup ("/w/out");
  p->run_date = g_strdup ("2026-11-28");
  return p;
}

static char *
joined (GPtrArray *argv)
{
  return g_strjoinv (" ", (char **) argv->pdata);
}

static void
test_reference_argv (void)
{
  g_autoptr(AttestProfile) p = profile ();
  g_autoptr(GPtrArray) argv = attest_bwrap_argv_build (p, "/w/tmp");
  g_autofree char *s = joined (argv);

  g_assert_cmpstr (s, ==,
    "/usr/bin/bwrap --unshare-all --unshare-user --uid 65532 --gid 65532 --hostname sandbox "
    "--die-with-parent --new-session --cap-drop ALL "
    "--clearenv --setenv PATH /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --setenv HOME / --setenv HOSTNAME sandbox "
    "--json-status-fd 4 --seccomp 3 "
    "--ro-bind /w/probe /probe --ro-bind /w/in /in --bind /w/out /out --bind /w/tmp /tmp --proc /proc --dir /dev "
    "--dev-bind /dev/null /dev/null --dev-bind /dev/zero /dev/zero --dev-bind /dev/full /dev/full "
    "--dev-bind /dev/random /dev/random --dev-bind /dev/urandom /dev/urandom --dev-bind /dev/tty /dev/tty "
    "--remount-ro / --chdir / -- /probe --attest --run-date 2026-11-28 --in /in --out /out");
  g_assert_null (g_ptr_array_index (argv, argv->len - 1));
}

static void
test_remount_ro_comes_after_every_mount (void)
{
  g_autoptr(AttestProfile) p = profile ();
  g_autoptr(GPtrArray) argv = attest_bwrap_argv_build (p, "/w/tmp");
  guint remount = 0, last_mount = 0;

  for (guint i = 0; i + 1 < argv->len; i++)
    {
      const char *a = g_ptr_array_index (argv, i);
      if (strcmp (a, "--remount-ro") == 0)
        remount = i;
      else if (g_str_has_suffix (a, "bind") || strcmp (a, "--proc") == 0 || strcmp (a, "--dir") == 0)
        last_mount = i;
    }
  g_assert_cmpuint (remount, >, last_mount);
}

typedef struct
{
  const char *what;
  const char *gone;          /* must no longer appear */
  const char *added;         /* must appear instead (or NULL) */
} Weakening;

static const Weakening weakenings[] = {
  { "seccomp", "--seccomp 3", NULL },
  { "tmp-noexec", "--bind /w/tmp /tmp", "--size 16777216 --perms 1777 --tmpfs /tmp" },
  { "network", NULL, "--share-net" },
  { "capabilities", "--cap-drop ALL", NULL },
  { "env", "--clearenv", NULL },
  { "in-ro", "--ro-bind /w/in /in", "--bind /w/in /in" },
};

static void
test_weakening (gconstpointer data)
{
  const Weakening *w = data;
  g_autoptr(AttestProfile) p = profile ();
  g_autoptr(GPtrArray) argv = NULL;
  g_autofree char *s = NULL;
  g_autofree char *weakened = NULL;

  g_assert_true (attest_profile_weaken (p, w->what, NULL));
  argv = attest_bwrap_argv_build (p, "/w/tmp");
  s = joined (argv);
  if (w->gone != NULL)
    g_assert_null (strstr (s, w->gone));
  if (w->added != NULL)
    g_assert_nonnull (strstr (s, w->added));
  weakened = attest_profile_weakened (p);
  g_assert_cmpstr (weakened, ==, w->what);
}

static void
test_unknown_weakening_refused (void)
{
  g_autoptr(AttestProfile) p = profile ();
  g_autoptr(GError) error = NULL;

  g_assert_false (attest_profile_weaken (p, "everything", &error));
  g_assert_nonnull (error);
}

static void
test_normalised_drops_per_run_paths (void)
{
  g_autoptr(AttestProfile) p = profile ();
  g_autoptr(GPtrArray) argv = attest_bwrap_argv_build (p, "/w/tmp");
  g_autoptr(GPtrArray) norm = attest_bwrap_argv_normalise (argv, p, "/w/tmp");
  g_autofree char *s = NULL;

  g_ptr_array_add (norm, NULL);
  s = joined (norm);
  g_assert_null (strstr (s, "/w/"));
  g_assert_null (strstr (s, "2026-11-28"));
  g_assert_nonnull (strstr (s, "--ro-bind IN /in --bind OUT /out --bind STAGED_TMP /tmp"));
}

/* Found by fuzz-bundle: the argv comes from an untrusted bundle and may be
 * empty or end in the middle of "--ro-bind PROBE". */
static void
test_digest_text_survives_short_argv (void)
{
  const char *empty[] = { NULL };
  const char *cut[] = { "BWRAP", "--ro-bind", "PROBE", NULL };
  g_autofree char *a = attest_profile_digest_text (empty, NULL, NULL, 0, NULL);
  g_autofree char *b = attest_profile_digest_text (cut, "x", NULL, 0, "bubblewrap 0.8.0");

  g_assert_nonnull (strstr (a, "sandbox-attest-profile/1"));
  g_assert_nonnull (strstr (b, "arg PROBE"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bwrap-argv/reference", test_reference_argv);
  g_test_add_func ("/bwrap-argv/remount-ro-last", test_remount_ro_comes_after_every_mount);
  for (gsize i = 0; i < G_N_ELEMENTS (weakenings); i++)
    {
      g_autofree char *name = g_strdup_printf ("/bwrap-argv/weaken/%s", weakenings[i].what);
      g_test_add_data_func (name, &weakenings[i], test_weakening);
    }
  g_test_add_func ("/bwrap-argv/weaken/unknown-refused", test_unknown_weakening_refused);
  g_test_add_func ("/bwrap-argv/normalised", test_normalised_drops_per_run_paths);
  g_test_add_func ("/bwrap-argv/digest-text/survives-short-argv", test_digest_text_survives_short_argv);
  return g_test_run ();
}
