#include "correlate/proctable.h"

#include <stdlib.h>
#include <string.h>

#include "detect/table.h" /* the bounded LRU table the detector's rules use */
#include "source/procfs.h"
#include "util/argv.h"
#include "util/siphash.h"

#define SLACK_US (1000 * 1000)       /* audit stamps are in ms, /proc start times in clock ticks */
#define LIVE_US (10 * 1000 * 1000)   /* /proc is read for a record at most this old */

struct key {
	uint64_t host;
	int64_t pid;
};

struct proc {
	int64_t ppid, seen_us;
	uint8_t comm_n, exe_n;
	uint16_t cmd_n;
	char comm[16];
	char exe[192];
	char cmd[384];
};

struct ps_proctable {
	struct ps_sipkey sip;
	struct ps_table *procs;
	struct ps_proc_chain chain;
	struct ps_procfs pf[PS_PROC_DEPTH + 1]; /* /proc's answers the chain points into */
	char self_cmd[1024];
	char raw[1024];
};

struct ps_proctable *ps_proctable_new(void)
{
	struct ps_proctable *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	ps_sipkey_random(&t->sip);
	if (!(t->procs = ps_table_new(PS_PROCTABLE_CAP, sizeof(struct key), sizeof(struct proc), &t->sip, NULL))) {
		free(t);
		return NULL;
	}
	return t;
}

void ps_proctable_free(struct ps_proctable *t)
{
	if (!t)
		return;
	ps_table_free(t->procs);
	free(t);
}

static void make_key(const struct ps_proctable *t, struct key *k, struct ps_str host, int64_t pid)
{
	memset(k, 0, sizeof(*k));
	k->host = ps_siphash(&t->sip, host.p ? host.p : "", host.n);
	k->pid = pid;
}

/* Copy s into a field of size cap, cut at a character boundary. */
static size_t keep(char *dst, size_t cap, struct ps_str s)
{
	size_t n = s.n;
	if (n > cap) {
		n = cap;
		while (n > 0 && ((unsigned char)s.p[n] & 0xc0) == 0x80)
			n--;
	}
	if (n)
		memcpy(dst, s.p, n);
	return n;
}

void ps_proctable_put(struct ps_proctable *t, const struct ps_audit_proc *p)
{
	struct key k;
	if (p->pid <= 0)
		return;
	make_key(t, &k, p->host, p->pid);
	uint64_t h = ps_table_hash(t->procs, &k);
	struct proc *v = ps_table_find(t->procs, &k, h, p->time_us);
	if (!v)
		v = ps_table_insert(t->procs, &k, h, p->time_us);
	v->ppid = p->ppid;
	v->seen_us = p->time_us;
	v->comm_n = (uint8_t)keep(v->comm, sizeof(v->comm), p->comm);
	v->exe_n = (uint8_t)keep(v->exe, sizeof(v->exe), p->exe);
	/* A syscall other than execve shows no arguments: the last ones known stay. */
	if (ps_set(p->cmdline))
		v->cmd_n = (uint16_t)keep(v->cmd, sizeof(v->cmd), p->cmdline);
}

/* The table's process pid, if it was seen no later than `before`. */
static const struct proc *seen(struct ps_proctable *t, struct ps_str host, int64_t pid, int64_t before)
{
	struct key k;
	make_key(t, &k, host, pid);
	const struct proc *v = ps_table_find(t->procs, &k, ps_table_hash(t->procs, &k), before);
	return v && v->seen_us >= 0 && before >= 0 && v->seen_us <= before + SLACK_US ? v : NULL;
}

static struct ps_str text(const char *p, size_t n)
{
	return n ? ps_str(p, n) : PS_STR_NULL;
}

/* The failing process itself: its parent, command line, and when it began. */
static int64_t self(struct ps_proctable *t, struct ps_event *ev, bool live, int64_t *since)
{
	const struct proc *v = seen(t, ev->host, ev->pid, ev->time_us);
	if (v && (!ps_set(ev->exe) || ps_eq(ev->exe, ps_str(v->exe, v->exe_n)))) {
		ev->cmdline = text(v->cmd, v->cmd_n);
		*since = v->seen_us;
		return v->ppid;
	}
	struct ps_procfs *pf = &t->pf[0];
	if (live && ps_procfs_read(ev->pid, pf) == 0 && ps_eq(ev->exe, ps_str(pf->exe, pf->exe_n)) &&
	    pf->start_us <= ev->time_us + SLACK_US) {
		int n = ps_procfs_cmdline(ev->pid, t->raw, sizeof(t->raw));
		if (n > 0)
			ev->cmdline = ps_str(t->self_cmd, ps_argv_join(t->self_cmd, sizeof(t->self_cmd),
									ps_str(t->raw, (size_t)n)));
		*since = pf->start_us;
		return pf->ppid;
	}
	*since = ev->time_us;
	return ev->ppid;
}

bool ps_proctable_attribute(struct ps_proctable *t, struct ps_event *ev, bool live, int64_t now_us)
{
	if (ev->kind != PS_KIND_AUTH_FAILURE || ev->src_ip.family || ps_set(ev->src_host) || ev->pid <= 0 ||
	    ev->time_us < 0)
		return false;
	live = live && now_us - ev->time_us <= LIVE_US;
	int64_t child_us;
	int64_t pid = self(t, ev, live, &child_us);
	if (ev->ppid < 0)
		ev->ppid = pid;
	struct ps_proc_chain *c = &t->chain;
	c->n = 0;
	while (pid > 0 && c->n < PS_PROC_DEPTH) {
		struct ps_proc_link *l = &c->v[c->n];
		const struct proc *v = seen(t, ev->host, pid, child_us);
		struct ps_procfs *pf = &t->pf[c->n + 1];
		int64_t next;
		if (v) {
			*l = (struct ps_proc_link){ pid, text(v->comm, v->comm_n), text(v->exe, v->exe_n),
						    text(v->cmd, v->cmd_n), false };
			next = v->ppid;
			child_us = v->seen_us;
		} else if (live && ps_procfs_read(pid, pf) == 0 && pf->start_us <= child_us + SLACK_US) {
			*l = (struct ps_proc_link){ pid, text(pf->comm, pf->comm_n), text(pf->exe, pf->exe_n),
						    PS_STR_NULL, true };
			next = pf->ppid;
			child_us = pf->start_us;
		} else {
			break;
		}
		c->n++;
		if (pid == 1)
			break;
		pid = next;
	}
	ev->parents = c->n ? c : NULL;
	return c->n > 0 || ps_set(ev->cmdline);
}
