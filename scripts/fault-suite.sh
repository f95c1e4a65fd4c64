#!/usr/bin/env bash
# The fault suite (docs/reliability.md): detectors as separate processes on a broker process,
# kill -9, SIGTERM, broker stop/start and live model swaps while a keyed stream flows; every input
# accounted for through a read_committed consumer, and the recovery time of each fault.
#
# Usage: scripts/fault-suite.sh [--size ci|full] [--guarantee exactly_once_v2|at_least_once|both]
#                               [more 'latentwatch fault-suite' flags...]
#   --size       ci: ~600 inputs, each fault once or twice, about a minute (what mvn verify runs);
#                full (default): 20,000+ inputs, 5 kills, 2 SIGTERMs, 2 broker restarts, 3 swaps,
#                the detectors' own Kafka defaults; some minutes (longer while recovery is slow)
#   --guarantee  the detectors' processing guarantee; both runs exactly_once_v2, then at_least_once
#                (default: exactly_once_v2)
#   OUT_DIR      environment variable, where results go (default: target/fault-suite): one JSON
#                line per run in SIZE-GUARANTEE.json, its progress and table in SIZE-GUARANTEE.log,
#                the processes' logs in SIZE-GUARANTEE/logs
#   PRINT_ONLY=1 prints the command lines instead of running them
# Exit status 0 when every run passed: nothing lost, nothing misrouted, under exactly-once nothing
# duplicated. Example: scripts/fault-suite.sh --size full --guarantee both --kills 8
set -euo pipefail

cd "$(dirname "$0")/.."
size=full
guarantees=(exactly_once_v2)
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size="$2"; shift 2 ;;
    --guarantee)
      case "$2" in
        both) guarantees=(exactly_once_v2 at_least_once) ;;
        *) guarantees=("$2") ;;
      esac
      shift 2 ;;
    *) extra+=("$1"); shift ;;
  esac
done
OUT_DIR="${OUT_DIR:-target/fault-suite}"

if [ "${PRINT_ONLY:-0}" != "1" ]; then
  if [ ! -f target/latentwatch.jar ] || [ ! -d target/lib ]; then
    mvn -B -q package -DskipTests
  fi
  mkdir -p "$OUT_DIR"
fi

rc=0
for guarantee in "${guarantees[@]}"; do
  run="$size-$guarantee"
  args=(fault-suite --size "$size" --processing-guarantee "$guarantee" --work-dir "$OUT_DIR/$run" ${extra[@]+"${extra[@]}"})
  if [ "${PRINT_ONLY:-0}" = "1" ]; then
    printf 'latentwatch'; printf ' %q' "${args[@]}"; printf '\n'
    continue
  fi
  echo "fault suite: $run (progress in $OUT_DIR/$run.log)" >&2
  status=0
  java -Dlatentwatch.home="$PWD" -cp "target/latentwatch.jar:target/lib/*" io.latentwatch.cli.Main "${args[@]}" \
    > "$OUT_DIR/$run.json" 2> "$OUT_DIR/$run.log" || status=$?
  # the table and the verdict are the log's last lines
  sed -n '/^| # |/,$p' "$OUT_DIR/$run.log" >&2
  [ "$status" -eq 0 ] || { echo "fault suite: $run failed (exit $status); see $OUT_DIR/$run.log" >&2; rc=1; }
done
exit $rc
