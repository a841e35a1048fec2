#include "policy.h"

#include <errno.h>
#include <string.h>

#include "error.h"
#include "fdutil.h"
#include "json-reader.h"

typedef struct
{
  const char *name;          /* SCMP_ARCH_* as the OCI spec lists it */
  const char *go_name;       /* the name includes.arches uses */
  uint32_t token;            /* 0: this libseccomp does not know it */
} ArchInfo;

static const ArchInfo arch_table[] = {
  { "SCMP_ARCH_X86", "x86", SCMP_ARCH_X86 },
  { "SCMP_ARCH_X86_64", "amd64", SCMP_ARCH_X86_64 },
  { "SCMP_ARCH_X32", "x32", SCMP_ARCH_X32 },
  { "SCMP_ARCH_ARM", "arm", SCMP_ARCH_ARM },
  { "SCMP_ARCH_AARCH64", "arm64", SCMP_ARCH_AARCH64 },
  { "SCMP_ARCH_MIPS", "mips", SCMP_ARCH_MIPS },
  { "SCMP_ARCH_MIPS64", "mips64", SCMP_ARCH_MIPS64 },
  { "SCMP_ARCH_MIPS64N32", "mips64n32", SCMP_ARCH_MIPS64N32 },
  { "SCMP_ARCH_MIPSEL", "mipsle", SCMP_ARCH_MIPSEL },
  { "SCMP_ARCH_MIPSEL64", "mips64le", SCMP_ARCH_MIPSEL64 },
  { "SCMP_ARCH_MIPSEL64N32", "mips64n32le", SCMP_ARCH_MIPSEL64N32 },
  { "SCMP_ARCH_PPC", "ppc", SCMP_ARCH_PPC },
  { "SCMP_ARCH_PPC64", "ppc64", SCMP_ARCH_PPC64 },
  { "SCMP_ARCH_PPC64LE", "ppc64le", SCMP_ARCH_PPC64LE },
  { "SCMP_ARCH_S390", "s390", SCMP_ARCH_S390 },
  { "SCMP_ARCH_S390X", "s390x", SCMP_ARCH_S390X },
  { "SCMP_ARCH_PARISC", "parisc", SCMP_ARCH_PARISC },
  { "SCMP_ARCH_PARISC64", "parisc64", SCMP_ARCH_PARISC64 },
  { "SCMP_ARCH_RISCV64", "riscv64", SCMP_ARCH_RISCV64 },
  /* Named by the OCI spec, unknown to libseccomp 2.5: accepted in archMap
   * entries for other hosts, refused when selected. */
  { "SCMP_ARCH_LOONGARCH64", "loong64", 0 },
  { "SCMP_ARCH_M68K", "m68k", 0 },
  { "SCMP_ARCH_SH", "sh", 0 },
  { "SCMP_ARCH_SHEB", "sheb", 0 },
};

static const ArchInfo *
arch_lookup (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (arch_table); i++)
    if (strcmp (arch_table[i].name, name) == 0)
      return &arch_table[i];
  return NULL;
}

uint32_t
attest_arch_from_name (const char *name)
{
  const ArchInfo *info = arch_lookup (name);
  return info != NULL ? info->token : 0;
}

const char *
attest_arch_to_name (uint32_t token)
{
  for (gsize i = 0; i < G_N_ELEMENTS (arch_table); i++)
    if (arch_table[i].token == token && token != 0)
      return arch_table[i].name;
  return "SCMP_ARCH_UNKNOWN";
}

const char *
attest_arch_to_go_name (uint32_t token)
{
  for (gsize i = 0; i < G_N_ELEMENTS (arch_table); i++)
    if (arch_table[i].token == token && token != 0)
      return arch_table[i].go_name;
  return "unknown";
}

/* ---- actions ---- */

static const struct
{
  const char *name;
  AttestActionKind kind;
} action_table[] = {
  { "SCMP_ACT_KILL", ATTEST_ACTION_KILL_THREAD },  /* runc: KILL means KILL_THREAD */
  { "SCMP_ACT_KILL_THREAD", ATTEST_ACTION_KILL_THREAD },
  { "SCMP_ACT_KILL_PROCESS", ATTEST_ACTION_KILL_PROCESS },
  { "SCMP_ACT_TRAP", ATTEST_ACTION_TRAP },
  { "SCMP_ACT_ERRNO", ATTEST_ACTION_ERRNO },
  { "SCMP_ACT_TRACE", ATTEST_ACTION_TRACE },
  { "SCMP_ACT_LOG", ATTEST_ACTION_LOG },
  { "SCMP_ACT_ALLOW", ATTEST_ACTION_ALLOW },
};

static const char *
action_kind_name (AttestActionKind kind)
{
  for (gsize i = 1; i < G_N_ELEMENTS (action_table); i++)
    if (action_table[i].kind == kind)
      return action_table[i].name;
  return "SCMP_ACT_?";
}

char *
attest_action_to_string (const AttestAction *action)
{
  if (action->kind == ATTEST_ACTION_ERRNO || action->kind == ATTEST_ACTION_TRACE)
    return g_strdup_printf ("%s(%u)", action_kind_name (action->kind), action->errno_ret);
  return g_strdup (action_kind_name (action->kind));
}

uint32_t
attest_action_to_scmp (const AttestAction *action)
{
  switch (action->kind)
    {
    case ATTEST_ACTION_KILL_PROCESS: return SCMP_ACT_KILL_PROCESS;
    case ATTEST_ACTION_KILL_THREAD: return SCMP_ACT_KILL_THREAD;
    case ATTEST_ACTION_TRAP: return SCMP_ACT_TRAP;
    case ATTEST_ACTION_ERRNO: return SCMP_ACT_ERRNO (action->errno_ret);
    case ATTEST_ACTION_TRACE: return SCMP_ACT_TRACE (action->errno_ret);
    case ATTEST_ACTION_LOG: return SCMP_ACT_LOG;
    case ATTEST_ACTION_ALLOW: return SCMP_ACT_ALLOW;
    default: g_assert_not_reached ();
    }
}

gboolean
attest_action_equal (const AttestAction *a, const AttestAction *b)
{
  return attest_action_to_scmp (a) == attest_action_to_scmp (b);
}

gboolean
attest_action_permits (const AttestAction *action)
{
  return action->kind == ATTEST_ACTION_ALLOW || action->kind == ATTEST_ACTION_LOG;
}

/* ---- loading ---- */

static void
condition_clear (AttestPolicyCondition *cond)
{
  g_clear_pointer (&cond->caps, g_strfreev);
  g_clear_pointer (&cond->arches, g_strfreev);
}

static void
rule_free (AttestPolicyRule *rule)
{
  g_free (rule->location);
  g_strfreev (rule->names);
  if (rule->args != NULL)
    g_array_unref (rule->args);
  g_free (rule->comment);
  condition_clear (&rule->includes);
  condition_clear (&rule->excludes);
  g_free (rule);
}

static void
arch_map_free (AttestPolicyArchMap *entry)
{
  g_free (entry->architecture);
  g_strfreev (entry->sub_architectures);
  g_free (entry);
}

void
attest_policy_free (AttestPolicy *policy)
{
  if (policy == NULL)
    return;
  g_free (policy->source);
  g_free (policy->sha256);
  g_strfreev (policy->architectures);
  if (policy->arch_map != NULL)
    g_ptr_array_unref (policy->arch_map);
  g_strfreev (policy->flags);
  if (policy->rules != NULL)
    g_ptr_array_unref (policy->rules);
  g_free (policy);
}

static gboolean
invalid (GError **error, const char *location, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static gboolean
invalid (GError **error, const char *location, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_POLICY_INVALID, "%s: %s", location, msg);
  return FALSE;
}

static char *
at (const char *location, const char *key)
{
  return g_strdup_printf ("%s%s%s", location, *location ? "." : "", key);
}

/* A JSON null stands for an absent optional field, as Go's decoder treats it. */
static const AttestJson *
optional_member (const AttestJson *object, const char *key)
{
  const AttestJson *node = attest_json_member (object, key);
  return node != NULL && node->type != ATTEST_JSON_NULL ? node : NULL;
}

static gboolean
read_string (const AttestJson *node, const char *location, gboolean non_empty,
             char **out, GError **error)
{
  if (!attest_json_expect (node, ATTEST_JSON_STRING, location, error))
    return FALSE;
  if (non_empty && node->text[0] == '\0')
    return invalid (error, location, "must not be empty");
  *out = g_strdup (node->text);
  return TRUE;
}

static gboolean
read_string_array (const AttestJson *node, const char *location, GStrv *out, GError **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (!attest_json_expect (node, ATTEST_JSON_ARRAY, location, error))
    return FALSE;
  for (guint i = 0; i < node->items->len; i++)
    {
      const AttestJson *item = g_ptr_array_index (node->items, i);
      g_autofree char *where = g_strdup_printf ("%s[%u]", location, i);
      g_autofree char *s = NULL;

      if (!read_string (item, where, TRUE, &s, error))
        return FALSE;
      g_strv_builder_add (builder, s);
    }
  *out = g_strv_builder_end (builder);
  return TRUE;
}

static gboolean
read_action (const AttestJson *node, const char *location, AttestActionKind *out, GError **error)
{
  if (!attest_json_expect (node, ATTEST_JSON_STRING, location, error))
    return FALSE;
  if (strcmp (node->text, "SCMP_ACT_NOTIFY") == 0)
    return invalid (error, location,
                    "SCMP_ACT_NOTIFY is not supported: bwrap loads filters with prctl(), "
                    "which cannot create a notification listener");
  for (gsize i = 0; i < G_N_ELEMENTS (action_table); i++)
    if (strcmp (node->text, action_table[i].name) == 0)
      {
        *out = action_table[i].kind;
        return TRUE;
      }
  return invalid (error, location, "unknown action \"%s\"", node->text);
}

/* errnoRet: runc casts to int16 and the kernel keeps 12 bits of errno. */
#define ERRNO_RET_MAX 4095

static gboolean
read_action_with_errno (const AttestJson *object, const char *location, const char *action_key,
                        const char *errno_key, AttestAction *out, GError **error)
{
  const AttestJson *action = attest_json_member (object, action_key);
  const AttestJson *errno_ret = optional_member (object, errno_key);
  g_autofree char *action_loc = at (location, action_key);
  g_autofree char *errno_loc = at (location, errno_key);
  AttestAction result = { 0 };

  if (action == NULL)
    return invalid (error, action_loc, "required key is missing");
  if (!read_action (action, action_loc, &result.kind, error))
    return FALSE;
  if (errno_ret != NULL)
    {
      guint64 value;

      if (result.kind != ATTEST_ACTION_ERRNO && result.kind != ATTEST_ACTION_TRACE)
        return invalid (error, errno_loc, "only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno");
      if (!attest_json_get_u64 (errno_ret, errno_loc, ERRNO_RET_MAX, &value, error))
        return FALSE;
      result.has_errno_ret = TRUE;
      result.errno_ret = (guint) value;
    }
  else if (result.kind == ATTEST_ACTION_ERRNO)
    result.errno_ret = EPERM;
  *out = result;
  return TRUE;
}

static const struct
{
  const char *name;
  enum scmp_compare op;
} op_table[] = {
  { "SCMP_CMP_NE", SCMP_CMP_NE },
  { "SCMP_CMP_LT", SCMP_CMP_LT },
  { "SCMP_CMP_LE", SCMP_CMP_LE },
  { "SCMP_CMP_EQ", SCMP_CMP_EQ },
  { "SCMP_CMP_GE", SCMP_CMP_GE },
  { "SCMP_CMP_GT", SCMP_CMP_GT },
  { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

static gboolean
read_arg (const AttestJson *node, const char *location, AttestPolicyArg *out, GError **error)
{
  static const char *const keys[] = { "index", "value", "valueTwo", "op", NULL };
  const AttestJson *index = NULL, *value = NULL, *value_two = NULL, *op = NULL;
  g_autofree char *index_loc = at (location, "index");
  g_autofree char *value_loc = at (location, "value");
  g_autofree char *value_two_loc = at (location, "valueTwo");
  g_autofree char *op_loc = at (location, "op");
  AttestPolicyArg arg = { 0 };
  guint64 n;
  gboolean op_found = FALSE;

  if (!attest_json_expect (node, ATTEST_JSON_OBJECT, location, error)
      || !attest_json_check_keys (node, location, keys, error))
    return FALSE;
  index = attest_json_member (node, "index");
  value = attest_json_member (node, "value");
  value_two = optional_member (node, "valueTwo");
  op = attest_json_member (node, "op");
  if (index == NULL)
    return invalid (error, index_loc, "required key is missing");
  if (value == NULL)
    return invalid (error, value_loc, "required key is missing");
  if (op == NULL)
    return invalid (error, op_loc, "required key is missing");
  if (!attest_json_get_u64 (index, index_loc, 5, &n, error))
    return FALSE;
  arg.index = (guint) n;
  if (!attest_json_get_u64 (value, value_loc, G_MAXUINT64, &arg.value, error))
    return FALSE;
  if (value_two != NULL && !attest_json_get_u64 (value_two, value_two_loc, G_MAXUINT64, &arg.value_two, error))
    return FALSE;
  if (!attest_json_expect (op, ATTEST_JSON_STRING, op_loc, error))
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (op_table); i++)
    if (strcmp (op->text, op_table[i].name) == 0)
      {
        arg.op = op_table[i].op;
        op_found = TRUE;
      }
  if (!op_found)
    return invalid (error, op_loc, "unknown operator \"%s\"", op->text);
  /* (arg & value) == valueTwo can never hold when valueTwo has bits
   * outside the mask: such a rule is dead and almost surely a mistake. */
  if (arg.op == SCMP_CMP_MASKED_EQ && (arg.value_two & ~arg.value) != 0)
    return invalid (error, value_two_loc, "0x%" G_GINT64_MODIFIER "x has bits outside the mask "
                    "0x%" G_GINT64_MODIFIER "x: the condition can never match", arg.value_two, arg.value);
  *out = arg;
  return TRUE;
}

static gboolean
read_kernel_version (const AttestJson *node, const char *location, AttestPolicyCondition *cond,
                     GError **error)
{
  g_auto(GStrv) parts = NULL;
  guint64 major, minor;

  if (!attest_json_expect (node, ATTEST_JSON_STRING, location, error))
    return FALSE;
  parts = g_strsplit (node->text, ".", -1);
  if (g_strv_length (parts) != 2
      || !g_ascii_string_to_unsigned (parts[0], 10, 0, 9999, &major, NULL)
      || !g_ascii_string_to_unsigned (parts[1], 10, 0, 9999, &minor, NULL)
      || (major == 0 && minor == 0))
    return invalid (error, location, "\"%s\" is not a kernel version of the form X.Y", node->text);
  cond->has_min_kernel = TRUE;
  cond->min_kernel_major = (guint) major;
  cond->min_kernel_minor = (guint) minor;
  return TRUE;
}

static gboolean
read_condition (const AttestJson *object, const char *location, const char *key,
                AttestPolicyCondition *cond, GError **error)
{
  static const char *const keys[] = { "caps", "arches", "minKernel", NULL };
  const AttestJson *node = optional_member (object, key);
  g_autofree char *loc = at (location, key);
  const AttestJson *member;

  if (node == NULL)
    return TRUE;
  if (!attest_json_expect (node, ATTEST_JSON_OBJECT, loc, error)
      || !attest_json_check_keys (node, loc, keys, error))
    return FALSE;
  if ((member = optional_member (node, "caps")) != NULL)
    {
      g_autofree char *where = at (loc, "caps");
      if (!read_string_array (member, where, &cond->caps, error))
        return FALSE;
      for (guint i = 0; cond->caps[i] != NULL; i++)
        if (!g_str_has_prefix (cond->caps[i], "CAP_"))
          return invalid (error, where, "\"%s\" is not a capability name (CAP_*)", cond->caps[i]);
    }
  if ((member = optional_member (node, "arches")) != NULL)
    {
      g_autofree char *where = at (loc, "arches");
      if (!read_string_array (member, where, &cond->arches, error))
        return FALSE;
    }
  if ((member = optional_member (node, "minKernel")) != NULL)
    {
      g_autofree char *where = at (loc, "minKernel");
      if (!read_kernel_version (member, where, cond, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
read_names (const AttestJson *node, const char *location, AttestPolicyRule *rule, GError **error)
{
  const AttestJson *names = optional_member (node, "names");
  const AttestJson *name = optional_member (node, "name");
  g_autofree char *names_loc = at (location, "names");
  g_autofree char *name_loc = at (location, "name");

  if (names != NULL && name != NULL)
    return invalid (error, location, "has both \"name\" and \"names\"");
  if (name != NULL)
    {
      g_autofree char *s = NULL;
      if (!read_string (name, name_loc, TRUE, &s, error))
        return FALSE;
      rule->names = g_new0 (char *, 2);
      rule->names[0] = g_steal_pointer (&s);
      return TRUE;
    }
  if (names == NULL)
    return invalid (error, names_loc, "required key is missing");
  if (!read_string_array (names, names_loc, &rule->names, error))
    return FALSE;
  if (rule->names[0] == NULL)
    return invalid (error, names_loc, "must name at least one syscall");
  return TRUE;
}

static gboolean
read_rule (const AttestJson *node, const char *location, AttestPolicyRule **out, GError **error)
{
  static const char *const keys[] = { "names", "name", "action", "errnoRet", "args", "comment",
                                      "includes", "excludes", NULL };
  g_autoptr(GPtrArray) holder = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_free);
  AttestPolicyRule *rule = g_new0 (AttestPolicyRule, 1);
  const AttestJson *args, *comment;

  g_ptr_array_add (holder, rule);
  rule->location = g_strdup (location);
  rule->args = g_array_new (FALSE, TRUE, sizeof (AttestPolicyArg));
  if (!attest_json_expect (node, ATTEST_JSON_OBJECT, location, error)
      || !attest_json_check_keys (node, location, keys, error)
      || !read_names (node, location, rule, error)
      || !read_action_with_errno (node, location, "action", "errnoRet", &rule->action, error)
      || !read_condition (node, location, "includes", &rule->includes, error)
      || !read_condition (node, location, "excludes", &rule->excludes, error))
    return FALSE;
  if ((comment = optional_member (node, "comment")) != NULL)
    {
      g_autofree char *where = at (location, "comment");
      if (!read_string (comment, where, FALSE, &rule->comment, error))
        return FALSE;
    }
  if ((args = optional_member (node, "args")) != NULL)
    {
      g_autofree char *where = at (location, "args");
      if (!attest_json_expect (args, ATTEST_JSON_ARRAY, where, error))
        return FALSE;
      for (guint i = 0; i < args->items->len; i++)
        {
          g_autofree char *arg_loc = g_strdup_printf ("%s[%u]", where, i);
          AttestPolicyArg arg;

          if (!read_arg (g_ptr_array_index (args->items, i), arg_loc, &arg, error))
            return FALSE;
          g_array_append_val (rule->args, arg);
        }
    }
  *out = g_ptr_array_steal_index (holder, 0);
  return TRUE;
}

static gboolean
read_arch_name (const AttestJson *node, const char *location, char **out, GError **error)
{
  if (!read_string (node, location, TRUE, out, error))
    return FALSE;
  if (arch_lookup (*out) == NULL)
    {
      g_clear_pointer (out, g_free);
      return invalid (error, location, "unknown architecture \"%s\"", node->text);
    }
  return TRUE;
}

static gboolean
read_arch_list (const AttestJson *node, const char *location, GStrv *out, GError **error)
{
  if (!read_string_array (node, location, out, error))
    return FALSE;
  for (guint i = 0; (*out)[i] != NULL; i++)
    if (arch_lookup ((*out)[i]) == NULL)
      {
        g_autofree char *where = g_strdup_printf ("%s[%u]", location, i);
        return invalid (error, where, "unknown architecture \"%s\"", (*out)[i]);
      }
  return TRUE;
}

static gboolean
read_arch_map (const AttestJson *node, AttestPolicy *policy, GError **error)
{
  static const char *const keys[] = { "architecture", "subArchitectures", NULL };

  if (!attest_json_expect (node, ATTEST_JSON_ARRAY, "archMap", error))
    return FALSE;
  policy->arch_map = g_ptr_array_new_with_free_func ((GDestroyNotify) arch_map_free);
  for (guint i = 0; i < node->items->len; i++)
    {
      const AttestJson *item = g_ptr_array_index (node->items, i);
      g_autofree char *loc = g_strdup_printf ("archMap[%u]", i);
      g_autofree char *arch_loc = at (loc, "architecture");
      g_autofree char *sub_loc = at (loc, "subArchitectures");
      AttestPolicyArchMap *entry = g_new0 (AttestPolicyArchMap, 1);
      const AttestJson *arch, *subs;

      g_ptr_array_add (policy->arch_map, entry);
      if (!attest_json_expect (item, ATTEST_JSON_OBJECT, loc, error)
          || !attest_json_check_keys (item, loc, keys, error))
        return FALSE;
      if ((arch = attest_json_member (item, "architecture")) == NULL)
        return invalid (error, arch_loc, "required key is missing");
      if (!read_arch_name (arch, arch_loc, &entry->architecture, error))
        return FALSE;
      if ((subs = optional_member (item, "subArchitectures")) != NULL
          && !read_arch_list (subs, sub_loc, &entry->sub_architectures, error))
        return FALSE;
    }
  return TRUE;
}

static const char *const known_flags[] = {
  "SECCOMP_FILTER_FLAG_TSYNC",
  "SECCOMP_FILTER_FLAG_LOG",
  "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
  "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
  NULL,
};

static gboolean
read_top_level (const AttestJson *root, AttestPolicy *policy, GError **error)
{
  static const char *const keys[] = { "defaultAction", "defaultErrnoRet", "architectures", "archMap",
                                      "flags", "listenerPath", "listenerMetadata", "syscalls", NULL };
  const AttestJson *node;

  if (!attest_json_expect (root, ATTEST_JSON_OBJECT, "", error))
    return FALSE;
  /* containers/common adds these; Docker ignores them, so accepting them
   * would give the same file two meanings (research/seccomp.md §1.3). */
  if (attest_json_member (root, "defaultErrno") != NULL)
    return invalid (error, "defaultErrno", "unknown key (a containers/common extension Docker ignores; "
                    "use defaultErrnoRet)");
  if (!attest_json_check_keys (root, "", keys, error))
    return FALSE;
  if (optional_member (root, "listenerPath") != NULL || optional_member (root, "listenerMetadata") != NULL)
    return invalid (error, "listenerPath", "seccomp notification listeners are not supported: bwrap "
                    "loads filters with prctl(), which cannot create a listener");
  if (!read_action_with_errno (root, "", "defaultAction", "defaultErrnoRet", &policy->default_action, error))
    return FALSE;
  if ((node = optional_member (root, "architectures")) != NULL
      && !read_arch_list (node, "architectures", &policy->architectures, error))
    return FALSE;
  if ((node = optional_member (root, "archMap")) != NULL && !read_arch_map (node, policy, error))
    return FALSE;
  if (policy->architectures != NULL && policy->arch_map != NULL)
    return invalid (error, "archMap", "\"architectures\" and \"archMap\" are mutually exclusive");
  if ((node = optional_member (root, "flags")) != NULL)
    {
      if (!read_string_array (node, "flags", &policy->flags, error))
        return FALSE;
      for (guint i = 0; policy->flags[i] != NULL; i++)
        if (!g_strv_contains (known_flags, policy->flags[i]))
          {
            g_autofree char *where = g_strdup_printf ("flags[%u]", i);
            return invalid (error, where, "unknown flag \"%s\"", policy->flags[i]);
          }
    }
  return TRUE;
}

static gboolean
read_rules (const AttestJson *root, AttestPolicy *policy, GError **error)
{
  const AttestJson *syscalls = optional_member (root, "syscalls");

  policy->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_free);
  if (syscalls == NULL)
    return TRUE;
  if (!attest_json_expect (syscalls, ATTEST_JSON_ARRAY, "syscalls", error))
    return FALSE;
  if (syscalls->items->len > ATTEST_POLICY_MAX_RULES)
    return invalid (error, "syscalls", "more than %u rules", ATTEST_POLICY_MAX_RULES);
  for (guint i = 0; i < syscalls->items->len; i++)
    {
      g_autofree char *loc = g_strdup_printf ("syscalls[%u]", i);
      AttestPolicyRule *rule = NULL;

      if (!read_rule (g_ptr_array_index (syscalls->items, i), loc, &rule, error))
        return FALSE;
      g_ptr_array_add (policy->rules, rule);
    }
  return TRUE;
}

AttestPolicy *
attest_policy_load_bytes (GBytes *bytes, const char *source, GError **error)
{
  g_autoptr(AttestPolicy) policy = g_new0 (AttestPolicy, 1);
  g_autoptr(AttestJson) root = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);

  policy->source = g_strdup (source);
  policy->sha256 = attest_sha256_hex_bytes (bytes);
  if (len == 0)
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON, "%s: empty file", source);
      return NULL;
    }
  if (!g_utf8_validate (data, (gssize) len, NULL))
    {
      g_set_error (error, ATTEST_ERROR, ATTEST_ERROR_JSON, "%s: not valid UTF-8", source);
      return NULL;
    }
  root = attest_json_parse (data, len, source, error);
  if (root == NULL)
    return NULL;
  if (!read_top_level (root, policy, error) || !read_rules (root, policy, error))
    {
      g_prefix_error (error, "%s: ", source);
      return NULL;
    }
  return g_steal_pointer (&policy);
}

AttestPolicy *
attest_policy_load_file (const char *path, GError **error)
{
  g_autoptr(GBytes) bytes = attest_read_file_limited (path, ATTEST_POLICY_MAX_BYTES, FALSE, error);

  if (bytes == NULL)
    return NULL;
  return attest_policy_load_bytes (bytes, path, error);
}
