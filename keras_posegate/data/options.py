"""tf.data settings every pipeline shares: fixed parallelism, no autotuning.

`pipeline_options` says why autotuning is off; the decoder's file interleave
and `build_dataset` both take one parallel call per core
(`keras_posegate.threads.available_cores`).
"""

from __future__ import annotations

import tensorflow as tf

# Batches made ahead of the consumer (fixed: autotuning is off, see below).
PREFETCH_BATCHES = 2


def pipeline_options(deterministic: bool) -> tf.data.Options:
    """Options of every pipeline: ordered or not, and tf.data autotuning off.

    Autotuning runs a model thread beside each iterator that wakes after 10,
    20, 40, ... ms (doubling, up to 60 s), and deleting the iterator waits for
    its next wake-up. Keras makes a new iterator for every epoch, validation
    pass, `evaluate` and `predict`, so each of them ended at the next wake-up:
    `fit` returned 10.23 s after it started when its steps took 5.2 s. Fixed
    parallelism (one call per core) and a 2-batch prefetch do the same work
    without that thread.
    """
    options = tf.data.Options()
    options.deterministic = deterministic
    options.autotune.enabled = False
    return options
