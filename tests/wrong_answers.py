"""Realistic wrong answers, made by editing each assignment's solution, and the checks they must fail.

Each entry: a name saying what the student got wrong, the edits (old text -> new text, each found
exactly once in the solution notebook), and the grade cells that must score zero. Every other grade
cell must keep its full points.
"""

WRONG_ANSWERS = {
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
