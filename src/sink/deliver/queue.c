#include "sink/deliver/queue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"
#include "util/timeconv.h"

static uint32_t next_rnd(struct qctx *c)
{
	c->rnd ^= c->rnd << 13;
	c->rnd ^= c->rnd >> 7;
	c->rnd ^= c->rnd << 17;
	return (uint32_t)(c->rnd >> 32);
}

bool ps_queue_push(struct queue *q, struct qctx *c, uint64_t seq, int64_t queued_us, struct ps_item *a)
{
	(void)c;
	if (q->depth >= q->cfg->max_queue)
		return false;
	struct qitem *it = calloc(1, sizeof(*it));
	if (!it)
		return false;
	it->seq = seq;
	it->queued_us = queued_us;
	it->a = *a;
	memset(a, 0, sizeof(*a));
	if (q->tail)
		q->tail->next = it;
	else
		q->head = it;
	q->tail = it;
	q->depth++;
	return true;
}

/* Remove the first n items: delivered, dead-lettered or merged. */
static void pop(struct queue *q, size_t n)
{
	while (n-- && q->head) {
		struct qitem *it = q->head;
		q->head = it->next;
		if (!q->head)
			q->tail = NULL;
		ps_spool_done(q->spool, it->seq);
		ps_item_free(&it->a);
		free(it);
		q->depth--;
	}
	q->spool_dirty = true;
}

static void forget_request(struct queue *q)
{
	ps_request_free(&q->req);
	ps_transfer_reset(&q->resp);
	q->n_items = 0;
	q->is_digest = false;
	q->attempt = 0;
}

/*
 * Choose what goes next: the head alone while the rate limit has room
 * for more than it, else (the last token of the bucket) everything queued
 * merged into one digest, so that a flood costs one message, not a drop.
 */
static void prepare(struct queue *q)
{
	double room = q->bucket.count ? q->bucket.tokens : 1e9;
	if (q->depth <= 1 || room >= 2.0) {
		q->n_items = 1;
		return;
	}
	ps_digest_init(&q->digest);
	size_t n = 0;
	for (struct qitem *it = q->head; it; it = it->next, n++)
		ps_digest_add(&q->digest, &it->a, it->queued_us);
	q->n_items = n;
	q->is_digest = true;
	/* Stable while it is retried; made of the first item's id and the count. */
	snprintf(q->digest_id, sizeof(q->digest_id), "dg%zu_%.48s", n, q->head->a.id);
}

static void make_msg(const struct queue *q, struct ps_msg *m)
{
	*m = (struct ps_msg){ .ch = q->cfg };
	if (q->is_digest) {
		m->digest = &q->digest;
		m->id = q->digest_id;
		m->severity = q->digest.severity;
	} else {
		m->alert = &q->head->a;
		m->id = q->head->a.id;
		m->severity = q->head->a.severity;
	}
}

/* Write the first n items to the dead-letter log, saying why, and count them. */
static void dead_letter(struct queue *q, struct qctx *c, size_t n, long code, const char *why, struct ps_str response)
{
	struct ps_out o;
	ps_out_init_mem(&o);
	size_t i = 0;
	for (struct qitem *it = q->head; it && i < n; it = it->next, i++) {
		ps_out_puts(&o, "{\"time\":\"");
		ps_out_rfc3339(&o, ps_realtime_us());
		ps_out_puts(&o, "\",\"channel\":");
		ps_out_json_str(&o, ps_cstr(q->cfg->name));
		ps_out_puts(&o, ",\"type\":");
		ps_out_json_str(&o, ps_cstr(ps_channel_type_name(q->cfg->type)));
		ps_json_member(&o, "id", ps_cstr(it->a.id));
		ps_out_puts(&o, ",\"attempts\":");
		ps_out_u64(&o, q->attempt);
		ps_out_puts(&o, ",\"code\":");
		ps_out_i64(&o, code);
		ps_json_member(&o, "error", ps_cstr(why));
		ps_json_member(&o, "response", ps_str(response.p, response.n > 512 ? 512 : response.n));
		ps_out_puts(&o, ",\"alert\":");
		ps_out_put(&o, it->a.json, it->a.json_len); /* valid JSON: it was read strictly */
		ps_out_puts(&o, "}\n");
	}
	int r = o.error ? o.error : ps_deadletter_write(c->dl, o.buf, o.len);
	if (r < 0)
		ps_log_error("channel %s: writing %s: %s (the items are dropped all the same)", q->cfg->name,
			     c->dl->path, strerror(-r));
	ps_out_free(&o);
	c->n->dead += n;
}

/*
 * Dead-letter the items at the head that are older than max_age (queued
 * on the wall clock, so across restarts). Returns the monotonic time the
 * new head will be too old (INT64_MAX: no head).
 */
static int64_t expire(struct queue *q, struct qctx *c, int64_t now_us)
{
	int64_t wall = ps_realtime_us(), max_us = q->cfg->max_age_s * 1000000;
	size_t n = 0;
	for (struct qitem *it = q->head; it && wall - it->queued_us >= max_us; it = it->next)
		n++;
	if (n) {
		char why[200];
		unsigned attempts = q->n_items ? q->attempt : 0;
		snprintf(why, sizeof(why), "not delivered within max_age (%llds) after %u attempt(s)%s%s",
			 (long long)q->cfg->max_age_s, attempts, q->last_error[0] ? "; last: " : "", q->last_error);
		if (q->n_items == 0)
			q->attempt = 0;
		dead_letter(q, c, n, 0, why, PS_LIT(""));
		c->n->expired += n;
		if (n == 1)
			ps_log_error("channel %s: alert %s %s; written to %s", q->cfg->name, q->head->a.id, why, c->dl->path);
		else
			ps_log_error("channel %s: %zu alerts (%s and after) %s; written to %s", q->cfg->name, n,
				     q->head->a.id, why, c->dl->path);
		/* A request (or digest) prepared for them is made again for what is left. */
		forget_request(q);
		pop(q, n);
		q->next_try_us = 0;
		q->last_error[0] = '\0';
	}
	return q->head ? now_us + (q->head->queued_us + max_us - wall) : INT64_MAX;
}

static int64_t earlier(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* An attempt failed (what: "HTTP status 503", "exit status 3"...): retry after wait, or the backoff if < 0. */
static void failed(struct queue *q, struct qctx *c, const char *what, int64_t wait, int64_t now_us)
{
	q->attempt++;
	c->n->retried++;
	if (wait < 0)
		wait = ps_backoff_us(q->attempt, next_rnd(c));
	q->next_try_us = now_us + wait;
	snprintf(q->last_error, sizeof(q->last_error), "%s", what);
	if (q->attempt == 1 || q->attempt % 10 == 0)
		ps_log_warn("channel %s: attempt %u failed (%s); next in %.1f s", q->cfg->name, q->attempt, what,
			    (double)wait / 1e6);
}

int64_t ps_queue_kick(struct queue *q, struct qctx *c, int64_t now_us)
{
	if (q->busy)
		return INT64_MAX;
	int64_t expires = expire(q, c, now_us);
	if (!q->head)
		return INT64_MAX;
	if (now_us < q->next_try_us)
		return earlier(q->next_try_us, expires);
	if (q->n_items == 0) {
		int64_t wait = ps_bucket_wait(&q->bucket, now_us);
		if (wait > 0)
			return earlier(now_us + wait, expires); /* throttled: items gather for a digest */
		prepare(q);
	}
	struct ps_msg m;
	make_msg(q, &m);
	if (q->cfg->type == PS_CH_CONSOLE) {
		ps_bucket_take(&q->bucket, now_us);
		ps_console_write(&m);
		c->n->sent++;
		if (q->is_digest)
			c->n->merged += q->n_items;
		pop(q, q->n_items);
		forget_request(q);
		return now_us;
	}
	int r;
	if (q->cfg->type == PS_CH_EXEC) {
		r = ps_exec_start(&q->exec, &m, q->attempt + 1, now_us);
		if (r < 0) {
			/* Not started (no such program any more, no memory): an attempt that failed. */
			ps_log_error("channel %s: cannot run %s: %s", q->cfg->name, q->cfg->command[0], strerror(-r));
			failed(q, c, "the program could not be started", -1, now_us);
			return earlier(q->next_try_us, expires);
		}
	} else {
		/* Built again for each attempt: the signature's timestamp is the attempt's. */
		ps_request_free(&q->req);
		ps_transfer_reset(&q->resp);
		r = ps_channel_request(&m, ps_realtime_us() / 1000000, &q->req);
		if (r == 0)
			r = ps_transfer_setup(q->easy, q->cfg, &q->req, &q->resp);
		if (r == 0 && curl_multi_add_handle(c->multi, q->easy) != CURLM_OK)
			r = -ENOMEM;
		if (r < 0) {
			ps_log_error("channel %s: cannot build a request (%s); trying again in 10 s", q->cfg->name,
				     strerror(-r));
			q->next_try_us = now_us + 10000000;
			return earlier(q->next_try_us, expires);
		}
	}
	ps_bucket_take(&q->bucket, now_us);
	q->busy = true;
	return INT64_MAX;
}

static void sent(struct queue *q, struct qctx *c)
{
	c->n->sent++;
	if (q->is_digest)
		c->n->merged += q->n_items;
	pop(q, q->n_items);
	forget_request(q);
	q->next_try_us = 0;
	q->last_error[0] = '\0';
}

/* Refused for good: what (e.g. "HTTP status 400") says by whom. */
static void refused(struct queue *q, struct qctx *c, long code, const char *what, const char *why,
		    struct ps_str response)
{
	dead_letter(q, c, q->n_items, code, why, response);
	ps_log_error("channel %s: %s for %s %s: the receiver refused it and would refuse it again; "
		     "%zu item(s) written to %s",
		     q->cfg->name, what, q->is_digest ? "digest" : "alert", q->is_digest ? q->digest_id : q->head->a.id,
		     q->n_items, c->dl->path);
	pop(q, q->n_items);
	forget_request(q);
	q->next_try_us = 0;
	q->last_error[0] = '\0';
}

void ps_queue_done(struct queue *q, struct qctx *c, CURLcode res, int64_t now_us)
{
	curl_multi_remove_handle(c->multi, q->easy);
	q->busy = false;
	long code = res == CURLE_OK || res == CURLE_HTTP_RETURNED_ERROR ? ps_transfer_code(q->easy) : 0;
	if (q->req.smtp && res != CURLE_OK && code == 0)
		code = ps_transfer_code(q->easy); /* a refused RCPT or DATA still has its reply code */
	enum ps_outcome_class k = q->req.smtp ? ps_smtp_class(res == CURLE_OK ? 250 : code)
					      : ps_http_class(res == CURLE_OK ? code : 0);
	struct ps_str response = ps_str(q->resp.body.buf ? q->resp.body.buf : "", q->resp.body.len);
	/* Only the code and curl's generic message: the URL (and a token in it) is never logged. */
	char what[96];
	snprintf(what, sizeof(what), "%s %ld%s%s", q->req.smtp ? "SMTP reply" : "HTTP status", code,
		 res != CURLE_OK ? ", " : "", res != CURLE_OK ? curl_easy_strerror(res) : "");
	if (k == PS_SENT) {
		sent(q, c);
	} else if (k == PS_DEAD) {
		refused(q, c, code, what, res == CURLE_OK ? "refused" : curl_easy_strerror(res), response);
	} else {
		int64_t wait = -1;
		if (code == 429 || code == 503)
			wait = ps_retry_after_us(ps_cstr(q->resp.retry_after), response, ps_realtime_us() / 1000000);
		failed(q, c, what, wait, now_us);
	}
}

int64_t ps_queue_exec_step(struct queue *q, struct qctx *c, int64_t now_us)
{
	int64_t wake = INT64_MAX;
	if (!q->busy || q->cfg->type != PS_CH_EXEC)
		return INT64_MAX;
	if (!ps_exec_step(&q->exec, now_us, &wake))
		return wake;
	q->busy = false;
	char what[64];
	ps_exec_describe(&q->exec, what, sizeof(what));
	struct ps_str output = ps_str(q->exec.output.buf ? q->exec.output.buf : "", q->exec.output.len);
	long code = q->exec.timed_out || !WIFEXITED(q->exec.status) ? -1 : WEXITSTATUS(q->exec.status);
	switch (ps_exec_class(&q->exec)) {
	case PS_SENT:
		sent(q, c);
		break;
	case PS_DEAD:
		refused(q, c, code, what, what, output);
		break;
	default:
		failed(q, c, what, -1, now_us);
		break;
	}
	return now_us;
}

unsigned ps_queue_waitfds(const struct queue *q, struct curl_waitfd *w)
{
	return q->busy && q->cfg->type == PS_CH_EXEC ? ps_exec_waitfds(&q->exec, w) : 0;
}

void ps_queue_free(struct queue *q, struct qctx *c)
{
	if (q->busy && q->cfg->type != PS_CH_EXEC)
		curl_multi_remove_handle(c->multi, q->easy);
	ps_exec_free(&q->exec);
	forget_request(q);
	while (q->head) {
		struct qitem *it = q->head;
		q->head = it->next;
		ps_item_free(&it->a);
		free(it);
	}
	if (q->easy)
		curl_easy_cleanup(q->easy);
	ps_spool_close(q->spool);
}
