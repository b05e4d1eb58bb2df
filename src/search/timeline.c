#include "search/timeline.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HOSTS 8
#define MAX_PIDS 1024
#define MAX_CONNS 64
#define RECENT 16
#define NAME_MAX_ 64
#define BEFORE_US (120 * INT64_C(1000000)) /* sshd's LoginGraceTime: attempts before the login */
#define AFTER_US (10 * INT64_C(1000000))
#define LOGIND_US (5 * INT64_C(1000000))   /* PAM's session_open to logind's "New session" */

struct pid_key {
	uint8_t host;
	int64_t pid;
};

struct conn_key {
	uint8_t host;
	struct ps_ip ip;
	int32_t port;
};

/* A PAM session_open seen lately, for logind's session without audit. */
struct recent_open {
	int64_t time_us, pid;
	uint8_t host, user_n;
	char user[NAME_MAX_];
};

struct ps_timeline {
	char *id;
	size_t id_n;
	char *only_host;           /* --host, or NULL */
	size_t only_host_n;
	char *hosts[MAX_HOSTS];
	size_t host_n[MAX_HOSTS], n_hosts;
	int64_t first_us, last_us; /* the session's events; -1: none with a time */
	bool found;
	struct pid_key pids[MAX_PIDS];
	size_t n_pids;
	struct conn_key conns[MAX_CONNS];
	size_t n_conns;
	struct recent_open recent[RECENT];
	size_t recent_next;
};

struct ps_timeline *ps_timeline_new(struct ps_str id, struct ps_str host)
{
	struct ps_timeline *t = calloc(1, sizeof(*t));
	if (!t || !(t->id = malloc(id.n + 1)))
		goto fail;
	memcpy(t->id, id.p, id.n);
	t->id_n = id.n;
	if (ps_set(host)) {
		if (!(t->only_host = malloc(host.n + 1)))
			goto fail;
		memcpy(t->only_host, host.p, host.n);
		t->only_host_n = host.n;
	}
	t->first_us = t->last_us = -1;
	return t;
fail:
	ps_timeline_free(t);
	return NULL;
}

void ps_timeline_free(struct ps_timeline *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_hosts; i++)
		free(t->hosts[i]);
	free(t->id);
	free(t->only_host);
	free(t);
}

bool ps_timeline_found(const struct ps_timeline *t)
{
	return t->found;
}

/* The host's index, -1 when unknown (and add false, or no room). */
static int host_index(struct ps_timeline *t, struct ps_str host, bool add)
{
	for (size_t i = 0; i < t->n_hosts; i++)
		if (ps_eq(host, ps_str(t->hosts[i], t->host_n[i])))
			return (int)i;
	if (!add || t->n_hosts == MAX_HOSTS)
		return -1;
	char *copy = malloc(host.n + 1);
	if (!copy)
		return -1;
	if (host.n)
		memcpy(copy, host.p, host.n);
	t->hosts[t->n_hosts] = copy;
	t->host_n[t->n_hosts] = host.n;
	return (int)t->n_hosts++;
}

static bool ours(const struct ps_timeline *t, const struct ps_event *ev)
{
	if (t->only_host && !ps_eq(ev->host, ps_str(t->only_host, t->only_host_n)))
		return false;
	return ps_eq(ev->session, ps_str(t->id, t->id_n)) && ps_set(ev->session);
}

static bool from_logind(const struct ps_event *ev)
{
	return ps_eq_lit(ev->program, "systemd-logind");
}

static bool have_pid(const struct ps_timeline *t, int host, int64_t pid)
{
	for (size_t i = 0; i < t->n_pids; i++)
		if (t->pids[i].pid == pid && t->pids[i].host == host)
			return true;
	return false;
}

static void add_pid(struct ps_timeline *t, int host, int64_t pid)
{
	if (host >= 0 && pid > 0 && t->n_pids < MAX_PIDS && !have_pid(t, host, pid))
		t->pids[t->n_pids++] = (struct pid_key){ (uint8_t)host, pid };
}

static void remember_open(struct ps_timeline *t, const struct ps_event *ev)
{
	int host = host_index(t, ev->host, true);
	if (host < 0 || ev->user.n > NAME_MAX_)
		return;
	struct recent_open *r = &t->recent[t->recent_next++ % RECENT];
	r->time_us = ev->time_us;
	r->pid = ev->pid;
	r->host = (uint8_t)host;
	r->user_n = (uint8_t)ev->user.n;
	if (ev->user.n)
		memcpy(r->user, ev->user.p, ev->user.n);
}

/* logind's "New session ID of user U": the PAM session_open for U by one process just before. */
static void logind_open(struct ps_timeline *t, int host, const struct ps_event *ev)
{
	const struct recent_open *best = NULL;
	for (size_t i = 0; i < RECENT; i++) {
		const struct recent_open *r = &t->recent[i];
		if (r->pid > 0 && r->host == host && ps_eq(ev->user, ps_str(r->user, r->user_n)) &&
		    r->time_us <= ev->time_us && ev->time_us - r->time_us <= LOGIND_US &&
		    (!best || r->time_us > best->time_us))
			best = r;
	}
	if (best)
		add_pid(t, host, best->pid);
}

void ps_timeline_learn(struct ps_timeline *t, const struct ps_event *ev)
{
	if (!ours(t, ev)) {
		if (ev->kind == PS_KIND_SESSION_OPEN && !ps_set(ev->audit_type) && !from_logind(ev) && ev->pid > 0 &&
		    ev->time_us >= 0)
			remember_open(t, ev);
		return;
	}
	t->found = true;
	int host = host_index(t, ev->host, true);
	if (ev->time_us >= 0) {
		if (t->first_us < 0 || ev->time_us < t->first_us)
			t->first_us = ev->time_us;
		if (ev->time_us > t->last_us)
			t->last_us = ev->time_us;
	}
	if (!from_logind(ev))
		add_pid(t, host, ev->pid);
	else if (ev->kind == PS_KIND_SESSION_OPEN && ev->time_us >= 0)
		logind_open(t, host, ev);
}

static bool in_span(const struct ps_timeline *t, int64_t time_us)
{
	return time_us >= 0 && t->first_us >= 0 && time_us >= t->first_us - BEFORE_US &&
	       time_us <= t->last_us + AFTER_US;
}

static bool have_conn(const struct ps_timeline *t, int host, const struct ps_event *ev)
{
	for (size_t i = 0; i < t->n_conns; i++) {
		const struct conn_key *c = &t->conns[i];
		if (c->host == host && c->port == ev->src_port && memcmp(&c->ip, &ev->src_ip, sizeof(c->ip)) == 0)
			return true;
	}
	return false;
}

bool ps_timeline_member(struct ps_timeline *t, const struct ps_event *ev)
{
	if (ours(t, ev))
		return true;
	/* Another session's event, or one without a time to place it: not this login's. */
	if (ps_set(ev->session) || !in_span(t, ev->time_us))
		return false;
	if (t->only_host && !ps_eq(ev->host, ps_str(t->only_host, t->only_host_n)))
		return false;
	int host = host_index(t, ev->host, false);
	if (host < 0)
		return false;
	bool conn = ev->src_ip.family && ev->src_port > 0;
	if (ev->pid > 0 && !from_logind(ev) && have_pid(t, host, ev->pid)) {
		if (conn && !have_conn(t, host, ev) && t->n_conns < MAX_CONNS)
			t->conns[t->n_conns++] = (struct conn_key){ (uint8_t)host, ev->src_ip, ev->src_port };
		return true;
	}
	return conn && have_conn(t, host, ev);
}
