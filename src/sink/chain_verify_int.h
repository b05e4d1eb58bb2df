/*
 * The checker's state, shared by chain_verify.c (reading the chain) and
 * chain_report.c (writing what was found). Private to those two.
 */
#ifndef PS_SINK_CHAIN_VERIFY_INT_H
#define PS_SINK_CHAIN_VERIFY_INT_H

#include "sink/chain_verify.h"

/* Problems kept for the report; more are counted. */
#define MAX_REPORTS 20
#define MAX_NOTES 16

enum problem {
	P_NOT_CHAINED,  /* a line that is not a chained record */
	P_INCOMPLETE,   /* a last line without its newline */
	P_OVERLONG,     /* a line too long to check */
	P_ALTERED,      /* its hash (HMAC) does not match */
	P_HASH_FIELD,   /* only its hash member was changed: the next record chains to the true value */
	P_PREV,         /* its "prev" is not the previous record's hash */
	P_MISSING,      /* seq jumps forward */
	P_OUT_OF_ORDER, /* seq goes back */
	P_NO_PREV,      /* the first record cannot be checked */
	P_BAD_START,    /* seq 1 without a zero prev, or a zero prev elsewhere */
	P_UNKEYED,      /* "hash" where a key was given */
	P_ANCHOR,       /* the anchor's record differs */
	P_TRUNCATED,    /* the chain ends before an anchor */
	P_NONE_CHAINED, /* lines, but no chained record at all */
};

enum note_kind { N_START, N_UNCHAINED_FILE, N_KEY_CHANGE, N_ANCHOR_OK, N_ANCHOR_BEFORE };

struct loc {
	unsigned file; /* index into files; lines from 1 */
	uint64_t line;
};

struct report {
	enum problem what;
	struct loc at, end;       /* first and last line of a run */
	uint64_t seq, seq_end;
	struct loc other;         /* the record it was compared with */
	uint64_t other_seq;
	size_t anchor;
	uint64_t found;           /* P_MISSING: how many of the missing records turned up later */
	struct loc found_at, found_end;
};

struct note {
	enum note_kind kind;
	struct loc at;
	uint64_t seq, n;
	size_t anchor;
};

struct ref {
	uint64_t seq;
	unsigned char value[PS_CHAIN_LEN]; /* as written */
	unsigned char alt[PS_CHAIN_LEN];   /* as computed, when that differs */
	bool has_alt;
	struct loc at;
};

struct anchor {
	uint64_t seq;
	unsigned char value[PS_CHAIN_LEN];
	char *label;
	bool seen;
};

struct ps_verify {
	struct ps_chain *plain;
	struct ps_chain **keys;
	size_t n_keys, key;        /* key: the one the last keyed record used */
	struct anchor *anchors;
	size_t n_anchors;
	char **files;
	unsigned n_files;
	struct loc now, last;      /* this line; the line before it */
	uint64_t lines;
	bool have;                 /* a chained record was seen */
	struct ref cur, high;      /* the record before; the one with the highest seq */
	uint64_t first_seq, records;
	struct loc lead_at;        /* unchained lines before the first record, in this file */
	uint64_t lead;
	bool run_open;             /* records out of place, one after the other */
	struct report run;
	size_t run_explains;       /* the P_MISSING report the run fills, or NONE */
	char *part;                /* ps_verify_feed: a line not complete yet */
	size_t part_len, part_cap;
	bool skipping;             /* in a line longer than PS_VERIFY_MAX_LINE */
	struct report reports[MAX_REPORTS];
	size_t n_reports;
	uint64_t problems;
	struct note notes[MAX_NOTES];
	size_t n_notes;
	bool need_key;             /* stopped: a keyed record, and no key */
	struct loc need_key_at;
	uint64_t need_key_seq;
};

#endif
