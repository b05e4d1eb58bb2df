/*
 * Internals of the configuration module, shared by config.c (the file:
 * opening, permissions, lines), config_keys.c (sections, keys, values) and
 * config_defaults.c. The unit test includes it to load with an extra key;
 * nothing else should.
 */
#ifndef PS_CONFIG_CONFIG_INTERNAL_H
#define PS_CONFIG_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "config/config.h"

enum ps_cfg_section {
	PS_SEC_NONE = -2,    /* before the first [section] */
	PS_SEC_UNKNOWN = -1, /* inside a section already reported as unknown */
	PS_SEC_CHANNEL = -3, /* [channel.NAME]: ld->channel, keys in config_channels.c */
	PS_SEC_FORWARD = -4, /* [forward.NAME]: ld->forward, keys in config_forward.c */
	PS_SEC_GENERAL = 0,
	PS_SEC_JOURNAL,
	PS_SEC_PROGRAMS,
	PS_SEC_FILE,
	PS_SEC_AUDIT,
	PS_SEC_PAM,
	PS_SEC_EVENTLOG,
	PS_SEC_STDOUT,
	PS_SEC_DETECT,
	PS_SEC_ENRICH,
	PS_SEC_COUNT,
	PS_SEC_RULE = 100,   /* [rule.NAME]: ld->rule says which (config_rules.c) */
};

/* Keys a [rule.NAME] section may hold (config_rules.c has the table). */
#define PS_CFG_RULE_KEYS 16

struct ps_cfg_loader;

struct ps_cfg_key {
	enum ps_cfg_section section;
	const char *name;
	/* Parse value into ld->cfg. Returns 0, -EINVAL after reporting the
	 * problem through ps_cfg_report(), or -ENOMEM. */
	int (*set)(struct ps_cfg_loader *ld, const struct ps_cfg_key *key, const char *value);
	size_t field; /* offsetof(struct ps_config, ...), for setters several keys share */
	/* Holds a credential (webhook tokens, ...): the file then must not be
	 * world-readable, and loading warns when it is. */
	bool secret;
};

#define PS_CFG_MAX_KEYS 64
#define PS_CFG_NAME_MAX 64 /* longest key or section name, with its NUL */

struct ps_cfg_loader {
	struct ps_config *cfg;
	const struct ps_cfg_key *keys;
	size_t n_keys;
	ps_config_diag_fn diag;
	void *arg;
	const char *file;

	/* The whole file, and the reader's position in it. */
	const char *text;
	size_t len, pos;
	unsigned line; /* the line inih is handling now */
	enum ps_cfg_section section;
	char key[PS_CFG_NAME_MAX]; /* the key as the reader split it */

	unsigned errors, warnings;
	bool oom;
	unsigned key_line[PS_CFG_MAX_KEYS]; /* where each key was set: duplicate warnings */
	unsigned *program_line;             /* the same for cfg->programs; 0: built in */
	size_t program_line_cap;
	const char *secret_key;             /* the first secret key set, and its line */
	unsigned secret_line;
	int rule;                           /* in PS_SEC_RULE: which rule */
	unsigned rule_key_line[PS_RULE__COUNT][PS_CFG_RULE_KEYS];
	size_t channel;                     /* index in cfg->channels while in PS_SEC_CHANNEL */
	size_t forward;                     /* index in cfg->forwards while in PS_SEC_FORWARD */
};

/* The real key table (config_keys.c). */
extern const struct ps_cfg_key ps_cfg_keys[];
extern const size_t ps_cfg_n_keys;

/* ps_config_load() with a key table of the caller's (n_keys <= PS_CFG_MAX_KEYS). */
int ps_cfg_load(const char *path, struct ps_config *cfg, const struct ps_cfg_key *keys, size_t n_keys,
		ps_config_diag_fn diag, void *arg);

/* Fill a zeroed cfg with the defaults. 0 or -ENOMEM (cfg then holds what
 * was allocated; ps_config_free() releases it). */
int ps_cfg_defaults(struct ps_config *cfg);

/* Counts the problem and passes it to the caller's diag; line 0: the file as a whole. */
__attribute__((format(printf, 4, 5))) void ps_cfg_report(struct ps_cfg_loader *ld, enum ps_diag_level level,
							 unsigned line, const char *fmt, ...);

/* s made safe to quote in a message: bytes outside printable ASCII as \xNN,
 * cut after about 60 characters. Returns buf. */
#define PS_CFG_QUOTE_MAX 80
char *ps_cfg_quote(char buf[PS_CFG_QUOTE_MAX], const char *s, size_t n);

/* A line "[name]": set ld->section, reporting an unknown name. */
void ps_cfg_enter_section(struct ps_cfg_loader *ld, const char *name, size_t n);
/* A line "name = value" in ld->section. */
void ps_cfg_set_key(struct ps_cfg_loader *ld, const char *name, const char *value);
const char *ps_cfg_section_name(enum ps_cfg_section s);

/*
 * Split s at spaces and tabs into a NULL-terminated array of copies. Returns
 * the number of words or -ENOMEM; free with ps_cfg_strv_free().
 */
int ps_cfg_words(const char *s, char ***out);
void ps_cfg_strv_free(char **v);
/*
 * Split an exec channel's command line (config_argv.c has the quoting
 * rules) into a NULL-terminated argv. Returns the number of words,
 * -EINVAL with *why saying what is wrong, or -ENOMEM.
 */
int ps_cfg_argv(const char *s, char ***out, const char **why);

/* Suggestions: edit distance ignoring case, and whether d is close enough to
 * candidate to suggest it. */
size_t ps_cfg_distance(const char *a, const char *b);
bool ps_cfg_near(size_t d, const char *candidate);

/* config_rules.c: [detect] values, [rule.NAME] sections, and the defaults of both. */
int ps_cfg_set_cidrs(struct ps_cfg_loader *ld, const struct ps_cfg_key *k, const char *v);
int ps_cfg_set_users(struct ps_cfg_loader *ld, const struct ps_cfg_key *k, const char *v);
/* [rule.commands_of_interest] commands: NAME[:ID[,ID]] words; the error (if any) in err. */
int ps_cfg_parse_commands(const char *v, char ***out, char *err, size_t size);
int ps_cfg_set_samples(struct ps_cfg_loader *ld, const struct ps_cfg_key *k, const char *v);
/* "rule.NAME" was entered (name: what follows "rule.", n bytes). */
void ps_cfg_enter_rule(struct ps_cfg_loader *ld, const char *name, size_t n);
int ps_cfg_set_rule_key(struct ps_cfg_loader *ld, const char *name, const char *value);
int ps_cfg_detect_defaults(struct ps_detect_config *d);
/*
 * "Mon-Fri 07:00-20:00, Sat 09:00-12:00" into a minute bitmap per weekday
 * (0 = Monday). A range that ends at or before its start runs past
 * midnight into the next day. Returns 0, or -EINVAL with a message in err.
 */
int ps_cfg_parse_schedule(const char *text, uint8_t week[7][1440 / 8], char *err, size_t size);
void ps_cfg_detect_free(struct ps_detect_config *d);
/* config_enrich.c: [enrich] values; defaults and free. */
int ps_cfg_set_enrich(struct ps_cfg_loader *ld, const struct ps_cfg_key *k, const char *v);
void ps_cfg_enrich_defaults(struct ps_enrich_config *e);
void ps_cfg_enrich_free(struct ps_enrich_config *e);
/* config_keys.c: a path a key may hold (absolute, no control characters); reports and returns false otherwise. */
bool ps_cfg_check_path(struct ps_cfg_loader *ld, const char *name, const char *p);
/* config_channels.c. If name is "channel.X", enter that channel's section
 * (reporting a bad name) and return true. */
bool ps_cfg_channel_section(struct ps_cfg_loader *ld, const char *name, size_t n);
void ps_cfg_channel_key(struct ps_cfg_loader *ld, const char *name, const char *value);
/* After the file: keys each type needs, secrets read. Reports at the header's line. */
void ps_cfg_channels_check(struct ps_cfg_loader *ld);
void ps_cfg_channels_free(struct ps_config *cfg);

/* config_named.c: what [channel.NAME] and [forward.NAME] share. */
#define PS_CFG_SECTION_NAME_MAX 48
/* The name of the i-th section of a kind, and its header's line. */
typedef const char *(*ps_cfg_name_at_fn)(const struct ps_config *cfg, size_t i, unsigned *line);
/* Report "[PREFIX.NAME] KEY: message" at the current line; returns -EINVAL. */
__attribute__((format(printf, 5, 6))) int ps_cfg_named_bad(struct ps_cfg_loader *ld, const char *prefix,
							    const char *name, const char *key, const char *fmt, ...);
/*
 * If section (n bytes) is "PREFIX.NAME": false if not. Otherwise true,
 * with *name a new copy of NAME (the caller owns it) when NAME is 1 to
 * PS_CFG_SECTION_NAME_MAX of [A-Za-z0-9_-] and none of the count sections
 * name_at lists has it; else *name NULL, the problem reported (what: "a
 * channel name...") and ld->section PS_SEC_UNKNOWN (also on no memory).
 */
bool ps_cfg_named_section(struct ps_cfg_loader *ld, const char *section, size_t n, const char *prefix,
			  const char *what, size_t count, ps_cfg_name_at_fn name_at, char **name);
/* The index of key among key_at(0..n_keys), noting its line in key_line[]
 * and warning when it was set before; -1 after reporting it unknown. */
int ps_cfg_named_key(struct ps_cfg_loader *ld, const char *prefix, const char *name, const char *key,
		     const char *(*key_at)(size_t i), size_t n_keys, unsigned *key_line);

/* config_forward.c, the same for [forward.NAME]. */
bool ps_cfg_forward_section(struct ps_cfg_loader *ld, const char *name, size_t n);
void ps_cfg_forward_key(struct ps_cfg_loader *ld, const char *name, const char *value);
void ps_cfg_forwards_check(struct ps_cfg_loader *ld);
void ps_cfg_forwards_free(struct ps_config *cfg);

/* Values several sections read (config_keys.c). yes/no, true/false,
 * on/off, 1/0: false if v is none of them. */
bool ps_cfg_parse_bool(const char *v, bool *out);
/* A byte count with an optional K, M or G suffix: 0, -ERANGE, or -EINVAL. */
int ps_cfg_parse_size(const char *v, uint64_t *out);

/* config_keys.c: after the file, read [output.eventlog] hmac_key_file's key. */
void ps_cfg_eventlog_key(struct ps_cfg_loader *ld);

/* The file-wide checks, at line 0: who could have written it, and whether
 * the secrets it holds are readable by everyone. */
void ps_cfg_check_owner(struct ps_cfg_loader *ld, const struct stat *st, uid_t self);
void ps_cfg_check_secrets(struct ps_cfg_loader *ld, const struct stat *st);

#endif
