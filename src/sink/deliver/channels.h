/*
 * One request builder per channel type (one file each): the message in
 * the shape that service documents, with its escaping, as a request for
 * transfer.c. Builders do not do I/O.
 *
 * A request's url may hold a secret (a bot token, a webhook URL): it is
 * never logged, and nothing built from it is put in an error message.
 */
#ifndef PS_SINK_DELIVER_CHANNELS_H
#define PS_SINK_DELIVER_CHANNELS_H

#include <curl/curl.h>
#include <stdint.h>

#include "sink/deliver/message.h"

struct ps_request {
	char *url;                  /* owned */
	struct ps_out body;         /* owned (memory mode) */
	struct curl_slist *headers; /* owned */
	/* e-mail only */
	bool smtp;
	struct curl_slist *rcpt;    /* owned */
};

/* Fill req (zeroed by the caller... and here) for m on its channel; now_s
 * is the Unix time for signatures and Date headers. 0, -ENOMEM, or
 * -EINVAL (the channel type sends no requests: console, exec.h). */
int ps_channel_request(const struct ps_msg *m, int64_t now_s, struct ps_request *req);
void ps_request_free(struct ps_request *req);

/* Helpers for the builders. */
/* The channel's URL: url_file's contents, else url (NULL if neither). */
const char *ps_channel_url(const struct ps_channel_config *ch);
int ps_request_header(struct ps_request *req, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* req->url = base (without a trailing '/') + suffix. */
int ps_request_url(struct ps_request *req, const char *base, const char *suffix);
/* The channel's header.NAME and header_file.NAME lines. */
int ps_request_custom_headers(struct ps_request *req, const struct ps_channel_config *ch);
/* ,"name": followed by s as a JSON string. */
void ps_json_member(struct ps_out *o, const char *name, struct ps_str s);

int ps_build_telegram(const struct ps_msg *m, struct ps_request *req);
int ps_build_slack(const struct ps_msg *m, struct ps_request *req);
int ps_build_discord(const struct ps_msg *m, struct ps_request *req);
int ps_build_teams(const struct ps_msg *m, struct ps_request *req);
int ps_build_ntfy(const struct ps_msg *m, struct ps_request *req);
int ps_build_webhook(const struct ps_msg *m, int64_t now_s, struct ps_request *req);
int ps_build_email(const struct ps_msg *m, int64_t now_s, struct ps_request *req);

/* The message as JSON: the alert or event as it was submitted, or a digest
 * as {"type":"digest","id":...,"groups":[...]} (webhook and exec bodies). */
void ps_msg_json(struct ps_out *o, const struct ps_msg *m);

/* Console: the message as one display-safe line on stdout. */
void ps_console_write(const struct ps_msg *m);

#endif
