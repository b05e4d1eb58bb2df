/*
 * Secrets kept in files: webhook tokens, signing keys, the event log's
 * HMAC key. A file holds one line of 1 to PS_SECRET_MAX - 1 bytes; its
 * trailing newlines (and carriage returns) are not part of the secret.
 * Nothing here ever prints a secret's bytes.
 */
#ifndef PS_UTIL_SECRET_H
#define PS_UTIL_SECRET_H

#include <stddef.h>

#define PS_SECRET_MAX 4096

/*
 * Where a configured secret lives: an absolute name as it is, a relative
 * one in $CREDENTIALS_DIRECTORY (systemd's LoadCredential=). Returns 0, or
 * -ENOKEY when name is relative and $CREDENTIALS_DIRECTORY is not set, or
 * -ENAMETOOLONG.
 */
int ps_secret_path(const char *name, char *path, size_t size);

/*
 * Read the secret in the file at path. *out is malloc'ed (NUL-terminated,
 * *len bytes); release it with ps_secret_free. Returns 0, -errno when the
 * file cannot be read, or -EINVAL when it is not one line of the allowed
 * length (ps_secret_strerror says so).
 */
int ps_secret_read(const char *path, char **out, size_t *len);

/* Wipe and free (s may be NULL). */
void ps_secret_free(char *s, size_t len);

/* A message for a ps_secret_path or ps_secret_read error. */
const char *ps_secret_strerror(int r);

#endif
