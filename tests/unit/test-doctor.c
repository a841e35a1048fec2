/* attest_doctor_explain_bwrap_failure(): bwrap's messages as
 * research/bwrap.md §3 quotes them (from bubblewrap.c and the issue
 * threads), and the launcher's staging errors as launch.c words them. */
#include <string.h>

#include "doctor.h"

typedef struct
{
  const char *name;
  const char *bwrap_stderr;
  const char *staging_error;
  const char *cause_has;       /* expected in the cause */
  const char *fix_has;         /* expected in the one-line fix */
} Case;

static const Case cases[] = {
  /* bwrap ≤0.11.0 and 0.11.1 word it differently: matched by prefix. */
  { "userns-clone-old", "bwrap: No permissions to creating new namespace, likely because the kernel does not allow "
    "non-privileged user namespaces. On e.g. debian this can be enabled with 'sysctl kernel.unprivileged_userns_clone=1'.\n",
    NULL, "unprivileged user namespaces", "sysctl -w kernel.unprivileged_userns_clone=1" },
  { "userns-clone-new", "bwrap: No permissions to create a new namespace, likely because the kernel does not allow "
    "non-privileged user namespaces.\n", NULL, "unprivileged user namespaces", "kernel.unprivileged_userns_clone=1" },
  { "max-userns", "bwrap: Creating new namespace failed: nesting depth or /proc/sys/user/max_*_namespaces exceeded (ENOSPC)\n",
    NULL, "max_user_namespaces", "sysctl -w user.max_user_namespaces=15000" },
  { "no-userns", "bwrap: Creating new namespace failed, likely because the kernel does not support user namespaces.  "
    "bwrap must be installed setuid on such systems.\n", NULL, "CONFIG_USER_NS", "CONFIG_USER_NS=y" },
  { "newns-eperm", "bwrap: Creating new namespace failed: Operation not permitted\n", NULL, "refused a new namespace",
    "apparmor_restrict_unprivileged_userns=0" },
  { "apparmor-uidmap", "bwrap: setting up uid map: Permission denied\n", NULL, "apparmor_restrict_unprivileged_userns=1",
    "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0" },
  { "apparmor-loopback", "bwrap: loopback: Failed RTM_NEWADDR: Operation not permitted\n", NULL,
    "--network none", "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0" },
  { "container-proc", "bwrap: Can't mount proc on /newroot/proc: Operation not permitted\n", NULL, "container",
    "systempaths=unconfined" },
  { "selinux-tmpfs", "bwrap: Failed to mount tmpfs: Permission denied\n", NULL, "SELinux", "seccomp=unconfined" },
  { "seccomp-einval", "bwrap: Unable to set up system call filtering as requested: prctl(PR_SET_SECCOMP) reported EINVAL. "
    "(Hint: this requires a kernel configured with CONFIG_SECCOMP and CONFIG_SECCOMP_FILTER.)\n", NULL,
    "seccomp filter", "CONFIG_SECCOMP_FILTER=y" },
  { "setuid-size", "bwrap: The --size option is not permitted in setuid mode\n", NULL, "setuid", "chmod u-s" },
  { "setuid-userns", "bwrap: --userns doesn't work in setuid mode\n", NULL, "setuid", "chmod u-s" },
  { "setuid-build", "bwrap: setuid use of bubblewrap is not supported in this build\n", NULL, "setuid", "chmod u-s" },
  { "file-caps", "bwrap: Unexpected capabilities but not setuid, old file caps config?\n", NULL, "file capabilities",
    "setcap -r" },
  /* bwrap may warn first; the error is a later line.  No "bwrap: " prefix is fine too. */
  { "second-line", "bwrap: warning: something harmless\nsetting up uid map: Permission denied\n", NULL,
    "AppArmor", "apparmor_restrict_unprivileged_userns=0" },

  /* launch.c: "<step name>: <strerror>" */
  { "staging-enospc", NULL, "unshare(CLONE_NEWUSER|CLONE_NEWNS): No space left on device",
    "max_user_namespaces", "user.max_user_namespaces=15000" },
  { "staging-eperm", NULL, "unshare(CLONE_NEWUSER|CLONE_NEWNS): Operation not permitted",
    "unprivileged user namespaces", "kernel.unprivileged_userns_clone=1" },
  { "staging-einval", NULL, "unshare(CLONE_NEWUSER|CLONE_NEWNS): Invalid argument", "CONFIG_USER_NS", "CONFIG_USER_NS" },
  { "staging-tmpfs", NULL, "mounting the noexec tmpfs for /tmp: Permission denied", "cannot mount /tmp",
    "apparmor_restrict_unprivileged_userns=0" },
  { "staging-uidmap", NULL, "staging namespace: writing /proc/42/uid_map: Operation not permitted", "uid map",
    "apparmor_restrict_unprivileged_userns=0" },
  { "staging-creds", NULL, "dropping to the staging uid/gid: Operation not permitted", "65532", "unprivileged account" },
  { "staging-no-bwrap", NULL, "executing bwrap: No such file or directory", "not installed", "apt-get install bubblewrap" },
  /* A staging error wins: it happened before bwrap ran. */
  { "staging-first", "bwrap: setting up uid map: Permission denied\n",
    "unshare(CLONE_NEWUSER|CLONE_NEWNS): No space left on device", "max_user_namespaces", "user.max_user_namespaces" },
  /* An unknown staging error still lets bwrap's message speak. */
  { "staging-unknown-bwrap-known", "bwrap: loopback: Failed RTM_NEWADDR: Operation not permitted\n",
    "something new: Bad address", "AppArmor", "apparmor_restrict_unprivileged_userns=0" },
};

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autofree char *line = attest_doctor_explain_bwrap_failure (c->bwrap_stderr, c->staging_error);
  const char *fix;

  g_assert_nonnull (line);
  g_assert_null (strchr (line, '\n'));
  fix = strstr (line, "; fix: ");
  g_assert_nonnull (fix);
  if (strstr (line, c->cause_has) == NULL || strstr (line, c->cause_has) > fix)
    g_error ("cause of \"%s\" lacks \"%s\"", line, c->cause_has);
  if (strstr (fix, c->fix_has) == NULL)
    g_error ("fix of \"%s\" lacks \"%s\"", line, c->fix_has);
  /* No template left for the operator to fill in by guesswork. */
  g_assert_null (strchr (line, '@'));
}

static void
test_no_match (void)
{
  g_assert_null (attest_doctor_explain_bwrap_failure (NULL, NULL));
  g_assert_null (attest_doctor_explain_bwrap_failure ("", ""));
  g_assert_null (attest_doctor_explain_bwrap_failure ("bwrap: something nobody has seen\n", NULL));
  g_assert_null (attest_doctor_explain_bwrap_failure (NULL, "the staging process died before reporting"));
  /* A prefix match, not a search: the text in the middle of a line is not bwrap's error. */
  g_assert_null (attest_doctor_explain_bwrap_failure ("probe: loopback: Failed RTM_NEWADDR\n", NULL));
}

static void
test_multiline_fix_names_doctor (void)
{
  const char *cause = NULL, *fix = NULL;
  g_autofree char *line = attest_doctor_explain_bwrap_failure ("bwrap: setting up uid map: Permission denied\n", NULL);

  /* The doctor gets every line of the fix: the profile snippet and the GitHub Actions step. */
  g_assert_true (attest_doctor_explain ("bwrap: setting up uid map: Permission denied\n", NULL, &cause, &fix));
  g_assert_nonnull (strstr (fix, "abi <abi/4.0>, include <tunables/global> profile bwrap /usr/bin/bwrap "
                                  "flags=(unconfined) { userns, include if exists <local/bwrap> }"));
  g_assert_nonnull (strstr (fix, "- run: sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"));
  g_assert_nonnull (strstr (fix, "/etc/sysctl.d/"));
  /* run gets the first line and a pointer to the rest. */
  g_assert_nonnull (strstr (line, "sandbox-attest doctor"));
  g_assert_null (strstr (line, "abi <abi/4.0>"));
}

static void
test_bwrap_features (void)
{
  g_autofree char *f080 = attest_doctor_bwrap_features (0, 8, 0);
  g_autofree char *f041 = attest_doctor_bwrap_features (0, 4, 1);
  g_autofree char *f0111 = attest_doctor_bwrap_features (0, 11, 1);
  const char *missing;

  missing = strstr (f080, "; missing: ");
  g_assert_nonnull (missing);
  g_assert_true (strstr (f080, "--size") < missing && strstr (f080, "--disable-userns") < missing);
  g_assert_nonnull (strstr (missing, "--bind-fd"));
  g_assert_nonnull (strstr (missing, "--overlay"));

  missing = strstr (f041, "; missing: ");
  g_assert_nonnull (strstr (missing, "--clearenv"));
  g_assert_nonnull (strstr (missing, "--size (0.7.0)"));
  g_assert_true (strstr (f041, "--json-status-fd") < missing);

  g_assert_true (g_str_has_suffix (f0111, "; missing: -"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/doctor/explain/%s", cases[i].name);
      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/doctor/explain/unknown-is-null", test_no_match);
  g_test_add_func ("/doctor/explain/run-gets-one-line-doctor-the-whole-fix", test_multiline_fix_names_doctor);
  g_test_add_func ("/doctor/bwrap-features/by-version", test_bwrap_features);
  return g_test_run ();
}
