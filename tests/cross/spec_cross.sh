#!/bin/sh
# spec_cross.sh prepare KILN JSON_DIR FILTER OUT_DIR [kiln wast options...]
#   Host half: compiles the chosen spec scripts' modules for a target
#   (options: --target T, --features F, ...) into OUT_DIR.
# spec_cross.sh run OUT_DIR EMULATOR... -- KILN [kiln wast options...]
#   Device half: runs every prepared script in OUT_DIR with the target's
#   runtime-only kiln under the emulator (qemu-user), one process per
#   script. Prints each script's result line and, last, the totals as
#   'N passed, N failed, N skipped'; exit status 0 only if none failed.
#   FILTER: all | no-simd | simd-only, as in tests/spec/run_wast.sh.
set -eu
MODE=$1
shift
case "$MODE" in
  prepare)
    KILN=$1 DIR=$2 FILTER=$3 OUT=$4
    shift 4
    files=$("$(dirname "$0")/../spec/spec_files.sh" "$DIR" "$FILTER")
    rm -rf "$OUT"
    mkdir -p "$OUT"
    # shellcheck disable=SC2086  # one argument per script
    exec "$KILN" wast "$@" --emit-dir "$OUT" $files
    ;;
  run)
    OUT=$1
    shift
    emu=""
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do emu="$emu $1"; shift; done
    [ $# -gt 0 ] || { echo "spec_cross.sh: run needs -- KILN" >&2; exit 2; }
    shift
    KILN=$1
    shift
    # One kiln process per script: qemu-user 7.2 never frees its page
    # tables for unmapped guest memory, and every guard-mode instance
    # reserves 8 GiB, so one process for the whole suite grows to >10 GB.
    passed=0 failed=0 skipped=0 crashed=0
    log=$(mktemp)
    trap 'rm -f "$log"' EXIT
    notrun=0
    for f in "$OUT"/*.json; do
      # KILN_CROSS_SKIP_SCRIPTS: scripts the emulator cannot run (named in
      # tests/cross/CMakeLists.txt with the reason); each is printed and
      # counted, never silently dropped.
      case " ${KILN_CROSS_SKIP_SCRIPTS:-} " in
        *" $(basename "$f" .json) "*)
          echo "$f: not run (${KILN_CROSS_SKIP_REASON:-emulator limitation})"
          notrun=$((notrun + 1))
          continue ;;
      esac
      # shellcheck disable=SC2086  # emulator words
      $emu "$KILN" wast "$@" "$f" >"$log" || true
      last=$(tail -n 1 "$log")
      case "$last" in
        *" passed, "*" failed, "*" skipped")
          head -n 1 "$log"
          p=${last%% passed*}; rest=${last#* passed, }
          fl=${rest%% failed*}; rest=${rest#* failed, }
          sk=${rest%% skipped*}
          passed=$((passed + p)) failed=$((failed + fl)) skipped=$((skipped + sk)) ;;
        *)
          echo "$f: kiln did not finish (crashed or killed); output:"
          cat "$log"
          crashed=$((crashed + 1)) ;;
      esac
    done
    [ "$crashed" -eq 0 ] || echo "$crashed script(s) did not finish"
    [ "$notrun" -eq 0 ] || echo "$notrun script(s) not run under this emulator"
    # The last line, as kiln wast prints it (a crashed script counts as one
    # failure).
    echo "$passed passed, $((failed + crashed)) failed, $skipped skipped"
    [ $((failed + crashed)) -eq 0 ]
    ;;
  *) echo "spec_cross.sh: unknown mode $MODE" >&2; exit 2 ;;
esac
