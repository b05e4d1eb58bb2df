#include "daemon/state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/tsv.h"

#define MAGIC "pamsignal-state"

void ps_state_init(struct ps_state *st)
{
	*st = (struct ps_state){ .journal_since_us = -1 };
}

void ps_state_free(struct ps_state *st)
{
	free(st->journal_cursor);
	for (size_t i = 0; i < st->n_files; i++)
		free(st->files[i].path);
	free(st->files);
	free(st->dedup_lines);
	ps_state_init(st);
}

const struct ps_tail_pos *ps_state_file(const struct ps_state *st, const char *path)
{
	for (size_t i = 0; i < st->n_files; i++)
		if (strcmp(st->files[i].path, path) == 0)
			return &st->files[i].pos;
	return NULL;
}

int ps_state_set_file(struct ps_state *st, const char *path, const struct ps_tail_pos *pos)
{
	for (size_t i = 0; i < st->n_files; i++)
		if (strcmp(st->files[i].path, path) == 0) {
			st->files[i].pos = *pos;
			return 0;
		}
	struct ps_state_file_pos *v = realloc(st->files, (st->n_files + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	st->files = v;
	if (!(v[st->n_files].path = strdup(path)))
		return -ENOMEM;
	v[st->n_files++].pos = *pos;
	return 0;
}

static bool take_u64(struct ps_str *line, uint64_t *v)
{
	int64_t x;
	if (!ps_tsv_take_i64(line, &x) || x < 0)
		return false;
	*v = (uint64_t)x;
	return true;
}

/* The chain's head at the mark: seq and 64 hex digits (older state files have neither). */
static bool take_chain(struct ps_str *line, char *buf, size_t size, struct ps_chain_head *h)
{
	struct ps_str hex;
	return take_u64(line, &h->seq) && ps_tsv_take(line, buf, size, &hex) && ps_chain_hex(hex, h->value);
}

static int parse_line(struct ps_state *st, struct ps_sessions *s, struct ps_str line, bool *end)
{
	static char buf[8192];
	struct ps_str kind, f;

	if (!ps_tsv_take(&line, buf, sizeof(buf), &kind))
		return -EINVAL;
	if (ps_eq_lit(kind, "end")) {
		*end = true;
		return 0;
	}
	if (ps_eq_lit(kind, MAGIC)) {
		int64_t version;
		return ps_tsv_take_i64(&line, &version) && version == 1 ? 0 : -EINVAL;
	}
	if (ps_eq_lit(kind, "eventlog")) {
		struct ps_eventlog_mark *m = &st->eventlog;
		if (!take_u64(&line, &m->dev) || !take_u64(&line, &m->ino) || !take_u64(&line, &m->size))
			return -EINVAL;
		return line.n == 0 || take_chain(&line, buf, sizeof(buf), &m->chain) ? 0 : -EINVAL;
	}
	if (ps_eq_lit(kind, "journal")) {
		if (!ps_tsv_take(&line, buf, sizeof(buf), &f) || f.n == 0)
			return -EINVAL;
		free(st->journal_cursor);
		return (st->journal_cursor = strdup(buf)) ? 0 : -ENOMEM;
	}
	if (ps_eq_lit(kind, "journal-since"))
		return ps_tsv_take_i64(&line, &st->journal_since_us) ? 0 : -EINVAL;
	if (ps_eq_lit(kind, "file")) {
		struct ps_tail_pos pos;
		if (!ps_tsv_take(&line, buf, sizeof(buf), &f) || f.n == 0 || !take_u64(&line, &pos.dev) ||
		    !take_u64(&line, &pos.ino) || !take_u64(&line, &pos.offset))
			return -EINVAL;
		return ps_state_set_file(st, buf, &pos);
	}
	if (ps_eq_lit(kind, "session"))
		return ps_sessions_load_line(s, line);
	if (ps_eq_lit(kind, "dedup")) {
		char *v = realloc(st->dedup_lines, st->dedup_len + line.n + 1);
		if (!v)
			return -ENOMEM;
		memcpy(v + st->dedup_len, line.p, line.n);
		st->dedup_len += line.n;
		v[st->dedup_len++] = '\n';
		st->dedup_lines = v;
		return 0;
	}
	return -EINVAL;
}

int ps_state_parse(struct ps_state *st, struct ps_sessions *s, char *text, size_t len, unsigned *lineno)
{
	bool end = false;
	struct ps_str rest = ps_str(text, len);

	*lineno = 0;
	while (rest.n > 0 && !end) {
		const char *nl = memchr(rest.p, '\n', rest.n);
		if (!nl)
			break; /* a last line without newline: the file is incomplete */
		struct ps_str line = ps_str(rest.p, (size_t)(nl - rest.p));
		rest = ps_str(nl + 1, rest.n - line.n - 1);
		++*lineno;
		int r = parse_line(st, s, line, &end);
		if (r < 0)
			return r;
	}
	return end ? 0 : -EINVAL;
}

void ps_state_write(struct ps_out *o, const struct ps_state *st, const struct ps_sessions *s, ps_state_more_fn *more,
		    void *arg)
{
	ps_out_puts(o, MAGIC);
	ps_tsv_put_i64(o, 1);
	ps_out_putc(o, '\n');
	if (st->eventlog.ino) {
		ps_out_puts(o, "eventlog");
		ps_tsv_put_i64(o, (int64_t)st->eventlog.dev);
		ps_tsv_put_i64(o, (int64_t)st->eventlog.ino);
		ps_tsv_put_i64(o, (int64_t)st->eventlog.size);
		ps_tsv_put_i64(o, (int64_t)st->eventlog.chain.seq);
		ps_out_putc(o, '\t');
		ps_out_hex(o, st->eventlog.chain.value, PS_CHAIN_LEN);
		ps_out_putc(o, '\n');
	}
	if (st->journal_cursor) {
		ps_out_puts(o, "journal");
		ps_tsv_put(o, ps_cstr(st->journal_cursor));
		ps_out_putc(o, '\n');
	} else if (st->journal_since_us >= 0) {
		ps_out_puts(o, "journal-since");
		ps_tsv_put_i64(o, st->journal_since_us);
		ps_out_putc(o, '\n');
	}
	for (size_t i = 0; i < st->n_files; i++) {
		ps_out_puts(o, "file");
		ps_tsv_put(o, ps_cstr(st->files[i].path));
		ps_tsv_put_i64(o, (int64_t)st->files[i].pos.dev);
		ps_tsv_put_i64(o, (int64_t)st->files[i].pos.ino);
		ps_tsv_put_i64(o, (int64_t)st->files[i].pos.offset);
		ps_out_putc(o, '\n');
	}
	if (s)
		ps_sessions_save(s, o);
	if (more)
		more(o, arg);
	ps_out_puts(o, "end\n");
}
