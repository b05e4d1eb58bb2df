/*
 * When to try again: exponential backoff with jitter, a 429's Retry-After,
 * which answers will never succeed, and the per-channel rate limit.
 * Pure functions of their arguments (times in microseconds), for tests.
 */
#ifndef PS_SINK_DELIVER_RETRY_H
#define PS_SINK_DELIVER_RETRY_H

#include <stdbool.h>
#include <stdint.h>

#include "util/slice.h"

#define PS_BACKOFF_BASE_US 1000000LL        /* first retry after ~1 s */
#define PS_BACKOFF_MAX_US (300 * 1000000LL) /* never wait more than 5 min */
#define PS_RETRY_AFTER_MAX_US (3600 * 1000000LL)

/*
 * Delay before retry number attempt (1 = the first retry): base * 2^(attempt-1)
 * capped at PS_BACKOFF_MAX_US, of which a random part (rnd, uniform in
 * [0, 2^32)) is taken away: "equal jitter", between half and all of it, so
 * that many daemons retrying one service spread out but none hammers it.
 */
int64_t ps_backoff_us(unsigned attempt, uint32_t rnd);

/*
 * A 429's wait: the Retry-After header (delay-seconds or an HTTP-date,
 * RFC 9110 §10.2.3; now_s for the date), else the JSON body's retry_after
 * (Discord: seconds, may be fractional) or parameters.retry_after
 * (Telegram). Capped at PS_RETRY_AFTER_MAX_US; -1 if none is given.
 */
int64_t ps_retry_after_us(struct ps_str header, struct ps_str body, int64_t now_s);

enum ps_outcome_class { PS_SENT, PS_RETRY, PS_DEAD };
/*
 * What an HTTP status means for this alert: 2xx sent; 408, 425, 429 and
 * 5xx retried; any other 4xx (and 3xx, which we do not follow) will never
 * succeed as it is: dead-lettered. 0 (no answer: network, TLS, timeout) is retried.
 */
enum ps_outcome_class ps_http_class(long status);
/* For SMTP: 2xx sent, 4xx retried, 5xx dead, 0 retried. */
enum ps_outcome_class ps_smtp_class(long code);

/* A token bucket: count messages per period_s, burst of count. */
struct ps_bucket {
	double tokens;
	int64_t last_us;
	unsigned count, period_s; /* count 0: unlimited */
};
void ps_bucket_init(struct ps_bucket *b, unsigned count, unsigned period_s, int64_t now_us);
/* 0 if a message may go now, else microseconds until one may. */
int64_t ps_bucket_wait(struct ps_bucket *b, int64_t now_us);
void ps_bucket_take(struct ps_bucket *b, int64_t now_us);

#endif
