#!/usr/bin/env bash
# Fuzzes one target of the input-path fuzz tests (io.latentwatch.image.InputPathFuzzTest) with
# Jazzer for a bounded time, or rewrites the generated part of the seed corpus. See docs/fuzzing.md.
#
# Usage: scripts/fuzz.sh [TARGET] [SECONDS]
#        scripts/fuzz.sh seeds
#   TARGET   record   (default) a fuzzed record (headers + value) through the real detector topology
#            envelope the CloudEvents/bare envelope reader alone
#            decode   the decoders and resize alone, to three model shapes
#            png      the PNG fast path against ImageIO (PngFastPathTest): damaged plain PNGs must
#                     give the same model input, or the same rejection, both ways
#   SECONDS  how long to fuzz (default 300); libFuzzer stops then, or at the first finding
#   seeds    rewrites the generated seeds (InputPathSeeds) under src/test/resources
# Environment:
#   FUZZ_TIMEOUT       seconds one input may take before it counts as a hang (default 10)
#   JAZZER_INSTRUMENT  classes to collect coverage from (default: latentwatch, the ImageIO
#                      decoders, the WebP decoder, CloudEvents and Jackson)
# Findings land as crash-<sha1> in src/test/resources/io/latentwatch/image/InputPathFuzzTestInputs/<method>/;
# the generated corpus is kept in .cifuzz-corpus/ (not checked in) and reused by the next run.
# The fuzzing JVM runs with -Xmx256m, as in mvn test. Run one fuzzer at a time on a shared machine.
set -euo pipefail

cd "$(dirname "$0")/.."
CLASS=io.latentwatch.image.InputPathFuzzTest
INPUTS=src/test/resources/io/latentwatch/image/InputPathFuzzTestInputs

if [ "${1:-}" = "seeds" ]; then
  mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
    -Dmdep.includeScope=test
  java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
    io.latentwatch.image.InputPathSeeds "$INPUTS"
  exit 0
fi

case "${1:-record}" in
  record) METHOD=shouldScoreOrExplainEveryRecord ;;
  envelope) METHOD=shouldReadEveryEnvelopeOrRejectItWithAReason ;;
  decode) METHOD=shouldDecodeEveryImageOrRejectItWithAReason ;;
  png)
    CLASS=io.latentwatch.image.PngFastPathTest
    INPUTS=src/test/resources/io/latentwatch/image/PngFastPathTestInputs
    METHOD=shouldReadEveryDamagedPngAsImageIoDoes ;;
  should*) METHOD="$1" ;;
  *) echo "unknown target '$1': use record, envelope, decode, png or seeds (see the header of $0)" >&2; exit 2 ;;
esac
SECONDS_TO_FUZZ="${2:-300}"
case "$SECONDS_TO_FUZZ" in
  ''|*[!0-9]*) echo "SECONDS must be a whole number of seconds, got '$SECONDS_TO_FUZZ'" >&2; exit 2 ;;
esac

# Jazzer writes findings into the inputs directory of the method only when it exists.
mkdir -p "$INPUTS/$METHOD"
LOG="target/fuzz-$METHOD.log"
mkdir -p target
export JAZZER_FUZZ=1
export JAZZER_INSTRUMENT="${JAZZER_INSTRUMENT:-io.latentwatch.**,com.sun.imageio.**,javax.imageio.**,com.twelvemonkeys.**,io.cloudevents.**,com.fasterxml.jackson.core.**}"
echo "fuzzing $CLASS#$METHOD for ${SECONDS_TO_FUZZ}s; log: $LOG"
# jazzer.internal.arg.* are libFuzzer's arguments (argv[0] first); later ones win over the
# @FuzzTest(maxDuration) default.
status=0
mvn -B test -Dtest="$CLASS#$METHOD" -Dfuzz.forkTimeout=0 \
  -Djazzer.internal.arg.0=fuzz \
  -Djazzer.internal.arg.1=-max_total_time="$SECONDS_TO_FUZZ" \
  -Djazzer.internal.arg.2=-timeout="${FUZZ_TIMEOUT:-10}" >"$LOG" 2>&1 || status=$?

# libFuzzer's last status line (executions, coverage, corpus, exec/s) and its "Done N runs in S second(s)".
grep -a -E '^#[0-9]+' "$LOG" | tail -n 1 || true
grep -a -E '^Done [0-9]+ runs' "$LOG" | tail -n 1 || true
echo "corpus: $(find ".cifuzz-corpus/$CLASS/$METHOD" -type f 2>/dev/null | wc -l) generated inputs"
if [ "$status" -ne 0 ]; then
  echo "FINDING (or failure), see $LOG:" >&2
  grep -a -E 'FuzzTestFindingException|Caused by|<<< (FAILURE|ERROR)' "$LOG" | head -n 8 >&2 || true
  ls "$INPUTS/$METHOD"/crash-* 2>/dev/null >&2 || true
fi
exit "$status"
