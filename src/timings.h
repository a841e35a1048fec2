/* `run --timings`: where an attestation's time went, read back from the
 * bundle just written.  Used by scripts/bench (bench/). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The bundle's timings_us in pipeline order, the probe's own durations
 * (inside.text: probes[].duration_us summed per group, in the order the
 * probe ran them), plus what the bundle cannot hold: @bundle_us (judging
 * and writing the bundle itself) and the calling process's peak RSS. */
char *attest_timings_text (const char *bundle_path, gint64 bundle_us, GError **error);

G_END_DECLS
