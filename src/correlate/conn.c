#include "correlate/conn.h"

#include <stdlib.h>
#include <string.h>

#include "util/siphash.h"

#define PROBES 8 /* slots a connection may take: a lookup reads at most these */

struct conn {
	uint64_t used;      /* c->clock when last used */
	int64_t pid;
	struct ps_ip src, dst;
	int32_t src_port, dst_port;
	bool searched;      /* /proc was searched (dst may still be unknown) */
};

/*
 * The keys are an array of their own: a lookup, made for every sshd line,
 * reads its PROBES keys from one cache line and an entry only on a match.
 * Most lookups find nothing (sshd logs "Connection from" only at log level
 * VERBOSE), and until a connection was ever learned none is made.
 */
struct ps_conns {
	uint64_t *keys;     /* hash of host and pid; 0: free */
	struct conn *v;
	size_t mask;
	bool learned;       /* an entry was ever claimed */
	uint64_t clock;
	struct ps_sipkey sip;
	/* A log's lines mostly share one host: its hash is kept. */
	char last_host[64];
	size_t last_host_n;     /* > sizeof(last_host): none */
	uint64_t last_host_hash;
};

struct ps_conns *ps_conns_new(size_t cap)
{
	struct ps_conns *c = calloc(1, sizeof(*c));
	size_t n = PROBES;
	while (n < cap)
		n *= 2;
	if (!c || !(c->v = calloc(n, sizeof(*c->v))) || !(c->keys = calloc(n, sizeof(*c->keys)))) {
		if (c)
			free(c->v);
		free(c);
		return NULL;
	}
	c->mask = n - 1;
	c->last_host_n = SIZE_MAX;
	ps_sipkey_random(&c->sip);
	return c;
}

void ps_conns_free(struct ps_conns *c)
{
	if (c) {
		free(c->v);
		free(c->keys);
	}
	free(c);
}

static bool is_sshd(const struct ps_event *ev)
{
	return ev->pid > 0 && ps_eq_lit(ev->service, "sshd");
}

static uint64_t host_hash(struct ps_conns *c, struct ps_str host)
{
	if (host.n == c->last_host_n && (host.n == 0 || memcmp(host.p, c->last_host, host.n) == 0))
		return c->last_host_hash;
	uint64_t h = ps_siphash(&c->sip, host.p ? host.p : "", host.n);
	c->last_host_n = SIZE_MAX;
	if (host.n <= sizeof(c->last_host)) {
		if (host.n)
			memcpy(c->last_host, host.p, host.n);
		c->last_host_n = host.n;
		c->last_host_hash = h;
	}
	return h;
}

static uint64_t key_of(struct ps_conns *c, const struct ps_event *ev)
{
	struct {
		int64_t pid;
		uint64_t host;
	} k = { ev->pid, host_hash(c, ev->host) };
	uint64_t h = ps_siphash(&c->sip, &k, sizeof(k));
	return h ? h : 1;
}

/* The entry of ev's connection, or NULL; with claim, a fresh one made for it. */
static struct conn *find(struct ps_conns *c, const struct ps_event *ev, bool claim)
{
	if (!claim && !c->learned)
		return NULL;
	uint64_t key = key_of(c, ev);
	for (size_t i = 0; i < PROBES; i++) {
		size_t at = (key + i) & c->mask;
		if (c->keys[at] == key && c->v[at].pid == ev->pid) {
			c->v[at].used = ++c->clock;
			return &c->v[at];
		}
	}
	if (!claim)
		return NULL;
	size_t victim = key & c->mask;
	for (size_t i = 1; i < PROBES; i++) {
		size_t at = (key + i) & c->mask;
		if (c->v[at].used < c->v[victim].used)
			victim = at;
	}
	c->learned = true;
	c->keys[victim] = key;
	struct conn *x = &c->v[victim];
	memset(x, 0, sizeof(*x));
	x->pid = ev->pid;
	x->src_port = x->dst_port = -1;
	x->used = ++c->clock;
	return x;
}

/* Whether ev can be of connection x: a source it names must be x's. */
static bool same_source(const struct conn *x, const struct ps_event *ev)
{
	if (!ev->src_ip.family)
		return true;
	if (!x->src.family)
		return false;
	if (memcmp(&x->src, &ev->src_ip, sizeof(x->src)) != 0)
		return false;
	return ev->src_port < 0 || x->src_port < 0 || ev->src_port == x->src_port;
}

static void learn(struct conn *x, const struct ps_event *ev, const struct ps_ip *dst, int32_t dst_port)
{
	x->src = ev->src_ip;
	x->src_port = ev->src_port;
	x->dst = *dst;
	x->dst_port = dst_port;
}

void ps_conns_apply(struct ps_conns *c, struct ps_event *ev)
{
	if (!is_sshd(ev))
		return;
	if (ev->dst_ip.family) {
		/* "Connection from A port P on B port Q": a new connection of this pid. */
		if (ev->src_ip.family)
			learn(find(c, ev, true), ev, &ev->dst_ip, ev->dst_port);
		return;
	}
	struct conn *x = find(c, ev, false);
	if (!x || !x->dst.family || !same_source(x, ev))
		return;
	ev->dst_ip = x->dst;
	ev->dst_port = x->dst_port;
}

bool ps_conns_tried(struct ps_conns *c, const struct ps_event *ev)
{
	struct conn *x = is_sshd(ev) ? find(c, ev, false) : NULL;
	return x && same_source(x, ev) && (x->searched || x->dst.family);
}

void ps_conns_record(struct ps_conns *c, const struct ps_event *ev, const struct ps_ip *dst, int32_t dst_port)
{
	if (!is_sshd(ev) || !ev->src_ip.family)
		return;
	struct conn *x = find(c, ev, true);
	if (!same_source(x, ev))
		memset(&x->dst, 0, sizeof(x->dst));
	learn(x, ev, dst, dst_port);
	x->searched = true;
}
