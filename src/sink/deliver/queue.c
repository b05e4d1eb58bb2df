#include "sink/deliver/queue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
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

int64_t ps_queue_kick(struct queue *q, struct qctx *c, int64_t now_us)
{
	if (q->busy)
		return INT64_MAX;
	if (!q->head)
		return INT64_MAX;
	if (now_us < q->next_try_us)
		return q->next_try_us;
	if (q->n_items == 0) {
		int64_t wait = ps_bucket_wait(&q->bucket, now_us);
		if (wait > 0)
			return now_us + wait; /* throttled: items gather for a digest */
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
	/* Built again for each attempt: the signature's timestamp is the attempt's. */
	ps_request_free(&q->req);
	ps_transfer_reset(&q->resp);
	int r = ps_channel_request(&m, ps_realtime_us() / 1000000, &q->req);
	if (r == 0)
		r = ps_transfer_setup(q->easy, q->cfg, &q->req, &q->resp);
	if (r == 0 && curl_multi_add_handle(c->multi, q->easy) != CURLM_OK)
		r = -ENOMEM;
	if (r < 0) {
		ps_log_error("channel %s: cannot build a request (%s); trying again in 10 s", q->cfg->name, strerror(-r));
		q->next_try_us = now_us + 10000000;
		return q->next_try_us;
	}
	ps_bucket_take(&q->bucket, now_us);
	q->busy = true;
	return INT64_MAX;
}

/* STATE/deadletter.jsonl: one line per refused item, with why. */
static void dead_letter(struct queue *q, struct qctx *c, long code, const char *why)
{
	if (!c->deadletter)
		c->deadletter = fopen(c->deadletter_path, "ae");
	struct ps_out o;
	ps_out_init_mem(&o);
	size_t i = 0;
	for (struct qitem *it = q->head; it && i < q->n_items; it = it->next, i++) {
		ps_out_puts(&o, "{\"time\":\"");
		ps_out_rfc3339(&o, ps_realtime_us());
		ps_out_puts(&o, "\",\"channel\":");
		ps_out_json_str(&o, ps_cstr(q->cfg->name));
		ps_out_puts(&o, ",\"type\":");
		ps_out_json_str(&o, ps_cstr(ps_channel_type_name(q->cfg->type)));
		ps_json_member(&o, "id", ps_cstr(it->a.id));
		ps_out_puts(&o, ",\"code\":");
		ps_out_i64(&o, code);
		ps_json_member(&o, "error", ps_cstr(why));
		ps_json_member(&o, "response", ps_str(q->resp.body.buf ? q->resp.body.buf : "",
						      q->resp.body.len > 512 ? 512 : q->resp.body.len));
		ps_out_puts(&o, ",\"alert\":");
		ps_out_put(&o, it->a.json, it->a.json_len); /* valid JSON: it was read strictly */
		ps_out_puts(&o, "}\n");
	}
	if (c->deadletter && o.buf) {
		fwrite(o.buf, 1, o.len, c->deadletter);
		fflush(c->deadletter);
		fdatasync(fileno(c->deadletter));
	}
	ps_out_free(&o);
	c->n->dead += q->n_items;
	ps_log_error("channel %s: %s %ld for %s %s: the service refused it and would refuse it again; "
		     "%zu item(s) written to %s",
		     q->cfg->name, q->req.smtp ? "SMTP reply" : "HTTP status", code, q->is_digest ? "digest" : "alert",
		     q->is_digest ? q->digest_id : q->head->a.id, q->n_items, c->deadletter_path);
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
	if (k == PS_SENT) {
		c->n->sent++;
		if (q->is_digest)
			c->n->merged += q->n_items;
		pop(q, q->n_items);
		forget_request(q);
		q->next_try_us = 0;
		return;
	}
	if (k == PS_DEAD) {
		dead_letter(q, c, code, res == CURLE_OK ? "refused" : curl_easy_strerror(res));
		pop(q, q->n_items);
		forget_request(q);
		q->next_try_us = 0;
		return;
	}
	q->attempt++;
	c->n->retried++;
	int64_t wait = -1;
	if (code == 429 || code == 503)
		wait = ps_retry_after_us(ps_cstr(q->resp.retry_after),
					 ps_str(q->resp.body.buf ? q->resp.body.buf : "", q->resp.body.len),
					 ps_realtime_us() / 1000000);
	if (wait < 0)
		wait = ps_backoff_us(q->attempt, next_rnd(c));
	q->next_try_us = now_us + wait;
	/* Only the code and curl's generic message: the URL (and a token in it) is never logged. */
	if (q->attempt == 1 || q->attempt % 10 == 0)
		ps_log_warn("channel %s: attempt %u failed (%s %ld%s%s); next in %.1f s", q->cfg->name, q->attempt,
			    q->req.smtp ? "SMTP" : "HTTP", code, res != CURLE_OK ? ", " : "",
			    res != CURLE_OK ? curl_easy_strerror(res) : "", (double)wait / 1e6);
}

void ps_queue_free(struct queue *q, struct qctx *c)
{
	if (q->busy)
		curl_multi_remove_handle(c->multi, q->easy);
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
