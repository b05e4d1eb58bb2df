/*
 * bench/detect.sh's driver for the detector's state save in pamsignal run:
 * how long the event loop is blocked by one save of a full state, the way
 * it was (the state serialised in the loop, then handed to a writer
 * thread) next to the way it is (a forked child writes it:
 * daemon/forksave.h), and what ingestion pays while the child writes.
 *
 *   detect-save-bench EVENTS DIR [RUNS]
 *
 * Fills a detector with the defaults (max_memory 64M) from EVENTS failed
 * logins from as many distinct IPv6 addresses (bench/detect.sh's flood),
 * then times each way RUNS times (best kept) and checks that the file the
 * child wrote is the state at the fork, byte for byte.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "daemon/forksave.h"
#include "detect/detect.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int ignore(const struct ps_alert *a, void *arg)
{
	(void)a, (void)arg;
	return 0;
}

/* Event i of the flood, as bench/detect.sh writes it: "Failed password for
 * invalid user uN from 2001:db8:X:Y::1", 2,000 a second, each from its own
 * address. */
static void flood(struct ps_detector *d, uint64_t from, uint64_t n)
{
	struct ps_event ev;
	char user[8];
	for (uint64_t i = from; i < from + n; i++) {
		ps_event_init(&ev);
		ev.kind = PS_KIND_AUTH_FAILURE;
		ev.reason = PS_REASON_INVALID_USER;
		ev.time_us = 1767225600000000 + (int64_t)(i / 2000) * 1000000;
		ev.host = PS_LIT("bastion");
		ev.service = ev.program = PS_LIT("sshd");
		ev.method = PS_LIT("password");
		ev.user = ps_str(user, (size_t)snprintf(user, sizeof(user), "u%u", (unsigned)(i % 100)));
		ev.pid = 1000 + (int64_t)(i % 4000000);
		ev.src_port = 22;
		ev.src_ip.family = 6;
		memcpy(ev.src_ip.a, "\x20\x01\x0d\xb8", 4);
		ev.src_ip.a[4] = (uint8_t)(i >> 24); /* 2001:db8:(i >> 16):(i & 0xffff)::1 */
		ev.src_ip.a[5] = (uint8_t)(i >> 16);
		ev.src_ip.a[6] = (uint8_t)(i >> 8);
		ev.src_ip.a[7] = (uint8_t)i;
		ev.src_ip.a[15] = 1;
		ps_detector_feed(d, &ev, ignore, NULL);
	}
}

static int fill(int fd, void *arg)
{
	int copy = dup(fd);
	FILE *f = copy < 0 ? NULL : fdopen(copy, "w");
	if (!f)
		return -errno;
	int r = ps_detector_save(arg, f);
	return fclose(f) == 0 ? r : -EIO;
}

static char *text_of(const struct ps_detector *d, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f || ps_detector_save(d, f) < 0)
		exit(1);
	fclose(f);
	return buf;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = malloc(128 << 20);
	if (!f || !buf)
		exit(1);
	*len = fread(buf, 1, 128 << 20, f);
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: detect-save-bench EVENTS DIR [RUNS]\n");
		return 2;
	}
	uint64_t events = strtoull(argv[1], NULL, 10);
	int runs = argc > 3 ? atoi(argv[3]) : 3;
	char path[4096];
	snprintf(path, sizeof(path), "%s/detect", argv[2]);

	struct ps_config cfg;
	struct ps_detector *d;
	ps_config_defaults(&cfg);
	if (ps_detector_new(&cfg, &d) < 0)
		return 1;
	flood(d, 0, events);
	struct ps_detector_stats st;
	ps_detector_stats(d, &st);
	size_t len;
	char *text = text_of(d, &len);
	printf("state after %llu events: %zu entries, %.1f MB of tables reserved, %.1f MB as text\n",
	       (unsigned long long)events, st.entries, st.memory / 1048576.0, len / 1048576.0);

	/* Before: the loop made the text (ps_detector_save into memory). */
	double before = 1e9;
	for (int i = 0; i < runs; i++) {
		double t = now_ms();
		size_t n;
		free(text_of(d, &n));
		t = now_ms() - t;
		before = t < before ? t : before;
	}

	/* After: the loop forks; the child writes. */
	double after = 1e9, child = 1e9;
	for (int i = 0; i < runs; i++) {
		pid_t pid;
		int pidfd;
		double t = now_ms();
		if (ps_forksave_start(path, fill, d, &pid, &pidfd) < 0)
			return 1;
		double blocked = now_ms() - t;
		int r = ps_forksave_wait(pid, true);
		double total = now_ms() - t;
		if (pidfd >= 0)
			close(pidfd);
		if (r < 0) {
			fprintf(stderr, "the child failed: %s\n", strerror(-r));
			return 1;
		}
		after = blocked < after ? blocked : after;
		child = total < child ? total : child;
	}
	size_t flen;
	char *written = read_file(path, &flen);
	bool same = flen == len && memcmp(written, text, len) == 0;
	printf("event loop blocked per save: before %.1f ms (state serialised in the loop), "
	       "after %.2f ms (fork); the child writes and fsyncs in %.0f ms; file = state at the fork: %s\n",
	       before, after, child, same ? "yes" : "NO");

	/* What ingestion pays meanwhile: the same events with and without a child writing. */
	uint64_t more = 200000;
	double alone = now_ms();
	flood(d, events, more);
	alone = now_ms() - alone;
	pid_t pid;
	int pidfd;
	if (ps_forksave_start(path, fill, d, &pid, &pidfd) < 0)
		return 1;
	double during = now_ms();
	flood(d, events + more, more);
	during = now_ms() - during;
	ps_forksave_wait(pid, true);
	if (pidfd >= 0)
		close(pidfd);
	printf("%llu events fed in %.0f ms alone, %.0f ms while the child writes (copy-on-write)\n",
	       (unsigned long long)more, alone, during);
	free(written);
	free(text);
	ps_detector_free(d);
	ps_config_free(&cfg);
	return same ? 0 : 1;
}
