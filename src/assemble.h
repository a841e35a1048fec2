/* The Docker venue: `sandbox-attest assemble` turns what scripts/attest-docker
 * saw around the reference `docker run` (the probe's inside.json, the image
 * id, the engine's facts, the exact argv, the exit status) into a bundle of
 * the same schema as `run`'s, with "venue_kind": "docker", judged by the same
 * verifier and matrix.  `sandbox-attest parity` compares a bwrap-venue bundle
 * with a Docker-venue bundle probe by probe. */
#pragma once

#include <glib.h>

#include "verify.h"

G_BEGIN_DECLS

typedef struct
{
  char *run_date;
  char *venue;
  char *policy;              /* the file given to --security-opt seccomp= */
  char *probe;               /* the static probe the image was built from */
  char *image;               /* the image reference the argv runs */
  char *image_id;            /* docker image inspect --format '{{.Id}}' */
  char *docker_version;      /* docker --version */
  char *docker_info;         /* a file: docker info --format '{{json .}}' */
  char *inside;              /* a file: the probe's inside.json ... */
  char *out_dir;             /* ... or the /out folder holding it */
  char *stdout_file, *stderr_file;
  int exit_status;           /* docker run's; -1 not given */
  gboolean timed_out;
  char *evidence_dir;
  char *matrix;
  gboolean force;
  GStrv docker_argv;         /* exactly what ran, "docker" "run" ... */
} AttestAssembleOptions;

/* Writes the bundle; NULL with an error for bad input (exit 2). */
char *attest_assemble (const AttestAssembleOptions *o, AttestJudgement **out_judgement, GError **error);

/* The docker argv with what changes from run to run replaced (the /in and
 * /out sources, the policy path, the image, the run date): the text the
 * Docker venue's profile digest covers.  Pure; the verifier uses it too. */
GStrv attest_docker_argv_normalise (const char *const *argv);

/* Parsed docker run argv (only the options of the reference command are
 * known; anything else is listed in @unknown).  Pure. */
typedef struct
{
  GHashTable *options;       /* "--network" -> GPtrArray of values ("" for flags) */
  GPtrArray *unknown;        /* options outside the reference command */
  char *program;             /* argv[0] */
  gboolean is_run;           /* argv[1] == "run" */
  char *image;
  GStrv args;                /* after the image */
} AttestDockerArgv;

AttestDockerArgv *attest_docker_argv_parse (const char *const *argv);
void attest_docker_argv_free (AttestDockerArgv *a);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestDockerArgv, attest_docker_argv_free)

/* A single value of @option, NULL when absent; *@count gets how often it was given. */
const char *attest_docker_argv_value (const AttestDockerArgv *a, const char *option, guint *count);

G_END_DECLS
