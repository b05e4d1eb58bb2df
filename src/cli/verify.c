/*
 * pamsignal verify [--key-file FILE]... [--anchor SEQ:HASH]... [--state FILE] [-c FILE] [FILE|DIR]...
 *
 * Checks the event log's hash chain (sink/chain.h) over the files given,
 * oldest first, plain or gzip-compressed. A directory stands for the one
 * *.jsonl log in it and its rotations (NAME.N, NAME.N.gz), oldest first.
 * Without files: the configured event log and its rotations, anchored on
 * the daemon's last checkpoint, with the configured key.
 *
 * Exit status: 0 intact, 1 tampered (each problem named with FILE:LINE),
 * 2 usage error, a file that cannot be read, or a keyed log without its key.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "cli/cli.h"
#include "correlate/session.h"
#include "daemon/checkpoint.h"
#include "daemon/state.h"
#include "sink/chain_verify.h"
#include "util/out.h"
#include "util/secret.h"

#define MAX_KEYS 8

struct verify_cmd {
	char **paths;            /* the files, oldest first */
	size_t n_paths;
	struct ps_str keys[MAX_KEYS];
	size_t n_keys;
	struct ps_verify *v;
	bool need_key;           /* stopped at a keyed record: no key given */
	struct ps_out err;       /* standard error: names are escaped */
	char err_buf[4096];
};

/* "pamsignal: verify: " NAME ": " message, the name escaped for a terminal. */
static int fail(struct verify_cmd *c, const char *name, const char *msg)
{
	ps_out_puts(&c->err, "pamsignal: verify: ");
	if (name) {
		ps_out_term_str(&c->err, ps_cstr(name), 4096);
		ps_out_puts(&c->err, ": ");
	}
	ps_out_puts(&c->err, msg);
	ps_out_putc(&c->err, '\n');
	ps_out_flush(&c->err);
	return PS_EXIT_USAGE;
}

static int add_path(struct verify_cmd *c, const char *path)
{
	char **paths = realloc(c->paths, (c->n_paths + 1) * sizeof(*paths));
	if (!paths)
		return -ENOMEM;
	c->paths = paths;
	if (!(paths[c->n_paths] = strdup(path)))
		return -ENOMEM;
	c->n_paths++;
	return 0;
}

struct rotated {
	unsigned long n;
	bool gz;
	char *path;
};

static int newest_last(const void *a, const void *b)
{
	const struct rotated *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return (int)y->gz - (int)x->gz; /* both NAME.N and NAME.N.gz: a fixed order, the check says the rest */
}

/* name is base "." digits [".gz"]: its number. */
static bool rotation_of(const char *name, const char *base, unsigned long *n, bool *gz)
{
	size_t b = strlen(base);
	if (strncmp(name, base, b) != 0 || name[b] != '.')
		return false;
	const char *d = name + b + 1, *e = d;
	while (*e >= '0' && *e <= '9')
		e++;
	if (e == d || e - d > 9 || (*e && strcmp(e, ".gz") != 0))
		return false;
	*n = strtoul(d, NULL, 10);
	*gz = *e != '\0';
	return true;
}

/* The log at path and its rotations, oldest first. -ENOENT when there is none of them. */
static int add_rotations(struct verify_cmd *c, const char *path)
{
	char *dir = strdup(path);
	if (!dir)
		return -ENOMEM;
	char *slash = strrchr(dir, '/');
	const char *base = slash ? slash + 1 : dir;
	const char *dname = slash == dir ? "/" : slash ? dir : ".";
	if (slash)
		*slash = '\0';
	struct rotated *rot = NULL;
	size_t n = 0;
	int r = 0;
	DIR *d = opendir(dname);
	struct dirent *e;
	if (!d) {
		free(dir);
		return -errno;
	}
	while (r == 0 && (e = readdir(d))) {
		struct rotated one;
		if (!rotation_of(e->d_name, base, &one.n, &one.gz))
			continue;
		struct rotated *more = realloc(rot, (n + 1) * sizeof(*rot));
		if (!more || asprintf(&one.path, "%s/%s", dname, e->d_name) < 0) {
			rot = more ? more : rot;
			r = -ENOMEM;
			break;
		}
		rot = more;
		rot[n++] = one;
	}
	closedir(d);
	if (n > 1)
		qsort(rot, n, sizeof(*rot), newest_last);
	for (size_t i = 0; i < n; i++) {
		if (r == 0)
			r = add_path(c, rot[i].path);
		free(rot[i].path);
	}
	free(rot);
	struct stat st;
	if (r == 0 && stat(path, &st) == 0)
		r = add_path(c, path);
	else if (r == 0 && n == 0)
		r = -ENOENT;
	free(dir);
	return r;
}

/* DIR: the one *.jsonl in it. */
static int add_dir(struct verify_cmd *c, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *log = NULL;
	int r = 0;
	if (!d)
		return fail(c, dir, strerror(errno));
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n <= 6 || strcmp(e->d_name + n - 6, ".jsonl") != 0)
			continue;
		if (log) {
			r = fail(c, dir, "holds more than one *.jsonl log: name the files, oldest first");
			break;
		}
		if (asprintf(&log, "%s/%s", dir, e->d_name) < 0) {
			log = NULL;
			r = fail(c, dir, strerror(ENOMEM));
			break;
		}
	}
	closedir(d);
	if (r == 0 && !log)
		r = fail(c, dir, "no *.jsonl log in it");
	if (r == 0 && (r = add_rotations(c, log)) < 0)
		r = fail(c, log, strerror(-r));
	free(log);
	return r;
}

static int add_key(struct verify_cmd *c, const char *path)
{
	char *key;
	size_t len;
	if (c->n_keys == MAX_KEYS)
		return fail(c, path, "too many keys");
	int r = ps_secret_read(path, &key, &len);
	if (r < 0)
		return fail(c, path, ps_secret_strerror(r));
	c->keys[c->n_keys++] = ps_str(key, len);
	return 0;
}

/* SEQ:HASH */
static int add_anchor(struct verify_cmd *c, const char *arg)
{
	const char *colon = strchr(arg, ':');
	uint64_t seq;
	unsigned char value[PS_CHAIN_LEN];
	if (!colon || ps_parse_u64(ps_str(arg, (size_t)(colon - arg)), UINT64_MAX, &seq) < 0 || seq == 0 ||
	    !ps_chain_hex(ps_cstr(colon + 1), value))
		return fail(c, arg, "--anchor takes SEQ:HASH (as verify prints after \"head\")");
	char label[64];
	snprintf(label, sizeof(label), "--anchor %llu", (unsigned long long)seq);
	return ps_verify_anchor(c->v, seq, value, label) < 0 ? fail(c, NULL, strerror(ENOMEM)) : 0;
}

/* The head the daemon's last checkpoint saw (daemon/state.h). required: --state, not the default. */
static int add_state(struct verify_cmd *c, const char *path, bool required)
{
	char *text, label[4200];
	size_t len;
	unsigned line;
	struct ps_state st;
	int r = ps_checkpoint_read(path, &text, &len);
	if (r == -ENOENT && !required)
		return 0;
	if (r < 0)
		return fail(c, path, strerror(-r));
	struct ps_sessions *s = ps_sessions_new(16);
	ps_state_init(&st);
	r = s ? ps_state_parse(&st, s, text, len, &line) : -ENOMEM;
	free(text);
	ps_sessions_free(s);
	if (r < 0) {
		ps_state_free(&st);
		return fail(c, path, r == -ENOMEM ? strerror(ENOMEM) : "not a pamsignal state file");
	}
	struct ps_chain_head h = st.eventlog.chain;
	ps_state_free(&st);
	if (h.seq == 0)
		return required ? fail(c, path, "records no event log position with a chain") : 0;
	snprintf(label, sizeof(label), "the checkpoint in %s", path);
	return ps_verify_anchor(c->v, h.seq, h.value, label) < 0 ? fail(c, NULL, strerror(ENOMEM)) : 0;
}

/* No files: the configured log and its key; *state: its checkpoint (malloc'ed). */
static int from_config(struct verify_cmd *c, const char *config, char **state)
{
	struct ps_config cfg;
	int r = 0;
	if (ps_config_load(config, &cfg, ps_cli_print_diag, NULL) < 0)
		return PS_EXIT_USAGE;
	if (!cfg.eventlog)
		r = fail(c, cfg.path, "the event log is off ([output.eventlog] enabled = no): name the files");
	else if ((r = add_rotations(c, cfg.eventlog_path)) < 0)
		r = fail(c, cfg.eventlog_path, strerror(-r));
	if (r == 0 && c->n_keys == 0 && cfg.eventlog_key) {
		char *key = malloc(cfg.eventlog_key_len);
		if (!key)
			r = fail(c, NULL, strerror(ENOMEM));
		else
			c->keys[c->n_keys++] = ps_str(memcpy(key, cfg.eventlog_key, cfg.eventlog_key_len),
						      cfg.eventlog_key_len);
	}
	if (r == 0 && asprintf(state, "%s/state", cfg.state_dir) < 0) {
		*state = NULL;
		r = fail(c, NULL, strerror(ENOMEM));
	}
	ps_config_free(&cfg);
	return r;
}

/* One file through the verifier. 0, or the exit status of a failure. */
static int check_file(struct verify_cmd *c, const char *path)
{
	static char buf[256 * 1024];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return fail(c, path, strerror(errno));
	gzFile gz = gzdopen(fd, "rb"); /* reads plain files as they are */
	if (!gz) {
		close(fd);
		return fail(c, path, strerror(ENOMEM));
	}
	int n, r = ps_verify_file(c->v, path);
	while (r == 0 && (n = gzread(gz, buf, sizeof(buf))) > 0)
		r = ps_verify_feed(c->v, buf, (size_t)n);
	if (r == 0 && n < 0) {
		int zerr;
		const char *msg = gzerror(gz, &zerr);
		r = fail(c, path, zerr == Z_ERRNO ? strerror(errno) : msg);
	} else if (r == 0) {
		r = ps_verify_feed_end(c->v);
	}
	gzclose(gz);
	if (r == -ENOKEY) {
		c->need_key = true; /* the report says where */
		return PS_EXIT_USAGE;
	}
	return r == -ENOMEM ? fail(c, NULL, strerror(ENOMEM)) : r;
}

static void usage(FILE *f)
{
	fputs("usage: pamsignal verify [--key-file FILE]... [--anchor SEQ:HASH]... [--state FILE]\n"
	      "                        [-c FILE] [FILE | DIR]...\n"
	      "Check the event log's hash chain: every record intact and in its place. FILEs\n"
	      "oldest first (plain or .gz); a DIR stands for its *.jsonl log and the log's\n"
	      "rotations. Without FILEs: the configured event log, key and last checkpoint.\n"
	      "  --key-file FILE    the HMAC key of a keyed chain (again for an older key)\n"
	      "  --anchor SEQ:HASH  a record known from elsewhere (verify prints the head)\n"
	      "  --state FILE       anchor on the daemon's checkpoint (its state file)\n"
	      "Exit status: 0 intact, 1 tampered, 2 usage or read error.\n",
	      f);
}

int ps_cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key-file", required_argument, NULL, 'k' },
		{ "anchor", required_argument, NULL, 'a' },
		{ "state", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static struct verify_cmd cmd;
	static char out_buf[64 * 1024];
	struct verify_cmd *c = &cmd;
	const char *config = NULL, *state = NULL;
	char *default_state = NULL;
	int opt, status = 0;

	ps_out_init_fd(&c->err, STDERR_FILENO, c->err_buf, sizeof(c->err_buf));
	optind = 1;
	/* Keys first: a keyed log is checked with --key-file's keys, not the configuration's. */
	while ((opt = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'k':
			status = status ? status : add_key(c, optarg);
			break;
		case 'a':
		case 's':
			break;
		case 'c':
			config = optarg;
			break;
		case 'h':
			usage(stdout);
			return PS_EXIT_OK;
		default:
			usage(stderr);
			return PS_EXIT_USAGE;
		}
	}
	int first_file = optind;
	if (status == 0 && first_file == argc)
		status = from_config(c, config, &default_state);
	for (int i = first_file; status == 0 && i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) < 0)
			status = fail(c, argv[i], strerror(errno));
		else if (S_ISDIR(st.st_mode))
			status = add_dir(c, argv[i]);
		else if (add_path(c, argv[i]) < 0)
			status = fail(c, NULL, strerror(ENOMEM));
	}
	if (status == 0 && ps_verify_new(&c->v, c->keys, c->n_keys) < 0)
		status = fail(c, NULL, "cannot set up SHA-256 (OpenSSL)");
	optind = 1;
	while (status == 0 && (opt = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		if (opt == 'a')
			status = add_anchor(c, optarg);
		else if (opt == 's')
			state = optarg;
	}
	if (status == 0 && (state || default_state))
		status = add_state(c, state ? state : default_state, state != NULL);

	for (size_t i = 0; status == 0 && i < c->n_paths; i++)
		status = check_file(c, c->paths[i]);
	if (c->v) {
		struct ps_out out;
		ps_out_init_fd(&out, STDOUT_FILENO, out_buf, sizeof(out_buf));
		if (status == 0)
			ps_verify_end(c->v);
		if (status == 0 || c->need_key)
			ps_verify_print(c->v, &out);
		ps_out_flush(&out);
		if (status == 0 && ps_verify_problems(c->v))
			status = PS_EXIT_FAILURE;
		ps_verify_free(c->v);
	}
	for (size_t i = 0; i < c->n_keys; i++)
		ps_secret_free((char *)c->keys[i].p, c->keys[i].n);
	for (size_t i = 0; i < c->n_paths; i++)
		free(c->paths[i]);
	free(c->paths);
	free(default_state);
	return status;
}
