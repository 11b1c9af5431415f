#!/usr/bin/env bash
# Train-step throughput, ours beside SG-TFK (PyPI `tf-hourglass-networks`, a
# tf.keras port of the paper), same batch, input, optimizer and data, timed
# the same way inside fit (benchmarks/step_rate.py). Not installed with the
# project; run from the repository root after `make venv`:
#
#   bash benchmarks/sgtfk.sh            # REPEATS=5 BATCH=8 STEPS=20 by default
#
# Each model and implementation runs under every TensorFlow intra-op setting
# in INTRA (default "auto 0": what `posegate train` chooses for the step's size,
# one thread per op for small steps on 1-2 cores, then TensorFlow's own, one per
# core; keras_posegate/threads.py).
#
# SG-TFK goes into a scratch venv (SCRATCH, default /tmp/sgtfk-venv) beside the
# tensorflow and tf-keras versions of ours, installed with --no-deps (its
# declared dependencies are older TensorFlow pins), and runs with
# TF_USE_LEGACY_KERAS=1. The runs alternate (ours, theirs, ours, ...), one
# process each, so a busy machine slows both alike; the table gives the
# median images/s with the lowest and highest.
set -euo pipefail
cd "$(dirname "$0")/.."
OURS=.venv/bin/python
SCRATCH=${SCRATCH:-/tmp/sgtfk-venv}
REPEATS=${REPEATS:-5}
BATCH=${BATCH:-8}
STEPS=${STEPS:-20}
MODELS=${MODELS:-"tiny 2x64"}
INTRA=${INTRA:-"auto 0"}
export TF_CPP_MIN_LOG_LEVEL=2 KERAS_BACKEND=tensorflow

if [ ! -x "$SCRATCH/bin/python" ]; then
  python3 -m venv "$SCRATCH"
  tf=$($OURS -c "import tensorflow as t; print(t.__version__)")
  tfk=$($OURS -c "import tf_keras as t; print(t.__version__)")
  "$SCRATCH/bin/pip" install --quiet "tensorflow==$tf" "tf-keras==$tfk"
  "$SCRATCH/bin/pip" install --quiet --no-deps tf-hourglass-networks
fi

out=$(mktemp)
for model in $MODELS; do
  for _ in $(seq "$REPEATS"); do
    for intra in $INTRA; do
      threads=()
      [ "$intra" = auto ] || threads=(--intra_op_threads "$intra")
      $OURS benchmarks/step_rate.py --impl ours --model "$model" \
        --batch "$BATCH" --steps "$STEPS" "${threads[@]}" | tail -1 >> "$out"
      TF_USE_LEGACY_KERAS=1 "$SCRATCH/bin/python" benchmarks/step_rate.py \
        --impl sgtfk --model "$model" --batch "$BATCH" --steps "$STEPS" \
        "${threads[@]}" | tail -1 >> "$out"
    done
  done
done

python3 - "$out" <<'EOF'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
print(f"{'model':<7}{'impl':<7}{'intra':>6}{'batch':>6}{'input':>6}{'GMACs':>8}"
      f"{'images/s (median, min-max)':>30}{'GFLOP/s':>9}{'runs':>6}")
keys = dict.fromkeys((r["model"], r["impl"], r["intra_op_threads"]) for r in rows)
for key in keys:
    group = [r for r in rows if (r["model"], r["impl"], r["intra_op_threads"]) == key]
    rates = [r["images_per_s"] for r in group]
    mid, first = statistics.median(rates), group[0]
    print(f"{key[0]:<7}{key[1]:<7}{key[2]:>6}{first['batch']:>6}{first['input']:>6}"
          f"{first['gmacs']:>8.3f}{f'{mid:.1f} ({min(rates):.1f}-{max(rates):.1f})':>30}"
          f"{6 * first['gmacs'] * mid:>9.0f}{len(rates):>6}")
print("GFLOP/s = 6 x GMACs x images/s (train step ~ 3 forward passes); "
      "MACs = TF graph profile float ops / 2, one forward pass, same for both; "
      "intra = TensorFlow intra-op threads (0: one per core).")
EOF
rm -f "$out"
