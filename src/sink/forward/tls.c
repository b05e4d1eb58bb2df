/*
 * TLS for syslog (RFC 5425): the client side. The receiver's certificate
 * must chain to ca_file (or the system's trust store) and carry the name we
 * connected to (server_name, else the target's host) as a DNS name or, for
 * an address, an IP address in subjectAltName (RFC 5425 5.2 asks for
 * exactly this when the receiver is known by name or address). verify = no
 * turns all of that off and is reported by the configuration check.
 */
#include <errno.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "sink/forward/conn.h"
#include "util/ip.h"

static void openssl_error(char *err, size_t n, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[160];
	if (e)
		ERR_error_string_n(e, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "unknown error");
	snprintf(err, n, "%s: %s", what, buf);
	ERR_clear_error();
}

int ps_tls_context(SSL_CTX **out, const struct ps_forward_config *cfg, char *err, size_t n)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	*out = NULL;
	if (!ctx) {
		openssl_error(err, n, "TLS context");
		return -ENOMEM;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* Writes return once a record is out: the caller keeps the buffer. */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (cfg->ca_file ? SSL_CTX_load_verify_locations(ctx, cfg->ca_file, NULL) != 1
			 : SSL_CTX_set_default_verify_paths(ctx) != 1) {
		openssl_error(err, n, cfg->ca_file ? cfg->ca_file : "the system's trust store");
		goto fail;
	}
	if (cfg->cert_file && SSL_CTX_use_certificate_chain_file(ctx, cfg->cert_file) != 1) {
		openssl_error(err, n, cfg->cert_file);
		goto fail;
	}
	if (cfg->key_file && (SSL_CTX_use_PrivateKey_file(ctx, cfg->key_file, SSL_FILETYPE_PEM) != 1 ||
			      SSL_CTX_check_private_key(ctx) != 1)) {
		openssl_error(err, n, cfg->key_file);
		goto fail;
	}
	SSL_CTX_set_verify(ctx, cfg->verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, NULL);
	*out = ctx;
	return 0;
fail:
	SSL_CTX_free(ctx);
	return -EINVAL;
}

SSL *ps_tls_session(SSL_CTX *ctx, int fd, const struct ps_forward_config *cfg, char *err, size_t n)
{
	const char *name = cfg->server_name ? cfg->server_name : cfg->host;
	struct ps_ip ip;
	bool is_ip = ps_ip_parse(ps_cstr(name), &ip) == 0;
	SSL *ssl = SSL_new(ctx);
	if (!ssl || SSL_set_fd(ssl, fd) != 1) {
		openssl_error(err, n, "TLS session");
		SSL_free(ssl);
		return NULL;
	}
	if (cfg->verify) {
		X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
		X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name) : X509_VERIFY_PARAM_set1_host(param, name, 0);
		if (ok != 1) {
			openssl_error(err, n, "setting the name to verify");
			SSL_free(ssl);
			return NULL;
		}
	}
	/* SNI carries names only, never addresses (RFC 6066 3). */
	if (!is_ip)
		SSL_set_tlsext_host_name(ssl, name);
	return ssl;
}

void ps_tls_describe(SSL *ssl, int code, char *err, size_t n)
{
	long v = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;
	unsigned long e = ERR_peek_error();
	if (v != X509_V_OK) {
		snprintf(err, n, "TLS: the receiver's certificate was refused: %s", X509_verify_cert_error_string(v));
	} else if (e) {
		char buf[160];
		ERR_error_string_n(e, buf, sizeof(buf));
		snprintf(err, n, "TLS: %s", buf);
	} else if (code == SSL_ERROR_SYSCALL) {
		snprintf(err, n, "TLS: %s", errno ? strerror(errno) : "the connection was closed");
	} else if (code == SSL_ERROR_ZERO_RETURN) {
		snprintf(err, n, "TLS: the receiver closed the connection");
	} else {
		snprintf(err, n, "TLS: error %d", code);
	}
	ERR_clear_error();
}
