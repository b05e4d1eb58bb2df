#include "sink/deliver/delivery.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sink/deliver/queue.h"
#include "util/log.h"
#include "util/timeconv.h"

/* What the daemon hands over: one parsed item and the channels that take it. */
struct inbox_item {
	struct inbox_item *next;
	struct ps_item a;
	uint64_t channels; /* bit i: cfg->channels[i] */
	int64_t queued_us;
};

struct ps_delivery {
	const struct ps_config *cfg;
	struct queue *q; /* one per channel */
	size_t n;
	bool wants_events;

	pthread_t thread;
	CURLM *multi;
	pthread_mutex_t lock; /* inbox, stop, counters */
	struct inbox_item *in_head, *in_tail;
	bool stop;
	struct ps_delivery_counters counters; /* the thread's copy is published under lock */

	uint64_t submitted;          /* daemon thread only */
	_Atomic uint64_t durable;    /* items taken from the inbox and synced */
	struct ps_deadletter dl;
};

#define MAX_CHANNELS 64

static void on_recovered(const struct ps_spool_item *it, void *arg)
{
	struct queue *q = arg;
	struct ps_item a;
	if (ps_item_parse(&a, it->body, it->len) < 0) {
		ps_log_error("channel %s: unreadable item %s in the spool; dropped", q->cfg->name, it->id);
		return;
	}
	struct qctx none = { 0 };
	if (!ps_queue_push(q, &none, it->seq, it->queued_us, &a))
		ps_item_free(&a);
	/* Re-queued under its old sequence number: its "done" record will match. */
}

static int open_queue(struct ps_delivery *d, struct queue *q, const struct ps_channel_config *ch, const char *dir)
{
	char path[4096 + 64];
	size_t cut = 0;
	q->cfg = ch;
	ps_exec_init(&q->exec);
	ps_bucket_init(&q->bucket, ch->rate_count, ch->rate_period_s, ps_monotonic_us());
	if (!(q->easy = curl_easy_init()))
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/%s.q", dir, ch->name);
	int r = ps_spool_open(&q->spool, path, on_recovered, q, &q->next_seq, &cut);
	if (r < 0) {
		ps_log_error("channel %s: %s: %s", ch->name, path, strerror(-r));
		return r;
	}
	if (cut)
		ps_log_warn("channel %s: %s ended in a torn record (%zu bytes, a crash while writing); cut", ch->name,
			    path, cut);
	if (q->depth)
		ps_log_info("channel %s: %zu alert(s) from the spool to deliver", ch->name, q->depth);
	(void)d;
	return 0;
}

/* Take the inbox: spool and queue every item, then sync. */
static uint64_t take_inbox(struct ps_delivery *d, struct qctx *c)
{
	pthread_mutex_lock(&d->lock);
	struct inbox_item *it = d->in_head;
	d->in_head = d->in_tail = NULL;
	pthread_mutex_unlock(&d->lock);
	uint64_t taken = 0;
	while (it) {
		struct inbox_item *next = it->next;
		for (size_t i = 0; i < d->n; i++) {
			if (!(it->channels & (1ull << i)))
				continue;
			struct queue *q = &d->q[i];
			struct ps_item copy;
			/* The last channel takes the parsed item; the others get their own. */
			bool last = !(it->channels >> (i + 1));
			if (!last && ps_item_parse(&copy, it->a.json, it->a.json_len) < 0) {
				c->n->dropped++;
				continue;
			}
			struct ps_item *a = last ? &it->a : &copy;
			uint64_t seq = q->next_seq++;
			ps_spool_add(q->spool, seq, it->queued_us, a->id, a->json, a->json_len);
			if (!ps_queue_push(q, c, seq, it->queued_us, a)) {
				ps_spool_done(q->spool, seq);
				ps_item_free(a);
				c->n->dropped++;
				ps_log_warn("channel %s: queue full (max_queue = %u); an alert was dropped", q->cfg->name,
					    q->cfg->max_queue);
			}
			q->spool_dirty = true;
		}
		ps_item_free(&it->a);
		free(it);
		taken++;
		it = next;
	}
	return taken;
}

static bool sync_spools(struct ps_delivery *d)
{
	bool ok = true;
	for (size_t i = 0; i < d->n; i++) {
		struct queue *q = &d->q[i];
		if (!q->spool_dirty)
			continue;
		int r = q->depth == 0 && !q->busy ? ps_spool_clear(q->spool) : ps_spool_sync(q->spool);
		if (r < 0) {
			ps_log_error("channel %s: writing its spool: %s", q->cfg->name, strerror(-r));
			ok = false;
			continue;
		}
		q->spool_dirty = false;
	}
	return ok;
}

static void *run(void *arg)
{
	struct ps_delivery *d = arg;
	struct ps_delivery_counters n = { 0 };
	struct qctx c = { .n = &n, .multi = d->multi, .dl = &d->dl };
	uint64_t taken_total = 0;
	if (getrandom(&c.rnd, sizeof(c.rnd), 0) != sizeof(c.rnd) || !c.rnd)
		c.rnd = (uint64_t)ps_monotonic_us() | 1;

	for (;;) {
		pthread_mutex_lock(&d->lock);
		bool stop = d->stop;
		pthread_mutex_unlock(&d->lock);
		taken_total += take_inbox(d, &c);
		/* Synced before anything is sent, and before the daemon may checkpoint past it. */
		if (sync_spools(d))
			atomic_store(&d->durable, taken_total);
		if (stop)
			break;

		int64_t now = ps_monotonic_us(), wake = INT64_MAX;
		int running = 0;
		curl_multi_perform(d->multi, &running);
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(d->multi, &left))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			for (size_t i = 0; i < d->n; i++)
				if (d->q[i].easy == msg->easy_handle)
					ps_queue_done(&d->q[i], &c, msg->data.result, now);
		}
		for (size_t i = 0; i < d->n; i++) {
			int64_t w = ps_queue_exec_step(&d->q[i], &c, now);
			if (w < wake)
				wake = w;
			w = ps_queue_kick(&d->q[i], &c, now);
			if (w < wake)
				wake = w;
		}
		sync_spools(d); /* "done" records; a lost one only means a repeat */
		n.queued = 0;
		for (size_t i = 0; i < d->n; i++)
			n.queued += d->q[i].depth;
		pthread_mutex_lock(&d->lock);
		d->counters = n;
		bool more = d->in_head != NULL;
		pthread_mutex_unlock(&d->lock);
		if (more)
			continue;
		/* No perform here: a transfer it finished would sit in the info queue
		 * while we sleep. A handle kick added makes curl's timeout 0 instead. */
		long curl_ms = -1;
		curl_multi_timeout(d->multi, &curl_ms);
		int64_t ms = wake == INT64_MAX ? 60000 : (wake - ps_monotonic_us()) / 1000 + 1;
		if (curl_ms >= 0 && curl_ms < ms)
			ms = curl_ms;
		if (ms < 0)
			ms = 0;
		if (ms > 60000)
			ms = 60000;
		/* Exec channels' pipes and pidfds wake the thread as curl's sockets do. */
		struct curl_waitfd fds[MAX_CHANNELS * PS_EXEC_WAITFDS];
		unsigned nfds = 0;
		for (size_t i = 0; i < d->n; i++)
			nfds += ps_queue_waitfds(&d->q[i], fds + nfds);
		curl_multi_poll(d->multi, nfds ? fds : NULL, nfds, (int)ms, NULL);
	}
	return NULL;
}

/* Everything but the thread (joined, or never started). */
static void destroy(struct ps_delivery *d)
{
	if (d->multi) {
		struct qctx c = { .multi = d->multi };
		for (size_t i = 0; i < d->n; i++)
			ps_queue_free(&d->q[i], &c);
		curl_multi_cleanup(d->multi);
	}
	free(d->q);
	ps_deadletter_close(&d->dl);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

int ps_delivery_start(struct ps_delivery **dp, const struct ps_config *cfg)
{
	*dp = NULL;
	if (cfg->n_channels == 0)
		return 0;
	if (cfg->n_channels > MAX_CHANNELS) {
		ps_log_error("at most %d channels", MAX_CHANNELS);
		return -E2BIG;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	struct ps_delivery *d = calloc(1, sizeof(*d));
	char dir[4096];
	int r = -ENOMEM;
	if (!d)
		return -ENOMEM;
	d->cfg = cfg;
	d->dl.fd = -1;
	pthread_mutex_init(&d->lock, NULL);
	snprintf(dir, sizeof(dir), "%s/spool", cfg->state_dir);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		r = -errno;
		ps_log_error("%s: %s", dir, strerror(errno));
		goto fail;
	}
	if (ps_deadletter_init(&d->dl, cfg->state_dir, cfg->deadletter_max_size, cfg->deadletter_keep) < 0)
		goto fail;
	if (!(d->q = calloc(cfg->n_channels, sizeof(*d->q))) || !(d->multi = curl_multi_init()))
		goto fail;
	for (size_t i = 0; i < cfg->n_channels; i++) {
		const struct ps_channel_config *ch = &cfg->channels[i];
		d->n++;
		if ((r = open_queue(d, &d->q[i], ch, dir)) < 0)
			goto fail;
		if (ch->notify_logins || ch->include_kinds)
			d->wants_events = true;
	}
	if ((r = -pthread_create(&d->thread, NULL, run, d)) < 0)
		goto fail;
	*dp = d;
	return 0;
fail:
	destroy(d);
	return r;
}

void ps_delivery_stop(struct ps_delivery *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&d->lock);
	d->stop = true;
	pthread_mutex_unlock(&d->lock);
	curl_multi_wakeup(d->multi);
	pthread_join(d->thread, NULL);
	destroy(d);
}

int ps_delivery_submit(struct ps_delivery *d, const char *json, size_t len)
{
	struct inbox_item *it = malloc(sizeof(*it));
	if (!it)
		return -ENOMEM;
	int r = ps_item_parse(&it->a, json, len);
	if (r < 0) {
		free(it);
		return r;
	}
	it->next = NULL;
	it->channels = 0;
	int count = 0;
	for (size_t i = 0; i < d->n; i++) {
		if (ps_item_routed(d->q[i].cfg, &it->a)) {
			it->channels |= 1ull << i;
			count++;
		}
	}
	if (!count) {
		ps_item_free(&it->a);
		free(it);
		return 0;
	}
	it->queued_us = ps_realtime_us();
	pthread_mutex_lock(&d->lock);
	if (d->in_tail)
		d->in_tail->next = it;
	else
		d->in_head = it;
	d->in_tail = it;
	pthread_mutex_unlock(&d->lock);
	d->submitted++;
	curl_multi_wakeup(d->multi);
	return count;
}

bool ps_delivery_wants_events(const struct ps_delivery *d)
{
	return d && d->wants_events;
}

bool ps_delivery_durable(struct ps_delivery *d)
{
	return !d || atomic_load(&d->durable) >= d->submitted;
}

void ps_delivery_counters(struct ps_delivery *d, struct ps_delivery_counters *c)
{
	memset(c, 0, sizeof(*c));
	if (!d)
		return;
	pthread_mutex_lock(&d->lock);
	*c = d->counters;
	pthread_mutex_unlock(&d->lock);
}
