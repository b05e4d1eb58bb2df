#include "util/username.h"

#include <pwd.h>
#include <string.h>
#include <time.h>

#define CACHE_SLOTS 64
#define CACHE_TTL 60 /* seconds */

static struct uid_name {
	int64_t uid;
	int64_t until; /* monotonic seconds; 0: empty */
	char name[64]; /* "": not a user here */
} cache[CACHE_SLOTS];

static int64_t now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec + 1; /* never 0 */
}

void ps_uid_names_forget(void) { memset(cache, 0, sizeof(cache)); }

const char *ps_uid_name(int64_t uid)
{
	if (uid < 0 || uid > UINT32_MAX)
		return NULL;
	/* Direct-mapped: uids are dense, so the low bits spread them. */
	struct uid_name *slot = &cache[(uint64_t)uid % CACHE_SLOTS];
	int64_t now = now_s();
	if (slot->until <= now || slot->uid != uid) {
		char buf[4096];
		struct passwd pw, *found = NULL;
		slot->uid = uid;
		slot->until = now + CACHE_TTL;
		slot->name[0] = '\0';
		if (getpwuid_r((uid_t)uid, &pw, buf, sizeof(buf), &found) == 0 && found &&
		    strlen(found->pw_name) < sizeof(slot->name))
			memcpy(slot->name, found->pw_name, strlen(found->pw_name) + 1);
	}
	return slot->name[0] ? slot->name : NULL;
}
