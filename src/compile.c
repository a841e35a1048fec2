#include "compile.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "error.h"
#include "fdutil.h"

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (scmp_filter_ctx, seccomp_release, NULL)

#define X32_SYSCALL_BIT 0x40000000u
/* The bad-architecture action is set on purpose: a syscall from an ABI the
 * policy does not list (x32, i386 through int 0x80) ends the whole
 * process.  Docker leaves libseccomp's KILL_THREAD; killing the process is
 * stricter and leaves no half-dead multithreaded program behind. */
#define BADARCH_ACTION SCMP_ACT_KILL_PROCESS

/* socketcall(2) and ipc(2) multiplex whole syscall families on some
 * 32-bit ABIs.  libseccomp turns an argument rule on socket() into an
 * argument-free rule on socketcall(SYS_SOCKET) there, which is the
 * CVE-2026-31431 bypass (research/seccomp.md §2.6). */
static const char *const socket_family[] = {
  "socket", "socketpair", "bind", "connect", "listen", "accept", "accept4", "getsockname",
  "getpeername", "send", "sendto", "recv", "recvfrom", "shutdown", "setsockopt", "getsockopt",
  "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", NULL,
};
static const char *const ipc_family[] = {
  "semop", "semget", "semctl", "semtimedop", "msgsnd", "msgrcv", "msgget", "msgctl",
  "shmat", "shmdt", "shmget", "shmctl", NULL,
};

typedef struct
{
  const AttestPolicy *policy;
  const AttestCompileOptions *options;
  AttestFilter *filter;
  scmp_filter_ctx ctx;
  gboolean socket_args;      /* a kept rule has argument conditions on a socket-family syscall */
  gboolean ipc_args;
  GHashTable *seen;          /* "name|args" -> action, to name libseccomp's silent first-wins */
} Compiler;

static void
filter_arch_free (AttestFilterArch *arch)
{
  g_free (arch->arch);
  g_ptr_array_unref (arch->skipped);
  g_free (arch);
}

void
attest_filter_free (AttestFilter *filter)
{
  if (filter == NULL)
    return;
  g_clear_pointer (&filter->bpf, g_bytes_unref);
  g_free (filter->bpf_sha256);
  g_free (filter->pfc);
  g_free (filter->policy_source);
  g_free (filter->policy_sha256);
  g_free (filter->default_action);
  g_free (filter->badarch_action);
  g_free (filter->libseccomp_version);
  g_free (filter->kernel);
  g_clear_pointer (&filter->arches, g_ptr_array_unref);
  g_clear_pointer (&filter->unknown, g_ptr_array_unref);
  g_clear_pointer (&filter->dropped, g_ptr_array_unref);
  g_clear_pointer (&filter->notes, g_ptr_array_unref);
  g_free (filter);
}

static uint32_t
arch_token (const AttestFilterArch *arch)
{
  return attest_arch_from_name (arch->arch);
}

/* ---- architectures ---- */

static gboolean
add_arch (Compiler *c, const char *name, GError **error)
{
  uint32_t token = attest_arch_from_name (name);
  AttestFilterArch *arch;
  int rc;

  for (guint i = 0; i < c->filter->arches->len; i++)
    if (strcmp (((AttestFilterArch *) g_ptr_array_index (c->filter->arches, i))->arch, name) == 0)
      return TRUE;
  if (token == 0)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_UNSUPPORTED,
                   "%s: architecture %s is not supported by libseccomp %s",
                   c->policy->source, name, c->filter->libseccomp_version);
      return FALSE;
    }
  rc = seccomp_arch_add (c->ctx, token);
  if (rc < 0 && rc != -EEXIST)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_COMPILE, "%s: adding architecture %s: %s",
                   c->policy->source, name, attest_seccomp_strerror (rc));
      return FALSE;
    }
  arch = g_new0 (AttestFilterArch, 1);
  arch->arch = g_strdup (name);
  arch->max_nr = -1;
  arch->socketcall_nr = -1;
  arch->ipc_nr = -1;
  arch->skipped = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (c->filter->arches, arch);
  return TRUE;
}

/* Native first, then the policy's sub-architectures: the list is explicit,
 * and every architecture is added before any rule (rules added earlier do
 * not reach a later architecture). */
static gboolean
add_arches (Compiler *c, GError **error)
{
  const char *native = attest_arch_to_name (seccomp_arch_native ());
  GStrv extra = c->policy->architectures;

  if (!add_arch (c, native, error))
    return FALSE;
  if (c->policy->arch_map != NULL)
    {
      for (guint i = 0; i < c->policy->arch_map->len; i++)
        {
          AttestPolicyArchMap *entry = g_ptr_array_index (c->policy->arch_map, i);
          if (strcmp (entry->architecture, native) == 0)
            extra = entry->sub_architectures;
        }
    }
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    if (!add_arch (c, extra[i], error))
      return FALSE;
  return TRUE;
}

/* ---- includes / excludes, as Docker's daemon resolves them ---- */

static gboolean
has_cap (Compiler *c, const char *cap)
{
  return c->options->caps != NULL && g_strv_contains ((const char *const *) c->options->caps, cap);
}

static gboolean
kernel_at_least (Compiler *c, const AttestPolicyCondition *cond)
{
  guint major = c->options->kernel_major, minor = c->options->kernel_minor;

  return major > cond->min_kernel_major
         || (major == cond->min_kernel_major && minor >= cond->min_kernel_minor);
}

static char *
includes_failure (Compiler *c, const AttestPolicyCondition *cond)
{
  const char *native = attest_arch_to_go_name (seccomp_arch_native ());

  for (guint i = 0; cond->caps != NULL && cond->caps[i] != NULL; i++)
    if (!has_cap (c, cond->caps[i]))
      return g_strdup_printf ("includes.caps: the sandbox does not keep %s", cond->caps[i]);
  if (cond->arches != NULL && !g_strv_contains ((const char *const *) cond->arches, native))
    return g_strdup_printf ("includes.arches: the host architecture is %s", native);
  if (cond->has_min_kernel && !kernel_at_least (c, cond))
    return g_strdup_printf ("includes.minKernel: kernel %s is older than %u.%u", c->filter->kernel,
                            cond->min_kernel_major, cond->min_kernel_minor);
  return NULL;
}

static char *
excludes_failure (Compiler *c, const AttestPolicyCondition *cond)
{
  const char *native = attest_arch_to_go_name (seccomp_arch_native ());

  for (guint i = 0; cond->caps != NULL && cond->caps[i] != NULL; i++)
    if (has_cap (c, cond->caps[i]))
      return g_strdup_printf ("excludes.caps: the sandbox keeps %s", cond->caps[i]);
  if (cond->arches != NULL && g_strv_contains ((const char *const *) cond->arches, native))
    return g_strdup_printf ("excludes.arches: the host architecture is %s", native);
  if (cond->has_min_kernel && kernel_at_least (c, cond))
    return g_strdup_printf ("excludes.minKernel: kernel %s is at least %u.%u", c->filter->kernel,
                            cond->min_kernel_major, cond->min_kernel_minor);
  return NULL;
}

/* ---- rules ---- */

static gboolean
args_repeat_an_index (const GArray *args)
{
  guint seen = 0;

  for (guint i = 0; i < args->len; i++)
    {
      guint bit = 1u << g_array_index (args, AttestPolicyArg, i).index;
      if (seen & bit)
        return TRUE;
      seen |= bit;
    }
  return FALSE;
}

static struct scmp_arg_cmp
to_cmp (const AttestPolicyArg *arg)
{
  struct scmp_arg_cmp cmp = { arg->index, arg->op, arg->value, arg->value_two };
  return cmp;
}

static gboolean
rule_add (Compiler *c, const AttestPolicyRule *rule, const char *name, int nr,
          const struct scmp_arg_cmp *cmps, guint n_cmps, GError **error)
{
  uint32_t action = attest_action_to_scmp (&rule->action);
  g_autoptr(GString) key = g_string_new (name);
  gpointer previous;
  int rc;

  for (guint i = 0; i < n_cmps; i++)
    g_string_append_printf (key, "|%u:%d:%" G_GINT64_MODIFIER "x:%" G_GINT64_MODIFIER "x",
                            cmps[i].arg, cmps[i].op, (guint64) cmps[i].datum_a, (guint64) cmps[i].datum_b);
  if (g_hash_table_lookup_extended (c->seen, key->str, NULL, &previous)
      && GPOINTER_TO_UINT (previous) != action)
    g_ptr_array_add (c->filter->notes,
                     g_strdup_printf ("%s: %s repeats an earlier rule with another action; "
                                      "the earlier rule wins (libseccomp keeps the first)",
                                      rule->location, name));
  else
    g_hash_table_insert (c->seen, g_strdup (key->str), GUINT_TO_POINTER (action));

  rc = seccomp_rule_add_array (c->ctx, action, nr, n_cmps, cmps);
  if (rc < 0)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_COMPILE, "%s: %s: %s: %s", c->policy->source,
                   rule->location, name, attest_seccomp_strerror (rc));
      return FALSE;
    }
  c->filter->n_rules_added++;
  return TRUE;
}

/* Distinct indexes are ANDed in one rule; a repeated index splits the rule
 * into one rule per condition, which means OR (runc and crun do the same;
 * libseccomp refuses two conditions on one argument). */
static gboolean
add_name (Compiler *c, const AttestPolicyRule *rule, const char *name, int nr, GError **error)
{
  const GArray *args = rule->args;
  struct scmp_arg_cmp cmps[6];

  if (args->len == 0)
    return rule_add (c, rule, name, nr, NULL, 0, error);
  if (args_repeat_an_index (args))
    {
      for (guint i = 0; i < args->len; i++)
        {
          struct scmp_arg_cmp one = to_cmp (&g_array_index (args, AttestPolicyArg, i));
          if (!rule_add (c, rule, name, nr, &one, 1, error))
            return FALSE;
        }
      return TRUE;
    }
  for (guint i = 0; i < args->len; i++)
    cmps[i] = to_cmp (&g_array_index (args, AttestPolicyArg, i));
  return rule_add (c, rule, name, nr, cmps, args->len, error);
}

/* Records the name's number on each architecture (for the ENOSYS stub)
 * and where it does not exist.  Returns FALSE when no architecture knows it. */
static gboolean
resolve_name (Compiler *c, const char *name)
{
  gboolean known = FALSE;

  for (guint i = 0; i < c->filter->arches->len; i++)
    {
      AttestFilterArch *arch = g_ptr_array_index (c->filter->arches, i);
      int nr = seccomp_syscall_resolve_name_arch (arch_token (arch), name);

      if (nr == __NR_SCMP_ERROR)
        continue;
      known = TRUE;
      if (nr < 0)
        {
          if (!g_ptr_array_find_with_equal_func (arch->skipped, name, g_str_equal, NULL))
            g_ptr_array_add (arch->skipped, g_strdup (name));
          continue;
        }
      arch->max_nr = MAX (arch->max_nr, (int) ((guint) nr & ~X32_SYSCALL_BIT));
    }
  return known;
}

static gboolean
unknown_name (Compiler *c, const AttestPolicyRule *rule, guint index, GError **error)
{
  const char *name = rule->names[index];
  gboolean stricter = attest_action_permits (&rule->action)
                      && !attest_action_permits (&c->policy->default_action);

  if (!stricter && !c->options->allow_unknown)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_UNSUPPORTED,
                   "%s: %s.names[%u]: unknown syscall \"%s\" (libseccomp %s); skipping it would "
                   "change what the rule denies; --allow-unknown skips it anyway",
                   c->policy->source, rule->location, index, name, c->filter->libseccomp_version);
      return FALSE;
    }
  if (!g_ptr_array_find_with_equal_func (c->filter->unknown, name, g_str_equal, NULL))
    g_ptr_array_add (c->filter->unknown, g_strdup (name));
  return TRUE;
}

static void
note_multiplexed_args (Compiler *c, const AttestPolicyRule *rule, const char *name)
{
  if (rule->args->len == 0)
    return;
  if (g_strv_contains (socket_family, name))
    c->socket_args = TRUE;
  if (g_strv_contains (ipc_family, name))
    c->ipc_args = TRUE;
}

static gboolean
add_rule (Compiler *c, const AttestPolicyRule *rule, GError **error)
{
  g_autofree char *why = includes_failure (c, &rule->includes);
  gboolean same_as_default = attest_action_equal (&rule->action, &c->policy->default_action);

  if (why == NULL)
    why = excludes_failure (c, &rule->excludes);
  if (why != NULL)
    {
      g_ptr_array_add (c->filter->dropped, g_strdup_printf ("%s: %s", rule->location, why));
      return TRUE;
    }
  if (same_as_default)
    g_ptr_array_add (c->filter->dropped,
                     g_strdup_printf ("%s: the action equals the default action", rule->location));

  for (guint i = 0; rule->names[i] != NULL; i++)
    {
      const char *name = rule->names[i];

      if (!resolve_name (c, name))
        {
          if (!unknown_name (c, rule, i, error))
            return FALSE;
          continue;
        }
      /* Counted for the stub's maximum even when dropped, as runc does. */
      if (same_as_default)
        continue;
      note_multiplexed_args (c, rule, name);
      if (!add_name (c, rule, name, seccomp_syscall_resolve_name (name), error))
        return FALSE;
    }
  return TRUE;
}

static void
note_flags (Compiler *c)
{
  for (guint i = 0; c->policy->flags != NULL && c->policy->flags[i] != NULL; i++)
    {
      const char *flag = c->policy->flags[i];
      if (strcmp (flag, "SECCOMP_FILTER_FLAG_TSYNC") == 0)
        continue; /* the sandboxed program is single-threaded when the filter loads */
      g_ptr_array_add (c->filter->notes,
                       g_strdup_printf ("flags: %s is not applied: bwrap loads the filter with "
                                        "prctl(PR_SET_SECCOMP), which takes no flags", flag));
    }
}

/* ---- the stub in front of libseccomp's program ---- */

enum { L_NEXT = -1, L_END = 1000, L_ENOSYS, L_DEFAULT, L_SECTION = 2000 };

typedef struct
{
  guint16 code;
  int jt, jf;                /* labels; L_NEXT for the next instruction */
  guint32 k;
} Insn;

typedef struct
{
  GArray *insns;             /* Insn */
  GArray *labels;            /* int label per instruction position; -2 when none */
} Asm;

static void
emit (Asm *a, guint16 code, int jt, int jf, guint32 k)
{
  Insn insn = { code, jt, jf, k };
  int none = -2;

  g_array_append_val (a->insns, insn);
  g_array_append_val (a->labels, none);
}

static void
label (Asm *a, int name)
{
  /* The label names the next instruction emitted. */
  Insn nop = { 0xffff, 0, 0, 0 };
  g_array_append_val (a->insns, nop);
  g_array_append_val (a->labels, name);
}

static gboolean
assemble (Asm *a, GArray *out, GError **error)
{
  GHashTable *where = g_hash_table_new (NULL, NULL);
  guint pos = 0;

  for (guint i = 0; i < a->insns->len; i++)
    {
      if (g_array_index (a->insns, Insn, i).code == 0xffff)
        g_hash_table_insert (where, GINT_TO_POINTER (g_array_index (a->labels, int, i)), GUINT_TO_POINTER (pos));
      else
        pos++;
    }
  g_hash_table_insert (where, GINT_TO_POINTER (L_END), GUINT_TO_POINTER (pos));
  pos = 0;
  for (guint i = 0; i < a->insns->len; i++)
    {
      Insn *in = &g_array_index (a->insns, Insn, i);
      struct sock_filter f = { in->code, 0, 0, in->k };
      guint jt_to, jf_to;

      if (in->code == 0xffff)
        continue;
      jt_to = in->jt == L_NEXT ? pos + 1 : GPOINTER_TO_UINT (g_hash_table_lookup (where, GINT_TO_POINTER (in->jt)));
      jf_to = in->jf == L_NEXT ? pos + 1 : GPOINTER_TO_UINT (g_hash_table_lookup (where, GINT_TO_POINTER (in->jf)));
      if (BPF_CLASS (in->code) == BPF_JMP && BPF_OP (in->code) == BPF_JA)
        f.k = jt_to - pos - 1;
      else if (BPF_CLASS (in->code) == BPF_JMP)
        {
          if (jt_to - pos - 1 > 255 || jf_to - pos - 1 > 255)
            {
              g_hash_table_unref (where);
              g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_COMPILE, "ENOSYS stub: jump too long");
              return FALSE;
            }
          f.jt = (guint8) (jt_to - pos - 1);
          f.jf = (guint8) (jf_to - pos - 1);
        }
      g_array_append_val (out, f);
      pos++;
    }
  g_hash_table_unref (where);
  return TRUE;
}

#define LD_ARCH BPF_LD | BPF_W | BPF_ABS, L_NEXT, L_NEXT, offsetof (struct seccomp_data, arch)
#define LD_NR BPF_LD | BPF_W | BPF_ABS, L_NEXT, L_NEXT, offsetof (struct seccomp_data, nr)

static void
emit_multiplexer_denial (Asm *a, const AttestFilterArch *arch)
{
  if (arch->socketcall_nr >= 0)
    emit (a, BPF_JMP | BPF_JEQ | BPF_K, L_DEFAULT, L_NEXT, (guint32) arch->socketcall_nr);
  if (arch->ipc_nr >= 0)
    emit (a, BPF_JMP | BPF_JEQ | BPF_K, L_DEFAULT, L_NEXT, (guint32) arch->ipc_nr);
}

/* x86_64 carries x32 syscalls under its own audit arch, marked by bit 30.
 * They go to libseccomp's program, which kills them unless the policy
 * lists SCMP_ARCH_X32; then they get x32's own maximum. */
static void
emit_x86_64_section (Asm *a, const AttestFilterArch *native, const AttestFilterArch *x32)
{
  emit (a, LD_NR);
  emit (a, BPF_JMP | BPF_JSET | BPF_K, L_SECTION + 999, L_NEXT, X32_SYSCALL_BIT);
  if (native->stub)
    emit (a, BPF_JMP | BPF_JGT | BPF_K, L_ENOSYS, L_END, (guint32) native->max_nr);
  else
    emit (a, BPF_JMP | BPF_JA, L_END, L_END, 0);
  label (a, L_SECTION + 999);
  if (x32 != NULL && x32->stub)
    {
      emit (a, BPF_JMP | BPF_JEQ | BPF_K, L_END, L_NEXT, 0xffffffffu);
      emit (a, BPF_JMP | BPF_JGT | BPF_K, L_ENOSYS, L_END, X32_SYSCALL_BIT | (guint32) x32->max_nr);
    }
  else
    emit (a, BPF_JMP | BPF_JA, L_END, L_END, 0);
}

static gboolean
multiplexers_denied (GPtrArray *arches)
{
  for (guint i = 0; i < arches->len; i++)
    {
      const AttestFilterArch *arch = g_ptr_array_index (arches, i);
      if (arch->socketcall_nr >= 0 || arch->ipc_nr >= 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
stub_wanted (const AttestPolicy *policy)
{
  AttestActionKind kind = policy->default_action.kind;
  /* runc: not in front of a default that lets syscalls run or be traced. */
  return kind != ATTEST_ACTION_ALLOW && kind != ATTEST_ACTION_LOG && kind != ATTEST_ACTION_TRACE;
}

static gboolean
build_stub (Compiler *c, GArray *out, GError **error)
{
  g_autoptr(GArray) insns = g_array_new (FALSE, FALSE, sizeof (Insn));
  g_autoptr(GArray) labels = g_array_new (FALSE, FALSE, sizeof (int));
  Asm a = { insns, labels };
  GPtrArray *arches = c->filter->arches;
  const AttestFilterArch *x32 = NULL;
  gboolean any = FALSE;

  for (guint i = 0; i < arches->len; i++)
    {
      AttestFilterArch *arch = g_ptr_array_index (arches, i);
      arch->stub = stub_wanted (c->policy) && arch->max_nr >= 0;
      any = any || arch->stub || arch->socketcall_nr >= 0 || arch->ipc_nr >= 0;
      if (arch_token (arch) == SCMP_ARCH_X32)
        x32 = arch;
    }
  if (!any)
    return TRUE;

  emit (&a, LD_ARCH);
  for (guint i = 0; i < arches->len; i++)
    {
      AttestFilterArch *arch = g_ptr_array_index (arches, i);
      if (arch_token (arch) != SCMP_ARCH_X32)
        emit (&a, BPF_JMP | BPF_JEQ | BPF_K, L_SECTION + (int) i, L_NEXT, arch_token (arch));
    }
  emit (&a, BPF_JMP | BPF_JA, L_END, L_END, 0);
  for (guint i = 0; i < arches->len; i++)
    {
      AttestFilterArch *arch = g_ptr_array_index (arches, i);
      if (arch_token (arch) == SCMP_ARCH_X32)
        continue;
      label (&a, L_SECTION + (int) i);
      if (arch_token (arch) == SCMP_ARCH_X86_64)
        {
          emit_x86_64_section (&a, arch, x32);
          continue;
        }
      emit (&a, LD_NR);
      emit_multiplexer_denial (&a, arch);
      if (arch->stub)
        emit (&a, BPF_JMP | BPF_JGT | BPF_K, L_ENOSYS, L_END, (guint32) arch->max_nr);
      else
        emit (&a, BPF_JMP | BPF_JA, L_END, L_END, 0);
    }
  label (&a, L_ENOSYS);
  emit (&a, BPF_RET | BPF_K, L_NEXT, L_NEXT, SECCOMP_RET_ERRNO | ENOSYS);
  if (multiplexers_denied (arches))
    {
      label (&a, L_DEFAULT);
      emit (&a, BPF_RET | BPF_K, L_NEXT, L_NEXT, attest_action_to_scmp (&c->policy->default_action));
    }
  return assemble (&a, out, error);
}

/* When an argument rule on a socket or ipc syscall meets an ABI that
 * multiplexes them, the multiplexer gets the default action in the stub:
 * 32-bit programs must use the direct syscalls (Linux >= 4.3), which
 * carry the argument checks. */
static void
deny_multiplexers (Compiler *c)
{
  for (guint i = 0; i < c->filter->arches->len; i++)
    {
      AttestFilterArch *arch = g_ptr_array_index (c->filter->arches, i);
      int socketcall = seccomp_syscall_resolve_name_arch (arch_token (arch), "socketcall");
      int ipc = seccomp_syscall_resolve_name_arch (arch_token (arch), "ipc");

      if (c->socket_args && socketcall >= 0)
        {
          arch->socketcall_nr = socketcall;
          g_ptr_array_add (c->filter->notes,
                           g_strdup_printf ("%s: socketcall (%d) gets the default action because a rule "
                                            "checks arguments of a socket syscall (CVE-2026-31431)",
                                            arch->arch, socketcall));
        }
      if (c->ipc_args && ipc >= 0)
        {
          arch->ipc_nr = ipc;
          g_ptr_array_add (c->filter->notes,
                           g_strdup_printf ("%s: ipc (%d) gets the default action because a rule "
                                            "checks arguments of a SysV IPC syscall", arch->arch, ipc));
        }
    }
}

/* ---- export ---- */

static GBytes *
export (Compiler *c, gboolean pfc, GError **error)
{
  attest_autofd fd = memfd_create (pfc ? "policy.pfc" : "policy.bpf", MFD_CLOEXEC);
  int rc;

  if (fd < 0)
    {
      int errsv = errno;
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_FAILED, "memfd_create: %s", g_strerror (errsv));
      return NULL;
    }
  rc = pfc ? seccomp_export_pfc (c->ctx, fd) : seccomp_export_bpf (c->ctx, fd);
  if (rc < 0)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_COMPILE, "%s: exporting the filter: %s",
                   c->policy->source, attest_seccomp_strerror (rc));
      return NULL;
    }
  if (lseek (fd, 0, SEEK_SET) != 0)
    {
      int errsv = errno;
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_FAILED, "lseek: %s", g_strerror (errsv));
      return NULL;
    }
  return attest_read_fd_limited (fd, 16 * 1024 * 1024, "exported filter", error);
}

static gboolean
finish_program (Compiler *c, GError **error)
{
  g_autoptr(GBytes) body = export (c, FALSE, error);
  g_autoptr(GArray) program = g_array_new (FALSE, FALSE, sizeof (struct sock_filter));
  gsize body_len = 0;
  const void *body_data;

  if (body == NULL || !build_stub (c, program, error))
    return FALSE;
  c->filter->n_stub_insns = program->len;
  body_data = g_bytes_get_data (body, &body_len);
  if (body_len == 0 || body_len % sizeof (struct sock_filter) != 0)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_COMPILE, "libseccomp exported %" G_GSIZE_FORMAT
                   " bytes, not a whole program", body_len);
      return FALSE;
    }
  g_array_append_vals (program, body_data, (guint) (body_len / sizeof (struct sock_filter)));
  c->filter->n_insns = program->len;
  if (program->len > BPF_MAXINSNS)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_COMPILE,
                   "%s: the program has %u instructions; the kernel takes at most %d",
                   c->policy->source, program->len, BPF_MAXINSNS);
      return FALSE;
    }
  c->filter->bpf = g_bytes_new (program->data, program->len * sizeof (struct sock_filter));
  c->filter->bpf_sha256 = attest_sha256_hex_bytes (c->filter->bpf);
  if (c->options->want_pfc)
    {
      g_autoptr(GBytes) pfc = export (c, TRUE, error);
      if (pfc == NULL)
        return FALSE;
      c->filter->pfc = g_strndup (g_bytes_get_data (pfc, NULL), g_bytes_get_size (pfc));
    }
  return TRUE;
}

static gboolean
set_attrs (Compiler *c, GError **error)
{
  const struct { enum scmp_filter_attr attr; uint32_t value; } attrs[] = {
    { SCMP_FLTATR_ACT_BADARCH, BADARCH_ACTION },
    { SCMP_FLTATR_CTL_NNP, 0 },          /* bwrap sets no_new_privs itself */
    /* binary tree: ~17 steps instead of ~300 for a denied call; linear
     * (1) only for bench/, which measures what the tree saves */
    { SCMP_FLTATR_CTL_OPTIMIZE, c->options->linear ? 1 : 2 },
    { SCMP_FLTATR_API_SYSRAWRC, 1 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (attrs); i++)
    {
      int rc = seccomp_attr_set (c->ctx, attrs[i].attr, attrs[i].value);
      if (rc < 0)
        {
          g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_COMPILE, "seccomp_attr_set(%d): %s",
                       attrs[i].attr, attest_seccomp_strerror (rc));
          return FALSE;
        }
    }
  return TRUE;
}

static void
filter_init (AttestFilter *filter, const AttestPolicy *policy, const AttestCompileOptions *options)
{
  const struct scmp_version *v = seccomp_version ();
  AttestAction badarch = { ATTEST_ACTION_KILL_PROCESS, FALSE, 0 };

  filter->policy_source = g_strdup (policy->source);
  filter->policy_sha256 = g_strdup (policy->sha256);
  filter->default_action = attest_action_to_string (&policy->default_action);
  filter->badarch_action = attest_action_to_string (&badarch);
  filter->libseccomp_version = g_strdup_printf ("%u.%u.%u", v->major, v->minor, v->micro);
  filter->kernel = g_strdup_printf ("%u.%u", options->kernel_major, options->kernel_minor);
  filter->arches = g_ptr_array_new_with_free_func ((GDestroyNotify) filter_arch_free);
  filter->unknown = g_ptr_array_new_with_free_func (g_free);
  filter->dropped = g_ptr_array_new_with_free_func (g_free);
  filter->notes = g_ptr_array_new_with_free_func (g_free);
}

static void
running_kernel (guint *major, guint *minor)
{
  struct utsname u;

  *major = *minor = 0;
  if (uname (&u) == 0)
    sscanf (u.release, "%u.%u", major, minor);
}

AttestFilter *
attest_compile (const AttestPolicy *policy, const AttestCompileOptions *options, GError **error)
{
  g_autoptr(AttestFilter) filter = g_new0 (AttestFilter, 1);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(scmp_filter_ctx) ctx = NULL;
  AttestCompileOptions opts = *options;
  Compiler c = { policy, &opts, filter, NULL, FALSE, FALSE, seen };

  if (opts.kernel_major == 0)
    running_kernel (&opts.kernel_major, &opts.kernel_minor);
  filter_init (filter, policy, &opts);

  /* libseccomp probes the running kernel for its API level; a filter that
   * is exported, not loaded here, must not depend on where it is compiled
   * (same policy, same BPF bytes), and the kernel that loads it is checked
   * by doctor and the probe.  Level 3 is what KILL_PROCESS needs. */
  if (seccomp_api_get () < 3)
    (void) seccomp_api_set (3);
  ctx = seccomp_init (attest_action_to_scmp (&policy->default_action));
  if (ctx == NULL)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_COMPILE, "%s: seccomp_init failed", policy->source);
      return NULL;
    }
  c.ctx = ctx;
  if (!set_attrs (&c, error) || !add_arches (&c, error))
    return NULL;
  note_flags (&c);
  for (guint i = 0; i < policy->rules->len; i++)
    if (!add_rule (&c, g_ptr_array_index (policy->rules, i), error))
      return NULL;
  deny_multiplexers (&c);
  if (!finish_program (&c, error))
    return NULL;
  return g_steal_pointer (&filter);
}

/* ---- manifest ---- */

static void
add_strings (JsonBuilder *b, const char *member, GPtrArray *strings)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; i < strings->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (strings, i));
  json_builder_end_array (b);
}

static void
add_arch_entry (JsonBuilder *b, const AttestFilterArch *arch)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "arch");
  json_builder_add_string_value (b, arch->arch);
  json_builder_set_member_name (b, "max_syscall_nr");
  json_builder_add_int_value (b, arch->max_nr);
  json_builder_set_member_name (b, "enosys_above_max");
  json_builder_add_boolean_value (b, arch->stub);
  json_builder_set_member_name (b, "socketcall_denied");
  json_builder_add_boolean_value (b, arch->socketcall_nr >= 0);
  json_builder_set_member_name (b, "ipc_denied");
  json_builder_add_boolean_value (b, arch->ipc_nr >= 0);
  add_strings (b, "skipped_not_on_arch", arch->skipped);
  json_builder_end_object (b);
}

JsonNode *
attest_filter_manifest (const AttestFilter *filter)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const struct { const char *name; const char *value; } strings[] = {
    { "schema", "sandbox-attest/compile-manifest/1" },
    { "tool_version", PACKAGE_VERSION },
    { "libseccomp_version", filter->libseccomp_version },
    { "kernel_for_min_kernel", filter->kernel },
    { "policy_source", filter->policy_source },
    { "policy_sha256", filter->policy_sha256 },
    { "default_action", filter->default_action },
    { "badarch_action", filter->badarch_action },
    { "bpf_sha256", filter->bpf_sha256 },
  };

  json_builder_begin_object (b);
  for (gsize i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      json_builder_set_member_name (b, strings[i].name);
      json_builder_add_string_value (b, strings[i].value);
    }
  json_builder_set_member_name (b, "optimize");
  json_builder_add_int_value (b, 2);
  json_builder_set_member_name (b, "instructions");
  json_builder_add_int_value (b, filter->n_insns);
  json_builder_set_member_name (b, "stub_instructions");
  json_builder_add_int_value (b, filter->n_stub_insns);
  json_builder_set_member_name (b, "rules_added");
  json_builder_add_int_value (b, filter->n_rules_added);
  json_builder_set_member_name (b, "arches");
  json_builder_begin_array (b);
  for (guint i = 0; i < filter->arches->len; i++)
    add_arch_entry (b, g_ptr_array_index (filter->arches, i));
  json_builder_end_array (b);
  add_strings (b, "skipped_unknown", filter->unknown);
  add_strings (b, "rules_dropped", filter->dropped);
  add_strings (b, "notes", filter->notes);
  if (filter->pfc != NULL)
    {
      json_builder_set_member_name (b, "pfc");
      json_builder_add_string_value (b, filter->pfc);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
