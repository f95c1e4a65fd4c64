#!/usr/bin/env bash
# Measures training from an unlabelled, contaminated topic (docs/training.md, "What to expect";
# docs/contamination-measurements.md).
#
# Starts a throw-away broker; for each share C of anomalies streams 3,000 records of the sample's
# train split (normal classes 5,7,9; anomalies 0,1,2,3,4,6,8) into train-C and 2,000 records of its
# test split at the same share into eval-C; trains from train-C with --contamination auto, with the
# true share given, and (PLAIN=1) with --contamination 0; trains once on the clean IDX classes; and
# evaluates every model on eval-C with `latentwatch evaluate --from-topic` (labels from the
# x-latentwatch-label header; the trainer never sees them).
#
# With SEEDS, every training is repeated once per seed (`train --seed S`: another held-out split,
# other initial weights and shuffling) on the same topics.
#
# Output (under OUT_DIR, default target/contamination-table): results.jsonl, one JSON line per
# traffic share, model and seed (the evaluate figures plus traffic, model, seed, estimate, whether
# the trainer warned that its threshold flags far fewer held-out images than it takes as anomalous,
# and whether the issue-14 bars were met: recall >= 0.6 at precision >= 0.7); results.md, the Markdown table;
# summary.md, per traffic share and model the runs, the AUROC range, how many met the bars, and the
# ranges of the false-positive rate and of the recall at an FPR of exactly 1%; models and logs.
# Progress goes to stderr.
#
# Usage: scripts/contamination-table.sh [extra train flags...]
#   SHARES  environment variable, the anomaly shares (default: "0.01 0.05 0.1")
#   PORT    environment variable, the broker's port (default: 39092)
#   PLAIN   environment variable, 1 also trains with --contamination 0 (default: 0)
#   GIVEN   environment variable, 0 skips the runs given the true share (default: 1)
#   SEEDS   environment variable, the training seeds (default: none, the train default)
#   CLEAN   environment variable, 0 skips the models trained on the clean IDX classes (default: 1)
#   IDX     environment variable, a directory of the Fashion-MNIST IDX files to stream and train the
#           clean model from instead of the bundled sample (e.g. /usr/share/datasets/fashion-mnist
#           from Debian's dataset-fashion-mnist: 60,000 train and 10,000 test images, so the
#           streamed records hardly repeat an image)
# Example: SHARES="0.1" scripts/contamination-table.sh --epochs 10
# Example: GIVEN=0 SEEDS="42 7 3 5 11" scripts/contamination-table.sh
set -euo pipefail

cd "$(dirname "$0")/.."
OUT_DIR="${OUT_DIR:-target/contamination-table}"
SHARES="${SHARES:-0.01 0.05 0.1}"
PORT="${PORT:-39092}"
PLAIN="${PLAIN:-0}"
GIVEN="${GIVEN:-1}"
CLEAN="${CLEAN:-1}"
read -ra SEED_LIST <<< "${SEEDS:-}"
[ "${#SEED_LIST[@]}" -gt 0 ] || SEED_LIST=("")
N=5,7,9
A=0,1,2,3,4,6,8
B="127.0.0.1:$PORT"
SAMPLE="${IDX:-data/fashion-mnist-sample}"
[ -d "$SAMPLE" ] || { echo "IDX must be a directory of the IDX files (got '$SAMPLE')" >&2; exit 2; }

idx_flag=()
[ -z "${IDX:-}" ] || idx_flag=(--idx "$IDX")

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

# evaluate SHARE NAME LABEL ESTIMATE SEED: scores eval-SHARE with model NAME, appends a result line
evaluate() {
  local share="$1" name="$2" label="$3" estimate="$4" seed="$5" warned=false
  grep -q "either the threshold sits above many of the anomalies" "$OUT_DIR/$name.log" 2>/dev/null && warned=true
  lw evaluate --model "$OUT_DIR/$name.onnx" --from-topic "eval-$share" --bootstrap-servers "$B" \
    --max-records 2000 --normal-classes "$N" 2> "$OUT_DIR/$name-eval-$share.log" \
    | jq -c --arg traffic "$share" --arg model "$label" --arg estimate "$estimate" --arg seed "$seed" \
      --argjson warned "$warned" '. + {traffic: $traffic, model: $model, seed: $seed, estimate: $estimate,
        warned: $warned, bars_met: (.recall >= 0.6 and .precision >= 0.7)}' >> "$OUT_DIR/results.jsonl"
}

# seed_flags SEED: the train flags for one seed (none for the default)
seed_flags() { [ -n "$1" ] && printf -- '--seed\n%s\n' "$1"; return 0; }

for S in "${SEED_LIST[@]}"; do
  [ "$CLEAN" = "1" ] || break
  mapfile -t sf < <(seed_flags "$S")
  train "clean${S:+-$S}" --idx "$SAMPLE" --normal-classes "$N" "${sf[@]}" "$@" > /dev/null
done
for C in $SHARES; do
  echo "traffic with $C anomalies" >&2
  lw produce --bootstrap-servers "$B" "${idx_flag[@]}" --input-topic "train-$C" --split train --normal-classes "$N" \
    --anomaly-classes "$A" --anomaly-fraction "$C" --count 3000 --rate 0 --seed 1 > /dev/null 2>&1
  lw produce --bootstrap-servers "$B" "${idx_flag[@]}" --input-topic "eval-$C" --split test --normal-classes "$N" \
    --anomaly-classes "$A" --anomaly-fraction "$C" --count 2000 --rate 0 --seed 2 > /dev/null 2>&1
  from=(--from-topic "train-$C" --bootstrap-servers "$B" --max-records 3000)
  for S in "${SEED_LIST[@]}"; do
    mapfile -t sf < <(seed_flags "$S")
    x="${S:+-$S}"
    est=$(train "auto-$C$x" "${from[@]}" "${sf[@]}" "$@")
    evaluate "$C" "auto-$C$x" "--from-topic, auto" "$est" "$S"
    if [ "$GIVEN" = "1" ]; then
      est=$(train "given-$C$x" "${from[@]}" --contamination "$C" "${sf[@]}" "$@")
      evaluate "$C" "given-$C$x" "--from-topic, --contamination $C" "$est" "$S"
    fi
    if [ "$PLAIN" = "1" ]; then
      train "plain-$C$x" "${from[@]}" --contamination 0 "${sf[@]}" "$@" > /dev/null
      evaluate "$C" "plain-$C$x" "plain (--contamination 0)" "" "$S"
    fi
    if [ "$CLEAN" = "1" ]; then evaluate "$C" "clean$x" "clean (--idx, labels)" "" "$S"; fi
  done
done

{
  echo "| traffic | model | seed | est. contamination | AUROC | AUPRC | precision | recall | FPR | recall at FPR 1% | warned |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  jq -r '"| \(.traffic) (\(.anomalies) of \(.images)) | \(.model) | \(.seed) | \(.estimate) | \(.auroc*1000|round/1000)'\
' | \(.auprc*1000|round/1000) | \(.precision*1000|round/1000) | \(.recall*1000|round/1000) | \(.fpr*10000|round/10000)'\
' | \(.recall_at_fpr*1000|round/1000) | \(if .warned then "yes" else "" end) |"' \
    "$OUT_DIR/results.jsonl"
} > "$OUT_DIR/results.md"
cat "$OUT_DIR/results.md"
# per traffic share and model: runs, AUROC range, bars met, FPR and recall-at-1% ranges, warnings
{
  echo "| traffic | model | runs | AUROC | recall >= 0.6 at precision >= 0.7 | FPR | recall at FPR 1% | warned |"
  echo "|---|---|---|---|---|---|---|---|"
  jq -rs 'def r3: .*1000|round/1000; def r4: .*10000|round/10000;
    group_by([.traffic, .model])[] | . as $g
    | "| \($g[0].traffic) | \($g[0].model) | \($g|length) | \([$g[].auroc]|min|r3)-\([$g[].auroc]|max|r3)'\
' | \([$g[]|select(.bars_met)]|length) of \($g|length) | \([$g[].fpr]|min|r4)-\([$g[].fpr]|max|r4)'\
' | \([$g[].recall_at_fpr]|min|r3)-\([$g[].recall_at_fpr]|max|r3) | \([$g[]|select(.warned)]|length) |"' \
    "$OUT_DIR/results.jsonl"
} > "$OUT_DIR/summary.md"
cat "$OUT_DIR/summary.md"
