#!/bin/sh
# Build the libFuzzer targets of tests/fuzz/ with clang and run each one.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
#
# SECONDS per target (default 60; 0 runs the corpus and regressions once,
# without fuzzing); TARGET is topology, buddy, elf, decode or syscall
# (default: all five, one after the other: one fuzzer process at a time).  A stand-alone
# build: the library sources each target needs are compiled here with
# -fsanitize=fuzzer-no-link,address,undefined, independently of the CMake
# build (whose MMSIM_SANITIZE build is not instrumented for coverage).
#
# For each target: first every file of regressions/<target>/ is run once
# (crashes found earlier must stay fixed; a failing one is reported and
# fuzzing still goes on), then the fuzzer runs for SECONDS over a scratch
# copy of corpus/<target>/ (the committed corpus is never modified; new
# inputs stay in the build directory unless you copy them).  Exit status 0
# when no regression failed and no target crashed, leaked, timed out or ran
# out of memory; 1 otherwise; 2 for a usage or build error.
#
# Environment:
#   CC                  clang to use (default: clang)
#   MMSIM_FUZZ_BUILD    build/work directory (default: a fresh temporary one,
#                       removed at the end unless a fuzzer saved a failing
#                       input in it)
#   MMSIM_FUZZ_ARGS     extra libFuzzer options, e.g. "-max_len=65536"
#   MMSIM_FUZZ_JOBS     compilers run at once for the build (default: nproc)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-topology buddy elf decode syscall}
CC=${CC:-clang}

case $seconds in
    ''|*[!0-9]*) echo "usage: $0 [SECONDS] [topology|buddy|elf|decode|syscall]..." >&2; exit 2 ;;
esac
if ! command -v "$CC" >/dev/null 2>&1; then
    echo "run.sh: $CC not found: run scripts/setup (Debian packages clang, libclang-rt-14-dev)" >&2
    exit 2
fi

if [ -n "${MMSIM_FUZZ_BUILD:-}" ]; then
    build=$MMSIM_FUZZ_BUILD
    keep=1
    mkdir -p "$build"
else
    build=$(mktemp -d "${TMPDIR:-/tmp}/mmsim-fuzz.XXXXXX")
    keep=0
fi
echo "run.sh: building in $build"

# -O1 -g as libFuzzer recommends; MMSIM_CHECKS turns MMSIM_ASSERT on, so a
# broken internal invariant is a crash the fuzzer reports.
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cflags="-std=gnu17 -g -O1 $san -D_GNU_SOURCE -DMMSIM_BUILDING -DMMSIM_CHECKS
        -I$src/include -I$src -I$src/libmmsim -Wall -Wno-unused-parameter"
libs="-lyaml -ljansson -lelf -lm"

# Library sources per target.
common="libmmsim/util.c libmmsim/result.c"
lib_buddy="$common libmmsim/stats.c numa/physmem.c kernel/page_alloc.c
           kernel/page_alloc_view.c kernel/mempolicy.c"
lib_elf="$lib_buddy libmmsim/elf.c kernel/mm.c"
# The decode and syscall targets link the whole library (every room, as
# CMakeLists.txt does) except the generated bundled table: cpu/ reaches
# into the topology and statistics rooms, and listing its dependencies
# here would break with each new one.
lib_syscall=$(cd "$src" && echo libmmsim/*.c cpu/*.c mmu/*.c mem/*.c bus/*.c numa/*.c kernel/*.c)
lib_decode=$lib_syscall
# The topology parser checks a file's traffic generators as the API would
# (libmmsim/traffic_api.c), which reaches into the machine.
lib_topology=$lib_syscall

# fuzz_stubs.c stands in for the hart's flushes where cpu/ is not linked.
stubs_decode="-DFUZZ_STUBS_WITH_CPU"
stubs_syscall="-DFUZZ_STUBS_WITH_CPU"
stubs_topology="-DFUZZ_STUBS_WITH_CPU"

obj_of() {
    echo "$build/obj/$(echo "$1" | tr / _).o"
}

# cpu/interp.c is compiled without optimisation: clang -O1 with the
# sanitizers spent about nine minutes on the timing loop alone (one
# function whose computed gotos reach some 400 labels); -O0 builds the
# whole file in about 25 s, and fuzz_decode runs it fast enough.
# Every library object the requested targets need, compiled once and in
# parallel (the syscall target needs the whole library: one compiler at a
# time made the build most of fuzz.short's time).  A reused build
# directory recompiles the .c files that changed, and everything when a
# header changed since the last build (a struct that grew under old
# objects is a "crash" the fuzzer would report).
compile_objects() {
    all=""
    for t in $targets; do
        eval "all=\"\$all \$lib_$t\""
    done
    mkdir -p "$build/obj"
    stamp="$build/obj/.headers"
    if [ -f "$stamp" ] && [ -n "$(find "$src/include" "$src/libmmsim" "$src/cpu" "$src/mmu" \
            "$src/mem" "$src/bus" "$src/numa" "$src/kernel" -name '*.h' -newer "$stamp" \
            2>/dev/null | head -n 1)" ]; then
        rm -f "$build/obj/"*.o
    fi
    touch "$stamp"
    # shellcheck disable=SC2086
    printf '%s\n' $all | sort -u | while read -r f; do
        o=$(obj_of "$f")
        if [ ! -f "$o" ] || [ "$src/$f" -nt "$o" ]; then
            printf '%s %s\n' "$src/$f" "$o"
        fi
    done | xargs -r -n 2 -P "$jobs" sh -c \
        'case "$2" in */cpu/interp.c) o=-O0 ;; *) o= ;; esac
         exec "$0" $1 $o -fsanitize=fuzzer-no-link -c "$2" -o "$3"' "$CC" "$cflags"
}

link_target() {
    t=$1
    eval "lib=\$lib_$t"
    eval "stubs=\${stubs_$t:-}"
    objs=""
    for f in $lib; do
        objs="$objs $(obj_of "$f")"
    done
    # shellcheck disable=SC2086
    $CC $cflags $stubs -fsanitize=fuzzer "$here/fuzz_$t.c" "$here/fuzz_stubs.c" $objs $libs \
        -o "$build/fuzz_$t"
}

build_failed() {
    echo "run.sh: build of fuzz_$1 failed (libFuzzer runtime missing? run scripts/setup:" \
         "Debian packages clang and libclang-rt-14-dev)" >&2
    exit 2
}

for t in $targets; do
    case $t in
        topology|buddy|elf|decode|syscall) ;;
        *) echo "run.sh: unknown target '$t' (topology, buddy, elf, decode, syscall)" >&2; exit 2 ;;
    esac
done
jobs=${MMSIM_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
echo "run.sh: compiling the library objects ($jobs at a time)"
compile_objects || build_failed "$(echo $targets | tr ' ' ',')"
for t in $targets; do
    echo "run.sh: compiling fuzz_$t"
    link_target "$t" || build_failed "$t"
done

status=0
summary=""
for t in $targets; do
    work="$build/$t"
    rm -rf "$work"
    mkdir -p "$work/corpus" "$work/artifacts"
    cp "$here/corpus/$t/"* "$work/corpus/" 2>/dev/null || true
    dict=""
    [ -f "$here/$t.dict" ] && dict="-dict=$here/$t.dict"

    # Regressions: each file once, in its own process so that every failing
    # one is named.  A failure is reported but fuzzing goes on: one known
    # bug must not stop the search for others.
    for r in "$here/regressions/$t/"*; do
        [ -f "$r" ] || continue
        if ! "$build/fuzz_$t" -runs=1 -timeout=10 -rss_limit_mb=2048 "$r" \
                >"$work/regression.log" 2>&1; then
            grep -a -E 'invariant failed|runtime error|ERROR: |SUMMARY' "$work/regression.log" >&2 || true
            echo "run.sh: fuzz_$t: regression input fails: $r" >&2
            status=1
            summary="$summary
  fuzz_$t: REGRESSION FAILS: $(basename "$r")"
        fi
    done

    echo "run.sh: fuzz_$t: fuzzing for ${seconds}s"
    if [ "$seconds" -eq 0 ]; then
        limit="-runs=0"
    else
        limit="-max_total_time=$seconds"
    fi
    rc=0
    # One process (libFuzzer's default): no -jobs/-workers, which would fork
    # and log to fuzz-N.log in the current directory.
    # shellcheck disable=SC2086
    "$build/fuzz_$t" $limit -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
        $dict ${MMSIM_FUZZ_ARGS:-} "$work/corpus" >"$work/fuzz.log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$work/fuzz.log" | tail -n 1 | sed 's/cov: //')
    if [ "$rc" -ne 0 ]; then
        tail -n 80 "$work/fuzz.log" >&2
        echo "run.sh: fuzz_$t FAILED (exit $rc); log: $work/fuzz.log, input: $(ls "$work/artifacts/" | head -n 1)" >&2
        status=1
        summary="$summary
  fuzz_$t: FAILED after ${execs:-?} executions (artifacts in $work/artifacts)"
    else
        echo "run.sh: fuzz_$t: ${execs:-?} executions, coverage ${cov:-?} edges, no crash"
        summary="$summary
  fuzz_$t: ${execs:-?} executions in ${seconds}s, coverage ${cov:-?} edges, corpus $(ls "$work/corpus" | wc -l) inputs"
    fi
done

echo "run.sh: summary:$summary"
# A temporary build directory is kept only when a fuzzer left an input
# behind (crash-, leak-, timeout-, oom-): a failing regression input is
# reproduced from its committed file.
if [ "$keep" -eq 0 ] && [ -z "$(find "$build" -path '*/artifacts/*' -type f 2>/dev/null)" ]; then
    rm -rf "$build"
else
    echo "run.sh: build and logs kept in $build"
fi
exit $status
