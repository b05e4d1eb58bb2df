/*
 * Following one live log file the way `tail -F` does, with a position
 * exact enough to persist: across rotation, truncation and a restart of
 * the daemon, no line is delivered twice and none is skipped silently.
 *
 * The caller decides when to look (inotify on the directory, a timer) and
 * calls ps_tail_poll(); nothing here knows about event loops. When nothing
 * changed a poll costs one fstat() of the open file and one stat() of the
 * path (plus one fstat() per rotation being watched, see below). Reading is
 * pread() into one bounded buffer allocated by ps_tail_open(); nothing is
 * allocated per line, and the directory is read only when another file
 * appears at the path. Plain files only: a compressed rotation cannot be
 * resumed (see PS_TAIL_GAP_LOST).
 *
 * What is delivered:
 * - Complete lines only, without "\n" (and a "\r" before it). A last line
 *   without its newline is held back, and the position stays before it,
 *   until the newline arrives.
 * - Lines longer than PS_MAX_LINE are skipped whole, never split; they are
 *   counted in ps_tail_stats.overlong and the position moves past them.
 *
 * How the file is followed:
 * - Rotation by rename (the path now names another inode): until a writer
 *   reopens the path (rsyslog on its HUP) it appends to the renamed file,
 *   so that file is kept and read until a newer one has data: the new file
 *   at path, or a rotation newer than ours (two rotations between two
 *   looks: auth.log.2 is ours, auth.log.1 came after it). Then the old file
 *   is read to its end and the newer ones in order, each from 0. Rotations
 *   are ordered by logrotate's names: ".N" (bigger is older) or a dateext
 *   suffix (sorts by date). A single writer only moves forward, so nothing
 *   is lost; a second writer still appending to the old file after the
 *   first wrote to the new one would be.
 * - Truncation (copytruncate, "> file"): when the file gets shorter than
 *   what was read, or the last byte read changed, it is read again from 0.
 *   Lines written after our last poll and before the truncation are lost:
 *   copytruncate moved them into the copy.
 * - The path missing (deleted, or between rename and create): the open
 *   file is kept and read; the path is picked up when it appears.
 * - A file rotated out of existence (deleted) while we still read it,
 *   with newer rotations beside it, counts a gap: where it stood in the
 *   order is gone with its name.
 */
#ifndef PS_SOURCE_TAIL_H
#define PS_SOURCE_TAIL_H

#include <stddef.h>
#include <stdint.h>

#include "source/reader.h"
#include "util/slice.h"

/*
 * Where reading stands: offset is just after the last line delivered or
 * skipped in the file (dev, ino). All zero: no file has been read yet.
 */
struct ps_tail_pos {
	uint64_t dev, ino, offset;
};

/* What ps_tail_open() could do with a saved position. */
enum ps_tail_resume {
	PS_TAIL_EXACT = 0,         /* continued at the saved line, or started afresh */
	PS_TAIL_GAP_TRUNCATED = 1, /* the saved file is shorter or was rewritten: read from 0 */
	PS_TAIL_GAP_LOST = 2,      /* the saved file is gone (compressed, deleted) or more
				      rotations than we can chain: read the current file from 0 */
};

struct ps_tail_stats {
	uint64_t lines;       /* delivered */
	uint64_t overlong;    /* longer than PS_MAX_LINE, skipped */
	uint64_t rotations;   /* switches from one file to the next */
	uint64_t truncations; /* restarts at offset 0 of the same file */
	uint64_t abandoned;   /* unterminated last lines left behind at a switch or truncation */
	uint64_t gaps;        /* times lines may have been missed: at open, more rotations
				 than we chain (8), or our file rotated out of existence */
};

/*
 * Called for each line; the slice is valid only during the call. offset_after
 * is the file offset just after the line's newline. ps_tail_position() inside
 * the call still reports the position before this line. Return >= 0 to take
 * the line; a negative value stops the poll, which returns it, and the same
 * line is delivered again by the next poll.
 */
typedef int (*ps_tail_line_fn)(struct ps_str line, uint64_t offset_after, void *arg);

struct ps_tail;

/*
 * Start following path. With saved NULL or all zero, start at the current
 * end of the file (a first start does not replay history; a last line still
 * being written is delivered once complete). If path does not exist yet it
 * is read from its start when it appears.
 *
 * With a saved position:
 * - same file (inode) at path, not shorter than offset and with a newline
 *   just before it: continue at offset;
 * - another file at path: the saved one was rotated while we were down; it
 *   is looked for next to path under a name that starts with path's base
 *   name and a '.', '-' or '_' (auth.log.1, auth.log-20261121, not .gz or
 *   other compressed suffixes), read from offset to its end, then the
 *   newer rotations and the current file from 0, as after a rotation.
 * A device number that is not the directory's file system any more is
 * taken as renumbering (device-mapper minors can change at boot), and the
 * inode alone identifies the file.
 *
 * On success *t owns the path copy, the buffer and the file descriptors, and
 * the return is PS_TAIL_EXACT or a PS_TAIL_GAP_* value saying lines may have
 * been missed while we were down. Returns -EINVAL when path exists and is
 * not a regular file, or another -errno.
 */
int ps_tail_open(struct ps_tail **t, const char *path, const struct ps_tail_pos *saved);

/*
 * Deliver the lines available now, at most max_lines (0: no limit) so a
 * flood cannot starve the event loop. Returns how many lines were consumed
 * (delivered or skipped; an overlong line also counts once per buffer of it
 * discarded, so one endless line is bounded too): a positive value means
 * "call again soon", 0 means caught up. Returns a negative errno on a read
 * error, or fn's negative return; lines taken before it are already in the
 * position.
 */
int ps_tail_poll(struct ps_tail *t, ps_tail_line_fn fn, void *arg, size_t max_lines);

/*
 * The position to persist, usually after a poll returned. Until a file is
 * open it is the one given to ps_tail_open() (all zero if none), so a
 * restart then decides the same way again.
 */
void ps_tail_position(const struct ps_tail *t, struct ps_tail_pos *out);

/* Counters since ps_tail_open(). */
void ps_tail_get_stats(const struct ps_tail *t, struct ps_tail_stats *out);

/* The path given to ps_tail_open(), owned by t. */
const char *ps_tail_path(const struct ps_tail *t);

/* Close the files and free t (NULL is fine). */
void ps_tail_close(struct ps_tail *t);

#endif
