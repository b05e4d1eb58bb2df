/*
 * [enrich]: the files enrichment reads and its switches. The files are
 * only named here; src/enrich/ opens them, and reports what is wrong
 * inside them at the line of the key that named them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"

void ps_cfg_enrich_defaults(struct ps_enrich_config *e)
{
	memset(e, 0, sizeof(*e));
	e->live_destination = true;
	e->reverse_dns = false;
	e->reverse_dns_timeout_s = 2;
}

void ps_cfg_enrich_free(struct ps_enrich_config *e)
{
	free(e->geoip_db);
	free(e->asn_db);
	ps_cfg_strv_free(e->provider_ranges);
	memset(e, 0, sizeof(*e));
}

static int set_db(struct ps_cfg_loader *ld, const char *name, const char *v, char **field, unsigned *line)
{
	if (!ps_cfg_check_path(ld, name, v))
		return -EINVAL;
	char *copy = strdup(v);
	if (!copy)
		return -ENOMEM;
	free(*field);
	*field = copy;
	*line = ld->line;
	return 0;
}

static int set_ranges(struct ps_cfg_loader *ld, const char *name, const char *v)
{
	struct ps_enrich_config *e = &ld->cfg->enrich;
	char **paths;
	int n = ps_cfg_words(v, &paths), r = 0;
	if (n < 0)
		return n;
	if (n == 0)
		ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "[enrich] %s: needs at least one absolute path", name);
	for (int i = 0; i < n; i++)
		if (!ps_cfg_check_path(ld, name, paths[i]))
			r = -EINVAL;
	if (n == 0 || r < 0) {
		ps_cfg_strv_free(paths);
		return -EINVAL;
	}
	ps_cfg_strv_free(e->provider_ranges);
	e->provider_ranges = paths;
	e->provider_ranges_line = ld->line;
	return 0;
}

int ps_cfg_set_enrich(struct ps_cfg_loader *ld, const struct ps_cfg_key *k, const char *v)
{
	struct ps_enrich_config *e = &ld->cfg->enrich;
	if (strcmp(k->name, "geoip_db") == 0)
		return set_db(ld, k->name, v, &e->geoip_db, &e->geoip_db_line);
	if (strcmp(k->name, "asn_db") == 0)
		return set_db(ld, k->name, v, &e->asn_db, &e->asn_db_line);
	if (strcmp(k->name, "provider_ranges") == 0)
		return set_ranges(ld, k->name, v);
	/* reverse_dns_timeout: seconds a lookup may take before it is given up. */
	uint64_t n;
	if (ps_parse_u64(ps_cstr(v), 30, &n) < 0 || n < 1) {
		char q[PS_CFG_QUOTE_MAX];
		ps_cfg_report(ld, PS_DIAG_ERROR, ld->line, "[enrich] %s: '%s' is not a number of seconds from 1 to 30",
			      k->name, ps_cfg_quote(q, v, strlen(v)));
		return -EINVAL;
	}
	e->reverse_dns_timeout_s = (unsigned)n;
	return 0;
}
