/* The console channel: one display-safe line per message on standard output. */
#include <unistd.h>

#include "sink/deliver/channels.h"

void ps_console_write(const struct ps_msg *m)
{
	struct ps_out o;
	ps_out_init_mem(&o);
	ps_out_puts(&o, "pamsignal alert: ");
	struct ps_out t;
	ps_out_init_mem(&t);
	ps_msg_text(&t, m, &ps_markup_plain);
	/* One line: the text has no newline but those between its parts. */
	for (size_t i = 0; i < t.len; i++) {
		if (t.buf[i] == '\n')
			ps_out_puts(&o, "; ");
		else
			ps_out_putc(&o, t.buf[i]);
	}
	ps_out_free(&t);
	ps_out_putc(&o, '\n');
	for (size_t done = 0; o.buf && done < o.len;) {
		ssize_t w = write(STDOUT_FILENO, o.buf + done, o.len - done);
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	ps_out_free(&o);
}
