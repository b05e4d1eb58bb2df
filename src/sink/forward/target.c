#include "sink/forward/target.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "sink/deliver/retry.h"
#include "util/log.h"
#include "util/timeconv.h"

#define OUT_BATCH (64 * 1024)              /* frames gathered for one write */
#define ACK_POLL_US (20 * 1000)            /* how soon to look for acknowledgements */
#define BACKOFF_MAX_US (60 * 1000000LL)    /* longest wait before connecting again */
#define STABLE_US (10 * 1000000LL)         /* a connection up this long resets the backoff */
#define TLS_SETTLE_US (1000 * 1000)        /* a new TLS connection proves itself this long first */
#define COMPACT_MIN (8u * 1024 * 1024)     /* spool growth before a compaction is worth it */
#define SPOOL_ID "f"                       /* the spool's id field; forwarding does not use it */

static struct fitem *new_item(uint64_t seq, const char *json, size_t len)
{
	struct fitem *it = malloc(sizeof(*it) + len);
	if (!it)
		return NULL;
	*it = (struct fitem){ .seq = seq, .len = len };
	memcpy(it->json, json, len);
	return it;
}

static void append(struct target *t, struct fitem *it)
{
	if (t->tail)
		t->tail->next = it;
	else
		t->head = it;
	t->tail = it;
	if (!t->unsent)
		t->unsent = it;
	if (!t->unmapped)
		t->unmapped = it;
	t->depth++;
	t->bytes += it->len;
}

static void on_recovered(const struct ps_spool_item *si, void *arg)
{
	struct target *t = arg;
	struct fitem *it = new_item(si->seq, si->body, si->len);
	if (!it) {
		ps_log_error("forward %s: out of memory recovering its queue", t->cfg->name);
		return;
	}
	append(t, it);
	atomic_fetch_add(&t->queued, it->len);
}

int ps_target_open(struct target *t, const struct ps_forward_config *cfg, const char *dir, const char *hostname)
{
	char path[4096 + 64], err[PS_CONN_ERR_MAX];
	size_t cut = 0;
	t->cfg = cfg;
	ps_conn_init(&t->conn);
	ps_out_init_mem(&t->out);
	ps_out_init_mem(&t->msg);
	ps_out_init_mem(&t->inbox);
	ps_out_init_mem(&t->taken);
	t->opts = (struct ps_syslog_opts){
		.facility = cfg->facility, .app_name = cfg->app_name ? cfg->app_name : "pamsignal",
		.procid = (long)getpid(), .sd_id = cfg->sd_id, .bom = cfg->bom, .format = cfg->format,
		.max_message = cfg->max_message,
	};
	ps_syslog_hostname(&t->opts, hostname);
	if (getrandom(&t->rnd, sizeof(t->rnd), 0) != sizeof(t->rnd))
		t->rnd = (uint32_t)ps_monotonic_us();
	if (cfg->transport == PS_FWD_TLS && ps_tls_context(&t->tls, cfg, err, sizeof(err)) < 0) {
		ps_log_error("forward %s: %s", cfg->name, err);
		return -EINVAL;
	}
	snprintf(path, sizeof(path), "%s/%s.q", dir, cfg->name);
	int r = ps_spool_open(&t->spool, path, on_recovered, t, &t->next_seq, &cut);
	if (r < 0) {
		ps_log_error("forward %s: %s: %s", cfg->name, path, strerror(-r));
		return r;
	}
	if (cut)
		ps_log_warn("forward %s: %s ended in a torn record (%zu bytes, a crash while writing); cut", cfg->name,
			    path, cut);
	if (t->depth)
		ps_log_info("forward %s: %zu item(s) from its queue to send", cfg->name, t->depth);
	return 0;
}

void ps_target_close(struct target *t)
{
	ps_conn_close(&t->conn);
	if (t->spool) {
		/* An empty queue leaves an empty file; anything else waits for the next start. */
		if (t->head)
			ps_spool_sync(t->spool);
		else
			ps_spool_clear(t->spool);
		ps_spool_close(t->spool);
	}
	while (t->head) {
		struct fitem *it = t->head;
		t->head = it->next;
		free(it);
	}
	SSL_CTX_free(t->tls);
	ps_out_free(&t->out);
	ps_out_free(&t->msg);
	ps_out_free(&t->inbox);
	ps_out_free(&t->taken);
}

void ps_target_push(struct target *t, const char *json, size_t len)
{
	uint64_t seq = t->next_seq++;
	struct fitem *it = new_item(seq, json, len);
	if (!it) {
		atomic_fetch_sub(&t->queued, len);
		atomic_fetch_add(&t->dropped, 1);
		return;
	}
	ps_spool_add(t->spool, seq, 0, SPOOL_ID, json, len);
	t->spool_dirty = true;
	t->spool_growth += len + 64;
	append(t, it);
}

int ps_target_sync(struct target *t)
{
	if (!t->spool_dirty)
		return 0;
	int r = t->head ? ps_spool_sync(t->spool) : ps_spool_clear(t->spool);
	if (r == 0 && !t->head)
		t->spool_growth = 0;
	if (r == 0 && t->spool_growth > COMPACT_MIN && t->spool_growth > t->cfg->queue_size) {
		r = ps_spool_compact(t->spool);
		t->spool_growth = 0;
	}
	if (r < 0) {
		ps_log_error("forward %s: writing its queue: %s", t->cfg->name, strerror(-r));
		return r;
	}
	t->spool_dirty = false;
	return 0;
}

/* ---- the connection ---- */

static uint32_t next_rnd(struct target *t)
{
	t->rnd ^= t->rnd << 13;
	t->rnd ^= t->rnd >> 17;
	t->rnd ^= t->rnd << 5;
	return t->rnd;
}

/* Everything not acknowledged goes out again on the next connection. */
static void rewind_items(struct target *t)
{
	for (struct fitem *it = t->head; it; it = it->next) {
		it->app_end = it->tcp_end = 0;
		it->mapped = false;
	}
	t->unsent = t->unmapped = t->head;
	ps_out_reset(&t->out);
	t->out_off = 0;
	t->app_written = 0;
}

static void down(struct target *t, int64_t now, const char *what)
{
	bool was_up = t->conn.state == PS_CONN_UP;
	if (was_up && !t->head) {
		/* Idle: the receiver closed it (a restart, an idle timeout). Connect
		 * again when there is something to send, without a warning. */
		ps_conn_close(&t->conn);
		rewind_items(t);
		t->n.up = false;
		ps_log_info("forward %s: %s closed the idle connection (%s)", t->cfg->name, t->conn.peer, t->conn.err);
		return;
	}
	size_t resend = 0;
	for (struct fitem *it = t->head; it && (it->app_end || it->mapped); it = it->next)
		resend++;
	ps_conn_close(&t->conn);
	rewind_items(t);
	t->n.up = false;
	t->attempt++;
	int64_t wait = ps_backoff_us(t->attempt, next_rnd(t));
	if (wait > BACKOFF_MAX_US)
		wait = BACKOFF_MAX_US;
	t->next_try_us = now + wait;
	if (was_up)
		ps_log_warn("forward %s: %s %s: %s; %zu item(s) queued, %zu of them written but not acknowledged "
			    "(sent again); reconnecting in %.1f s",
			    t->cfg->name, what, t->conn.peer, t->conn.err, t->depth, resend, (double)wait / 1e6);
	else if (t->attempt == 1 || t->attempt % 10 == 0)
		ps_log_warn("forward %s: %s:%u: %s (attempt %u); %zu item(s) queued; next attempt in %.1f s",
			    t->cfg->name, t->cfg->host, t->cfg->port, t->conn.err, t->attempt, t->depth,
			    (double)wait / 1e6);
}

static void connected(struct target *t, int64_t now)
{
	t->up_since_us = now;
	t->n.up = true;
	t->n.connects++;
	const char *version = t->conn.ssl ? SSL_get_version(t->conn.ssl) : NULL;
	ps_log_info("forward %s: connected to %s (%s%s%s)%s", t->cfg->name, t->conn.peer,
			    ps_fwd_transport_name(t->cfg->transport), version ? ", " : "", version ? version : "",
			    t->depth ? "; sending the queue" : "");
}

/* ---- writing ---- */

/* The message for it, framed into out; false when it cannot be read (dropped). */
static bool frame(struct target *t, struct fitem *it)
{
	struct ps_item item;
	int r = ps_item_parse(&item, it->json, it->len);
	if (r < 0) {
		if (t->n.unreadable++ == 0)
			ps_log_error("forward %s: an item in its queue is not an event or alert (%s); dropped",
				     t->cfg->name, strerror(-r));
		return false;
	}
	r = ps_syslog_message(&t->msg, &t->opts, &item);
	ps_item_free(&item);
	if (r > 0)
		t->n.shortened++;
	if (t->cfg->transport == PS_FWD_UDP)
		ps_out_put(&t->out, t->msg.buf, t->msg.len); /* one datagram, no framing */
	else
		ps_syslog_frame(&t->out, t->msg.buf, t->msg.len);
	return true;
}

/* Frame what is queued: up to OUT_BATCH bytes (UDP: one datagram). */
static void fill(struct target *t)
{
	if (t->out_off == t->out.len) {
		ps_out_reset(&t->out);
		t->out_off = 0;
	}
	bool udp = t->cfg->transport == PS_FWD_UDP;
	while (t->unsent && (udp ? t->out.len == 0 : t->out.len - t->out_off < OUT_BATCH)) {
		struct fitem *it = t->unsent;
		/* An unreadable item gets no bytes, and is done once what precedes it is. */
		it->unreadable = !frame(t, it);
		it->app_end = t->app_written + (t->out.len - t->out_off);
		t->unsent = it->next;
	}
}

/* Items whose frame is now all written learn where they end in the byte stream. */
static void map_written(struct target *t)
{
	while (t->unmapped && t->unmapped != t->unsent && t->unmapped->app_end <= t->app_written) {
		t->unmapped->tcp_end = t->conn.sent;
		t->unmapped->mapped = true;
		t->unmapped = t->unmapped->next;
	}
}

static void pop(struct target *t)
{
	struct fitem *it = t->head;
	t->head = it->next;
	if (!t->head)
		t->tail = NULL;
	if (t->unsent == it)
		t->unsent = t->head;
	if (t->unmapped == it)
		t->unmapped = t->head;
	ps_spool_done(t->spool, it->seq);
	t->spool_dirty = true;
	t->depth--;
	t->bytes -= it->len;
	atomic_fetch_sub(&t->queued, it->len);
	free(it);
}

/*
 * Pop what the receiver acknowledged. TCP acknowledges before the receiver
 * has looked at the bytes: a TLS 1.3 receiver checks our client certificate
 * only after the handshake, and its refusal can come in a later segment than
 * the acknowledgement of our first records. So nothing sent over a new TLS
 * connection counts as delivered until the connection has stayed up a while.
 */
static void collect(struct target *t, int64_t now)
{
	if (t->cfg->transport == PS_FWD_TLS && now - t->up_since_us < TLS_SETTLE_US)
		return;
	uint64_t acked = ps_conn_acked(&t->conn);
	bool any = false;
	while (t->head && t->head->mapped && t->head->tcp_end <= acked) {
		t->n.sent += !t->head->unreadable;
		pop(t);
		any = true;
	}
	if (any || now - t->up_since_us >= STABLE_US)
		t->attempt = 0;
}

/* Write until the socket is full or nothing is left; false if the connection broke. */
static bool flush(struct target *t)
{
	for (;;) {
		fill(t);
		if (t->out_off == t->out.len)
			return true;
		ssize_t w = ps_conn_write(&t->conn, t->out.buf + t->out_off, t->out.len - t->out_off);
		if (w < 0)
			return false;
		if (w == 0)
			return true;
		t->out_off += (size_t)w;
		t->app_written += (uint64_t)w;
		map_written(t);
	}
}

int64_t ps_target_step(struct target *t, int64_t now, struct pollfd *pfd)
{
	short rev = t->revents;
	t->revents = 0;
	pfd->fd = -1;
	pfd->events = 0;
	if (t->conn.state == PS_CONN_DOWN) {
		if (!t->head)
			return INT64_MAX; /* connect when there is something to send */
		if (now < t->next_try_us)
			return t->next_try_us;
		if (ps_conn_open(&t->conn, t->cfg) < 0) {
			down(t, now, "connecting to");
			return t->next_try_us;
		}
		rev = 0;
	}
	if (t->conn.state != PS_CONN_UP) {
		if ((rev || now >= t->conn.deadline_us || t->conn.state == PS_CONN_HANDSHAKE) &&
		    ps_conn_progress(&t->conn, t->tls, t->cfg, now) < 0) {
			down(t, now, "connecting to");
			return t->next_try_us;
		}
		if (t->conn.state != PS_CONN_UP) {
			pfd->fd = t->conn.fd;
			pfd->events = (short)(POLLIN | (t->conn.want_write ? POLLOUT : 0));
			return t->conn.deadline_us;
		}
		connected(t, now);
		rev = 0;
	}
	if ((rev & (POLLIN | POLLHUP | POLLERR)) && ps_conn_readable(&t->conn) < 0) {
		down(t, now, "lost the connection to");
		return t->next_try_us;
	}
	if (!flush(t)) {
		down(t, now, "lost the connection to");
		return t->next_try_us;
	}
	/*
	 * Read what came before counting what was acknowledged: a receiver
	 * that refuses us after the handshake (TLS 1.3 checks the client
	 * certificate then) says so in the same segment that acknowledges our
	 * first records, and those must not count as delivered.
	 */
	if (t->head && t->head->mapped && t->cfg->transport != PS_FWD_UDP && ps_conn_readable(&t->conn) < 0) {
		down(t, now, "lost the connection to");
		return t->next_try_us;
	}
	collect(t, now);
	pfd->fd = t->conn.fd;
	pfd->events = (short)(POLLIN | (t->conn.want_write ? POLLOUT : 0));
	/* Written and not yet acknowledged: look again soon. */
	return t->head && t->head->mapped ? now + ACK_POLL_US : INT64_MAX;
}
