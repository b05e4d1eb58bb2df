#include "sink/chain.h"

#include <errno.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

struct ps_chain {
	EVP_MD *md;             /* plain: SHA-256, fetched once */
	EVP_MD_CTX *md_ctx;
	EVP_MAC *mac;           /* keyed: HMAC with SHA-256, its key set once */
	EVP_MAC_CTX *mac_ctx;
};

int ps_chain_new(struct ps_chain **out, const void *key, size_t key_len)
{
	struct ps_chain *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	bool ok;
	if (key) {
		char digest[] = "SHA256";
		OSSL_PARAM params[] = {
			OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
			OSSL_PARAM_construct_end(),
		};
		/* EVP_MAC_init copies the key into the context; a later init with a NULL key reuses it. */
		ok = (c->mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) && (c->mac_ctx = EVP_MAC_CTX_new(c->mac)) &&
		     EVP_MAC_init(c->mac_ctx, key, key_len, params);
	} else {
		ok = (c->md = EVP_MD_fetch(NULL, "SHA256", NULL)) && (c->md_ctx = EVP_MD_CTX_new());
	}
	if (!ok) {
		ps_chain_free(c);
		return -EIO;
	}
	*out = c;
	return 0;
}

void ps_chain_free(struct ps_chain *c)
{
	if (!c)
		return;
	EVP_MD_CTX_free(c->md_ctx);
	EVP_MD_free(c->md);
	EVP_MAC_CTX_free(c->mac_ctx); /* cleanses the key */
	EVP_MAC_free(c->mac);
	free(c);
}

bool ps_chain_keyed(const struct ps_chain *c) { return c->mac_ctx != NULL; }

int ps_chain_value(struct ps_chain *c, const unsigned char prev[PS_CHAIN_LEN], struct ps_str body,
		   unsigned char out[PS_CHAIN_LEN])
{
	bool ok;
	if (c->mac_ctx) {
		size_t n = 0;
		ok = EVP_MAC_init(c->mac_ctx, NULL, 0, NULL) && EVP_MAC_update(c->mac_ctx, prev, PS_CHAIN_LEN) &&
		     EVP_MAC_update(c->mac_ctx, (const unsigned char *)body.p, body.n) &&
		     EVP_MAC_final(c->mac_ctx, out, &n, PS_CHAIN_LEN) && n == PS_CHAIN_LEN;
	} else {
		unsigned n = 0;
		ok = EVP_DigestInit_ex(c->md_ctx, c->md, NULL) && EVP_DigestUpdate(c->md_ctx, prev, PS_CHAIN_LEN) &&
		     EVP_DigestUpdate(c->md_ctx, body.p, body.n) && EVP_DigestFinal_ex(c->md_ctx, out, &n) &&
		     n == PS_CHAIN_LEN;
	}
	return ok ? 0 : -EIO;
}

void ps_chain_seal(struct ps_chain *c, struct ps_chain_head *head, struct ps_out *o, size_t start,
		   bool opens_file)
{
	unsigned char value[PS_CHAIN_LEN];

	if (o->error)
		return;
	if (o->len < start + 2 || memcmp(o->buf + o->len - 2, "}\n", 2) != 0) {
		o->error = -EINVAL; /* not a record from our writers: a bug, never written unsealed */
		return;
	}
	o->len -= 2;
	ps_out_puts(o, ",\"seq\":");
	ps_out_u64(o, head->seq + 1);
	if (opens_file) {
		ps_out_puts(o, ",\"prev\":\"");
		ps_out_hex(o, head->value, PS_CHAIN_LEN);
		ps_out_putc(o, '"');
	}
	if (o->error)
		return;
	if (ps_chain_value(c, head->value, ps_str(o->buf + start, o->len - start), value) < 0) {
		o->error = -EIO;
		return;
	}
	ps_out_puts(o, ps_chain_keyed(c) ? ",\"hmac\":\"" : ",\"hash\":\"");
	ps_out_hex(o, value, PS_CHAIN_LEN);
	ps_out_puts(o, "\"}\n");
	head->seq++;
	memcpy(head->value, value, PS_CHAIN_LEN);
	head->keyed = ps_chain_keyed(c);
}

char *ps_chain_format_hex(const unsigned char value[PS_CHAIN_LEN], char out[PS_CHAIN_HEX_SIZE])
{
	struct ps_out o = { .buf = out, .cap = PS_CHAIN_HEX_SIZE, .fd = -1 }; /* fits: never grows */
	ps_out_hex(&o, value, PS_CHAIN_LEN);
	out[o.len] = '\0';
	return out;
}

bool ps_chain_hex(struct ps_str s, unsigned char out[PS_CHAIN_LEN])
{
	if (s.n != 2 * PS_CHAIN_LEN)
		return false;
	for (size_t i = 0; i < 2 * PS_CHAIN_LEN; i++)
		if (ps_hex_digit(s.p[i]) < 0 || (s.p[i] >= 'A' && s.p[i] <= 'F'))
			return false;
	for (size_t i = 0; i < PS_CHAIN_LEN; i++)
		out[i] = (unsigned char)(ps_hex_digit(s.p[2 * i]) << 4 | ps_hex_digit(s.p[2 * i + 1]));
	return true;
}

#define HEX_LEN (2 * PS_CHAIN_LEN)

static bool take_hex(const char *p, unsigned char out[PS_CHAIN_LEN])
{
	return ps_chain_hex(ps_str(p, HEX_LEN), out);
}

int ps_chain_parse(struct ps_str line, struct ps_chain_record *r)
{
	static const char hash_key[] = ",\"hash\":\"", hmac_key[] = ",\"hmac\":\"", prev_key[] = ",\"prev\":\"";
	const size_t key_len = sizeof(hash_key) - 1; /* the three keys have the same length */
	struct ps_str s = line;

	memset(r, 0, sizeof(*r));
	/* ,"hash":"H"} */
	if (s.n < key_len + HEX_LEN + 2 || !ps_ends(s, "\"}"))
		return -EBADMSG;
	const char *k = s.p + s.n - 2 - HEX_LEN - key_len;
	if (memcmp(k, hash_key, key_len) == 0)
		r->keyed = false;
	else if (memcmp(k, hmac_key, key_len) == 0)
		r->keyed = true;
	else
		return -EBADMSG;
	if (!take_hex(k + key_len, r->value))
		return -EBADMSG;
	s.n = (size_t)(k - s.p);
	r->body = s;
	/* ,"prev":"P" */
	if (s.n >= key_len + HEX_LEN + 1 && s.p[s.n - 1] == '"') {
		const char *pk = s.p + s.n - 1 - HEX_LEN - key_len;
		if (memcmp(pk, prev_key, key_len) == 0) {
			if (!take_hex(pk + key_len, r->prev))
				return -EBADMSG;
			r->has_prev = true;
			s.n = (size_t)(pk - s.p);
		}
	}
	/* ,"seq":N */
	size_t digits = 0;
	while (digits < s.n && digits <= 20 && s.p[s.n - 1 - digits] >= '0' && s.p[s.n - 1 - digits] <= '9')
		digits++;
	if (digits == 0 || digits > 20 || s.p[s.n - digits] == '0')
		return -EBADMSG;
	struct ps_str num = ps_str(s.p + s.n - digits, digits);
	s.n -= digits;
	if (!ps_ends(s, ",\"seq\":") || ps_parse_u64(num, UINT64_MAX, &r->seq) < 0)
		return -EBADMSG;
	return 0;
}
