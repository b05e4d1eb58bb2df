/*
 * deliver-bench CONFIG N: N event submits through ps_delivery (the
 * daemon's hook), timed on the calling thread (the ingestion path's cost),
 * then the time until every channel's queue is empty (throughput).
 * Used by bench/deliver.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "sink/deliver/delivery.h"
#include "util/timeconv.h"

int main(int argc, char **argv)
{
	struct ps_config cfg;
	struct ps_delivery *d;
	if (argc != 3 || ps_config_load(argv[1], &cfg, NULL, NULL) < 0 || ps_delivery_start(&d, &cfg) < 0 || !d) {
		fprintf(stderr, "usage: deliver-bench CONFIG N (a valid configuration with channels)\n");
		return 2;
	}
	long n = atol(argv[2]);
	char json[512];
	int64_t t0 = ps_monotonic_us(), worst = 0;
	for (long i = 0; i < n; i++) {
		int len = snprintf(json, sizeof(json),
				   "{\"type\":\"event\",\"time\":\"2026-11-21T19:50:23.%06ldZ\",\"host\":\"web1\","
				   "\"kind\":\"auth_success\",\"service\":\"sshd\",\"user\":\"user%ld\","
				   "\"src_ip\":\"203.0.113.7\",\"src_port\":%ld,\"method\":\"password\"}\n",
				   i % 1000000, i, 1024 + i % 60000);
		int64_t s = ps_monotonic_us();
		ps_delivery_submit(d, json, (size_t)len);
		int64_t e = ps_monotonic_us() - s;
		if (e > worst)
			worst = e;
	}
	int64_t t1 = ps_monotonic_us();
	printf("submit: %.2f us each (worst %lld us), %ld submits\n", (double)(t1 - t0) / (double)n, (long long)worst, n);
	fflush(stdout);
	struct ps_delivery_counters c;
	for (int i = 0; i < 6000; i++) {
		ps_delivery_counters(d, &c);
		if (c.sent >= (uint64_t)n && c.queued == 0)
			break;
		usleep(10000);
	}
	int64_t t2 = ps_monotonic_us();
	printf("delivered: %llu sent, %llu queued, %llu retried; %.0f alerts/s\n", (unsigned long long)c.sent,
	       (unsigned long long)c.queued, (unsigned long long)c.retried,
	       (double)c.sent / ((double)(t2 - t0) / 1e6));
	ps_delivery_stop(d);
	ps_config_free(&cfg);
	return 0;
}
