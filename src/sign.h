/* Offline signatures with OpenSSH's SSHSIG (ssh-keygen -Y sign/verify):
 * the operator's ssh key, an allowed-signers file to trust it, and a
 * namespace of ours so that a signature made for anything else (git
 * commits, "file") never verifies here.  ssh-keygen is exec'd with an
 * argv, never a shell, and always under a deadline, as bwrap is; the key
 * never passes through this process.  The bytes signed and verified are
 * handed over on stdin: exactly the bytes written, exactly the bytes
 * judged. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ssh-keygen(1): "NAMESPACE@YOUR.DOMAIN" for custom uses. */
#define ATTEST_SIGN_NAMESPACE "bundle-v1@sandbox-attest.invalid"
#define ATTEST_SIGN_SUFFIX ".sig"
/* Long enough for an operator to type a key's passphrase. */
#define ATTEST_SIGN_TIMEOUT_S 120
#define ATTEST_SIGN_MAX_BYTES (64u * 1024u)

/* Before any work: the key file is readable and ssh-keygen is on PATH
 * (ATTEST_ERROR_USAGE otherwise). */
gboolean attest_sign_check_key (const char *key_path, GError **error);

/* The armored SSHSIG signature of @data, or NULL with ATTEST_ERROR_BLOCKED
 * and ssh-keygen's own message. */
GBytes *attest_sign_bytes (const char *key_path, GBytes *data, GError **error);

/* Checks @sig_path over @data against @allowed_signers.  @identity NULL:
 * the principal the allowed-signers file gives the signing key
 * (ssh-keygen -Y find-principals).  Never an error: a missing, unreadable
 * or bad signature is FALSE with @out_why; @out_observed always set. */
gboolean attest_sign_verify (const char *allowed_signers, const char *identity, const char *sig_path,
                             GBytes *data, char **out_observed, char **out_why);

G_END_DECLS
