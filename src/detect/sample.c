#include "detect/sample.h"

#include <stdlib.h>
#include <string.h>

#include "event/json_read.h"

/* Every text field of an event, the message last: it gets what is left. */
static const size_t text_fields[] = {
	offsetof(struct ps_event, host),        offsetof(struct ps_event, service),
	offsetof(struct ps_event, program),     offsetof(struct ps_event, sender_exe),
	offsetof(struct ps_event, sender_comm), offsetof(struct ps_event, user),
	offsetof(struct ps_event, target_user), offsetof(struct ps_event, src_host),
	offsetof(struct ps_event, method),      offsetof(struct ps_event, key),
	offsetof(struct ps_event, tty),         offsetof(struct ps_event, cwd),
	offsetof(struct ps_event, command),     offsetof(struct ps_event, session),
	offsetof(struct ps_event, group),       offsetof(struct ps_event, actor),
	offsetof(struct ps_event, detail),      offsetof(struct ps_event, source),
	offsetof(struct ps_event, exe),         offsetof(struct ps_event, login_user),
	offsetof(struct ps_event, input),       offsetof(struct ps_event, audit_type),
	offsetof(struct ps_event, cmdline),
	offsetof(struct ps_event, src_geo.country_iso_code), offsetof(struct ps_event, src_geo.country_name),
	offsetof(struct ps_event, src_geo.city_name), offsetof(struct ps_event, src_as.organization),
	offsetof(struct ps_event, src_provider), offsetof(struct ps_event, src_rdns),
	offsetof(struct ps_event, file),        offsetof(struct ps_event, message),
};
#define N_TEXT (sizeof(text_fields) / sizeof(text_fields[0]))
#define UNSET UINT16_MAX

#if UINTPTR_MAX == UINT64_MAX
/* A field added to struct ps_event must be added to the copy too (a text
 * field left out would point into a record that is gone): this fails
 * until it is, and then needs the new layout's size. */
_Static_assert(offsetof(struct ps_event, text) == 656, "struct ps_event changed: update sample.c");
#endif

/* The event's other fields. */
struct scalars {
	int64_t time_us, pid, ppid, sender_uid, login_uid, duration_s, src_asn;
	uint64_t line;
	struct ps_ip src_ip, dst_ip;
	int32_t src_port, dst_port;
	uint32_t count;
	uint8_t kind, outcome, reason, action;
	bool ambiguous;
};

/* A copy made of fields (held.len 0). */
struct slot_head {
	uint16_t len[N_TEXT];        /* UNSET: the field is not set */
	struct scalars sc;
};
#define SLOT_TEXT (PS_SAMPLE_SLOT - sizeof(struct slot_head))

struct slot {
	struct slot_head h;
	char text[SLOT_TEXT];
};
_Static_assert(sizeof(struct slot) == PS_SAMPLE_SLOT, "slot size");

/*
 * What slot i holds, kept apart from the slot: a copy that is its JSON
 * touches only this and the ring, never the slot's 512 bytes (scan's
 * copies are all JSON: the megabyte of slots stays untouched).
 */
struct held {
	uint64_t at;   /* its JSON: bytes [at, at + len) of all ever taken from the ring */
	uint32_t len;  /* 0: the copy is made of fields, in the slot */
	uint32_t ref;  /* the reference held now; 0: none */
};

struct ps_samples {
	struct slot *slots;
	struct held *held;        /* per slot */
	char *json;               /* the ring of JSON texts */
	size_t cap, json_cap;
	uint64_t json_head;       /* bytes taken from the ring so far */
	uint32_t next_ref;        /* references count up; slot = ref % cap */
	struct ps_event_line reader; /* reads JSON-only copies back */
};

#define JSON_PER_SLOT PS_SAMPLE_SLOT /* ring bytes per slot: more than most events' JSON */

size_t ps_samples_size(size_t cap)
{
	return cap * (sizeof(struct slot) + sizeof(struct held) + JSON_PER_SLOT);
}

struct ps_samples *ps_samples_new(size_t cap)
{
	struct ps_samples *s = calloc(1, sizeof(*s));
	if (!s || cap < 1)
		goto fail;
	s->slots = calloc(cap, sizeof(*s->slots));
	s->held = calloc(cap, sizeof(*s->held));
	s->json = malloc(cap * JSON_PER_SLOT);
	if (!s->slots || !s->held || !s->json)
		goto fail;
	s->cap = cap;
	s->json_cap = cap * JSON_PER_SLOT;
	s->next_ref = 1;
	return s;
fail:
	ps_samples_free(s);
	return NULL;
}

void ps_samples_free(struct ps_samples *s)
{
	if (!s)
		return;
	free(s->slots);
	free(s->held);
	free(s->json);
	ps_event_line_free(&s->reader);
	free(s);
}

static bool fits_ring(const struct ps_samples *s, struct ps_str json)
{
	return ps_set(json) && json.n > 0 && json.n <= s->json_cap / 8;
}

/* Keep json (fits_ring) for h. A text never wraps around the ring's end:
 * the rest of the ring is skipped instead. */
static void keep_json(struct ps_samples *s, struct held *h, struct ps_str json)
{
	size_t pos = s->json_head % s->json_cap;
	if (pos + json.n > s->json_cap)
		s->json_head += s->json_cap - pos;
	memcpy(s->json + s->json_head % s->json_cap, json.p, json.n);
	h->at = s->json_head;
	h->len = (uint32_t)json.n;
	s->json_head += json.n;
}

static struct ps_str *field(struct ps_event *ev, size_t i)
{
	return (struct ps_str *)(void *)((char *)ev + text_fields[i]);
}

/* n bytes of src, cut back to a character boundary if it must be cut. */
static size_t fit(struct ps_str src, size_t n)
{
	if (src.n <= n)
		return src.n;
	while (n > 0 && ((unsigned char)src.p[n] & 0xc0) == 0x80)
		n--;
	return n;
}

uint32_t ps_samples_put(struct ps_samples *s, const struct ps_event *ev, struct ps_str json)
{
	uint32_t ref = s->next_ref++;
	if (s->next_ref == 0)
		s->next_ref = 1;
	struct held *h = &s->held[ref % s->cap];
	h->ref = ref;
	if (fits_ring(s, json)) {
		keep_json(s, h, json);
		return ref;
	}
	h->len = 0;
	struct slot *sl = &s->slots[ref % s->cap];
	sl->h.sc = (struct scalars){
		.time_us = ev->time_us, .pid = ev->pid, .ppid = ev->ppid, .sender_uid = ev->sender_uid, .login_uid = ev->login_uid,
		.duration_s = ev->duration_s, .src_asn = ev->src_as.number, .line = ev->line, .src_ip = ev->src_ip, .dst_ip = ev->dst_ip,
		.src_port = ev->src_port, .dst_port = ev->dst_port, .count = ev->count,
		.kind = (uint8_t)ev->kind, .outcome = (uint8_t)ev->outcome, .reason = (uint8_t)ev->reason,
		.action = (uint8_t)ev->action, .ambiguous = ev->ambiguous,
	};
	size_t used = 0;
	for (size_t i = 0; i < N_TEXT; i++) {
		struct ps_str f = *field((struct ps_event *)(uintptr_t)ev, i);
		if (!ps_set(f)) {
			sl->h.len[i] = UNSET;
			continue;
		}
		size_t room = SLOT_TEXT - used;
		if (i + 1 < N_TEXT && room > PS_SAMPLE_FIELD_MAX)
			room = PS_SAMPLE_FIELD_MAX;
		size_t n = fit(f, room);
		if (n)
			memcpy(sl->text + used, f.p, n);
		sl->h.len[i] = (uint16_t)n;
		used += n;
	}
	return ref;
}

bool ps_samples_json(const struct ps_samples *s, uint32_t ref, struct ps_str *json)
{
	*json = (struct ps_str){ 0 };
	const struct held *h = &s->held[ref % s->cap];
	if (ref == 0 || h->ref != ref)
		return false;
	if (!h->len)
		return true;
	if (s->json_head - h->at > s->json_cap)
		return false; /* the ring has moved past it */
	*json = ps_str(s->json + h->at % s->json_cap, h->len);
	return true;
}

/* A JSON-only copy back into an event: the reader's (valid until its next read). */
static bool read_back(struct ps_samples *s, struct ps_str json, struct ps_event *out)
{
	const char *why;
	if (ps_event_line_read(&s->reader, json, &why) != PS_LINE_EVENT)
		return false; /* not the JSON of an event after all: shown, never described */
	*out = s->reader.ev;
	return true;
}

bool ps_samples_get(struct ps_samples *s, uint32_t ref, struct ps_event *out, struct ps_str *json)
{
	if (!ps_samples_json(s, ref, json))
		return false;
	if (s->held[ref % s->cap].len)
		return read_back(s, *json, out);
	const struct slot *sl = &s->slots[ref % s->cap];
	const struct scalars *sc = &sl->h.sc;
	ps_event_init(out);
	out->time_us = sc->time_us;
	out->pid = sc->pid;
	out->ppid = sc->ppid;
	out->sender_uid = sc->sender_uid;
	out->login_uid = sc->login_uid;
	out->duration_s = sc->duration_s;
	out->src_as.number = sc->src_asn;
	out->line = sc->line;
	out->src_ip = sc->src_ip;
	out->dst_ip = sc->dst_ip;
	out->src_port = sc->src_port;
	out->dst_port = sc->dst_port;
	out->count = sc->count;
	out->kind = (enum ps_kind)sc->kind;
	out->outcome = (enum ps_outcome)sc->outcome;
	out->reason = (enum ps_reason)sc->reason;
	out->action = (enum ps_action)sc->action;
	out->ambiguous = sc->ambiguous;
	size_t used = 0;
	for (size_t i = 0; i < N_TEXT; i++) {
		if (sl->h.len[i] == UNSET)
			continue;
		*field(out, i) = ps_str(sl->text + used, sl->h.len[i]);
		used += sl->h.len[i];
	}
	return true;
}
