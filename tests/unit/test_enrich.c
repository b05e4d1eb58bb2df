/*
 * Enrichment: GeoIP/ASN lookups in the .mmdb files tests/mkmmdb.py wrote
 * (build/tests/test-*.mmdb), provider ranges (the trie and every file
 * format), sshd connections' destinations, /proc parsing on a fake /proc,
 * the reverse DNS cache, and the enricher as a whole, reload included.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "config/config.h"
#include "correlate/conn.h"
#include "enrich/enrich.h"
#include "enrich/geoip.h"
#include "enrich/procnet.h"
#include "enrich/ranges.h"
#include "enrich/rdns.h"
#include "sink/deliver/message.h"

static char tmpdir[] = "/tmp/pamsignal-enrich-test.XXXXXX";

static const char *db(const char *name)
{
	static char path[2][512];
	static int i;
	i ^= 1;
	const char *root = getenv("PS_BUILD_ROOT");
	snprintf(path[i], sizeof(path[i]), "%s/tests/%s", root ? root : "build", name);
	return path[i];
}

static struct ps_ip ip(const char *s)
{
	struct ps_ip a;
	assert_int_equal(ps_ip_parse(ps_cstr(s), &a), 0);
	return a;
}

static void write_file(const char *path, const char *text, size_t n)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, n, f), n);
	fclose(f);
}

/* ---- GeoIP ---- */

static void test_geoip_city(void **state)
{
	(void)state;
	struct ps_geoip *g;
	char err[256];
	assert_int_equal(ps_geoip_open(db("test-city.mmdb"), &g, err, sizeof(err)), 0);

	struct ps_geo geo = { 0 };
	struct ps_ip a = ip("192.0.2.77");
	ps_geoip_city(g, &a, &geo);
	assert_true(ps_eq_lit(geo.country_iso_code, "AU"));
	assert_true(ps_eq_lit(geo.country_name, "Australia"));
	assert_true(ps_eq_lit(geo.city_name, "Sydney"));

	/* The more specific IPv6 network wins; the /32 holds the rest. */
	memset(&geo, 0, sizeof(geo));
	a = ip("2001:db8:1::5");
	ps_geoip_city(g, &a, &geo);
	assert_true(ps_eq_lit(geo.city_name, "Wellington"));
	memset(&geo, 0, sizeof(geo));
	a = ip("2001:db8:ffff::5");
	ps_geoip_city(g, &a, &geo);
	assert_true(ps_eq_lit(geo.country_iso_code, "JP"));

	/* Only a registered country: that is the one given. */
	memset(&geo, 0, sizeof(geo));
	a = ip("203.0.113.200");
	ps_geoip_city(g, &a, &geo);
	assert_true(ps_eq_lit(geo.country_iso_code, "US"));
	assert_false(ps_set(geo.city_name));

	/* Hostile but valid UTF-8 is kept (escaped on output); invalid UTF-8 is left out and counted. */
	memset(&geo, 0, sizeof(geo));
	a = ip("203.0.113.5");
	ps_geoip_city(g, &a, &geo);
	assert_true(ps_eq_lit(geo.country_iso_code, "X\n\x1b[31mY"));
	assert_false(ps_set(geo.city_name));
	assert_int_equal(ps_geoip_rejected(g), 1);

	/* Not in the database: nothing set. */
	memset(&geo, 0, sizeof(geo));
	a = ip("10.1.2.3");
	ps_geoip_city(g, &a, &geo);
	assert_false(ps_set(geo.country_iso_code));

	char desc[160];
	ps_geoip_describe(g, desc, sizeof(desc));
	assert_string_equal(desc, "PS-Test-City, IPv6, built 2026-01-01");
	ps_geoip_close(g);
}

static void test_geoip_asn(void **state)
{
	(void)state;
	struct ps_geoip *g;
	char err[256];
	assert_int_equal(ps_geoip_open(db("test-asn.mmdb"), &g, err, sizeof(err)), 0);
	struct ps_as as = { -1, PS_STR_NULL };
	struct ps_ip a = ip("198.51.100.1");
	ps_geoip_asn(g, &a, &as);
	assert_int_equal(as.number, 64497);
	assert_true(ps_eq_lit(as.organization, "Ünïcödé Network GmbH"));
	as = (struct ps_as){ -1, PS_STR_NULL };
	a = ip("2001:db8::1");
	ps_geoip_asn(g, &a, &as);
	assert_int_equal(as.number, 64499);
	as = (struct ps_as){ -1, PS_STR_NULL };
	a = ip("2001:db9::1");
	ps_geoip_asn(g, &a, &as);
	assert_int_equal(as.number, -1);
	ps_geoip_close(g);
}

static void test_geoip_open_errors(void **state)
{
	(void)state;
	struct ps_geoip *g = (void *)1;
	char err[256], path[600];
	assert_int_equal(ps_geoip_open("/nonexistent/x.mmdb", &g, err, sizeof(err)), -ENOENT);
	assert_null(g);
	assert_non_null(strstr(err, "cannot open /nonexistent/x.mmdb: No such file or directory"));
	snprintf(path, sizeof(path), "%s/not.mmdb", tmpdir);
	write_file(path, "hello\n", 6);
	assert_int_equal(ps_geoip_open(path, &g, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "is not a MaxMind DB file"));
}

/* ---- ranges: the trie ---- */

static void add(struct ps_ranges *r, const char *net, unsigned prefix, const char *label, int want)
{
	struct ps_ip a = ip(net);
	assert_int_equal(ps_ranges_add(r, &a, prefix, ps_cstr(label)), want);
}

static void expect_label(const struct ps_ranges *r, const char *addr, const char *label)
{
	struct ps_ip a = ip(addr);
	struct ps_str got = ps_ranges_lookup(r, &a);
	if (!label) {
		assert_false(ps_set(got));
		return;
	}
	assert_true(ps_set(got));
	assert_int_equal(got.n, strlen(label));
	assert_memory_equal(got.p, label, got.n);
}

static void test_ranges_trie(void **state)
{
	(void)state;
	struct ps_ranges *r = ps_ranges_new();
	assert_non_null(r);
	expect_label(r, "192.0.2.1", NULL);
	add(r, "192.0.2.0", 24, "doc1", 1);
	add(r, "192.0.2.128", 25, "upper", 1);
	add(r, "192.0.2.130", 32, "host", 1);
	add(r, "192.0.0.0", 16, "wide", 1);
	add(r, "192.0.2.0", 24, "again", 0); /* the first label stays */
	add(r, "198.51.100.0", 23, "odd", 1); /* branches off inside "wide"'s neighbour */
	expect_label(r, "192.0.2.1", "doc1");
	expect_label(r, "192.0.2.129", "upper");
	expect_label(r, "192.0.2.130", "host");
	expect_label(r, "192.0.3.1", "wide");
	expect_label(r, "198.51.101.7", "odd");
	expect_label(r, "198.51.102.7", NULL);
	expect_label(r, "203.0.113.1", NULL);
	/* IPv6 is its own tree: an IPv4 block never answers for it. */
	expect_label(r, "2001:db8::1", NULL);
	add(r, "2001:db8::", 32, "v6", 1);
	add(r, "2001:db8:1::", 48, "v6-48", 1);
	add(r, "::", 0, "everything6", 1);
	expect_label(r, "2001:db8:1::9", "v6-48");
	expect_label(r, "2001:db8:2::9", "v6");
	expect_label(r, "2001:db9::1", "everything6");
	expect_label(r, "10.0.0.1", NULL);
	assert_int_equal(ps_ranges_count(r), 8);
	ps_ranges_free(r);
}

static void test_ranges_cap(void **state)
{
	(void)state;
	struct ps_ranges *r = ps_ranges_new();
	char label[] = "n";
	for (uint32_t i = 0; i < PS_RANGES_MAX; i++) {
		struct ps_ip a = { .family = 4 };
		uint32_t v = 0x0a000000u + i * 7; /* spread, so the tree branches everywhere */
		a.a[0] = (uint8_t)(v >> 24), a.a[1] = (uint8_t)(v >> 16), a.a[2] = (uint8_t)(v >> 8), a.a[3] = (uint8_t)v;
		assert_int_equal(ps_ranges_add(r, &a, 32, ps_cstr(label)), 1);
	}
	add(r, "192.0.2.0", 24, "over", -ENOSPC);
	expect_label(r, "192.0.2.1", NULL);
	expect_label(r, "10.0.0.7", "n");
	ps_ranges_free(r);
}

/* ---- ranges: files ---- */

struct diags {
	char text[4096];
	size_t len;
	unsigned errors, warnings;
};

static void collect(bool error, const char *file, unsigned line, const char *msg, void *arg)
{
	struct diags *d = arg;
	d->errors += error;
	d->warnings += !error;
	d->len += (size_t)snprintf(d->text + d->len, sizeof(d->text) - d->len, "%s:%u: %s: %s\n", file, line,
				   error ? "error" : "warning", msg);
}

static long parse(struct ps_ranges *r, const char *text, struct diags *d)
{
	memset(d, 0, sizeof(*d));
	return ps_ranges_parse(r, "f", text, strlen(text), collect, d);
}

static void test_ranges_plain(void **state)
{
	(void)state;
	struct ps_ranges *r = ps_ranges_new();
	struct diags d;
	long n = parse(r,
		       "# office and friends\n"
		       "192.0.2.0/24,office\n"
		       "198.51.100.0/24 partner network\r\n"
		       "\n"
		       "203.0.113.7\tjump host\n"
		       "2001:db8::/32,lab\n"
		       "not-an-address,x\n"
		       "192.0.2.0/33,bad prefix\n"
		       "203.0.113.0/24\n"
		       "203.0.113.64/24,host bits\n"
		       "198.51.100.0/25,\x1b[31mred\n",
		       &d);
	assert_int_equal(n, 5);
	assert_int_equal(d.errors, 4);
	assert_int_equal(d.warnings, 1);
	assert_non_null(strstr(d.text, "f:7: error: 'not-an-address' is not an address block (NET/LEN)\n"));
	assert_non_null(strstr(d.text, "f:8: error: '192.0.2.0/33': the prefix length must be 0 to 32\n"));
	assert_non_null(strstr(d.text, "f:9: error: '203.0.113.0/24' has no label"));
	assert_non_null(strstr(d.text, "f:10: warning: '203.0.113.64/24' has host bits set"));
	assert_non_null(strstr(d.text, "f:11: error: '198.51.100.0/25': the label must be"));
	expect_label(r, "192.0.2.9", "office");
	expect_label(r, "198.51.100.9", "partner network");
	expect_label(r, "203.0.113.7", "jump host");
	expect_label(r, "203.0.113.8", "host bits");
	expect_label(r, "2001:db8:5::1", "lab");
	ps_ranges_free(r);
}

static void test_ranges_clouds(void **state)
{
	(void)state;
	struct ps_ranges *r = ps_ranges_new();
	struct diags d;
	/* The shapes of AWS ip-ranges.json, Google's cloud.json and Azure's service tags (with its BOM). */
	assert_int_equal(parse(r,
			       "{\n  \"syncToken\": \"1\",\n  \"prefixes\": [\n"
			       "    {\"ip_prefix\": \"192.0.2.0/25\", \"region\": \"us-east-1\", \"service\": \"EC2\","
			       " \"network_border_group\": \"us-east-1\"}\n  ],\n"
			       "  \"ipv6_prefixes\": [\n"
			       "    {\"ipv6_prefix\": \"2001:db8:a::/48\", \"region\": \"eu-west-1\", \"service\": \"S3\"}\n  ]\n}\n",
			       &d),
			 2);
	assert_int_equal(d.errors, 0);
	assert_int_equal(parse(r,
			       "{\"syncToken\": \"2\", \"creationTime\": \"x\", \"prefixes\": [{\"ipv4Prefix\": \"198.51.100.0/24\","
			       " \"service\": \"Google Cloud\", \"scope\": \"us-central1\"}, {\"ipv6Prefix\": \"2001:db8:b::/48\","
			       " \"service\": \"Google Cloud\", \"scope\": \"europe-west1\"}]}",
			       &d),
			 2);
	assert_int_equal(parse(r,
			       "\xef\xbb\xbf{\n \"changeNumber\": 1,\n \"cloud\": \"Public\",\n \"values\": [\n"
			       "  {\"name\": \"AzureCloud.eastus\", \"id\": \"AzureCloud.eastus\", \"properties\": {\n"
			       "    \"changeNumber\": 3, \"region\": \"eastus\", \"platform\": \"Azure\",\n"
			       "    \"addressPrefixes\": [\"203.0.113.0/26\", \"2001:db8:c::/48\", 17, \"bogus\"]}}\n ]\n}\n",
			       &d),
			 2);
	assert_int_equal(d.errors, 2);
	assert_non_null(strstr(d.text, "f:7: error: addressPrefixes holds something other than a string"));
	assert_non_null(strstr(d.text, "f:7: error: 'bogus' is not an address block"));
	expect_label(r, "192.0.2.1", "aws/EC2/us-east-1");
	expect_label(r, "2001:db8:a::1", "aws/S3/eu-west-1");
	expect_label(r, "198.51.100.1", "gcp/us-central1");
	expect_label(r, "2001:db8:b::1", "gcp/europe-west1");
	expect_label(r, "203.0.113.1", "azure/AzureCloud.eastus");
	expect_label(r, "2001:db8:c::1", "azure/AzureCloud.eastus");
	expect_label(r, "203.0.113.200", NULL);
	ps_ranges_free(r);
}

static void test_ranges_bad_json(void **state)
{
	(void)state;
	struct ps_ranges *r = ps_ranges_new();
	struct diags d;
	/* What came before the error is kept. */
	assert_int_equal(parse(r,
			       "{\"prefixes\": [\n{\"ip_prefix\": \"192.0.2.0/24\", \"service\": \"A\", \"region\": \"r\"},\n"
			       "{\"ip_prefix\": \"198.51.100.0/24\" \"service\": \"B\"}]}",
			       &d),
			 1);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.text, "f:3: error: not valid JSON: expected ',' or '}'; the rest of the file is ignored"));
	assert_int_equal(parse(r, "{\"other\": [1, 2.5e3, true, null, \"\\u00e9\"]}", &d), 0);
	assert_non_null(strstr(d.text, "f:0: error: no address blocks found (not AWS, Google Cloud or Azure ranges JSON)"));
	assert_int_equal(parse(r, "{\"a\": \"\xff\"}", &d), 0);
	assert_non_null(strstr(d.text, "a string is not valid UTF-8"));
	char deep[200];
	memset(deep, '[', sizeof(deep));
	memcpy(deep, "{\"a\":", 5);
	deep[sizeof(deep) - 1] = '\0';
	assert_int_equal(parse(r, deep, &d), 0);
	assert_non_null(strstr(d.text, "nested too deeply"));
	ps_ranges_free(r);
}

static void test_ranges_load(void **state)
{
	(void)state;
	char path[600];
	struct diags d = { 0 };
	struct ps_ranges *r = ps_ranges_new();
	snprintf(path, sizeof(path), "%s/ranges.txt", tmpdir);
	write_file(path, "192.0.2.0/24 office\n", 20);
	assert_int_equal(ps_ranges_load(r, path, collect, &d), 1);
	assert_int_equal(ps_ranges_load(r, "/nonexistent/ranges", collect, &d), -ENOENT);
	assert_non_null(strstr(d.text, "/nonexistent/ranges:0: error: cannot read: No such file or directory"));
	assert_int_equal(ps_ranges_load(r, tmpdir, collect, &d), -EINVAL);
	ps_ranges_free(r);
}

/* ---- sshd connections ---- */

static struct ps_event sshd_event(const char *host, int64_t pid, const char *src, int32_t port)
{
	struct ps_event ev;
	ps_event_init(&ev);
	ev.host = ps_cstr(host);
	ev.service = PS_LIT("sshd");
	ev.pid = pid;
	if (src) {
		ev.src_ip = ip(src);
		ev.src_port = port;
	}
	return ev;
}

static void test_conns(void **state)
{
	(void)state;
	struct ps_conns *c = ps_conns_new(16);
	/* "Connection from 192.0.2.9 port 5000 on 198.51.100.1 port 22" */
	struct ps_event conn = sshd_event("web1", 100, "192.0.2.9", 5000);
	conn.dst_ip = ip("198.51.100.1");
	conn.dst_port = 22;
	ps_conns_apply(c, &conn);

	struct ps_event failed = sshd_event("web1", 100, "192.0.2.9", 5000);
	ps_conns_apply(c, &failed);
	assert_int_equal(failed.dst_ip.family, 4);
	assert_int_equal(failed.dst_port, 22);
	/* A PAM line of the connection, without a source. */
	struct ps_event pam = sshd_event("web1", 100, NULL, -1);
	ps_conns_apply(c, &pam);
	assert_int_equal(pam.dst_port, 22);
	/* Another host's pid 100, another source (a reused pid), another program: not filled. */
	struct ps_event other = sshd_event("web2", 100, "192.0.2.9", 5000);
	ps_conns_apply(c, &other);
	assert_int_equal(other.dst_ip.family, 0);
	other = sshd_event("web1", 100, "192.0.2.10", 5000);
	ps_conns_apply(c, &other);
	assert_int_equal(other.dst_ip.family, 0);
	other = sshd_event("web1", 100, "192.0.2.9", 5000);
	other.service = PS_LIT("sudo");
	ps_conns_apply(c, &other);
	assert_int_equal(other.dst_ip.family, 0);

	/* A /proc search is recorded, found or not, and not repeated. */
	struct ps_event live = sshd_event("web1", 200, "2001:db8::9", 6000);
	assert_false(ps_conns_tried(c, &live));
	ps_conns_record(c, &live, &(struct ps_ip){ 0 }, -1);
	assert_true(ps_conns_tried(c, &live));
	struct ps_ip dst = ip("2001:db8::1");
	struct ps_event live2 = sshd_event("web1", 201, "2001:db8::9", 6001);
	ps_conns_record(c, &live2, &dst, 2222);
	struct ps_event later = sshd_event("web1", 201, "2001:db8::9", 6001);
	ps_conns_apply(c, &later);
	assert_int_equal(later.dst_port, 2222);

	/* Bounded: thousands of connections in 16 slots, the newest still known. */
	for (int64_t pid = 1000; pid < 5000; pid++) {
		struct ps_event e = sshd_event("web1", pid, "192.0.2.1", 1);
		e.dst_ip = ip("198.51.100.2");
		e.dst_port = (int32_t)(pid % 60000);
		ps_conns_apply(c, &e);
	}
	struct ps_event last = sshd_event("web1", 4999, "192.0.2.1", 1);
	ps_conns_apply(c, &last);
	assert_int_equal(last.dst_port, 4999);
	ps_conns_free(c);
}

/* ---- /proc ---- */

static void fake_proc(const char *pid, const char *tcp, const char *tcp6, const char *const inodes[])
{
	char path[700], target[64];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, pid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/fd", tmpdir, pid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/net", tmpdir, pid);
	mkdir(path, 0755);
	for (int i = 0; inodes[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s/fd/%d", tmpdir, pid, i + 3);
		snprintf(target, sizeof(target), "%s", inodes[i]);
		assert_int_equal(symlink(target, path), 0);
	}
	snprintf(path, sizeof(path), "%s/%s/net/tcp", tmpdir, pid);
	write_file(path, tcp, strlen(tcp));
	snprintf(path, sizeof(path), "%s/%s/net/tcp6", tmpdir, pid);
	write_file(path, tcp6, strlen(tcp6));
}

static void test_procnet(void **state)
{
	(void)state;
	static const char head[] = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid"
				   "  timeout inode\n";
	char tcp[1024], tcp6[1024];
	/* 198.51.100.1:22 <- 192.0.2.9:5000 (inode 777); the same client on another socket (inode 778). */
	snprintf(tcp, sizeof(tcp),
		 "%s   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 555 1\n"
		 "   1: 016433C6:0017 090200C0:1388 01 00000000:00000000 02:0009E1B2 00000000     0        0 778 4\n"
		 "   2: 016433C6:0016 090200C0:1388 01 00000000:00000000 02:0009E1B2 00000000     0        0 777 4\n",
		 head);
	/* [2001:db8::1]:2222 <- [2001:db8::9]:6000 (inode 888); 127.0.0.1:22 <- mapped 192.0.2.10:7000 (889). */
	snprintf(tcp6, sizeof(tcp6),
		 "%s   0: B80D0120000000000000000001000000:08AE B80D0120000000000000000009000000:1770 01 "
		 "00000000:00000000 00:00000000 00000000     0        0 888 1\n"
		 "   1: 0000000000000000FFFF00000100007F:0016 0000000000000000FFFF00000A0200C0:1B58 01 "
		 "00000000:00000000 00:00000000 00000000     0        0 889 1\n",
		 head);
	static const char *const inodes[] = { "/dev/null", "socket:[777]", "socket:[888]", "socket:[889]",
					      "pipe:[1]", NULL };
	fake_proc("4242", tcp, tcp6, inodes);

	struct ps_ip local, remote = ip("192.0.2.9");
	int32_t port = 0;
	assert_int_equal(ps_procnet_local(tmpdir, 4242, &remote, 5000, &local, &port), 1);
	char buf[PS_IP_STRLEN];
	buf[ps_ip_format(&local, buf)] = '\0';
	assert_string_equal(buf, "198.51.100.1");
	assert_int_equal(port, 22);

	remote = ip("2001:db8::9");
	assert_int_equal(ps_procnet_local(tmpdir, 4242, &remote, 6000, &local, &port), 1);
	buf[ps_ip_format(&local, buf)] = '\0';
	assert_string_equal(buf, "2001:db8::1");
	assert_int_equal(port, 2222);

	remote = ip("192.0.2.10");
	assert_int_equal(ps_procnet_local(tmpdir, 4242, &remote, 7000, &local, &port), 1);
	buf[ps_ip_format(&local, buf)] = '\0';
	assert_string_equal(buf, "127.0.0.1");

	/* Not this process's connection, another port, no such process. */
	remote = ip("192.0.2.9");
	assert_int_equal(ps_procnet_local(tmpdir, 4242, &remote, 5001, &local, &port), 0);
	assert_int_equal(ps_procnet_local(tmpdir, 4243, &remote, 5000, &local, &port), -ENOENT);
}

/* ---- reverse DNS ---- */

static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static bool gate_open;
static unsigned resolved;

/* A resolver that waits for the test to open the gate: DNS as slow as the test wants. */
static size_t slow_resolver(const struct ps_ip *a, unsigned timeout_s, char *name, size_t size)
{
	(void)timeout_s;
	pthread_mutex_lock(&gate_mu);
	while (!gate_open)
		pthread_cond_wait(&gate_cv, &gate_mu);
	resolved++;
	pthread_cond_broadcast(&gate_cv);
	pthread_mutex_unlock(&gate_mu);
	if (a->a[3] == 66)
		return 0; /* no PTR record */
	return (size_t)snprintf(name, size, "host-%u.example.net", a->a[3]);
}

static void wait_resolved(unsigned n)
{
	pthread_mutex_lock(&gate_mu);
	while (resolved < n)
		pthread_cond_wait(&gate_cv, &gate_mu);
	pthread_mutex_unlock(&gate_mu);
}

static void test_rdns(void **state)
{
	(void)state;
	struct ps_rdns *r;
	char name[256];
	assert_int_equal(ps_rdns_new_with(2, slow_resolver, &r), 0);
	struct ps_ip a = ip("192.0.2.7"), b = ip("192.0.2.66");
	/* The resolver is stuck: asking returns at once, without a name (a stuck get would hang the test). */
	for (int i = 0; i < 1000; i++)
		assert_int_equal(ps_rdns_get(r, &a, name, sizeof(name)), 0);
	assert_int_equal(ps_rdns_get(r, &b, name, sizeof(name)), 0);
	uint64_t asked, named;
	ps_rdns_stats(r, &asked, &named);
	assert_int_equal(asked, 2); /* queued once each, however often asked */
	pthread_mutex_lock(&gate_mu);
	gate_open = true;
	pthread_cond_broadcast(&gate_cv);
	pthread_mutex_unlock(&gate_mu);
	wait_resolved(2);
	/* The worker stores the answer right after the resolver returns: ask until it is there. */
	size_t n;
	while ((n = ps_rdns_get(r, &a, name, sizeof(name))) == 0)
		usleep(1000);
	assert_int_equal(n, strlen("host-7.example.net"));
	assert_memory_equal(name, "host-7.example.net", n);
	assert_int_equal(ps_rdns_get(r, &b, name, sizeof(name)), 0);
	ps_rdns_free(r);
}

/* ---- the enricher ---- */

static int load_config(const char *text, struct ps_config *cfg)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/pamsignal.conf", tmpdir);
	write_file(path, text, strlen(text));
	return ps_config_load(path, cfg, NULL, NULL);
}

static void count_diag(enum ps_diag_level level, const char *file, unsigned line, const char *msg, void *arg)
{
	struct diags *d = arg;
	collect(level == PS_DIAG_ERROR, file ? file : "-", line, msg, d);
}

static void test_enricher(void **state)
{
	(void)state;
	char text[2048], ranges[600];
	snprintf(ranges, sizeof(ranges), "%s/providers.txt", tmpdir);
	write_file(ranges, "192.0.2.0/26 aws/EC2/test\n", 26);
	snprintf(text, sizeof(text), "[enrich]\ngeoip_db = %s\nasn_db = %s\nprovider_ranges = %s\n", db("test-city.mmdb"),
		 db("test-asn.mmdb"), ranges);
	struct ps_config cfg;
	assert_int_equal(load_config(text, &cfg), 0);
	struct ps_enricher *e;
	struct diags d = { 0 };
	assert_int_equal(ps_enricher_new(&cfg, NULL, count_diag, &d, &e), 0);

	struct ps_event ev = sshd_event("web1", 1, "192.0.2.9", 1);
	ps_enrich(e, &ev);
	assert_true(ps_eq_lit(ev.src_geo.country_iso_code, "AU"));
	assert_int_equal(ev.src_as.number, 64496);
	assert_true(ps_eq_lit(ev.src_provider, "aws/EC2/test"));
	ps_config_free(&cfg);

	/* A reload whose database is now missing keeps nothing of it; one that fails on the same path keeps the old. */
	snprintf(text, sizeof(text), "[enrich]\ngeoip_db = %s/missing.mmdb\nasn_db = %s\n", tmpdir, db("test-asn.mmdb"));
	assert_int_equal(load_config(text, &cfg), 0);
	memset(&d, 0, sizeof(d));
	assert_int_equal(ps_enricher_reload(e, &cfg, count_diag, &d), -EINVAL);
	assert_non_null(strstr(d.text, ":2: error: [enrich] geoip_db: cannot open"));
	ev = sshd_event("web1", 1, "192.0.2.9", 1);
	ps_enrich(e, &ev);
	assert_false(ps_set(ev.src_geo.country_iso_code));
	assert_false(ps_set(ev.src_provider));
	assert_int_equal(ev.src_as.number, 64496);
	ps_config_free(&cfg);

	/* geoipupdate replaced the file with something broken: the open copy stays. */
	char copy[600];
	snprintf(copy, sizeof(copy), "%s/asn-copy.mmdb", tmpdir);
	FILE *in = fopen(db("test-asn.mmdb"), "rb"), *out = fopen(copy, "wb");
	assert_non_null(in);
	assert_non_null(out);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	fclose(out);
	snprintf(text, sizeof(text), "[enrich]\nasn_db = %s\n", copy);
	assert_int_equal(load_config(text, &cfg), 0);
	assert_int_equal(ps_enricher_reload(e, &cfg, count_diag, &d), 0);
	/* Replaced the way geoipupdate does it: a new file renamed over the old one. */
	char broken[620];
	snprintf(broken, sizeof(broken), "%s.new", copy);
	write_file(broken, "garbage", 7);
	assert_int_equal(rename(broken, copy), 0);
	memset(&d, 0, sizeof(d));
	assert_int_equal(ps_enricher_reload(e, &cfg, count_diag, &d), -EINVAL);
	assert_non_null(strstr(d.text, "the copy opened before is kept"));
	ev = sshd_event("web1", 1, "198.51.100.3", 1);
	ps_enrich(e, &ev);
	assert_int_equal(ev.src_as.number, 64497);
	ps_config_free(&cfg);
	ps_enricher_free(e);
}

/* ---- channel messages ---- */

static void where_fact(const char *json, const char *want)
{
	struct ps_item a;
	struct ps_facts f;
	assert_int_equal(ps_item_parse(&a, json, strlen(json)), 0);
	struct ps_msg m = { .alert = &a, .id = a.id, .severity = a.severity };
	ps_msg_facts(&m, &f);
	size_t i = 0;
	while (i < f.n && strcmp(f.f[i].label, "Where") != 0)
		i++;
	if (!want) {
		assert_int_equal(i, f.n);
	} else {
		assert_true(i < f.n);
		struct ps_str v = ps_fact_value(&f, i);
		if (v.n != strlen(want) || memcmp(v.p, want, v.n) != 0)
			fail_msg("Where is '%.*s', expected '%s'", (int)v.n, v.p, want);
	}
	ps_msg_facts_free(&f);
	ps_item_free(&a);
}

static void test_message_where(void **state)
{
	(void)state;
	where_fact("{\"type\":\"alert\",\"rule\":\"new_source\",\"severity\":\"medium\",\"summary\":\"s\","
		   "\"src_ip\":\"192.0.2.9\",\"src_geo\":{\"country_iso_code\":\"AU\",\"country_name\":\"Australia\","
		   "\"city_name\":\"Sydney\"},\"src_as\":{\"number\":64496,\"organization\":\"Example Networks Ltd\"},"
		   "\"src_provider\":\"aws/EC2/us-east-1\",\"count\":1,\"mitre\":[],\"events\":[]}",
		   "Sydney, Australia (AU); AS64496 Example Networks Ltd; aws/EC2/us-east-1");
	where_fact("{\"type\":\"event\",\"kind\":\"auth_success\",\"src_geo\":{\"country_iso_code\":\"DE\"}}", "DE");
	where_fact("{\"type\":\"event\",\"kind\":\"auth_success\",\"src_as\":{\"number\":64497}}", "AS64497");
	where_fact("{\"type\":\"event\",\"kind\":\"auth_success\",\"src_ip\":\"192.0.2.1\"}", NULL);
	/* Hostile database text: display text (escapes visible), never raw controls. */
	where_fact("{\"type\":\"event\",\"kind\":\"auth_failure\",\"src_as\":{\"number\":64498,"
		   "\"organization\":\"Evil\\n\\u001b]0;pwned\\u0007 <b>\"}}",
		   "AS64498 Evil\\x0a\\x1b]0;pwned\\x07 <b>");
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_geoip_city),
		cmocka_unit_test(test_geoip_asn),
		cmocka_unit_test(test_geoip_open_errors),
		cmocka_unit_test(test_ranges_trie),
		cmocka_unit_test(test_ranges_cap),
		cmocka_unit_test(test_ranges_plain),
		cmocka_unit_test(test_ranges_clouds),
		cmocka_unit_test(test_ranges_bad_json),
		cmocka_unit_test(test_ranges_load),
		cmocka_unit_test(test_conns),
		cmocka_unit_test(test_procnet),
		cmocka_unit_test(test_rdns),
		cmocka_unit_test(test_enricher),
		cmocka_unit_test(test_message_where),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
