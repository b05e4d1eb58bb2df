/*
 * Channel-correct escaping. Every untrusted value (user names, hosts,
 * summaries) first becomes display text with ps_msg_display() (message.h):
 * control characters, invalid bytes and the Unicode controls that hide or
 * reorder text are shown as \xNN / \uNNNN, so no raw CR, LF or ESC is left.
 * Then exactly one of these escapes it for the syntax it lands in.
 * All append to o and are safe on any input.
 */
#ifndef PS_SINK_DELIVER_ESCAPE_H
#define PS_SINK_DELIVER_ESCAPE_H

#include "util/out.h"

typedef void (*ps_escape_fn)(struct ps_out *o, struct ps_str s);

/* As it is (plain-text bodies: e-mail, ntfy, console). */
void ps_esc_plain(struct ps_out *o, struct ps_str s);
/* Telegram's HTML parse mode: the four entities it knows, & < > ". */
void ps_esc_html(struct ps_out *o, struct ps_str s);
/* Slack text objects (mrkdwn and plain_text): & < > as entities (the only
 * escapes Slack has), so "<!channel>" or "<https://evil|bank>" stays text. */
void ps_esc_mrkdwn(struct ps_out *o, struct ps_str s);
/* Discord markdown: a backslash before every character that can start or
 * end markup, a link, a list, a heading or a mention. */
void ps_esc_markdown(struct ps_out *o, struct ps_str s);
/* Adaptive Card TextRun text (no markdown there): "{{" is broken with a
 * zero-width space so that no {{DATE(...)}} or {{TIME(...)}} function is
 * evaluated in a value. */
void ps_esc_textrun(struct ps_out *o, struct ps_str s);

/*
 * A header value (ntfy's Title, e-mail's Subject): printable ASCII as it
 * is; otherwise RFC 2047 encoded-words (=?UTF-8?B?...?=), separated by
 * fold ("\r\n " for mail, " " for HTTP), each line that holds them at
 * most 76 characters (§2) counting the col characters before the value on
 * the first one ("Subject: "). Input must be display text (no controls).
 */
void ps_esc_header(struct ps_out *o, struct ps_str s, const char *fold, size_t col);

/* Standard base64 of p[0..n). */
void ps_out_base64(struct ps_out *o, const void *p, size_t n);

#endif
