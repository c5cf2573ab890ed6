"""Realistic wrong answers, made by editing each assignment's solution, and the checks they must fail.

Each entry: a name saying what the student got wrong, the edits (old text -> new text, each found
exactly once in the solution notebook), and the grade cells that must score zero. Every other grade
cell must keep its full points.
"""

WRONG_ANSWERS = {
    "lenet_bn": {
        "bn_after_pooling": {
            "edits": [
                ('keras.layers.Conv2D(6, 5, activation="tanh"), *bn(),\n        keras.layers.AveragePooling2D(2),',
                 'keras.layers.Conv2D(6, 5, activation="tanh"),\n        keras.layers.AveragePooling2D(2), *bn(),'),
            ],
            "fails": {"test_structure"},
        },
        "categorical_accuracy_with_integer_labels": {
            "edits": [('metrics=["accuracy"]', 'metrics=["categorical_accuracy"]')],
            "fails": {"test_compile"},
        },
        "relu_output_layer": {
            "edits": [('keras.layers.Dense(10, activation="softmax"),\n    ])',
                       'keras.layers.Dense(10, activation="relu"),\n    ])')],
            "fails": {"test_structure", "test_bn_accuracy"},
        },
        "prediction_on_unpadded_image": {
            "edits": [("model_bn.predict(prepare(image[None]), verbose=0)", "model_bn.predict(image[None, ..., None] / 255.0, verbose=0)")],
            "fails": {"test_prediction"},
        },
    },
    "weight_init": {
        "variance_instead_of_std": {
            "edits": [
                ("return float(np.sqrt(2.0 / (fan_in + fan_out)))", "return float(2.0 / (fan_in + fan_out))"),
            ],
            "fails": {"test_glorot_std"},
        },
        "he_with_both_fans": {
            "edits": [("return float(np.sqrt(2.0 / fan_in))", "return float(np.sqrt(4.0 / (fan_in + 1)))")],
            "fails": {"test_he_std"},
        },
        "stack_without_activation": {
            "edits": [
                ('model.add(keras.layers.Dense(width, activation="relu", kernel_initializer=initializer))',
                 'model.add(keras.layers.Dense(width, kernel_initializer=initializer))'),
            ],
            "fails": {"test_stack_structure", "test_compare"},
        },
        "std_of_first_layer_only": {
            "edits": [
                ("        stds.append(float(np.std(keras.ops.convert_to_numpy(h))))\n    return stds",
                 "        stds.append(float(np.std(keras.ops.convert_to_numpy(x))))\n    return stds"),
            ],
            "fails": {"test_activation_stds", "test_compare"},
        },
        "seeded_once_for_all_three": {
            "edits": [
                ("set_seed(0)\nstds_glorot", "stds_glorot"),
                ("set_seed(0)\nstds_small", "stds_small"),
            ],
            "fails": {"test_compare"},
        },
    },
}

# Broken or hostile submissions: each must be graded (never stop the batch) with the score given.
# "edits" as above; "text" replaces the whole notebook file with that text.
HOSTILE = {
    "weight_init": {
        "crashes_the_kernel": {
            "edits": [("    return float(np.sqrt(2.0 / fan_in))", "    import os\n    os._exit(1)")],
            "score": 0,
        },
        "loops_forever": {
            "edits": [("    return float(np.sqrt(2.0 / fan_in))", "    while True:\n        pass")],
            "lost": {"test_he_std"},
        },
        "not_a_notebook": {"text": '{"cells": [ this is not JSON', "score": 0},
    },
}
