/* Rotating a log file by renaming: path → path.1 → ... → path.KEEP. */
#ifndef PS_UTIL_ROTATE_H
#define PS_UTIL_ROTATE_H

/*
 * Rename path.(keep-1) to path.keep, ..., path to path.1, so that the
 * oldest (path.keep) is replaced; with keep 0, remove path. The caller
 * opens a new path afterwards. 0 or -errno (a missing path.N is fine).
 */
int ps_rotate_files(const char *path, unsigned keep);

#endif
