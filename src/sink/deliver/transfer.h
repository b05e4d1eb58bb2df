/*
 * One request on a libcurl easy handle: options common to every channel
 * (timeouts, no redirects, only the protocols the channel uses, ca_file,
 * SMTP envelope and credentials outside the URL), and what came back.
 * Shared by the delivery thread (multi interface) and test-alert (easy).
 */
#ifndef PS_SINK_DELIVER_TRANSFER_H
#define PS_SINK_DELIVER_TRANSFER_H

#include <curl/curl.h>

#include "sink/deliver/channels.h"

#define PS_RESPONSE_MAX 16384

struct ps_response {
	struct ps_out body;        /* first PS_RESPONSE_MAX bytes (memory mode) */
	char retry_after[64];      /* the Retry-After header's value, if any */
	size_t read_off;           /* SMTP upload position in the request body */
	const struct ps_request *req;
	char errbuf[CURL_ERROR_SIZE];
};

/*
 * Set e up for req on channel ch; req and resp are borrowed until the
 * transfer ends. resp is initialised here. Returns 0 or -EINVAL.
 */
int ps_transfer_setup(CURL *e, const struct ps_channel_config *ch, struct ps_request *req, struct ps_response *resp);
void ps_transfer_reset(struct ps_response *resp);

/* The HTTP status or last SMTP reply code (0: none, e.g. no connection). */
long ps_transfer_code(CURL *e);

#endif
