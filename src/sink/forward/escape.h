/*
 * Escaping for the syntaxes forwarded messages are made of. Untrusted
 * text (user names, hosts, commands, whole log lines) reaches a forwarded
 * message only through one of these, or ps_out_json_str() for JSON.
 *
 * Input is UTF-8 text as the JSON reader decodes it (valid, but it may
 * hold any control character). The formats below escape with a backslash;
 * a character a format has no escape for (ESC, the other C0 and C1
 * controls, DEL, and the Unicode characters that hide or reorder text:
 * see ps_utf8_deceptive) becomes the display text "\xNN" or "\uNNNN",
 * whose backslash is then escaped like any other, so a reader that
 * unescapes gets "\x1b", never the raw byte. Output is always valid UTF-8
 * with no raw control character.
 *
 * cap bounds the input bytes taken (SIZE_MAX: all): a longer value is cut
 * at a character boundary and ends with "…" (U+2026).
 */
#ifndef PS_SINK_FORWARD_ESCAPE_H
#define PS_SINK_FORWARD_ESCAPE_H

#include <stddef.h>

#include "util/out.h"

enum ps_fwd_esc {
	/* CEF header fields (ArcSight "Implementing ArcSight CEF", Rev 25):
	 * \ and | escaped with a backslash; a header cannot hold a newline. */
	PS_ESC_CEF_HEADER,
	/* CEF extension values: \ and = escaped, newlines as \n and \r. */
	PS_ESC_CEF_VALUE,
	/* LEEF 2.0 attribute values with a tab delimiter: LEEF defines no
	 * escape, and a value must not contain the delimiter, so tab, CR and LF
	 * are written \t, \r, \n, and \ as \\ to keep that unambiguous. */
	PS_ESC_LEEF_VALUE,
	/* RFC 5424 6.3.3 PARAM-VALUE: '"', '\' and ']' escaped with '\'. */
	PS_ESC_SD_VALUE,
};

void ps_fwd_escape(struct ps_out *o, struct ps_str s, enum ps_fwd_esc how, size_t cap);

/* s as a JSON string (quotes included, ps_out_json_str's escaping), cut like above. */
void ps_fwd_json_str(struct ps_out *o, struct ps_str s, size_t cap);

/*
 * JSON text as the strict reader accepted it (jsonread.h), made safe to
 * put in a message: the whitespace JSON allows between tokens (tab, CR,
 * LF) becomes a space, and DEL, the C1 controls and the characters that
 * hide or reorder text, which JSON allows raw in strings, become \uNNNN.
 * Nothing else changes, so the text means the same; our own writers never
 * produce any of these, so their output is copied as it is. Valid JSON in,
 * the same value out: only for text the reader has checked.
 */
void ps_fwd_json_raw(struct ps_out *o, struct ps_str json);

/* The length of s's longest prefix of at most cap bytes that ends at a character boundary. */
size_t ps_fwd_cut(struct ps_str s, size_t cap);

#endif
