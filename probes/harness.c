/* harness.c: see harness.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errnames.h"

/* ---- generic fork + deadline ------------------------------------------ */

static sigset_t wait_mask;   /* the mask during ppoll(): SIGCHLD unblocked */

static void
on_sigchld (int sig)
{
  (void) sig;   /* only here to interrupt ppoll() */
}

bool
attest_harness_init (void)
{
  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_sigchld;
  sigemptyset (&sa.sa_mask);
  if (sigaction (SIGCHLD, &sa, NULL) != 0)
    return false;
  sigset_t block, old;
  sigemptyset (&block);
  sigaddset (&block, SIGCHLD);
  if (sigprocmask (SIG_BLOCK, &block, &old) != 0)
    return false;
  wait_mask = old;
  sigdelset (&wait_mask, SIGCHLD);
  /* A reader that went away must not kill the harness before it has written
   * its report; write() then fails with EPIPE instead. */
  signal (SIGPIPE, SIG_IGN);
  return true;
}

int64_t
attest_now_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

pid_t
attest_fork (void)
{
  /* x86_64 order: flags, stack (NULL: the child runs on a copy of this one),
   * parent_tid, child_tid, tls. */
  return (pid_t) syscall (SYS_clone, (unsigned long) SIGCHLD, NULL, NULL, NULL, 0UL);
}

static void
drain (int fd, size_t cap, AttestBuf *data, bool *eof)
{
  char chunk[4096];
  for (;;)
    {
      ssize_t n = read (fd, chunk, sizeof chunk);
      if (n > 0)
        {
          size_t room = data->len < cap ? cap - data->len : 0;
          attest_buf_append (data, chunk, (size_t) n < room ? (size_t) n : room);
          continue;
        }
      if (n == 0)
        *eof = true;
      else if (errno == EINTR)
        continue;
      else if (errno != EAGAIN)
        *eof = true;
      return;
    }
}

bool
attest_spawn (AttestChildBody body, void *arg, int timeout_ms, bool own_group,
              size_t cap, AttestChildResult *out)
{
  memset (out, 0, sizeof *out);
  attest_buf_init (&out->data);
  int p[2];
  if (pipe2 (p, O_CLOEXEC) != 0)
    return false;
  int64_t start = attest_now_us ();
  int64_t deadline = start + (int64_t) timeout_ms * 1000;
  fflush (NULL);   /* a child must never flush the parent's buffers again */
  pid_t pid = attest_fork ();
  if (pid < 0)
    {
      int e = errno;
      close (p[0]);
      close (p[1]);
      errno = e;
      return false;
    }
  if (pid == 0)
    {
      close (p[0]);
      if (own_group)
        setpgid (0, 0);
      body (p[1], arg);
      _exit (0);
    }
  close (p[1]);
  if (own_group)
    setpgid (pid, pid);   /* also from here: no window where a kill misses it */
  fcntl (p[0], F_SETFL, O_NONBLOCK);

  bool eof = false, exited = false;
  for (;;)
    {
      drain (p[0], cap, &out->data, &eof);
      if (!exited)
        {
          siginfo_t si;
          memset (&si, 0, sizeof si);
          /* WNOWAIT: the zombie keeps its pid (and process group id) reserved
           * until the group kill below has happened. */
          if (waitid (P_PID, (id_t) pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0
              && si.si_pid == pid)
            exited = true;
        }
      if (exited)
        break;   /* descendants may hold the pipe open: do not wait for EOF */
      int64_t now = attest_now_us ();
      if (now >= deadline)
        {
          out->timed_out = true;
          break;
        }
      int64_t left = deadline - now;
      struct timespec ts = { .tv_sec = left / 1000000, .tv_nsec = (left % 1000000) * 1000 };
      struct pollfd pfd = { .fd = p[0], .events = POLLIN };
      ppoll (&pfd, eof ? 0 : 1, &ts, &wait_mask);
    }

  /* Kill what is left (everything in the group: forked descendants of a probe
   * included), then reap. Never leave a process behind. */
  if (own_group)
    kill (-pid, SIGKILL);
  if (out->timed_out)
    kill (pid, SIGKILL);
  int status = 0;
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  drain (p[0], cap, &out->data, &eof);
  close (p[0]);
  out->duration_us = attest_now_us () - start;
  if (WIFEXITED (status))
    {
      out->exited = true;
      out->exit_code = WEXITSTATUS (status);
    }
  else if (WIFSIGNALED (status))
    out->signal = WTERMSIG (status);
  if (out->timed_out && out->signal == SIGKILL)
    out->signal = 0;   /* our own kill is the timeout, not an observation */
  return true;
}

/* ---- calls in an attempt child ---------------------------------------- */

typedef struct {
  AttestCallFn fn;
  void *arg;
} CallBody;

static void
call_body (int fd, void *arg)
{
  CallBody *cb = arg;
  AttestCallResult res;
  memset (&res, 0, sizeof res);
  cb->fn (cb->arg, &res);
  attest_write_all (fd, &res, sizeof res);
}

bool
attest_call (AttestCallFn fn, void *arg, int timeout_ms, AttestCallOutcome *out)
{
  CallBody cb = { fn, arg };
  memset (out, 0, sizeof *out);
  if (!attest_spawn (call_body, &cb, timeout_ms > 0 ? timeout_ms : ATTEST_CALL_TIMEOUT_MS,
                     false, sizeof (AttestCallResult), &out->child))
    return false;
  if (out->child.data.len == sizeof (AttestCallResult))
    {
      memcpy (&out->res, out->child.data.data, sizeof out->res);
      out->has_result = true;
    }
  attest_buf_free (&out->child.data);
  return true;
}

void
attest_call_to_attempt (const AttestCallOutcome *co, unsigned flags, AttestAttempt *a)
{
  a->timed_out = co->child.timed_out;
  a->signal = co->child.signal;
  a->ret = co->has_result ? co->res.ret : -1;
  a->err = co->has_result ? co->res.err : 0;
  const char *token = co->has_result ? co->res.token : NULL;
  if (co->has_result)
    snprintf (a->detail, sizeof a->detail, "%s", co->res.detail);
  else if (!a->timed_out && a->signal == 0)
    {
      if (flags & ATTEST_CALL_EXEC)
        {
          a->ret = 0;
          token = "OK";
          snprintf (a->detail, sizeof a->detail,
                    "exec succeeded; the program exited with status %d", co->child.exit_code);
        }
      else
        {
          token = "NO_RESULT";
          snprintf (a->detail, sizeof a->detail,
                    "attempt child exited with status %d without a result", co->child.exit_code);
        }
    }
  attest_attempt_set_outcome (a, token);
}

/* ---- the record stream ------------------------------------------------- */

static void
send_msg (AttestCtx *ctx, uint32_t type, const void *a, size_t alen, const void *b, size_t blen)
{
  uint32_t hdr[2] = { type, (uint32_t) (alen + blen) };
  attest_write_all (ctx->report_fd, hdr, sizeof hdr);
  if (alen > 0)
    attest_write_all (ctx->report_fd, a, alen);
  if (blen > 0)
    attest_write_all (ctx->report_fd, b, blen);
}

void
attest_begin (AttestCtx *ctx, const char *method)
{
  send_msg (ctx, ATTEST_MSG_BEGIN, method, strlen (method), NULL, 0);
}

static void
send_attempt (AttestCtx *ctx, const AttestAttempt *a)
{
  send_msg (ctx, ATTEST_MSG_END, a, sizeof *a, NULL, 0);
  ctx->last = *a;
  ctx->n_attempts++;
}

void
attest_record_attempt (AttestCtx *ctx, const AttestAttempt *a)
{
  send_attempt (ctx, a);
}

const char *
attest_try (AttestCtx *ctx, const char *method, AttestCallFn fn, void *arg,
            int timeout_ms, unsigned flags)
{
  AttestAttempt a;
  memset (&a, 0, sizeof a);
  snprintf (a.method, sizeof a.method, "%s", method);
  AttestCallOutcome co;
  attest_begin (ctx, method);
  if (!attest_call (fn, arg, timeout_ms, &co))
    {
      a.err = errno;
      a.ret = -1;
      snprintf (a.detail, sizeof a.detail, "could not start an attempt child: %s", strerror (a.err));
      attest_attempt_set_outcome (&a, "NO_RESULT");
    }
  else
    attest_call_to_attempt (&co, flags, &a);
  if (strcmp (a.outcome, "NO_RESULT") == 0)
    attest_error (ctx, "%s: %s", method, a.detail);
  send_attempt (ctx, &a);
  return ctx->last.outcome;
}

void
attest_record (AttestCtx *ctx, const char *method, const char *token, int64_t ret,
               int err, const char *detail_fmt, ...)
{
  AttestAttempt a;
  memset (&a, 0, sizeof a);
  snprintf (a.method, sizeof a.method, "%s", method);
  a.ret = ret;
  a.err = err;
  if (detail_fmt != NULL)
    {
      va_list ap;
      va_start (ap, detail_fmt);
      vsnprintf (a.detail, sizeof a.detail, detail_fmt, ap);
      va_end (ap);
    }
  attest_attempt_set_outcome (&a, token);
  send_attempt (ctx, &a);
}

void
attest_fact_raw (AttestCtx *ctx, const char *key, const char *json, size_t len)
{
  send_msg (ctx, ATTEST_MSG_FACT, key, strlen (key) + 1, json, len);
}

void
attest_fact_string (AttestCtx *ctx, const char *key, const char *value)
{
  AttestBuf b;
  attest_buf_init (&b);
  if (value == NULL)
    attest_buf_puts (&b, "null");
  else
    attest_json_escape (&b, value, strlen (value));
  attest_fact_raw (ctx, key, attest_buf_cstr (&b), b.len);
  attest_buf_free (&b);
}

void
attest_fact_int (AttestCtx *ctx, const char *key, int64_t value)
{
  char num[32];
  int n = snprintf (num, sizeof num, "%lld", (long long) value);
  attest_fact_raw (ctx, key, num, (size_t) n);
}

void
attest_fact_bool (AttestCtx *ctx, const char *key, bool value)
{
  attest_fact_raw (ctx, key, value ? "true" : "false", value ? 4 : 5);
}

static void
force (AttestCtx *ctx, AttestVerdict v, const char *fmt, va_list ap)
{
  char reason[ATTEST_DETAIL_MAX];
  vsnprintf (reason, sizeof reason, fmt, ap);
  uint32_t verdict = (uint32_t) v;
  send_msg (ctx, ATTEST_MSG_FORCE, &verdict, sizeof verdict, reason, strlen (reason));
}

void
attest_skip (AttestCtx *ctx, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  force (ctx, ATTEST_VERDICT_SKIP, fmt, ap);
  va_end (ap);
}

void
attest_error (AttestCtx *ctx, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  force (ctx, ATTEST_VERDICT_ERROR, fmt, ap);
  va_end (ap);
}

void
attest_result_errno (AttestCallResult *res, int64_t ret)
{
  res->ret = ret;
  res->err = ret < 0 ? errno : 0;
}

void
attest_result_detail (AttestCallResult *res, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (res->detail, sizeof res->detail, fmt, ap);
  va_end (ap);
}

/* ---- running one probe ------------------------------------------------- */

typedef struct {
  const AttestProbeDef *def;
  const AttestOptions *opts;
} ProbeBody;

static void
probe_body (int fd, void *arg)
{
  ProbeBody *pb = arg;
  AttestCtx ctx;
  memset (&ctx, 0, sizeof ctx);
  ctx.report_fd = fd;
  ctx.def = pb->def;
  ctx.opts = pb->opts;
  pb->def->run (&ctx);
}

/* The record stream of one probe is bounded; a probe that floods it is cut. */
#define ATTEST_PROBE_STREAM_CAP (8u << 20)

static void
add_attempt (AttestProbeRun *run, const AttestAttempt *a)
{
  AttestAttempt *n = realloc (run->attempts, (run->n_attempts + 1) * sizeof *n);
  if (n == NULL)
    return;
  run->attempts = n;
  run->attempts[run->n_attempts++] = *a;
}

static void
set_forced (AttestProbeRun *run, AttestVerdict v, const char *reason, size_t len)
{
  /* ERROR outranks SKIP; the first reason of the strongest kind stays. */
  if (run->forced == ATTEST_VERDICT_ERROR || (run->forced == v))
    return;
  run->forced = v;
  if (len >= sizeof run->reason)
    len = sizeof run->reason - 1;
  memcpy (run->reason, reason, len);
  run->reason[len] = '\0';
}

void
attest_run_probe (const AttestProbeDef *def, const AttestOptions *opts, AttestProbeRun *run)
{
  memset (run, 0, sizeof *run);
  run->def = def;
  attest_buf_init (&run->facts);
  ProbeBody pb = { def, opts };
  AttestChildResult cr;
  if (!attest_spawn (probe_body, &pb, def->deadline_ms, true, ATTEST_PROBE_STREAM_CAP, &cr))
    {
      char reason[128];
      int n = snprintf (reason, sizeof reason, "could not fork the probe child: %s", strerror (errno));
      set_forced (run, ATTEST_VERDICT_ERROR, reason, (size_t) n);
      run->verdict = ATTEST_VERDICT_ERROR;
      run->decisive = -1;
      return;
    }
  run->duration_us = cr.duration_us;

  /* Parse the stream. */
  char pending[ATTEST_METHOD_MAX] = "";
  bool have_pending = false;
  size_t off = 0;
  while (off + 8 <= cr.data.len)
    {
      uint32_t hdr[2];
      memcpy (hdr, cr.data.data + off, sizeof hdr);
      if (off + 8 + hdr[1] > cr.data.len)
        break;   /* truncated at the cap or by a kill */
      const char *p = cr.data.data + off + 8;
      size_t len = hdr[1];
      off += 8 + len;
      switch (hdr[0])
        {
        case ATTEST_MSG_BEGIN:
          len = len < sizeof pending - 1 ? len : sizeof pending - 1;
          memcpy (pending, p, len);
          pending[len] = '\0';
          have_pending = true;
          break;
        case ATTEST_MSG_END:
          if (len == sizeof (AttestAttempt))
            {
              AttestAttempt a;
              memcpy (&a, p, sizeof a);
              a.method[sizeof a.method - 1] = '\0';
              a.outcome[sizeof a.outcome - 1] = '\0';
              a.detail[sizeof a.detail - 1] = '\0';
              add_attempt (run, &a);
            }
          have_pending = false;
          break;
        case ATTEST_MSG_FACT:
          {
            size_t klen = strnlen (p, len);
            if (klen == len)
              break;
            if (run->facts.len > 0)
              attest_buf_append (&run->facts, ",", 1);
            attest_json_escape (&run->facts, p, klen);
            attest_buf_append (&run->facts, ":", 1);
            attest_buf_append (&run->facts, p + klen + 1, len - klen - 1);
            break;
          }
        case ATTEST_MSG_FORCE:
          if (len >= 4)
            {
              uint32_t v;
              memcpy (&v, p, 4);
              if (v == ATTEST_VERDICT_SKIP || v == ATTEST_VERDICT_ERROR)
                set_forced (run, (AttestVerdict) v, p + 4, len - 4);
            }
          break;
        default:
          break;
        }
    }

  char sigbuf[ATTEST_NAME_BUF];
  if (have_pending)
    {
      /* The probe process itself died inside an attempt: that is what the
       * attempt observed. */
      AttestAttempt a;
      memset (&a, 0, sizeof a);
      snprintf (a.method, sizeof a.method, "%s", pending);
      a.ret = -1;
      a.timed_out = cr.timed_out;
      a.signal = cr.signal;
      if (!cr.timed_out && cr.signal == 0)
        {
          snprintf (a.detail, sizeof a.detail, "probe process exited with status %d inside the attempt", cr.exit_code);
          attest_attempt_set_outcome (&a, "NO_RESULT");
          set_forced (run, ATTEST_VERDICT_ERROR, a.detail, strlen (a.detail));
        }
      else
        {
          snprintf (a.detail, sizeof a.detail, "the probe process was %s during this attempt",
                    cr.timed_out ? "killed at its deadline" : "killed by a signal");
          attest_attempt_set_outcome (&a, NULL);
        }
      add_attempt (run, &a);
    }
  else if (cr.timed_out)
    {
      char reason[128];
      int n = snprintf (reason, sizeof reason, "probe deadline of %d ms exceeded outside any attempt", def->deadline_ms);
      set_forced (run, ATTEST_VERDICT_ERROR, reason, (size_t) n);
    }
  else if (cr.signal != 0)
    {
      char reason[128];
      int n = snprintf (reason, sizeof reason, "probe process killed by %s outside any attempt",
                        attest_signal_name (cr.signal, sigbuf));
      set_forced (run, ATTEST_VERDICT_ERROR, reason, (size_t) n);
    }
  else if (cr.exit_code != 0)
    {
      char reason[128];
      int n = snprintf (reason, sizeof reason, "probe process exited with status %d", cr.exit_code);
      set_forced (run, ATTEST_VERDICT_ERROR, reason, (size_t) n);
    }
  else if (off != cr.data.len)
    {
      static const char r[] = "the record stream of the probe was truncated";
      set_forced (run, ATTEST_VERDICT_ERROR, r, sizeof r - 1);
    }
  attest_buf_free (&cr.data);

  run->verdict = attest_verdict_compute (def->level, def->expected, run->attempts,
                                         run->n_attempts, run->forced, &run->decisive);
}

void
attest_probe_run_free (AttestProbeRun *run)
{
  free (run->attempts);
  attest_buf_free (&run->facts);
  memset (run, 0, sizeof *run);
}

/* ---- small I/O helpers ------------------------------------------------- */

ssize_t
attest_read_file (const char *path, size_t cap, AttestBuf *buf)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return -1;
  size_t start = buf->len;
  char chunk[8192];
  for (;;)
    {
      size_t got = buf->len - start;
      if (got >= cap)
        break;
      size_t want = cap - got < sizeof chunk ? cap - got : sizeof chunk;
      ssize_t n = read (fd, chunk, want);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int e = errno;
          close (fd);
          errno = e;
          return -1;
        }
      if (n == 0)
        break;
      attest_buf_append (buf, chunk, (size_t) n);
    }
  close (fd);
  attest_buf_cstr (buf);
  return (ssize_t) (buf->len - start);
}

bool
attest_write_all (int fd, const void *data, size_t len)
{
  const char *p = data;
  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return false;
      p += n;
      len -= (size_t) n;
    }
  return true;
}

char *
attest_format (char *buf, size_t size, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (buf, size, fmt, ap);
  va_end (ap);
  return buf;
}
