/*
 * Provider identity: address blocks with a label each ("aws/EC2/us-east-1",
 * "office-vpn"), and the label of the most specific block holding an
 * address (longest-prefix match).
 *
 * One path-compressed binary trie per family: a node holds a prefix, so
 * there are at most two nodes per block, and a lookup visits at most one
 * node per distinct prefix length on its path. The number of blocks is
 * capped (PS_RANGES_MAX): adding past it fails with -ENOSPC and leaves
 * the set as it was. Adding a block already there keeps its first label.
 *
 * Range files (ranges_file.c) fill a set: plain "CIDR,label" or
 * "CIDR label" lines, and the JSON the clouds publish (AWS ip-ranges.json,
 * Google Cloud cloud.json, Azure service tags).
 *
 * A set is built once, then only read: labels returned point into it and
 * are valid until ps_ranges_free().
 */
#ifndef PS_ENRICH_RANGES_H
#define PS_ENRICH_RANGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/ip.h"
#include "util/slice.h"

#define PS_RANGES_MAX (256 * 1024) /* blocks, over both families */
#define PS_RANGES_LABEL_MAX 64     /* bytes */

struct ps_ranges;

struct ps_ranges *ps_ranges_new(void);
void ps_ranges_free(struct ps_ranges *r);

/*
 * Add net/prefix (host bits must be zero) with label (valid UTF-8, no
 * control characters, 1 to PS_RANGES_LABEL_MAX bytes: the caller checks).
 * Returns 1 when added, 0 when the block was already there, -ENOSPC at
 * the cap, -ENOMEM.
 */
int ps_ranges_add(struct ps_ranges *r, const struct ps_ip *net, unsigned prefix, struct ps_str label);

/* The label of the most specific block holding ip, or PS_STR_NULL. */
struct ps_str ps_ranges_lookup(const struct ps_ranges *r, const struct ps_ip *ip);

/* Blocks held. */
size_t ps_ranges_count(const struct ps_ranges *r);

/* ---- range files (ranges_file.c) ---- */

/* A problem in a file: name, line (0: the file as a whole), message. */
typedef void (*ps_ranges_diag_fn)(bool error, const char *file, unsigned line, const char *msg, void *arg);

/*
 * Add the blocks of one file's text (name is used in diagnostics). The
 * format is told by the text: JSON when it starts with '{', else lines.
 * A malformed line or entry is reported with its line number and
 * skipped; the rest is kept. Returns the number of blocks added, -ENOSPC
 * when the cap cut the file short (reported), or -ENOMEM.
 */
long ps_ranges_parse(struct ps_ranges *r, const char *name, const char *text, size_t n, ps_ranges_diag_fn diag,
		     void *arg);

/* Read path (at most PS_RANGES_FILE_MAX bytes) and parse it. -errno when it cannot be read (reported). */
#define PS_RANGES_FILE_MAX (64u << 20)
long ps_ranges_load(struct ps_ranges *r, const char *path, ps_ranges_diag_fn diag, void *arg);

#endif
