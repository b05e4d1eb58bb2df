# Shared by bench/detect.sh and bench/audit.sh; source after setting
# GNU_TIME, RUNS, tmp (a scratch directory) and die().
#
# timed NAME CMD...: run CMD RUNS times (stdout to /dev/null, stderr to
# $tmp/err.NAME); keep the run with the least CPU time in t_cpu and its
# wall time in t_wall, and the highest peak RSS of all runs in t_rss_kb.
timed() {
	local name=$1 run w c rss
	shift
	t_wall='' t_cpu='' t_rss_kb=0
	for ((run = 0; run < RUNS; run++)); do
		"$GNU_TIME" -f '%e %U %S %M' -o "$tmp/time" "$@" > /dev/null 2> "$tmp/err.$name" ||
			die "$name failed: $(tail -3 "$tmp/err.$name")"
		read -r w c rss < <(awk '{print $1, $2 + $3, $4}' "$tmp/time")
		[ "$rss" -gt "$t_rss_kb" ] && t_rss_kb=$rss
		if [ -z "$t_cpu" ] || awk -v a="$c" -v b="$t_cpu" 'BEGIN{exit !(a < b)}'; then t_cpu=$c t_wall=$w; fi
	done
}
