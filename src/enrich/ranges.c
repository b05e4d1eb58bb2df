#include "enrich/ranges.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NONE 0 /* node 0 is never used: a child index of 0 means "no child" */
#define NO_LABEL UINT32_MAX

struct node {
	uint8_t key[16];   /* the prefix's bits; those past len are zero */
	uint8_t len;       /* prefix length in bits */
	uint32_t label;    /* index in labels, or NO_LABEL (a branching point only) */
	uint32_t child[2]; /* by the bit after the prefix */
};

struct label {
	uint32_t off;
	uint32_t len;
};

struct ps_ranges {
	struct node *nodes;
	uint32_t n_nodes, cap_nodes;
	uint32_t root[2];  /* IPv4, IPv6 */
	struct label *labels;
	uint32_t n_labels, cap_labels;
	char *pool;
	size_t pool_len, pool_cap;
	size_t blocks;
};

struct ps_ranges *ps_ranges_new(void)
{
	struct ps_ranges *r = calloc(1, sizeof(*r));
	if (r)
		r->n_nodes = 1; /* NONE */
	return r;
}

void ps_ranges_free(struct ps_ranges *r)
{
	if (!r)
		return;
	free(r->nodes);
	free(r->labels);
	free(r->pool);
	free(r);
}

size_t ps_ranges_count(const struct ps_ranges *r)
{
	return r->blocks;
}

static bool bit(const uint8_t *k, unsigned i)
{
	return (k[i / 8] >> (7 - i % 8)) & 1;
}

/* How many leading bits a and b share, at most max. */
static unsigned common(const uint8_t *a, const uint8_t *b, unsigned max)
{
	unsigned i = 0;
	while (i + 8 <= max && a[i / 8] == b[i / 8])
		i += 8;
	while (i < max && bit(a, i) == bit(b, i))
		i++;
	return i;
}

static void truncate_key(uint8_t out[16], const uint8_t *in, unsigned len)
{
	memset(out, 0, 16);
	memcpy(out, in, (len + 7) / 8);
	if (len % 8)
		out[len / 8] &= (uint8_t)(0xff00u >> (len % 8));
}

/* A node in room reserved by ps_ranges_add(). */
static uint32_t new_node(struct ps_ranges *r, const uint8_t *key, unsigned len, uint32_t label)
{
	struct node *n = &r->nodes[r->n_nodes];
	truncate_key(n->key, key, len);
	n->len = (uint8_t)len;
	n->label = label;
	n->child[0] = n->child[1] = NONE;
	return r->n_nodes++;
}

/* The label's index: the last one again when it is the same (range files come grouped by label). */
static int intern(struct ps_ranges *r, struct ps_str label, uint32_t *out)
{
	if (r->n_labels) {
		const struct label *l = &r->labels[r->n_labels - 1];
		if (l->len == label.n && memcmp(r->pool + l->off, label.p, label.n) == 0) {
			*out = r->n_labels - 1;
			return 0;
		}
	}
	if (r->n_labels == r->cap_labels) {
		uint32_t cap = r->cap_labels ? r->cap_labels * 2 : 64;
		struct label *v = realloc(r->labels, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		r->labels = v;
		r->cap_labels = cap;
	}
	if (r->pool_cap - r->pool_len < label.n) {
		size_t cap = r->pool_cap ? r->pool_cap * 2 : 4096;
		while (cap - r->pool_len < label.n)
			cap *= 2;
		char *p = realloc(r->pool, cap);
		if (!p)
			return -ENOMEM;
		r->pool = p;
		r->pool_cap = cap;
	}
	memcpy(r->pool + r->pool_len, label.p, label.n);
	r->labels[r->n_labels] = (struct label){ (uint32_t)r->pool_len, (uint32_t)label.n };
	r->pool_len += label.n;
	*out = r->n_labels++;
	return 0;
}

int ps_ranges_add(struct ps_ranges *r, const struct ps_ip *net, unsigned prefix, struct ps_str label)
{
	unsigned bits = net->family == 4 ? 32 : 128;
	if ((net->family != 4 && net->family != 6) || prefix > bits)
		return -EINVAL;
	if (r->blocks >= PS_RANGES_MAX)
		return -ENOSPC;
	/* Room for the two nodes an insertion may make, so that it cannot fail halfway. */
	if (r->n_nodes + 2 > r->cap_nodes) {
		uint32_t need = r->n_nodes + 2;
		uint32_t cap = r->cap_nodes ? r->cap_nodes : 256;
		while (cap < need)
			cap *= 2;
		struct node *v = realloc(r->nodes, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		r->nodes = v;
		r->cap_nodes = cap;
	}
	uint32_t li;
	if (intern(r, label, &li) < 0)
		return -ENOMEM;
	const uint8_t *k = net->a;
	uint32_t *link = &r->root[net->family == 6];
	while (*link != NONE) {
		struct node *n = &r->nodes[*link];
		unsigned max = n->len < prefix ? n->len : prefix;
		unsigned c = common(k, n->key, max);
		if (c < n->len) {
			/* The new block branches off inside n's prefix: a node for the shared part goes above n. */
			uint32_t old = *link;
			bool old_bit = bit(n->key, c);
			uint32_t mid = new_node(r, k, c, c == prefix ? li : NO_LABEL);
			r->nodes[mid].child[old_bit] = old;
			if (c < prefix)
				r->nodes[mid].child[!old_bit] = new_node(r, k, prefix, li);
			*link = mid;
			r->blocks++;
			return 1;
		}
		if (prefix == n->len) {
			if (n->label != NO_LABEL)
				return 0;
			n->label = li;
			r->blocks++;
			return 1;
		}
		link = &n->child[bit(k, n->len)];
	}
	*link = new_node(r, k, prefix, li);
	r->blocks++;
	return 1;
}

struct ps_str ps_ranges_lookup(const struct ps_ranges *r, const struct ps_ip *ip)
{
	if (ip->family != 4 && ip->family != 6)
		return PS_STR_NULL;
	unsigned bits = ip->family == 4 ? 32 : 128;
	uint32_t best = NO_LABEL, i = r->root[ip->family == 6];
	while (i != NONE) {
		const struct node *n = &r->nodes[i];
		if (common(ip->a, n->key, n->len) < n->len)
			break;
		if (n->label != NO_LABEL)
			best = n->label;
		if (n->len >= bits)
			break;
		i = n->child[bit(ip->a, n->len)];
	}
	if (best == NO_LABEL)
		return PS_STR_NULL;
	return ps_str(r->pool + r->labels[best].off, r->labels[best].len);
}
