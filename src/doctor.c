#include "doctor.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <seccomp.h>

#include "bwrap-argv.h"
#include "cli.h"
#include "compile.h"
#include "error.h"
#include "fdutil.h"
#include "host.h"
#include "json-writer.h"
#include "launch.h"
#include "paths.h"
#include "policy.h"
#include "profile.h"
#include "sandbox-limits.h"

#define SCHEMA "sandbox-attest-doctor/1"
#define TRIAL_TIMEOUT_S 20
#define SMALL_FILE_MAX (64 * 1024)
#define MOUNTINFO_MAX (4u << 20)
#define MIN_BWRAP_MINOR 5           /* as pipeline.c: 0.5.0 has --clearenv */
#define USERNS_LOW 100              /* below this, parallel runs can exhaust user namespaces */
#define CGROUP2_MAGIC 0x63677270    /* CGROUP2_SUPER_MAGIC */
#define TMPFS_MAGIC_ 0x01021994     /* TMPFS_MAGIC */

/* ---- fixes: exact commands, shared by the doctor table and by `run` ----
 *
 * @BWRAP@, @SELF@ and @USER@ are replaced by the bwrap path, this tool's
 * path and the account name (or by shell expressions in the one-liner).
 * The first line of each fix is the one `run` prints; it must stand alone. */

#define FIX_MAX_USERNS \
  "sysctl -w user.max_user_namespaces=15000\n" \
  "persist it: echo 'user.max_user_namespaces = 15000' > /etc/sysctl.d/90-sandbox-attest-userns.conf"

#define FIX_USERNS_CLONE \
  "sysctl -w kernel.unprivileged_userns_clone=1\n" \
  "persist it: echo 'kernel.unprivileged_userns_clone = 1' > /etc/sysctl.d/90-sandbox-attest-userns.conf\n" \
  "in a container: docker run --security-opt seccomp=unconfined (its default seccomp profile denies unshare)"

#define FIX_NO_USERNS \
  "a kernel built with CONFIG_USER_NS=y (every mainstream distribution kernel has it)\n" \
  "RHEL/CentOS 7: boot with user_namespace.enable=1, then sysctl -w user.max_user_namespaces=15000"

#define FIX_APPARMOR \
  "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0\n" \
  "persist it: echo 'kernel.apparmor_restrict_unprivileged_userns = 0' > /etc/sysctl.d/90-sandbox-attest-userns.conf\n" \
  "or, narrower, an AppArmor profile in /etc/apparmor.d/bwrap: abi <abi/4.0>, include <tunables/global> profile bwrap /usr/bin/bwrap flags=(unconfined) { userns, include if exists <local/bwrap> }\n" \
  "  (bwrap here: @BWRAP@; the same profile is needed for @SELF@, which creates the staging namespace), then: systemctl reload apparmor\n" \
  "GitHub Actions (ubuntu-24.04 runners), a step before the run:  - run: sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"

#define FIX_APPARMOR_UNCONFINED \
  "sudo sysctl -w kernel.apparmor_restrict_unprivileged_unconfined=0\n" \
  "persist it: echo 'kernel.apparmor_restrict_unprivileged_unconfined = 0' > /etc/sysctl.d/90-sandbox-attest-userns.conf"

#define FIX_CONTAINER \
  "run the container with: docker run --security-opt seccomp=unconfined --security-opt apparmor=unconfined --security-opt systempaths=unconfined ...\n" \
  "podman: add --security-opt label=type:spc_t (SELinux); or run sandbox-attest on the host instead of in a container"

#define FIX_SECCOMP_KERNEL \
  "a kernel with CONFIG_SECCOMP=y and CONFIG_SECCOMP_FILTER=y (check: grep SECCOMP /boot/config-$(uname -r))\n" \
  "if the kernel has both, the BPF program is malformed: report it with sandbox-attest compile --manifest"

#define FIX_SETUID \
  "chmod u-s @BWRAP@ (or install the non-setuid package, e.g. Arch's bubblewrap instead of bubblewrap-suid)\n" \
  "run needs unprivileged user namespaces for its staging namespace anyway, so setuid buys nothing"

#define FIX_FILE_CAPS "setcap -r @BWRAP@"

#define FIX_BWRAP_MISSING \
  "apt-get install bubblewrap (dnf install bubblewrap), or pass --bwrap PATH"

#define FIX_IDENTITY \
  "run sandbox-attest as an unprivileged account (the rootless path is the main one)\n" \
  "as uid 0 of a user namespace, map uid and gid 65532 in it (podman's default subuid range does) and allow setgroups"

#define FIX_DELEGATE \
  "systemd hosts: let the user manager delegate the controllers; as root:\n" \
  "  mkdir -p /etc/systemd/system/user@.service.d\n" \
  "  printf '[Service]\\nDelegate=pids memory cpu\\n' > /etc/systemd/system/user@.service.d/delegate.conf\n" \
  "  systemctl daemon-reload\n" \
  "  loginctl enable-linger @USER@      (the user manager then runs without a login session)\n" \
  "hosts without systemd: as root, create a cgroup with the pids, memory and cpu controllers, chown it to @USER@ " \
  "(the folder, cgroup.procs, and on cgroup v1 tasks) and start @USER@'s jobs in it (tests/as-tester.sh shows it for cgroup v1)\n" \
  "or accept weaker limits on purpose: sandbox-attest run --allow-degraded-limits (the bundle then says DEGRADED)"

#define FIX_DELEGATE_ROOT \
  "mount the cgroup controllers pids, memory and cpu (cgroup v2: mount -t cgroup2 none /sys/fs/cgroup), " \
  "or run where the job's cgroup is not read-only (a container: --cgroupns=private with a writable cgroup)"

#define FIX_SWAP_ACCOUNTING \
  "cgroup v1 counts swap only with swap accounting: boot with swapaccount=1 (or use cgroup v2)\n" \
  "or turn swap off: swapoff -a (the limit is then met by the host: no swap at all)"

#define FIX_UNKNOWN \
  "not a failure sandbox-attest knows: run bwrap by hand with the options of this check to see more, " \
  "and report the observed message"

#define FIX_LINGER \
  "loginctl enable-linger @USER@   (as root; the user manager then starts at boot)\n" \
  "then log in again, or use: machinectl shell @USER@@"

/* ---- the checks: data, with what each one degrades and its fix ---- */

typedef struct
{
  const char *id;
  const char *degrades;
  const char *fix;             /* when not ok, unless the check knows better; NULL: never not ok */
} CheckDef;

static const CheckDef check_defs[] = {
  { "bwrap.path", "everything: run cannot build the sandbox (RUN-PROBLEMS)", FIX_BWRAP_MISSING },
  { "bwrap.version", "everything: run needs bwrap 0.5.0 or newer (--clearenv) (RUN-PROBLEMS)",
    "install bubblewrap 0.5.0 or newer (Debian 12 ships 0.8.0)" },
  { "bwrap.privileges", "nothing while the trials pass: run's staging namespace ignores the setuid bit and file capabilities",
    FIX_SETUID },
  { "bwrap.features", "nothing run uses: run needs only the options of bwrap 0.5.0",
    "reinstall bubblewrap: bwrap --version must print its version" },
  { "identity", "--user 65532:65532: as root run drops to host uid 65532, never host root (PR-ID-1)", FIX_IDENTITY },
  { "userns.kernel", "everything: --user, --network none, --read-only and the noexec /tmp need user namespaces",
    FIX_NO_USERNS },
  { "userns.max_user_namespaces", "everything: run's staging namespace and bwrap's sandbox are user namespaces",
    FIX_MAX_USERNS },
  { "userns.unprivileged_userns_clone", "everything: run's staging namespace is created by an unprivileged uid (as root: 65532)",
    FIX_USERNS_CLONE },
  { "userns.module_enable", "everything: user namespaces are switched off", FIX_NO_USERNS },
  { "apparmor.restrict_unprivileged_userns",
    "everything: the staging namespace and bwrap's get no capabilities (--network none loopback, uid map, noexec /tmp mount)",
    FIX_APPARMOR },
  { "apparmor.restrict_unprivileged_unconfined", "everything, where AppArmor confines the caller", FIX_APPARMOR_UNCONFINED },
  { "lsm.label", "nothing by itself: the trials show what the LSM allows", NULL },
  { "container", "/proc (--proc), user and network namespaces: a container's seccomp profile and masked /proc can refuse them",
    FIX_CONTAINER },
  { "trial.userns", "--user 65532:65532: everything (SANDBOX-EXIT, PR-ID-1)", FIX_UNKNOWN },
  { "trial.netns", "--network none (PR-NET-1, PR-NET-2)", FIX_UNKNOWN },
  { "trial.proc", "/proc in the sandbox (PR-PID-1, RAW-EVIDENCE mountinfo, most probes)", FIX_UNKNOWN },
  { "trial.seccomp", "--security-opt seccomp=POLICY.json (PR-SECCOMP-1, PR-SECCOMP-2, PR-SOCK-1, ...)", FIX_UNKNOWN },
  { "trial.tmp-noexec", "--tmpfs /tmp:noexec,nosuid,nodev (PR-MOUNT-1, PR-EXEC-2, NOT-WEAKENED)", FIX_UNKNOWN },
  { "trial.tmp-size", "--tmpfs /tmp:size=16m (PR-MOUNT-1)", FIX_UNKNOWN },
  { "seccomp.kernel", "--security-opt seccomp=POLICY.json (PR-SECCOMP-1)", FIX_SECCOMP_KERNEL },
  { "seccomp.policy", "everything: run stops before the sandbox (exit 2) (SECCOMP-POLICY)",
    "fix the policy: sandbox-attest compile POLICY.json names the file and the JSON location" },
  { "probe", "everything: the probe is the image (IMAGE-DIGEST, PR-DYNIMPORT)",
    "build it (ninja -C _build) or install sandbox-attest; the probe must be a static binary" },
  { "cgroup.layout", "nothing by itself: the limits rows say what can be enforced", NULL },
  { "cgroup.systemd", "the cgroup limits, on hosts where systemd's user manager delegates them", FIX_LINGER },
  { "limits.pids", "--pids-limit 64 (LIMIT-PIDS, PR-RES-PIDS)", FIX_DELEGATE },
  { "limits.memory", "--memory 256m (LIMIT-MEMORY, PR-RES-MEM)", FIX_DELEGATE },
  { "limits.swap", "--memory-swap 256m (LIMIT-SWAP, PR-RES-MEM)", FIX_DELEGATE },
  { "limits.cpu", "--cpus 1 (LIMIT-CPU, PR-RES-CPU)", FIX_DELEGATE },
  { "landlock", "nothing run uses today (a fallback for noexec where the staging mount is refused)",
    "a kernel with CONFIG_SECURITY_LANDLOCK=y and landlock in lsm= on its command line" },
  { "hardening.memfd_noexec",
    "noexec /tmp: memfd_create + fexecve runs code anyway under a policy that allows memfd_create (the shipped one denies it)",
    "sysctl -w vm.memfd_noexec=2   (persist it in /etc/sysctl.d/)" },
  { "hardening.unprivileged_bpf_disabled", "kernel attack surface (bpf) under a policy that allows bpf (PR-KSURF-1)",
    "sysctl -w kernel.unprivileged_bpf_disabled=2   (persist it in /etc/sysctl.d/)" },
  { "hardening.ptrace_scope", "processes outside the sandbox: any process of the same user may ptrace another",
    "sysctl -w kernel.yama.ptrace_scope=1   (persist it in /etc/sysctl.d/)" },
  { "hardening.kptr_restrict", "PR-KINFO-1: kernel pointers in /proc",
    "sysctl -w kernel.kptr_restrict=1   (persist it in /etc/sysctl.d/)" },
  { "hardening.dmesg_restrict", "PR-KINFO-1: the kernel log",
    "sysctl -w kernel.dmesg_restrict=1   (persist it in /etc/sysctl.d/)" },
};

static const CheckDef *
check_def (const char *id)
{
  for (gsize i = 0; i < G_N_ELEMENTS (check_defs); i++)
    if (strcmp (check_defs[i].id, id) == 0)
      return &check_defs[i];
  g_assert_not_reached ();
  return NULL;
}

/* ---- diagnoses of bwrap's and the launcher's failures (research/bwrap.md §3) ---- */

#define CAUSE_APPARMOR \
  "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1, the default on " \
  "Ubuntu 24.04 and GitHub's ubuntu-24.04 runners): the new namespace has no capabilities"
#define CAUSE_MAX_USERNS \
  "user namespaces are exhausted or switched off: user.max_user_namespaces is 0 or too low (or the nesting is too deep)"
#define CAUSE_USERNS_OFF \
  "the kernel refuses unprivileged user namespaces (kernel.unprivileged_userns_clone=0, or a container's seccomp profile)"
#define CAUSE_NO_USERNS "the kernel has no user namespaces (CONFIG_USER_NS is off)"
#define CAUSE_SETUID "bwrap is installed setuid root and refuses in that mode options run uses"

typedef enum { FROM_BWRAP, FROM_STAGING } Source;

typedef struct
{
  Source source;
  const char *prefix;          /* the line starts with it (bwrap's "bwrap: " removed); NULL: any */
  const char *contains;        /* and contains it; NULL: anything */
  const char *cause;
  const char *fix;
} Diagnosis;

/* First match wins: specific rows before general ones. */
static const Diagnosis diagnoses[] = {
  /* The launcher's staging namespace (launch.c step names). */
  { FROM_STAGING, "unshare(CLONE_NEWUSER|CLONE_NEWNS)", "No space left on device", CAUSE_MAX_USERNS, FIX_MAX_USERNS },
  { FROM_STAGING, "unshare(CLONE_NEWUSER|CLONE_NEWNS)", "Operation not permitted", CAUSE_USERNS_OFF, FIX_USERNS_CLONE },
  { FROM_STAGING, "unshare(CLONE_NEWUSER|CLONE_NEWNS)", "Invalid argument", CAUSE_NO_USERNS, FIX_NO_USERNS },
  { FROM_STAGING, "unshare(CLONE_NEWUSER|CLONE_NEWNS)", NULL,
    "the kernel refused the staging user namespace", FIX_MAX_USERNS },
  { FROM_STAGING, "mounting the noexec tmpfs for /tmp", NULL, CAUSE_APPARMOR " (the staging namespace cannot mount /tmp)",
    FIX_APPARMOR },
  { FROM_STAGING, "making the staging mounts private", NULL, CAUSE_APPARMOR " (the staging namespace cannot mount)",
    FIX_APPARMOR },
  { FROM_STAGING, NULL, "uid_map", "the kernel refused the staging namespace's uid map (" CAUSE_APPARMOR ")",
    FIX_APPARMOR },
  { FROM_STAGING, NULL, "gid_map", "the kernel refused the staging namespace's gid map (" CAUSE_APPARMOR ")",
    FIX_APPARMOR },
  { FROM_STAGING, "dropping to the staging uid/gid", NULL,
    "as root, run drops to uid 65532 before it creates its namespaces, and this process cannot "
    "(uid 0 of a user namespace that does not map 65532 or denies setgroups, or CAP_SETUID/CAP_SETGID dropped)",
    FIX_IDENTITY },
  { FROM_STAGING, "executing bwrap", "No such file or directory", "bwrap is not installed where run looks for it",
    FIX_BWRAP_MISSING },
  { FROM_STAGING, "executing bwrap", NULL,
    "bwrap cannot be executed by the staging uid (as root: 65532): not executable, or on a noexec mount",
    "chmod 755 @BWRAP@ and keep it on a mount without noexec" },
  { FROM_STAGING, "setting the rlimit fallbacks", NULL, "the kernel refused the rlimit fallbacks for the limits",
    FIX_DELEGATE },

  /* bwrap's own messages. */
  { FROM_BWRAP, "No permissions to creat", NULL, CAUSE_USERNS_OFF, FIX_USERNS_CLONE },
  { FROM_BWRAP, "Creating new namespace failed", "max_", CAUSE_MAX_USERNS, FIX_MAX_USERNS },
  { FROM_BWRAP, "Creating new namespace failed", "does not support user namespaces", CAUSE_NO_USERNS, FIX_NO_USERNS },
  { FROM_BWRAP, "Creating new namespace failed", NULL,
    "the kernel refused a new namespace (an LSM such as AppArmor, a container's seccomp profile, or an old kernel)",
    FIX_APPARMOR },
  { FROM_BWRAP, "setting up uid map", "Permission denied", CAUSE_APPARMOR, FIX_APPARMOR },
  { FROM_BWRAP, "loopback: Failed RTM_NEWADDR", NULL, CAUSE_APPARMOR " (--network none cannot bring up lo)", FIX_APPARMOR },
  { FROM_BWRAP, "Can't mount proc", NULL,
    "a fresh /proc cannot be mounted: this runs in a container whose /proc has masked or read-only sub-mounts",
    FIX_CONTAINER },
  { FROM_BWRAP, "Failed to mount tmpfs", "Permission denied",
    "SELinux denies the sandbox's mounts (a container without label=type:spc_t)", FIX_CONTAINER },
  { FROM_BWRAP, NULL, "prctl(PR_SET_SECCOMP) reported EINVAL",
    "the kernel refused the seccomp filter (no CONFIG_SECCOMP_FILTER, or a malformed program)", FIX_SECCOMP_KERNEL },
  { FROM_BWRAP, "Invalid seccomp data", NULL, "the seccomp program handed to bwrap is malformed (a bug)",
    "report it with sandbox-attest compile --manifest and bwrap --version" },
  { FROM_BWRAP, NULL, "not permitted in setuid mode", CAUSE_SETUID, FIX_SETUID },
  { FROM_BWRAP, NULL, "doesn't work in setuid mode", CAUSE_SETUID, FIX_SETUID },
  { FROM_BWRAP, NULL, "in setuid mode can be used only by root", CAUSE_SETUID, FIX_SETUID },
  { FROM_BWRAP, "setuid use of bubblewrap is not supported", NULL,
    "this bwrap build refuses to run setuid, and it is installed setuid", FIX_SETUID },
  { FROM_BWRAP, "cannot open /proc/sys/user/max_user_namespaces", NULL, CAUSE_SETUID, FIX_SETUID },
  { FROM_BWRAP, "Unexpected capabilities but not setuid", NULL, "bwrap has file capabilities (an old file-caps setup)",
    FIX_FILE_CAPS },
  { FROM_BWRAP, "Can't find source path", NULL,
    "a folder bound into the sandbox does not exist or the sandbox's uid (as root: host uid 65532) cannot reach it",
    "make every folder on the way to it o+x, or use folders under /tmp" },
  { FROM_BWRAP, "execvp", NULL,
    "bwrap could not execute the command inside the sandbox (the probe must be a static binary)",
    "rebuild the probe (ninja -C _build) or pass --probe a static binary" },
};

static gboolean
diagnosis_matches (const Diagnosis *dx, const char *line)
{
  if (dx->prefix != NULL && !g_str_has_prefix (line, dx->prefix))
    return FALSE;
  return dx->contains == NULL || strstr (line, dx->contains) != NULL;
}

static const Diagnosis *
diagnose_line (Source source, const char *line)
{
  for (gsize i = 0; i < G_N_ELEMENTS (diagnoses); i++)
    if (diagnoses[i].source == source && diagnosis_matches (&diagnoses[i], line))
      return &diagnoses[i];
  return NULL;
}

/* One bwrap line at a time: bwrap may print warnings before the error. */
static const Diagnosis *
diagnose_bwrap (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);
      const Diagnosis *dx;

      if (g_str_has_prefix (line, "bwrap: "))
        line += strlen ("bwrap: ");
      if ((dx = diagnose_line (FROM_BWRAP, line)) != NULL)
        return dx;
    }
  return NULL;
}

gboolean
attest_doctor_explain (const char *bwrap_stderr, const char *staging_error,
                       const char **out_cause, const char **out_fix)
{
  const Diagnosis *dx = NULL;

  if (staging_error != NULL)
    {
      g_autofree char *line = g_strstrip (g_strdup (staging_error));
      dx = diagnose_line (FROM_STAGING, line);
    }
  if (dx == NULL && bwrap_stderr != NULL)
    dx = diagnose_bwrap (bwrap_stderr);
  if (dx == NULL)
    return FALSE;
  *out_cause = dx->cause;
  *out_fix = dx->fix;
  return TRUE;
}

static char *
substitute (const char *text, const char *bwrap, const char *self, const char *user)
{
  const struct { const char *key; const char *value; } subst[] = {
    { "@BWRAP@", bwrap }, { "@SELF@", self }, { "@USER@", user },
  };
  GString *s = g_string_new (text);

  for (gsize i = 0; i < G_N_ELEMENTS (subst); i++)
    g_string_replace (s, subst[i].key, subst[i].value, 0);
  return g_string_free (s, FALSE);
}

char *
attest_doctor_explain_bwrap_failure (const char *bwrap_stderr, const char *staging_error)
{
  const char *cause = NULL, *fix = NULL;
  const char *nl;
  g_autofree char *first = NULL;
  g_autofree char *shell = NULL;

  if (!attest_doctor_explain (bwrap_stderr, staging_error, &cause, &fix))
    return NULL;
  /* run knows neither the account nor (here) the paths: shell expressions
   * the operator can paste. */
  nl = strchr (fix, '\n');
  first = nl != NULL ? g_strndup (fix, (gsize) (nl - fix)) : g_strdup (fix);
  shell = substitute (first, "$(command -v bwrap)", "$(command -v sandbox-attest)", "$USER");
  return g_strdup_printf ("%s; fix: %s%s", cause, shell, nl != NULL ? " (sandbox-attest doctor shows the whole fix)" : "");
}

/* ---- the report ---- */

typedef struct
{
  const AttestDoctorOptions *o;
  AttestDoctorReport *report;
  char *bwrap;               /* resolved path, NULL when not found */
  gboolean bwrap_runs;
  guint major, minor, micro;
  gboolean setuid;
  char *user;
  char *self;
} Doctor;

const char *
attest_doctor_status_name (AttestDoctorStatus status)
{
  switch (status)
    {
    case ATTEST_DOCTOR_OK: return "ok";
    case ATTEST_DOCTOR_WARN: return "warn";
    case ATTEST_DOCTOR_FAIL: return "fail";
    default: return "?";
    }
}

static void
check_free (AttestDoctorCheck *c)
{
  g_free (c->observed);
  g_free (c->fix);
  g_free (c);
}

void
attest_doctor_report_free (AttestDoctorReport *report)
{
  if (report == NULL)
    return;
  g_ptr_array_unref (report->checks);
  g_free (report);
}

/* @fix NULL: the table's fix for @id. */
static void G_GNUC_PRINTF (5, 6)
add (Doctor *d, const char *id, AttestDoctorStatus status, const char *fix, const char *fmt, ...)
{
  const CheckDef *def = check_def (id);
  AttestDoctorCheck *c = g_new0 (AttestDoctorCheck, 1);
  va_list ap;

  c->id = def->id;
  c->status = status;
  c->degrades = def->degrades;
  va_start (ap, fmt);
  c->observed = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (fix == NULL)
    fix = def->fix != NULL ? def->fix : FIX_UNKNOWN;
  if (status != ATTEST_DOCTOR_OK && fix != NULL)
    c->fix = substitute (fix, d->bwrap != NULL ? d->bwrap : "/usr/bin/bwrap", d->self, d->user);
  if (status == ATTEST_DOCTOR_WARN)
    d->report->n_warn++;
  if (status == ATTEST_DOCTOR_FAIL)
    d->report->n_fail++;
  g_debug ("doctor: %s: %s: %s", id, attest_doctor_status_name (status), c->observed);
  g_ptr_array_add (d->report->checks, c);
}

/* ---- small readers ---- */

/* The first line of a small /proc or /sys file, NULL when unreadable. */
static char *
read_line (const char *path)
{
  g_autoptr(GBytes) bytes = attest_read_file_limited (path, SMALL_FILE_MAX, FALSE, NULL);
  const char *data;
  gsize len = 0;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  return g_strstrip (g_strndup (data != NULL ? data : "", len));
}

/* A sysctl as an integer; FALSE when absent or not a number. */
static gboolean
read_sysctl (const char *name, gint64 *out_value)
{
  g_autofree char *rel = g_strdelimit (g_strdup (name), ".", '/');
  g_autofree char *path = g_build_filename ("/proc/sys", rel, NULL);
  g_autofree char *text = read_line (path);
  char *end = NULL;
  gint64 v;

  if (text == NULL || *text == '\0')
    return FALSE;
  v = g_ascii_strtoll (text, &end, 10);
  if (end == text || *end != '\0')
    return FALSE;
  *out_value = v;
  return TRUE;
}

static char *
proc_status_field (const char *field)
{
  g_autoptr(GBytes) bytes = attest_read_file_limited ("/proc/self/status", SMALL_FILE_MAX, FALSE, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *key = g_strconcat (field, ":", NULL);

  if (bytes == NULL)
    return NULL;
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], key))
      return g_strstrip (g_strdup (lines[i] + strlen (key)));
  return NULL;
}

/* ---- bwrap ---- */

static const struct
{
  guint minor;
  const char *options;
} bwrap_features[] = {
  { 1, "--seccomp --unshare-cgroup --info-fd --remount-ro --new-session --die-with-parent" },
  { 2, "--cap-add/--cap-drop --as-pid-1" },
  { 3, "--json-status-fd" },
  { 4, "--userns" },
  { 5, "--clearenv --perms --chmod" },
  { 6, "--add-seccomp-fd" },
  { 7, "--size" },
  { 8, "--disable-userns --assert-userns-disabled" },
  { 9, "--argv0" },
  { 10, "--bind-fd --ro-bind-fd" },
  { 11, "--overlay --tmp-overlay --ro-overlay --level-prefix" },
};

char *
attest_doctor_bwrap_features (guint major, guint minor, guint micro)
{
  g_autoptr(GString) have = g_string_new (NULL);
  g_autoptr(GString) missing = g_string_new (NULL);

  /* Counted by minor release: the options that came in a micro release
   * (0.1.2, 0.1.7, 0.1.8, 0.3.2) are all older than the 0.5.0 run needs. */
  (void) micro;
  for (gsize i = 0; i < G_N_ELEMENTS (bwrap_features); i++)
    {
      gboolean present = major > 0 || minor >= bwrap_features[i].minor;
      GString *s = present ? have : missing;

      if (s->len > 0)
        g_string_append_c (s, ' ');
      g_string_append (s, bwrap_features[i].options);
      if (!present)
        g_string_append_printf (s, " (0.%u.0)", bwrap_features[i].minor);
    }
  return g_strdup_printf ("%s; missing: %s", have->len > 0 ? have->str : "-", missing->len > 0 ? missing->str : "-");
}

static void
check_bwrap (Doctor *d)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL;
  g_autofree char *features = NULL;
  struct stat st;
  gboolean caps;

  d->bwrap = d->o->bwrap != NULL ? g_strdup (d->o->bwrap) : attest_paths_bwrap ();
  if (d->bwrap == NULL || stat (d->bwrap, &st) < 0)
    {
      add (d, "bwrap.path", ATTEST_DOCTOR_FAIL, NULL, "%s", d->bwrap != NULL ? d->bwrap : "bwrap not found in PATH");
      add (d, "bwrap.version", ATTEST_DOCTOR_FAIL, FIX_BWRAP_MISSING, "not run: no bwrap");
      add (d, "bwrap.privileges", ATTEST_DOCTOR_WARN, FIX_BWRAP_MISSING, "not checked: no bwrap");
      add (d, "bwrap.features", ATTEST_DOCTOR_WARN, FIX_BWRAP_MISSING, "not checked: no bwrap");
      return;
    }
  add (d, "bwrap.path", ATTEST_DOCTOR_OK, NULL, "%s", d->bwrap);
  d->bwrap_runs = attest_host_bwrap_version (d->bwrap, &d->major, &d->minor, &d->micro, &version, &error);
  if (!d->bwrap_runs)
    add (d, "bwrap.version", ATTEST_DOCTOR_FAIL, NULL, "%s", error->message);
  else if (d->major == 0 && d->minor < MIN_BWRAP_MINOR)
    add (d, "bwrap.version", ATTEST_DOCTOR_FAIL, NULL, "%s: older than 0.%d.0", version, MIN_BWRAP_MINOR);
  else
    add (d, "bwrap.version", ATTEST_DOCTOR_OK, NULL, "%s", version);

  d->setuid = (st.st_mode & S_ISUID) != 0;
  caps = getxattr (d->bwrap, "security.capability", NULL, 0) > 0;
  if (d->setuid || caps)
    add (d, "bwrap.privileges", ATTEST_DOCTOR_WARN, d->setuid ? FIX_SETUID : FIX_FILE_CAPS, "%s%s%s",
         d->setuid ? "setuid root" : "", d->setuid && caps ? ", " : "", caps ? "file capabilities" : "");
  else
    add (d, "bwrap.privileges", ATTEST_DOCTOR_OK, NULL, "not setuid, no file capabilities");

  if (!d->bwrap_runs)
    {
      add (d, "bwrap.features", ATTEST_DOCTOR_WARN, NULL, "not checked: bwrap --version failed");
      return;
    }
  features = attest_doctor_bwrap_features (d->major, d->minor, d->micro);
  add (d, "bwrap.features", ATTEST_DOCTOR_OK, NULL, "%s%s", features,
       d->setuid ? "; setuid mode refuses --size, --overlay, --userns" : "");
}

/* ---- identity ---- */

/* TRUE when @id is inside one of the ranges of a uid_map/gid_map. */
static gboolean
id_mapped (const char *map_path, guint id)
{
  g_autoptr(GBytes) bytes = attest_read_file_limited (map_path, SMALL_FILE_MAX, FALSE, NULL);
  g_autofree char *text = bytes != NULL ? g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)) : NULL;
  g_auto(GStrv) lines = text != NULL ? g_strsplit (text, "\n", -1) : NULL;

  for (guint i = 0; lines != NULL && lines[i] != NULL; i++)
    {
      guint64 inside = 0, outside = 0, count = 0;
      if (sscanf (lines[i], "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &inside, &outside, &count) == 3
          && id >= inside && id - inside < count)
        return TRUE;
    }
  return FALSE;
}

static gboolean
in_initial_userns (void)
{
  g_autofree char *map = read_line ("/proc/self/uid_map");
  g_auto(GStrv) f = map != NULL ? g_strsplit_set (map, " \t", -1) : NULL;
  GPtrArray *words = g_ptr_array_new ();
  gboolean initial;

  for (guint i = 0; f != NULL && f[i] != NULL; i++)
    if (*f[i] != '\0')
      g_ptr_array_add (words, f[i]);
  initial = words->len == 3 && strcmp (g_ptr_array_index (words, 0), "0") == 0
            && strcmp (g_ptr_array_index (words, 1), "0") == 0
            && strcmp (g_ptr_array_index (words, 2), "4294967295") == 0;
  g_ptr_array_unref (words);
  return initial;
}

static void
check_identity (Doctor *d)
{
  uid_t uid = getuid ();
  gboolean initial = in_initial_userns ();
  g_autofree char *setgroups = read_line ("/proc/self/setgroups");

  if (uid != 0)
    {
      add (d, "identity", ATTEST_DOCTOR_OK, NULL, "uid %u (%s)%s", (guint) uid, d->user,
           initial ? "" : " in a user namespace");
      return;
    }
  if (initial)
    {
      add (d, "identity", ATTEST_DOCTOR_WARN, NULL,
           "uid 0 (root): run drops to uid 65532 in its staging namespace and passes --cap-drop ALL; "
           "an unprivileged account is the main path");
      return;
    }
  if (!id_mapped ("/proc/self/uid_map", ATTEST_SANDBOX_UID) || !id_mapped ("/proc/self/gid_map", ATTEST_SANDBOX_GID)
      || g_strcmp0 (setgroups, "deny") == 0)
    add (d, "identity", ATTEST_DOCTOR_FAIL, NULL,
         "uid 0 of a user namespace that %s: run cannot drop to uid 65532 for its staging namespace",
         g_strcmp0 (setgroups, "deny") == 0 && id_mapped ("/proc/self/uid_map", ATTEST_SANDBOX_UID)
           ? "denies setgroups" : "does not map uid/gid 65532");
  else
    add (d, "identity", ATTEST_DOCTOR_WARN, NULL, "uid 0 of a user namespace that maps 65532");
}

/* ---- user namespaces ---- */

static void
check_userns_knobs (Doctor *d)
{
  gint64 v = 0;
  g_autofree char *module = read_line ("/sys/module/user_namespace/parameters/enable");

  if (g_file_test ("/proc/self/ns/user", G_FILE_TEST_EXISTS))
    add (d, "userns.kernel", ATTEST_DOCTOR_OK, NULL, "/proc/self/ns/user exists");
  else
    add (d, "userns.kernel", ATTEST_DOCTOR_FAIL, NULL, "no /proc/self/ns/user: the kernel has no user namespaces");

  if (!read_sysctl ("user.max_user_namespaces", &v))
    add (d, "userns.max_user_namespaces", ATTEST_DOCTOR_WARN, NULL, "/proc/sys/user/max_user_namespaces is not readable");
  else if (v == 0)
    add (d, "userns.max_user_namespaces", ATTEST_DOCTOR_FAIL, NULL,
         "user.max_user_namespaces = 0: no user namespace can be created");
  else if (v < USERNS_LOW)
    add (d, "userns.max_user_namespaces", ATTEST_DOCTOR_WARN, NULL,
         "user.max_user_namespaces = %" G_GINT64_FORMAT ": each run takes 2 or 3, parallel runs may run out", v);
  else
    add (d, "userns.max_user_namespaces", ATTEST_DOCTOR_OK, NULL, "user.max_user_namespaces = %" G_GINT64_FORMAT, v);

  /* Debian's and linux-hardened's knob; mainline has none.  As root it
   * applies too: run drops to 65532 before it unshares. */
  if (!read_sysctl ("kernel.unprivileged_userns_clone", &v))
    add (d, "userns.unprivileged_userns_clone", ATTEST_DOCTOR_OK, NULL, "absent (a kernel without this knob)");
  else if (v == 0)
    add (d, "userns.unprivileged_userns_clone", ATTEST_DOCTOR_FAIL, NULL,
         "kernel.unprivileged_userns_clone = 0: unprivileged user namespaces are off");
  else
    add (d, "userns.unprivileged_userns_clone", ATTEST_DOCTOR_OK, NULL, "kernel.unprivileged_userns_clone = %" G_GINT64_FORMAT, v);

  if (module == NULL)
    add (d, "userns.module_enable", ATTEST_DOCTOR_OK, NULL, "absent (only RHEL/CentOS 7 has it)");
  else if (g_ascii_strcasecmp (module, "N") == 0 || strcmp (module, "0") == 0)
    add (d, "userns.module_enable", ATTEST_DOCTOR_FAIL, NULL, "/sys/module/user_namespace/parameters/enable = %s", module);
  else
    add (d, "userns.module_enable", ATTEST_DOCTOR_OK, NULL, "/sys/module/user_namespace/parameters/enable = %s", module);
}

static const char *const apparmor_bwrap_profiles[] = {
  "/etc/apparmor.d/bwrap", "/etc/apparmor.d/bwrap-userns-restrict", "/etc/apparmor.d/sandbox-attest", NULL,
};

static void
check_apparmor (Doctor *d)
{
  gint64 v = 0;
  g_autofree char *label = read_line ("/proc/self/attr/apparmor/current");
  const char *profile = NULL;

  for (guint i = 0; apparmor_bwrap_profiles[i] != NULL && profile == NULL; i++)
    if (g_file_test (apparmor_bwrap_profiles[i], G_FILE_TEST_EXISTS))
      profile = apparmor_bwrap_profiles[i];

  if (!read_sysctl ("kernel.apparmor_restrict_unprivileged_userns", &v))
    add (d, "apparmor.restrict_unprivileged_userns", ATTEST_DOCTOR_OK, NULL, "absent (not an Ubuntu kernel)");
  else if (v == 0)
    add (d, "apparmor.restrict_unprivileged_userns", ATTEST_DOCTOR_OK, NULL, "kernel.apparmor_restrict_unprivileged_userns = 0");
  else if (profile != NULL)
    /* A profile may grant userns to bwrap; the trials say whether it covers run. */
    add (d, "apparmor.restrict_unprivileged_userns", ATTEST_DOCTOR_WARN, NULL,
         "kernel.apparmor_restrict_unprivileged_userns = %" G_GINT64_FORMAT ", profile %s present", v, profile);
  else
    add (d, "apparmor.restrict_unprivileged_userns", ATTEST_DOCTOR_FAIL, NULL,
         "kernel.apparmor_restrict_unprivileged_userns = %" G_GINT64_FORMAT ", no profile grants userns to bwrap", v);

  if (!read_sysctl ("kernel.apparmor_restrict_unprivileged_unconfined", &v))
    add (d, "apparmor.restrict_unprivileged_unconfined", ATTEST_DOCTOR_OK, NULL, "absent");
  else
    add (d, "apparmor.restrict_unprivileged_unconfined", v == 0 ? ATTEST_DOCTOR_OK : ATTEST_DOCTOR_WARN, NULL,
         "kernel.apparmor_restrict_unprivileged_unconfined = %" G_GINT64_FORMAT, v);

  if (label == NULL)
    label = read_line ("/proc/self/attr/current");
  add (d, "lsm.label", ATTEST_DOCTOR_OK, NULL, "%s", label != NULL && *label != '\0' ? label : "none (no LSM label)");
}

/* ---- container ---- */

/* Docker and podman mask /proc/kcore, /proc/keys, ... with bind mounts;
 * a host has at most binfmt_misc below /proc. */
static guint
masked_proc_mounts (void)
{
  g_autoptr(GBytes) bytes = attest_read_file_limited ("/proc/self/mountinfo", MOUNTINFO_MAX, FALSE, NULL);
  g_autofree char *text = bytes != NULL ? g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)) : NULL;
  g_auto(GStrv) lines = text != NULL ? g_strsplit (text, "\n", -1) : NULL;
  guint n = 0;

  for (guint i = 0; lines != NULL && lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], " ", 6);
      if (g_strv_length (f) >= 5 && g_str_has_prefix (f[4], "/proc/") && !g_str_has_prefix (f[4], "/proc/sys/fs/binfmt_misc"))
        n++;
    }
  return n;
}

static void
check_container (Doctor *d)
{
  g_autoptr(GString) seen = g_string_new (NULL);
  g_autofree char *seccomp = proc_status_field ("Seccomp");
  const char *env = g_getenv ("container");
  guint masked = masked_proc_mounts ();

  if (g_file_test ("/.dockerenv", G_FILE_TEST_EXISTS))
    g_string_append (seen, ", /.dockerenv");
  if (g_file_test ("/run/.containerenv", G_FILE_TEST_EXISTS))
    g_string_append (seen, ", /run/.containerenv");
  if (env != NULL && *env != '\0')
    g_string_append_printf (seen, ", container=%s", env);
  if (g_strcmp0 (seccomp, "2") == 0)
    g_string_append (seen, ", a seccomp filter on this process already");
  if (masked > 0)
    g_string_append_printf (seen, ", %u mounts below /proc (masked paths)", masked);
  if (seen->len == 0)
    add (d, "container", ATTEST_DOCTOR_OK, NULL, "no container markers");
  else
    add (d, "container", ATTEST_DOCTOR_WARN, NULL, "container markers: %s (the trials say whether it matters)", seen->str + 2);
}

/* ---- trial sandboxes, launched the way run launches them ---- */

typedef struct
{
  gboolean ok;               /* bwrap ran the command and it exited 0 */
  char *out;                 /* the command's stdout */
  char *problem;             /* one line: what went wrong */
  const char *cause, *fix;   /* the diagnosis, when one matches */
} Trial;

static void
trial_clear (Trial *t)
{
  g_free (t->out);
  g_free (t->problem);
}

/* A read-only root from the host's /usr (and /bin, /lib... as links or
 * binds, whichever the host has) so that /bin/sh runs inside. */
static void
add_host_root (GPtrArray *argv)
{
  static const char *const top[] = { "bin", "sbin", "lib", "lib32", "lib64", "libx32", NULL };

  g_ptr_array_add (argv, g_strdup ("--ro-bind"));
  g_ptr_array_add (argv, g_strdup ("/usr"));
  g_ptr_array_add (argv, g_strdup ("/usr"));
  for (guint i = 0; top[i] != NULL; i++)
    {
      g_autofree char *path = g_strconcat ("/", top[i], NULL);
      g_autofree char *target = g_file_read_link (path, NULL);
      struct stat st;

      if (target != NULL)
        {
          g_ptr_array_add (argv, g_strdup ("--symlink"));
          g_ptr_array_add (argv, g_steal_pointer (&target));
        }
      else if (lstat (path, &st) == 0 && S_ISDIR (st.st_mode))
        {
          g_ptr_array_add (argv, g_strdup ("--ro-bind"));
          g_ptr_array_add (argv, g_strdup (path));
        }
      else
        continue;
      g_ptr_array_add (argv, g_strdup (path));
    }
  /* The dynamic loader's cache; without it multiarch library paths may be missed. */
  g_ptr_array_add (argv, g_strdup ("--ro-bind-try"));
  g_ptr_array_add (argv, g_strdup ("/etc/ld.so.cache"));
  g_ptr_array_add (argv, g_strdup ("/etc/ld.so.cache"));
}

static GPtrArray *
trial_argv (const Doctor *d, const char *const *extra, const char *script)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  const char *const common[] = {
    "--unshare-user", "--uid", G_STRINGIFY (ATTEST_SANDBOX_UID), "--gid", G_STRINGIFY (ATTEST_SANDBOX_GID),
    "--cap-drop", "ALL", "--die-with-parent", "--new-session", "--setenv", "PATH", "/usr/bin:/bin", NULL,
  };

  g_ptr_array_add (argv, g_strdup (d->bwrap));
  for (guint i = 0; common[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (common[i]));
  add_host_root (argv);
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (extra[i]));
  g_ptr_array_add (argv, g_strdup ("--"));
  g_ptr_array_add (argv, g_strdup ("/bin/sh"));
  g_ptr_array_add (argv, g_strdup ("-c"));
  g_ptr_array_add (argv, g_strdup (script));
  g_ptr_array_add (argv, NULL);
  return argv;
}

static char *
first_line (GBytes *bytes)
{
  gsize len = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;
  g_autofree char *text = g_strndup (data != NULL ? data : "", len);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (*g_strstrip (lines[i]) != '\0')
      return g_strdup (lines[i]);
  return NULL;
}

static char *
bytes_text (GBytes *bytes)
{
  gsize len = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;
  return g_strndup (data != NULL ? data : "", len);
}

/* Runs @script in a minimal bwrap sandbox through attest_launch(): the
 * staging user+mount namespace included, as root dropped to 65532. */
static void
trial_run (const Doctor *d, const char *const *extra, const char *script, int seccomp_fd, const char *staged_tmp,
           Trial *t)
{
  g_autoptr(GPtrArray) argv = trial_argv (d, extra, script);
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestLaunchResult) r = NULL;
  g_autofree char *err_line = NULL;
  g_autofree char *err_text = NULL;
  AttestLaunchSpec spec = { argv, seccomp_fd, staged_tmp, NULL, TRIAL_TIMEOUT_S,
                            getuid () == 0 ? ATTEST_SANDBOX_UID : getuid (),
                            getgid () == 0 ? ATTEST_SANDBOX_GID : getgid (), FALSE };

  r = attest_launch (&spec, &error);
  if (r == NULL)
    {
      t->problem = g_strdup (error->message);
      (void) attest_doctor_explain (NULL, error->message, &t->cause, &t->fix);
      return;
    }
  t->out = bytes_text (r->out);
  err_line = first_line (r->err);
  err_text = bytes_text (r->err);
  t->ok = r->exec_ok && !r->timed_out && WIFEXITED (r->wait_status) && WEXITSTATUS (r->wait_status) == 0;
  if (t->ok)
    return;
  if (r->staging_error != NULL)
    t->problem = g_strdup_printf ("staging namespace: %s", r->staging_error);
  else if (r->timed_out)
    t->problem = g_strdup_printf ("no exit within %d s", TRIAL_TIMEOUT_S);
  else if (err_line != NULL)
    t->problem = g_strdup (err_line);
  else if (WIFSIGNALED (r->wait_status))
    t->problem = g_strdup_printf ("killed by signal %d", WTERMSIG (r->wait_status));
  else
    t->problem = g_strdup_printf ("exit status %d, no message", WEXITSTATUS (r->wait_status));
  (void) attest_doctor_explain (err_text, r->staging_error, &t->cause, &t->fix);
}

static void
add_trial (Doctor *d, const char *id, const Trial *t, const char *ok_text)
{
  if (t->ok)
    add (d, id, ATTEST_DOCTOR_OK, NULL, "%s", ok_text);
  else if (t->cause != NULL)
    add (d, id, ATTEST_DOCTOR_FAIL, t->fix, "%s -- %s", t->problem, t->cause);
  else
    add (d, id, ATTEST_DOCTOR_FAIL, NULL, "%s", t->problem);
}

/* The value printed as "KEY=VALUE" by a trial script, NULL when absent. */
static char *
trial_value (const Trial *t, const char *key)
{
  g_auto(GStrv) lines = g_strsplit (t->out != NULL ? t->out : "", "\n", -1);
  g_autofree char *prefix = g_strconcat (key, "=", NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return g_strdup (lines[i] + strlen (prefix));
  return NULL;
}

static void
trials_basic (Doctor *d)
{
  const char *const net[] = { "--unshare-net", "--unshare-pid", "--proc", "/proc", NULL };
  const char *const proc[] = { "--unshare-pid", "--proc", "/proc", NULL };
  /* dash has no `ip`: the interfaces the kernel lists are the proof. */
  const char *net_script = "while read -r l; do case $l in *:*) echo \"if=${l%%:*}\";; esac; done < /proc/net/dev; exit 0";
  Trial t = { 0 };

  trial_run (d, NULL, "exit 0", -1, NULL, &t);
  add_trial (d, "trial.userns", &t, "bwrap --unshare-user --uid 65532 ran a command");
  trial_clear (&t);

  t = (Trial) { 0 };
  trial_run (d, net, net_script, -1, NULL, &t);
  if (t.ok)
    {
      g_auto(GStrv) lines = g_strsplit (t.out, "\n", -1);
      guint n_other = 0;
      for (guint i = 0; lines[i] != NULL; i++)
        if (g_str_has_prefix (lines[i], "if=") && strcmp (g_strstrip (lines[i] + 3), "lo") != 0)
          n_other++;
      if (n_other > 0)
        {
          t.ok = FALSE;
          t.problem = g_strdup_printf ("%u interfaces besides lo inside --unshare-net", n_other);
        }
    }
  add_trial (d, "trial.netns", &t, "--unshare-net: only lo, loopback configured");
  trial_clear (&t);

  t = (Trial) { 0 };
  trial_run (d, proc, "read -r pid rest < /proc/self/stat && echo pid=$pid", -1, NULL, &t);
  add_trial (d, "trial.proc", &t, "--unshare-pid --proc /proc mounted a fresh /proc");
  trial_clear (&t);
}

/* The trivial policy of the seccomp trial: allow everything but acct(2). */
static const char trial_policy[] =
  "{ \"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [ { \"names\": [\"acct\"], \"action\": \"SCMP_ACT_ERRNO\" } ] }";

static void
trial_seccomp (Doctor *d)
{
  g_autofree char *fd_arg = g_strdup_printf ("%d", ATTEST_FD_SECCOMP);
  const char *const extra[] = { "--unshare-pid", "--proc", "/proc", "--seccomp", fd_arg, NULL };
  g_autoptr(GBytes) bytes = g_bytes_new_static (trial_policy, sizeof trial_policy - 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestPolicy) policy = attest_policy_load_bytes (bytes, "doctor-trial-policy", &error);
  g_autoptr(AttestFilter) filter = NULL;
  g_autofree char *seccomp = NULL;
  AttestCompileOptions options = { 0 };
  attest_autofd fd = -1;
  Trial t = { 0 };

  if (policy != NULL)
    filter = attest_compile (policy, &options, &error);
  if (filter != NULL)
    fd = attest_sealed_memfd_new ("sandbox-attest-doctor-bpf", filter->bpf, &error);
  if (fd < 0)
    {
      add (d, "trial.seccomp", ATTEST_DOCTOR_FAIL, FIX_SECCOMP_KERNEL, "compiling the trial policy: %s", error->message);
      return;
    }
  trial_run (d, extra, "while read -r k v; do [ \"$k\" = Seccomp: ] && echo seccomp=$v; done < /proc/self/status; exit 0",
             fd, NULL, &t);
  seccomp = trial_value (&t, "seccomp");
  if (t.ok && g_strcmp0 (seccomp, "2") != 0)
    {
      t.ok = FALSE;
      t.problem = g_strdup_printf ("the sandbox shows Seccomp: %s, not 2 (filter mode)", seccomp != NULL ? seccomp : "?");
    }
  add_trial (d, "trial.seccomp", &t, "bwrap --seccomp loaded a filter (Seccomp: 2 inside)");
  trial_clear (&t);
}

/* From the /tmp line of a mountinfo: per-mount options and super options. */
static gboolean
tmp_mount_options (const char *mountinfo, char **out_opts, char **out_super)
{
  g_auto(GStrv) lines = g_strsplit (mountinfo, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], " ", -1);
      guint n = g_strv_length (f);

      if (n < 10 || strcmp (f[4], "/tmp") != 0)
        continue;
      for (guint j = 6; j + 3 < n; j++)
        if (strcmp (f[j], "-") == 0)
          {
            *out_opts = g_strdup (f[5]);
            *out_super = g_strdup (f[j + 3]);
            return TRUE;
          }
    }
  return FALSE;
}

static gboolean
has_option (const char *opts, const char *opt)
{
  g_auto(GStrv) o = g_strsplit (opts, ",", -1);
  return g_strv_contains ((const char *const *) o, opt);
}

/* As root the staging namespace is uid 65532: the mount point must be
 * reachable by it, as pipeline.c arranges for run. */
static char *
make_staging_dir (GError **error)
{
  g_autofree char *template = g_strdup ("/tmp/sandbox-attest-doctor-XXXXXX");

  if (getuid () != 0)
    return g_dir_make_tmp ("sandbox-attest-doctor-XXXXXX", error);
  if (g_mkdtemp (template) == NULL || chmod (template, 0711) < 0)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_FAILED, "%s: %s", template, g_strerror (errno));
      return NULL;
    }
  return g_steal_pointer (&template);
}

static const char noexec_script[] =
  "while IFS= read -r l; do echo \"mi=$l\"; done < /proc/self/mountinfo; "
  "cp /bin/true /tmp/t && echo copy=ok; "
  "if /tmp/t 2>/dev/null; then echo exec=allowed; else echo exec=refused; fi";

static void
trial_staging (Doctor *d)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *work = make_staging_dir (&error);
  g_autofree char *staged = work != NULL ? g_build_filename (work, "tmp", NULL) : NULL;
  g_autofree char *exec = NULL, *copy = NULL, *opts = NULL, *super = NULL;
  g_autoptr(GString) mountinfo = g_string_new (NULL);
  Trial t = { 0 };

  if (work == NULL || g_mkdir (staged, 0700) < 0)
    {
      add (d, "trial.tmp-noexec", ATTEST_DOCTOR_FAIL, "free space and a writable $TMPDIR", "no staging folder: %s",
           error != NULL ? error->message : g_strerror (errno));
      add (d, "trial.tmp-size", ATTEST_DOCTOR_FAIL, "free space and a writable $TMPDIR", "not run");
      if (work != NULL)
        (void) g_rmdir (work);
      return;
    }
  {
    const char *const extra[] = { "--unshare-pid", "--proc", "/proc", "--bind", staged, "/tmp", NULL };
    trial_run (d, extra, noexec_script, -1, staged, &t);
  }
  (void) g_rmdir (staged);
  (void) g_rmdir (work);

  if (t.ok)
    {
      g_auto(GStrv) lines = g_strsplit (t.out, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        if (g_str_has_prefix (lines[i], "mi="))
          g_string_append_printf (mountinfo, "%s\n", lines[i] + 3);
      exec = trial_value (&t, "exec");
      copy = trial_value (&t, "copy");
    }
  if (t.ok && !tmp_mount_options (mountinfo->str, &opts, &super))
    {
      t.ok = FALSE;
      t.problem = g_strdup ("no /tmp mount inside the sandbox");
    }
  /* noexec: the flag, and exec really refused (a copied binary). */
  if (t.ok && (!has_option (opts, "noexec") || !has_option (opts, "nosuid") || !has_option (opts, "nodev")
               || g_strcmp0 (copy, "ok") != 0 || g_strcmp0 (exec, "refused") != 0))
    add (d, "trial.tmp-noexec", ATTEST_DOCTOR_FAIL, NULL,
         "/tmp inside: %s; copy %s; exec %s", opts, copy != NULL ? copy : "failed", exec != NULL ? exec : "?");
  else if (t.ok)
    add (d, "trial.tmp-noexec", ATTEST_DOCTOR_OK, NULL, "staged tmpfs bound at /tmp: %s; exec from /tmp refused", opts);
  else
    add_trial (d, "trial.tmp-noexec", &t, "");

  if (t.ok && !has_option (super, "size=16384k"))
    add (d, "trial.tmp-size", ATTEST_DOCTOR_FAIL, NULL, "/tmp inside: %s (not size=16384k)", super);
  else if (t.ok)
    add (d, "trial.tmp-size", ATTEST_DOCTOR_OK, NULL, "/tmp inside: %s", super);
  else
    add_trial (d, "trial.tmp-size", &t, "");
  trial_clear (&t);
}

static void
check_trials (Doctor *d)
{
  static const char *const ids[] = {
    "trial.userns", "trial.netns", "trial.proc", "trial.seccomp", "trial.tmp-noexec", "trial.tmp-size", NULL,
  };

  if (d->bwrap == NULL || !d->bwrap_runs)
    {
      for (guint i = 0; ids[i] != NULL; i++)
        add (d, ids[i], ATTEST_DOCTOR_FAIL, FIX_BWRAP_MISSING, "not run: no usable bwrap");
      return;
    }
  trials_basic (d);
  trial_seccomp (d);
  trial_staging (d);
}

/* ---- seccomp, policy, probe ---- */

static void
check_seccomp (Doctor *d)
{
  g_autofree char *mode = proc_status_field ("Seccomp");
  const struct scmp_version *v = seccomp_version ();
  g_autofree char *policy_path = attest_paths_policy ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestPolicy) policy = attest_policy_load_file (policy_path, &error);
  g_autoptr(AttestFilter) filter = NULL;
  AttestCompileOptions options = { 0 };

  if (mode == NULL)
    add (d, "seccomp.kernel", ATTEST_DOCTOR_FAIL, NULL, "no Seccomp: line in /proc/self/status; libseccomp %u.%u.%u",
         v->major, v->minor, v->micro);
  else
    add (d, "seccomp.kernel", ATTEST_DOCTOR_OK, NULL, "Seccomp: %s on this process; libseccomp %u.%u.%u", mode,
         v->major, v->minor, v->micro);

  if (policy != NULL)
    filter = attest_compile (policy, &options, &error);
  if (filter == NULL)
    add (d, "seccomp.policy", ATTEST_DOCTOR_FAIL, NULL, "%s", error->message);
  else
    add (d, "seccomp.policy", ATTEST_DOCTOR_OK, NULL, "%s: %u BPF instructions, sha256 %.16s...", policy_path,
         filter->n_insns, filter->bpf_sha256);
}

static void
check_probe (Doctor *d)
{
  g_autofree char *probe = attest_paths_probe ();
  g_autoptr(JsonNode) dyn = NULL;
  JsonObject *o;

  if (!g_file_test (probe, G_FILE_TEST_IS_REGULAR))
    {
      add (d, "probe", ATTEST_DOCTOR_FAIL, NULL, "%s: no such file", probe);
      return;
    }
  dyn = attest_host_check_dynimport (probe);
  o = json_node_get_object (dyn);
  if (g_strcmp0 (json_object_get_string_member (o, "verdict"), "PASS") == 0)
    add (d, "probe", ATTEST_DOCTOR_OK, NULL, "%s (static, no dynamic imports)", probe);
  else
    add (d, "probe", ATTEST_DOCTOR_FAIL, NULL, "%s: not a static binary (PR-DYNIMPORT FAIL)", probe);
}

/* ---- cgroups and limits ---- */

static char *
own_cgroups (void)
{
  g_autofree char *text = NULL;
  g_autoptr(GBytes) bytes = attest_read_file_limited ("/proc/self/cgroup", SMALL_FILE_MAX, FALSE, NULL);
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) s = g_string_new (NULL);

  if (bytes == NULL)
    return g_strdup ("?");
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *colon = strchr (lines[i], ':');
      /* Only the hierarchies limits use: v2 ("0::PATH"), pids, memory, cpu. */
      if (colon == NULL)
        continue;
      if (g_str_has_prefix (colon, "::"))
        g_string_append_printf (s, "%s0%s", s->len > 0 ? " " : "", colon);
      else if (strstr (colon, "pids:") || strstr (colon, "memory:") || g_str_has_prefix (colon, ":cpu:")
               || strstr (colon, ",cpu:") || strstr (colon, ":cpu,"))
        g_string_append_printf (s, "%s%s", s->len > 0 ? " " : "", colon + 1);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
check_cgroup_layout (Doctor *d)
{
  struct statfs sf;
  g_autofree char *mine = own_cgroups ();
  const char *layout;

  if (statfs ("/sys/fs/cgroup", &sf) < 0)
    layout = "no /sys/fs/cgroup";
  else if ((unsigned long) sf.f_type == CGROUP2_MAGIC)
    layout = "cgroup v2 (unified)";
  else if ((unsigned long) sf.f_type == TMPFS_MAGIC_)
    layout = g_file_test ("/sys/fs/cgroup/unified/cgroup.controllers", G_FILE_TEST_EXISTS)
             ? "hybrid (v1 controllers, v2 at /sys/fs/cgroup/unified)" : "cgroup v1";
  else
    layout = "unknown filesystem on /sys/fs/cgroup";
  add (d, "cgroup.layout", ATTEST_DOCTOR_OK, NULL, "%s; this process: %s", layout, mine);
}

static void
check_systemd (Doctor *d)
{
  const char *runtime = g_getenv ("XDG_RUNTIME_DIR");
  g_autofree char *private = runtime != NULL ? g_build_filename (runtime, "systemd", "private", NULL) : NULL;
  g_autofree char *linger = g_build_filename ("/var/lib/systemd/linger", d->user, NULL);
  gboolean lingers = g_file_test (linger, G_FILE_TEST_EXISTS);

  if (!g_file_test ("/run/systemd/system", G_FILE_TEST_IS_DIR))
    add (d, "cgroup.systemd", ATTEST_DOCTOR_OK, NULL, "systemd is not PID 1: cgroups come from the admin, not a user manager");
  else if (getuid () == 0)
    add (d, "cgroup.systemd", ATTEST_DOCTOR_OK, NULL, "root: no user manager needed");
  else if (private != NULL && g_file_test (private, G_FILE_TEST_EXISTS))
    add (d, "cgroup.systemd", ATTEST_DOCTOR_OK, NULL, "user manager reachable (%s)%s", private,
         lingers ? ", lingering" : "");
  else
    add (d, "cgroup.systemd", ATTEST_DOCTOR_WARN, NULL, "no user manager reachable (XDG_RUNTIME_DIR %s)%s",
         runtime != NULL ? runtime : "unset", lingers ? ", lingering is on" : ", lingering is off");
}

static const char *
limit_fix (const AttestLimitResult *r)
{
  if (r->kind == ATTEST_LIMIT_SWAP && r->detail != NULL && strstr (r->detail, "swap accounting") != NULL)
    return FIX_SWAP_ACCOUNTING;
  return getuid () == 0 ? FIX_DELEGATE_ROOT : FIX_DELEGATE;
}

static void
check_limits (Doctor *d)
{
  static const char *const ids[ATTEST_N_LIMITS] = { "limits.pids", "limits.memory", "limits.swap", "limits.cpu" };
  const AttestLimitsWanted wanted = ATTEST_LIMITS_WANTED_DOCKER;
  g_autoptr(GError) error = NULL;
  g_autoptr(AttestLimits) limits = attest_limits_setup (&wanted, &error);

  if (limits == NULL)
    {
      for (int k = 0; k < ATTEST_N_LIMITS; k++)
        add (d, ids[k], ATTEST_DOCTOR_FAIL, NULL, "%s", error->message);
      return;
    }
  for (int k = 0; k < ATTEST_N_LIMITS; k++)
    {
      const AttestLimitResult *r = attest_limits_result (limits, k);
      AttestDoctorStatus weak = d->o->allow_degraded_limits ? ATTEST_DOCTOR_WARN : ATTEST_DOCTOR_FAIL;

      add (d, ids[k], r->equivalent ? ATTEST_DOCTOR_OK : weak, limit_fix (r), "%s: %s",
           attest_enforcer_name (r->enforcer), r->detail);
    }
  /* Set up only to learn what can be enforced: nothing is left behind. */
  if (!attest_limits_teardown (limits, &error))
    g_debug ("doctor: limits teardown: %s", error->message);
}

/* ---- Landlock and hardening ---- */

static void
check_landlock (Doctor *d)
{
  long abi = syscall (SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
  int errsv = errno;

  if (abi > 0)
    add (d, "landlock", ATTEST_DOCTOR_OK, NULL, "ABI %ld", abi);
  else
    add (d, "landlock", ATTEST_DOCTOR_WARN, NULL, "not available: %s",
         errsv == EOPNOTSUPP ? "disabled at boot (not in lsm=)" : g_strerror (errsv));
}

typedef struct
{
  const char *id;
  const char *sysctl;
  gint64 weakest_ok;           /* values below it warn */
} HardeningKnob;

static const HardeningKnob hardening[] = {
  { "hardening.memfd_noexec", "vm.memfd_noexec", 1 },
  { "hardening.unprivileged_bpf_disabled", "kernel.unprivileged_bpf_disabled", 1 },
  { "hardening.ptrace_scope", "kernel.yama.ptrace_scope", 1 },
  { "hardening.kptr_restrict", "kernel.kptr_restrict", 1 },
  { "hardening.dmesg_restrict", "kernel.dmesg_restrict", 1 },
};

static void
check_hardening (Doctor *d)
{
  for (gsize i = 0; i < G_N_ELEMENTS (hardening); i++)
    {
      const HardeningKnob *k = &hardening[i];
      gint64 v = 0;

      if (!read_sysctl (k->sysctl, &v))
        {
          g_autofree char *fix = g_strdup_printf ("a kernel that has %s (for yama: CONFIG_SECURITY_YAMA=y), then: %s",
                                                  k->sysctl, check_def (k->id)->fix);
          add (d, k->id, ATTEST_DOCTOR_WARN, fix, "%s: absent (not in this kernel)", k->sysctl);
        }
      else
        add (d, k->id, v >= k->weakest_ok ? ATTEST_DOCTOR_OK : ATTEST_DOCTOR_WARN, NULL,
             "%s = %" G_GINT64_FORMAT, k->sysctl, v);
    }
}

/* ---- the whole run ---- */

static char *
user_name (void)
{
  struct passwd *pw = getpwuid (getuid ());
  return pw != NULL ? g_strdup (pw->pw_name) : g_strdup_printf ("%u", (guint) getuid ());
}

AttestDoctorReport *
attest_doctor_run (const AttestDoctorOptions *options)
{
  AttestDoctorReport *report = g_new0 (AttestDoctorReport, 1);
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  Doctor d = { options, report, NULL, FALSE, 0, 0, 0, FALSE, user_name (),
               g_strdup (self != NULL ? self : "sandbox-attest") };

  report->checks = g_ptr_array_new_with_free_func ((GDestroyNotify) check_free);
  check_bwrap (&d);
  check_identity (&d);
  check_userns_knobs (&d);
  check_apparmor (&d);
  check_container (&d);
  check_trials (&d);
  check_seccomp (&d);
  check_probe (&d);
  check_cgroup_layout (&d);
  check_systemd (&d);
  check_limits (&d);
  check_landlock (&d);
  check_hardening (&d);
  g_free (d.bwrap);
  g_free (d.user);
  g_free (d.self);
  return report;
}

/* ---- output ---- */

static void
add_member (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

JsonNode *
attest_doctor_report_to_json (const AttestDoctorReport *report)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  add_member (b, "schema", SCHEMA);
  json_builder_set_member_name (b, "accepted");
  json_builder_add_boolean_value (b, report->n_fail == 0);
  json_builder_set_member_name (b, "n_fail");
  json_builder_add_int_value (b, report->n_fail);
  json_builder_set_member_name (b, "n_warn");
  json_builder_add_int_value (b, report->n_warn);
  json_builder_set_member_name (b, "checks");
  json_builder_begin_array (b);
  for (guint i = 0; i < report->checks->len; i++)
    {
      const AttestDoctorCheck *c = g_ptr_array_index (report->checks, i);

      json_builder_begin_object (b);
      add_member (b, "id", c->id);
      add_member (b, "status", attest_doctor_status_name (c->status));
      add_member (b, "observed", c->observed);
      add_member (b, "degrades", c->degrades);
      add_member (b, "fix", c->fix);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static const char *
status_colour (AttestDoctorStatus status)
{
  switch (status)
    {
    case ATTEST_DOCTOR_OK: return "\033[32m";
    case ATTEST_DOCTOR_WARN: return "\033[33m";
    case ATTEST_DOCTOR_FAIL: return "\033[1;31m";
    default: return "";
    }
}

#define ID_WIDTH 42              /* the longest id, apparmor.restrict_unprivileged_unconfined, and a space */

/* One line per check; rows that are not ok add what they degrade and the
 * fix, indented, one line of the fix per line; a fix already printed for
 * an earlier row (the four limits share one) is referred to, not repeated. */
char *
attest_doctor_report_format (const AttestDoctorReport *report, gboolean colour)
{
  GString *s = g_string_new (NULL);
  g_autofree char *indent = g_strnfill (ID_WIDTH + 8, ' ');
  g_autoptr(GHashTable) printed = g_hash_table_new (g_str_hash, g_str_equal);  /* fix -> id */

  g_string_append_printf (s, "%-*s %-6s %s\n", ID_WIDTH, "CHECK", "STATUS", "OBSERVED");
  for (guint i = 0; i < report->checks->len; i++)
    {
      const AttestDoctorCheck *c = g_ptr_array_index (report->checks, i);
      g_auto(GStrv) fix = c->fix != NULL ? g_strsplit (c->fix, "\n", -1) : NULL;

      g_string_append_printf (s, "%-*s %s%-6s%s %s\n", ID_WIDTH, c->id, colour ? status_colour (c->status) : "",
                              attest_doctor_status_name (c->status), colour ? "\033[0m" : "", c->observed);
      if (c->status == ATTEST_DOCTOR_OK)
        continue;
      g_string_append_printf (s, "%sdegrades: %s\n", indent, c->degrades);
      if (g_hash_table_contains (printed, c->fix))
        {
          g_string_append_printf (s, "%sfix: as for %s above\n", indent,
                                  (const char *) g_hash_table_lookup (printed, c->fix));
          continue;
        }
      g_hash_table_insert (printed, c->fix, (gpointer) c->id);
      for (guint j = 0; fix != NULL && fix[j] != NULL; j++)
        g_string_append_printf (s, "%s%s%s\n", indent, j == 0 ? "fix: " : "     ", fix[j]);
    }
  if (report->n_fail == 0)
    g_string_append_printf (s, "verdict: run can be ACCEPTED here (%u warnings)\n", report->n_warn);
  else
    g_string_append_printf (s, "verdict: run would be BLOCKED here: %u checks fail, %u warn\n", report->n_fail,
                            report->n_warn);
  return g_string_free (s, FALSE);
}

/* ---- command line ---- */

static gboolean
want_colour (void)
{
  const char *no_colour = g_getenv ("NO_COLOR");
  const char *term = g_getenv ("TERM");

  return isatty (STDOUT_FILENO) && (no_colour == NULL || *no_colour == '\0') && g_strcmp0 (term, "dumb") != 0;
}

int
attest_cli_doctor (int argc, char **argv, GError **error)
{
  g_autofree char *bwrap = NULL;
  gboolean json = FALSE, degraded = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the checks as JSON", NULL },
    { "bwrap", 0, 0, G_OPTION_ARG_FILENAME, &bwrap, "bwrap to check (default: the one run uses)", "PATH" },
    { "allow-degraded-limits", 0, 0, G_OPTION_ARG_NONE, &degraded,
      "Judge as run --allow-degraded-limits does: limits only a fallback enforces warn instead of fail", NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(AttestDoctorReport) report = NULL;
  AttestDoctorOptions options = { 0 };

  g_option_context_set_summary (context,
    "Checks everything run needs on this host (research/bwrap.md §3.1), never stopping at the first\n"
    "failure, and prints for each check its status, what it observed, what it degrades and the fix.\n"
    "Exit 0 when run can be ACCEPTED here, 3 when not, 2 bad usage.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, error))
    {
      (*error)->domain = ATTEST_ERROR;
      (*error)->code = ATTEST_ERROR_USAGE;
      return 2;
    }
  if (argc != 1)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "doctor takes no arguments, got \"%s\"", argv[1]);
      return 2;
    }
  options.bwrap = bwrap;
  options.allow_degraded_limits = degraded;
  report = attest_doctor_run (&options);
  if (json)
    {
      g_autoptr(JsonNode) node = attest_doctor_report_to_json (report);

      attest_json_print (node);
    }
  else
    {
      g_autofree char *table = attest_doctor_report_format (report, want_colour ());
      g_print ("%s", table);
    }
  return report->n_fail == 0 ? 0 : 3;
}
