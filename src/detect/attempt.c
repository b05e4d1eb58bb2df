/*
 * Attempt identity: one credential guess, counted once.
 *
 * sshd logs one guess in up to three places: its own "Invalid user U from
 * IP port P" when the name arrives, PAM's "pam_unix(sshd:auth):
 * authentication failure" from inside the check (sometimes in a child
 * process with another pid), and its own "Failed password for [invalid
 * user] U from IP port P ssh2" with the verdict (OpenSSH auth.c
 * auth_log()). Keyboard-interactive adds "error: PAM: Authentication
 * failure for [illegal user ]U from IP" (auth-pam.c), sometimes without a
 * Failed line after it. So, per sshd connection (host and pid):
 *
 *   - PAM module lines from sshd are never attempts: sshd logs every
 *     attempt itself;
 *   - an announcement ("Invalid user", "not allowed because", "PAM:
 *     ... for illegal user") counts one attempt, unless one is pending;
 *   - "PAM: Authentication failure for U" counts one unless an
 *     announcement is pending (it is that attempt's verdict);
 *   - "Failed METHOD" counts one unless an announcement or a PAM line is
 *     pending (it is that attempt's last word);
 *   - publickey and hostbased failures are no guesses: an agent offers its
 *     keys one by one and sshd logs each one that does not fit (fail2ban
 *     does not count them either).
 *
 * sudo, su and login write one line per failure of their own next to PAM's
 * ("N incorrect password attempts", "FAILED SU", "FAILED LOGIN"): only
 * theirs count, with sudo's N. For programs pamsignal has no decoder for,
 * the PAM line is the only record and counts.
 */
#include <string.h>

#include "detect/internal.h"
#include "util/out.h"
#include "util/tsv.h"

enum pending { NONE, ANNOUNCED, PAM_VERDICT };

struct conn_key {
	uint64_t host_hash;
	int64_t id;  /* the pid; without one, the source port (negative) */
};

/* A connection is in the table only while an attempt of it is pending:
 * once decided, nothing is left to pair, and a connection not found is
 * one with nothing pending. */
struct conn {
	uint8_t pending;            /* never NONE */
};

#define CONN_TTL (10 * 60 * USEC) /* far beyond LoginGraceTime */

void ps_det_conns_expire(struct ps_detector *d, int64_t now, size_t max)
{
	struct conn *old;
	while (max-- > 0 && (old = ps_table_stale(d->conns, now - CONN_TTL)))
		ps_table_remove(d->conns, old);
}

size_t ps_det_conn_entry_cost(void)
{
	return ps_table_entry_cost(sizeof(struct conn_key), sizeof(struct conn));
}

static uint64_t hash_conn(const struct ps_sipkey *sip, const void *key)
{
	const struct conn_key *k = key;
	(void)sip;
	return ps_det_mix(k->host_hash, (uint64_t)k->id);
}

int ps_det_conns_new(struct ps_detector *d, size_t cap)
{
	d->conns = ps_table_new(cap, sizeof(struct conn_key), sizeof(struct conn), &d->sip, hash_conn);
	return d->conns ? 0 : -1;
}

/* The same test decode.c dispatches on: the start of a message is the
 * program's own text, never the attacker's. */
static bool from_pam_module(const struct ps_event *ev)
{
	return ps_starts(ev->message, "pam_");
}

static uint32_t sshd_attempt(struct ps_detector *d, const struct ps_event *ev, int64_t now)
{
	enum { ANNOUNCE, VERDICT, FAILED } what;
	if (!ev->src_ip.family || from_pam_module(ev))
		return 0;
	if (ps_det_secondary(ev)) {
		/* No sshd log for this host (views.c): its audit records are the
		 * attempt's. PAM's (USER_AUTH, USER_ACCT, the PAM module) is the
		 * verdict from inside, sshd's own USER_LOGIN res=failed the last word. */
		what = ps_eq_lit(ev->audit_type, "USER_LOGIN") ? FAILED : VERDICT;
	} else if (ps_set(ev->method)) {
		if (ev->reason == PS_REASON_BAD_KEY || ps_eq_lit(ev->method, "publickey") ||
		    ps_eq_lit(ev->method, "hostbased"))
			return 0;
		if (ev->reason != PS_REASON_BAD_PASSWORD && ev->reason != PS_REASON_BAD_CREDENTIAL &&
		    ev->reason != PS_REASON_INVALID_USER)
			return 0;
		what = FAILED;
	} else if (ev->reason == PS_REASON_INVALID_USER || ev->reason == PS_REASON_NOT_ALLOWED) {
		what = ANNOUNCE;
	} else if (ev->reason == PS_REASON_PAM_FAILURE) {
		what = VERDICT;
	} else {
		return 0; /* max_attempts, root_refused...: about attempts already logged */
	}

	struct conn_key key = { .host_hash = ps_det_host_hash(d) };
	if (ev->pid >= 0)
		key.id = ev->pid;
	else if (ev->src_port >= 0)
		key.id = -1 - ev->src_port;
	else
		return 1; /* nothing ties its lines together: each counts */
	uint64_t h = hash_conn(&d->sip, &key);
	struct conn *c = ps_table_find(d->conns, &key, h, now);
	enum pending was = c ? c->pending : NONE;
	enum pending next = NONE;
	uint32_t n = 1;
	switch (what) {
	case ANNOUNCE:
		n = was != ANNOUNCED;
		next = ANNOUNCED;
		break;
	case VERDICT:
		n = was != ANNOUNCED;
		next = PAM_VERDICT;
		break;
	case FAILED:
		n = was == NONE;
		break;
	}
	if (next == NONE) {
		if (c)
			ps_table_remove(d->conns, c);
		return n;
	}
	if (!c)
		c = ps_table_insert(d->conns, &key, h, now);
	c->pending = (uint8_t)next;
	return n;
}

void ps_det_save_conns(struct ps_out *o, const struct ps_detector *d)
{
	for (const struct conn *c = ps_table_next(d->conns, NULL); c; c = ps_table_next(d->conns, c)) {
		ps_out_puts(o, "conn");
		ps_det_put_hex(o, ps_table_key(d->conns, c), sizeof(struct conn_key));
		ps_tsv_put_i64(o, ps_table_touched(d->conns, c));
		ps_tsv_put_i64(o, c->pending);
		ps_out_putc(o, '\n');
	}
}

const char *ps_det_load_conn(struct ps_detector *d, struct ps_det_line *l)
{
	struct conn_key key;
	int64_t touched, pending;
	if (!ps_det_take_hex(l, &key, sizeof(key)) || !ps_det_take_i64(l, &touched) ||
	    !ps_det_take_i64(l, &pending) || pending <= NONE || pending > PAM_VERDICT)
		return "bad connection";
	uint64_t h = ps_table_hash(d->conns, &key);
	if (ps_table_find(d->conns, &key, h, touched))
		return "duplicate connection";
	struct conn *c = ps_table_insert(d->conns, &key, h, touched);
	c->pending = (uint8_t)pending;
	return NULL;
}

uint32_t ps_det_attempts(struct ps_detector *d, const struct ps_event *ev, int64_t now)
{
	if (ev->kind != PS_KIND_AUTH_FAILURE)
		return 0;
	if (d->program == PROG_SSHD)
		return sshd_attempt(d, ev, now);
	if (from_pam_module(ev))
		return d->program == PROG_OTHER; /* sudo, su and login log their own */
	switch (ev->reason) {
	case PS_REASON_NOT_IN_SUDOERS:
	case PS_REASON_COMMAND_NOT_ALLOWED:
	case PS_REASON_MAX_ATTEMPTS:
	case PS_REASON_EXPIRED:
	case PS_REASON_LOCKED:
		return 0; /* a refusal or a summary, not a guess */
	default:
		return ev->count ? ev->count : 1;
	}
}
