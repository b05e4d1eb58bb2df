/* Turning an incident into an alert, and the key helpers every rule uses. */
#include <string.h>

#include "detect/internal.h"

uint64_t ps_det_hash(const struct ps_detector *d, struct ps_str s)
{
	return ps_siphash(&d->sip, s.p ? s.p : "", s.n) | 1; /* never 0: 0 means "none" in sets */
}

/* The first `keep` bits (0..64) of 8 bytes, in address order; the rest zero. */
static void keep_bits(uint8_t *dst, const uint8_t *src, unsigned keep)
{
	uint64_t w;
	memcpy(&w, src, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	w = keep ? w & ~UINT64_C(0) << (64 - keep) : 0;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	memcpy(dst, &w, 8);
}

static void ip_key(struct ip_key *k, const struct ps_ip *ip, unsigned prefix4, unsigned prefix6)
{
	memset(k, 0, sizeof(*k));
	if (!ip->family)
		return;
	unsigned bits = ip->family == 4 ? 32 : 128, prefix = ip->family == 4 ? prefix4 : prefix6;
	if (prefix >= bits)
		prefix = bits;
	k->family = ip->family;
	k->prefix = (uint8_t)(prefix < bits ? prefix : 0);
	/* Whole words, not a copy of (prefix + 7) / 8 bytes and a mask: every
	 * attempt makes two of these. */
	keep_bits(k->a, ip->a, prefix < 64 ? prefix : 64);
	keep_bits(k->a + 8, ip->a + 8, prefix > 64 ? prefix - 64 : 0);
}

static bool same_ip_key(const struct ip_key *a, const struct ip_key *b)
{
	uint64_t a0, a1, b0, b1;
	memcpy(&a0, a->a, 8);
	memcpy(&a1, a->a + 8, 8);
	memcpy(&b0, b->a, 8);
	memcpy(&b1, b->a + 8, 8);
	return a->family == b->family && a->prefix == b->prefix && a0 == b0 && a1 == b1;
}

void ps_det_forget_hashes(struct ps_detector *d)
{
	d->last_host.n = d->last_user.n = SIZE_MAX;
	d->last_src.key.family = d->last_net.key.family = 0;
}

void ps_det_ip_key(struct ip_key *k, const struct ps_ip *ip, unsigned prefix4, unsigned prefix6)
{
	ip_key(k, ip, prefix4, prefix6);
}

/* The hash of an ip_key, the last one's kept: an attack's lines come in runs. */
static uint64_t ip_key_hash(const struct ps_detector *d, struct last_key *last, const struct ip_key *k)
{
	if (last->key.family && same_ip_key(k, &last->key))
		return last->hash;
	last->key = *k;
	last->hash = ps_siphash(&d->sip, k, sizeof(*k));
	return last->hash;
}

void ps_det_make_src(struct ps_detector *d)
{
	ip_key(&d->src, &d->cur->src_ip, 32, 128);
	d->src_hash = ip_key_hash(d, &d->last_src, &d->src);
	d->have |= HAVE_SRC;
}

uint64_t ps_det_net_hash(struct ps_detector *d, const struct ip_key *net)
{
	return ip_key_hash(d, &d->last_net, net);
}

/* The hash of s (ps_det_hash), the last one's kept: most lines of a log
 * name one host, and a brute force tries one user again and again. */
static uint64_t text_hash(const struct ps_detector *d, struct last_text *last, struct ps_str s)
{
	if (ps_set(s) && s.n == last->n && ps_same_bytes(s.p, last->text, s.n))
		return last->hash;
	uint64_t h = ps_det_hash(d, s);
	last->n = SIZE_MAX;
	if (ps_set(s) && s.n <= sizeof(last->text)) {
		if (s.n)
			memcpy(last->text, s.p, s.n);
		last->n = s.n;
		last->hash = h;
	}
	return h;
}

void ps_det_make_host_hash(struct ps_detector *d)
{
	d->host_hash = text_hash(d, &d->last_host, d->cur->host);
	d->have |= HAVE_HOST;
}

void ps_det_make_user_hash(struct ps_detector *d)
{
	d->user_hash = text_hash(d, &d->last_user, d->cur->user);
	d->have |= HAVE_USER;
}

void ps_det_key_ip(struct ps_alert *a, const void *key)
{
	const struct ip_key *k = key;
	a->src_ip.family = k->family;
	memcpy(a->src_ip.a, k->a, sizeof(k->a));
}

void ps_det_say_name(struct ps_alert *a, const char *before, struct ps_str name, const char *after)
{
	ps_alert_say(a, before);
	ps_alert_say(a, "'");
	ps_alert_say_str(a, name, 64);
	ps_alert_say(a, "'");
	ps_alert_say(a, after);
}

void ps_det_say_count(struct ps_alert *a, const char *before, const char *after)
{
	if (a->count > 1) {
		ps_alert_say(a, before);
		ps_alert_say_u64(a, a->count);
		ps_alert_say(a, after);
	}
}

uint64_t ps_det_mix(uint64_t a, uint64_t b)
{
	/* A multiply-xorshift finaliser (as in SplitMix64): a and b are already
	 * unpredictable, it only has to spread them over the bits. */
	uint64_t x = a ^ (b * 0x9e3779b97f4a7c15ULL);
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ULL;
	return x ^ (x >> 32);
}

uint64_t ps_det_hash_name_key(const struct ps_sipkey *sip, const void *key)
{
	const struct name_key *k = key;
	(void)sip;
	return ps_det_mix(k->host_hash, k->name_hash);
}

static void name_key(struct name_key *k, uint64_t host_hash, uint64_t name_hash, struct ps_str name)
{
	memset(k, 0, sizeof(*k));
	k->host_hash = host_hash;
	k->name_hash = name_hash;
	size_t n = name.n;
	if (n > NAME_SHOWN) {
		n = NAME_SHOWN;
		while (n > 0 && ((unsigned char)name.p[n] & 0xc0) == 0x80)
			n--;
		k->cut = 1;
	}
	if (n)
		memcpy(k->shown, name.p, n);
	k->len = (uint8_t)n;
}

void ps_det_name_key(const struct ps_detector *d, struct name_key *k, struct ps_str host, struct ps_str name)
{
	name_key(k, ps_det_hash(d, host), ps_det_hash(d, name), name);
}

void ps_det_user_key(struct ps_detector *d, struct name_key *k)
{
	name_key(k, ps_det_host_hash(d), ps_det_user_hash(d), d->cur->user);
}

struct ps_str ps_det_name_shown(const struct name_key *k)
{
	return ps_str(k->shown, k->len);
}

void ps_det_emit(struct ps_detector *d, struct rule_rt *r, struct entry *e, const void *key,
		 const struct ps_event *ev, bool update, int64_t time_us)
{
	struct incident *inc = &e->inc;
	struct ps_alert a;
	struct ps_event copies[PS_ALERT_MAX_SAMPLES], latest_copy;
	bool cur_sampled = false;

	ps_alert_init(&a, r->id, r->cfg->severity);
	a.update = update;
	a.time_us = time_us;
	a.count = inc->count;
	a.window_s = r->cfg->window_s;
	a.first_seen_us = inc->first_us;
	a.last_seen_us = inc->last_us;
	for (unsigned i = 0; i < PS_ALERT_MAX_MITRE && r->mitre[i]; i++)
		a.mitre[a.n_mitre++] = r->mitre[i];

	/* Samples kept as their JSON are shown as that (events[] NULL), and
	 * read back only to describe an update that has no current event. */
	const struct ps_event *latest = ev;
	uint32_t latest_ref = 0;
	for (unsigned i = 0; i < inc->n_samples; i++) {
		uint32_t ref = inc->samples[i];
		unsigned k = a.n_events;
		if (!ps_samples_json(d->samples, ref, &a.events_json[k]))
			continue; /* overwritten by newer samples */
		if (!ps_set(a.events_json[k]) && !ps_samples_get(d->samples, ref, &copies[k], &a.events_json[k]))
			continue;
		a.events[a.n_events++] = ps_set(a.events_json[k]) ? NULL : &copies[k];
		if (ev && ref == d->cur_ref)
			cur_sampled = true;
		if (!ev) {
			latest = a.events[k];
			latest_ref = ref;
		}
	}
	if (!latest && latest_ref) {
		struct ps_str json;
		latest = ps_samples_get(d->samples, latest_ref, &latest_copy, &json) ? &latest_copy : NULL;
	}
	if (ev && !cur_sampled && d->n_samples > 0) {
		a.events_json[a.n_events] = ev == d->cur ? d->cur_json : (struct ps_str){ 0 };
		a.events[a.n_events++] = ev;
	}
	if (latest) {
		a.host = latest->host;
		a.service = latest->service;
	}
	struct alert_ctx ctx = { d, r, e, key, latest };
	r->describe(&a, &ctx);
	/* What enrichment knows of the source, when the alert names the event's. */
	if (latest && a.src_ip.family && memcmp(&a.src_ip, &latest->src_ip, sizeof(a.src_ip)) == 0) {
		a.src_geo = latest->src_geo;
		a.src_as = latest->src_as;
		a.src_provider = latest->src_provider;
	}

	d->alerts++;
	if (d->fn) {
		int rc = d->fn(&a, d->fn_arg);
		if (rc < 0 && !d->fn_err)
			d->fn_err = rc;
	}
	inc->alerted_us = time_us;
	inc->alerted_count = inc->count;
}
