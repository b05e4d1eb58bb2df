/* pamsignal verify's report: what chain_verify.c found, as lines of text. */
#include "sink/chain_verify_int.h"

static void put_name(struct ps_out *o, const struct ps_verify *v, unsigned file)
{
	ps_out_term_str(o, ps_cstr(v->files[file]), 4096);
}

/* FILE:LINE, FILE:LINE-LINE, or FILE:LINE-FILE:LINE */
static void put_span(struct ps_out *o, const struct ps_verify *v, struct loc at, struct loc end)
{
	put_name(o, v, at.file);
	ps_out_putc(o, ':');
	ps_out_u64(o, at.line);
	if (end.file == at.file && end.line == at.line)
		return;
	ps_out_putc(o, '-');
	if (end.file != at.file) {
		put_name(o, v, end.file);
		ps_out_putc(o, ':');
	}
	ps_out_u64(o, end.line);
}

static void put_seqs(struct ps_out *o, const char *what, uint64_t a, uint64_t b)
{
	ps_out_puts(o, what);
	ps_out_u64(o, a);
	if (b != a) {
		ps_out_putc(o, '-');
		ps_out_u64(o, b);
	}
}

static void put_report(struct ps_out *o, const struct ps_verify *v, const struct report *r)
{
	bool run = r->at.line != r->end.line || r->at.file != r->end.file;
	bool keyed = v->n_keys > 0;

	if (r->what != P_TRUNCATED && r->what != P_NONE_CHAINED) {
		put_span(o, v, r->at, r->end);
		ps_out_puts(o, ": ");
	}
	switch (r->what) {
	case P_NOT_CHAINED:
		ps_out_puts(o, run ? "not chained records" : "not a chained record");
		ps_out_puts(o, " (no \"seq\" and \"hash\" at the end): inserted, or damaged");
		break;
	case P_INCOMPLETE:
		ps_out_puts(o, "incomplete record (no newline at the end of the file): the file was cut here, "
			       "or it is being written");
		break;
	case P_OVERLONG:
		ps_out_puts(o, "a line too long to check (inserted, or damaged)");
		break;
	case P_ALTERED:
		put_seqs(o, "seq ", r->seq, r->seq_end);
		ps_out_puts(o, keyed ? ": the HMAC does not match" : ": the hash does not match");
		ps_out_puts(o, run ? " (each record)" : "");
		ps_out_puts(o, keyed ? ": altered, from another log, or the key is wrong"
				     : ": the record was altered, or comes from another log");
		break;
	case P_HASH_FIELD:
		put_seqs(o, "seq ", r->seq, r->seq);
		ps_out_puts(o, keyed ? ": its \"hmac\" member was altered" : ": its \"hash\" member was altered");
		break;
	case P_PREV:
		put_seqs(o, "seq ", r->seq, r->seq);
		ps_out_puts(o, ": its \"prev\" is not the hash of seq ");
		ps_out_u64(o, r->other_seq);
		ps_out_puts(o, " (");
		put_span(o, v, r->other, r->other);
		ps_out_puts(o, "): it comes from another log, or the file before it is not its predecessor");
		break;
	case P_MISSING: {
		uint64_t n = r->seq - r->other_seq - 1;
		put_seqs(o, "seq ", r->seq, r->seq);
		put_seqs(o, " follows seq ", r->other_seq, r->other_seq);
		ps_out_puts(o, " (");
		put_span(o, v, r->other, r->other);
		ps_out_puts(o, "): ");
		if (r->found == n) {
			put_seqs(o, "seq ", r->other_seq + 1, r->seq - 1);
			ps_out_puts(o, n > 1 ? " are out of place, at " : " is out of place, at ");
			put_span(o, v, r->found_at, r->found_end);
			ps_out_puts(o, r->at.line == 1 && r->found_at.line == 1 && r->found_at.file != r->at.file
					       ? ": the files are in the wrong order (swapped?)"
					       : ": records reordered");
			break;
		}
		put_seqs(o, n > 1 ? "records " : "record ", r->other_seq + 1, r->seq - 1);
		ps_out_puts(o, n > 1 ? " are missing" : " is missing");
		if (r->found) {
			ps_out_puts(o, " (");
			ps_out_u64(o, r->found);
			ps_out_puts(o, " of them turn up out of place, at ");
			put_span(o, v, r->found_at, r->found_end);
			ps_out_putc(o, ')');
		}
		ps_out_puts(o, r->at.line == 1 && r->other.file != r->at.file
				       ? ": the end of the file before was cut, or a file between them is missing"
				       : ": deleted");
		break;
	}
	case P_OUT_OF_ORDER:
		put_seqs(o, "seq ", r->seq, r->seq_end);
		put_seqs(o, run ? " come after seq " : " comes after seq ", r->other_seq, r->other_seq);
		ps_out_puts(o, " (");
		put_span(o, v, r->other, r->other);
		ps_out_puts(o, r->at.line == 1 && r->other.file != r->at.file
				       ? "): the files are in the wrong order (swapped?), or one was replaced"
				       : "): out of order: moved or copied from elsewhere in the log, or from another log");
		break;
	case P_NO_PREV:
		put_seqs(o, "seq ", r->seq, r->seq);
		ps_out_puts(o, ": the first record has no \"prev\" to check it with: records were removed from the "
			       "start of the file");
		break;
	case P_BAD_START:
		put_seqs(o, "seq ", r->seq, r->seq);
		ps_out_puts(o, ": a chain starts at seq 1 with a \"prev\" of zeros, and only there");
		break;
	case P_UNKEYED:
		put_seqs(o, "seq ", r->seq, r->seq_end);
		ps_out_puts(o, ": not keyed (\"hash\", not \"hmac\") although a key was given: written without the "
			       "key, or rewritten by someone who does not have it");
		break;
	case P_ANCHOR:
		put_seqs(o, "seq ", r->seq, r->seq);
		ps_out_puts(o, ": its hash is not the one ");
		ps_out_term_str(o, ps_cstr(v->anchors[r->anchor].label), 4096);
		ps_out_puts(o, " has: the record was replaced");
		break;
	case P_TRUNCATED:
		if (r->other_seq) {
			put_seqs(o, "the chain ends at seq ", r->other_seq, r->other_seq);
			ps_out_puts(o, " (");
			put_span(o, v, r->at, r->at);
			ps_out_puts(o, ")");
		} else {
			ps_out_puts(o, "there is no record");
		}
		ps_out_puts(o, ", but ");
		ps_out_term_str(o, ps_cstr(v->anchors[r->anchor].label), 4096);
		put_seqs(o, " has seq ", r->seq, r->seq);
		put_seqs(o, ": records ", r->other_seq + 1, r->seq);
		ps_out_puts(o, " were cut off the end");
		break;
	case P_NONE_CHAINED:
		ps_out_u64(o, r->seq);
		ps_out_puts(o, " lines and not one chained record");
		break;
	}
	ps_out_putc(o, '\n');
}

static void put_note(struct ps_out *o, const struct ps_verify *v, const struct note *n)
{
	ps_out_puts(o, "note: ");
	switch (n->kind) {
	case N_START:
		put_span(o, v, n->at, n->at);
		put_seqs(o, ": the chain starts at seq ", n->seq, n->seq);
		ps_out_puts(o, " (the records before were rotated away, or not given)");
		break;
	case N_UNCHAINED_FILE:
		put_span(o, v, n->at, n->at);
		ps_out_puts(o, ": ");
		ps_out_u64(o, n->n);
		ps_out_puts(o, " lines before the chain began, not checked (written by an older pamsignal?)");
		break;
	case N_KEY_CHANGE:
		put_span(o, v, n->at, n->at);
		put_seqs(o, ": seq ", n->seq, n->seq);
		ps_out_puts(o, " is keyed with another of the keys given (the key was changed)");
		break;
	case N_ANCHOR_OK:
		put_span(o, v, n->at, n->at);
		put_seqs(o, ": seq ", n->seq, n->seq);
		ps_out_puts(o, " matches ");
		ps_out_term_str(o, ps_cstr(v->anchors[n->anchor].label), 4096);
		break;
	case N_ANCHOR_BEFORE:
		ps_out_term_str(o, ps_cstr(v->anchors[n->anchor].label), 4096);
		put_seqs(o, " (seq ", n->seq, n->seq);
		ps_out_puts(o, ") is before the first record given: not checked");
		break;
	}
	ps_out_putc(o, '\n');
}

void ps_verify_print(const struct ps_verify *v, struct ps_out *o)
{
	char hex[PS_CHAIN_HEX_SIZE];

	if (v->need_key) {
		put_span(o, v, v->need_key_at, v->need_key_at);
		put_seqs(o, ": seq ", v->need_key_seq, v->need_key_seq);
		ps_out_puts(o, " is keyed (\"hmac\"): give the key with --key-file\n");
		ps_out_puts(o, "NOT CHECKED: the chain is keyed\n");
		return;
	}
	for (size_t i = 0; i < v->n_reports; i++)
		put_report(o, v, &v->reports[i]);
	if (v->problems > v->n_reports) {
		ps_out_puts(o, "... and ");
		ps_out_u64(o, v->problems - v->n_reports);
		ps_out_puts(o, " more\n");
	}
	for (size_t i = 0; i < v->n_notes; i++)
		put_note(o, v, &v->notes[i]);
	if (v->problems) {
		ps_out_puts(o, "TAMPERED: ");
		ps_out_u64(o, v->problems);
		ps_out_puts(o, v->problems == 1 ? " problem in " : " problems in ");
		ps_out_u64(o, v->records);
		ps_out_puts(o, " records\n");
		return;
	}
	ps_out_puts(o, "intact: ");
	if (!v->have) {
		ps_out_puts(o, "no records\n");
		return;
	}
	ps_out_u64(o, v->records);
	put_seqs(o, " records, seq ", v->first_seq, v->high.seq);
	ps_out_puts(o, v->n_keys ? ", HMAC-SHA256" : ", SHA-256");
	put_seqs(o, "; head ", v->high.seq, v->high.seq);
	ps_out_putc(o, ':');
	ps_out_puts(o, ps_chain_format_hex(v->high.value, hex));
	ps_out_putc(o, '\n');
}
