/*
 * A command line as an exec channel's `command =` writes it, split into
 * argv the way a POSIX shell splits words, and nothing more: no variables,
 * no globbing, no ~, no redirections, no second command. The program is
 * then run without a shell (sink/deliver/exec.c), so these rules are all
 * there is between the file and argv:
 *
 *   words are separated by spaces and tabs;
 *   '...'   everything up to the next ' as it is;
 *   "..."   the same, but \" and \\ stand for " and \ (any other
 *           backslash is kept);
 *   \c      outside quotes: c as it is (a space, a quote, a backslash).
 *
 * Quotes can join parts into one word (a"b c"'d' is one word, ab cd) and
 * make an empty one (''). The line reader has already removed comments: a
 * " #" or " ;" ends the value even inside quotes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"

int ps_cfg_argv(const char *s, char ***out, const char **why)
{
	size_t n = 0, len = strlen(s);
	/* No word is longer than the line, and there are at most len / 2 + 1 words. */
	char **v = calloc(len / 2 + 2, sizeof(*v));
	char *word = malloc(len + 1);
	*out = NULL;
	*why = NULL;
	if (!v || !word)
		goto oom;
	for (;;) {
		s += strspn(s, " \t");
		if (!*s)
			break;
		size_t w = 0;
		while (*s && *s != ' ' && *s != '\t') {
			if (*s == '\'') {
				const char *end = strchr(s + 1, '\'');
				if (!end) {
					*why = "a ' is not closed";
					goto fail;
				}
				memcpy(word + w, s + 1, (size_t)(end - s - 1));
				w += (size_t)(end - s - 1);
				s = end + 1;
			} else if (*s == '"') {
				for (s++; *s && *s != '"'; s++) {
					if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
						s++;
					word[w++] = *s;
				}
				if (!*s) {
					*why = "a \" is not closed";
					goto fail;
				}
				s++;
			} else if (*s == '\\') {
				if (!s[1]) {
					*why = "the line ends with a backslash";
					goto fail;
				}
				word[w++] = s[1];
				s += 2;
			} else {
				word[w++] = *s++;
			}
		}
		if (!(v[n] = malloc(w + 1)))
			goto oom;
		memcpy(v[n], word, w);
		v[n++][w] = '\0';
	}
	free(word);
	*out = v;
	return (int)n;
oom:
	free(word);
	ps_cfg_strv_free(v);
	return -ENOMEM;
fail:
	free(word);
	ps_cfg_strv_free(v);
	return -EINVAL;
}
