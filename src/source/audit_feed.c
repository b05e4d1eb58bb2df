#include "source/audit_feed.h"

#include <auparse.h>
#include <errno.h>
#include <stdlib.h>

#include "decode/audit.h"

/* Serials of recent first records and their line numbers: events complete
 * out of order, a few records apart, so a small ring finds them. */
#define LINE_RING 64

struct ps_audit_feed {
	auparse_state_t *au;
	struct ps_str file;
	ps_event_fn fn;
	ps_warn_fn warn;
	void *arg;
	int error;
	struct ps_audit_stats st;
	struct {
		uint64_t serial, line;
	} ring[LINE_RING];
	unsigned ring_next;
	uint64_t last_serial;
	struct ps_audit_text text;
};

static uint64_t first_line(const struct ps_audit_feed *f, uint64_t serial)
{
	for (unsigned i = 0; i < LINE_RING; i++)
		if (f->ring[i].serial == serial && f->ring[i].line)
			return f->ring[i].line;
	return 0;
}

static void on_event(auparse_state_t *au, auparse_cb_event_t type, void *arg)
{
	struct ps_audit_feed *f = arg;
	struct ps_event ev;

	if (type != AUPARSE_CB_EVENT_READY)
		return;
	int r = ps_audit_map(au, &f->text, &ev);
	uint64_t line = first_line(f, auparse_get_serial(au));
	if (r == -EBADMSG) {
		f->st.malformed++;
		if (f->warn)
			f->warn(f->file.p ? f->file.p : "(audit)", line, "audit record without its type's fields",
				f->arg);
		return;
	}
	if (r <= 0)
		return;
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
	if (!f->au) {
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
	f->last_serial = UINT64_MAX;
	*out = f;
	return 0;
}

void ps_audit_feed_free(struct ps_audit_feed *f)
{
	if (!f)
		return;
	auparse_destroy(f->au);
	free(f);
}

static int take_error(struct ps_audit_feed *f)
{
	int r = f->error;
	f->error = 0;
	return r;
}

int ps_audit_feed_line(struct ps_audit_feed *f, struct ps_str line, uint64_t line_no)
{
	uint64_t serial;
	if (ps_audit_line(line, &serial) && serial != f->last_serial) {
		f->ring[f->ring_next].serial = serial;
		f->ring[f->ring_next].line = line_no;
		f->ring_next = (f->ring_next + 1) % LINE_RING;
		f->last_serial = serial;
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
