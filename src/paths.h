/* Where the tool finds its probe and data: next to the build tree when it
 * runs from there, else where it was installed. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean attest_paths_in_build_tree (void);
char *attest_paths_probe (void);
char *attest_paths_policy (void);
char *attest_paths_matrix (void);
char *attest_paths_bundle_schema (void);
/* -Dbwrap when pinned, else bwrap in PATH; NULL when not found. */
char *attest_paths_bwrap (void);

/* Removes a tree the tool created, without following links, making
 * read-only folders writable first (the sandbox may have left some). */
gboolean attest_paths_remove_tree (const char *path, GError **error);

/* @path is @dir or below it, symbolic links resolved; FALSE when either
 * does not exist. */
gboolean attest_paths_within (const char *path, const char *dir);

G_END_DECLS
