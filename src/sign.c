#include "sign.h"

#include <gio/gio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "fdutil.h"

typedef struct
{
  GSubprocess *proc;
  gboolean done, timed_out;
  GBytes *out, *err;
  GError *error;
} Keygen;

static void
communicated (GObject *source, GAsyncResult *result, gpointer data)
{
  Keygen *k = data;

  (void) g_subprocess_communicate_finish (G_SUBPROCESS (source), result, &k->out, &k->err, &k->error);
  k->done = TRUE;
}

static gboolean
deadline (gpointer data)
{
  Keygen *k = data;

  k->timed_out = TRUE;
  g_subprocess_force_exit (k->proc);
  return G_SOURCE_REMOVE;
}

/* run blocks SIGINT, SIGTERM and SIGHUP while it owns a sandbox; a mask
 * survives exec, and ssh-keygen must stay interruptible at a passphrase
 * prompt.  Between fork and exec: async-signal-safe calls only. */
static void
unblock_signals (gpointer data G_GNUC_UNUSED)
{
  sigset_t none;

  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
}

/* The first line of ssh-keygen's stderr, for the one line the user reads. */
static char *
first_line (GBytes *bytes, const char *fallback)
{
  g_autofree char *text = bytes != NULL ? g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)) : NULL;
  g_auto(GStrv) lines = text != NULL ? g_strsplit (text, "\n", -1) : NULL;

  for (guint i = 0; lines != NULL && lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      /* "Signing data on standard input" is progress, not a reason. */
      if (*lines[i] != '\0' && !g_str_has_prefix (lines[i], "Signing data on"))
        return g_utf8_make_valid (lines[i], -1);
    }
  return g_strdup (fallback);
}

/* Runs ssh-keygen with @args, @input on stdin, under a deadline; sets
 * @out_status to its exit status (-1 killed or timed out).  FALSE only
 * when it could not be started. */
static gboolean
run_keygen (const char *const *args, GBytes *input, GBytes **out_stdout, char **out_message, int *out_status,
            GError **error)
{
  g_autofree char *keygen = g_find_program_in_path ("ssh-keygen");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSource) timer = g_timeout_source_new_seconds (ATTEST_SIGN_TIMEOUT_S);
  Keygen k = { 0 };
  int input_fd;

  if (keygen == NULL)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED, "ssh-keygen not found on PATH (Debian: openssh-client)");
      return FALSE;
    }
  g_ptr_array_add (argv, keygen);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  /* stdin is a sealed memfd, not a pipe: ssh-keygen may exit without
   * reading it (a bad key), and a pipe would then SIGPIPE this process. */
  if ((input_fd = attest_sealed_memfd_new ("sandbox-attest-signed", input, error)) < 0)
    return FALSE;
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_take_stdin_fd (launcher, input_fd);
  /* Messages in one language, for the row and the tests. */
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, unblock_signals, NULL, NULL);
  g_main_context_push_thread_default (context);
  k.proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, error);
  if (k.proc != NULL)
    {
      g_subprocess_communicate_async (k.proc, NULL, NULL, communicated, &k);
      g_source_set_callback (timer, deadline, &k, NULL);
      g_source_attach (timer, context);
      while (!k.done)
        g_main_context_iteration (context, TRUE);
      g_source_destroy (timer);
      /* communicate returns at EOF; the process is reaped here, always. */
      (void) g_subprocess_wait (k.proc, NULL, NULL);
    }
  g_main_context_pop_thread_default (context);
  if (k.proc == NULL)
    {
      g_prefix_error (error, "starting %s: ", keygen);
      (*error)->domain = ATTEST_ERROR;
      (*error)->code = ATTEST_ERROR_BLOCKED;
      return FALSE;
    }
  if (k.timed_out)
    *out_status = -1, *out_message = g_strdup_printf ("ssh-keygen did not finish within %u s (killed)",
                                                      ATTEST_SIGN_TIMEOUT_S);
  else if (k.error != NULL)
    *out_status = -1, *out_message = g_strdup (k.error->message);
  else if (g_subprocess_get_if_exited (k.proc))
    *out_status = g_subprocess_get_exit_status (k.proc),
    *out_message = first_line (*out_status == 0 ? k.out : k.err, "no message");
  else
    *out_status = -1, *out_message = g_strdup_printf ("ssh-keygen killed by signal %d", g_subprocess_get_term_sig (k.proc));
  if (out_stdout != NULL && *out_status == 0)
    *out_stdout = g_steal_pointer (&k.out);
  g_clear_error (&k.error);
  g_clear_pointer (&k.out, g_bytes_unref);
  g_clear_pointer (&k.err, g_bytes_unref);
  g_clear_object (&k.proc);
  return TRUE;
}

gboolean
attest_sign_check_key (const char *key_path, GError **error)
{
  g_autofree char *keygen = g_find_program_in_path ("ssh-keygen");

  if (!g_file_test (key_path, G_FILE_TEST_IS_REGULAR) || access (key_path, R_OK) != 0)
    g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE, "--sign-key %s: not a readable file", key_path);
  else if (keygen == NULL)
    g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_USAGE,
                 "--sign-key needs ssh-keygen on PATH (Debian: openssh-client)");
  else
    return TRUE;
  return FALSE;
}

GBytes *
attest_sign_bytes (const char *key_path, GBytes *data, GError **error)
{
  const char *args[] = { "-Y", "sign", "-f", key_path, "-n", ATTEST_SIGN_NAMESPACE, NULL };
  g_autoptr(GBytes) sig = NULL;
  g_autofree char *message = NULL;
  int status = -1;

  /* No file operand: ssh-keygen signs stdin and prints the signature, so
   * it never writes next to the bundle itself. */
  if (!run_keygen (args, data, &sig, &message, &status, error))
    return NULL;
  if (status != 0 || sig == NULL || g_bytes_get_size (sig) == 0
      || g_strstr_len (g_bytes_get_data (sig, NULL), g_bytes_get_size (sig), "-----BEGIN SSH SIGNATURE-----") == NULL)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_BLOCKED, "ssh-keygen -Y sign -f %s failed: %s", key_path,
                   status == 0 ? "no signature printed" : message);
      return NULL;
    }
  return g_steal_pointer (&sig);
}

/* The first principal the allowed-signers file gives the key that made
 * @sig_path, for this namespace. */
static char *
find_principal (const char *allowed_signers, const char *sig_path, char **out_why)
{
  const char *args[] = { "-Y", "find-principals", "-s", sig_path, "-f", allowed_signers,
                         "-n", ATTEST_SIGN_NAMESPACE, NULL };
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GBytes) nothing = g_bytes_new_static ("", 0);  /* stdin: find-principals reads none */
  int status = -1;
  char *nl;

  if (!run_keygen (args, nothing, &out, &message, &status, &error))
    {
      *out_why = g_strdup (error->message);
      return NULL;
    }
  if (status != 0 || out == NULL)
    {
      *out_why = g_strdup_printf ("the signing key is not in %s for namespace %s (%s)", allowed_signers,
                                  ATTEST_SIGN_NAMESPACE, message);
      return NULL;
    }
  text = g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
  if ((nl = strchr (text, '\n')) != NULL)
    *nl = '\0';
  g_strstrip (text);
  if (*text == '\0')
    {
      *out_why = g_strdup_printf ("%s names no principal for the signing key", allowed_signers);
      return NULL;
    }
  return g_steal_pointer (&text);
}

gboolean
attest_sign_verify (const char *allowed_signers, const char *identity, const char *sig_path, GBytes *data,
                    char **out_observed, char **out_why)
{
  g_autofree char *principal = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  if (!g_file_test (sig_path, G_FILE_TEST_EXISTS))
    {
      *out_observed = g_strdup ("no signature");
      *out_why = g_strdup_printf ("%s: missing: the file is not signed", sig_path);
      return FALSE;
    }
  /* ssh-keygen reads the signature itself; refuse what no SSHSIG is first. */
  {
    g_autoptr(GBytes) sig = attest_read_file_limited (sig_path, ATTEST_SIGN_MAX_BYTES, TRUE, &error);
    if (sig == NULL)
      {
        *out_observed = g_strdup ("unreadable signature");
        *out_why = g_strdup (error->message);
        return FALSE;
      }
  }
  principal = identity != NULL ? g_strdup (identity) : find_principal (allowed_signers, sig_path, out_why);
  if (principal == NULL)
    {
      *out_observed = g_strdup ("signer not allowed");
      return FALSE;
    }
  {
    const char *args[] = { "-Y", "verify", "-f", allowed_signers, "-I", principal, "-n", ATTEST_SIGN_NAMESPACE,
                           "-s", sig_path, NULL };
    if (!run_keygen (args, data, NULL, &message, &status, &error))
      {
        *out_observed = g_strdup ("not checked");
        *out_why = g_strdup (error->message);
        return FALSE;
      }
  }
  if (status != 0)
    {
      *out_observed = g_strdup_printf ("bad signature for %s", principal);
      *out_why = g_strdup_printf ("ssh-keygen -Y verify: %s", message);
      return FALSE;
    }
  /* 'Good "NS" signature for ID with ED25519 key SHA256:...' */
  *out_observed = g_steal_pointer (&message);
  return TRUE;
}
