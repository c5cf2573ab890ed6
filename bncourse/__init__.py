"""Shared code of the Batch Normalization course: data loaders, the seeding helper, plotting.

Importing any part of ``bncourse`` quiets TensorFlow, as a documented side effect: it sets
``TF_CPP_MIN_LOG_LEVEL=3`` (unless already set), which silences TensorFlow's C++ log messages (the
CPU-feature notice, the CUDA probe) when TensorFlow is imported after it; ``bncourse.seeding`` sets
TensorFlow's Python logger to ERROR whenever it is imported (nbgrader scores a test cell with any
stderr output as zero). Import order changes nothing but that noise on stderr, which the book drops;
the few lines TensorFlow 2.21 prints while it loads, before its logging starts, show in any order.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
