/* probe-net.c: network, socket and IPC probes.
 *
 * Safety (probes run unsandboxed in baseline mode, often as root): no packet
 * leaves the host. Route checks use a UDP connect() to documentation
 * addresses (192.0.2.1, 2001:db8::1), which only looks the route up; unix
 * sockets are connected and closed at once, nothing is ever sent. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "errnames.h"
#include "probes.h"

/* ---- PR-NET-1 ------------------------------------------------------------ */

typedef struct {
  int family;
  const char *addr;
} RouteArg;

static void
udp_route_lookup (void *arg, AttestCallResult *res)
{
  RouteArg *ra = arg;
  int s = socket (ra->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0)
    {
      attest_result_errno (res, s);
      attest_result_detail (res, "socket() refused");
      return;
    }
  struct sockaddr_storage ss;
  memset (&ss, 0, sizeof ss);
  socklen_t len;
  if (ra->family == AF_INET)
    {
      struct sockaddr_in *sin = (struct sockaddr_in *) &ss;
      sin->sin_family = AF_INET;
      sin->sin_port = htons (9);
      inet_pton (AF_INET, ra->addr, &sin->sin_addr);
      len = sizeof *sin;
    }
  else
    {
      struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &ss;
      sin6->sin6_family = AF_INET6;
      sin6->sin6_port = htons (9);
      inet_pton (AF_INET6, ra->addr, &sin6->sin6_addr);
      len = sizeof *sin6;
    }
  /* UDP connect() sends nothing: it only resolves the route. */
  int r = connect (s, (struct sockaddr *) &ss, len);
  attest_result_errno (res, r);
  attest_result_detail (res, r == 0 ? "a route to %s exists" : "socket() allowed, connect() refused", ra->addr);
  close (s);
}

void
attest_probe_net_1 (AttestCtx *ctx)
{
  RouteArg v4 = { AF_INET, "192.0.2.1" };
  RouteArg v6 = { AF_INET6, "2001:db8::1" };
  attest_try (ctx, "socket(AF_INET, SOCK_DGRAM, 0) + connect(192.0.2.1:9)", udp_route_lookup, &v4, 0, 0);
  attest_try (ctx, "socket(AF_INET6, SOCK_DGRAM, 0) + connect([2001:db8::1]:9)", udp_route_lookup, &v6, 0, 0);
}

/* ---- PR-NET-2 ------------------------------------------------------------ */

void
attest_probe_net_2 (AttestCtx *ctx)
{
  AttestBuf b;
  attest_buf_init (&b);
  const char *method = "read /proc/net/dev (netlink is denied)";
  if (attest_read_file ("/proc/net/dev", 64 << 10, &b) < 0)
    {
      int e = errno;
      attest_record (ctx, method, NULL, -1, e, "cannot read /proc/net/dev");
      attest_error (ctx, "cannot read /proc/net/dev: %s", strerror (e));
      attest_buf_free (&b);
      return;
    }
  AttestBuf names;
  attest_buf_init (&names);
  attest_buf_puts (&names, "[");
  int n = 0;
  bool only_lo = true, have_lo = false;
  int line_no = 0;
  for (char *line = b.data; line != NULL && *line; line_no++)
    {
      char *nl = strchr (line, '\n');
      if (nl)
        *nl = '\0';
      char *colon = strchr (line, ':');
      if (line_no >= 2 && colon != NULL)
        {
          *colon = '\0';
          char *name = line;
          while (*name == ' ')
            name++;
          if (n++ > 0)
            attest_buf_puts (&names, ",");
          attest_json_escape (&names, name, strlen (name));
          if (strcmp (name, "lo") == 0)
            have_lo = true;
          else
            only_lo = false;
        }
      line = nl ? nl + 1 : NULL;
    }
  attest_buf_puts (&names, "]");
  attest_fact_raw (ctx, "interfaces", names.data, names.len);
  const char *token = (only_lo && have_lo) ? "ONLY_LO" : "EXTRA_IFACE";
  if (n == 0)
    token = "NO_IFACE";
  attest_record (ctx, method, token, n, 0, "%d interface(s): %s", n, names.data);
  attest_buf_free (&names);
  attest_buf_free (&b);
}

/* ---- PR-SOCK-1 / PR-SOCK-2 ----------------------------------------------- */

typedef struct {
  int family;
  int type;        /* -1: try every type in sock_types */
  int protocol;
} SockArg;

static const struct { int type; const char *name; } sock_types[] = {
  { SOCK_STREAM, "SOCK_STREAM" },
  { SOCK_DGRAM, "SOCK_DGRAM" },
  { SOCK_RAW, "SOCK_RAW" },
  { SOCK_SEQPACKET, "SOCK_SEQPACKET" },
};

static void
try_socket (void *arg, AttestCallResult *res)
{
  SockArg *sa = arg;
  if (sa->type >= 0)
    {
      int s = socket (sa->family, sa->type | SOCK_CLOEXEC, sa->protocol);
      attest_result_errno (res, s);
      if (s >= 0)
        {
          attest_result_detail (res, "a socket was created");
          close (s);
        }
      return;
    }
  /* Every type: the outcome is OK if any type gave a socket; EPERM if all
   * were refused with EPERM; else the first kernel errno. */
  int first_err = 0;
  bool all_eperm = true;
  char detail[ATTEST_DETAIL_MAX] = "";
  size_t used = 0;
  for (size_t i = 0; i < sizeof sock_types / sizeof sock_types[0]; i++)
    {
      int s = socket (sa->family, sock_types[i].type | SOCK_CLOEXEC, 0);
      int e = s < 0 ? errno : 0;
      char nb[ATTEST_NAME_BUF];
      if (used < sizeof detail)
        used += (size_t) snprintf (detail + used, sizeof detail - used, "%s%s=%s",
                                   i ? " " : "", sock_types[i].name,
                                   s >= 0 ? "OK" : attest_errno_name (e, nb));
      if (s >= 0)
        {
          close (s);
          res->ret = s;
          res->err = 0;
          attest_result_detail (res, "created: %s", detail);
          return;
        }
      if (e != EPERM)
        all_eperm = false;
      if (first_err == 0 || (first_err == EPERM && e != EPERM))
        first_err = e;
    }
  res->ret = -1;
  res->err = all_eperm ? EPERM : first_err;
  snprintf (res->detail, sizeof res->detail, "%s", detail);
}

void
attest_probe_sock_1 (AttestCtx *ctx)
{
  static const struct { SockArg a; const char *method; } cases[] = {
    { { AF_INET, SOCK_STREAM, 0 }, "socket(AF_INET, SOCK_STREAM, 0)" },
    { { AF_INET, SOCK_DGRAM, 0 }, "socket(AF_INET, SOCK_DGRAM, 0)" },
    { { AF_INET6, SOCK_STREAM, 0 }, "socket(AF_INET6, SOCK_STREAM, 0)" },
    { { AF_UNIX, SOCK_STREAM, 0 }, "socket(AF_UNIX, SOCK_STREAM, 0)" },
    { { AF_NETLINK, SOCK_RAW, NETLINK_ROUTE }, "socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      SockArg a = cases[i].a;
      attest_try (ctx, cases[i].method, try_socket, &a, 0, 0);
    }
}

static const char *const family_names[] = {
  "AF_UNSPEC", "AF_UNIX", "AF_INET", "AF_AX25", "AF_IPX", "AF_APPLETALK", "AF_NETROM",
  "AF_BRIDGE", "AF_ATMPVC", "AF_X25", "AF_INET6", "AF_ROSE", "AF_DECnet", "AF_NETBEUI",
  "AF_SECURITY", "AF_KEY", "AF_NETLINK", "AF_PACKET", "AF_ASH", "AF_ECONET", "AF_ATMSVC",
  "AF_RDS", "AF_SNA", "AF_IRDA", "AF_PPPOX", "AF_WANPIPE", "AF_LLC", "AF_IB", "AF_MPLS",
  "AF_CAN", "AF_TIPC", "AF_BLUETOOTH", "AF_IUCV", "AF_RXRPC", "AF_ISDN", "AF_PHONET",
  "AF_IEEE802154", "AF_CAIF", "AF_ALG", "AF_NFC", "AF_VSOCK", "AF_KCM", "AF_QIPCRTR",
  "AF_SMC", "AF_XDP", "AF_MCTP",
};
#define N_FAMILIES ((int) (sizeof family_names / sizeof family_names[0]))

void
attest_probe_sock_2 (AttestCtx *ctx)
{
  /* On the host, socket() of an absent family autoloads its kernel module
   * (net-pf-N) for any user: a lasting host change. Baseline mode therefore
   * tries only families that are built in everywhere that matters. */
  static const int baseline_families[] = { AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET };
  bool baseline = ctx->opts->mode == ATTEST_MODE_BASELINE;
  AttestBuf skipped;
  attest_buf_init (&skipped);
  attest_buf_puts (&skipped, "[");
  int n_skipped = 0;
  for (int f = 0; f < N_FAMILIES; f++)
    {
      if (baseline)
        {
          bool allowed = false;
          for (size_t k = 0; k < sizeof baseline_families / sizeof baseline_families[0]; k++)
            allowed |= baseline_families[k] == f;
          if (!allowed)
            {
              attest_buf_printf (&skipped, "%s\"%s\"", n_skipped++ ? "," : "", family_names[f]);
              continue;
            }
        }
      char method[ATTEST_METHOD_MAX];
      attest_format (method, sizeof method,
                "socket(%s, SOCK_STREAM|SOCK_DGRAM|SOCK_RAW|SOCK_SEQPACKET, 0)", family_names[f]);
      SockArg a = { f, -1, 0 };
      attest_try (ctx, method, try_socket, &a, 0, 0);
    }
  attest_buf_puts (&skipped, "]");
  if (baseline)
    attest_fact_raw (ctx, "not_tried_in_baseline", skipped.data, skipped.len);
  attest_buf_free (&skipped);
  attest_fact_string (ctx, "baseline_note",
                      "baseline mode tries only AF_UNIX, AF_INET, AF_INET6, AF_NETLINK and AF_PACKET: "
                      "socket() of another family could autoload a kernel module on the host");
}

/* ---- unix socket reachability (PR-SOCK-DOCKER, PR-IPC-1) ----------------- */

static void
unix_connect (void *arg, AttestCallResult *res)
{
  const char *path = arg;
  int s = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0)
    {
      attest_result_errno (res, s);
      attest_result_detail (res, "socket(AF_UNIX) refused");
      return;
    }
  struct sockaddr_un sun;
  memset (&sun, 0, sizeof sun);
  sun.sun_family = AF_UNIX;
  snprintf (sun.sun_path, sizeof sun.sun_path, "%s", path);
  /* connect and close at once: nothing is ever sent on the socket */
  int r = connect (s, (struct sockaddr *) &sun, sizeof sun);
  attest_result_errno (res, r);
  if (r == 0)
    attest_result_detail (res, "connected (closed at once, nothing sent)");
  close (s);
}

static void
try_unix_paths (AttestCtx *ctx, const char *const *paths, size_t n, const char *fact_key)
{
  AttestBuf present;
  attest_buf_init (&present);
  attest_buf_puts (&present, "[");
  int n_present = 0;
  for (size_t i = 0; i < n; i++)
    {
      struct stat st;
      if (lstat (paths[i], &st) == 0)
        {
          if (n_present++ > 0)
            attest_buf_puts (&present, ",");
          attest_json_escape (&present, paths[i], strlen (paths[i]));
        }
      char method[ATTEST_METHOD_MAX];
      attest_format (method, sizeof method, "connect(AF_UNIX, \"%s\")", paths[i]);
      attest_try (ctx, method, unix_connect, (void *) paths[i], 0, 0);
    }
  attest_buf_puts (&present, "]");
  attest_fact_raw (ctx, fact_key, present.data, present.len);
  attest_buf_free (&present);
}

/* Adds "/run/user/<n>/<suffix>" for every entry of /run/user, plus the
 * sandbox and root uids, to @paths (storage in @store). */
static size_t
add_user_runtime_paths (const char **paths, size_t n, size_t max, char store[][128],
                        size_t *n_store, size_t max_store, const char *const *suffixes)
{
  char uids[16][16];
  size_t n_uids = 0;
  snprintf (uids[n_uids++], 16, "%d", (int) getuid ());
  snprintf (uids[n_uids++], 16, "0");
  snprintf (uids[n_uids++], 16, "65532");
  DIR *d = opendir ("/run/user");
  if (d != NULL)
    {
      struct dirent *de;
      while ((de = readdir (d)) != NULL && n_uids < 16)
        if (de->d_name[0] >= '0' && de->d_name[0] <= '9')
          {
            bool dup = false;
            for (size_t k = 0; k < n_uids; k++)
              dup |= strcmp (uids[k], de->d_name) == 0;
            if (!dup)
              snprintf (uids[n_uids++], 16, "%.15s", de->d_name);
          }
      closedir (d);
    }
  for (size_t u = 0; u < n_uids; u++)
    for (size_t s = 0; suffixes[s] != NULL; s++)
      if (n < max && *n_store < max_store)
        {
          attest_format (store[*n_store], 128, "/run/user/%s/%s", uids[u], suffixes[s]);
          paths[n++] = store[(*n_store)++];
        }
  return n;
}

/* Abstract unix sockets of this network namespace, from /proc/net/unix;
 * counts all entries and those whose name contains one of @needles.  When
 * the file cannot be read, records that as @method's attempt and an error. */
static bool
scan_proc_net_unix (AttestCtx *ctx, const char *method, const char *const *needles, int *out_total,
                    int *out_matching, AttestBuf *matches)
{
  AttestBuf b;
  attest_buf_init (&b);
  if (attest_read_file ("/proc/net/unix", 1 << 20, &b) < 0)
    {
      int e = errno;
      attest_buf_free (&b);
      attest_record (ctx, method, NULL, -1, e, "cannot read /proc/net/unix");
      attest_error (ctx, "cannot read /proc/net/unix: %s", strerror (e));
      return false;
    }
  int total = 0, matching = 0;
  attest_buf_puts (matches, "[");
  bool first_line = true;
  for (char *line = b.data; line != NULL && *line; )
    {
      char *nl = strchr (line, '\n');
      if (nl)
        *nl = '\0';
      if (!first_line)
        {
          total++;
          /* the path is the 8th field, absent for unnamed sockets */
          char *p = line;
          for (int field = 0; field < 7 && p; field++)
            {
              p = strchr (p, ' ');
              while (p && *p == ' ')
                p++;
            }
          if (p != NULL && *p != '\0' && needles != NULL)
            for (size_t k = 0; needles[k] != NULL; k++)
              if (attest_contains_ci (p, needles[k]))
                {
                  if (matching++ > 0)
                    attest_buf_puts (matches, ",");
                  attest_json_escape (matches, p, strlen (p));
                  break;
                }
        }
      first_line = false;
      line = nl ? nl + 1 : NULL;
    }
  attest_buf_puts (matches, "]");
  attest_buf_free (&b);
  (void) ctx;
  *out_total = total;
  *out_matching = matching;
  return true;
}

void
attest_probe_sock_docker (AttestCtx *ctx)
{
  static const char *const fixed[] = {
    "/var/run/docker.sock", "/run/docker.sock", "/var/run/docker/docker.sock",
    "/run/containerd/containerd.sock", "/run/containerd/containerd.sock.ttrpc",
    "/var/run/containerd/containerd.sock", "/run/podman/podman.sock",
    "/var/run/podman/podman.sock", "/run/buildkit/buildkitd.sock",
    "/var/run/buildkit/buildkitd.sock", "/run/crio/crio.sock",
    "/var/run/crio/crio.sock", "/run/docker/containerd/containerd.sock",
  };
  static const char *const user_suffixes[] = {
    "docker.sock", "podman/podman.sock", "buildkit/buildkitd.sock", "containerd/containerd.sock", NULL,
  };
  const char *paths[96];
  char store[64][128];
  size_t n = 0, n_store = 0;
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
    paths[n++] = fixed[i];
  n = add_user_runtime_paths (paths, n, 96, store, &n_store, 64, user_suffixes);
  try_unix_paths (ctx, paths, n, "socket_paths_present");

  static const char *const needles[] = { "docker", "containerd", "podman", "buildkit", "crio", NULL };
  int total = 0, matching = 0;
  AttestBuf matches;
  attest_buf_init (&matches);
  const char *method = "scan /proc/net/unix for docker, containerd, podman, buildkit and crio sockets (abstract included)";
  if (scan_proc_net_unix (ctx, method, needles, &total, &matching, &matches))
    {
      attest_fact_raw (ctx, "runtime_sockets_in_proc_net_unix", matches.data, matches.len);
      attest_record (ctx, method, matching ? "RUNTIME_SOCKET_FOUND" : "NO_RUNTIME_SOCKET",
                     matching, 0, "%d of %d unix sockets match", matching, total);
    }
  attest_buf_free (&matches);
}

static int
count_sysv (const char *path, int *out_count)
{
  AttestBuf b;
  attest_buf_init (&b);
  if (attest_read_file (path, 1 << 20, &b) < 0)
    {
      int e = errno;
      attest_buf_free (&b);
      return e;
    }
  int lines = 0;
  for (size_t i = 0; i < b.len; i++)
    lines += b.data[i] == '\n';
  *out_count = lines > 0 ? lines - 1 : 0;   /* minus the header */
  attest_buf_free (&b);
  return 0;
}

void
attest_probe_ipc_1 (AttestCtx *ctx)
{
  static const char *const fixed[] = {
    "/run/dbus/system_bus_socket", "/var/run/dbus/system_bus_socket",
    "/run/systemd/private", "/run/systemd/io.system.ManagedOOM", "/tmp/.X11-unix/X0",
    "/run/snapd.socket", "/var/run/libvirt/libvirt-sock", "/run/lxd/unix.socket",
    "/var/lib/kubelet/pod-resources/kubelet.sock", "/run/firecracker-containerd/containerd.sock",
  };
  static const char *const user_suffixes[] = { "bus", "wayland-0", "pulse/native", "gnupg/S.gpg-agent", "keyring/ssh", NULL };
  const char *paths[96];
  char store[64][128];
  size_t n = 0, n_store = 0;
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
    paths[n++] = fixed[i];
  n = add_user_runtime_paths (paths, n, 96, store, &n_store, 64, user_suffixes);
  try_unix_paths (ctx, paths, n, "socket_paths_present");

  static const char *const all[] = { "", NULL };
  int total = 0, named = 0;
  AttestBuf names;
  attest_buf_init (&names);
  const char *method = "read /proc/net/unix (unix sockets of this network namespace)";
  if (scan_proc_net_unix (ctx, method, all, &total, &named, &names))
    {
      attest_fact_raw (ctx, "named_unix_sockets", names.data, names.len);
      attest_record (ctx, method, total ? "UNIX_SOCKETS_VISIBLE" : "NO_UNIX_SOCKETS", total, 0,
                     "%d unix socket(s) visible, %d with a name", total, named);
    }
  attest_buf_free (&names);

  static const char *const sysv[] = { "/proc/sysvipc/shm", "/proc/sysvipc/msg", "/proc/sysvipc/sem" };
  for (size_t i = 0; i < 3; i++)
    {
      char m[128];
      attest_format (m, sizeof m, "read %s (SysV IPC objects of this IPC namespace)", sysv[i]);
      int count = 0;
      int e = count_sysv (sysv[i], &count);
      if (e != 0)
        {
          attest_record (ctx, m, NULL, -1, e, "cannot read %s", sysv[i]);
          attest_error (ctx, "cannot read %s: %s", sysv[i], strerror (e));
        }
      else
        attest_record (ctx, m, count ? "SYSV_OBJECTS_VISIBLE" : "SYSV_EMPTY", count, 0, "%d object(s)", count);
    }
}
