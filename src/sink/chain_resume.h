/*
 * Where an event log's chain goes on when the daemon opens it: from the
 * last record on disk, or from the head the last checkpoint saved, and
 * whether the next record must start a new file.
 *
 * Normally both agree: the log was cut back to the checkpoint's mark, so
 * its last record is the checkpoint's. When the log holds more (its mark
 * was rotated away and could not be cut), those records were written and
 * the chain goes on after them. When it holds less, or a different record
 * at that seq, records were removed or changed while the daemon was not
 * running: the chain goes on from the checkpoint's head, so the gap stays
 * visible to pamsignal verify instead of being papered over, and the note
 * says so. A log whose last record is not chained (an older pamsignal's)
 * or chained the other way (keyed or not) gets the new chain in a new
 * file, so that no file mixes them.
 */
#ifndef PS_SINK_CHAIN_RESUME_H
#define PS_SINK_CHAIN_RESUME_H

#include <stdbool.h>
#include <stddef.h>

#include "sink/chain.h"

struct ps_chain_resume {
	struct ps_chain_head head; /* the chain goes on after this */
	bool fresh;                /* the next record starts a new file */
	char note[400];            /* "" or what an operator should hear */
};

/*
 * Look at path, then path.1 .. path.keep, for the newest record; saved:
 * the checkpoint's head (seq 0: none); keyed: whether the chain is keyed
 * now. A torn last line of path (a write cut by a crash that no mark
 * covers) is cut off, as the next record would otherwise be glued to it.
 * Returns 0 or -errno.
 */
int ps_chain_resume(const char *path, unsigned keep, const struct ps_chain_head *saved, bool keyed,
		    struct ps_chain_resume *out);

#endif
