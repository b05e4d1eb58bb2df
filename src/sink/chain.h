/*
 * The event log's hash chain: every record (event, alert or daemon notice)
 * carries a sequence number and a SHA-256 value that covers its own bytes
 * and the value of the record before it, so a record cannot be changed,
 * removed, inserted or moved without breaking the chain at that point.
 *
 * A record is one line: a JSON object whose last members are
 *
 *     ..., "seq":N [, "prev":"P"], "hash":"H" }\n      (or "hmac":"H")
 *
 * written with no spaces, exactly as  ,"seq":N  ,"prev":"P"  ,"hash":"H"}
 * with N in decimal without leading zeros (the first record of a chain is
 * 1, then each record is the previous one's plus one) and P, H 64
 * lowercase hex digits. The body is the line from its first byte up to,
 * not including, the comma before "hash" (or "hmac"):
 *
 *     H = SHA-256(V || body)              plain chain
 *     H = HMAC-SHA256(K, V || body)       keyed chain ("hmac"; K: the key)
 *
 * where V is the previous record's H as 32 raw bytes, or 32 zero bytes for
 * seq 1. "prev" is V in hex; it is written in (and covered by) the first
 * record of every file, so that each file can be checked on its own and a
 * file's first record cannot be altered unnoticed when its predecessor has
 * been rotated away. pamsignal-verify(8) has the same rules and a short
 * independent verifier.
 */
#ifndef PS_SINK_CHAIN_H
#define PS_SINK_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/out.h"
#include "util/slice.h"

#define PS_CHAIN_LEN 32
/* What sealing adds to a record at most: ,"seq":N ,"prev":"P" ,"hash":"H"} */
#define PS_CHAIN_SUFFIX_MAX (7 + 20 + 9 + 64 + 1 + 9 + 64 + 2)

/* Where a chain stands: its last record. */
struct ps_chain_head {
	uint64_t seq;                       /* 0: no record yet */
	unsigned char value[PS_CHAIN_LEN];  /* that record's H; zeros before seq 1 */
	bool keyed;                         /* "hmac" rather than "hash" */
};

/* The hashing: SHA-256, or HMAC-SHA256 with a key. One thread at a time. */
struct ps_chain;

/* key NULL: a plain chain. The key is copied; ps_chain_free wipes it. Returns 0 or -ENOMEM/-EIO. */
int ps_chain_new(struct ps_chain **c, const void *key, size_t key_len);
void ps_chain_free(struct ps_chain *c);
bool ps_chain_keyed(const struct ps_chain *c);

/* H for body after a record whose value is prev. Returns 0 or -EIO (OpenSSL failed). */
int ps_chain_value(struct ps_chain *c, const unsigned char prev[PS_CHAIN_LEN], struct ps_str body,
		   unsigned char out[PS_CHAIN_LEN]);

/*
 * Seal the record at o->buf[start..o->len), a JSON object and its newline
 * as the event and alert writers make it (memory mode): its "}\n" becomes
 * the chain's members, "prev" too when opens_file. head moves to it. On
 * failure o->error is set (the caller's flush then reports it).
 */
void ps_chain_seal(struct ps_chain *c, struct ps_chain_head *head, struct ps_out *o, size_t start,
		   bool opens_file);

/* A value as 64 lowercase hex digits and a NUL, in out; returns out. */
#define PS_CHAIN_HEX_SIZE (2 * PS_CHAIN_LEN + 1)
char *ps_chain_format_hex(const unsigned char value[PS_CHAIN_LEN], char out[PS_CHAIN_HEX_SIZE]);

/* 64 lowercase hex digits (all of s) into out. */
bool ps_chain_hex(struct ps_str s, unsigned char out[PS_CHAIN_LEN]);

/* A record's chain members, read from the end of its line. */
struct ps_chain_record {
	struct ps_str body;                 /* what H covers */
	uint64_t seq;
	bool has_prev, keyed;
	unsigned char prev[PS_CHAIN_LEN], value[PS_CHAIN_LEN];
};

/*
 * Parse line (without its newline) from the right. Only the members above
 * are looked at, in exactly that form: anything else (spaces, upper-case
 * hex, leading zeros, a seq of 0) is not a chained record. Returns 0 or
 * -EBADMSG. The body is not checked to be JSON.
 */
int ps_chain_parse(struct ps_str line, struct ps_chain_record *r);

#endif
