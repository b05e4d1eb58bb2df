/*
 * Which files pamsignal search reads, and in what order.
 *
 * The event log is its path (output.eventlog path) and the copies
 * rotation leaves beside it: pamsignal's own rotation renames it to
 * PATH.1, PATH.2 ...; logrotate may compress them (PATH.1.gz) or name them
 * by date (PATH-20261121, PATH-20261121.gz). Gzip is recognised by its
 * magic bytes whatever the name (source/reader.h).
 *
 * Files are read oldest first: ordered by the time of their first event
 * (a rotated file's number or date is only a convention), which also puts
 * FILE arguments given in any order right. A file whose first lines hold
 * no event sorts by its modification time.
 */
#ifndef PS_SEARCH_FILES_H
#define PS_SEARCH_FILES_H

#include <stddef.h>

/*
 * The event log at path and its rotated copies, as malloc'ed paths in
 * *paths (free with ps_search_files_free). Returns their number (0 when
 * there is none), or -errno when the directory cannot be read.
 */
int ps_search_log_files(const char *path, char ***paths);
void ps_search_files_free(char **paths, size_t n);

/* Sort paths oldest first, as above; left as given when "-" (standard input) is among them. */
void ps_search_sort_files(char **paths, size_t n);

#endif
