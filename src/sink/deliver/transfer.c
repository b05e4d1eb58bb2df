#include "sink/deliver/transfer.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct ps_response *r = arg;
	size_t len = size * n, room = PS_RESPONSE_MAX - r->body.len;
	if (r->body.len < PS_RESPONSE_MAX)
		ps_out_put(&r->body, p, len < room ? len : room);
	return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct ps_response *r = arg;
	size_t len = size * n;
	static const char name[] = "retry-after:";
	if (len > sizeof(name) - 1 && strncasecmp(p, name, sizeof(name) - 1) == 0) {
		size_t v = sizeof(name) - 1, e = len;
		while (e > v && (p[e - 1] == '\r' || p[e - 1] == '\n'))
			e--;
		if (e - v < sizeof(r->retry_after)) {
			memcpy(r->retry_after, p + v, e - v);
			r->retry_after[e - v] = '\0';
		}
	}
	return len;
}

static size_t on_read(char *p, size_t size, size_t n, void *arg)
{
	struct ps_response *r = arg;
	size_t left = r->req->body.len - r->read_off, len = size * n < left ? size * n : left;
	memcpy(p, r->req->body.buf + r->read_off, len);
	r->read_off += len;
	return len;
}

void ps_transfer_reset(struct ps_response *resp)
{
	ps_out_free(&resp->body);
	memset(resp, 0, sizeof(*resp));
}

int ps_transfer_setup(CURL *e, const struct ps_channel_config *ch, struct ps_request *req, struct ps_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	ps_out_init_mem(&resp->body);
	resp->req = req;
	curl_easy_reset(e);
	bool ok = curl_easy_setopt(e, CURLOPT_URL, req->url) == CURLE_OK &&
		  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
		  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)ch->timeout_s * 1000) == CURLE_OK &&
		  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)ch->timeout_s * 1000) == CURLE_OK &&
		  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
		  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, resp->errbuf) == CURLE_OK &&
		  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK &&
		  curl_easy_setopt(e, CURLOPT_WRITEDATA, resp) == CURLE_OK &&
		  curl_easy_setopt(e, CURLOPT_USERAGENT, "pamsignal/" PS_VERSION) == CURLE_OK;
	if (ok && ch->ca_file)
		ok = curl_easy_setopt(e, CURLOPT_CAINFO, ch->ca_file) == CURLE_OK;
	if (ok && req->smtp) {
		ok = curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps") == CURLE_OK &&
		     curl_easy_setopt(e, CURLOPT_MAIL_FROM, ch->from) == CURLE_OK &&
		     curl_easy_setopt(e, CURLOPT_MAIL_RCPT, req->rcpt) == CURLE_OK &&
		     curl_easy_setopt(e, CURLOPT_UPLOAD, 1L) == CURLE_OK &&
		     curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read) == CURLE_OK &&
		     curl_easy_setopt(e, CURLOPT_READDATA, resp) == CURLE_OK &&
		     curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)req->body.len) == CURLE_OK &&
		     curl_easy_setopt(e, CURLOPT_USE_SSL, ch->starttls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY) ==
			     CURLE_OK;
		if (ok && ch->username)
			ok = curl_easy_setopt(e, CURLOPT_USERNAME, ch->username) == CURLE_OK;
		if (ok && ch->password)
			ok = curl_easy_setopt(e, CURLOPT_PASSWORD, ch->password) == CURLE_OK;
	} else if (ok) {
		ok = curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
		     curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header) == CURLE_OK &&
		     curl_easy_setopt(e, CURLOPT_HEADERDATA, resp) == CURLE_OK &&
		     curl_easy_setopt(e, CURLOPT_HTTPHEADER, req->headers) == CURLE_OK &&
		     curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body.buf ? req->body.buf : "") == CURLE_OK &&
		     curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body.len) == CURLE_OK;
	}
	return ok ? 0 : -EINVAL;
}

long ps_transfer_code(CURL *e)
{
	long code = 0;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
	return code;
}
