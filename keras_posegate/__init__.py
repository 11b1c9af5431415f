"""keras_posegate: human pose estimation with soft-gated skip connections.

Bulat, Kossaifi, Tzimiropoulos, Pantic, "Toward fast and accurate human pose
estimation via soft-gated skip connections", FG 2020 (arXiv:2002.11098).
"""

__version__ = "0.1.0"
