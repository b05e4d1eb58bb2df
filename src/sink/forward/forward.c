#include "sink/forward/forward.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sink/deliver/alert.h"
#include "sink/forward/target.h"
#include "util/log.h"
#include "util/timeconv.h"

struct ps_forward {
	const struct ps_config *cfg;
	struct target *t; /* one per [forward.NAME] */
	size_t n;
	bool wants_events, wants_alerts;

	pthread_t thread;
	int wake;             /* eventfd: the daemon submitted, or stop */
	pthread_mutex_t lock; /* the inboxes, pending, stop, and the published counters */
	bool pending;         /* an inbox has something since the thread last looked */
	bool stop;

	uint64_t submitted;          /* daemon thread only: items put in inboxes */
	_Atomic uint64_t durable;    /* items taken from the inboxes and synced */
};

static void wake(struct ps_forward *f)
{
	uint64_t one = 1;
	ssize_t r = write(f->wake, &one, sizeof(one));
	(void)r; /* the counter only fails when it is already huge: still awake */
}

/* Move every inbox into the queues; returns how many items that was. */
static uint64_t take_inboxes(struct ps_forward *f, bool *stop)
{
	uint64_t taken = 0, v;
	ssize_t r = read(f->wake, &v, sizeof(v));
	(void)r;
	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < f->n; i++) {
		struct ps_out tmp = f->t[i].inbox;
		f->t[i].inbox = f->t[i].taken;
		ps_out_reset(&f->t[i].inbox);
		f->t[i].taken = tmp;
	}
	f->pending = false;
	*stop = f->stop;
	pthread_mutex_unlock(&f->lock);
	for (size_t i = 0; i < f->n; i++) {
		struct target *t = &f->t[i];
		const char *p = t->taken.buf, *end = p + t->taken.len;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			ps_target_push(t, p, (size_t)(nl - p)); /* submit ends every item with one */
			p = nl + 1;
			taken++;
		}
		ps_out_reset(&t->taken);
	}
	return taken;
}

static bool sync_all(struct ps_forward *f)
{
	bool ok = true;
	for (size_t i = 0; i < f->n; i++)
		if (ps_target_sync(&f->t[i]) < 0)
			ok = false;
	return ok;
}

static void publish(struct ps_forward *f)
{
	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < f->n; i++) {
		struct target *t = &f->t[i];
		t->n.queued = t->depth;
		t->n.queued_bytes = t->bytes;
		t->pub = t->n;
	}
	pthread_mutex_unlock(&f->lock);
}

static void *run(void *arg)
{
	struct ps_forward *f = arg;
	struct pollfd *pfd = calloc(f->n + 1, sizeof(*pfd));
	uint64_t taken_total = 0;
	sigset_t pipe;
	/* A receiver that closed its end: EPIPE from write, not a signal (OpenSSL writes with write(2)). */
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe, NULL);
	if (!pfd) {
		ps_log_error("forwarding: out of memory; not sending");
		return NULL;
	}
	for (;;) {
		bool stop;
		taken_total += take_inboxes(f, &stop);
		/* Synced before it is sent, and before the daemon may checkpoint past it. */
		if (sync_all(f))
			atomic_store(&f->durable, taken_total);
		if (stop)
			break;
		int64_t now = ps_monotonic_us(), next = INT64_MAX;
		for (size_t i = 0; i < f->n; i++) {
			int64_t w = ps_target_step(&f->t[i], now, &pfd[i]);
			if (w < next)
				next = w;
		}
		sync_all(f); /* "done" records: a lost one only means a repeat */
		publish(f);
		pfd[f->n] = (struct pollfd){ .fd = f->wake, .events = POLLIN };
		int64_t ms = next == INT64_MAX ? -1 : (next - ps_monotonic_us() + 999) / 1000;
		if (next != INT64_MAX && ms < 0)
			ms = 0;
		if (ms > 60000)
			ms = 60000;
		if (poll(pfd, f->n + 1, (int)ms) < 0 && errno != EINTR)
			ps_log_error("forwarding: poll: %s", strerror(errno));
		for (size_t i = 0; i < f->n; i++)
			f->t[i].revents = pfd[i].fd >= 0 ? pfd[i].revents : 0;
	}
	free(pfd);
	return NULL;
}

/* Everything but the thread (joined, or never started). */
static void destroy(struct ps_forward *f)
{
	for (size_t i = 0; i < f->n; i++)
		ps_target_close(&f->t[i]);
	free(f->t);
	if (f->wake >= 0)
		close(f->wake);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

int ps_forward_start(struct ps_forward **fp, const struct ps_config *cfg, const char *hostname)
{
	char dir[4096];
	int r = -ENOMEM;
	*fp = NULL;
	if (cfg->n_forwards == 0)
		return 0;
	if (cfg->n_forwards > PS_FORWARD_MAX) {
		ps_log_error("at most %d [forward.NAME] sections", PS_FORWARD_MAX);
		return -E2BIG;
	}
	struct ps_forward *f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->cfg = cfg;
	f->wake = -1;
	pthread_mutex_init(&f->lock, NULL);
	snprintf(dir, sizeof(dir), "%s/forward", cfg->state_dir);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		r = -errno;
		ps_log_error("%s: %s", dir, strerror(errno));
		goto fail;
	}
	if ((f->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
		r = -errno;
		goto fail;
	}
	if (!(f->t = calloc(cfg->n_forwards, sizeof(*f->t))))
		goto fail;
	for (size_t i = 0; i < cfg->n_forwards; i++) {
		const struct ps_forward_config *fw = &cfg->forwards[i];
		f->n++;
		if ((r = ps_target_open(&f->t[i], fw, dir, hostname)) < 0)
			goto fail;
		f->wants_events |= fw->what != PS_FWD_ALERTS;
		f->wants_alerts |= fw->what != PS_FWD_EVENTS;
	}
	if ((r = -pthread_create(&f->thread, NULL, run, f)) < 0)
		goto fail;
	*fp = f;
	return 0;
fail:
	destroy(f);
	return r;
}

void ps_forward_stop(struct ps_forward *f)
{
	if (!f)
		return;
	pthread_mutex_lock(&f->lock);
	f->stop = true;
	pthread_mutex_unlock(&f->lock);
	wake(f);
	pthread_join(f->thread, NULL);
	destroy(f);
}

bool ps_forward_wants(const struct ps_forward *f, bool alerts)
{
	return f && (alerts ? f->wants_alerts : f->wants_events);
}

static bool listed(char **list, struct ps_str s)
{
	for (char **p = list; p && *p; p++)
		if (ps_eq(ps_cstr(*p), s))
			return true;
	return false;
}

uint64_t ps_forward_route(const struct ps_forward *f, bool alert, struct ps_str what, enum ps_severity severity)
{
	uint64_t mask = 0;
	if (!f)
		return 0;
	if (!alert)
		severity = ps_item_event_severity(what);
	for (size_t i = 0; i < f->n; i++) {
		const struct ps_forward_config *fw = f->t[i].cfg;
		if (fw->what == (alert ? PS_FWD_EVENTS : PS_FWD_ALERTS) || severity < fw->min_severity)
			continue;
		if (!alert && (listed(fw->exclude_kinds, what) || (fw->include_kinds && !listed(fw->include_kinds, what))))
			continue;
		mask |= 1ull << i;
	}
	return mask;
}

int ps_forward_submit(struct ps_forward *f, uint64_t mask, const char *json, size_t len)
{
	int taken = 0;
	if (len > 0 && json[len - 1] == '\n')
		len--;
	if (!f || !mask || len == 0 || memchr(json, '\n', len))
		return 0; /* one object is one line: the daemon's writers never put a raw newline in one */
	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < f->n; i++) {
		struct target *t = &f->t[i];
		if (!(mask & (1ull << i)))
			continue;
		if (atomic_load(&t->queued) + len > t->cfg->queue_size) {
			atomic_fetch_add(&t->dropped, 1);
			continue;
		}
		ps_out_put(&t->inbox, json, len);
		ps_out_putc(&t->inbox, '\n');
		if (t->inbox.error) { /* out of memory: the inbox is lost, and counted so */
			t->inbox.error = 0;
			ps_out_reset(&t->inbox);
			atomic_fetch_add(&t->dropped, 1);
			continue;
		}
		atomic_fetch_add(&t->queued, len);
		f->submitted++;
		taken++;
	}
	bool was_pending = f->pending;
	f->pending = f->pending || taken > 0;
	pthread_mutex_unlock(&f->lock);
	if (taken && !was_pending)
		wake(f);
	return taken;
}

bool ps_forward_durable(struct ps_forward *f)
{
	return !f || atomic_load(&f->durable) >= f->submitted;
}

size_t ps_forward_count(const struct ps_forward *f)
{
	return f ? f->n : 0;
}

const char *ps_forward_counters(struct ps_forward *f, size_t i, struct ps_forward_counters *c)
{
	pthread_mutex_lock(&f->lock);
	*c = f->t[i].pub;
	pthread_mutex_unlock(&f->lock);
	c->dropped += atomic_load(&f->t[i].dropped);
	return f->t[i].cfg->name;
}
