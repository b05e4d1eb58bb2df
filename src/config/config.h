/*
 * The configuration: /etc/pamsignal/pamsignal.conf, an INI file read with
 * inih. Every key has a default, so a missing file (when none was named)
 * means "defaults"; a named file that cannot be read is an error.
 *
 * Loading never half-applies: ps_config_load fills a fresh struct, and the
 * caller swaps it in only when it returned 0 (SIGHUP keeps the old one on
 * any error).
 *
 * The struct owns every string and array in it, each allocated on its own;
 * ps_config_free releases them all. Keys, defaults and messages are
 * documented in pamsignal.conf(5); config_keys.c holds the key table.
 */
#ifndef PS_CONFIG_CONFIG_H
#define PS_CONFIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "event/alert.h"
#include "util/ip.h"

#define PS_CONFIG_DEFAULT_PATH "/etc/pamsignal/pamsignal.conf"

enum ps_switch { PS_SWITCH_AUTO = 0, PS_SWITCH_YES, PS_SWITCH_NO };

/*
 * Who may log as a syslog identifier: an entry claiming to be `identifier`
 * is trusted only if journald's _EXE is one of `exes`. `any_uid` marks
 * set-user-ID programs (sudo, su, passwd...), whose real uid, and so _UID,
 * is the invoking user rather than root.
 */
struct ps_trusted_program {
	char *identifier;
	char **exes;       /* NULL-terminated */
	bool any_uid;
};

/* [rule.NAME]: the keys every rule has. window and realert are seconds. */
struct ps_rule_config {
	bool enabled;
	enum ps_severity severity;
	unsigned threshold;  /* events (or names, sources) within window that raise the alert */
	int64_t window_s;    /* how far back they count; an incident ends after this long quiet */
	int64_t realert_s;   /* an ongoing incident alerts again after this long, if its count grew; 0: never */
};

/* [rule.new_source] by = address asn country: the identities of a source it compares. */
enum { PS_NEW_SOURCE_ADDRESS = 1, PS_NEW_SOURCE_ASN = 2, PS_NEW_SOURCE_COUNTRY = 4 };

/* Detection: [detect] and every [rule.NAME] (pamsignal.conf(5), RULES in pamsignal(8)). */
struct ps_detect_config {
	uint64_t max_memory;        /* max_memory = 64M: all detection state together */
	struct ps_cidr *allow_cidrs;/* allowlist_cidrs: events from these sources are not examined */
	size_t n_allow_cidrs;
	char **allow_users;         /* allowlist_users, NULL-terminated (NULL: none) */
	unsigned samples;           /* samples = 3 sample events per alert (0-8) */
	struct ps_rule_config rule[PS_RULE__COUNT];

	/* [rule.brute_force_subnet] */
	unsigned subnet_prefix4;    /* prefix4 = 24 */
	unsigned subnet_prefix6;    /* prefix6 = 64 */
	unsigned subnet_min_sources;/* min_sources = 3 distinct addresses */
	/* [rule.new_source] */
	unsigned new_source_prefix6;/* prefix6 = 64: IPv6 sources are compared as networks */
	unsigned new_source_per_user; /* sources_per_user = 16 remembered */
	bool new_source_first_login;/* first_login = no: a user's very first login alerts too */
	/* [rule.commands_of_interest] */
	char **coi_commands;        /* commands = NAME[:MITRE-ID[,ID]]...: NULL = the built-in list */
	bool coi_download_to_shell; /* download_to_shell = yes */
	bool coi_history_clearing;  /* history_clearing = yes */
	unsigned new_source_by;     /* by = address: PS_NEW_SOURCE_* bits, what makes a source new */
	/* [rule.off_hours] */
	char *timezone;             /* timezone: NULL = the system's */
	/* schedule = Mon-Fri 07:00-20:00: bit m of week[d] (d 0 = Monday) set
	 * when minute m of that local day is within working hours */
	uint8_t week[7][1440 / 8];
};

/* [channel.NAME]: one alert destination (config_channels.c, pamsignal.conf(5)). */
enum ps_channel_type {
	PS_CH_CONSOLE, PS_CH_WEBHOOK, PS_CH_TELEGRAM, PS_CH_SLACK, PS_CH_DISCORD,
	PS_CH_TEAMS, PS_CH_NTFY, PS_CH_EMAIL, PS_CH_EXEC, PS_CH_TYPE_COUNT
};
#define PS_CH_MAX_KEYS 40

struct ps_channel_config {
	char *name;                /* [A-Za-z0-9_-]{1,48}: also the spool's file name */
	unsigned line;             /* of its [channel.NAME] header */
	enum ps_channel_type type;
	bool type_set;
	enum ps_severity min_severity;   /* alerts below it are not sent (default low) */
	char **include_rules, **exclude_rules, **include_kinds, **exclude_kinds; /* NULL-terminated or NULL */
	bool notify_logins;        /* auth_success and session_open events */
	char *url;                 /* webhook target, or the API base / server URL */
	char *chat_id, *topic, *from, *username;
	char **to;                 /* email recipients */
	char **command;            /* exec: argv, no shell (argv[0] an absolute path) */
	char **headers;            /* "Name: value" lines, NULL-terminated */
	char *ca_file;
	char *template, *title;    /* {field} templates; NULL: the channel's default message */
	/* Secrets, read at load from *_file keys (a relative name is looked up
	 * in $CREDENTIALS_DIRECTORY); wiped when freed. Never logged. */
	char *url_secret, *token, *signing_key, *password, *topic_secret;
	size_t signing_key_len;
	/* header_file.NAME = PATH: value is the path until the load reads it. */
	struct ps_secret_header { char *name, *value; unsigned line; } *secret_headers;
	size_t n_secret_headers;
	unsigned timeout_s;        /* per request (exec: before SIGKILL) */
	int64_t max_age_s;         /* an alert not delivered after this long is dead-lettered (24h) */
	unsigned rate_count, rate_period_s; /* rate_limit = COUNT/SECONDS; 0: unlimited */
	unsigned max_queue;        /* per channel, in memory and spool */
	bool starttls;             /* email: require STARTTLS on smtp:// */
	unsigned key_line[PS_CH_MAX_KEYS]; /* where each key was set (diagnostics) */
};

/* [enrich]: what events gain from data of our own (pamsignal.conf(5), src/enrich/). */
struct ps_enrich_config {
	char *geoip_db;            /* geoip_db: a City or Country .mmdb (GeoLite2, DB-IP Lite); NULL: none */
	char *asn_db;              /* asn_db: an ASN .mmdb; NULL: none */
	char **provider_ranges;    /* provider_ranges = FILE...: CIDR lists, cloud JSON ranges; NULL: none */
	bool live_destination;     /* live_destination = yes: dst_ip/dst_port of live sshd connections from /proc */
	bool reverse_dns;          /* reverse_dns = no */
	unsigned reverse_dns_timeout_s; /* reverse_dns_timeout = 2 */
	/* Where each file key was set, for errors found when opening them (0: not set). */
	unsigned geoip_db_line, asn_db_line, provider_ranges_line;
};

/* [forward.NAME]: events and alerts to a syslog receiver (config_forward.c,
 * pamsignal.conf(5) FORWARDING, sink/forward/). */
enum ps_fwd_transport { PS_FWD_UDP, PS_FWD_TCP, PS_FWD_TLS, PS_FWD_TRANSPORT_COUNT };
enum ps_fwd_format { PS_FWD_JSON, PS_FWD_CEE, PS_FWD_CEF, PS_FWD_LEEF, PS_FWD_ECS, PS_FWD_OCSF, PS_FWD_FORMAT_COUNT };
enum ps_fwd_what { PS_FWD_BOTH, PS_FWD_EVENTS, PS_FWD_ALERTS };
#define PS_FWD_MAX_KEYS 24

struct ps_forward_config {
	char *name;                /* [A-Za-z0-9_-]{1,48}: also its queue's file name */
	unsigned line;             /* of its [forward.NAME] header */
	char *host;                /* target = HOST:PORT: a name or an address (no brackets) */
	unsigned port;             /* 0 until checked: then 514 (udp, tcp) or 6514 (tls) if not given */
	enum ps_fwd_transport transport; /* default tls */
	enum ps_fwd_format format; /* default json */
	enum ps_fwd_what what;     /* default both */
	enum ps_severity min_severity;  /* default info: everything */
	char **include_kinds, **exclude_kinds; /* events only; NULL-terminated or NULL */
	char *ca_file;             /* NULL: the system's trust store */
	char *cert_file, *key_file;/* client certificate (both or neither) */
	char *server_name;         /* the name the certificate must carry; NULL: the target's host */
	bool verify;               /* verify = yes: the server's certificate and name */
	char *app_name;            /* APP-NAME, default "pamsignal" */
	unsigned facility;         /* 0-23, default authpriv (10) */
	char *sd_id;               /* NAME@PEN: an SD-ELEMENT per message; NULL: "-" */
	bool bom;                  /* the UTF-8 BOM before MSG (RFC 5424 6.4), default yes */
	uint64_t queue_size;       /* bytes of events waiting, in memory and on disk */
	unsigned max_message;      /* bytes of one syslog message, framing excluded */
	unsigned key_line[PS_FWD_MAX_KEYS]; /* where each key was set (diagnostics) */
};

struct ps_config {
	char *path;                /* the file read; NULL when running on defaults */

	/* [general] */
	char *hostname;            /* NULL: gethostname() */
	char *state_dir;           /* /var/lib/pamsignal */
	uint64_t deadletter_max_size; /* deadletter_max_size = 10M: STATE_DIR/deadletter.jsonl is rotated past it */
	unsigned deadletter_keep;  /* deadletter_keep = 3 rotated files */

	/* [source.journal] */
	enum ps_switch journal;    /* enabled = auto|yes|no (auto: if the journal can be opened) */
	uid_t *trusted_uids;       /* trusted_uids = 0 ... */
	size_t n_trusted_uids;
	/* [source.journal.programs]: identifier = exe [exe...] (replaces that
	 * identifier's built-in list, or adds an identifier to watch); the
	 * built-in table of ps_config_defaults comes first. */
	struct ps_trusted_program *programs;
	size_t n_programs;

	/* [source.file] */
	enum ps_switch file;       /* enabled = auto|yes|no (auto: only when the journal is off or unavailable) */
	char **file_paths;         /* paths = /var/log/auth.log /var/log/secure; NULL-terminated */

	/* [source.audit] */
	enum ps_switch audit;      /* enabled = auto|yes|no (auto: if the file exists) */
	char *audit_path;          /* path = /var/log/audit/audit.log */
	char *audit_socket;        /* socket = PATH: records from pamsignal-audisp instead (NULL: the file) */

	/* [source.pam] */
	enum ps_switch pam;        /* enabled = auto|yes|no (auto: a socket that cannot be bound is a warning) */
	char *pam_socket;          /* socket = /run/pamsignal/pam.sock */

	/* [output.eventlog] */
	bool eventlog;             /* enabled = yes|no */
	char *eventlog_path;       /* /var/log/pamsignal/events.jsonl */
	uint64_t eventlog_max_size;/* max_size = 100M (bytes; K, M, G suffixes) */
	unsigned eventlog_keep;    /* keep = 5 rotated files */
	char *eventlog_key_file;   /* hmac_key_file = path or credential name; NULL: the chain is plain SHA-256 */
	char *eventlog_key;        /* its contents, read at load; wiped when freed. Never logged. */
	size_t eventlog_key_len;

	/* [output.stdout] */
	bool print;                /* enabled = yes|no: the terminal table of notable events */

	struct ps_detect_config detect;
	struct ps_enrich_config enrich;
	struct ps_channel_config *channels;
	size_t n_channels;
	struct ps_forward_config *forwards;
	size_t n_forwards;
};

/* Diagnostics: file may be NULL (defaults), line 0 when not line-bound. */
enum ps_diag_level { PS_DIAG_ERROR, PS_DIAG_WARNING };
typedef void (*ps_config_diag_fn)(enum ps_diag_level level, const char *file, unsigned line,
				  const char *msg, void *arg);

/* The defaults alone (cfg->path NULL). Aborts if the few hundred bytes they
 * need cannot be allocated; ps_config_load reports -ENOMEM instead. */
void ps_config_defaults(struct ps_config *cfg);

/*
 * Load path over the defaults. path NULL: PS_CONFIG_DEFAULT_PATH if it
 * exists, else defaults alone. Reports every problem through diag (not just
 * the first), then returns 0, or -EINVAL if any was an error, or -errno if
 * the file could not be read. On error *cfg is freed and zeroed.
 */
int ps_config_load(const char *path, struct ps_config *cfg, ps_config_diag_fn diag, void *arg);

void ps_config_free(struct ps_config *cfg);

/* Names for diagnostics and status ("telegram", "high"...). */
const char *ps_channel_type_name(enum ps_channel_type t);
const char *ps_fwd_transport_name(enum ps_fwd_transport t);
const char *ps_fwd_format_name(enum ps_fwd_format f);
/* (ps_severity_name: event/alert.h) A severity by name (len bytes); -EINVAL if unknown. */
int ps_severity_parse(const char *s, size_t len, enum ps_severity *out);

/* The trusted-program entry for a syslog identifier (len bytes, not
 * NUL-terminated), or NULL. A linear scan of a short table. */
const struct ps_trusted_program *ps_config_program(const struct ps_config *cfg, const char *identifier,
						   size_t len);

#endif
