/*
 * GeoIP and ASN lookups in MaxMind DB (.mmdb) files through libmaxminddb:
 * GeoLite2-City, GeoLite2-Country, GeoLite2-ASN and DB-IP's Lite
 * databases (which use the same field names).
 *
 * A database is mmap'd (MMDB_MODE_MMAP): a lookup walks the search tree
 * and reads a few fields, about a microsecond, no I/O and no allocation.
 * Strings handed back point into the mapping and are valid until
 * ps_geoip_close(); each is checked to be valid UTF-8 of at most
 * PS_GEOIP_TEXT_MAX bytes, else left out (the file is input like any other).
 * A database is read by one thread at a time.
 */
#ifndef PS_ENRICH_GEOIP_H
#define PS_ENRICH_GEOIP_H

#include <stddef.h>
#include <stdint.h>

#include "event/event.h"
#include "util/ip.h"

#define PS_GEOIP_TEXT_MAX 200

struct ps_geoip;

/*
 * Open path. Returns 0, or a negative errno with a sentence in err (the
 * file cannot be read, or is not a MaxMind DB).
 */
int ps_geoip_open(const char *path, struct ps_geoip **out, char *err, size_t err_size);
void ps_geoip_close(struct ps_geoip *g);

/* The country (falling back to the registered country) and city of ip; what is not found stays unset. */
void ps_geoip_city(struct ps_geoip *g, const struct ps_ip *ip, struct ps_geo *geo);
/* The autonomous system of ip; what is not found stays unset. */
void ps_geoip_asn(struct ps_geoip *g, const struct ps_ip *ip, struct ps_as *as);

/* "GeoLite2-City, built 2026-01-06" for status and check-config. */
void ps_geoip_describe(const struct ps_geoip *g, char *buf, size_t size);

/* Strings left out because they were not valid UTF-8 (or too long), since open. */
uint64_t ps_geoip_rejected(const struct ps_geoip *g);

#endif
