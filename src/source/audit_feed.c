#include "source/audit_feed.h"

#include <auparse.h>
#include <errno.h>
#include <stdlib.h>

#include "correlate/proctable.h"
#include "decode/audit.h"
#include "util/timeconv.h"

/* Events seen, oldest first: serial, where the first record was, and
 * whether auparse has handed the event over. Events complete out of
 * order, a few records apart, so a small ring holds those in progress. */
#define RING 64

struct seen {
	uint64_t serial, line;
	struct ps_tail_pos pos;
	bool done;
};

struct ps_audit_feed {
	auparse_state_t *au;
	struct ps_str file;
	ps_event_fn fn;
	ps_warn_fn warn;
	void *arg;
	int error;
	struct ps_audit_stats st;
	struct seen ring[RING];
	unsigned ring_start, ring_n; /* oldest entry, entries in use */
	struct ps_proctable *procs;  /* processes the records showed, for attribution */
	bool live;
	struct ps_audit_text text;
};

static struct seen *ring_at(struct ps_audit_feed *f, unsigned i)
{
	return &f->ring[(f->ring_start + i) % RING];
}

/* A new serial: remembered at the end (the oldest entry goes when full). */
static void ring_add(struct ps_audit_feed *f, uint64_t serial, uint64_t line, const struct ps_tail_pos *pos)
{
	if (f->ring_n == RING) {
		f->ring_start = (f->ring_start + 1) % RING;
		f->ring_n--;
	}
	*ring_at(f, f->ring_n++) = (struct seen){ .serial = serial, .line = line, .pos = pos ? *pos : (struct ps_tail_pos){ 0 } };
}

/* The event with this serial was handed over: its first line, and the ring trimmed. */
static uint64_t ring_done(struct ps_audit_feed *f, uint64_t serial)
{
	uint64_t line = 0;
	for (unsigned i = f->ring_n; i-- > 0;) {
		struct seen *x = ring_at(f, i);
		if (x->serial == serial && !x->done) {
			x->done = true;
			line = x->line;
			break;
		}
	}
	while (f->ring_n > 0 && ring_at(f, 0)->done) {
		f->ring_start = (f->ring_start + 1) % RING;
		f->ring_n--;
	}
	return line;
}

bool ps_audit_feed_oldest(const struct ps_audit_feed *f, struct ps_tail_pos *out)
{
	if (f->ring_n == 0)
		return false;
	*out = f->ring[f->ring_start].pos; /* the oldest is never done: ring_done trims those */
	return true;
}

/* What a kernel event says about its process goes into the table (an EXECVE from the event made of it). */
static void learn_process(struct ps_audit_feed *f, auparse_state_t *au, int mapped, const struct ps_event *ev)
{
	struct ps_audit_proc p;
	if (mapped > 0 && ps_eq_lit(ev->audit_type, "EXECVE")) {
		p = (struct ps_audit_proc){ ev->time_us, ev->pid, ev->ppid, ev->host, ev->program, ev->exe, ev->command };
		ps_proctable_put(f->procs, &p);
	} else if (mapped == 0 && ps_audit_proc(au, &f->text, &p) > 0) {
		ps_proctable_put(f->procs, &p);
	}
}

static void on_event(auparse_state_t *au, auparse_cb_event_t type, void *arg)
{
	struct ps_audit_feed *f = arg;
	struct ps_event ev;

	if (type != AUPARSE_CB_EVENT_READY)
		return;
	uint64_t line = ring_done(f, auparse_get_serial(au));
	int r = ps_audit_map(au, &f->text, &ev);
	learn_process(f, au, r, &ev);
	if (r == -EBADMSG) {
		f->st.malformed++;
		if (f->warn)
			f->warn(f->file.p ? f->file.p : "(audit)", line, "audit record without its type's fields",
				f->arg);
		return;
	}
	if (r <= 0)
		return;
	ps_proctable_attribute(f->procs, &ev, f->live, f->live ? ps_realtime_us() : -1);
	ev.file = f->file;
	ev.line = line;
	f->st.events++;
	r = f->fn(&ev, f->arg);
	if (r < 0 && f->error == 0)
		f->error = r;
}

int ps_audit_feed_new(struct ps_audit_feed **out, struct ps_str file, ps_event_fn fn, ps_warn_fn warn, void *arg)
{
	struct ps_audit_feed *f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->au = auparse_init(AUSOURCE_FEED, NULL);
	if (!f->au || !(f->procs = ps_proctable_new())) {
		if (f->au)
			auparse_destroy(f->au);
		free(f);
		return -ENOMEM;
	}
	/* Raw bytes: escaping is the output writers' job, and theirs only. */
	auparse_set_escape_mode(f->au, AUPARSE_ESC_RAW);
	auparse_add_callback(f->au, on_event, f, NULL);
	f->file = file;
	f->fn = fn;
	f->warn = warn;
	f->arg = arg;
	*out = f;
	return 0;
}

void ps_audit_feed_free(struct ps_audit_feed *f)
{
	if (!f)
		return;
	auparse_destroy(f->au);
	ps_proctable_free(f->procs);
	free(f);
}

void ps_audit_feed_set_live(struct ps_audit_feed *f, bool live)
{
	f->live = live;
}

static int take_error(struct ps_audit_feed *f)
{
	/* Nothing held: every event is out, including any auparse dropped without a callback. */
	if (!auparse_feed_has_data(f->au))
		f->ring_n = 0;
	int r = f->error;
	f->error = 0;
	return r;
}

int ps_audit_feed_line(struct ps_audit_feed *f, struct ps_str line, uint64_t line_no,
		       const struct ps_tail_pos *before)
{
	uint64_t serial;
	/* Records of one event are consecutive in practice; look at the latest few. */
	bool known = false;
	if (ps_audit_line(line, &serial)) {
		for (unsigned i = f->ring_n, k = 0; i-- > 0 && k < 8 && !known; k++)
			known = ring_at(f, i)->serial == serial && !ring_at(f, i)->done;
		if (!known)
			ring_add(f, serial, line_no, before);
	}
	f->st.records++;
	/* auparse reads up to a NUL; a NUL inside a line would end the record there anyway. */
	auparse_feed(f->au, line.p, line.n);
	auparse_feed(f->au, "\n", 1);
	return take_error(f);
}

int ps_audit_feed_age(struct ps_audit_feed *f)
{
	auparse_feed_age_events(f->au);
	return take_error(f);
}

int ps_audit_feed_flush(struct ps_audit_feed *f)
{
	auparse_flush_feed(f->au);
	return take_error(f);
}

bool ps_audit_feed_pending(struct ps_audit_feed *f)
{
	return auparse_feed_has_data(f->au) != 0;
}

void ps_audit_feed_stats(const struct ps_audit_feed *f, struct ps_audit_stats *out)
{
	*out = f->st;
}
