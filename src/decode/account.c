/*
 * Account and group changes by the shadow tools (useradd.c, usermod.c,
 * userdel.c, groupadd.c, groupdel.c, groupmod.c, gpasswd.c, passwd.c, chage.c,
 * chsh.c, chfn.c). These programs
 * validate names before they log them, and run as root, so their text is
 * trustworthy once the source is (the live journal source checks that);
 * still, every value is taken only between fixed separators.
 *
 * Each pattern is a format: '%u' the account, '%g' a group, '%a' the actor,
 * '%*' a value we skip. A placeholder ends at the next literal text. Lines
 * that repeat a change already reported (the shadow-file twins such as
 * "add 'u' to shadow group 'g'") are deliberately not listed.
 */
#include <errno.h>

#include "decode/decoders.h"
#include "decode/fields.h"

static const struct pattern {
	const char *format;
	enum ps_action action;
} patterns[] = {
	{ "new user: name=%u, UID=%*", PS_ACTION_USER_ADD },
	{ "new group: name=%g, GID=%*", PS_ACTION_GROUP_ADD },
	{ "new group: name=%g", PS_ACTION_GROUP_ADD },
	{ "add '%u' to group '%g'", PS_ACTION_GROUP_MEMBER_ADD },
	{ "delete '%u' from group '%g'", PS_ACTION_GROUP_MEMBER_REMOVE },
	{ "change user name '%*' to '%u'", PS_ACTION_USER_RENAME },
	{ "change user '%u' password", PS_ACTION_PASSWORD_CHANGE },
	{ "change user '%u' %*", PS_ACTION_USER_MODIFY },
	{ "lock user '%u' password", PS_ACTION_USER_LOCK },
	{ "unlock user '%u' password", PS_ACTION_USER_UNLOCK },
	{ "delete user '%u'", PS_ACTION_USER_DELETE },
	{ "removed group '%g' owned by '%*'", PS_ACTION_GROUP_DELETE },
	{ "group '%g' removed", PS_ACTION_GROUP_DELETE },
	/* groupmod writes this for /etc/group and again for /etc/gshadow; only
	 * the first carries "/GID", so the change is reported once. */
	{ "group changed in %* (group %g/%*", PS_ACTION_GROUP_MODIFY },
	{ "changed password expiry for %u", PS_ACTION_USER_MODIFY },
	{ "changed user '%u' shell to '%*'", PS_ACTION_USER_MODIFY },
	{ "changed user '%u' information", PS_ACTION_USER_MODIFY },
	{ "user %u added by %a to group %g", PS_ACTION_GROUP_MEMBER_ADD },
	{ "user %u removed by %a from group %g", PS_ACTION_GROUP_MEMBER_REMOVE },
	{ "password for '%u' changed by '%a'", PS_ACTION_PASSWORD_CHANGE },
};

/*
 * Match msg against format exactly. Placeholders take the shortest text up
 * to the literal that follows them; a trailing placeholder takes the rest.
 */
static bool match(const char *format, struct ps_str msg, struct ps_event *ev)
{
	struct ps_str m = msg;
	const char *f = format;

	while (*f) {
		if (f[0] != '%') {
			const char *lit_end = strchr(f, '%');
			size_t n = lit_end ? (size_t)(lit_end - f) : strlen(f);
			if (m.n < n || memcmp(m.p, f, n) != 0)
				return false;
			m = ps_tail(m, n);
			f += n;
			continue;
		}
		char which = f[1];
		f += 2;
		struct ps_str value;
		if (*f == '\0') {
			value = m;
			m = ps_tail(m, m.n);
		} else {
			/* The literal after the placeholder, up to the next placeholder. */
			const char *lit_end = strchr(f, '%');
			size_t n = lit_end ? (size_t)(lit_end - f) : strlen(f);
			char lit[64];
			if (n >= sizeof(lit))
				return false;
			memcpy(lit, f, n);
			lit[n] = '\0';
			ptrdiff_t at = lit_end ? ps_find(m, lit) : ps_rfind(m, lit);
			if (at < 0 || (!lit_end && (size_t)at + n != m.n))
				return false;
			value = ps_head(m, (size_t)at);
			m = ps_tail(m, (size_t)at);
		}
		if (which != '*' && !ps_plausible_name(value))
			return false;
		if (which == 'u')
			ev->user = value;
		else if (which == 'g')
			ev->group = value;
		else if (which == 'a')
			ev->actor = value;
	}
	return m.n == 0;
}

int ps_decode_account(struct ps_str msg, struct ps_event *ev)
{
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		struct ps_event e = *ev;
		if (match(patterns[i].format, msg, &e)) {
			*ev = e;
			ev->kind = PS_KIND_ACCOUNT_CHANGE;
			ev->action = patterns[i].action;
			return 1;
		}
	}
	return 0;
}
