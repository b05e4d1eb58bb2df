/*
 * Checking an event log's hash chain (sink/chain.h), line by line, across
 * files given oldest first. Every byte is untrusted: the files may have
 * been edited by whoever the chain is meant to catch.
 *
 * What is found: a record altered (its hash or HMAC does not match), lines
 * that are not chained records (inserted, or damaged), records missing
 * (seq jumps), moved, copied or taken from another log (seq goes back, or
 * "prev" is not the previous record's hash), files swapped, the start of
 * the first file removed, an incomplete last line, and, against an anchor
 * (a seq and hash known from elsewhere), records cut off the end or
 * replaced. Each problem is reported once with where it is (runs of the
 * same problem are merged; a record moved is reported where it belongs,
 * not also as missing), and checking goes on after it.
 *
 * What cannot be found without an anchor: records cut off the end of the
 * newest file, whole files removed from the start, and (without a key)
 * a chain rewritten from some point on by someone who recomputed every
 * hash. See pamsignal-verify(8).
 */
#ifndef PS_SINK_CHAIN_VERIFY_H
#define PS_SINK_CHAIN_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sink/chain.h"
#include "util/out.h"
#include "util/slice.h"

struct ps_verify;

/*
 * keys: the HMAC keys a keyed chain may use (oldest first, n_keys 0: a
 * plain chain is expected, and a keyed record stops the check). With keys,
 * every record must be keyed. The keys are copied. Returns 0 or -ENOMEM/-EIO.
 */
int ps_verify_new(struct ps_verify **v, const struct ps_str *keys, size_t n_keys);
void ps_verify_free(struct ps_verify *v);

/* A record known from elsewhere: its seq and hash (label: where from, for messages; copied). */
int ps_verify_anchor(struct ps_verify *v, uint64_t seq, const unsigned char value[PS_CHAIN_LEN], const char *label);

/* The next file (name for messages; copied). Lines count from 1 in each. */
int ps_verify_file(struct ps_verify *v, const char *name);

/*
 * One line of the current file, without its newline; terminated: whether
 * it had one (only a file's last line may lack it). Returns 0, or -ENOKEY
 * when the chain is keyed and no key was given: the check cannot go on.
 */
int ps_verify_line(struct ps_verify *v, struct ps_str line, bool terminated);

/* A line longer than the reader takes (it is reported, not checked). */
void ps_verify_overlong(struct ps_verify *v);

/*
 * Or, instead of lines: the current file's bytes in pieces of any size,
 * split into lines here (a line longer than PS_VERIFY_MAX_LINE is reported
 * as such). Returns 0, -ENOKEY as above, or -ENOMEM. feed_end: the file
 * ends (a last line without its newline is incomplete).
 */
#define PS_VERIFY_MAX_LINE (16 * 1024 * 1024)
int ps_verify_feed(struct ps_verify *v, const char *p, size_t n);
int ps_verify_feed_end(struct ps_verify *v);

/* After the last file: anchors past the end, runs still open. */
void ps_verify_end(struct ps_verify *v);

/* Problems found (0: intact); records read. */
uint64_t ps_verify_problems(const struct ps_verify *v);
uint64_t ps_verify_records(const struct ps_verify *v);

/*
 * Write the report: each problem (the first few; then how many more) and
 * notes, one per line, then a summary line: "intact: ..." with the chain's
 * head, or "TAMPERED: ...". File names are escaped for a terminal.
 */
void ps_verify_print(const struct ps_verify *v, struct ps_out *o);

#endif
