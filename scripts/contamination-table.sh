#!/usr/bin/env bash
# Measures training from an unlabelled, contaminated topic (docs/training.md, "Measured: the
# bundled sample streamed through a real broker").
#
# Starts a throw-away broker; for each share C of anomalies streams 3,000 records of the sample's
# train split (normal classes 5,7,9; anomalies 0,1,2,3,4,6,8) into train-C and 2,000 records of its
# test split at the same share into eval-C; trains from train-C with --contamination auto, with the
# true share given, and (PLAIN=1) with --contamination 0; trains once on the clean IDX classes; and
# evaluates every model on eval-C with `latentwatch evaluate --from-topic` (labels from the
# x-latentwatch-label header; the trainer never sees them).
#
# Output (under OUT_DIR, default target/contamination-table): results.jsonl, one JSON line per
# traffic share and model (the evaluate figures plus traffic, model, estimate); results.md, the
# Markdown table; models and logs. Progress goes to stderr.
#
# Usage: scripts/contamination-table.sh [extra train flags...]
#   SHARES  environment variable, the anomaly shares (default: "0.01 0.05 0.1")
#   PORT    environment variable, the broker's port (default: 39092)
#   PLAIN   environment variable, 1 also trains with --contamination 0 (default: 0)
#   GIVEN   environment variable, 0 skips the runs given the true share (default: 1)
# Example: SHARES="0.1" scripts/contamination-table.sh --epochs 10
set -euo pipefail

cd "$(dirname "$0")/.."
OUT_DIR="${OUT_DIR:-target/contamination-table}"
SHARES="${SHARES:-0.01 0.05 0.1}"
PORT="${PORT:-39092}"
PLAIN="${PLAIN:-0}"
GIVEN="${GIVEN:-1}"
N=5,7,9
A=0,1,2,3,4,6,8
B="127.0.0.1:$PORT"
SAMPLE=data/fashion-mnist-sample

# shellcheck source=scripts/lib/throwaway-broker.sh
. scripts/lib/throwaway-broker.sh
mkdir -p "$OUT_DIR"
: > "$OUT_DIR/results.jsonl"
start_broker "$PORT" "$OUT_DIR/broker.log"

# train NAME TOPIC|-- FLAGS...: trains model NAME, prints the estimate the trainer reported (or empty)
train() {
  local name="$1"; shift
  echo "train $name" >&2
  lw train --output "$OUT_DIR/$name.onnx" "$@" > "$OUT_DIR/$name.out" 2> "$OUT_DIR/$name.log" \
    || { echo "training $name failed; see $OUT_DIR/$name.log" >&2; exit 1; }
  sed -n 's/^contamination: estimated \([0-9.]*\).*/\1/p' "$OUT_DIR/$name.log" | tail -1
}

# evaluate SHARE NAME LABEL ESTIMATE: scores eval-SHARE with model NAME, appends a result line
evaluate() {
  local share="$1" name="$2" label="$3" estimate="$4"
  lw evaluate --model "$OUT_DIR/$name.onnx" --from-topic "eval-$share" --bootstrap-servers "$B" \
    --max-records 2000 --normal-classes "$N" 2> "$OUT_DIR/$name-eval-$share.log" \
    | jq -c --arg traffic "$share" --arg model "$label" --arg estimate "$estimate" \
      '. + {traffic: $traffic, model: $model, estimate: $estimate}' >> "$OUT_DIR/results.jsonl"
}

train clean --idx "$SAMPLE" --normal-classes "$N" "$@" > /dev/null
for C in $SHARES; do
  echo "traffic with $C anomalies" >&2
  lw produce --bootstrap-servers "$B" --input-topic "train-$C" --split train --normal-classes "$N" \
    --anomaly-classes "$A" --anomaly-fraction "$C" --count 3000 --rate 0 --seed 1 > /dev/null 2>&1
  lw produce --bootstrap-servers "$B" --input-topic "eval-$C" --split test --normal-classes "$N" \
    --anomaly-classes "$A" --anomaly-fraction "$C" --count 2000 --rate 0 --seed 2 > /dev/null 2>&1
  from=(--from-topic "train-$C" --bootstrap-servers "$B" --max-records 3000)
  est=$(train "auto-$C" "${from[@]}" "$@")
  evaluate "$C" "auto-$C" "--from-topic, auto" "$est"
  if [ "$GIVEN" = "1" ]; then
    est=$(train "given-$C" "${from[@]}" --contamination "$C" "$@")
    evaluate "$C" "given-$C" "--from-topic, --contamination $C" "$est"
  fi
  if [ "$PLAIN" = "1" ]; then
    train "plain-$C" "${from[@]}" --contamination 0 "$@" > /dev/null
    evaluate "$C" "plain-$C" "plain (--contamination 0)" ""
  fi
  evaluate "$C" clean "clean (--idx, labels)" ""
done

{
  echo "| traffic | model | est. contamination | AUROC | AUPRC | precision | recall | FPR | recall at FPR 1% |"
  echo "|---|---|---|---|---|---|---|---|---|"
  jq -r '"| \(.traffic) (\(.anomalies) of \(.images)) | \(.model) | \(.estimate) | \(.auroc*1000|round/1000)'\
' | \(.auprc*1000|round/1000) | \(.precision*1000|round/1000) | \(.recall*1000|round/1000) | \(.fpr*10000|round/10000)'\
' | \(.recall_at_fpr*1000|round/1000) |"' \
    "$OUT_DIR/results.jsonl"
} > "$OUT_DIR/results.md"
cat "$OUT_DIR/results.md"
