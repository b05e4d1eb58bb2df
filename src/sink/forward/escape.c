#include "sink/forward/escape.h"

#include <stdint.h>

#include "util/utf8.h"

#define ELLIPSIS "\xe2\x80\xa6"

/*
 * Per syntax: what replaces each ASCII byte (NULL: copied as it is). A
 * control byte without an entry gets the display escape.
 */
struct esc_table {
	const char *ascii[128];
};

static const struct esc_table tables[] = {
	[PS_ESC_CEF_HEADER] = { .ascii = { ['\\'] = "\\\\", ['|'] = "\\|" } },
	[PS_ESC_CEF_VALUE] = { .ascii = { ['\\'] = "\\\\", ['='] = "\\=", ['\n'] = "\\n", ['\r'] = "\\r" } },
	[PS_ESC_LEEF_VALUE] = { .ascii = { ['\\'] = "\\\\", ['\t'] = "\\t", ['\n'] = "\\n", ['\r'] = "\\r" } },
	[PS_ESC_SD_VALUE] = { .ascii = { ['\\'] = "\\\\", ['"'] = "\\\"", [']'] = "\\]" } },
};

size_t ps_fwd_cut(struct ps_str s, size_t cap)
{
	if (s.n <= cap)
		return s.n;
	size_t n = cap;
	/* Back over continuation bytes to the start of the sequence cut in two. */
	while (n > 0 && ((unsigned char)s.p[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/* "\xNN" or "\uNNNN" with the syntax's own escape for its backslash. */
static void display_escape(struct ps_out *o, const struct esc_table *t, uint32_t cp, bool byte)
{
	static const char hex[] = "0123456789abcdef";
	ps_out_puts(o, t->ascii['\\']);
	if (byte) {
		char e[3] = { 'x', hex[(cp >> 4) & 15], hex[cp & 15] };
		ps_out_put(o, e, sizeof(e));
	} else {
		char e[5] = { 'u', hex[(cp >> 12) & 15], hex[(cp >> 8) & 15], hex[(cp >> 4) & 15], hex[cp & 15] };
		ps_out_put(o, e, sizeof(e));
	}
}

void ps_fwd_escape(struct ps_out *o, struct ps_str s, enum ps_fwd_esc how, size_t cap)
{
	const struct esc_table *t = &tables[how];
	const unsigned char *p = (const unsigned char *)s.p;
	size_t n = ps_fwd_cut(s, cap), run = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		if (c >= 0x20 && c < 0x7f && !t->ascii[c]) {
			i++;
			continue;
		}
		ps_out_put(o, p + run, i - run);
		uint32_t cp = c;
		size_t len = c < 0x80 ? 1 : ps_utf8_seq(p + i, n - i, &cp);
		if (c < 0x80 && t->ascii[c])
			ps_out_puts(o, t->ascii[c]);
		else if (c < 0x20 || c == 0x7f || len == 0)
			display_escape(o, t, c, true), len = 1; /* len 0: not UTF-8 after all */
		else if (ps_utf8_deceptive(cp))
			display_escape(o, t, cp, false);
		else
			ps_out_put(o, p + i, len);
		i += len;
		run = i;
	}
	ps_out_put(o, p + run, n - run);
	if (n < s.n)
		ps_out_puts(o, ELLIPSIS);
}

void ps_fwd_json_str(struct ps_out *o, struct ps_str s, size_t cap)
{
	size_t n = ps_fwd_cut(s, cap);
	ps_out_json_str(o, ps_str(s.p, n));
	if (n < s.n && !o->error && o->len > 0 && o->buf[o->len - 1] == '"') {
		o->len--; /* reopen the string for the ellipsis */
		ps_out_puts(o, ELLIPSIS "\"");
	}
}

void ps_fwd_json_raw(struct ps_out *o, struct ps_str json)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)json.p;
	size_t run = 0;
	for (size_t i = 0; i < json.n;) {
		unsigned char c = p[i];
		uint32_t cp = c;
		size_t len = 1;
		if (c >= 0x20 && c < 0x7f) {
			i++;
			continue;
		}
		if (c >= 0x80 && ((len = ps_utf8_seq(p + i, json.n - i, &cp)) == 0 || !ps_utf8_deceptive(cp))) {
			i += len ? len : 1; /* not UTF-8 cannot pass the reader; copied if it ever did */
			continue;
		}
		ps_out_put(o, p + run, i - run);
		if (c < 0x20) {
			ps_out_putc(o, ' '); /* tab, CR, LF between tokens: the only controls JSON allows */
		} else {
			char e[6] = { '\\', 'u', hex[(cp >> 12) & 15], hex[(cp >> 8) & 15], hex[(cp >> 4) & 15], hex[cp & 15] };
			ps_out_put(o, e, sizeof(e));
		}
		i += len;
		run = i;
	}
	ps_out_put(o, p + run, json.n - run);
}
