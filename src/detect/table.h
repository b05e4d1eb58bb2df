/*
 * A bounded hash table: fixed-size keys and values, a capacity fixed at
 * creation, O(1) lookup, insert and removal, and eviction of the least
 * recently used entry when full. Every detection rule keeps its state in
 * one of these, so no attacker can make pamsignal's memory grow.
 *
 * Eviction is segmented LRU (as in SLRU caches): an entry starts on
 * probation and is promoted to the protected segment when it is found
 * again. A full table evicts from probation first, and the protected
 * segment holds at most 4/5 of the capacity. So a flood of one-shot keys
 * (a million spoofed-looking addresses, each failing once) churns only the
 * probation segment, and a source seen twice or more survives it.
 *
 * Keys are compared byte for byte (callers zero their padding) and hashed
 * with SipHash under a key the caller supplies (random per detector), which
 * the table reads through its pointer: it must outlive the table and change
 * only while the table is empty.
 * Values start zeroed and are owned by the table; a value pointer stays
 * valid until its entry is removed or evicted, which only ps_table_insert()
 * and ps_table_remove() do.
 *
 * Entries carry the time they were last touched (by find or insert), so
 * that callers can expire them: ps_table_stale() returns the least recently
 * used entry if it is older than a given time.
 */
#ifndef PS_DETECT_TABLE_H
#define PS_DETECT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/siphash.h"

struct ps_table;

/* Bytes one entry costs (slot, key, value and its bucket), for budgets. */
size_t ps_table_entry_cost(size_t key_size, size_t val_size);

/*
 * How a table hashes its keys: NULL for SipHash of the key's bytes. A key
 * that holds SipHash values already (of a user name, of a host) can be
 * hashed by mixing those, which is as unpredictable and much cheaper; it
 * must be a function of the key's bytes alone.
 */
typedef uint64_t (*ps_table_hash_fn)(const struct ps_sipkey *sip, const void *key);

/* NULL when out of memory. cap >= 1. Memory is reserved, not touched:
 * pages are used as entries are. */
struct ps_table *ps_table_new(size_t cap, size_t key_size, size_t val_size, const struct ps_sipkey *sip,
			      ps_table_hash_fn hash);
void ps_table_free(struct ps_table *t);

uint64_t ps_table_hash(const struct ps_table *t, const void *key);

/* The value for key (hash from ps_table_hash), touched at now; or NULL. */
void *ps_table_find(struct ps_table *t, const void *key, uint64_t hash, int64_t now);

/*
 * Insert key, which must not be present, with a zeroed value; evicts the
 * least recently used entry when the table is full. Never fails.
 */
void *ps_table_insert(struct ps_table *t, const void *key, uint64_t hash, int64_t now);

void ps_table_remove(struct ps_table *t, void *val);

/* Move an entry to the protected segment (when restoring saved state). */
void ps_table_protect(struct ps_table *t, void *val);
bool ps_table_is_protected(const struct ps_table *t, const void *val);

const void *ps_table_key(const struct ps_table *t, const void *val);
int64_t ps_table_touched(const struct ps_table *t, const void *val);

/* The least recently used entry if it was last touched before `before`, else NULL. */
void *ps_table_stale(struct ps_table *t, int64_t before);

/*
 * Iteration, least recently used first (probation, then protected):
 * ps_table_next(t, NULL) is the first entry; NULL after the last. The
 * table must not change during an iteration.
 */
void *ps_table_next(const struct ps_table *t, const void *val);

/* Remove every entry (a failed restore). */
void ps_table_clear(struct ps_table *t);

size_t ps_table_count(const struct ps_table *t);
size_t ps_table_cap(const struct ps_table *t);
uint64_t ps_table_evictions(const struct ps_table *t);

#endif
