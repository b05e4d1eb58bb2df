#include "search/files.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "event/json_read.h"
#include "source/reader.h"

#define PEEK_LINES 64

/* What rotation makes of base: ".N", "-SUFFIX", either with ".gz". */
static bool rotated_name(const char *name, const char *base)
{
	size_t n = strlen(base);
	if (strncmp(name, base, n) != 0)
		return false;
	struct ps_str rest = ps_cstr(name + n);
	ps_chop(&rest, ".gz");
	if (ps_skip(&rest, "."))
		return rest.n > 0 && ps_all_digits(rest);
	return ps_skip(&rest, "-") && rest.n > 0 && !ps_has_byte(rest, '/');
}

static int add(char ***paths, size_t *n, size_t *cap, const char *dir, const char *name)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 8;
		char **p = realloc(*paths, c * sizeof(*p));
		if (!p)
			return -ENOMEM;
		*paths = p;
		*cap = c;
	}
	size_t len = strlen(dir) + 1 + strlen(name) + 1;
	char *s = malloc(len);
	if (!s)
		return -ENOMEM;
	snprintf(s, len, "%s/%s", dir, name);
	(*paths)[(*n)++] = s;
	return 0;
}

int ps_search_log_files(const char *path, char ***out)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t dn = !slash ? 1 : slash == path ? 1 : (size_t)(slash - path);
	if (dn >= sizeof(dir) || !*base)
		return -EINVAL;
	memcpy(dir, !slash ? "." : slash == path ? "/" : path, dn);
	dir[dn] = '\0';

	DIR *d = opendir(dir);
	if (!d)
		return -errno;
	char **paths = NULL;
	size_t n = 0, cap = 0;
	int r = 0;
	struct dirent *e;
	while (r == 0 && (e = readdir(d)))
		if (strcmp(e->d_name, base) == 0 || rotated_name(e->d_name, base))
			r = add(&paths, &n, &cap, dir, e->d_name);
	closedir(d);
	if (r < 0) {
		ps_search_files_free(paths, n);
		return r;
	}
	*out = paths;
	return (int)n;
}

void ps_search_files_free(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

/* The time of the file's first event or alert, else its mtime; INT64_MAX when unreadable. */
static int64_t first_time(struct ps_event_line *l, const char *path)
{
	struct ps_reader r;
	struct ps_str line;
	struct stat st;
	const char *why;
	int64_t t = INT64_MAX;
	if (ps_reader_open(&r, path) < 0)
		return t;
	for (int i = 0; i < PEEK_LINES && t == INT64_MAX; i++) {
		int k = ps_reader_line(&r, &line);
		if (k <= 0)
			break;
		if (k != PS_READ_LINE)
			continue;
		int type = ps_event_line_read(l, line, &why);
		if (type == PS_LINE_EVENT && l->ev.time_us >= 0)
			t = l->ev.time_us;
		else if (type == PS_LINE_ALERT && l->alert.time_us >= 0)
			t = l->alert.time_us;
	}
	if (t == INT64_MAX && fstat(r.fd, &st) == 0)
		t = (int64_t)st.st_mtim.tv_sec * 1000000 + st.st_mtim.tv_nsec / 1000;
	ps_reader_close(&r);
	return t;
}

struct keyed {
	int64_t t;
	size_t i;
	char *path;
};

static int by_time(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

void ps_search_sort_files(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(paths[i], "-") == 0)
			return;
	struct keyed *k = calloc(n ? n : 1, sizeof(*k));
	struct ps_event_line *l = calloc(1, sizeof(*l));
	if (k && l) { /* else left as given */
		for (size_t i = 0; i < n; i++)
			k[i] = (struct keyed){ first_time(l, paths[i]), i, paths[i] };
		qsort(k, n, sizeof(*k), by_time);
		for (size_t i = 0; i < n; i++)
			paths[i] = k[i].path;
	}
	if (l)
		ps_event_line_free(l);
	free(l);
	free(k);
}
