#include "sink/deliver/escape.h"

#include <openssl/evp.h>
#include <string.h>

void ps_esc_plain(struct ps_out *o, struct ps_str s)
{
	ps_out_str(o, s);
}

/* s with each byte in map replaced by its entity. */
static void entities(struct ps_out *o, struct ps_str s, const char *chars, const char *const *ents)
{
	size_t run = 0;
	for (size_t i = 0; i < s.n; i++) {
		const char *k = s.p[i] ? strchr(chars, s.p[i]) : NULL;
		if (!k)
			continue;
		ps_out_put(o, s.p + run, i - run);
		ps_out_puts(o, ents[k - chars]);
		run = i + 1;
	}
	ps_out_put(o, s.p + run, s.n - run);
}

void ps_esc_html(struct ps_out *o, struct ps_str s)
{
	static const char *const e[] = { "&amp;", "&lt;", "&gt;", "&quot;" };
	entities(o, s, "&<>\"", e);
}

void ps_esc_mrkdwn(struct ps_out *o, struct ps_str s)
{
	static const char *const e[] = { "&amp;", "&lt;", "&gt;" };
	entities(o, s, "&<>", e);
}

void ps_esc_markdown(struct ps_out *o, struct ps_str s)
{
	/*
	 * Discord shows the character after a backslash as it is, for any ASCII
	 * punctuation (support article "Markdown Text 101", escaping).
	 * Escaped: emphasis, strike, spoiler and code (* _ ~ | `), masked links
	 * and autolinks ([ ] ( ) < > and ':' so that "https://" is no link),
	 * headings, quotes and lists (# > - + . at a line start, should a
	 * template put a value there), mentions and custom emoji (@ <), and the
	 * backslash itself. allowed_mentions is what stops pings; the '@' is
	 * escaped so that "@everyone" does not even look like one.
	 */
	static const char special[] = "\\*_~`|<>[]()#@-+.:";
	for (size_t i = 0; i < s.n; i++) {
		if (s.p[i] && strchr(special, s.p[i]))
			ps_out_putc(o, '\\');
		ps_out_putc(o, s.p[i]);
	}
}

void ps_esc_textrun(struct ps_out *o, struct ps_str s)
{
	for (size_t i = 0; i < s.n; i++) {
		ps_out_putc(o, s.p[i]);
		if (s.p[i] == '{' && i + 1 < s.n && s.p[i + 1] == '{')
			ps_out_puts(o, "\xe2\x80\x8b"); /* U+200B */
	}
}

void ps_out_base64(struct ps_out *o, const void *p, size_t n)
{
	const unsigned char *in = p;
	unsigned char buf[4 * 48 / 3 + 1];
	/* 48 bytes at a time: whole base64 quanta, no padding in between. */
	for (size_t i = 0; i < n; i += 48) {
		size_t k = n - i < 48 ? n - i : 48;
		int len = EVP_EncodeBlock(buf, in + i, (int)k);
		ps_out_put(o, buf, (size_t)len);
	}
}

void ps_esc_header(struct ps_out *o, struct ps_str s, const char *fold, size_t col)
{
	bool ascii = true;
	for (size_t i = 0; i < s.n && ascii; i++)
		ascii = (unsigned char)s.p[i] >= 0x20 && (unsigned char)s.p[i] < 0x7f;
	/* "=?" could be read as the start of an encoded word: encode then too. */
	if (ascii && ps_find(s, "=?") < 0) {
		ps_out_str(o, s);
		return;
	}
	/* A line is 76 characters at most: the word's 12 of "=?UTF-8?B?" "?=",
	 * whole base64 quanta (4 characters for 3 bytes), and what is before it
	 * (col, then the fold's space). Cut only between UTF-8 sequences (§5:
	 * each word decodes on its own). */
	size_t i = 0;
	if (col > 40)
		col = 40;
	while (i < s.n) {
		size_t room = (76 - 12 - (i ? 1 : col)) / 4 * 3;
		size_t end = i + room < s.n ? i + room : s.n;
		while (end < s.n && end > i + 1 && ((unsigned char)s.p[end] & 0xc0) == 0x80)
			end--;
		if (i)
			ps_out_puts(o, fold);
		ps_out_puts(o, "=?UTF-8?B?");
		ps_out_base64(o, s.p + i, end - i);
		ps_out_puts(o, "?=");
		i = end;
	}
}
