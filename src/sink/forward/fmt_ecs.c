/*
 * ecs: one JSON document in the Elastic Common Schema (8.11), as an
 * Elasticsearch ingest pipeline or Logstash would store it without any
 * mapping of its own. Events are event.kind "event" with event.category
 * and event.type from the table below; alerts are event.kind "alert" with
 * rule.* and threat.technique.id. Fields ECS has no place for go under
 * the custom "pamsignal" object (ECS: "custom fields" in a namespace of
 * their own). doc/forwarding.md has the whole mapping.
 */
#include "sink/forward/format.h"
#include "sink/forward/jw.h"

#define ECS_VERSION "8.11.0"

static const struct {
	const char *kind, *category, *type;
} classes[] = {
	{ "auth_success", "authentication", "info" },
	{ "auth_failure", "authentication", "info" },
	{ "session_open", "session", "start" },
	{ "session_close", "session", "end" },
	{ "command", "process", "start" },
	{ "tty_input", "process", "info" },
	{ "probe", "network", "connection" },
	{ "spoofed_log", "intrusion_detection", "info" },
	/* account_change: "iam", its type from the action (below) */
	/* source_gap, log_suppressed, source_status, forward_overflow: about
	 * pamsignal itself, no category fits; event.type "info" only */
};

/* account_change: event.type is [user|group, creation|deletion|change]. */
static void iam_types(struct ps_jw *w, struct ps_str action)
{
	bool group = ps_starts(action, "group");
	ps_jw_lit(w, NULL, group ? "group" : "user");
	if (ps_eq_lit(action, "user_add") || ps_eq_lit(action, "group_add"))
		ps_jw_lit(w, NULL, "creation");
	else if (ps_eq_lit(action, "user_delete") || ps_eq_lit(action, "group_delete"))
		ps_jw_lit(w, NULL, "deletion");
	else
		ps_jw_lit(w, NULL, "change");
}

static void event_class(struct ps_jw *w, const struct ps_fwd_rec *r)
{
	struct ps_str kind = ps_fwd_str(r, "kind");
	const char *category = NULL, *type = "info";
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (ps_eq_lit(kind, classes[i].kind)) {
			category = classes[i].category;
			type = classes[i].type;
		}
	bool iam = ps_eq_lit(kind, "account_change");
	ps_jw_array(w, "category");
	ps_jw_lit(w, NULL, iam ? "iam" : category);
	ps_jw_end(w);
	ps_jw_array(w, "type");
	if (iam)
		iam_types(w, ps_fwd_str(r, "action"));
	else
		ps_jw_lit(w, NULL, type);
	ps_jw_end(w);
}

static void time_member(struct ps_jw *w, const char *name, int64_t usec)
{
	if (usec < 0)
		return;
	ps_jw_key(w, name);
	ps_out_putc(w->o, '"');
	ps_fwd_put_time(w->o, usec, 6);
	ps_out_putc(w->o, '"');
}

static void event_object(struct ps_jw *w, const struct ps_fwd_rec *r)
{
	bool alert = r->it->is_alert;
	ps_jw_object(w, "event");
	ps_jw_lit(w, "kind", alert ? "alert" : "event");
	if (alert) {
		ps_jw_array(w, "category");
		ps_jw_lit(w, NULL, "intrusion_detection");
		ps_jw_end(w);
		ps_jw_array(w, "type");
		ps_jw_lit(w, NULL, "info");
		ps_jw_end(w);
	} else {
		event_class(w, r);
	}
	ps_jw_str(w, "action", ps_fwd_what(r));
	ps_jw_str(w, "outcome", ps_fwd_str(r, "outcome"));
	ps_jw_str(w, "reason", ps_fwd_str(r, "reason"));
	ps_jw_str(w, "provider", ps_fwd_str(r, "service"));
	ps_jw_lit(w, "module", "pamsignal");
	ps_jw_lit(w, "dataset", alert ? "pamsignal.alerts" : "pamsignal.events");
	ps_jw_lit(w, "id", r->it->id);
	ps_jw_int(w, "severity", ps_fwd_sev10(r->it->severity));
	struct ps_str duration = ps_fwd_num(r, "duration_s");
	if (ps_set(duration) && ps_all_digits(duration)) { /* seconds → nanoseconds, as text: no overflow */
		ps_jw_raw(w, "duration", duration);
		if (!ps_eq_lit(duration, "0"))
			ps_out_puts(w->o, "000000000");
	}
	time_member(w, "start", ps_fwd_time_us(r, "first_seen"));
	time_member(w, "end", ps_fwd_time_us(r, "last_seen"));
	ps_jw_end(w);
}

/* source.*, with geo and as when the event was enriched. */
static const struct ps_fwd_source_names source_names = {
	.object = "source", .ip = "ip", .port = "port", .host = "domain",
	.geo = "geo", .country_iso_code = "country_iso_code", .country_name = "country_name", .city_name = "city_name",
	.as = "as", .as_number = "number", .as_org_object = "organization", .as_org_name = "name",
};

/* user.*: for sudo and su user.name is the invoker and user.effective the
 * target; for an account change user.name is who made it and
 * user.target the account changed. */
static void user_object(struct ps_jw *w, const struct ps_fwd_rec *r)
{
	bool iam = !r->it->is_alert && ps_eq_lit(ps_fwd_str(r, "kind"), "account_change");
	ps_jw_object(w, "user");
	ps_jw_str(w, "name", ps_fwd_str(r, iam ? "actor" : "user"));
	ps_jw_object(w, iam ? "target" : "effective");
	ps_jw_str(w, "name", ps_fwd_str(r, iam ? "user" : "target_user"));
	ps_jw_end(w);
	ps_jw_end(w);
}

/* related.ip and related.user: every address and name, once each. */
static void related(struct ps_jw *w, const struct ps_fwd_rec *r)
{
	static const char *const ips[] = { "src_ip", "dst_ip" };
	static const char *const users[] = { "user", "target_user", "login_user", "actor" };
	ps_jw_object(w, "related");
	for (int pass = 0; pass < 2; pass++) {
		const char *const *names = pass ? users : ips;
		size_t n = pass ? 4 : 2;
		ps_jw_array(w, pass ? "user" : "ip");
		for (size_t i = 0; i < n; i++) {
			struct ps_str v = ps_fwd_str(r, names[i]);
			bool seen = false;
			for (size_t j = 0; j < i && !seen; j++)
				seen = ps_eq(v, ps_fwd_str(r, names[j]));
			if (!seen)
				ps_jw_str(w, NULL, v);
		}
		ps_jw_end(w);
	}
	ps_jw_end(w);
}

static void process_object(struct ps_jw *w, const struct ps_fwd_rec *r)
{
	ps_jw_object(w, "process");
	ps_jw_str(w, "name", ps_fwd_str(r, "program"));
	ps_jw_raw(w, "pid", ps_fwd_num(r, "pid"));
	ps_jw_str(w, "executable", ps_fwd_str(r, "exe"));
	ps_jw_str(w, "command_line", ps_fwd_str(r, "command"));
	ps_jw_str(w, "working_directory", ps_fwd_str(r, "cwd"));
	ps_jw_object(w, "parent");
	ps_jw_raw(w, "pid", ps_fwd_num(r, "ppid"));
	ps_jw_end(w);
	ps_jw_end(w);
}

static void alert_objects(struct ps_jw *w, const struct ps_fwd_rec *r)
{
	struct ps_str ids[8];
	size_t n = ps_fwd_mitre(r, ids, 8);
	ps_jw_object(w, "rule");
	ps_jw_str(w, "name", ps_fwd_str(r, "rule"));
	ps_jw_lit(w, "ruleset", "pamsignal");
	ps_jw_end(w);
	if (n) {
		ps_jw_object(w, "threat");
		ps_jw_lit(w, "framework", "MITRE ATT&CK");
		ps_jw_object(w, "technique");
		ps_jw_array(w, "id");
		for (size_t i = 0; i < n; i++)
			ps_jw_str(w, NULL, ids[i]);
		ps_jw_end(w);
		ps_jw_end(w);
		ps_jw_end(w);
	}
}

/* What ECS has no field for, under our own name. */
static void custom_object(struct ps_jw *w, const struct ps_fwd_rec *r)
{
	static const char *const strings[] = {
		"method", "key", "tty", "session", "login_user", "input", "audit_type", "detail",
		"source", "src_provider", "src_rdns", "sender_exe", "sender_comm", "subnet",
	};
	static const char *const numbers[] = { "login_uid", "sender_uid", "count", "window_s" };
	ps_jw_object(w, "pamsignal");
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		ps_jw_str(w, strings[i], ps_fwd_str(r, strings[i]));
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
		ps_jw_raw(w, numbers[i], ps_fwd_num(r, numbers[i]));
	ps_jw_raw(w, "ambiguous", ps_jobject_get(&r->it->obj, "ambiguous", PS_J_BOOL));
	ps_jw_raw(w, "update", ps_jobject_get(&r->it->obj, "update", PS_J_BOOL));
	ps_jw_end(w);
}

void ps_fmt_ecs(struct ps_out *o, const struct ps_fwd_rec *r)
{
	struct ps_jw w;
	ps_jw_start(&w, o, r->cap);
	time_member(&w, "@timestamp", ps_fwd_time_us(r, "time"));
	ps_jw_object(&w, "ecs");
	ps_jw_lit(&w, "version", ECS_VERSION);
	ps_jw_end(&w);
	struct ps_str msg = r->it->is_alert ? ps_fwd_str(r, "summary") : r->lean ? PS_STR_NULL : ps_fwd_str(r, "message");
	ps_jw_str(&w, "message", ps_set(msg) ? msg : ps_fwd_str(r, "detail"));
	event_object(&w, r);
	ps_jw_object(&w, "observer");
	ps_jw_lit(&w, "vendor", "pamsignal");
	ps_jw_lit(&w, "product", "pamsignal");
	ps_jw_lit(&w, "version", PS_VERSION);
	ps_jw_end(&w);
	ps_jw_object(&w, "host");
	ps_jw_str(&w, "name", ps_fwd_str(r, "host"));
	ps_jw_end(&w);
	ps_fwd_source(&w, r, &source_names);
	ps_jw_object(&w, "destination");
	ps_jw_str(&w, "ip", ps_fwd_str(r, "dst_ip"));
	ps_jw_raw(&w, "port", ps_fwd_num(r, "dst_port"));
	ps_jw_end(&w);
	user_object(&w, r);
	ps_jw_object(&w, "group");
	ps_jw_str(&w, "name", ps_fwd_str(r, "group"));
	ps_jw_end(&w);
	process_object(&w, r);
	related(&w, r);
	if (r->it->is_alert)
		alert_objects(&w, r);
	custom_object(&w, r);
	ps_jw_finish(&w);
}
