/*
 * Enrichment: what an event gains from data of our own rather than from
 * its log line, between correlation and the sinks (so that the event log,
 * the detector and the alerts all see it):
 *
 *   src_geo, src_as   GeoIP and ASN databases ([enrich] geoip_db, asn_db)
 *   src_provider      range files ([enrich] provider_ranges)
 *   dst_ip, dst_port  sshd's "Connection from ... on ..." carried to the
 *                     connection's later lines, and, live, /proc
 *   src_rdns          reverse DNS, live and only when asked (reverse_dns)
 *
 * Nothing here waits: database lookups are memory reads (~1 µs), /proc
 * reads are bounded and rationed (PS_ENRICH_PROC_PER_S), and reverse DNS
 * runs on a thread of its own, an event taking only what its cache already
 * holds (see rdns.h). One thread calls ps_enrich().
 *
 * Text an event gains points into the enricher (its databases, range
 * labels, a buffer for the DNS name) and is valid until the next
 * ps_enrich() or ps_enricher_reload() call.
 */
#ifndef PS_ENRICH_ENRICH_H
#define PS_ENRICH_ENRICH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "event/event.h"

#define PS_ENRICH_PROC_PER_S 200      /* /proc searches per second at most */
#define PS_ENRICH_PROC_US_PER_S 20000 /* and time spent on them per second (2% of a core) */

struct ps_enricher;

/* What a live daemon may do beyond a scan: look at /proc, ask DNS. */
struct ps_enrich_live {
	const char *hostname; /* events of other hosts (a log collector's) are not this machine's */
	const char *proc;     /* "/proc" */
};

/*
 * An enricher for cfg->enrich; live NULL for a scan (the log's past, not
 * this machine's present). Every file that cannot be opened or has bad
 * lines is reported through diag (the config file and the key's line for
 * a database; the range file's own line for its contents). Returns 0, or
 * -EINVAL when anything was reported as an error (*out is still made,
 * with what could be opened), or -ENOMEM (*out NULL).
 */
int ps_enricher_new(const struct ps_config *cfg, const struct ps_enrich_live *live, ps_config_diag_fn diag,
		    void *arg, struct ps_enricher **out);
void ps_enricher_free(struct ps_enricher *e);

/*
 * SIGHUP: open everything cfg names anew (geoipupdate replaces the .mmdb
 * files) and swap it in; a database that now fails to open keeps what was
 * open from the same path, and when every range file fails the blocks
 * loaded before stay. Connection state and the DNS cache are kept.
 * Returns as ps_enricher_new.
 */
int ps_enricher_reload(struct ps_enricher *e, const struct ps_config *cfg, ps_config_diag_fn diag, void *arg);

/* Add what is known to ev (fields it already has are kept). */
void ps_enrich(struct ps_enricher *e, struct ps_event *ev);

/* Whether any enrichment is configured (check-config, status). */
void ps_enricher_describe(const struct ps_enricher *e, FILE *f);

struct ps_enrich_stats {
	uint64_t geo_found, as_found, provider_found;
	uint64_t cache_hits;             /* events whose address was looked up already */
	uint64_t rejected_text;          /* database strings that were not valid UTF-8 */
	uint64_t proc_searches, proc_found, proc_skipped; /* skipped: over the ration */
	uint64_t rdns_asked, rdns_named;
};
void ps_enricher_stats(const struct ps_enricher *e, struct ps_enrich_stats *st);

#endif
