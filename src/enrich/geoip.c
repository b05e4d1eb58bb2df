#include "enrich/geoip.h"

#include <arpa/inet.h>
#include <errno.h>
#include <maxminddb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/utf8.h"

struct ps_geoip {
	MMDB_s db;
	uint64_t rejected;
};

int ps_geoip_open(const char *path, struct ps_geoip **out, char *err, size_t err_size)
{
	struct ps_geoip *g = calloc(1, sizeof(*g));
	*out = NULL;
	if (!g) {
		snprintf(err, err_size, "out of memory");
		return -ENOMEM;
	}
	errno = 0;
	int st = MMDB_open(path, MMDB_MODE_MMAP, &g->db);
	if (st != MMDB_SUCCESS) {
		int e = errno;
		if (st == MMDB_FILE_OPEN_ERROR && e)
			snprintf(err, err_size, "cannot open %s: %s", path, strerror(e));
		else
			snprintf(err, err_size, "%s is not a MaxMind DB file: %s", path, MMDB_strerror(st));
		free(g);
		return st == MMDB_FILE_OPEN_ERROR && e ? -e : -EINVAL;
	}
	*out = g;
	return 0;
}

void ps_geoip_close(struct ps_geoip *g)
{
	if (!g)
		return;
	MMDB_close(&g->db);
	free(g);
}

void ps_geoip_describe(const struct ps_geoip *g, char *buf, size_t size)
{
	time_t t = (time_t)g->db.metadata.build_epoch;
	struct tm tm;
	char day[16] = "?";
	if (gmtime_r(&t, &tm))
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	/* The type is the file's own text: keep only printable ASCII of it. */
	char type[64];
	size_t n = 0;
	for (const char *c = g->db.metadata.database_type; c && *c && n + 1 < sizeof(type); c++)
		type[n++] = *c >= 0x20 && *c < 0x7f ? *c : '?';
	type[n] = '\0';
	snprintf(buf, size, "%s, IPv%u, built %s", n ? type : "(no type)", (unsigned)g->db.metadata.ip_version, day);
}

uint64_t ps_geoip_rejected(const struct ps_geoip *g)
{
	return g->rejected;
}

static bool lookup(struct ps_geoip *g, const struct ps_ip *ip, MMDB_entry_s *entry)
{
	struct sockaddr_in6 s6 = { 0 };
	struct sockaddr_in s4 = { 0 };
	const struct sockaddr *sa;
	if (ip->family == 4) {
		s4.sin_family = AF_INET;
		memcpy(&s4.sin_addr, ip->a, 4);
		sa = (const struct sockaddr *)&s4;
	} else if (ip->family == 6) {
		s6.sin6_family = AF_INET6;
		memcpy(&s6.sin6_addr, ip->a, 16);
		sa = (const struct sockaddr *)&s6;
	} else {
		return false;
	}
	int mmdb_err = 0;
	/* An IPv6 address in an IPv4-only database is an error, not a miss: both leave the event as it is. */
	MMDB_lookup_result_s res = MMDB_lookup_sockaddr(&g->db, sa, &mmdb_err);
	if (mmdb_err != MMDB_SUCCESS || !res.found_entry)
		return false;
	*entry = res.entry;
	return true;
}

/* The string at path under entry, if it is one and is fit to show. */
static struct ps_str text(struct ps_geoip *g, MMDB_entry_s *entry, const char *const *path)
{
	MMDB_entry_data_s d;
	if (MMDB_aget_value(entry, &d, path) != MMDB_SUCCESS || !d.has_data || d.type != MMDB_DATA_TYPE_UTF8_STRING ||
	    d.data_size == 0)
		return PS_STR_NULL;
	const unsigned char *p = (const unsigned char *)d.utf8_string;
	size_t n = d.data_size;
	bool ok = n <= PS_GEOIP_TEXT_MAX;
	for (size_t i = 0; ok && i < n;) {
		uint32_t cp;
		size_t len = ps_utf8_seq(p + i, n - i, &cp);
		ok = len > 0;
		i += len;
	}
	if (!ok) {
		g->rejected++;
		return PS_STR_NULL;
	}
	return ps_str(d.utf8_string, n);
}

void ps_geoip_city(struct ps_geoip *g, const struct ps_ip *ip, struct ps_geo *geo)
{
	static const char *const iso[] = { "country", "iso_code", NULL };
	static const char *const name[] = { "country", "names", "en", NULL };
	static const char *const reg_iso[] = { "registered_country", "iso_code", NULL };
	static const char *const reg_name[] = { "registered_country", "names", "en", NULL };
	static const char *const city[] = { "city", "names", "en", NULL };
	MMDB_entry_s e;
	if (!lookup(g, ip, &e))
		return;
	geo->country_iso_code = text(g, &e, iso);
	if (ps_set(geo->country_iso_code)) {
		geo->country_name = text(g, &e, name);
	} else {
		/* Anycast and satellite blocks have no located country, only a registered one. */
		geo->country_iso_code = text(g, &e, reg_iso);
		geo->country_name = text(g, &e, reg_name);
	}
	geo->city_name = text(g, &e, city);
}

void ps_geoip_asn(struct ps_geoip *g, const struct ps_ip *ip, struct ps_as *as)
{
	static const char *const number[] = { "autonomous_system_number", NULL };
	static const char *const org[] = { "autonomous_system_organization", NULL };
	MMDB_entry_s e;
	MMDB_entry_data_s d;
	if (!lookup(g, ip, &e))
		return;
	if (MMDB_aget_value(&e, &d, number) == MMDB_SUCCESS && d.has_data) {
		if (d.type == MMDB_DATA_TYPE_UINT32)
			as->number = d.uint32;
		else if (d.type == MMDB_DATA_TYPE_UINT16)
			as->number = d.uint16;
		else if (d.type == MMDB_DATA_TYPE_UINT64 && d.uint64 <= UINT32_MAX)
			as->number = (int64_t)d.uint64;
	}
	as->organization = text(g, &e, org);
}
