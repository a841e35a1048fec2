/* Stage 9, report: an evidence bundle shown to people, as a terminal
 * table, Markdown for a GitHub job summary, or one self-contained HTML
 * page.  The verdict shown is recomputed with attest_verify(), exactly as
 * `verify` does; the bundle's own verdict fields are only compared with
 * it.  Every string taken from the bundle is untrusted (the probe writes
 * inside.text) and is escaped for the format it lands in.
 *
 * The model is built once (attest_report_new) and rendered three ways,
 * so the formats cannot drift apart.  Rendering is pure. */
#pragma once

#include <glib.h>

#include "json-reader.h"
#include "verify.h"

G_BEGIN_DECLS

typedef enum
{
  ATTEST_REPORT_TEXT,
  ATTEST_REPORT_MARKDOWN,
  ATTEST_REPORT_HTML,
} AttestReportFormat;

typedef struct _AttestReport AttestReport;

gboolean attest_report_format_parse (const char *name, AttestReportFormat *out_format, GError **error);

/* Judges @doc, a bundle or an in-toto Statement of one, against @matrix
 * as `verify` does (attest_intoto_judge) and copies what the report
 * shows; the report owns everything it holds.  @source names the
 * document (a path).  A document of the wrong shape is an
 * ATTEST_ERROR_JSON with its location. */
AttestReport *attest_report_new (const AttestJson *doc, const char *source, const AttestMatrix *matrix,
                                 const AttestVerifyOptions *options, GError **error);
void attest_report_free (AttestReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AttestReport, attest_report_free)

gboolean attest_report_accepted (const AttestReport *report);

/* The whole document, UTF-8.  @colour adds ANSI colour (text only). */
char *attest_report_render (const AttestReport *report, AttestReportFormat format, gboolean colour);

G_END_DECLS
