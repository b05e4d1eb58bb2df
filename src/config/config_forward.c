/*
 * [forward.NAME] sections: events and alerts to a syslog receiver
 * (pamsignal.conf(5), "FORWARDING"; sink/forward/ does the sending). Like
 * [channel.NAME], each section is one destination whose keys are parsed
 * here; config_keys.c only hands them over.
 *
 * Everything that ends up in a syslog header (APP-NAME, the SD-ID) is
 * checked against RFC 5424's grammar now, so that the sender never has to
 * repair it. Files named for TLS must be readable at load time: a typo is
 * reported by check-config, not by the first connection.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config/config_internal.h"
#include "event/event.h"
#include "util/ip.h"
#include "util/slice.h"

#define QUEUE_MIN (64u * 1024)
/* The queue's file is read back whole when the daemon starts (spool.h's
 * PS_SPOOL_MAX, 256 MiB): the file may grow to about twice the queue
 * between compactions, plus record headers. */
#define QUEUE_MAX (64u * 1024 * 1024)
#define QUEUE_DEFAULT (32u * 1024 * 1024)
#define MESSAGE_MIN 1024
#define MESSAGE_MAX 65507 /* the largest UDP payload over IPv4 */

static const char *const transport_names[PS_FWD_TRANSPORT_COUNT] = { "udp", "tcp", "tls" };
static const char *const format_names[PS_FWD_FORMAT_COUNT] = { "json", "cee", "cef", "leef", "ecs", "ocsf" };

const char *ps_fwd_transport_name(enum ps_fwd_transport t)
{
	return t < PS_FWD_TRANSPORT_COUNT ? transport_names[t] : "?";
}

const char *ps_fwd_format_name(enum ps_fwd_format f)
{
	return f < PS_FWD_FORMAT_COUNT ? format_names[f] : "?";
}

/* RFC 5424 6.2.1 and RFC 3164 4.1.1: the facilities by their usual names. */
static const char *const facility_names[24] = {
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp",
	"ntp", "security", "console", "solaris-cron", "local0", "local1", "local2", "local3", "local4", "local5",
	"local6", "local7",
};

struct fw_key {
	const char *name;
	int (*set)(struct ps_cfg_loader *ld, struct ps_forward_config *fw, const struct fw_key *k, const char *v);
	size_t field;
};

#define FW_FIELD(type, fw, k) ((type *)(void *)((char *)(fw) + (k)->field))

#define bad(ld, fw, key, ...) ps_cfg_named_bad(ld, "forward", (fw)->name, key, __VA_ARGS__)

static const char *quote(char q[PS_CFG_QUOTE_MAX], const char *v)
{
	return ps_cfg_quote(q, v, strlen(v));
}

static int replace(char **field, const char *v, size_t n)
{
	char *copy = strndup(v, n);
	if (!copy)
		return -ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}

/* A name from a fixed list (index into names, count entries); -1 if none. */
static int lookup(const char *v, const char *const *names, int count)
{
	for (int i = 0; i < count; i++)
		if (strcmp(v, names[i]) == 0)
			return i;
	return -1;
}

static bool host_name_ok(const char *s, size_t n)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_";
	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!s[i] || !strchr(ok, s[i]))
			return false;
	return true;
}

/* HOST, HOST:PORT, [IPV6]:PORT or a bare IPv6 address. */
static int set_target(struct ps_cfg_loader *ld, struct ps_forward_config *fw, const struct fw_key *k, const char *v)
{
	char q[PS_CFG_QUOTE_MAX];
	const char *host = v, *port = NULL, *colon = strrchr(v, ':');
	size_t hn = strlen(v);
	struct ps_ip ip;
	if (v[0] == '[') {
		const char *close = strchr(v, ']');
		if (!close || (close[1] && close[1] != ':'))
			goto fail;
		host = v + 1;
		hn = (size_t)(close - host);
		port = close[1] ? close + 2 : NULL;
		if (ps_ip_parse(ps_str(host, hn), &ip) < 0 || ip.family != 6)
			goto fail;
	} else if (colon && strchr(v, ':') == colon) {
		hn = (size_t)(colon - v);
		port = colon + 1;
	} else if (colon && ps_ip_parse(ps_cstr(v), &ip) < 0) {
		goto fail; /* several colons: only an IPv6 address may have them */
	}
	if (!host_name_ok(host, hn) && ps_ip_parse(ps_str(host, hn), &ip) < 0)
		goto fail;
	uint64_t p = 0;
	if (port && (ps_parse_u64(ps_cstr(port), 65535, &p) < 0 || p == 0))
		return bad(ld, fw, k->name, "'%s': the port is not a number from 1 to 65535", quote(q, v));
	fw->port = (unsigned)p;
	return replace(&fw->host, host, hn);
fail:
	return bad(ld, fw, k->name, "'%s' is not HOST, HOST:PORT or [IPV6]:PORT", quote(q, v));
}

static int set_transport(struct ps_cfg_loader *ld, struct ps_forward_config *fw, const struct fw_key *k,
			 const char *v)
{
	char q[PS_CFG_QUOTE_MAX];
	int i = lookup(v, transport_names, PS_FWD_TRANSPORT_COUNT);
	if (i < 0)
		return bad(ld, fw, k->name, "'%s' is not udp, tcp or tls", quote(q, v));
	fw->transport = (enum ps_fwd_transport)i;
	return 0;
}

static int set_format(struct ps_cfg_loader *ld, struct ps_forward_config *fw, const struct fw_key *k, const char *v)
{
	char q[PS_CFG_QUOTE_MAX];
	int i = lookup(v, format_names, PS_FWD_FORMAT_COUNT);
	if (i < 0)
		return bad(ld, fw, k->name, "'%s' is not json, cee, cef, leef, ecs or ocsf", quote(q, v));
	fw->format = (enum ps_fwd_format)i;
	return 0;
}

static int set_what(struct ps_cfg_loader *ld, struct ps_forward_config *fw, const struct fw_key *k, const char *v)
{
	static const char *const names[] = { "both", "events", "alerts" };
	char q[PS_CFG_QUOTE_MAX];
	int i = lookup(v, names, 3);
	if (i < 0)
		return bad(ld, fw, k->name, "'%s' is not events, alerts or both", quote(q, v));
	fw->what = (enum ps_fwd_what)i;
	return 0;
}

static int set_severity(struct ps_cfg_loader *ld, struct ps_forward_config *fw, const struct fw_key *k,
			const char *v)
{
	char q[PS_CFG_QUOTE_MAX];
	if (ps_severity_parse(v, strlen(v), &fw->min_severity) < 0)
		return bad(ld, fw, k->name, "'%s' is not info, low, medium, high or critical", quote(q, v));
	return 0;
}

/* Event kinds, checked against the kinds there are. */
static int set_kinds(struct ps_cfg_loader *ld, struct ps_forward_config *fw, const struct fw_key *k, const char *v)
{
	char **w, q[PS_CFG_QUOTE_MAX];
	int n = ps_cfg_words(v, &w);
	if (n < 0)
		return n;
	if (n == 0) {
		ps_cfg_strv_free(w);
		return bad(ld, fw, k->name, "needs at least one event kind");
	}
	for (int i = 0; i < n; i++) {
		int kind = 1;
		while (kind < PS_KIND__COUNT && strcmp(ps_kind_name((enum ps_kind)kind), w[i]) != 0)
			kind++;
		if (kind == PS_KIND__COUNT) {
			bad(ld, fw, k->name, "'%s' is not an event kind (see pamsignal(8), EVENTS)", quote(q, w[i]));
			ps_cfg_strv_free(w);
			return -EINVAL;
		}
	}
	char ***field = FW_FIELD(char **, fw, k);
	ps_cfg_strv_free(*field);
	*field = w;
	return 0;
}

static int set_path(struct ps_cfg_loader *ld, struct ps_forward_config *fw, const struct fw_key *k, const char *v)
{
	char q[PS_CFG_QUOTE_MAX];
	for (const char *c = v; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return bad(ld, fw, k->name, "'%s' contains a control character", quote(q, v));
	if (v[0] != '/')
		return bad(ld, fw, k->name, "'%s' is not an absolute path", quote(q, v));
	return replace(FW_FIELD(char *, fw, k), v, strlen(v));
}

static int set_server_name(struct ps_cfg_loader *ld, struct ps_forward_config *fw, const struct fw_key *k,
			   const char *v)
{
	char q[PS_CFG_QUOTE_MAX];
	struct ps_ip ip;
	if (!host_name_ok(v, strlen(v)) && ps_ip_parse(ps_cstr(v), &ip) < 0)
		return bad(ld, fw, k->name, "'%s' is not a host name or an address", quote(q, v));
	return replace(&fw->server_name, v, strlen(v));
}

static int set_yesno(struct ps_cfg_loader *ld, struct ps_forward_config *fw, const struct fw_key *k, const char *v)
{
	if (!ps_cfg_parse_bool(v, FW_FIELD(bool, fw, k)))
		return bad(ld, fw, k->name, "not yes or no");
	return 0;
}

/* RFC 5424 6.2.5: APP-NAME = 1*48PRINTUSASCII. */
static int set_app_name(struct ps_cfg_loader *ld, struct ps_forward_config *fw, const struct fw_key *k,
			const char *v)
{
	char q[PS_CFG_QUOTE_MAX];
	size_t n = strlen(v);
	bool ok = n >= 1 && n <= 48;
	for (size_t i = 0; ok && i < n; i++)
		ok = v[i] >= 0x21 && v[i] <= 0x7e;
	if (!ok)
		return bad(ld, fw, k->name, "'%s' is not 1 to 48 printable ASCII characters without spaces",
			   quote(q, v));
	return replace(&fw->app_name, v, n);
}

static int set_facility(struct ps_cfg_loader *ld, struct ps_forward_config *fw, const struct fw_key *k,
			const char *v)
{
	char q[PS_CFG_QUOTE_MAX];
	uint64_t n;
	int i = lookup(v, facility_names, 24);
	if (i < 0 && ps_parse_u64(ps_cstr(v), 23, &n) == 0)
		i = (int)n;
	if (i < 0)
		return bad(ld, fw, k->name, "'%s' is not a facility (auth, authpriv, daemon, local0...local7, or 0-23)",
			   quote(q, v));
	fw->facility = (unsigned)i;
	return 0;
}

/*
 * RFC 5424 6.3.2: SD-ID = SD-NAME, at most 32 printable ASCII characters
 * but '=', ' ', ']' and '"'. Names without '@' are reserved for IANA, so
 * ours must be NAME@PRIVATE-ENTERPRISE-NUMBER (7.2.2).
 */
static int set_sd_id(struct ps_cfg_loader *ld, struct ps_forward_config *fw, const struct fw_key *k, const char *v)
{
	char q[PS_CFG_QUOTE_MAX];
	size_t n = strlen(v);
	const char *at = strchr(v, '@');
	bool ok = n <= 32 && at && at > v && at[1] && strchr(at + 1, '@') == NULL && ps_all_digits(ps_cstr(at + 1));
	for (size_t i = 0; ok && i < n; i++)
		ok = v[i] >= 0x21 && v[i] <= 0x7e && v[i] != '=' && v[i] != ']' && v[i] != '"';
	if (!ok)
		return bad(ld, fw, k->name,
			   "'%s' is not NAME@NUMBER (at most 32 printable ASCII characters, no '=', ']' or '\"'; "
			   "NUMBER is your IANA private enterprise number)",
			   quote(q, v));
	return replace(&fw->sd_id, v, n);
}

static int set_queue_size(struct ps_cfg_loader *ld, struct ps_forward_config *fw, const struct fw_key *k,
			  const char *v)
{
	char q[PS_CFG_QUOTE_MAX];
	uint64_t n;
	if (ps_cfg_parse_size(v, &n) < 0 || n < QUEUE_MIN || n > QUEUE_MAX)
		return bad(ld, fw, k->name, "'%s' is not a size from 64K to 64M (K, M suffixes)", quote(q, v));
	fw->queue_size = n;
	return 0;
}

static int set_max_message(struct ps_cfg_loader *ld, struct ps_forward_config *fw, const struct fw_key *k,
			   const char *v)
{
	char q[PS_CFG_QUOTE_MAX];
	uint64_t n;
	if (ps_cfg_parse_size(v, &n) < 0 || n < MESSAGE_MIN || n > MESSAGE_MAX)
		return bad(ld, fw, k->name, "'%s' is not a size from 1024 to 65507 bytes", quote(q, v));
	fw->max_message = (unsigned)n;
	return 0;
}

#define W(f) offsetof(struct ps_forward_config, f)
static const struct fw_key fw_keys[] = {
	{ "target", set_target, 0 },
	{ "transport", set_transport, 0 },
	{ "format", set_format, 0 },
	{ "what", set_what, 0 },
	{ "min_severity", set_severity, 0 },
	{ "include_kinds", set_kinds, W(include_kinds) },
	{ "exclude_kinds", set_kinds, W(exclude_kinds) },
	{ "ca_file", set_path, W(ca_file) },
	{ "cert_file", set_path, W(cert_file) },
	{ "key_file", set_path, W(key_file) },
	{ "server_name", set_server_name, 0 },
	{ "verify", set_yesno, W(verify) },
	{ "app_name", set_app_name, 0 },
	{ "facility", set_facility, 0 },
	{ "sd_id", set_sd_id, 0 },
	{ "bom", set_yesno, W(bom) },
	{ "queue_size", set_queue_size, 0 },
	{ "max_message_size", set_max_message, 0 },
};
#define N_FW_KEYS (sizeof(fw_keys) / sizeof(fw_keys[0]))
_Static_assert(N_FW_KEYS <= PS_FWD_MAX_KEYS, "raise PS_FWD_MAX_KEYS");

static const char *forward_at(const struct ps_config *cfg, size_t i, unsigned *line)
{
	*line = cfg->forwards[i].line;
	return cfg->forwards[i].name;
}

bool ps_cfg_forward_section(struct ps_cfg_loader *ld, const char *section, size_t n)
{
	struct ps_config *cfg = ld->cfg;
	char *name;
	if (!ps_cfg_named_section(ld, section, n, "forward", "forward", cfg->n_forwards, forward_at, &name))
		return false;
	if (!name)
		return true;
	struct ps_forward_config *fws = realloc(cfg->forwards, (cfg->n_forwards + 1) * sizeof(*fws));
	if (!fws) {
		free(name);
		ld->oom = true;
		return true;
	}
	cfg->forwards = fws;
	fws[cfg->n_forwards] = (struct ps_forward_config){
		.name = name, .line = ld->line, .transport = PS_FWD_TLS, .format = PS_FWD_JSON, .what = PS_FWD_BOTH,
		.min_severity = PS_SEVERITY_INFO, .verify = true, .facility = 10, .bom = true,
		.queue_size = QUEUE_DEFAULT, .max_message = 8192,
	};
	ld->forward = cfg->n_forwards++;
	ld->section = PS_SEC_FORWARD;
	return true;
}

static const char *key_at(size_t i)
{
	return fw_keys[i].name;
}

void ps_cfg_forward_key(struct ps_cfg_loader *ld, const char *name, const char *value)
{
	struct ps_forward_config *fw = &ld->cfg->forwards[ld->forward];
	int i = ps_cfg_named_key(ld, "forward", fw->name, name, key_at, N_FW_KEYS, fw->key_line);
	if (i >= 0 && fw_keys[i].set(ld, fw, &fw_keys[i], value) == -ENOMEM)
		ld->oom = true;
}

static unsigned key_line(const struct ps_forward_config *fw, const char *name)
{
	for (size_t i = 0; i < N_FW_KEYS; i++)
		if (strcmp(fw_keys[i].name, name) == 0)
			return fw->key_line[i];
	return 0;
}

static void readable(struct ps_cfg_loader *ld, const struct ps_forward_config *fw, const char *key, const char *path)
{
	if (path && access(path, R_OK) < 0)
		ps_cfg_report(ld, PS_DIAG_ERROR, key_line(fw, key), "[forward.%s] %s: %s: %s", fw->name, key, path,
			      strerror(errno));
}

void ps_cfg_forwards_check(struct ps_cfg_loader *ld)
{
	for (size_t i = 0; i < ld->cfg->n_forwards; i++) {
		struct ps_forward_config *fw = &ld->cfg->forwards[i];
		if (!fw->host) {
			if (!key_line(fw, "target")) /* else already reported */
				ps_cfg_report(ld, PS_DIAG_ERROR, fw->line, "[forward.%s] has no 'target = HOST:PORT'",
					      fw->name);
			continue;
		}
		if (!fw->port)
			fw->port = fw->transport == PS_FWD_TLS ? 6514 : 514;
		if (fw->transport != PS_FWD_TLS) {
			static const char *const tls_keys[] = { "ca_file", "cert_file", "key_file", "server_name", "verify" };
			for (size_t k = 0; k < sizeof(tls_keys) / sizeof(tls_keys[0]); k++)
				if (key_line(fw, tls_keys[k]))
					ps_cfg_report(ld, PS_DIAG_WARNING, key_line(fw, tls_keys[k]),
						      "[forward.%s] %s is ignored: transport is %s, not tls", fw->name,
						      tls_keys[k], transport_names[fw->transport]);
			continue;
		}
		if (!fw->cert_file != !fw->key_file)
			ps_cfg_report(ld, PS_DIAG_ERROR, fw->line,
				      "[forward.%s] a client certificate needs both cert_file and key_file", fw->name);
		readable(ld, fw, "ca_file", fw->ca_file);
		readable(ld, fw, "cert_file", fw->cert_file);
		readable(ld, fw, "key_file", fw->key_file);
		if (!fw->verify)
			ps_cfg_report(ld, PS_DIAG_WARNING, key_line(fw, "verify"),
				      "[forward.%s] verify = no: the receiver is not authenticated, and anyone on the path "
				      "can read or change what is sent",
				      fw->name);
	}
}

void ps_cfg_forwards_free(struct ps_config *cfg)
{
	for (size_t i = 0; i < cfg->n_forwards; i++) {
		struct ps_forward_config *fw = &cfg->forwards[i];
		free(fw->name);
		free(fw->host);
		ps_cfg_strv_free(fw->include_kinds);
		ps_cfg_strv_free(fw->exclude_kinds);
		free(fw->ca_file);
		free(fw->cert_file);
		free(fw->key_file);
		free(fw->server_name);
		free(fw->app_name);
		free(fw->sd_id);
	}
	free(cfg->forwards);
	cfg->forwards = NULL;
	cfg->n_forwards = 0;
}
