#include "source/journal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-journal.h>
#include <systemd/sd-messages.h>

struct ps_journal {
	sd_journal *j;
	char *cursor;       /* of the current entry, fetched lazily */
	bool moved;         /* the current entry changed since cursor was fetched */
	bool positioned;    /* there is a current entry */
};

/* Realtime (µs) from a cursor's "t=" part; -1 if absent. */
static int64_t cursor_time(const char *cursor)
{
	for (const char *p = cursor; p && *p; p = strchr(p, ';')) {
		if (*p == ';')
			p++;
		if (p[0] == 't' && p[1] == '=') {
			char *end;
			errno = 0;
			unsigned long long t = strtoull(p + 2, &end, 16);
			return errno || end == p + 2 ? -1 : (int64_t)t;
		}
	}
	return -1;
}

static int add_matches(sd_journal *j, const char *const *identifiers, size_t n)
{
	char m[256];
	int r;

	for (size_t i = 0; i < n; i++) {
		int len = snprintf(m, sizeof(m), "SYSLOG_IDENTIFIER=%s", identifiers[i]);
		if (len < 0 || (size_t)len >= sizeof(m))
			return -ENAMETOOLONG;
		if ((r = sd_journal_add_match(j, m, (size_t)len)) < 0)
			return r;
	}
	/* Or: journald's own notice that it dropped someone's messages. */
	if ((r = sd_journal_add_disjunction(j)) < 0)
		return r;
	return sd_journal_add_match(j, "MESSAGE_ID=" SD_MESSAGE_JOURNAL_DROPPED_STR, 0);
}

/*
 * After the entry at cursor. seek_cursor lands on the nearest entry when
 * the cursor's own is gone (vacuumed); test_cursor tells the two apart. In
 * that case entries older than the cursor's time are ones we already had,
 * and the span to the first newer entry is reported as a gap.
 */
static int seek_after(struct ps_journal *pj, const char *cursor, struct ps_journal_gap *gap)
{
	sd_journal *j = pj->j;
	int r = sd_journal_seek_cursor(j, cursor);
	if (r < 0)
		return r;
	r = sd_journal_next(j);
	if (r < 0)
		return r;
	if (r > 0 && sd_journal_test_cursor(j, cursor) > 0) {
		pj->positioned = true; /* on the cursor's entry: the next read starts after it */
		return 0;
	}
	int64_t had = cursor_time(cursor);
	gap->gap = true;
	gap->after_us = had;
	gap->before_us = -1;
	/* Step back so the first read delivers the first entry we do not have. */
	while (r > 0) {
		uint64_t t;
		if (sd_journal_get_realtime_usec(j, &t) < 0 || (int64_t)t > had) {
			gap->before_us = (int64_t)t;
			r = sd_journal_previous(j);
			if (r == 0) /* it is the very first entry: start from the head */
				r = sd_journal_seek_head(j);
			pj->positioned = r > 0;
			return r < 0 ? r : 0;
		}
		r = sd_journal_next(j);
		if (r < 0)
			return r;
	}
	pj->positioned = true; /* at the end: nothing newer yet */
	return 0;
}

int ps_journal_open(struct ps_journal **out, const char *const *identifiers, size_t n, const char *cursor,
		    int64_t since_us, struct ps_journal_gap *gap)
{
	struct ps_journal *pj = calloc(1, sizeof(*pj));
	int r;

	*gap = (struct ps_journal_gap){ .after_us = -1, .before_us = -1 };
	if (!pj)
		return -ENOMEM;
	r = sd_journal_open(&pj->j, SD_JOURNAL_LOCAL_ONLY);
	if (r < 0) {
		free(pj);
		return r;
	}
	if ((r = add_matches(pj->j, identifiers, n)) < 0)
		goto fail;
	if (cursor) {
		r = seek_after(pj, cursor, gap);
	} else if (since_us >= 0) {
		r = sd_journal_seek_realtime_usec(pj->j, (uint64_t)since_us);
	} else {
		/* The end: previous() makes the last entry current, so next() gives only new ones. */
		r = sd_journal_seek_tail(pj->j);
		if (r >= 0) {
			r = sd_journal_previous(pj->j);
			pj->positioned = r > 0;
		}
	}
	if (r < 0)
		goto fail;
	pj->moved = true;
	*out = pj;
	return 0;
fail:
	sd_journal_close(pj->j);
	free(pj);
	return r;
}

void ps_journal_close(struct ps_journal *pj)
{
	if (!pj)
		return;
	sd_journal_close(pj->j);
	free(pj->cursor);
	free(pj);
}

int ps_journal_fd(struct ps_journal *pj) { return sd_journal_get_fd(pj->j); }
int ps_journal_poll_events(struct ps_journal *pj) { return sd_journal_get_events(pj->j); }
int ps_journal_process(struct ps_journal *pj) { return sd_journal_process(pj->j); }

bool ps_journal_has_files(struct ps_journal *pj)
{
	return sd_journal_has_runtime_files(pj->j) > 0 || sd_journal_has_persistent_files(pj->j) > 0;
}

const char *ps_journal_cursor(struct ps_journal *pj)
{
	if (!pj->positioned)
		return NULL;
	if (pj->moved) {
		char *c;
		if (sd_journal_get_cursor(pj->j, &c) < 0)
			return pj->cursor; /* keep the last good one */
		free(pj->cursor);
		pj->cursor = c;
		pj->moved = false;
	}
	return pj->cursor;
}

static bool field_is(const char *d, size_t len, const char *name, size_t name_len, struct ps_str *value)
{
	if (len <= name_len || memcmp(d, name, name_len) != 0 || d[name_len] != '=')
		return false;
	*value = ps_str(d + name_len + 1, len - name_len - 1);
	return true;
}
#define FIELD(name, v) field_is(d, len, name, sizeof(name) - 1, v)

static int64_t number(struct ps_str s)
{
	uint64_t v;
	return ps_parse_u64(s, INT64_MAX, &v) == 0 ? (int64_t)v : -1;
}

/*
 * One pass over the entry's fields. The sender controls MESSAGE,
 * SYSLOG_IDENTIFIER, SYSLOG_PID and anything else it chose to send; the
 * fields starting with "_" are journald's own and cannot be sent.
 */
static void read_entry(sd_journal *j, struct ps_sd_entry *e)
{
	const void *data;
	size_t len;
	struct ps_str v, message_id = { 0 }, n_dropped = { 0 };

	*e = (struct ps_sd_entry){ .uid = -1 };
	ps_record_init(&e->rec);
	SD_JOURNAL_FOREACH_DATA(j, data, len) {
		const char *d = data;
		if (FIELD("MESSAGE", &e->rec.message))
			continue;
		if (FIELD("SYSLOG_IDENTIFIER", &e->identifier))
			continue;
		if (FIELD("_PID", &v))
			e->rec.pid = number(v);
		else if (FIELD("_UID", &v))
			e->uid = number(v);
		else if (FIELD("_EXE", &v))
			e->exe = v;
		else if (FIELD("_COMM", &v))
			e->comm = v;
		else if (FIELD("_CAP_EFFECTIVE", &v))
			e->capable = !ps_eq_lit(v, "0") && v.n > 0;
		else if (FIELD("_HOSTNAME", &v))
			e->rec.host = v;
		else if (FIELD("_AUDIT_SESSION", &v))
			e->rec.audit_session = v;
		else if (FIELD("_AUDIT_LOGINUID", &v))
			e->rec.login_uid = ps_login_uid(v);
		else if (FIELD("MESSAGE_ID", &v))
			message_id = v;
		else if (FIELD("N_DROPPED", &v))
			n_dropped = v;
		else if (FIELD("_TRANSPORT", &v))
			e->from_journald = ps_eq_lit(v, "driver");
	}
	e->rec.program = e->identifier;
	uint64_t t;
	if (sd_journal_get_realtime_usec(j, &t) >= 0)
		e->rec.time_us = (int64_t)t;
	if (ps_eq_lit(message_id, SD_MESSAGE_JOURNAL_DROPPED_STR)) {
		int64_t n = number(n_dropped);
		e->suppression = true;
		e->n_dropped = n > 0 ? (uint64_t)n : 0;
	}
}

int ps_journal_read(struct ps_journal *pj, ps_journal_fn fn, void *arg, size_t max)
{
	size_t done = 0;

	while (max == 0 || done < max) {
		int r = sd_journal_next(pj->j);
		if (r < 0)
			return r;
		if (r == 0)
			break;
		pj->positioned = true;
		pj->moved = true;
		struct ps_sd_entry e;
		read_entry(pj->j, &e);
		if ((r = fn(&e, arg)) < 0)
			return r;
		done++;
	}
	return (int)done;
}
