/*
 * Reverse DNS of source addresses, off the event path.
 *
 * A thread of its own asks DNS for PTR records (libresolv's res_nquery,
 * with the configured timeout per server and one try); the event path
 * only reads a cache. An address not in the cache is queued and the event
 * goes on without a name: a later event from the same address gets it.
 * So an alert never waits for DNS.
 *
 * The name is what the address's owner put in DNS: untrusted, unverified
 * (no forward check), kept only when it is a plausible host name (letters,
 * digits, '-', '_', '.', at most 253 bytes).
 *
 * Bounded: PS_RDNS_QUEUE addresses waiting (more are dropped and asked
 * again by a later event), PS_RDNS_CACHE cached answers (a name for an
 * hour, "no name" for five minutes; the least recently used makes room).
 */
#ifndef PS_ENRICH_RDNS_H
#define PS_ENRICH_RDNS_H

#include <stddef.h>
#include <stdint.h>

#include "util/ip.h"

#define PS_RDNS_QUEUE 64
#define PS_RDNS_CACHE 1024

struct ps_rdns;

/* The PTR name of ip into name (size bytes), its length, or 0 for none. May block. */
typedef size_t (*ps_rdns_resolve_fn)(const struct ps_ip *ip, unsigned timeout_s, char *name, size_t size);

/* Starts the thread. Returns 0 or a negative errno. */
int ps_rdns_new(unsigned timeout_s, struct ps_rdns **out);
/* The same with another resolver (tests). */
int ps_rdns_new_with(unsigned timeout_s, ps_rdns_resolve_fn resolve, struct ps_rdns **out);
/* Stops the thread; waits for a query in progress (at most its timeout per server). */
void ps_rdns_free(struct ps_rdns *r);
void ps_rdns_set_timeout(struct ps_rdns *r, unsigned timeout_s);

/*
 * The cached name of ip, copied into buf (size >= 254), and its length;
 * 0 when there is none yet (then ip is queued, unless it is already) or
 * none at all. Never waits for DNS.
 */
size_t ps_rdns_get(struct ps_rdns *r, const struct ps_ip *ip, char *buf, size_t size);

/* Addresses queued for a lookup, and answers that gave a name, so far. */
void ps_rdns_stats(struct ps_rdns *r, uint64_t *asked, uint64_t *named);

/* The real resolver: a PTR query through libresolv. */
size_t ps_rdns_resolve_dns(const struct ps_ip *ip, unsigned timeout_s, char *name, size_t size);

#endif
