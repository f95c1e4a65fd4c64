#!/usr/bin/env bash
# Measures rounds of the refresh loop on a contaminated topic (docs/training.md, "What to
# expect"; docs/contamination-measurements.md, "A second round on fresh traffic" and "Later rounds
# with the pixel view").
#
# Starts a throw-away broker; streams 3,000 records of the sample's train split (or IDX's; normal
# classes 5,7,9; anomalies from 0,1,2,3,4,6,8 at the share SHARE) into `images` and 2,000 records
# of its test split into `eval`; round 1: `train --from-topic images --publish` (cold start); then 3,000
# fresh records; a plain candidate (`--contamination 0 --publish`, which the comparison should hold
# back); round 2: the same `train` again, against the published round-1 model (which leaves out
# what it flags); with ROUNDS above 2, each further round on 3,000 more fresh records, against
# whichever model is published then. Every written model is evaluated on `eval` with `latentwatch evaluate
# --from-topic` (labels from the x-latentwatch-label header; the trainer never sees them).
#
# Output (under OUT_DIR, default target/refresh-rounds): results.jsonl, one JSON line per model
# (the evaluate figures plus the model's name); each model's .onnx and training log. A model that
# the comparison held back is not written, so it has no line; its log says why. The round-2
# candidate can be held back too: the output then lists round 1 alone.
#
# Usage: scripts/refresh-rounds.sh [extra train flags...]
#   SHARE  environment variable, the anomaly share (default: 0.1)
#   PORT   environment variable, the broker's port (default: 39096)
#   ROUNDS environment variable, how many rounds of `train --from-topic` (default: 2; at least 2)
#   IDX    environment variable, a directory of the Fashion-MNIST IDX files to stream instead of the
#          bundled sample (e.g. /usr/share/datasets/fashion-mnist from Debian's
#          dataset-fashion-mnist: the records then hardly repeat an image, as in production)
# Example: SHARE=0.05 scripts/refresh-rounds.sh --seed 42
#          SHARE=0.01 ROUNDS=3 scripts/refresh-rounds.sh --seed 7
#          IDX=/usr/share/datasets/fashion-mnist SHARE=0.1 ROUNDS=3 scripts/refresh-rounds.sh --seed 5
set -euo pipefail

cd "$(dirname "$0")/.."
OUT_DIR="${OUT_DIR:-target/refresh-rounds}"
SHARE="${SHARE:-0.1}"
PORT="${PORT:-39096}"
ROUNDS="${ROUNDS:-2}"
[[ "$ROUNDS" =~ ^[0-9]+$ && "$ROUNDS" -ge 2 ]] || { echo "ROUNDS must be a whole number, 2 or more (got '$ROUNDS')" >&2; exit 2; }
N=5,7,9
A=0,1,2,3,4,6,8
B="127.0.0.1:$PORT"
[ -z "${IDX:-}" ] || [ -d "$IDX" ] || { echo "IDX must be a directory of the IDX files (got '$IDX')" >&2; exit 2; }
idx_flag=()
[ -z "${IDX:-}" ] || idx_flag=(--idx "$IDX")

# shellcheck source=scripts/lib/throwaway-broker.sh
. scripts/lib/throwaway-broker.sh
mkdir -p "$OUT_DIR"
: > "$OUT_DIR/results.jsonl"
start_broker "$PORT" "$OUT_DIR/broker.log"

# produce TOPIC SPLIT COUNT SEED
produce() {
  lw produce --bootstrap-servers "$B" "${idx_flag[@]}" --input-topic "$1" --split "$2" --normal-classes "$N" \
    --anomaly-classes "$A" --anomaly-fraction "$SHARE" --count "$3" --rate 0 --seed "$4" > /dev/null 2>&1
}

# round NAME FLAGS...: trains and publishes model NAME from the newest 3,000 records, evaluates it if written
round() {
  local name="$1"; shift
  echo "train $name" >&2
  lw train --from-topic images --bootstrap-servers "$B" --max-records 3000 --publish \
    --output "$OUT_DIR/$name.onnx" "$@" > /dev/null 2> "$OUT_DIR/$name.log" \
    || { echo "training $name failed; see $OUT_DIR/$name.log" >&2; exit 1; }
  if [ -f "$OUT_DIR/$name.onnx" ]; then
    lw evaluate --model "$OUT_DIR/$name.onnx" --from-topic eval --bootstrap-servers "$B" --max-records 2000 \
      --normal-classes "$N" 2> "$OUT_DIR/$name-eval.log" \
      | jq -c --arg model "$name" '. + {model: $model}' >> "$OUT_DIR/results.jsonl"
  fi
  grep -h "contamination: estimated\|contrast run\|published\|not delivered" "$OUT_DIR/$name.log" >&2 || true
}

produce images train 3000 1
produce eval test 2000 2
round round-1 "$@"
produce images train 3000 3
round plain --contamination 0 "$@"
round round-2 "$@"
for ((r = 3; r <= ROUNDS; r++)); do
  produce images train 3000 $((r + 1))
  round "round-$r" "$@"
done
jq -r '"\(.model): AUROC \(.auroc*1000|round/1000), precision \(.precision*1000|round/1000), recall \(.recall*1000|round/1000), FPR \(.fpr*10000|round/10000)"' \
  "$OUT_DIR/results.jsonl"
