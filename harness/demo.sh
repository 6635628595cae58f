#!/bin/sh
# make demo: run the bundled demo scenarios and print their output.
DAXSIM=${1:-./daxsim}
status=0
for s in scenarios/basic/*.scn; do
	echo "=== $s"
	"$DAXSIM" run "$s" || status=1
done
exit $status
