/*
 * chain-bench DIR N: the event log's write path with and without the hash
 * chain. N events (sshd failures with varying user, address and port)
 * written in batches of 512 as the daemon does (no fsync), best of 3:
 *
 *   json     the event writer and write(2), no chain (the path before it)
 *   sha256   ps_eventlog, plain chain
 *   hmac     ps_eventlog, HMAC-SHA256 chain
 *   hash     ps_chain_value alone over the sealed records (the hashing cost)
 *
 * Leaves DIR/json.jsonl and DIR/sha256.jsonl for bench/chain.sh to give
 * sha256sum. Used by bench/chain.sh.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "event/json.h"
#include "sink/chain.h"
#include "sink/eventlog.h"
#include "util/timeconv.h"

#define BATCH 512
#define RUNS 5

static void make_event(struct ps_event *ev, long i, char *user, char *msg)
{
	char addr[32];
	ps_event_init(ev);
	snprintf(user, 32, "user%ld", i % 5000);
	snprintf(addr, sizeof(addr), "203.0.113.%ld", 1 + i % 250);
	snprintf(msg, 160, "Failed password for invalid user %s from %s port %ld ssh2", user, addr, 1024 + i % 60000);
	ps_ip_parse(ps_cstr(addr), &ev->src_ip);
	ev->kind = PS_KIND_AUTH_FAILURE;
	ev->outcome = PS_OUTCOME_FAILURE;
	ev->reason = PS_REASON_INVALID_USER;
	ev->time_us = 1795000000000000 + i * 1000;
	ev->host = PS_LIT("web1");
	ev->service = PS_LIT("sshd");
	ev->program = PS_LIT("sshd");
	ev->pid = 4000 + (int)(i % 30000);
	ev->user = ps_cstr(user);
	ev->src_port = (int)(1024 + i % 60000);
	ev->method = PS_LIT("password");
	ev->source = PS_LIT("/var/log/auth.log");
	ev->message = ps_cstr(msg);
}

/* Seconds to write n events to path: through the event log (chain) or the writer alone. */
static double run(const char *path, long n, struct ps_chain *chain, uint64_t *bytes)
{
	struct ps_event ev;
	char user[32], msg[160];
	unlink(path);
	int64_t t0 = ps_monotonic_us();
	if (chain) {
		struct ps_eventlog *el;
		if (ps_eventlog_open(&el, path, UINT64_MAX / 2, 1, NULL, chain) < 0)
			exit(2);
		for (long i = 0; i < n; i++) {
			make_event(&ev, i, user, msg);
			ps_eventlog_add(el, &ev);
			if (i % BATCH == BATCH - 1 && ps_eventlog_flush(el) < 0)
				exit(2);
		}
		if (ps_eventlog_flush(el) < 0)
			exit(2);
		ps_eventlog_close(el);
	} else {
		struct ps_out o;
		int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
		if (fd < 0)
			exit(2);
		ps_out_init_mem(&o);
		for (long i = 0; i < n; i++) {
			make_event(&ev, i, user, msg);
			ps_event_write_json(&o, &ev, 0);
			if (i % BATCH == BATCH - 1 || i == n - 1) {
				if (write(fd, o.buf, o.len) != (ssize_t)o.len)
					exit(2);
				ps_out_reset(&o);
			}
		}
		ps_out_free(&o);
		close(fd);
	}
	double s = (double)(ps_monotonic_us() - t0) / 1e6;
	FILE *f = fopen(path, "r");
	fseek(f, 0, SEEK_END);
	*bytes = (uint64_t)ftell(f);
	fclose(f);
	return s;
}

/* Seconds to hash every record of path again, as the writer does. */
static double hash_only(const char *path, struct ps_chain *chain)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned char prev[PS_CHAIN_LEN] = { 0 }, out[PS_CHAIN_LEN];
	/* Read first, so that only the hashing is timed. */
	struct ps_out all;
	ps_out_init_mem(&all);
	while ((len = getline(&line, &cap, f)) > 0)
		ps_out_put(&all, line, (size_t)len);
	fclose(f);
	free(line);
	int64_t t0 = ps_monotonic_us();
	for (size_t at = 0; at < all.len;) {
		const char *nl = memchr(all.buf + at, '\n', all.len - at);
		size_t n = (size_t)(nl - (all.buf + at));
		if (ps_chain_value(chain, prev, ps_str(all.buf + at, n > 75 ? n - 75 : n), out) < 0)
			exit(2);
		memcpy(prev, out, PS_CHAIN_LEN);
		at += n + 1;
	}
	double s = (double)(ps_monotonic_us() - t0) / 1e6;
	ps_out_free(&all);
	return s;
}

static void report(const char *what, long n, double s, uint64_t bytes, double base)
{
	printf("%-7s %10.0f events/s  %7.1f MB/s  %6.0f ns/event", what, (double)n / s, (double)bytes / s / 1e6,
	       s / (double)n * 1e9);
	if (base > 0)
		printf("  (+%.0f ns/event, %.0f%% of the rate without chain)", (s - base) / (double)n * 1e9, base / s * 100);
	putchar('\n');
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: chain-bench DIR N\n");
		return 2;
	}
	long n = atol(argv[2]);
	char path[4096];
	struct ps_chain *plain, *keyed;
	if (ps_chain_new(&plain, NULL, 0) < 0 || ps_chain_new(&keyed, "0123456789abcdef0123456789abcdef", 32) < 0)
		return 2;
	double best[3] = { 1e9, 1e9, 1e9 }, hash_best = 1e9;
	uint64_t bytes[3] = { 0 };
	static const char *const names[3] = { "json", "sha256", "hmac" };
	for (int r = 0; r < RUNS; r++) {
		for (int m = 0; m < 3; m++) {
			snprintf(path, sizeof(path), "%s/%s.jsonl", argv[1], names[m]);
			double s = run(path, n, m == 0 ? NULL : m == 1 ? plain : keyed, &bytes[m]);
			if (s < best[m])
				best[m] = s;
		}
		snprintf(path, sizeof(path), "%s/sha256.jsonl", argv[1]);
		double s = hash_only(path, plain);
		if (s < hash_best)
			hash_best = s;
	}
	snprintf(path, sizeof(path), "%s/hmac.jsonl", argv[1]);
	unlink(path);
	printf("%ld events, best of %d, batches of %d, no fsync\n", n, RUNS, BATCH);
	report("json", n, best[0], bytes[0], 0);
	report("sha256", n, best[1], bytes[1], best[0]);
	report("hmac", n, best[2], bytes[2], best[0]);
	report("hash", n, hash_best, bytes[1], 0);
	printf("chain members: +%.0f bytes/event (%.0f -> %.0f)\n", (double)(bytes[1] - bytes[0]) / (double)n,
	       (double)bytes[0] / (double)n, (double)bytes[1] / (double)n);
	ps_chain_free(plain);
	ps_chain_free(keyed);
	return 0;
}
