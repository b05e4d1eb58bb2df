#include "sink/forward/syslog.h"

#include <string.h>

#include "sink/forward/escape.h"
#include "sink/forward/format.h"

#define BOM "\xef\xbb\xbf"

/* How a message is shortened, step by step, until it fits. */
static const struct {
	size_t cap;
	bool lean;
} levels[] = { { SIZE_MAX, false }, { 1024, true }, { 128, true }, { 16, true } };

unsigned ps_syslog_severity(enum ps_severity s)
{
	static const unsigned map[PS_SEVERITY__COUNT] = { 6, 5, 4, 3, 2 };
	return s < PS_SEVERITY__COUNT ? map[s] : 4;
}

static bool printusascii(struct ps_str s, size_t max)
{
	if (s.n == 0 || s.n > max)
		return false;
	for (size_t i = 0; i < s.n; i++)
		if (s.p[i] < 0x21 || s.p[i] > 0x7e)
			return false;
	return true;
}

void ps_syslog_hostname(struct ps_syslog_opts *opts, const char *name)
{
	struct ps_str s = ps_cstr(name ? name : "");
	if (printusascii(s, 255))
		memcpy(opts->hostname, s.p, s.n + 1);
	else
		memcpy(opts->hostname, "-", 2);
}

/* TIMESTAMP: the item's own time as RFC 3339 (our writers' form, checked). */
static void timestamp(struct ps_out *o, const struct ps_fwd_rec *r)
{
	int64_t us = ps_fwd_time_us(r, "time");
	if (us < 0)
		ps_out_putc(o, '-');
	else
		ps_fwd_put_time(o, us, 6);
}

static void sd_param(struct ps_out *o, const char *name, struct ps_str v, size_t cap)
{
	if (!ps_set(v))
		return;
	ps_out_putc(o, ' ');
	ps_out_puts(o, name);
	ps_out_puts(o, "=\"");
	ps_fwd_escape(o, v, PS_ESC_SD_VALUE, cap);
	ps_out_putc(o, '"');
}

static void structured_data(struct ps_out *o, const struct ps_syslog_opts *opts, const struct ps_fwd_rec *r)
{
	if (!opts->sd_id) {
		ps_out_putc(o, '-');
		return;
	}
	const struct ps_item *it = r->it;
	ps_out_putc(o, '[');
	ps_out_puts(o, opts->sd_id);
	sd_param(o, "id", ps_cstr(it->id), SIZE_MAX);
	sd_param(o, "type", ps_cstr(it->is_alert ? "alert" : "event"), SIZE_MAX);
	sd_param(o, it->is_alert ? "rule" : "kind", ps_fwd_what(r), r->cap);
	sd_param(o, "severity", ps_cstr(ps_severity_name(it->severity)), SIZE_MAX);
	sd_param(o, "user", ps_fwd_str(r, "user"), r->cap);
	sd_param(o, "src_ip", ps_fwd_str(r, "src_ip"), r->cap);
	ps_out_putc(o, ']');
}

static void message(struct ps_out *o, const struct ps_syslog_opts *opts, const struct ps_fwd_rec *r)
{
	const struct ps_item *it = r->it;
	struct ps_str what = ps_fwd_what(r);
	ps_out_putc(o, '<');
	ps_out_u64(o, opts->facility * 8 + ps_syslog_severity(it->severity));
	ps_out_puts(o, ">1 ");
	timestamp(o, r);
	ps_out_putc(o, ' ');
	ps_out_puts(o, opts->hostname);
	ps_out_putc(o, ' ');
	ps_out_puts(o, opts->app_name);
	ps_out_putc(o, ' ');
	ps_out_i64(o, opts->procid);
	ps_out_putc(o, ' ');
	/* MSGID: 1-32 PRINTUSASCII; ours, but read back from disk: checked. */
	if (it->is_alert)
		ps_out_puts(o, "alert");
	else if (printusascii(what, 32))
		ps_out_str(o, what);
	else
		ps_out_putc(o, '-');
	ps_out_putc(o, ' ');
	structured_data(o, opts, r);
	ps_out_putc(o, ' ');
	if (opts->bom)
		ps_out_puts(o, BOM);
	ps_fwd_format(o, r, opts->format);
}

int ps_syslog_message(struct ps_out *o, const struct ps_syslog_opts *opts, const struct ps_item *it)
{
	for (size_t l = 0; l < sizeof(levels) / sizeof(levels[0]); l++) {
		struct ps_fwd_rec r = { .it = it, .cap = levels[l].cap, .lean = levels[l].lean };
		ps_out_reset(o);
		message(o, opts, &r);
		if (o->len <= opts->max_message)
			return l > 0;
	}
	o->len = ps_fwd_cut(ps_str(o->buf, o->len), opts->max_message);
	return 2;
}

void ps_syslog_frame(struct ps_out *o, const char *msg, size_t len)
{
	ps_out_u64(o, len);
	ps_out_putc(o, ' ');
	ps_out_put(o, msg, len);
}
