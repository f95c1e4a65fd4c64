#!/usr/bin/env bash
# One-class Fashion-MNIST benchmark of the default training recipe.
#
# For each class k in 0..9: train on the train images of class k only (latentwatch train --idx
# --normal-classes k), score the whole test split (10,000 images) with the exported ONNX model in
# ONNX Runtime (latentwatch evaluate), and take the AUROC with the other nine classes as anomalies.
# Prints a Markdown table and the mean AUROC; keeps models, logs and JSON under the output dir.
#
# Usage: scripts/benchmark-fmnist.sh [IDX_DIR] [extra train flags...]
#   IDX_DIR   Fashion-MNIST IDX files (default: /usr/share/datasets/fashion-mnist,
#             from the Debian package dataset-fashion-mnist)
#   OUT_DIR   environment variable, where results go (default: target/benchmark-fmnist)
#   CLASSES   environment variable, the classes to run (default: "0 1 2 3 4 5 6 7 8 9")
# Example: scripts/benchmark-fmnist.sh /usr/share/datasets/fashion-mnist --score-blur 1
set -euo pipefail

cd "$(dirname "$0")/.."
IDX_DIR="${1:-/usr/share/datasets/fashion-mnist}"
shift || true
OUT_DIR="${OUT_DIR:-target/benchmark-fmnist}"
CLASSES="${CLASSES:-0 1 2 3 4 5 6 7 8 9}"

if [ ! -d "$IDX_DIR" ]; then
  echo "no IDX directory $IDX_DIR: install the Debian package dataset-fashion-mnist or pass a directory" >&2
  exit 2
fi
if [ ! -f target/latentwatch.jar ] || [ ! -d target/lib ]; then
  mvn -B -q package -DskipTests
fi
mkdir -p "$OUT_DIR"
latentwatch() {
  java -cp "target/latentwatch.jar:target/lib/*" io.latentwatch.cli.Main "$@"
}
json_field() { # json_field NAME FILE: a numeric field of a one-line JSON object
  sed -E "s/.*\"$1\":([-0-9.eE]+|\"[^\"]*\").*/\1/" "$2"
}

{
  echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), Java $(java -version 2>&1 | head -1 | cut -d'"' -f2)"
  echo "Recipe: latentwatch train defaults${*:+, plus $*}"
  echo
  echo "| class | AUROC | AUPRC | epochs run | s/epoch | train img/s | train+export s |"
  echo "|---|---|---|---|---|---|---|"
} | tee "$OUT_DIR/results.md"

sum=0
n=0
for k in $CLASSES; do
  model="$OUT_DIR/class-$k.onnx"
  rm -f "$model"
  start=$(date +%s.%N)
  latentwatch train --idx "$IDX_DIR" --normal-classes "$k" --output "$model" "$@" 2> "$OUT_DIR/class-$k.train.log"
  end=$(date +%s.%N)
  latentwatch evaluate --model "$model" --idx "$IDX_DIR" --normal-classes "$k" 2> "$OUT_DIR/class-$k.eval.log" \
    > "$OUT_DIR/class-$k.json"
  auroc=$(json_field auroc "$OUT_DIR/class-$k.json")
  auprc=$(json_field auprc "$OUT_DIR/class-$k.json")
  epochs=$(grep -c '^epoch ' "$OUT_DIR/class-$k.train.log")
  per_epoch=$(grep '^epoch ' "$OUT_DIR/class-$k.train.log" | awk '{ for (i = 1; i <= NF; i++) if ($(i+1) == "s") { s += $i } } END { printf "%.1f", s / NR }')
  img_s=$(grep '^epoch ' "$OUT_DIR/class-$k.train.log" | awk '{ for (i = 1; i <= NF; i++) if ($(i+1) == "img/s") { s += $i } } END { printf "%.0f", s / NR }')
  printf "| %d | %.4f | %.4f | %d | %s | %s | %.0f |\n" "$k" "$auroc" "$auprc" "$epochs" "$per_epoch" "$img_s" \
    "$(awk "BEGIN { print $end - $start }")" | tee -a "$OUT_DIR/results.md"
  sum=$(awk "BEGIN { print $sum + $auroc }")
  n=$((n + 1))
done
printf "\nMean AUROC over %d classes: %.4f\n" "$n" "$(awk "BEGIN { print $sum / $n }")" | tee -a "$OUT_DIR/results.md"
