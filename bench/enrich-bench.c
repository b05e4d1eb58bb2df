/*
 * bench/enrich.sh's driver: nanoseconds per lookup.
 *
 *   enrich-bench CITY.mmdb ASN.mmdb ADDRESSES N
 *
 * Reads addresses (one per line) and looks each up N times over in a loop,
 * three ways, and prints ns per address for each:
 *   pamsignal   ps_geoip_city + ps_geoip_asn (what ps_enrich() does per event)
 *   libmaxminddb MMDB_lookup_sockaddr + MMDB_get_value of the same fields,
 *               straight from the library (the peer: the least a lookup costs)
 *   search-only MMDB_lookup_sockaddr alone (the tree walk, no field decoded)
 *
 *   enrich-bench --proc|--proc-tables PID REMOTE_IP REMOTE_PORT N
 *
 * Times ps_procnet_local() (the live daemon's search of /proc for a
 * connection's local end) N times for PID's connection with that remote end;
 * --proc-tables times its fallback, the socket tables' text (by naming
 * /proc as "/proc/.", which it does not take for the live one).
 */
#include <arpa/inet.h>
#include <maxminddb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enrich/geoip.h"
#include "enrich/procnet.h"

#define MAX_ADDRS 100000

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void to_sockaddr(const struct ps_ip *ip, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (ip->family == 4) {
		struct sockaddr_in *s = (struct sockaddr_in *)ss;
		s->sin_family = AF_INET;
		memcpy(&s->sin_addr, ip->a, 4);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;
		s->sin6_family = AF_INET6;
		memcpy(&s->sin6_addr, ip->a, 16);
	}
}

static int proc_bench(char **argv)
{
	struct ps_ip remote, local;
	int32_t port = -1;
	long n = atol(argv[5]);
	if (ps_ip_parse(ps_cstr(argv[3]), &remote) < 0 || n < 1)
		return 2;
	int found = 0;
	double t0 = now_ns();
	for (long i = 0; i < n; i++)
		found += ps_procnet_local(strcmp(argv[1], "--proc") == 0 ? "/proc" : "/proc/.", atoll(argv[2]), &remote,
					  atoi(argv[4]), &local, &port) == 1;
	double per = (now_ns() - t0) / (double)n;
	char buf[PS_IP_STRLEN];
	buf[found ? ps_ip_format(&local, buf) : 0] = '\0';
	printf("%s: %.1f us per connection (found %d of %ld; local end %s port %d)\n",
	       strcmp(argv[1], "--proc") == 0 ? "pidfd_getfd" : "socket tables", per / 1000, found, n, buf,
	       port);
	return found == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 6 && (strcmp(argv[1], "--proc") == 0 || strcmp(argv[1], "--proc-tables") == 0))
		return proc_bench(argv);
	if (argc != 5) {
		fprintf(stderr, "usage: enrich-bench CITY.mmdb ASN.mmdb ADDRESSES N\n");
		return 2;
	}
	static struct ps_ip addrs[MAX_ADDRS];
	static struct sockaddr_storage sas[MAX_ADDRS];
	size_t n = 0;
	char line[128];
	FILE *f = fopen(argv[3], "r");
	if (!f) {
		perror(argv[3]);
		return 1;
	}
	while (n < MAX_ADDRS && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (ps_ip_parse(ps_cstr(line), &addrs[n]) == 0) {
			to_sockaddr(&addrs[n], &sas[n]);
			n++;
		}
	}
	fclose(f);
	long rounds = atol(argv[4]);
	char err[256];
	struct ps_geoip *city, *asn;
	if (n == 0 || rounds < 1 || ps_geoip_open(argv[1], &city, err, sizeof(err)) < 0 ||
	    ps_geoip_open(argv[2], &asn, err, sizeof(err)) < 0) {
		fprintf(stderr, "enrich-bench: %s\n", n ? err : "no addresses");
		return 1;
	}
	MMDB_s mc, ma;
	if (MMDB_open(argv[1], MMDB_MODE_MMAP, &mc) != MMDB_SUCCESS || MMDB_open(argv[2], MMDB_MODE_MMAP, &ma) != MMDB_SUCCESS)
		return 1;

	uint64_t found = 0;
	double t0 = now_ns();
	for (long r = 0; r < rounds; r++) {
		for (size_t i = 0; i < n; i++) {
			struct ps_geo geo = { 0 };
			struct ps_as as = { -1, PS_STR_NULL };
			ps_geoip_city(city, &addrs[i], &geo);
			ps_geoip_asn(asn, &addrs[i], &as);
			found += ps_set(geo.country_iso_code) + (as.number >= 0);
		}
	}
	double ours = (now_ns() - t0) / ((double)rounds * (double)n);

	uint64_t found_lib = 0;
	t0 = now_ns();
	for (long r = 0; r < rounds; r++) {
		for (size_t i = 0; i < n; i++) {
			int e;
			MMDB_entry_data_s d;
			MMDB_lookup_result_s res = MMDB_lookup_sockaddr(&mc, (struct sockaddr *)&sas[i], &e);
			if (e == MMDB_SUCCESS && res.found_entry) {
				found_lib += MMDB_get_value(&res.entry, &d, "country", "iso_code", NULL) == MMDB_SUCCESS && d.has_data;
				MMDB_get_value(&res.entry, &d, "country", "names", "en", NULL);
				MMDB_get_value(&res.entry, &d, "city", "names", "en", NULL);
			}
			res = MMDB_lookup_sockaddr(&ma, (struct sockaddr *)&sas[i], &e);
			if (e == MMDB_SUCCESS && res.found_entry) {
				found_lib += MMDB_get_value(&res.entry, &d, "autonomous_system_number", NULL) == MMDB_SUCCESS &&
					     d.has_data;
				MMDB_get_value(&res.entry, &d, "autonomous_system_organization", NULL);
			}
		}
	}
	double lib = (now_ns() - t0) / ((double)rounds * (double)n);

	uint64_t hits = 0;
	t0 = now_ns();
	for (long r = 0; r < rounds; r++) {
		for (size_t i = 0; i < n; i++) {
			int e;
			hits += MMDB_lookup_sockaddr(&mc, (struct sockaddr *)&sas[i], &e).found_entry;
			hits += MMDB_lookup_sockaddr(&ma, (struct sockaddr *)&sas[i], &e).found_entry;
		}
	}
	double search = (now_ns() - t0) / ((double)rounds * (double)n);

	printf("addresses %zu, rounds %ld, found %llu/%llu\n", n, rounds, (unsigned long long)found,
	       (unsigned long long)found_lib);
	printf("pamsignal (city+asn, UTF-8 checked)  %7.0f ns/address\n", ours);
	printf("libmaxminddb get_value, same fields  %7.0f ns/address\n", lib);
	printf("libmaxminddb search only (2 trees)   %7.0f ns/address (%llu hits)\n", search, (unsigned long long)hits);
	MMDB_close(&mc);
	MMDB_close(&ma);
	ps_geoip_close(city);
	ps_geoip_close(asn);
	return 0;
}
