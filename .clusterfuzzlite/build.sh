#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz entry: the project's own fuzz/build.sh honours
# $CC $CXX $CFLAGS $LIB_FUZZING_ENGINE $OUT.
cd "$SRC/daxsim"
sh fuzz/build.sh
