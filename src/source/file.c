#include "source/file.h"

#include <errno.h>
#include <stdlib.h>

#include "decode/audit.h"
#include "decode/decode.h"
#include "decode/frame.h"
#include "source/audit_feed.h"

/*
 * Lines are decoded a batch at a time and their events then handed on
 * together: the decoders' code and the consumer's (scan's JSON writer and
 * detector) each run for a whole batch instead of evicting each other
 * from the instruction cache at every line (bench/README.md, detect.sh).
 * A batch's events point into the reader's buffer, so the batch is handed
 * on before the reader reads again, which also keeps a live pipe's events
 * from waiting for more input; and before anything else emits events (an
 * audit record, a journal export entry, a record whose text is in the
 * framing's scratch buffer), so that events keep their input order.
 */
#define BATCH 16

struct scan {
	const char *name;
	struct ps_str name_str; /* the same, measured once */
	ps_event_fn fn;
	ps_warn_fn warn;
	void *arg;
	struct ps_scan_stats *st;
	struct ps_audit_feed *audit; /* made at the first audit record */
	struct ps_event *batch;      /* BATCH events, decoded and not yet handed on */
	unsigned batched;
};

/* The batch's events, in order, to the consumer. */
static int hand_on(struct scan *s)
{
	int r = 0;
	for (unsigned i = 0; i < s->batched && r >= 0; i++) {
		s->st->events++;
		r = s->fn(&s->batch[i], s->arg);
	}
	s->batched = 0;
	return r;
}

/* Decode rec into the batch; a full batch is handed on. */
static int decode(struct scan *s, const struct ps_record *rec)
{
	int r = ps_decode(rec, &s->batch[s->batched]);
	if (r == -EBADMSG) {
		s->st->malformed++;
		if (s->warn)
			s->warn(s->name, rec->line, "message does not have its program's format", s->arg);
		return 0;
	}
	if (r <= 0)
		return 0;
	return ++s->batched == BATCH ? hand_on(s) : 0;
}

static int audit_event(const struct ps_event *ev, void *arg)
{
	struct scan *s = arg;
	s->st->events++;
	return s->fn(ev, s->arg);
}

static void audit_malformed(const char *name, uint64_t line, const char *what, void *arg)
{
	struct scan *s = arg;
	s->st->malformed++;
	if (s->warn)
		s->warn(name, line, what, s->arg);
}

/* An audit record (audit.log, ausearch --raw): into the feed, which groups them. */
static int audit_line(struct scan *s, struct ps_str line, uint64_t line_no)
{
	int r = hand_on(s);
	if (r < 0)
		return r;
	if (!s->audit && (r = ps_audit_feed_new(&s->audit, s->name_str, audit_event, audit_malformed, s)) < 0)
		return r;
	return ps_audit_feed_line(s->audit, line, line_no, NULL);
}

static int audit_end(struct scan *s, int ret)
{
	if (!s->audit)
		return ret;
	int r = ps_audit_feed_flush(s->audit);
	ps_audit_feed_free(s->audit);
	s->audit = NULL;
	return ret < 0 ? ret : r;
}

static void overlong(struct scan *s, uint64_t line)
{
	s->st->overlong++;
	if (s->warn)
		s->warn(s->name, line, "line longer than 64 KiB skipped", s->arg);
}

/* The next line; the batch is handed on first if that needs a read. */
static int next_line(struct ps_reader *r, struct scan *s, struct ps_str *line)
{
	int kind = ps_reader_buffered_line(r, line);
	if (kind != PS_READ_MORE)
		return kind;
	int ret = hand_on(s);
	return ret < 0 ? ret : ps_reader_line(r, line);
}

static int scan_lines(struct ps_reader *r, struct scan *s, int64_t ref_time_sec,
		      struct ps_str first, int first_kind)
{
	struct ps_frame_ctx ctx;
	struct ps_record rec;
	struct ps_str line = first;
	int kind = first_kind, ret = 0;

	ps_frame_ctx_init(&ctx, ref_time_sec);
	for (; kind != PS_READ_EOF; kind = next_line(r, s, &line)) {
		if (kind < 0) {
			ret = kind;
			break;
		}
		s->st->lines++;
		if (kind == PS_READ_OVERLONG) {
			overlong(s, r->line_no);
			continue;
		}
		uint64_t serial;
		if (ps_audit_line(line, &serial)) {
			if ((ret = audit_line(s, line, r->line_no)) < 0)
				break;
			continue;
		}
		int f = ps_frame_line(&ctx, line, &rec);
		if (f < 0) {
			ret = f;
			break;
		}
		rec.file = s->name_str;
		rec.line = r->line_no;
		if ((ret = decode(s, &rec)) < 0)
			break;
		if (ps_frame_borrows_scratch(&ctx, &rec) && (ret = hand_on(s)) < 0)
			break;
	}
	if (ret >= 0)
		ret = hand_on(s);
	ps_frame_ctx_free(&ctx);
	return audit_end(s, ret);
}

/* One binary export field: "NAME\n" + le64 length + data + "\n". */
static int binary_field(struct ps_reader *r, struct scan *s, struct ps_journal_entry *e,
			struct ps_str name_line)
{
	char name[65];
	struct ps_str raw;
	int k;

	ps_to_cstr(name_line, name, sizeof(name));
	if ((k = ps_reader_bytes(r, 8, &raw)) <= 0)
		return k < 0 ? k : -EBADMSG;
	uint64_t len = 0;
	for (int i = 7; i >= 0; i--)
		len = (len << 8) | (unsigned char)raw.p[i];
	if (len > PS_MAX_LINE) {
		overlong(s, r->line_no);
		if ((k = ps_reader_skip(r, len)) <= 0)
			return k < 0 ? k : -EBADMSG;
	} else {
		if ((k = ps_reader_bytes(r, (size_t)len, &raw)) <= 0)
			return k < 0 ? k : -EBADMSG;
		if ((k = ps_journal_entry_add(e, ps_cstr(name), raw)) < 0)
			return k;
	}
	if ((k = ps_reader_bytes(r, 1, &raw)) <= 0 || raw.p[0] != '\n')
		return k < 0 ? k : -EBADMSG;
	return 0;
}

static int flush_entry(struct scan *s, struct ps_journal_entry *e, uint64_t line)
{
	struct ps_record rec;
	int ret = 0;
	if (ps_journal_entry_record(e, &rec) > 0) {
		s->st->lines++;
		rec.file = s->name_str;
		rec.line = line;
		if ((ret = decode(s, &rec)) >= 0)
			ret = hand_on(s); /* its text is in e */
	}
	ps_journal_entry_reset(e);
	return ret;
}

static int scan_export(struct ps_reader *r, struct scan *s, struct ps_str line, int kind)
{
	struct ps_journal_entry e;
	uint64_t entry_line = r->line_no;
	int ret = 0;

	ps_journal_entry_init(&e);
	for (; kind != PS_READ_EOF; kind = ps_reader_line(r, &line)) {
		if (kind < 0) {
			ret = kind;
			break;
		}
		if (kind == PS_READ_OVERLONG) {
			overlong(s, r->line_no);
			continue;
		}
		if (line.n == 0) {
			if ((ret = flush_entry(s, &e, entry_line)) < 0)
				break;
			entry_line = r->line_no + 1;
			continue;
		}
		struct ps_str name, value;
		if (ps_split(line, "=", &name, &value)) {
			if (ps_journal_field_name(name) && (ret = ps_journal_entry_add(&e, name, value)) < 0)
				break;
		} else if (ps_journal_field_name(line)) {
			if ((ret = binary_field(r, s, &e, line)) < 0) {
				if (ret == -EBADMSG) {
					s->st->malformed++;
					if (s->warn)
						s->warn(s->name, r->line_no, "truncated binary journal field", s->arg);
					ret = 0;
				}
				break;
			}
		}
	}
	if (ret == 0)
		ret = flush_entry(s, &e, entry_line);
	ps_journal_entry_free(&e);
	return ret;
}

int ps_file_scan(struct ps_reader *r, const char *name, int64_t ref_time_sec,
		 ps_event_fn fn, ps_warn_fn warn, void *arg, struct ps_scan_stats *st)
{
	struct scan s = { .name = name, .name_str = ps_cstr(name), .fn = fn, .warn = warn,
			  .arg = arg, .st = st };
	struct ps_str first = PS_STR_NULL;
	int kind = ps_reader_line(r, &first);

	if (kind < 0)
		return kind;
	s.batch = malloc(BATCH * sizeof(*s.batch));
	if (!s.batch)
		return -ENOMEM;
	/* journalctl -o export starts every entry with these fields. */
	int ret;
	if (kind == PS_READ_LINE &&
	    (ps_starts(first, "__CURSOR=") || ps_starts(first, "__REALTIME_TIMESTAMP=")))
		ret = scan_export(r, &s, first, kind);
	else
		ret = scan_lines(r, &s, ref_time_sec, first, kind);
	free(s.batch);
	return ret;
}
