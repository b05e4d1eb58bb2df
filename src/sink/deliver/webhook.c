/*
 * The generic webhook: the alert or event JSON as it was submitted,
 * signed the Standard Webhooks way (github.com/standard-webhooks,
 * spec/standard-webhooks.md):
 *
 *   webhook-id:        the alert's stable id (receivers deduplicate on it)
 *   webhook-timestamp: Unix seconds of this attempt
 *   webhook-signature: v1,base64(HMAC-SHA256(key, id "." timestamp "." body))
 *
 * The key is secret_file's contents: after a "whsec_" prefix, base64 (as
 * the spec serialises secrets), else the bytes as they are. A digest is
 * sent as {"type":"digest",...} with the same headers.
 */
#include <errno.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

#include "sink/deliver/channels.h"
#include "util/timeconv.h"

/* The HMAC key, decoded into key (at least as large as the secret). */
static size_t signing_key(const struct ps_channel_config *ch, unsigned char *key)
{
	const char *s = ch->signing_key;
	size_t n = ch->signing_key_len;
	if (n > 6 && memcmp(s, "whsec_", 6) == 0) {
		size_t b = n - 6;
		int len = EVP_DecodeBlock(key, (const unsigned char *)s + 6, (int)b);
		if (len > 0 && b % 4 == 0) {
			/* EVP_DecodeBlock counts padding as zero bytes. */
			len -= (s[n - 1] == '=') + (s[n - 2] == '=');
			return (size_t)len;
		}
	}
	memcpy(key, s, n);
	return n;
}

static void digest_body(struct ps_out *o, const struct ps_msg *m)
{
	const struct ps_digest *d = m->digest;
	ps_out_puts(o, "{\"type\":\"digest\"");
	ps_json_member(o, "id", ps_cstr(m->id));
	ps_json_member(o, "severity", ps_cstr(ps_severity_name(d->severity)));
	ps_out_puts(o, ",\"count\":");
	ps_out_u64(o, d->total);
	ps_out_puts(o, ",\"first_queued\":\"");
	ps_out_rfc3339(o, d->first_us);
	ps_out_puts(o, "\",\"last_queued\":\"");
	ps_out_rfc3339(o, d->last_us);
	ps_out_puts(o, "\",\"groups\":[");
	for (size_t i = 0; i < d->n; i++) {
		ps_out_puts(o, i ? ",{\"what\":" : "{\"what\":");
		ps_out_json_str(o, ps_cstr(d->g[i].what));
		if (d->g[i].src[0])
			ps_json_member(o, "src_ip", ps_cstr(d->g[i].src));
		ps_out_puts(o, ",\"count\":");
		ps_out_u64(o, d->g[i].count);
		ps_out_putc(o, '}');
	}
	ps_out_puts(o, "],\"other\":");
	ps_out_u64(o, d->other);
	ps_out_putc(o, '}');
}

void ps_msg_json(struct ps_out *o, const struct ps_msg *m)
{
	if (m->digest)
		digest_body(o, m);
	else
		ps_out_put(o, m->alert->json, m->alert->json_len);
}

int ps_build_webhook(const struct ps_msg *m, int64_t now_s, struct ps_request *req)
{
	const struct ps_channel_config *ch = m->ch;
	int r = ps_request_url(req, ps_channel_url(ch), "");
	if (r < 0)
		return r;
	ps_msg_json(&req->body, m);
	char ts[24];
	snprintf(ts, sizeof(ts), "%lld", (long long)now_s);
	if ((r = ps_request_header(req, "Content-Type: application/json")) < 0 ||
	    (r = ps_request_header(req, "webhook-id: %s", m->id)) < 0 ||
	    (r = ps_request_header(req, "webhook-timestamp: %s", ts)) < 0)
		return r;
	if (!ch->signing_key)
		return 0;
	unsigned char key[4096], mac[EVP_MAX_MD_SIZE];
	unsigned mac_len = 0;
	size_t key_len = signing_key(ch, key);
	struct ps_out msg;
	ps_out_init_mem(&msg);
	ps_out_puts(&msg, m->id);
	ps_out_putc(&msg, '.');
	ps_out_puts(&msg, ts);
	ps_out_putc(&msg, '.');
	ps_out_put(&msg, req->body.buf, req->body.len);
	bool ok = !msg.error && HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)msg.buf, msg.len, mac,
				     &mac_len) != NULL;
	ps_out_free(&msg);
	explicit_bzero(key, sizeof(key));
	if (!ok)
		return -ENOMEM;
	struct ps_out sig;
	ps_out_init_mem(&sig);
	ps_out_base64(&sig, mac, mac_len);
	r = ps_request_header(req, "webhook-signature: v1,%.*s", (int)sig.len, sig.buf ? sig.buf : "");
	ps_out_free(&sig);
	return r;
}
