/*
 * Inside the detector: the state every rule file shares.
 *
 * Most rules count something per key within a window and alert when the
 * count reaches a threshold; they share one engine (incident.c). Each entry
 * of such a rule's table is a struct entry followed by the rule's data:
 *
 *   ring[threshold]    times of the latest events (counting rules): the
 *                      threshold is reached within the window exactly when
 *                      the oldest of the last `threshold` is inside it
 *   set[distinct]      distinct things seen (names, sources) with the time
 *                      each was last seen, `distinct` of them at most
 *   ext[ext_size]      bytes of the rule's own
 *
 * An incident is a run of counted events for one key with gaps shorter than
 * the window: it alerts once when the condition is first met, then again
 * ("update") when an event comes after realert has passed and the count has
 * grown, and a final time at the end of the input (scan) if its count grew
 * since. An incident that goes quiet just ends: one alert per incident, and
 * a periodic reminder for a long one, but not a second alert for every
 * attack that outlasted its threshold a little.
 */
#ifndef PS_DETECT_INTERNAL_H
#define PS_DETECT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "detect/cmdline.h"
#include "detect/detect.h"
#include "detect/sample.h"
#include "detect/table.h"
#include "util/out.h"
#include "util/siphash.h"
#include "util/tz.h"

#define USEC INT64_C(1000000)

enum { HAVE_SRC = 1, HAVE_HOST = 2, HAVE_USER = 4 };

/* The programs whose own log lines pamsignal decodes (decode/decoders.h),
 * as the rules tell them apart. Every event asks which one it is, several
 * times: it is worked out once per event (begin() in detector.c). */
enum det_program { PROG_OTHER, PROG_SSHD, PROG_SUDO, PROG_SU, PROG_LOGIN };
enum det_program ps_det_program(struct ps_str service);

/* ---- pieces of alert sentences (emit.c) ---- */

/* a->src_ip from an address key. */
void ps_det_key_ip(struct ps_alert *a, const void *key);
/* before, 'name' (cut at 64 bytes), after. */
void ps_det_say_name(struct ps_alert *a, const char *before, struct ps_str name, const char *after);
/* before, the count, after: only when the incident counted more than one. */
void ps_det_say_count(struct ps_alert *a, const char *before, const char *after);

/* ---- keys ---- */

/* A source address as a table key (family and 16 bytes; zero when none). */
struct ip_key {
	uint8_t family;
	uint8_t prefix;             /* for networks; 0 for an address */
	uint8_t a[16];
};
void ps_det_ip_key(struct ip_key *k, const struct ps_ip *ip, unsigned prefix4, unsigned prefix6);

/* A name on one host: hashes of both, and the first bytes of the name for
 * display (all that is left of it once its events are gone). */
#define NAME_SHOWN 38
struct name_key {
	uint64_t host_hash, name_hash;
	uint8_t len;                /* bytes in shown; cut names end in "..." when shown */
	uint8_t cut;
	char shown[NAME_SHOWN];
};
void ps_det_name_key(const struct ps_detector *d, struct name_key *k, struct ps_str host, struct ps_str name);
struct ps_str ps_det_name_shown(const struct name_key *k);

/* The last text or key hashed, and its hash. */
struct last_text {
	size_t n;                   /* > sizeof(text): none */
	uint64_t hash;
	char text[64];
};
struct last_key {
	struct ip_key key;          /* family 0: none */
	uint64_t hash;
};

uint64_t ps_det_hash(const struct ps_detector *d, struct ps_str s);
/* Table hashes of keys made of SipHash values (see ps_table_hash_fn). */
uint64_t ps_det_mix(uint64_t a, uint64_t b);
uint64_t ps_det_hash_name_key(const struct ps_sipkey *sip, const void *key);

/* The current event's source address key and its hash (src_ip must be set),
 * its host's and user's hashes, its (host, user) key. */
static inline const struct ip_key *ps_det_src(struct ps_detector *d, uint64_t *hash);
/* Drop the kept hashes (the hash key changed). */
void ps_det_forget_hashes(struct ps_detector *d);
/* The hash of a network key (brute_force_subnet's, targeted_account's /64). */
uint64_t ps_det_net_hash(struct ps_detector *d, const struct ip_key *net);
static inline uint64_t ps_det_host_hash(struct ps_detector *d);
static inline uint64_t ps_det_user_hash(struct ps_detector *d);
/* What those make the first time for an event (emit.c). */
void ps_det_make_src(struct ps_detector *d);
void ps_det_make_host_hash(struct ps_detector *d);
void ps_det_make_user_hash(struct ps_detector *d);
void ps_det_user_key(struct ps_detector *d, struct name_key *k);

struct incident {
	int64_t first_us, last_us;  /* its first and latest counted event (count 0: none open) */
	int64_t alerted_us;         /* the last alert */
	uint64_t count;             /* what the rule counts, since the incident opened */
	uint64_t alerted_count;     /* count at the last alert; 0: not alerted yet */
	uint32_t samples[PS_ALERT_MAX_SAMPLES]; /* its first events, in the sample store */
	uint8_t n_samples;
};

struct entry {
	struct incident inc;
	uint16_t ring_pos, ring_n;  /* next slot, slots filled */
	uint16_t set_n;
	uint16_t pad_;
	int64_t data[];             /* ring, then set, then ext */
};

struct set_item {
	uint64_t hash;
	int64_t seen_us;
};

/* What a rule describes an alert from. */
struct alert_ctx {
	const struct ps_detector *d;
	const struct rule_rt *r;
	const struct entry *e;
	const void *key;            /* as stored in the table */
	const struct ps_event *ev;  /* the current event or, for a later update,
				       the latest sample (NULL when none is left) */
};
/* Set the rule's key fields (src_ip, subnet, user) and its sentence. */
typedef void (*describe_fn)(struct ps_alert *a, const struct alert_ctx *c);

/* Every event reads a few rules' runtime: what it reads comes first, and
 * the window and realert in microseconds are copied from cfg, so that a
 * rule costs the event one cache line. */
struct rule_rt {
	struct ps_table *table;     /* NULL: rule disabled */
	size_t ring, distinct;
	bool count_distinct;        /* the incident counts new distinct things, not events */
	bool history;               /* new_source: its own values, no incidents */
	enum ps_rule id;
	int64_t window_us;          /* cfg->window_s */
	int64_t realert_us;         /* cfg->realert_s; 0: never */
	const struct ps_rule_config *cfg;
	size_t key_size;
	ps_table_hash_fn hash;      /* NULL: SipHash of the key */
	size_t ext_size;
	const char *mitre[PS_ALERT_MAX_MITRE];
	describe_fn describe;
};

#define PS_DET_VIEWS 1024

struct ps_detector {
	/* What every event reads and writes, together (a few cache lines:
	 * between two events, the rest of the pipeline has the cache). */
	const struct ps_event *cur; /* the event being fed, its JSON when the caller */
	struct ps_str cur_json;     /* gave it, and its copy in the sample store once made */
	uint32_t cur_ref;
	unsigned have;              /* HAVE_* bits: which keys below are made for cur */
	enum det_program program;   /* cur's service */
	bool program_logs;          /* the caller feeds every host's program logs */
	bool any_view;              /* some host's program logs have been seen */
	bool any_allow;             /* an allowlist is configured */
	int fn_err;
	ps_alert_fn fn;
	void *fn_arg;
	int64_t clock_us;           /* latest event time seen */
	int64_t next_expiry_us;
	uint64_t events, alerts;
	/* Keys of the current event that several rules share, made once
	 * (every table hashes with sip, so one hash serves them all). */
	struct ip_key src;          /* the source address */
	uint64_t src_hash, host_hash, user_hash;
	struct ps_sipkey sip;
	struct ps_table *conns;     /* attempt identity per sshd connection (attempt.c) */
	struct ps_samples *samples;
	unsigned n_samples;         /* [detect] samples */
	/* A log's events mostly share one host, and an attack's lines come in
	 * runs from one source and user: the last hashes are kept across
	 * events (emit.c). */
	struct last_key last_src, last_net;
	struct last_text last_host, last_user;
	struct rule_rt rules[PS_RULE__COUNT];

	const struct ps_cidr *allow_cidrs; /* copies owned by the detector */
	size_t n_allow_cidrs;
	char **allow_users;
	struct ps_detect_config cfg; /* copy of the scalar settings (pointers cleared) */
	struct ps_tz *tz;
	struct ps_cmd_rules coi;    /* commands_of_interest: its list and switches */
	struct ps_cmd_tool *coi_tools; /* a configured list (owned), or NULL: coi.tools is the built-in one */
	char **coi_ids;             /* the technique ids coi_tools point into */
	size_t memory;
	unsigned new_source_fresh;  /* PS_NEW_SOURCE_* bits new in the login being reported (newsource.c) */
	/* Hosts whose programs' own log lines have been seen (views.c): a
	 * direct-mapped set of host hashes; a collision forgets a host. */
	uint64_t views[PS_DET_VIEWS];
};

/* Inline: several rules ask for these on every attempt. */
static inline const struct ip_key *ps_det_src(struct ps_detector *d, uint64_t *hash)
{
	if (!(d->have & HAVE_SRC))
		ps_det_make_src(d);
	*hash = d->src_hash;
	return &d->src;
}

static inline uint64_t ps_det_host_hash(struct ps_detector *d)
{
	if (!(d->have & HAVE_HOST))
		ps_det_make_host_hash(d);
	return d->host_hash;
}

static inline uint64_t ps_det_user_hash(struct ps_detector *d)
{
	if (!(d->have & HAVE_USER))
		ps_det_make_user_hash(d);
	return d->user_hash;
}

/* ---- incident.c: the counting engine ---- */

/* Value bytes of an entry of rule r. */
size_t ps_det_entry_size(const struct rule_rt *r);

/* Its ring, set and the rule's own bytes (inline: the library is built
 * position-independent, so a call to a global function is never inlined). */
static inline int64_t *ps_det_ring(const struct rule_rt *r, struct entry *e)
{
	(void)r;
	return e->data;
}

static inline struct set_item *ps_det_set(const struct rule_rt *r, struct entry *e)
{
	return (struct set_item *)(void *)(e->data + r->ring);
}

static inline void *ps_det_ext(const struct rule_rt *r, const struct entry *e)
{
	return (void *)(uintptr_t)(e->data + r->ring + 2 * r->distinct);
}

/* The entry for key (hash as for ps_det_count), created when missing; an
 * incident quiet for longer than the window is ended first (its final
 * update, if any, is emitted). */
struct entry *ps_det_entry(struct rule_rt *r, const void *key, uint64_t hash, int64_t now);

/* Count ev in the entry: weight events into the ring, elem (0: none) into
 * the set. Returns true when elem was new to the set. */
bool ps_det_add(struct ps_detector *d, struct rule_rt *r, struct entry *e, const struct ps_event *ev,
		int64_t now, uint32_t weight, uint64_t elem);

/* Whether the rule's threshold is reached within the window at now. */
bool ps_det_met(const struct rule_rt *r, struct entry *e, int64_t now);

/* Alert for the entry now if it should: the first time force or the
 * threshold says so, later when realert has passed and the count grew. */
void ps_det_consider(struct ps_detector *d, struct rule_rt *r, struct entry *e, const struct ps_event *ev,
		     int64_t now, bool force);

/* The whole of it for the common case: entry, add, consider. hash: the
 * key's (ps_table_hash), or 0 to have it computed. */
struct entry *ps_det_count(struct ps_detector *d, struct rule_rt *r, const void *key, uint64_t hash,
			   const struct ps_event *ev, int64_t now, uint32_t weight, uint64_t elem, bool force);

/* Raise an alert for the entry, whose key is key (update: not its first). time_us: when.
 * Cold: a few events in a hundred alert, and laid out apart from the code
 * every event runs, that code stays in the instruction cache. */
__attribute__((cold)) void ps_det_emit(struct ps_detector *d, struct rule_rt *r, struct entry *e, const void *key,
		 const struct ps_event *ev, bool update, int64_t time_us);

/* End of input: a final update if the incident's count grew since its last alert. */
void ps_det_flush_entry(struct ps_detector *d, struct rule_rt *r, struct entry *e);

/* Remove entries untouched for longer than the window (at most max of them):
 * their incidents have ended. */
void ps_det_expire(struct rule_rt *r, int64_t now, size_t max);

/* ---- attempt.c ---- */

/* How many credential guesses ev stands for, each counted once however
 * many lines log it (0: none, or already counted). */
uint32_t ps_det_attempts(struct ps_detector *d, const struct ps_event *ev, int64_t now);
size_t ps_det_conn_entry_cost(void);
void ps_det_conns_expire(struct ps_detector *d, int64_t now, size_t max);
int ps_det_conns_new(struct ps_detector *d, size_t cap);

/* ---- views.c: one fact, several records ---- */

/* An audit or PAM-module record (not a program's own log line). */
bool ps_det_secondary(const struct ps_event *ev);
/* ev is an audit or PAM-module record of a program whose own log line
 * for the same fact reaches the detector: the rules leave it out. Also
 * notes, from a program's own line, that its host's logs reach us. */
bool ps_det_corroborates(struct ps_detector *d, const struct ps_event *ev);

/* ---- the rule families: feed one event (each checks kind and fields) ---- */

void ps_det_guessing(struct ps_detector *d, const struct ps_event *ev, int64_t now, uint32_t attempts);
void ps_det_spraying(struct ps_detector *d, const struct ps_event *ev, int64_t now, uint32_t attempts);
void ps_det_compromise(struct ps_detector *d, const struct ps_event *ev, int64_t now, uint32_t attempts);
void ps_det_logins(struct ps_detector *d, const struct ps_event *ev, int64_t now);
void ps_det_privilege(struct ps_detector *d, const struct ps_event *ev, int64_t now, uint32_t attempts);
void ps_det_accounts(struct ps_detector *d, const struct ps_event *ev, int64_t now);
void ps_det_scanner(struct ps_detector *d, const struct ps_event *ev, int64_t now);
void ps_det_blindspot(struct ps_detector *d, const struct ps_event *ev, int64_t now);
void ps_det_commands(struct ps_detector *d, const struct ps_event *ev, int64_t now);
/* commands_of_interest's list from the configuration (commands.c). 0 or -ENOMEM. */
int ps_det_commands_config(struct ps_detector *d, const struct ps_detect_config *cfg);

/* ---- state.c: fields of the saved state ---- */

struct ps_det_line {
	struct ps_str rest;  /* what is left of the line */
	char buf[1024];
};
void ps_det_put_hex(struct ps_out *o, const void *p, size_t n);          /* TAB, then hex */
void ps_det_put_pair(struct ps_out *o, const void *id, size_t n, int64_t t); /* TAB, hex:decimal */
bool ps_det_take_i64(struct ps_det_line *l, int64_t *v);
bool ps_det_take_hex(struct ps_det_line *l, void *out, size_t n);        /* exactly n bytes */
bool ps_det_take_pair(struct ps_det_line *l, void *out, size_t n, int64_t *t);

/* new_source keeps a history, not incidents (newsource.c). */
void ps_det_new_source(struct ps_detector *d, const struct ps_event *ev, int64_t now);
size_t ps_det_history_size(const struct ps_detect_config *cfg);
void ps_det_save_history(struct ps_out *o, const struct rule_rt *r, const void *val);
/* The rest of a "history" line; NULL, or what is wrong with it. */
const char *ps_det_load_history(struct ps_detector *d, struct rule_rt *r, struct ps_det_line *l);

/* sshd connections with an attempt announced but not yet decided (attempt.c):
 * "conn" lines, so that a restart between a connection's lines does not
 * count its attempt twice. */
void ps_det_save_conns(struct ps_out *o, const struct ps_detector *d);
const char *ps_det_load_conn(struct ps_detector *d, struct ps_det_line *l);

/* Per rule: its table layout, MITRE ids and sentence (set up by each family). */
void ps_det_setup_guessing(struct ps_detector *d);
void ps_det_setup_spraying(struct ps_detector *d);
void ps_det_setup_compromise(struct ps_detector *d);
void ps_det_setup_logins(struct ps_detector *d);
void ps_det_setup_privilege(struct ps_detector *d);
void ps_det_setup_accounts(struct ps_detector *d);
void ps_det_setup_scanner(struct ps_detector *d);
void ps_det_setup_blindspot(struct ps_detector *d);
void ps_det_setup_new_source(struct ps_detector *d);
void ps_det_setup_commands(struct ps_detector *d);

#endif
