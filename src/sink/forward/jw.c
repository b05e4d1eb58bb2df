#include "sink/forward/jw.h"

#include <assert.h>

#include "sink/forward/escape.h"

void ps_jw_start(struct ps_jw *w, struct ps_out *o, size_t cap)
{
	*w = (struct ps_jw){ .o = o, .cap = cap, .depth = 1, .written = 1 };
	w->first[0] = true;
	ps_out_putc(o, '{');
}

/* A comma if needed, then "name": at the innermost level. */
static void key(struct ps_jw *w, unsigned level, const char *name)
{
	if (!w->first[level])
		ps_out_putc(w->o, ',');
	w->first[level] = false;
	if (name) {
		ps_out_putc(w->o, '"');
		ps_out_puts(w->o, name);
		ps_out_puts(w->o, "\":");
	}
}

/* Write the brackets of the levels begun but not written yet, then the member's key. */
static void member(struct ps_jw *w, const char *name)
{
	while (w->written < w->depth) {
		unsigned l = w->written++;
		key(w, l - 1, w->name[l]);
		ps_out_putc(w->o, w->array[l] ? '[' : '{');
	}
	key(w, w->depth - 1, name);
}

static void begin(struct ps_jw *w, const char *name, bool array)
{
	assert(w->depth < PS_JW_DEPTH);
	w->name[w->depth] = name;
	w->array[w->depth] = array;
	w->first[w->depth] = true;
	w->depth++;
}

void ps_jw_object(struct ps_jw *w, const char *name) { begin(w, name, false); }
void ps_jw_array(struct ps_jw *w, const char *name) { begin(w, name, true); }

void ps_jw_end(struct ps_jw *w)
{
	assert(w->depth > 1);
	w->depth--;
	if (w->written > w->depth) {
		ps_out_putc(w->o, w->array[w->depth] ? ']' : '}');
		w->written = w->depth;
	}
}

void ps_jw_finish(struct ps_jw *w)
{
	while (w->depth > 1)
		ps_jw_end(w);
	ps_out_putc(w->o, '}');
	w->depth = w->written = 0;
}

void ps_jw_str(struct ps_jw *w, const char *name, struct ps_str v)
{
	if (!ps_set(v))
		return;
	member(w, name);
	ps_fwd_json_str(w->o, v, w->cap);
}

void ps_jw_lit(struct ps_jw *w, const char *name, const char *v)
{
	if (!v)
		return;
	member(w, name);
	ps_out_json_str(w->o, ps_cstr(v));
}

void ps_jw_raw(struct ps_jw *w, const char *name, struct ps_str json)
{
	if (!ps_set(json))
		return;
	member(w, name);
	ps_out_str(w->o, json);
}

void ps_jw_int(struct ps_jw *w, const char *name, int64_t v)
{
	member(w, name);
	ps_out_i64(w->o, v);
}

void ps_jw_bool(struct ps_jw *w, const char *name, bool v)
{
	member(w, name);
	ps_out_puts(w->o, v ? "true" : "false");
}

void ps_jw_key(struct ps_jw *w, const char *name)
{
	member(w, name);
}
