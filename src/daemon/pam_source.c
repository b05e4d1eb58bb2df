/*
 * [source.pam]: the pam socket in the daemon. pam_pamsignal.so and
 * `pamsignal pam-hook` send one datagram per PAM call (pam/wire.h); each
 * one from root is decoded into an event and goes through ps_emit like any
 * other source's.
 *
 * Anything else is refused and counted: a datagram from a sender that is
 * not root (a local user forging logins) is reported as spoofed_log, and a
 * malformed one (wrong length, version or field) is counted as malformed.
 * Both are logged at most once a minute, so a flood cannot flood the log.
 *
 * The socket stays open across SIGHUP when its configuration is the same,
 * so that no login is lost while the daemon reloads. Datagrams have no
 * position to resume from: what the kernel queued while the daemon was
 * busy is read, what was sent while it was down is gone (the module fails
 * open), and events after the last checkpoint can be lost in a crash.
 *
 * Counting twice. PAM applications log the same logins themselves: sshd,
 * su, sudo and pam_unix write to the journal and to auth.log. While those
 * are read (the file source, or the journal for a service it watches), a
 * pam socket event is an echo: it is written to the event log (it is the
 * record of what PAM itself saw) but is not counted by detection, sent to
 * channels or shown in the terminal table a second time (ps_pam_echo).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon_int.h"
#include "decode/pam_datagram.h"
#include "pam/wire.h"
#include "source/pam_socket.h"
#include "util/log.h"
#include "util/timeconv.h"

#define NOTICE_EVERY_US (60 * 1000000LL)

/* Something worth a log line, said at most once per NOTICE_EVERY_US. */
struct notice {
	int64_t last_us; /* 0: never said */
	uint64_t said;   /* the count when it was last said */
};

struct pam_source {
	struct ps_pam_socket sock;
	sd_event_source *io;
	struct notice rejected, malformed;
	int last_error;
	unsigned char buf[PS_WIRE_MAX + 1]; /* one more: a longer datagram shows as cut */
};

static bool due(struct notice *n)
{
	int64_t now = ps_monotonic_us();
	if (n->last_us && now - n->last_us < NOTICE_EVERY_US)
		return false;
	n->last_us = now;
	return true;
}

/* A datagram from a sender that is not root: counted, and now and then reported. */
static void rejected(struct daemon *d, struct pam_source *p, const struct ps_pam_sender *from)
{
	d->n.pam_rejected++;
	if (!due(&p->rejected))
		return;
	uint64_t since = d->n.pam_rejected - p->rejected.said;
	p->rejected.said = d->n.pam_rejected;
	if (from->known)
		ps_log_warn("%s: refused a datagram from uid %u (pid %d): only root may report PAM calls; "
			    "%llu refused in all",
			    p->sock.path, (unsigned)from->uid, (int)from->pid, (unsigned long long)d->n.pam_rejected);
	else
		ps_log_warn("%s: refused a datagram without sender credentials; %llu refused in all", p->sock.path,
			    (unsigned long long)d->n.pam_rejected);

	struct ps_event ev;
	ps_event_init(&ev);
	ev.kind = PS_KIND_SPOOFED_LOG;
	ev.time_us = ps_realtime_us();
	ev.host = ps_cstr(d->hostname);
	ev.program = PS_LIT("pam_pamsignal");
	ev.source = PS_LIT("pam");
	if (from->known) {
		ev.pid = from->pid;
		ev.sender_uid = from->uid;
	}
	ev.count = since > UINT32_MAX ? UINT32_MAX : (uint32_t)since;
	ev.detail = PS_LIT("datagrams on the pam socket from a sender that is not root");
	d->n.spoofed += since;
	ps_emit(d, &ev);
}

static void malformed(struct daemon *d, struct pam_source *p, int r, size_t len)
{
	d->n.malformed++;
	d->n.pam_malformed++;
	if (!due(&p->malformed))
		return;
	p->malformed.said = d->n.pam_malformed;
	if (r == -EPROTONOSUPPORT)
		ps_log_warn("%s: a datagram of format version %u (this pamsignal reads %u): is the PAM module from "
			    "another version? %llu unreadable in all",
			    p->sock.path, p->buf[4], PS_WIRE_VERSION, (unsigned long long)d->n.pam_malformed);
	else
		ps_log_warn("%s: a malformed datagram (%zu bytes) from root; %llu unreadable in all", p->sock.path, len,
			    (unsigned long long)d->n.pam_malformed);
}

static void datagram(struct daemon *d, struct pam_source *p, size_t len, const struct ps_pam_sender *from)
{
	struct ps_event ev;

	if (!from->known || from->uid != 0) {
		rejected(d, p, from);
		return;
	}
	int r = len > PS_WIRE_MAX ? -EBADMSG : ps_decode_pam_datagram(ps_str((const char *)p->buf, len), &ev);
	if (r < 0) {
		malformed(d, p, r, len);
		return;
	}
	if (r == 0)
		return;
	ev.host = ps_cstr(d->hostname);
	ev.source = PS_LIT("pam");
	d->dirty = true; /* the event log is checkpointed soon: a datagram cannot be read again */
	ps_emit(d, &ev);
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *arg)
{
	struct daemon *d = arg;
	(void)s, (void)fd, (void)revents;
	/* Read in the loop's step (which writes and checkpoints); the source re-arms after reading. */
	sd_event_source_set_enabled(d->more, SD_EVENT_ONESHOT);
	return 0;
}

bool ps_pam_echo(const struct daemon *d, const struct ps_event *ev)
{
	if (!d->pam || ev->kind == PS_KIND_SPOOFED_LOG || !ps_eq_lit(ev->source, "pam"))
		return false;
	if (d->n_tails > 0)
		return true;
	return d->journal && ps_set(ev->service) && ps_config_program(&d->cfg, ev->service.p, ev->service.n);
}

void ps_pam_source_close(struct daemon *d)
{
	struct pam_source *p = d->pam;
	if (!p)
		return;
	sd_event_source_unref(p->io);
	ps_pam_socket_close(&p->sock);
	free(p);
	d->pam = NULL;
}

int ps_pam_source_open(struct daemon *d)
{
	bool want = d->cfg.pam != PS_SWITCH_NO;
	int r;

	if (d->pam && want && strcmp(d->pam->sock.path, d->cfg.pam_socket) == 0)
		return 0; /* a reload that keeps it: nothing queued is lost */
	ps_pam_source_close(d);
	if (!want)
		return 0;
	struct pam_source *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	if ((r = ps_pam_socket_open(&p->sock, d->cfg.pam_socket)) < 0) {
		const char *why = r == -EADDRINUSE ? "another process listens there" : strerror(-r);
		free(p);
		if (d->cfg.pam == PS_SWITCH_YES) {
			ps_log_error("[source.pam] %s: %s", d->cfg.pam_socket, why);
			return r;
		}
		ps_log_warn("[source.pam] %s: %s; the PAM module's reports are not read", d->cfg.pam_socket, why);
		return 0;
	}
	if ((r = sd_event_add_io(d->loop, &p->io, p->sock.fd, EPOLLIN, on_io, d)) < 0) {
		ps_pam_socket_close(&p->sock);
		free(p);
		return r;
	}
	sd_event_source_set_enabled(p->io, SD_EVENT_ONESHOT);
	d->pam = p;
	return 0;
}

bool ps_pam_source_read(struct daemon *d)
{
	struct pam_source *p = d->pam;
	size_t n = 0;

	if (!p)
		return false;
	for (; n < PS_BATCH; n++) {
		struct ps_pam_sender from;
		size_t len;
		int r = ps_pam_socket_recv(&p->sock, p->buf, sizeof(p->buf), &len, &from);
		if (r < 0 && r != p->last_error)
			ps_log_error("%s: %s", p->sock.path, strerror(-r));
		p->last_error = r < 0 ? r : 0;
		if (r <= 0)
			break;
		d->n.entries++;
		datagram(d, p, len, &from);
	}
	sd_event_source_set_enabled(p->io, SD_EVENT_ONESHOT);
	return n == PS_BATCH;
}

const char *ps_pam_source_path(const struct daemon *d)
{
	return d->pam ? d->pam->sock.path : NULL;
}
