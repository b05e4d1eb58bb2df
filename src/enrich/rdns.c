#include "enrich/rdns.h"

#include <arpa/nameser.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <resolv.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/siphash.h"
#include "util/timeconv.h"

#define PROBES 8
#define NAME_MAX_LEN 253
#define KEEP_NAME_US (3600 * INT64_C(1000000))
#define KEEP_NONE_US (300 * INT64_C(1000000))

enum state { FREE = 0, PENDING, DONE };

struct entry {
	struct ps_ip ip;
	uint8_t state;
	uint8_t len;        /* of name; 0: no name */
	int64_t expires_us; /* DONE: when to ask again */
	uint64_t used;
	char name[NAME_MAX_LEN + 1];
};

struct ps_rdns {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	unsigned timeout_s;
	ps_rdns_resolve_fn resolve;
	struct ps_ip queue[PS_RDNS_QUEUE];
	size_t q_head, q_n;
	struct entry cache[PS_RDNS_CACHE];
	uint64_t clock, asked, named;
	struct ps_sipkey sip;
};

/* The entry for ip, or NULL; with claim, a fresh one (the least recently used of its slots). */
static struct entry *find(struct ps_rdns *r, const struct ps_ip *ip, bool claim)
{
	uint64_t h = ps_siphash(&r->sip, ip, sizeof(*ip));
	struct entry *victim = NULL;
	for (size_t i = 0; i < PROBES; i++) {
		struct entry *x = &r->cache[(h + i) % PS_RDNS_CACHE];
		if (x->state != FREE && memcmp(&x->ip, ip, sizeof(*ip)) == 0) {
			x->used = ++r->clock;
			return x;
		}
		/* A query in flight keeps its slot: its answer has somewhere to go. */
		if (x->state != PENDING && (!victim || x->used < victim->used))
			victim = x;
	}
	if (!claim || !victim)
		return NULL;
	memset(victim, 0, offsetof(struct entry, name));
	victim->ip = *ip;
	victim->used = ++r->clock;
	return victim;
}

static void *worker(void *arg)
{
	struct ps_rdns *r = arg;
	pthread_mutex_lock(&r->mu);
	for (;;) {
		while (!r->stop && r->q_n == 0)
			pthread_cond_wait(&r->cv, &r->mu);
		if (r->stop)
			break;
		struct ps_ip ip = r->queue[r->q_head];
		r->q_head = (r->q_head + 1) % PS_RDNS_QUEUE;
		r->q_n--;
		unsigned timeout = r->timeout_s;
		pthread_mutex_unlock(&r->mu);

		char name[NAME_MAX_LEN + 1];
		size_t n = r->resolve(&ip, timeout, name, sizeof(name));

		pthread_mutex_lock(&r->mu);
		struct entry *x = find(r, &ip, false);
		if (x) {
			x->state = DONE;
			x->len = (uint8_t)(n <= NAME_MAX_LEN ? n : 0);
			memcpy(x->name, name, x->len);
			x->expires_us = ps_monotonic_us() + (x->len ? KEEP_NAME_US : KEEP_NONE_US);
			r->named += x->len > 0;
		}
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

int ps_rdns_new_with(unsigned timeout_s, ps_rdns_resolve_fn resolve, struct ps_rdns **out)
{
	struct ps_rdns *r = calloc(1, sizeof(*r));
	*out = NULL;
	if (!r)
		return -ENOMEM;
	r->timeout_s = timeout_s;
	r->resolve = resolve;
	ps_sipkey_random(&r->sip);
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	/* The thread takes no signals: the daemon reads its own through a signalfd,
	 * and a SIGTERM delivered here would kill the process outright. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int e = pthread_create(&r->thread, NULL, worker, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e) {
		pthread_mutex_destroy(&r->mu);
		pthread_cond_destroy(&r->cv);
		free(r);
		return -e;
	}
	*out = r;
	return 0;
}

int ps_rdns_new(unsigned timeout_s, struct ps_rdns **out)
{
	return ps_rdns_new_with(timeout_s, ps_rdns_resolve_dns, out);
}

void ps_rdns_free(struct ps_rdns *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->mu);
	r->stop = true;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->thread, NULL);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	free(r);
}

void ps_rdns_set_timeout(struct ps_rdns *r, unsigned timeout_s)
{
	pthread_mutex_lock(&r->mu);
	r->timeout_s = timeout_s;
	pthread_mutex_unlock(&r->mu);
}

size_t ps_rdns_get(struct ps_rdns *r, const struct ps_ip *ip, char *buf, size_t size)
{
	size_t n = 0;
	pthread_mutex_lock(&r->mu);
	struct entry *x = find(r, ip, false);
	if (x && x->state == DONE && x->expires_us > ps_monotonic_us()) {
		if (x->len < size) {
			memcpy(buf, x->name, x->len);
			n = x->len;
		}
	} else if (!(x && x->state == PENDING) && r->q_n < PS_RDNS_QUEUE && (x = find(r, ip, true))) {
		x->state = PENDING;
		r->queue[(r->q_head + r->q_n++) % PS_RDNS_QUEUE] = *ip;
		r->asked++;
		pthread_cond_signal(&r->cv);
	}
	pthread_mutex_unlock(&r->mu);
	return n;
}

void ps_rdns_stats(struct ps_rdns *r, uint64_t *asked, uint64_t *named)
{
	pthread_mutex_lock(&r->mu);
	*asked = r->asked;
	*named = r->named;
	pthread_mutex_unlock(&r->mu);
}

/* "9.2.0.192.in-addr.arpa" or the nibbles of ip6.arpa. */
static void ptr_name(const struct ps_ip *ip, char *q, size_t size)
{
	size_t n = 0;
	if (ip->family == 4) {
		snprintf(q, size, "%u.%u.%u.%u.in-addr.arpa", ip->a[3], ip->a[2], ip->a[1], ip->a[0]);
		return;
	}
	static const char hex[] = "0123456789abcdef";
	for (int i = 15; i >= 0 && n + 4 < size; i--) {
		q[n++] = hex[ip->a[i] & 0xf];
		q[n++] = '.';
		q[n++] = hex[ip->a[i] >> 4];
		q[n++] = '.';
	}
	snprintf(q + n, size - n, "ip6.arpa");
}

static bool plausible_host(const char *s, size_t n)
{
	if (n == 0 || n > NAME_MAX_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '_' || c == '.'))
			return false;
	}
	return true;
}

size_t ps_rdns_resolve_dns(const struct ps_ip *ip, unsigned timeout_s, char *name, size_t size)
{
	char q[80], host[NS_MAXDNAME];
	unsigned char answer[4096];
	struct __res_state rs;
	size_t found = 0;
	if (ip->family != 4 && ip->family != 6)
		return 0;
	ptr_name(ip, q, sizeof(q));
	memset(&rs, 0, sizeof(rs));
	if (res_ninit(&rs) < 0)
		return 0;
	rs.retrans = (int)timeout_s;
	rs.retry = 1;
	int len = res_nquery(&rs, q, ns_c_in, ns_t_ptr, answer, sizeof(answer));
	ns_msg msg;
	if (len > 0 && ns_initparse(answer, len, &msg) == 0) {
		for (int i = 0; i < ns_msg_count(msg, ns_s_an) && !found; i++) {
			ns_rr rr;
			if (ns_parserr(&msg, ns_s_an, i, &rr) < 0 || ns_rr_type(rr) != ns_t_ptr)
				continue;
			if (dn_expand(ns_msg_base(msg), ns_msg_end(msg), ns_rr_rdata(rr), host, sizeof(host)) < 0)
				continue;
			size_t n = strlen(host);
			if (plausible_host(host, n) && n < size) {
				memcpy(name, host, n);
				found = n;
			}
		}
	}
	res_nclose(&rs);
	return found;
}
