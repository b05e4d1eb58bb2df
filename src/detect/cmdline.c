/*
 * Reading shell command lines for commands of interest (contract in
 * cmdline.h). The syntax followed is POSIX sh's (XCU 2.2 quoting, 2.3
 * token recognition, 2.6.3 command substitution, 2.7 redirection) and
 * bash's process substitution.
 */
#include "detect/cmdline.h"

#include <string.h>

#define MAX_WORDS 32
#define MAX_NEST 4     /* substitutions open at once on one line */
#define MAX_DEPTH 3    /* command lines inside command lines (-c, $(...) in quotes) */
#define MAX_TOKENS 4096 /* per line: more than a line of typed input can hold */
#define SCRATCH 8192   /* unquoted words of one line */

const struct ps_cmd_tool ps_cmd_default_tools[] = {
	{ "netstat", { "T1049" } }, { "ss", { "T1049" } },     { "lsof", { "T1049", "T1057" } },
	{ "tcpdump", { "T1040" } }, { "nmap", { "T1046" } },   { "nc", { "T1046" } },
	{ "ncat", { "T1046" } },    { "netcat", { "T1046" } }, { "socat", { "T1046" } },
};
const size_t ps_cmd_n_default_tools = sizeof(ps_cmd_default_tools) / sizeof(ps_cmd_default_tools[0]);

static const struct ps_cmd_tool download_label = { "download_to_shell", { "T1105", "T1059.004" } };
static const struct ps_cmd_tool history_label = { "history_clearing", { "T1070.003" } };

const struct ps_cmd_tool *ps_cmd_known_tool(struct ps_str name)
{
	for (size_t i = 0; i < ps_cmd_n_default_tools; i++)
		if (ps_eq(name, ps_cstr(ps_cmd_default_tools[i].name)))
			return &ps_cmd_default_tools[i];
	return NULL;
}

struct ps_str ps_cmd_label(const struct ps_cmd_match *m)
{
	switch (m->what) {
	case PS_CMD_DOWNLOAD_TO_SHELL: return ps_cstr(download_label.name);
	case PS_CMD_HISTORY_CLEARING: return ps_cstr(history_label.name);
	default: return ps_cstr(m->tool->name);
	}
}

static bool in(struct ps_str s, const char *const *list)
{
	for (; *list; list++)
		if (ps_eq(s, ps_cstr(*list)))
			return true;
	return false;
}

static const char *const shells[] = { "sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "fish", NULL };
static const char *const downloaders[] = { "curl", "wget", "fetch", NULL };

/* ---- tokens ---- */

enum tok_type { T_END, T_WORD, T_SEP, T_PIPE, T_OPEN, T_CLOSE, T_REDIR };

struct tok {
	enum tok_type type;
	struct ps_str text; /* T_WORD: unquoted (in the scratch) */
	bool subst;         /* T_WORD: a substitution inside double quotes */
	bool trunc;         /* T_REDIR: truncates its target (>, N>, &>, >|) */
};

struct ctx {
	const struct ps_cmd_rules *rules;
	struct ps_cmd_match *out;
	size_t n, max;
	struct ps_str line; /* the top-level line being read */
	char scratch[SCRATCH];
	size_t used;
};

struct lexer {
	struct ps_str s;
	size_t i;
	bool in_backquote;
	unsigned tokens;
};

static bool blank(char c) { return c == ' ' || c == '\t'; }
static bool meta(char c) { return strchr("|&;<>()`\r\n", c) && c; }

static void put(struct ctx *c, char ch)
{
	if (c->used < SCRATCH)
		c->scratch[c->used++] = ch;
}

/* A word: quotes removed, escapes applied; a substitution seen inside double quotes noted. */
static void word(struct ctx *c, struct lexer *lx, struct tok *t)
{
	struct ps_str s = lx->s;
	size_t start = c->used;
	t->type = T_WORD;
	t->subst = false;
	while (lx->i < s.n && !blank(s.p[lx->i]) && !meta(s.p[lx->i])) {
		char ch = s.p[lx->i];
		if (ch == '$' && lx->i + 1 < s.n && s.p[lx->i + 1] == '(')
			break; /* a substitution starts: the word ends here */
		lx->i++;
		if (ch == '\\' && lx->i < s.n) {
			put(c, s.p[lx->i++]);
		} else if (ch == '\'') {
			while (lx->i < s.n && s.p[lx->i] != '\'')
				put(c, s.p[lx->i++]);
			lx->i += lx->i < s.n;
		} else if (ch == '"') {
			while (lx->i < s.n && s.p[lx->i] != '"') {
				char q = s.p[lx->i++];
				if (q == '\\' && lx->i < s.n && strchr("\"\\$`", s.p[lx->i]))
					q = s.p[lx->i++];
				else if (q == '`' || (q == '$' && lx->i < s.n && s.p[lx->i] == '('))
					t->subst = true;
				put(c, q);
			}
			lx->i += lx->i < s.n;
		} else {
			put(c, ch);
		}
	}
	t->text = ps_str(c->scratch + start, c->used - start);
}

static void next(struct ctx *c, struct lexer *lx, struct tok *t)
{
	struct ps_str s = lx->s;
	*t = (struct tok){ .type = T_END };
	while (lx->i < s.n && blank(s.p[lx->i]))
		lx->i++;
	if (lx->i >= s.n || ++lx->tokens > MAX_TOKENS)
		return;
	const char *p = s.p + lx->i;
	size_t left = s.n - lx->i;
	char ch = p[0], ch2 = left > 1 ? p[1] : '\0';
	if (ch == '#') { /* a comment, to the end of the line */
		while (lx->i < s.n && s.p[lx->i] != '\n' && s.p[lx->i] != '\r')
			lx->i++;
		t->type = T_SEP;
		return;
	}
	if ((ch == '$' || ch == '<' || ch == '>') && ch2 == '(') {
		lx->i += 2;
		t->type = T_OPEN;
		return;
	}
	if (ch == '`') {
		lx->i++;
		lx->in_backquote = !lx->in_backquote;
		t->type = lx->in_backquote ? T_OPEN : T_CLOSE;
		return;
	}
	if (ch == '|' && ch2 != '|') {
		lx->i += 1 + (ch2 == '&');
		t->type = T_PIPE;
		return;
	}
	/* Redirections: [N]> [N]>> [N]< << >& &> &>> >| (XCU 2.7). */
	size_t d = 0;
	while (d < left && p[d] >= '0' && p[d] <= '9')
		d++;
	if ((d < left && (p[d] == '<' || p[d] == '>')) || (ch == '&' && ch2 == '>')) {
		size_t e = d;
		while (e < left && (p[e] == '<' || p[e] == '>' || p[e] == '&' || p[e] == '|'))
			e++;
		struct ps_str op = ps_str(p + d, e - d);
		lx->i += e;
		t->type = T_REDIR;
		t->trunc = ps_eq_lit(op, ">") || ps_eq_lit(op, "&>") || ps_eq_lit(op, ">|");
		return;
	}
	if (meta(ch)) { /* ; & && || ( ) and line ends */
		lx->i += 1 + ((ch == '&' || ch == '|') && ch2 == ch);
		t->type = ch == ')' ? T_CLOSE : T_SEP;
		return;
	}
	word(c, lx, t);
}

/* ---- simple commands ---- */

struct cmd {
	struct ps_str w[MAX_WORDS];
	size_t n;
	bool download_inside;  /* a substitution among its words ran a downloader */
	bool history_redirect; /* > onto a *_history file */
	bool expect_target;    /* the next word is a redirection's target */
	bool target_trunc;
};

struct level {
	struct cmd cmd;
	bool pipe_download;    /* a downloader earlier in the current pipeline */
	bool any_download;     /* a downloader anywhere at this level */
};

static bool scan_line(struct ctx *c, struct ps_str text, unsigned depth);

static void add(struct ctx *c, enum ps_cmd_what what, const struct ps_cmd_tool *tool, uint64_t hash)
{
	struct ps_cmd_match m = { what, tool, c->line, hash };
	for (size_t i = 0; i < c->n; i++)
		if (ps_eq(ps_cmd_label(&c->out[i]), ps_cmd_label(&m)))
			return;
	if (c->n < c->max)
		c->out[c->n++] = m;
}

static struct ps_str base_name(struct ps_str s)
{
	ptrdiff_t slash = ps_rfind(s, "/");
	return slash < 0 ? s : ps_tail(s, (size_t)slash + 1);
}

static bool history_file(struct ps_str s)
{
	struct ps_str b = base_name(s);
	return ps_ends(b, "_history") || ps_eq_lit(b, ".history");
}

/* NAME=VALUE with a shell variable name. */
static bool assignment(struct ps_str w, struct ps_str *name, struct ps_str *value)
{
	if (!ps_split(w, "=", name, value) || name->n == 0 || (name->p[0] >= '0' && name->p[0] <= '9'))
		return false;
	for (size_t i = 0; i < name->n; i++) {
		char ch = name->p[i];
		if (!(ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')))
			return false;
	}
	return true;
}

static bool history_assignment(struct ps_str w)
{
	struct ps_str name, value;
	if (!assignment(w, &name, &value))
		return false;
	if (ps_eq_lit(name, "HISTFILE"))
		return value.n == 0 || ps_eq_lit(value, "/dev/null");
	return (ps_eq_lit(name, "HISTSIZE") || ps_eq_lit(name, "HISTFILESIZE")) && ps_eq_lit(value, "0");
}

/* Options of sudo and doas that take an argument (sudo(8), doas(1)). */
static bool takes_arg(struct ps_str prog, struct ps_str opt)
{
	static const char *const sudo_opts[] = { "-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T", "-R",
						 "--user", "--group", "--chdir", "--host", "--prompt", NULL };
	if (ps_eq_lit(prog, "sudo") || ps_eq_lit(prog, "doas"))
		return in(opt, sudo_opts);
	if (ps_eq_lit(prog, "nice") || ps_eq_lit(prog, "ionice"))
		return ps_eq_lit(opt, "-n") || ps_eq_lit(opt, "-c");
	return false;
}

/*
 * The index of the program word: past assignments, reserved words and
 * wrappers (and their options). Returns c->n when there is none.
 */
static size_t program_index(const struct cmd *k, bool *history)
{
	static const char *const reserved[] = { "!", "{", "if", "then", "else", "elif", "do", "while", "until", NULL };
	static const char *const wrappers[] = { "sudo", "doas", "env", "nohup", "time", "exec", "command", "builtin",
						"nice", "ionice", "timeout", "stdbuf", "xargs", "busybox", "setsid",
						"unbuffer", "chronic", NULL };
	size_t i = 0;
	while (i < k->n) {
		struct ps_str w = k->w[i], name, value;
		if (assignment(w, &name, &value)) {
			*history |= history_assignment(w);
			i++;
			continue;
		}
		if (in(w, reserved)) {
			i++;
			continue;
		}
		struct ps_str prog = base_name(w);
		if (!in(prog, wrappers))
			return i;
		bool timeout = ps_eq_lit(prog, "timeout");
		for (i++; i < k->n && (k->w[i].n > 1 && k->w[i].p[0] == '-'); i++)
			if (takes_arg(prog, k->w[i]))
				i++;
		if (timeout && i < k->n)
			i++; /* its DURATION */
	}
	return k->n;
}

/* The word after the first of opts, as a command line read deeper. */
static bool run_option(struct ctx *c, const struct cmd *k, size_t from, bool shell, unsigned depth)
{
	for (size_t i = from; i + 1 < k->n; i++) {
		struct ps_str w = k->w[i];
		/* sh -c, bash -lc, -ic...; su -c and --command. */
		bool c_opt = shell ? (w.n >= 2 && w.p[0] == '-' && w.p[1] != '-' && ps_has_byte(w, 'c'))
				   : (ps_eq_lit(w, "-c") || ps_eq_lit(w, "--command"));
		if (c_opt)
			return depth < MAX_DEPTH && scan_line(c, k->w[i + 1], depth + 1);
	}
	return false;
}

static uint64_t command_hash(const struct cmd *k, size_t prog)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = prog; i < k->n; i++) {
		struct ps_str w = i == prog ? base_name(k->w[i]) : k->w[i];
		for (size_t j = 0; j < w.n; j++)
			h = (h ^ (unsigned char)w.p[j]) * 0x100000001b3ULL;
		h = (h ^ ' ') * 0x100000001b3ULL;
	}
	return h;
}

static bool history_command(struct ps_str prog, const struct cmd *k, size_t first)
{
	static const char *const removers[] = { "rm", "shred", "unlink", "truncate", "wipe", "srm", NULL };
	static const char *const copiers[] = { "ln", "cp", "mv", "cat", "install", NULL };
	static const char *const declarers[] = { "export", "declare", "typeset", "readonly", "local", NULL };
	bool dev_null = false, hist = false;
	for (size_t i = first; i < k->n; i++) {
		struct ps_str w = k->w[i];
		if (ps_eq_lit(prog, "history") && w.n >= 2 && w.p[0] == '-' && ps_has_byte(w, 'c'))
			return true;
		if (ps_eq_lit(prog, "unset") && ps_eq_lit(w, "HISTFILE"))
			return true;
		if (ps_eq_lit(prog, "set") && ps_eq_lit(w, "+o") && i + 1 < k->n && ps_eq_lit(k->w[i + 1], "history"))
			return true;
		if (in(prog, declarers) && history_assignment(w))
			return true;
		dev_null |= ps_eq_lit(w, "/dev/null");
		hist |= history_file(w);
	}
	return hist && (in(prog, removers) || (in(prog, copiers) && dev_null));
}

/* A simple command ends: what does it run? Returns whether it is a downloader. */
static bool finish(struct ctx *c, struct level *lv, unsigned depth)
{
	struct cmd *k = &lv->cmd;
	bool history = k->history_redirect, download = false;
	size_t p = program_index(k, &history);
	uint64_t h = p < k->n ? command_hash(k, p) : 0;
	if (p < k->n) {
		struct ps_str prog = base_name(k->w[p]);
		bool shell = in(prog, shells);
		for (size_t i = 0; i < c->rules->n_tools; i++)
			if (ps_eq(prog, ps_cstr(c->rules->tools[i].name)))
				add(c, PS_CMD_TOOL, &c->rules->tools[i], h);
		history |= history_command(prog, k, p + 1);
		download = in(prog, downloaders);
		bool inner = (shell || ps_eq_lit(prog, "su")) && run_option(c, k, p + 1, shell, depth);
		if (shell && (inner || k->download_inside || lv->pipe_download) && c->rules->download_to_shell)
			add(c, PS_CMD_DOWNLOAD_TO_SHELL, &download_label, h);
		download |= inner;
	}
	download |= k->download_inside; /* $(curl ...) runs even where no program follows */
	if (history && c->rules->history_clearing)
		add(c, PS_CMD_HISTORY_CLEARING, &history_label, h);
	lv->any_download |= download;
	*k = (struct cmd){ 0 };
	return download;
}

static void add_word(struct ctx *c, struct level *lv, const struct tok *t, unsigned depth)
{
	struct cmd *k = &lv->cmd;
	if (k->expect_target) {
		k->history_redirect |= k->target_trunc && history_file(t->text);
		k->expect_target = false;
		return;
	}
	/* "$(curl ...)" in double quotes is run all the same. */
	if (t->subst && depth < MAX_DEPTH && scan_line(c, t->text, depth + 1))
		k->download_inside = true;
	if (k->n < MAX_WORDS)
		k->w[k->n++] = t->text;
}

/* One command line (substitutions inside it included). Returns whether a downloader runs in it. */
static bool scan_line(struct ctx *c, struct ps_str text, unsigned depth)
{
	struct level lv[MAX_NEST];
	unsigned top = 0;
	struct lexer lx = { .s = text };
	struct tok t;
	memset(&lv[0], 0, sizeof(lv[0]));
	for (;;) {
		next(c, &lx, &t);
		struct level *cur = &lv[top];
		switch (t.type) {
		case T_WORD:
			add_word(c, cur, &t, depth);
			continue;
		case T_REDIR:
			cur->cmd.expect_target = true;
			cur->cmd.target_trunc = t.trunc;
			continue;
		case T_PIPE:
			cur->pipe_download |= finish(c, cur, depth);
			continue;
		case T_OPEN:
			if (top + 1 < MAX_NEST) {
				memset(&lv[++top], 0, sizeof(lv[0]));
				continue;
			}
			finish(c, cur, depth);
			continue;
		case T_CLOSE:
			finish(c, cur, depth);
			if (top > 0) {
				bool inner = lv[top].any_download;
				top--;
				lv[top].cmd.download_inside |= inner;
			} else {
				cur->pipe_download = false;
			}
			continue;
		case T_SEP:
			finish(c, cur, depth);
			cur->pipe_download = false;
			continue;
		case T_END:
			break;
		}
		break;
	}
	/* Substitutions left open at the end: closed in order. */
	for (;;) {
		finish(c, &lv[top], depth);
		if (top == 0)
			break;
		bool inner = lv[top].any_download;
		top--;
		lv[top].cmd.download_inside |= inner;
	}
	return lv[0].any_download;
}

size_t ps_cmd_find(const struct ps_cmd_rules *rules, struct ps_str text, struct ps_cmd_match *out, size_t max)
{
	static __thread struct ctx c; /* 8 KiB of scratch: not on the stack */
	c.rules = rules;
	c.out = out;
	c.n = 0;
	c.max = max;
	/* Line by line: typed input separates them with CR, scripts with LF.
	 * Matches keep slices of the text, not of the scratch: each line
	 * starts with all of it. */
	while (text.n > 0) {
		size_t n = 0;
		c.used = 0;
		while (n < text.n && text.p[n] != '\r' && text.p[n] != '\n')
			n++;
		c.line = ps_head(text, n);
		if (n)
			scan_line(&c, c.line, 0);
		text = ps_tail(text, n + 1);
	}
	return c.n;
}
