#!/bin/sh
# Build the libFuzzer targets, OSS-Fuzz / ClusterFuzzLite style.  Honours
#   $CC $CXX $CFLAGS $LIB_FUZZING_ENGINE $OUT
# (defaults: clang, ASan+UBSan, -fsanitize=fuzzer, fuzz/out) and writes into
# $OUT: each target, <target>.dict, <target>_seed_corpus.zip (seeds generated
# from scenarios/ by fuzz/make_seeds.sh).
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
cd "$SRC"
: "${CC:=clang}"
: "${CFLAGS:=-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all -fsanitize=fuzzer-no-link}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${OUT:=$SRC/fuzz/out}"
LD=${CXX:-$CC}
# one build tree per compiler + flags, beside the others under build/
tag=$(printf '%s %s' "$CC" "$CFLAGS" | md5sum | cut -c1-8)
B=build/fuzz-$tag
mkdir -p "$OUT"
# -Wno-error=...: clang warns where gcc (the project's -Werror compiler) does not
make -s BUILD=fuzz-$tag CC="$CC" CFLAGS="$CFLAGS" \
	$B/libdaxsim.a $B/libdaxfuzz.a $B/fuzz/fuzz_ops.o $B/fuzz/fuzz_scenario.o $B/fuzz/fuzz_lex.o $B/fuzz/fuzz_sched.o $B/daxsim
LIBS="$(pkg-config --libs glib-2.0) -lm"
for t in fuzz_ops fuzz_scenario fuzz_lex fuzz_sched; do
	# shellcheck disable=SC2086
	$LD $CFLAGS -o "$OUT/$t" $B/fuzz/$t.o $B/libdaxfuzz.a $B/libdaxsim.a $LIB_FUZZING_ENGINE $LIBS
	$B/daxsim fuzz-dict $t > "$OUT/$t.dict"
done
sh fuzz/make_seeds.sh $B/daxsim $B/seeds >/dev/null
for t in fuzz_ops fuzz_scenario fuzz_lex fuzz_sched; do
	rm -f "$OUT/${t}_seed_corpus.zip"
	(cd $B/seeds/$t && zip -q -X "$OUT/${t}_seed_corpus.zip" *)
done
echo "fuzz targets in $OUT: $(cd "$OUT" && ls | tr '\n' ' ')"
