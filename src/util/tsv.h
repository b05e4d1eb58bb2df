/*
 * Tab-separated records for pamsignal's own state file. Fields are
 * percent-escaped (%, tab, newline and other control bytes become %XX) so
 * any byte string, a user name included, survives a round trip on one
 * line. Written by hand: a few lines, and no format library fits better.
 */
#ifndef PS_UTIL_TSV_H
#define PS_UTIL_TSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/out.h"
#include "util/slice.h"

void ps_tsv_put(struct ps_out *o, struct ps_str field);
void ps_tsv_put_i64(struct ps_out *o, int64_t v);

/*
 * Take the next field off *line (up to a tab or the end), unescaped into
 * buf. Returns false when there is no field left or it does not fit.
 */
bool ps_tsv_take(struct ps_str *line, char *buf, size_t size, struct ps_str *field);
bool ps_tsv_take_i64(struct ps_str *line, int64_t *v);

#endif
