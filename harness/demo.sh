#!/bin/sh
# make demo: run the bundled demo scenarios, then the seed scenarios under
# every sharing design side by side.
DAXSIM=${1:-./daxsim}
DEMO="scenarios/basic/seed-reflink-mmap.scn scenarios/models/eight-copies-mmap-write.scn scenarios/models/growth-sharers.scn"
status=0
for s in $DEMO; do
	echo "=== $s (design: shadow, the default)"
	"$DAXSIM" run "$s" || status=1
done
echo
echo "=== every design on the same scenarios (daxsim compare)"
"$DAXSIM" compare scenarios/basic/seed-reflink-mmap.scn scenarios/models/eight-copies-mmap-write.scn \
	scenarios/pmd/mixed-order-sharers.scn || status=1
echo
echo "=== memory failure on a block shared by 4 files: who each design reaches"
"$DAXSIM" compare scenarios/poison/four-owners-one-early.scn scenarios/poison/rmapbt0-generic.scn || status=1
exit $status
