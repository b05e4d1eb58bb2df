#include "enrich/enrich.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "correlate/conn.h"
#include "enrich/geoip.h"
#include "enrich/procnet.h"
#include "enrich/ranges.h"
#include "enrich/rdns.h"
#include "util/siphash.h"
#include "util/timeconv.h"

#define CONNS_MAX 4096 /* sshd connections followed at once */
/*
 * What the databases and ranges say of the last addresses seen, direct
 * mapped by a keyed hash: an attack's lines come from few addresses, and a
 * City record takes ~1 µs to walk to and decode where a hit takes ~30 ns
 * (bench/enrich.sh: the scan's rate with enrichment went from 52% of the
 * rate without to the figure in CHANGELOG.md). Emptied on reload, since
 * its text points into the files.
 */
#define CACHE_SLOTS 2048

struct cached {
	struct ps_ip ip;    /* family 0: empty */
	struct ps_geo geo;
	struct ps_as as;
	struct ps_str provider;
};

struct ps_enricher {
	struct ps_geoip *geo, *asn;
	char *geo_path, *asn_path;  /* what they were opened from (reload keeps one that fails again) */
	struct ps_ranges *ranges;
	struct ps_conns *conns;
	struct ps_rdns *rdns;       /* NULL: reverse_dns = no, or a scan */
	bool live;
	bool live_destination;
	char *hostname, *proc;
	bool proc_denied;           /* /proc/PID/fd is not ours to read: stop trying */
	int64_t ration_start_us;
	unsigned ration_used;       /* searches in the current second */
	int64_t ration_spent_us;    /* and the time they took */
	char rdns_name[256];        /* the current event's src_rdns */
	struct ps_sipkey sip;
	struct cached cache[CACHE_SLOTS];
	struct ps_enrich_stats st;
};

struct report_ctx {
	ps_config_diag_fn diag;
	void *arg;
	bool error;
};

static void ranges_diag(bool error, const char *file, unsigned line, const char *msg, void *arg)
{
	struct report_ctx *c = arg;
	c->error |= error;
	if (c->diag)
		c->diag(error ? PS_DIAG_ERROR : PS_DIAG_WARNING, file, line, msg, c->arg);
}

__attribute__((format(printf, 4, 5))) static void config_error(struct report_ctx *c, const struct ps_config *cfg,
							        unsigned line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->error = true;
	if (c->diag)
		c->diag(PS_DIAG_ERROR, cfg->path, line, msg, c->arg);
}

/* One database: opened from path, or the old one kept when path is the same and opening fails. */
static void open_db(struct report_ctx *c, const struct ps_config *cfg, const char *key, unsigned line,
		    const char *path, struct ps_geoip **db, char **db_path)
{
	char err[400];
	struct ps_geoip *fresh = NULL;
	if (!path) {
		ps_geoip_close(*db);
		free(*db_path);
		*db = NULL;
		*db_path = NULL;
		return;
	}
	if (ps_geoip_open(path, &fresh, err, sizeof(err)) < 0) {
		bool kept = *db && *db_path && strcmp(*db_path, path) == 0;
		config_error(c, cfg, line, "[enrich] %s: %s%s", key, err, kept ? "; the copy opened before is kept" : "");
		if (kept)
			return;
		ps_geoip_close(*db);
		free(*db_path);
		*db = NULL;
		*db_path = NULL;
		return;
	}
	char *copy = strdup(path);
	if (!copy) {
		ps_geoip_close(fresh);
		return;
	}
	/* Open new, swap, close old: no event ever sees a half-open database. */
	ps_geoip_close(*db);
	free(*db_path);
	*db = fresh;
	*db_path = copy;
}

static int open_ranges(struct report_ctx *c, const struct ps_config *cfg, struct ps_ranges **out)
{
	*out = NULL;
	if (!cfg->enrich.provider_ranges)
		return 0;
	struct ps_ranges *r = ps_ranges_new();
	if (!r)
		return -ENOMEM;
	for (char **p = cfg->enrich.provider_ranges; *p; p++) {
		long n = ps_ranges_load(r, *p, ranges_diag, c);
		if (n == -ENOMEM) {
			ps_ranges_free(r);
			return -ENOMEM;
		}
		if (n == -ENOSPC)
			break;
	}
	*out = r;
	return 0;
}

static int configure(struct ps_enricher *e, const struct ps_config *cfg, ps_config_diag_fn diag, void *arg)
{
	struct report_ctx c = { diag, arg, false };
	const struct ps_enrich_config *ec = &cfg->enrich;
	open_db(&c, cfg, "geoip_db", ec->geoip_db_line, ec->geoip_db, &e->geo, &e->geo_path);
	open_db(&c, cfg, "asn_db", ec->asn_db_line, ec->asn_db, &e->asn, &e->asn_path);
	struct ps_ranges *ranges;
	if (open_ranges(&c, cfg, &ranges) < 0)
		return -ENOMEM;
	if (ranges && ps_ranges_count(ranges) == 0 && e->ranges && c.error) {
		/* Every file failed this time: the blocks loaded before are better than none. */
		ps_ranges_free(ranges);
	} else {
		ps_ranges_free(e->ranges);
		e->ranges = ranges;
	}
	memset(e->cache, 0, sizeof(e->cache)); /* its text pointed into the files just closed */
	e->live_destination = e->live && ec->live_destination;
	if (e->live && ec->reverse_dns && !e->rdns) {
		int r = ps_rdns_new(ec->reverse_dns_timeout_s, &e->rdns);
		if (r < 0)
			config_error(&c, cfg, 0, "[enrich] reverse_dns: cannot start the resolver thread: %s", strerror(-r));
	} else if (e->rdns && !ec->reverse_dns) {
		ps_rdns_free(e->rdns);
		e->rdns = NULL;
	} else if (e->rdns) {
		ps_rdns_set_timeout(e->rdns, ec->reverse_dns_timeout_s);
	}
	return c.error ? -EINVAL : 0;
}

int ps_enricher_new(const struct ps_config *cfg, const struct ps_enrich_live *live, ps_config_diag_fn diag,
		    void *arg, struct ps_enricher **out)
{
	struct ps_enricher *e = calloc(1, sizeof(*e));
	*out = NULL;
	if (!e || !(e->conns = ps_conns_new(CONNS_MAX)))
		goto oom;
	ps_sipkey_random(&e->sip);
	if (live) {
		e->live = true;
		if (!(e->hostname = strdup(live->hostname)) || !(e->proc = strdup(live->proc)))
			goto oom;
	}
	int r = configure(e, cfg, diag, arg);
	if (r == -ENOMEM)
		goto oom;
	*out = e;
	return r;
oom:
	ps_enricher_free(e);
	return -ENOMEM;
}

void ps_enricher_free(struct ps_enricher *e)
{
	if (!e)
		return;
	ps_rdns_free(e->rdns);
	ps_geoip_close(e->geo);
	ps_geoip_close(e->asn);
	free(e->geo_path);
	free(e->asn_path);
	ps_ranges_free(e->ranges);
	ps_conns_free(e->conns);
	free(e->hostname);
	free(e->proc);
	free(e);
}

int ps_enricher_reload(struct ps_enricher *e, const struct ps_config *cfg, ps_config_diag_fn diag, void *arg)
{
	e->proc_denied = false;
	return configure(e, cfg, diag, arg);
}

/*
 * The ration of /proc searches, per second of the monotonic clock: at most
 * PS_ENRICH_PROC_PER_S of them and PS_ENRICH_PROC_US_PER_S of time. A
 * search costs ~40 µs through pidfd_getfd, but reading the socket tables
 * instead (no CAP_SYS_PTRACE) costs ~1-25 ms on a machine with thousands of
 * sockets: the time bound is what keeps that from taking over the thread.
 */
static bool rationed(struct ps_enricher *e, int64_t now)
{
	if (now - e->ration_start_us >= 1000000) {
		e->ration_start_us = now;
		e->ration_used = 0;
		e->ration_spent_us = 0;
	}
	if (e->ration_used >= PS_ENRICH_PROC_PER_S || e->ration_spent_us >= PS_ENRICH_PROC_US_PER_S)
		return false;
	e->ration_used++;
	return true;
}

/* Live: the local end of this machine's sshd connection, from /proc, once per connection. */
static void live_destination(struct ps_enricher *e, struct ps_event *ev)
{
	if (!e->live_destination || e->proc_denied || ev->dst_ip.family || !ev->src_ip.family || ev->src_port < 0 ||
	    ev->pid <= 0 || !ps_eq_lit(ev->service, "sshd") || !ps_eq(ev->host, ps_cstr(e->hostname)) ||
	    ps_conns_tried(e->conns, ev))
		return;
	int64_t start = ps_monotonic_us();
	if (!rationed(e, start)) {
		e->st.proc_skipped++;
		return;
	}
	struct ps_ip local = { 0 };
	int32_t port = -1;
	e->st.proc_searches++;
	int r = ps_procnet_local(e->proc, ev->pid, &ev->src_ip, ev->src_port, &local, &port);
	e->ration_spent_us += ps_monotonic_us() - start;
	if (r == -EACCES || r == -EPERM) {
		e->proc_denied = true; /* not root: every search would fail alike */
		return;
	}
	if (r < 0 && r != -ENOENT)
		return;
	/* Found, not there, or the process gone (or hidden: ProtectProc): not looked for again. */
	ps_conns_record(e->conns, ev, r == 1 ? &local : &(struct ps_ip){ 0 }, r == 1 ? port : -1);
	if (r == 1) {
		e->st.proc_found++;
		ev->dst_ip = local;
		ev->dst_port = port;
	}
}

/* What the databases and ranges say of ip, from the cache or looked up into it. */
static const struct cached *lookup(struct ps_enricher *e, const struct ps_ip *ip)
{
	struct cached *c = &e->cache[ps_siphash(&e->sip, ip, sizeof(*ip)) & (CACHE_SLOTS - 1)];
	if (c->ip.family && memcmp(&c->ip, ip, sizeof(*ip)) == 0) {
		e->st.cache_hits++;
		return c;
	}
	memset(c, 0, sizeof(*c));
	c->as.number = -1;
	if (e->geo)
		ps_geoip_city(e->geo, ip, &c->geo);
	if (e->asn)
		ps_geoip_asn(e->asn, ip, &c->as);
	if (e->ranges)
		c->provider = ps_ranges_lookup(e->ranges, ip);
	c->ip = *ip;
	return c;
}

void ps_enrich(struct ps_enricher *e, struct ps_event *ev)
{
	ps_conns_apply(e->conns, ev);
	if (e->live)
		live_destination(e, ev);
	if (!ev->src_ip.family)
		return;
	if (e->geo || e->asn || e->ranges) {
		const struct cached *c = lookup(e, &ev->src_ip);
		ev->src_geo = c->geo;
		ev->src_as = c->as;
		ev->src_provider = c->provider;
		e->st.geo_found += ps_set(c->geo.country_iso_code);
		e->st.as_found += c->as.number >= 0;
		e->st.provider_found += ps_set(c->provider);
	}
	if (e->rdns && !ps_set(ev->src_rdns)) {
		size_t n = ps_rdns_get(e->rdns, &ev->src_ip, e->rdns_name, sizeof(e->rdns_name));
		if (n)
			ev->src_rdns = ps_str(e->rdns_name, n);
	}
}

void ps_enricher_describe(const struct ps_enricher *e, FILE *f)
{
	char buf[160];
	if (e->geo) {
		ps_geoip_describe(e->geo, buf, sizeof(buf));
		fprintf(f, "%-17s%s (%s)\n", "enrich geoip:", e->geo_path, buf);
	}
	if (e->asn) {
		ps_geoip_describe(e->asn, buf, sizeof(buf));
		fprintf(f, "%-17s%s (%s)\n", "enrich asn:", e->asn_path, buf);
	}
	if (e->ranges)
		fprintf(f, "%-17s%zu address blocks\n", "enrich ranges:", ps_ranges_count(e->ranges));
}

void ps_enricher_stats(const struct ps_enricher *e, struct ps_enrich_stats *st)
{
	*st = e->st;
	st->rejected_text = (e->geo ? ps_geoip_rejected(e->geo) : 0) + (e->asn ? ps_geoip_rejected(e->asn) : 0);
	if (e->rdns)
		ps_rdns_stats(e->rdns, &st->rdns_asked, &st->rdns_named);
}
