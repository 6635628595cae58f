#!/bin/sh
# make demo: what daxsim shows, part by part.  Each part says what to look
# for, and which reported failures are intended (a broken design breaking is
# the point of that part).  The demo's exit status is 0 unless daxsim itself
# fails (exit 2 or 3).
DAXSIM=${1:-./daxsim}
status=0
run() {
	"$@"
	rc=$?
	[ $rc -le 1 ] || status=$rc
}
part() {
	echo
	echo "=== $1"
	shift
	for line in "$@"; do echo "    $line"; done
	echo
}

part "1. The seed scenario (scenarios/basic/seed-reflink-mmap.scn), default design shadow" \
	"Two reflinked files, one mapped and written through the mapping: the write is a" \
	"copy-on-write, the other file keeps its data.  Expect: two different md5sums, exit 0."
run "$DAXSIM" run scenarios/basic/seed-reflink-mmap.scn

part "2. Eight reflinked copies written through their mappings, and sharing growth" \
	"daxstat prints what the design holds.  Expect: no failure."
run "$DAXSIM" run scenarios/models/eight-copies-mmap-write.scn scenarios/models/growth-sharers.scn

part "3. Every design on the same scenarios (daxsim compare)" \
	"INTENDED failure: rfc, the July 2019 RFC as posted, keeps one page->mapping and" \
	"fails its P-rfc invariant on shared mappings; the other designs hold."
run "$DAXSIM" compare scenarios/basic/seed-reflink-mmap.scn scenarios/models/eight-copies-mmap-write.scn \
	scenarios/pmd/mixed-order-sharers.scn

part "4. Memory failure on a block shared by 4 files: who each design reaches" \
	"INTENDED failures: rfc (P-rfc, and H1: page->mapping names one owner); and mainline" \
	"without the reverse map (rmapbt=0: H1, a shared page has no page->mapping to follow)," \
	"where shadow and maplist, which keep their own owners, still reach everyone."
run "$DAXSIM" compare scenarios/poison/four-owners-one-early.scn scenarios/poison/rmapbt0-generic.scn

part "5. Concurrency: the K-H1 lock inversion as a real deadlock under mainline" \
	"daxsim explore tries every schedule within two preemptions.  INTENDED failure:" \
	"L-deadlock, with each task's locks and the replayable schedule."
run "$DAXSIM" explore scenarios/races/kh1-deadlock.scn

part "6. Device DAX beside filesystem DAX" \
	"/dev/dax0.0 with 2 MiB alignment: PMD faults, no filesystem, the same bytes under" \
	"every design.  Expect: no failure."
run "$DAXSIM" run scenarios/devdax/faults-2m.scn

part "7. An fstests test with a background job, unmodified, against its golden output" \
	"scenarios/fstests/daxsim/007 (after generic/164): a reader job dumps a file while the" \
	"script reflinks into it; the jobs interleave on a virtual clock.  Expect: 1 passed."
demo_results=$(mktemp -d)
run "$DAXSIM" fstests --results "$demo_results" scenarios/fstests/daxsim/007
rm -rf "$demo_results"
exit $status
