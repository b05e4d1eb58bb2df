/*
 * ocsf: one JSON event of the Open Cybersecurity Schema Framework 1.3.0.
 *
 *   logins, failures, sessions    Authentication (3002): Logon 1, Logoff 2,
 *                                 Other 99 (probe); status_id 1 Success,
 *                                 2 Failure, 0 Unknown
 *   account changes (users)       Account Change (3001): Create 1, Enable 2
 *                                 (unlock), Password Change 3, Delete 6, Lock 9
 *   account changes (groups)      Group Management (3006): Add User 3,
 *                                 Remove User 4
 *   sudo commands, tty input      Process Activity (1007): Launch 1, Other 99
 *   pamsignal's own notices       Base Event (0)
 *   alerts                        Detection Finding (2004): Create 1, Update 2
 *
 * Anything else is activity 99 (Other). type_uid is class_uid * 100 +
 * activity_id. What OCSF has no attribute for goes in "unmapped", which
 * OCSF provides for exactly that. doc/forwarding.md has the whole table.
 */
#include "sink/forward/format.h"
#include "sink/forward/jw.h"

#define OCSF_VERSION "1.3.0"

struct ocsf_class {
	int uid;
	const char *name;
	int category;
	const char *category_name;
};

static const struct ocsf_class base = { 0, "Base Event", 0, "Uncategorized" };
static const struct ocsf_class authentication = { 3002, "Authentication", 3, "Identity & Access Management" };
static const struct ocsf_class account_change = { 3001, "Account Change", 3, "Identity & Access Management" };
static const struct ocsf_class group_management = { 3006, "Group Management", 3, "Identity & Access Management" };
static const struct ocsf_class process_activity = { 1007, "Process Activity", 1, "System Activity" };
static const struct ocsf_class detection_finding = { 2004, "Detection Finding", 2, "Findings" };

struct activity {
	const char *what;  /* kind, or action for account changes */
	const struct ocsf_class *cls;
	int id;
	const char *name;
};

static const struct activity activities[] = {
	{ "auth_success", &authentication, 1, "Logon" },
	{ "auth_failure", &authentication, 1, "Logon" },
	{ "session_open", &authentication, 1, "Logon" },
	{ "session_close", &authentication, 2, "Logoff" },
	{ "probe", &authentication, 99, "Other" },
	{ "command", &process_activity, 1, "Launch" },
	{ "tty_input", &process_activity, 99, "Other" },
	/* account_change, by its action */
	{ "user_add", &account_change, 1, "Create" },
	{ "user_unlock", &account_change, 2, "Enable" },
	{ "password_change", &account_change, 3, "Password Change" },
	{ "user_delete", &account_change, 6, "Delete" },
	{ "user_lock", &account_change, 9, "Lock" },
	{ "user_modify", &account_change, 99, "Other" },
	{ "user_rename", &account_change, 99, "Other" },
	{ "group_member_add", &group_management, 3, "Add User" },
	{ "group_member_remove", &group_management, 4, "Remove User" },
	{ "group_add", &group_management, 99, "Other" },
	{ "group_delete", &group_management, 99, "Other" },
	{ "group_modify", &group_management, 99, "Other" },
};

static struct activity classify(const struct ps_fwd_rec *r)
{
	if (r->it->is_alert) {
		bool update = ps_set(ps_jobject_get(&r->it->obj, "update", PS_J_BOOL));
		return (struct activity){ NULL, &detection_finding, update ? 2 : 1, update ? "Update" : "Create" };
	}
	struct ps_str kind = ps_fwd_str(r, "kind");
	struct ps_str what = ps_eq_lit(kind, "account_change") ? ps_fwd_str(r, "action") : kind;
	for (size_t i = 0; i < sizeof(activities) / sizeof(activities[0]); i++)
		if (ps_eq_lit(what, activities[i].what))
			return activities[i];
	if (ps_eq_lit(kind, "account_change"))
		return (struct activity){ NULL, &account_change, 99, "Other" };
	return (struct activity){ NULL, &base, 99, "Other" };
}

static void time_ms(struct ps_jw *w, const char *name, int64_t usec)
{
	if (usec >= 0)
		ps_jw_int(w, name, ps_fwd_ms(usec));
}

static void header(struct ps_jw *w, const struct ps_fwd_rec *r, const struct activity *a)
{
	static const char *const sev_names[PS_SEVERITY__COUNT] = { "Informational", "Low", "Medium", "High",
								   "Critical" };
	enum ps_severity sev = r->it->severity < PS_SEVERITY__COUNT ? r->it->severity : PS_SEVERITY_MEDIUM;
	ps_jw_int(w, "class_uid", a->cls->uid);
	ps_jw_lit(w, "class_name", a->cls->name);
	ps_jw_int(w, "category_uid", a->cls->category);
	ps_jw_lit(w, "category_name", a->cls->category_name);
	ps_jw_int(w, "activity_id", a->id);
	ps_jw_lit(w, "activity_name", a->name);
	ps_jw_int(w, "type_uid", (int64_t)a->cls->uid * 100 + a->id);
	ps_jw_int(w, "severity_id", (int64_t)sev + 1); /* 1 Informational ... 5 Critical */
	ps_jw_lit(w, "severity", sev_names[sev]);
	time_ms(w, "time", ps_fwd_time_us(r, "time"));
	ps_jw_object(w, "metadata");
	ps_jw_lit(w, "version", OCSF_VERSION);
	ps_jw_lit(w, "uid", r->it->id);
	ps_jw_lit(w, "log_name", r->it->is_alert ? "alerts" : "events");
	ps_jw_str(w, "original_time", ps_fwd_str(r, "time"));
	ps_jw_object(w, "product");
	ps_jw_lit(w, "name", "pamsignal");
	ps_jw_lit(w, "vendor_name", "pamsignal");
	ps_jw_lit(w, "version", PS_VERSION);
	ps_jw_end(w);
	ps_jw_end(w);
}

static void status(struct ps_jw *w, const struct ps_fwd_rec *r)
{
	struct ps_str outcome = ps_fwd_str(r, "outcome");
	int id = ps_eq_lit(outcome, "success") ? 1 : ps_eq_lit(outcome, "failure") ? 2 : 0;
	ps_jw_int(w, "status_id", id);
	ps_jw_lit(w, "status", id == 1 ? "Success" : id == 2 ? "Failure" : "Unknown");
	ps_jw_str(w, "status_detail", ps_fwd_str(r, "reason"));
}

static void user(struct ps_jw *w, const char *name, struct ps_str v)
{
	ps_jw_object(w, name);
	ps_jw_str(w, "name", v);
	ps_jw_end(w);
}

/* src_endpoint, with location and autonomous_system when the event was enriched. */
static const struct ps_fwd_source_names src_names = {
	.object = "src_endpoint", .ip = "ip", .port = "port", .host = "hostname",
	.geo = "location", .country_iso_code = "country", .city_name = "city",
	.as = "autonomous_system", .as_number = "number", .as_org_name = "name",
};

/* The machine the login was made to: this host, and the address and port
 * the client connected to when sshd said (dst_ip, dst_port). */
static void dst_endpoint(struct ps_jw *w, const struct ps_fwd_rec *r)
{
	ps_jw_object(w, "dst_endpoint");
	ps_jw_str(w, "hostname", ps_fwd_str(r, "host"));
	ps_jw_str(w, "ip", ps_fwd_str(r, "dst_ip"));
	ps_jw_raw(w, "port", ps_fwd_num(r, "dst_port"));
	ps_jw_end(w);
}

static void actor_process(struct ps_jw *w, const struct ps_fwd_rec *r, struct ps_str actor_user)
{
	ps_jw_object(w, "actor");
	user(w, "user", actor_user);
	ps_jw_object(w, "process");
	ps_jw_str(w, "name", ps_fwd_str(r, "program"));
	ps_jw_raw(w, "pid", ps_fwd_num(r, "pid"));
	ps_jw_end(w);
	ps_jw_end(w);
}

/* Authentication: "user" is who is being authenticated (su's and sudo's
 * target when there is one), the actor who asked. */
static void authentication_attrs(struct ps_jw *w, const struct ps_fwd_rec *r)
{
	struct ps_str target = ps_fwd_str(r, "target_user");
	struct ps_str method = ps_fwd_str(r, "method"), session = ps_fwd_str(r, "session");
	status(w, r);
	user(w, "user", ps_set(target) ? target : ps_fwd_str(r, "user"));
	actor_process(w, r, ps_set(target) ? ps_fwd_str(r, "user") : PS_STR_NULL);
	ps_fwd_source(w, r, &src_names);
	dst_endpoint(w, r);
	ps_jw_object(w, "service");
	ps_jw_str(w, "name", ps_fwd_str(r, "service"));
	ps_jw_end(w);
	if (ps_set(method)) {
		ps_jw_int(w, "auth_protocol_id", 99);
		ps_jw_str(w, "auth_protocol", method);
	}
	if (ps_set(ps_fwd_str(r, "src_ip")))
		ps_jw_bool(w, "is_remote", true);
	if (ps_set(session)) {
		ps_jw_object(w, "session");
		ps_jw_str(w, "uid", session);
		ps_jw_end(w);
	}
	struct ps_str duration = ps_fwd_num(r, "duration_s");
	if (ps_set(duration) && ps_all_digits(duration)) { /* seconds → milliseconds, as text */
		ps_jw_raw(w, "duration", duration);
		if (!ps_eq_lit(duration, "0"))
			ps_out_puts(w->o, "000");
	}
}

static void process_attrs(struct ps_jw *w, const struct ps_fwd_rec *r)
{
	status(w, r);
	actor_process(w, r, ps_fwd_str(r, "user"));
	ps_jw_object(w, "process");
	ps_jw_str(w, "cmd_line", ps_fwd_str(r, "command"));
	ps_jw_raw(w, "pid", ps_fwd_num(r, "pid"));
	user(w, "user", ps_fwd_str(r, "target_user"));
	ps_jw_object(w, "file");
	ps_jw_str(w, "path", ps_fwd_str(r, "exe"));
	ps_jw_end(w);
	ps_jw_object(w, "parent_process");
	ps_jw_raw(w, "pid", ps_fwd_num(r, "ppid"));
	ps_jw_end(w);
	ps_jw_end(w);
	dst_endpoint(w, r);
}

static void account_attrs(struct ps_jw *w, const struct ps_fwd_rec *r, bool group)
{
	user(w, "user", ps_fwd_str(r, "user"));
	if (group)
		user(w, "group", ps_fwd_str(r, "group"));
	actor_process(w, r, ps_fwd_str(r, "actor"));
	dst_endpoint(w, r);
}

static void finding_attrs(struct ps_jw *w, const struct ps_fwd_rec *r)
{
	struct ps_str ids[8], rule = ps_fwd_str(r, "rule");
	size_t n = ps_fwd_mitre(r, ids, 8);
	ps_jw_int(w, "status_id", 1);
	ps_jw_lit(w, "status", "New");
	ps_jw_object(w, "finding_info");
	ps_jw_lit(w, "uid", r->it->id);
	ps_jw_str(w, "title", ps_set(rule) ? rule : PS_LIT("alert"));
	ps_jw_str(w, "desc", ps_fwd_str(r, "summary"));
	ps_jw_array(w, "types");
	ps_jw_str(w, NULL, rule);
	ps_jw_end(w);
	time_ms(w, "first_seen_time", ps_fwd_time_us(r, "first_seen"));
	time_ms(w, "last_seen_time", ps_fwd_time_us(r, "last_seen"));
	ps_jw_object(w, "analytic");
	ps_jw_str(w, "name", rule);
	ps_jw_int(w, "type_id", 1);
	ps_jw_lit(w, "type", "Rule");
	ps_jw_end(w);
	ps_jw_array(w, "attacks");
	for (size_t i = 0; i < n; i++) {
		ps_jw_object(w, NULL);
		ps_jw_object(w, "technique");
		ps_jw_str(w, "uid", ids[i]);
		ps_jw_end(w);
		ps_jw_end(w);
	}
	ps_jw_end(w);
	ps_jw_end(w);
	ps_jw_array(w, "evidences");
	ps_jw_object(w, NULL);
	ps_fwd_source(w, r, &src_names);
	ps_jw_object(w, "actor");
	user(w, "user", ps_fwd_str(r, "user"));
	ps_jw_end(w);
	ps_jw_end(w);
	ps_jw_end(w);
	ps_jw_object(w, "device");
	ps_jw_str(w, "hostname", ps_fwd_str(r, "host"));
	ps_jw_int(w, "type_id", 0);
	ps_jw_end(w);
}

/* What OCSF has no attribute for, as pamsignal names it. */
static void unmapped(struct ps_jw *w, const struct ps_fwd_rec *r)
{
	static const char *const strings[] = {
		"kind", "reason", "key", "tty", "cwd", "login_user", "input", "audit_type", "detail", "source",
		"src_provider", "sender_exe", "sender_comm", "subnet", "action",
	};
	static const char *const numbers[] = { "login_uid", "sender_uid", "count", "window_s" };
	ps_jw_object(w, "unmapped");
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		ps_jw_str(w, strings[i], ps_fwd_str(r, strings[i]));
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
		ps_jw_raw(w, numbers[i], ps_fwd_num(r, numbers[i]));
	ps_jw_raw(w, "ambiguous", ps_jobject_get(&r->it->obj, "ambiguous", PS_J_BOOL));
	ps_jw_end(w);
}

void ps_fmt_ocsf(struct ps_out *o, const struct ps_fwd_rec *r)
{
	struct ps_jw w;
	struct activity a = classify(r);
	ps_jw_start(&w, o, r->cap);
	header(&w, r, &a);
	struct ps_str msg = r->it->is_alert ? ps_fwd_str(r, "summary") : r->lean ? PS_STR_NULL : ps_fwd_str(r, "message");
	ps_jw_str(&w, "message", ps_set(msg) ? msg : ps_fwd_str(r, "detail"));
	if (a.cls == &authentication)
		authentication_attrs(&w, r);
	else if (a.cls == &process_activity)
		process_attrs(&w, r);
	else if (a.cls == &account_change || a.cls == &group_management)
		account_attrs(&w, r, a.cls == &group_management);
	else if (a.cls == &detection_finding)
		finding_attrs(&w, r);
	else
		dst_endpoint(&w, r);
	unmapped(&w, r);
	ps_jw_finish(&w);
}
