#include "correlate/session.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/tsv.h"

enum state { FREE = 0, AUTHENTICATED, OPEN, CLOSED };

/* A closed session is kept this long to fold sshd's second logout line into the first. */
#define CLOSED_KEEP_US (120 * 1000000LL)

struct session {
	enum state state;
	int64_t pid;            /* -1: none */
	int64_t opened_us;      /* -1: unknown */
	int64_t seen_us;        /* last activity, for eviction */
	int32_t port;
	struct ps_ip ip;
	char logind_id[24];
	char service[24];
	char user[128];
	char target[128];
	char method[64];
};

struct ps_sessions {
	struct session *v;
	size_t cap;
};

struct ps_sessions *ps_sessions_new(size_t cap)
{
	struct ps_sessions *s = calloc(1, sizeof(*s));
	if (!s || !(s->v = calloc(cap, sizeof(*s->v)))) {
		free(s);
		return NULL;
	}
	s->cap = cap;
	return s;
}

void ps_sessions_free(struct ps_sessions *s)
{
	if (s)
		free(s->v);
	free(s);
}

static void copy(char *dst, size_t size, struct ps_str src)
{
	/* Longer text than the slot is not kept at all: a truncated name would match the wrong session. */
	if (!ps_set(src) || src.n >= size) {
		dst[0] = '\0';
		return;
	}
	memcpy(dst, src.p, src.n);
	dst[src.n] = '\0';
}

static bool same(const char *stored, struct ps_str s) { return stored[0] && ps_eq(s, ps_cstr(stored)); }

static struct session *by_pid(struct ps_sessions *s, int64_t pid)
{
	if (pid < 0)
		return NULL;
	for (size_t i = 0; i < s->cap; i++)
		if (s->v[i].state != FREE && s->v[i].pid == pid)
			return &s->v[i];
	return NULL;
}

static struct session *by_logind_id(struct ps_sessions *s, struct ps_str id)
{
	for (size_t i = 0; i < s->cap; i++)
		if (s->v[i].state != FREE && same(s->v[i].logind_id, id))
			return &s->v[i];
	return NULL;
}

/* sshd's post-auth child: the login with this user, address and port. */
static struct session *by_connection(struct ps_sessions *s, const struct ps_event *ev)
{
	for (size_t i = 0; i < s->cap; i++) {
		struct session *x = &s->v[i];
		if (x->state != FREE && x->port == ev->src_port && x->ip.family == ev->src_ip.family &&
		    memcmp(&x->ip, &ev->src_ip, sizeof(x->ip)) == 0 && same(x->user, ev->user))
			return x;
	}
	return NULL;
}

/* A free slot, or the least recently seen one. */
static struct session *claim(struct ps_sessions *s)
{
	struct session *oldest = &s->v[0];
	for (size_t i = 0; i < s->cap; i++) {
		if (s->v[i].state == FREE) {
			oldest = &s->v[i];
			break;
		}
		if (s->v[i].seen_us < oldest->seen_us)
			oldest = &s->v[i];
	}
	memset(oldest, 0, sizeof(*oldest));
	oldest->pid = -1;
	oldest->opened_us = -1;
	oldest->port = -1;
	return oldest;
}

static void remember_login(struct session *x, const struct ps_event *ev)
{
	if (ev->pid >= 0)
		x->pid = ev->pid;
	copy(x->service, sizeof(x->service), ev->service);
	if (ps_set(ev->user))
		copy(x->user, sizeof(x->user), ev->user);
	if (ps_set(ev->target_user))
		copy(x->target, sizeof(x->target), ev->target_user);
	if (ev->src_ip.family) {
		x->ip = ev->src_ip;
		x->port = ev->src_port;
	}
	if (ps_set(ev->method))
		copy(x->method, sizeof(x->method), ev->method);
}

/* Fill what the event lacks from what the login said. */
static void fill(struct ps_event *ev, const struct session *x)
{
	if (!ps_set(ev->user) && x->user[0])
		ev->user = ps_cstr(x->user);
	if (!ps_set(ev->target_user) && x->target[0])
		ev->target_user = ps_cstr(x->target);
	if (!ev->src_ip.family && x->ip.family) {
		ev->src_ip = x->ip;
		ev->src_port = x->port;
	}
	if (!ps_set(ev->method) && x->method[0])
		ev->method = ps_cstr(x->method);
}

static void sweep_closed(struct ps_sessions *s, int64_t now)
{
	for (size_t i = 0; i < s->cap; i++)
		if (s->v[i].state == CLOSED && now - s->v[i].seen_us > CLOSED_KEEP_US)
			s->v[i].state = FREE;
}

static bool on_close(struct ps_sessions *s, struct ps_event *ev)
{
	struct session *x = NULL;
	if (ps_set(ev->session) && ps_eq_lit(ev->program, "systemd-logind"))
		x = by_logind_id(s, ev->session);
	if (!x)
		x = by_pid(s, ev->pid);
	if (!x && ev->src_ip.family && ps_set(ev->user))
		x = by_connection(s, ev);
	if (!x)
		return true;
	if (x->state == CLOSED)
		return false; /* the second logout line of a session already closed */
	fill(ev, x);
	if (x->opened_us >= 0 && ev->time_us >= x->opened_us)
		ev->duration_s = (ev->time_us - x->opened_us) / 1000000;
	x->state = CLOSED;
	x->seen_us = ev->time_us;
	return true;
}

bool ps_session_apply(struct ps_sessions *s, struct ps_event *ev)
{
	struct session *x;

	/* Most events (failures, probes) have nothing to do with sessions: no scan for them. */
	if (ev->kind != PS_KIND_AUTH_SUCCESS && ev->kind != PS_KIND_COMMAND && ev->kind != PS_KIND_SESSION_OPEN &&
	    ev->kind != PS_KIND_SESSION_CLOSE)
		return true;
	if (ev->time_us >= 0)
		sweep_closed(s, ev->time_us);
	switch (ev->kind) {
	case PS_KIND_AUTH_SUCCESS:
	case PS_KIND_COMMAND: /* sudo: its pid then opens the session */
		if (ev->pid < 0 || (ev->kind == PS_KIND_COMMAND && ev->outcome == PS_OUTCOME_FAILURE))
			return true;
		x = by_pid(s, ev->pid);
		if (!x || x->state == CLOSED) {
			x = claim(s);
			x->state = AUTHENTICATED;
		}
		remember_login(x, ev);
		x->seen_us = ev->time_us;
		return true;
	case PS_KIND_SESSION_OPEN:
		x = ps_eq_lit(ev->program, "systemd-logind") ? NULL : by_pid(s, ev->pid);
		if (!x || x->state == CLOSED) {
			x = claim(s);
			if (ps_eq_lit(ev->program, "systemd-logind"))
				copy(x->logind_id, sizeof(x->logind_id), ev->session);
			else
				x->pid = ev->pid;
		}
		fill(ev, x);
		remember_login(x, ev);
		if (ps_eq_lit(ev->program, "systemd-logind"))
			x->pid = -1;
		x->state = OPEN;
		x->opened_us = ev->time_us;
		x->seen_us = ev->time_us;
		return true;
	case PS_KIND_SESSION_CLOSE:
		return on_close(s, ev);
	default:
		return true;
	}
}

size_t ps_sessions_open(const struct ps_sessions *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->cap; i++)
		n += s->v[i].state == OPEN || s->v[i].state == AUTHENTICATED;
	return n;
}

void ps_sessions_save(const struct ps_sessions *s, struct ps_out *o)
{
	for (size_t i = 0; i < s->cap; i++) {
		const struct session *x = &s->v[i];
		if (x->state == FREE)
			continue;
		char ip[PS_IP_STRLEN];
		size_t ipn = x->ip.family ? ps_ip_format(&x->ip, ip) : 0;
		ps_out_puts(o, "session");
		ps_tsv_put_i64(o, x->state);
		ps_tsv_put_i64(o, x->pid);
		ps_tsv_put_i64(o, x->opened_us);
		ps_tsv_put_i64(o, x->seen_us);
		ps_tsv_put(o, ps_str(ip, ipn));
		ps_tsv_put_i64(o, x->port);
		ps_tsv_put(o, ps_cstr(x->logind_id));
		ps_tsv_put(o, ps_cstr(x->service));
		ps_tsv_put(o, ps_cstr(x->user));
		ps_tsv_put(o, ps_cstr(x->target));
		ps_tsv_put(o, ps_cstr(x->method));
		ps_out_putc(o, '\n');
	}
}

static bool take_text(struct ps_str *line, char *dst, size_t size)
{
	struct ps_str f;
	return ps_tsv_take(line, dst, size, &f);
}

int ps_sessions_load_line(struct ps_sessions *s, struct ps_str line)
{
	struct session tmp = { 0 };
	int64_t state, port;
	char ip[PS_IP_STRLEN + 1];
	struct ps_str ipf;

	if (!ps_tsv_take_i64(&line, &state) || state < AUTHENTICATED || state > CLOSED ||
	    !ps_tsv_take_i64(&line, &tmp.pid) || !ps_tsv_take_i64(&line, &tmp.opened_us) ||
	    !ps_tsv_take_i64(&line, &tmp.seen_us) || !ps_tsv_take(&line, ip, sizeof(ip), &ipf) ||
	    !ps_tsv_take_i64(&line, &port) || port < -1 || port > 65535 ||
	    !take_text(&line, tmp.logind_id, sizeof(tmp.logind_id)) ||
	    !take_text(&line, tmp.service, sizeof(tmp.service)) || !take_text(&line, tmp.user, sizeof(tmp.user)) ||
	    !take_text(&line, tmp.target, sizeof(tmp.target)) || !take_text(&line, tmp.method, sizeof(tmp.method)) ||
	    line.p)
		return -EINVAL;
	if (ipf.n && ps_ip_parse(ipf, &tmp.ip) < 0)
		return -EINVAL;
	tmp.state = (enum state)state;
	tmp.port = (int32_t)port;
	*claim(s) = tmp;
	return 0;
}
