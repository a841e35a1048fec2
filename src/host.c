#include "host.h"

#include <elf.h>
#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <seccomp.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "error.h"
#include "fdutil.h"
#include "json-writer.h"

#define PROBE_MAX_BYTES (64u * 1024u * 1024u)

static const struct
{
  const char *variable;
  const char *provider;
} ci_markers[] = {
  { "GITHUB_ACTIONS", "github-actions" },
  { "GITLAB_CI", "gitlab-ci" },
  { "BUILDKITE", "buildkite" },
  { "JENKINS_URL", "jenkins" },
  { "CIRCLECI", "circleci" },
  { "CI", "generic" },
};

static const char *
ci_provider (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (ci_markers); i++)
    {
      const char *v = g_getenv (ci_markers[i].variable);
      if (v != NULL && *v != '\0' && g_ascii_strcasecmp (v, "false") != 0 && strcmp (v, "0") != 0)
        return ci_markers[i].provider;
    }
  return NULL;
}

const char *
attest_host_ci_venue (void)
{
  return ci_provider () != NULL ? "CI" : NULL;
}


static void
add_os_release (JsonBuilder *b)
{
  g_autoptr(GBytes) bytes = attest_read_file_limited ("/etc/os-release", 64 * 1024, FALSE, NULL);
  g_auto(GStrv) lines = NULL;

  json_builder_set_member_name (b, "os_release");
  if (bytes == NULL)
    bytes = attest_read_file_limited ("/usr/lib/os-release", 64 * 1024, FALSE, NULL);
  if (bytes == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  lines = g_strsplit (g_bytes_get_data (bytes, NULL) != NULL ? (const char *) g_bytes_get_data (bytes, NULL) : "",
                      "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *eq = strchr (lines[i], '=');
      g_autofree char *value = NULL;

      if (eq == NULL || lines[i][0] == '#')
        continue;
      *eq = '\0';
      value = g_shell_unquote (eq + 1, NULL);
      if (value != NULL && g_utf8_validate (lines[i], -1, NULL) && g_utf8_validate (value, -1, NULL))
        attest_json_add_string_member (b, lines[i], value);
    }
  json_builder_end_object (b);
}

JsonNode *
attest_host_identity (void)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  struct utsname u;
  gboolean have_uname = uname (&u) == 0;
  const char *provider = ci_provider ();

  json_builder_begin_object (b);
  attest_json_add_string_member (b, "hostname", g_get_host_name ());
  json_builder_set_member_name (b, "uname");
  json_builder_begin_object (b);
  attest_json_add_string_member (b, "sysname", have_uname ? u.sysname : NULL);
  attest_json_add_string_member (b, "nodename", have_uname ? u.nodename : NULL);
  attest_json_add_string_member (b, "release", have_uname ? u.release : NULL);
  attest_json_add_string_member (b, "version", have_uname ? u.version : NULL);
  attest_json_add_string_member (b, "machine", have_uname ? u.machine : NULL);
  json_builder_end_object (b);
  add_os_release (b);
  json_builder_set_member_name (b, "ci");
  json_builder_add_boolean_value (b, provider != NULL);
  attest_json_add_string_member (b, "ci_provider", provider);
  json_builder_set_member_name (b, "in_container");
  json_builder_add_boolean_value (b, g_file_test ("/.dockerenv", G_FILE_TEST_EXISTS)
                                     || g_file_test ("/run/.containerenv", G_FILE_TEST_EXISTS));
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

struct _AttestBwrapVersionRun
{
  char *bwrap;
  GPid pid;            /* 0 once reaped, or when the spawn failed */
  int out_fd;
  GError *spawn_error;
};

#define VERSION_OUT_MAX 4096

AttestBwrapVersionRun *
attest_host_bwrap_version_start (const char *bwrap)
{
  AttestBwrapVersionRun *run = g_new0 (AttestBwrapVersionRun, 1);
  const char *argv[] = { bwrap, "--version", NULL };

  run->bwrap = g_strdup (bwrap);
  run->out_fd = -1;
  if (!g_spawn_async_with_pipes (NULL, (char **) argv, (char *[]) { NULL },
                                 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &run->pid,
                                 NULL, &run->out_fd, NULL, &run->spawn_error))
    run->pid = 0;
  else
    (void) fcntl (run->out_fd, F_SETFD, FD_CLOEXEC);  /* GLib 2.74 leaves it inheritable */
  return run;
}

static int
reap (AttestBwrapVersionRun *run)
{
  int status = 0;

  attest_close_fd (&run->out_fd);
  if (run->pid > 0)
    while (waitpid (run->pid, &status, 0) < 0 && errno == EINTR)
      ;
  run->pid = 0;
  return status;
}

/* A run never finished (the policy did not compile, the bundle was
 * refused) is not waited for: a bwrap that hangs must not hang the tool. */
void
attest_host_bwrap_version_run_free (AttestBwrapVersionRun *run)
{
  if (run == NULL)
    return;
  if (run->pid > 0)
    (void) kill (run->pid, SIGKILL);
  (void) reap (run);
  g_clear_error (&run->spawn_error);
  g_free (run->bwrap);
  g_free (run);
}

gboolean
attest_host_bwrap_version_finish (AttestBwrapVersionRun *run, guint *major, guint *minor, guint *micro,
                                  char **out_text, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *out = NULL;
  guint a = 0, b = 0, c = 0;
  int status;

  if (run->spawn_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&run->spawn_error));
      return FALSE;
    }
  bytes = attest_read_fd_limited (run->out_fd, VERSION_OUT_MAX, "bwrap --version", NULL);
  status = reap (run);
  out = bytes != NULL ? g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)) : g_strdup ("");
  if (!g_spawn_check_wait_status (status, NULL) || sscanf (out, "bubblewrap %u.%u.%u", &a, &b, &c) < 2)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED, "%s --version did not print a bubblewrap version",
                   run->bwrap);
      return FALSE;
    }
  *major = a;
  *minor = b;
  *micro = c;
  if (out_text != NULL)
    *out_text = g_strdup (g_strstrip (out));
  return TRUE;
}

gboolean
attest_host_bwrap_version (const char *bwrap, guint *major, guint *minor, guint *micro,
                           char **out_text, GError **error)
{
  g_autoptr(AttestBwrapVersionRun) run = attest_host_bwrap_version_start (bwrap);

  return attest_host_bwrap_version_finish (run, major, minor, micro, out_text, error);
}

JsonNode *
attest_host_runtime (const char *bwrap, const char *bwrap_version)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const struct scmp_version *v = seccomp_version ();
  g_autofree char *libseccomp = g_strdup_printf ("%u.%u.%u", v->major, v->minor, v->micro);
  struct utsname u;
  struct stat st;

  json_builder_begin_object (b);
  attest_json_add_string_member (b, "tool", "sandbox-attest " PACKAGE_VERSION);
  attest_json_add_string_member (b, "kind", "bubblewrap");
  attest_json_add_string_member (b, "bwrap_path", bwrap);
  attest_json_add_string_member (b, "bwrap_version", bwrap_version);
  json_builder_set_member_name (b, "bwrap_setuid");
  json_builder_add_boolean_value (b, bwrap != NULL && stat (bwrap, &st) == 0 && (st.st_mode & S_ISUID));
  json_builder_set_member_name (b, "bwrap_file_caps");
  json_builder_add_boolean_value (b, bwrap != NULL && getxattr (bwrap, "security.capability", NULL, 0) > 0);
  attest_json_add_string_member (b, "kernel", uname (&u) == 0 ? u.release : NULL);
  attest_json_add_string_member (b, "libseccomp", libseccomp);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* ---- PR-DYNIMPORT ---- */

typedef struct
{
  gboolean elf64;
  gboolean interp;
  GPtrArray *needed;
  gboolean dlopen;
  char *problem;
} ElfFacts;

static gboolean
in_file (gsize off, gsize len, gsize size)
{
  return off <= size && len <= size - off;
}

static void
read_dynamic (const guint8 *data, gsize size, const Elf64_Phdr *dyn, const Elf64_Ehdr *eh, ElfFacts *f)
{
  const Elf64_Dyn *d;
  gsize n, strtab_off = 0;
  gboolean have_strtab = FALSE;

  if (!in_file (dyn->p_offset, dyn->p_filesz, size))
    {
      f->problem = g_strdup ("PT_DYNAMIC outside the file");
      return;
    }
  d = (const Elf64_Dyn *) (data + dyn->p_offset);
  n = dyn->p_filesz / sizeof (Elf64_Dyn);
  /* DT_STRTAB is a virtual address: map it through the PT_LOAD segments. */
  for (gsize i = 0; i < n && d[i].d_tag != DT_NULL; i++)
    if (d[i].d_tag == DT_STRTAB)
      for (guint p = 0; p < eh->e_phnum; p++)
        {
          const Elf64_Phdr *ph = (const Elf64_Phdr *) (data + eh->e_phoff + (gsize) p * eh->e_phentsize);
          if (ph->p_type == PT_LOAD && d[i].d_un.d_ptr >= ph->p_vaddr
              && d[i].d_un.d_ptr < ph->p_vaddr + ph->p_filesz)
            {
              strtab_off = ph->p_offset + (d[i].d_un.d_ptr - ph->p_vaddr);
              have_strtab = TRUE;
            }
        }
  for (gsize i = 0; i < n && d[i].d_tag != DT_NULL; i++)
    {
      const char *name;
      gsize off;

      if (d[i].d_tag != DT_NEEDED)
        continue;
      off = strtab_off + d[i].d_un.d_val;
      name = have_strtab && off < size ? (const char *) data + off : NULL;
      g_ptr_array_add (f->needed, g_strdup (name != NULL && memchr (name, '\0', size - off) ? name : "?"));
    }
}

static void
elf_facts (GBytes *bytes, ElfFacts *f)
{
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  const Elf64_Ehdr *eh = (const Elf64_Ehdr *) data;

  if (size < sizeof *eh || memcmp (eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64
      || eh->e_phentsize != sizeof (Elf64_Phdr)
      || !in_file (eh->e_phoff, (gsize) eh->e_phnum * sizeof (Elf64_Phdr), size))
    {
      f->problem = g_strdup ("not a 64-bit ELF file");
      return;
    }
  f->elf64 = TRUE;
  for (guint p = 0; p < eh->e_phnum; p++)
    {
      const Elf64_Phdr *ph = (const Elf64_Phdr *) (data + eh->e_phoff + (gsize) p * eh->e_phentsize);
      if (ph->p_type == PT_INTERP)
        f->interp = TRUE;
      if (ph->p_type == PT_DYNAMIC)
        read_dynamic (data, size, ph, eh, f);
    }
  f->dlopen = memmem (data, size, "dlopen", 6) != NULL;
}

JsonNode *
attest_host_check_dynimport (const char *probe_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = attest_read_file_limited (probe_path, PROBE_MAX_BYTES, FALSE, &error);

  return attest_host_check_dynimport_bytes (bytes, error != NULL ? error->message : NULL);
}

JsonNode *
attest_host_check_dynimport_bytes (GBytes *bytes, const char *unreadable)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GPtrArray) needed = g_ptr_array_new_with_free_func (g_free);
  ElfFacts f = { FALSE, FALSE, needed, FALSE, NULL };
  gboolean pass;

  if (bytes != NULL)
    elf_facts (bytes, &f);
  else
    f.problem = g_strdup (unreadable != NULL ? unreadable : "the probe could not be read");
  pass = f.problem == NULL && f.elf64 && !f.interp && needed->len == 0 && !f.dlopen;

  json_builder_begin_object (b);
  attest_json_add_string_member (b, "id", "PR-DYNIMPORT");
  attest_json_add_string_member (b, "method", "ELF program headers of the probe: PT_INTERP, PT_DYNAMIC DT_NEEDED, the bytes \"dlopen\"");
  json_builder_set_member_name (b, "pt_interp");
  json_builder_add_boolean_value (b, f.interp);
  json_builder_set_member_name (b, "dt_needed");
  json_builder_begin_array (b);
  for (guint i = 0; i < needed->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (needed, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "dlopen_reference");
  json_builder_add_boolean_value (b, f.dlopen);
  attest_json_add_string_member (b, "problem", f.problem);
  attest_json_add_string_member (b, "verdict", pass ? "PASS" : "FAIL");
  json_builder_end_object (b);
  g_free (f.problem);
  return json_builder_get_root (b);
}
