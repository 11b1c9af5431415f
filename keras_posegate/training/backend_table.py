"""`benchmark_backends`: `benchmark_train` on several Keras 3 backends, side by side.

Each backend runs in its own process (a process has one backend), and
`side_by_side` prints the results as one table.

`python -m keras_posegate.training.backend_table '{"preset": ...}'` (with
`KERAS_BACKEND` set) prints `benchmark_train(**kwargs)` as one JSON line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from keras_posegate import backends


def benchmark_backends(backend_names: list[str], **kwargs) -> list[dict]:
    """Run `benchmark_train(**kwargs)` on each backend, each in a fresh process.

    A process has one Keras backend, so each runs in a child process, one
    after the other.

    Args:
        backend_names: Keras backends ("tensorflow", "jax", "torch").
        **kwargs: arguments of `benchmark_train` (sent to the child as JSON).

    Returns:
        One `benchmark_train` result dict per backend, in the order given.

    Raises:
        ValueError: a backend that is unknown or not installed.
        RuntimeError: a child failed (with the end of its stderr).
    """
    for name in backend_names:
        if not backends.is_installed(name):
            raise ValueError(
                f"--backend {name}: the {name} package is not installed here "
                f"(pip install {'jax' if name == 'jax' else name})."
            )
    results = []
    for name in backend_names:
        env = {**os.environ, "KERAS_BACKEND": name}
        env.pop("TF_USE_LEGACY_KERAS", None)
        child = subprocess.run(
            [sys.executable, "-m", __name__, json.dumps(kwargs)],
            capture_output=True, text=True, env=env,
        )  # fmt: skip
        if child.returncode:
            raise RuntimeError(f"benchmark on {name} failed:\n{child.stderr[-3000:]}")
        results.append(json.loads(child.stdout.strip().splitlines()[-1]))
    return results


def side_by_side(results: list[dict]) -> str:
    """Format `benchmark_backends` results as one table.

    One row per backend and step setting: images/s median [min, max], steps/s
    and peak RSS; a last line names the preset, batch, input size, device,
    precision and number of runs.

    Args:
        results: `benchmark_train` result dicts.

    Returns:
        The table, as text.
    """
    header = (
        f"{'backend':<11}{'step':<13}{'images/s':>9} {'[min, max]':<17}"
        f"{'steps/s':>8}{'peak RSS MiB':>14}"
    )
    lines = [header]
    modes = {"tensorflow": ("tf.function", "XLA"), "jax": ("-", "jax.jit (XLA)"),
             "torch": ("eager", "torch.compile")}  # fmt: skip
    for r in results:
        for tag, mode in zip(("xla_off", "xla_on"), modes[r["backend"]], strict=True):
            if f"{tag}_images_per_s" not in r:
                continue
            spread = f"[{r[f'{tag}_images_per_s_min']:.1f}, {r[f'{tag}_images_per_s_max']:.1f}]"
            lines.append(
                f"{r['backend']:<11}{mode:<13}{r[f'{tag}_images_per_s']:>9.1f} "
                f"{spread:<17}{r[f'{tag}_steps_per_s']:>8.2f}"
                f"{r[f'{tag}_peak_rss_mb']:>14.0f}"
            )
    first = results[0] if results else {}
    lines.append(
        f"preset {first.get('preset')}, batch {first.get('batch_size')}, "
        f"{first.get('input_size')}x{first.get('input_size')}, "
        f"{first.get('device')}, {first.get('precision')}; median of "
        f"{first.get('repeats')} runs of {first.get('steps')} steps [slowest, fastest]"
    )
    return "\n".join(lines)


if __name__ == "__main__":  # the child of `benchmark_backends`
    from keras_posegate.training.benchmark import benchmark_train

    print(json.dumps(benchmark_train(**json.loads(sys.argv[1]))))
