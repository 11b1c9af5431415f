"""The one builder of the network graph, for Keras 3 or tf_keras.

`build_graph(K, config)` returns `(inputs, outputs)` of a flat functional graph
made of standard layers plus `SoftGate`. The layout (see docs/architecture.md):

- stem: 7x7/2 conv (stem_width) -> gated block (stem_width) at 1/2, max-pool,
  `stem_blocks` gated blocks at 1/4, the first widening to `width`;
- each stack: a U-Net-shaped hourglass of `depth` levels. Going down, one gated
  block per level, then a 2x2 max-pool; `bottom_blocks` blocks at the lowest
  resolution; going up, nearest-neighbour 2x upsampling, fusion with the encoder
  feature of that level (big skip: identity or 1x1 conv), and one gated block.
  With "concat" fusion the decoder block itself takes the 2N concatenated
  channels, so its first 3x3 conv is the fusion conv (Fig. 2b); "concat_grouped"
  makes that conv grouped (2 groups, one per source, Fig. 2c); "sum" adds the two
  (Fig. 2a) before an N -> N block;
- head per stack: BN-ReLU, 1x1 conv-BN-ReLU, 1x1 conv to the heatmaps; between
  stacks Newell's merge `x + conv1x1(features) + conv1x1(heatmaps)`.
"""

from __future__ import annotations

from keras_posegate.models.config import PoseGateConfig
from keras_posegate.models.layers import layer_classes


class _GraphBuilder:
    """Holds the front end `K` and the options; each method adds named layers."""

    def __init__(self, K, config: PoseGateConfig, norm: str = "batchnorm"):
        if norm not in ("batchnorm", "affine"):
            raise ValueError(
                f"norm must be 'batchnorm' or 'affine'. Received: norm={norm!r}"
            )
        self.K, self.config, self.norm_kind = K, config, norm
        self.classes = layer_classes(K)

    def norm(self, x, name):
        if self.norm_kind == "affine":
            return self.classes["ChannelAffine"](name=name)(x)
        return self.classes["BatchNormalization"](
            epsilon=1e-5, momentum=0.9, name=name
        )(x)

    def conv(self, x, filters, kernel, name, groups=1, strides=1, use_bias=False):
        return self.K.layers.Conv2D(
            filters, kernel, strides=strides, padding="same", groups=groups,
            use_bias=use_bias, name=name,
        )(x)  # fmt: skip

    def pre_act(self, x, name):
        return self.K.layers.ReLU(name=f"{name}_relu")(self.norm(x, f"{name}_bn"))

    def block(self, x, filters, name, groups=1):
        """Fig. 1: three BN-ReLU-Conv3x3 stages (N/2, N/4, N/4) plus a gated skip.

        The stages are concatenated; the skip gets a 1x1 projection first when
        widths differ.
        """
        K, cfg = self.K, self.config
        h1 = self.conv(
            self.pre_act(x, f"{name}_a"), filters // 2, 3, f"{name}_a_conv", groups
        )
        h2 = self.conv(self.pre_act(h1, f"{name}_b"), filters // 4, 3, f"{name}_b_conv")
        h3 = self.conv(self.pre_act(h2, f"{name}_c"), filters // 4, 3, f"{name}_c_conv")
        out = K.layers.Concatenate(name=f"{name}_cat")([h1, h2, h3])
        skip = x
        if x.shape[-1] != filters:
            skip = self.conv(x, filters, 1, f"{name}_proj")
        if cfg.gate != "identity":
            value = cfg.gate_value if cfg.gate == "fixed" else 0.0
            skip = self.classes["SoftGate"](cfg.gate, value, name=f"{name}_gate")(skip)
        return K.layers.Add(name=f"{name}_add")([out, skip])

    def hourglass(self, x, name):
        K, cfg = self.K, self.config
        skips = []
        for level in range(cfg.depth):
            x = self.block(x, cfg.width, f"{name}_down{level}")
            skip = x
            if cfg.skip_transform == "conv1x1":
                skip = self.conv(x, cfg.width, 1, f"{name}_skip{level}", use_bias=True)
            skips.append(skip)
            x = K.layers.MaxPooling2D(2, name=f"{name}_pool{level}")(x)
        for i in range(cfg.bottom_blocks):
            x = self.block(x, cfg.width, f"{name}_bottom{i}")
        for level in reversed(range(cfg.depth)):
            x = K.layers.UpSampling2D(
                2, interpolation="nearest", name=f"{name}_up{level}"
            )(x)
            x = self.fuse(skips[level], x, f"{name}_fuse{level}")
            groups = 2 if cfg.fusion == "concat_grouped" else 1
            x = self.block(x, cfg.width, f"{name}_dec{level}", groups=groups)
        return x

    def fuse(self, skip, up, name):
        if self.config.fusion == "sum":
            return self.K.layers.Add(name=name)([skip, up])
        return self.K.layers.Concatenate(name=name)([skip, up])

    def head(self, x, stack):
        K, name = self.K, f"head{stack}"
        h = self.conv(
            self.pre_act(x, f"{name}_in"), self.config.width, 1, f"{name}_conv"
        )
        h = K.layers.ReLU(name=f"{name}_relu")(self.norm(h, f"{name}_bn"))
        heatmaps = self.conv(
            h, self.config.num_joints, 1, f"heatmaps_{stack}", use_bias=True
        )
        return h, heatmaps

    def stem(self, x):
        cfg = self.config
        x = self.conv(x, cfg.stem_width, 7, "stem_conv", strides=2)
        x = self.block(x, cfg.stem_width, "stem_block0")
        x = self.K.layers.MaxPooling2D(2, name="stem_pool")(x)
        for i in range(1, 1 + cfg.stem_blocks):
            x = self.block(x, cfg.width, f"stem_block{i}")
        return x

    def build(self):
        K, cfg = self.K, self.config
        inputs = K.Input((cfg.input_size, cfg.input_size, 3), name="image")
        x = self.stem(inputs)
        outputs = []
        for s in range(cfg.num_stacks):
            features, heatmaps = self.head(self.hourglass(x, f"hg{s}"), s)
            outputs.append(heatmaps)
            if s < cfg.num_stacks - 1:
                merged_f = self.conv(
                    features, cfg.width, 1, f"merge{s}_feat", use_bias=True
                )
                merged_h = self.conv(
                    heatmaps, cfg.width, 1, f"merge{s}_hm", use_bias=True
                )
                x = K.layers.Add(name=f"merge{s}")([x, merged_f, merged_h])
        return inputs, outputs


def build_graph(K, config: PoseGateConfig, norm: str = "batchnorm"):
    """`(inputs, outputs)` of the network, built with the Keras front end `K`.

    Args:
        K: the `keras` (Keras 3) or `tf_keras` module.
        config: the architecture.
        norm: "batchnorm", or "affine" for the quantization rebuild, where every
            BatchNormalization becomes a `ChannelAffine` of the same name.

    Returns:
        The input tensor (`image`, float RGB in [0, 1]) and a list of
        `num_stacks` heatmap tensors (`heatmaps_0`, ...), the last the final.
    """
    return _GraphBuilder(K, config, norm).build()
