#!/usr/bin/env bash
# One-class Fashion-MNIST benchmark of a training recipe, over several seeds.
#
# For each class k in 0..9 and each seed: train on the train images of class k only
# (latentwatch train --idx --normal-classes k --seed S), score the whole test split with the
# exported ONNX model in ONNX Runtime (latentwatch evaluate), and take the AUROC with the other
# nine classes as anomalies, and the false-positive rate of the calibrated threshold on the test
# normals.
#
# Output (under OUT_DIR): results.jsonl, one JSON line per class and seed (class, seed, auroc,
# auprc, fpr, threshold, epochs, seconds, ...); summary.json, the mean and worst class over the
# seeds; results.md, a Markdown table of both; models and logs. Progress goes to stderr.
#
# Usage: scripts/benchmark-fmnist.sh [--seeds N] [IDX_DIR] [extra train flags...]
#   --seeds N  N seeds per class, 1..N (default 1; the docs quote --seeds 3)
#   IDX_DIR    Fashion-MNIST IDX files (default: /usr/share/datasets/fashion-mnist, from the Debian
#              package dataset-fashion-mnist; data/fashion-mnist-sample for a quick try)
#   OUT_DIR    environment variable, where results go (default: target/benchmark-fmnist)
#   CLASSES    environment variable, the classes to run (default: "0 1 2 3 4 5 6 7 8 9")
#   FIRST_SEED environment variable, the first seed (default 1): seeds FIRST_SEED..FIRST_SEED+N-1,
#              to add seeds to an earlier run in another OUT_DIR
# Example: scripts/benchmark-fmnist.sh --seeds 3 /usr/share/datasets/fashion-mnist --epochs 30
set -euo pipefail

cd "$(dirname "$0")/.."
SEEDS=1
FIRST_SEED="${FIRST_SEED:-1}"
if [ "${1:-}" = "--seeds" ]; then
  SEEDS="${2:?--seeds needs a number}"
  shift 2
fi
case "$SEEDS" in
  '' | *[!0-9]* | 0) echo "--seeds must be a positive whole number, got '$SEEDS'" >&2; exit 2 ;;
esac
case "$FIRST_SEED" in
  '' | *[!0-9]*) echo "FIRST_SEED must be a whole number, got '$FIRST_SEED'" >&2; exit 2 ;;
esac
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
: > "$OUT_DIR/results.jsonl"
latentwatch() {
  java -cp "target/latentwatch.jar:target/lib/*" io.latentwatch.cli.Main "$@"
}
json_field() { # json_field NAME FILE: a numeric field of a one-line JSON object
  sed -nE "s/.*\"$1\":(-?[0-9.eE+-]+).*/\1/p" "$2"
}

runs=$(( $(echo "$CLASSES" | wc -w) * SEEDS ))
run=0
begin=$(date +%s)
for k in $CLASSES; do
  for seed in $(seq "$FIRST_SEED" $((FIRST_SEED + SEEDS - 1))); do
    run=$((run + 1))
    name="class-$k-seed-$seed"
    model="$OUT_DIR/$name.onnx"
    rm -f "$model"
    echo "[$run/$runs] class $k, seed $seed: training ($(( $(date +%s) - begin )) s so far)" >&2
    start=$(date +%s.%N)
    latentwatch train --idx "$IDX_DIR" --normal-classes "$k" --seed "$seed" --output "$model" "$@" \
      2> "$OUT_DIR/$name.train.log"
    end=$(date +%s.%N)
    latentwatch evaluate --model "$model" --idx "$IDX_DIR" --normal-classes "$k" \
      2> "$OUT_DIR/$name.eval.log" > "$OUT_DIR/$name.json"
    auroc=$(json_field auroc "$OUT_DIR/$name.json")
    auprc=$(json_field auprc "$OUT_DIR/$name.json")
    fpr=$(json_field fpr "$OUT_DIR/$name.json")
    threshold=$(json_field threshold "$OUT_DIR/$name.json")
    epochs=$(grep -c '^epoch ' "$OUT_DIR/$name.train.log" || true)
    per_epoch=$(grep '^epoch ' "$OUT_DIR/$name.train.log" \
      | awk '{ for (i = 1; i <= NF; i++) if ($(i+1) == "s") { s += $i } } END { printf "%.2f", NR ? s / NR : 0 }')
    seconds=$(awk "BEGIN { printf \"%.1f\", $end - $start }")
    line=$(printf '{"class":%d,"seed":%d,"auroc":%s,"auprc":%s,"fpr":%s,"threshold":%s,"epochs":%d,"seconds_per_epoch":%s,"train_seconds":%s}' \
      "$k" "$seed" "${auroc:-null}" "${auprc:-null}" "${fpr:-null}" "${threshold:-null}" "$epochs" "$per_epoch" "$seconds")
    echo "$line" >> "$OUT_DIR/results.jsonl"
    echo "$line"
    echo "[$run/$runs] class $k, seed $seed: AUROC ${auroc:-?}, FPR ${fpr:-?} (${seconds} s)" >&2
  done
done

# Summary: per class, the mean over seeds; over classes, the mean and the worst.
awk -v seeds="$SEEDS" -v recipe="latentwatch train defaults${*:+, plus $*}" '
  function num(name,   m) { if (match($0, "\"" name "\":-?[0-9.eE+-]+")) return substr($0, RSTART + length(name) + 3, RLENGTH - length(name) - 3) + 0; return "" }
  { c = num("class"); a[c] += num("auroc"); f[c] += num("fpr"); n[c]++; if (!(c in seen)) { seen[c] = 1; order[++classes] = c } }
  END {
    printf "| class | mean AUROC over %d seed(s) | mean FPR at the calibrated threshold |\n|---|---|---|\n", seeds > "/dev/stderr"
    worst = 2; total = 0; json = ""
    for (i = 1; i <= classes; i++) {
      c = order[i]; m = a[c] / n[c]; fp = f[c] / n[c]; total += m
      if (m < worst) { worst = m; worstClass = c }
      printf "| %d | %.4f | %.4f |\n", c, m, fp > "/dev/stderr"
      json = json sprintf("%s\"%d\":{\"auroc\":%.4f,\"fpr\":%.4f}", i > 1 ? "," : "", c, m, fp)
    }
    printf "\nMean AUROC over %d classes: %.4f; worst class %d: %.4f (%s)\n", classes, total / classes, worstClass, worst, recipe > "/dev/stderr"
    printf "{\"summary\":true,\"seeds\":%d,\"classes\":%d,\"mean_auroc\":%.4f,\"worst_class\":%d,\"worst_auroc\":%.4f,\"per_class\":{%s}}\n", seeds, classes, total / classes, worstClass, worst, json
  }' "$OUT_DIR/results.jsonl" 2> "$OUT_DIR/results.md" | tee "$OUT_DIR/summary.json"
{
  echo
  echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), Java $(java -version 2>&1 | sed -n 1p | cut -d'"' -f2); $(( $(date +%s) - begin )) s in all"
} >> "$OUT_DIR/results.md"
cat "$OUT_DIR/results.md" >&2
