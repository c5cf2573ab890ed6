"""Realistic wrong answers, made by editing each assignment's solution, and the checks they must fail.

Each entry: a name saying what the student got wrong, the edits (old text -> new text, each found
exactly once in the solution notebook), and the grade cells that must score zero. Every other grade
cell must keep its full points.
"""

# cifar10_overfitting judges the notebook's trainings against the grader's own runs of the prescribed
# ones: an answer that changes the regularised model's run (its layers, or the data split it trains on)
# loses every check that uses that run, each with the advice of how to get it right.
OTHER_IMPROVED_RUN = {"test_improved_training", "test_gap", "test_test_accuracy"}

WRONG_ANSWERS = {
    "shuffle": {
        "source_bug_shuffled_run_continues_first_model": {
            "edits": [("results_shuffle = train_fresh(x_ordered, y_ordered, shuffle=True)",
                       "results_shuffle = results_no_shuffle.model.fit(x_ordered, y_ordered, epochs=5, batch_size=32, "
                       "shuffle=True, verbose=0)")],
            "fails": {"test_shuffle_helps", "test_losses_recomputed"},  # the replay differs from the second run
        },
        "shuffle_flags_swapped": {
            "edits": [("results_no_shuffle = train_fresh(x_ordered, y_ordered, shuffle=False)\n"
                       "results_shuffle = train_fresh(x_ordered, y_ordered, shuffle=True)",
                       "results_no_shuffle = train_fresh(x_ordered, y_ordered, shuffle=True)\n"
                       "results_shuffle = train_fresh(x_ordered, y_ordered, shuffle=False)")],
            "fails": {"test_shuffle_helps", "test_losses_recomputed"},
        },
        "data_not_sorted": {
            "edits": [('    order = np.argsort(labels, kind="stable")\n'
                       '    return (digits[order] / 255.0).astype("float32"), labels[order]',
                       '    return (digits / 255.0).astype("float32"), labels')],
            "fails": {"test_ordered_data", "test_shuffle_helps", "test_losses_recomputed"},
        },
        "three_epochs": {
            "edits": [("return model.fit(x, y, epochs=5", "return model.fit(x, y, epochs=3")],
            "fails": {"test_histories", "test_shuffle_helps", "test_losses_recomputed"},
        },
        "not_seeded_before_each_build": {
            "edits": [("    set_seed()\n    model = build_model()", "    model = build_model()")],
            "fails": {"test_histories", "test_shuffle_helps", "test_losses_recomputed"},
        },
    },
    "tabular_bn": {
        "source_layers_not_chained": {
            "edits": [("h = keras.layers.Dense(8, use_bias=False)(h)", "h = keras.layers.Dense(8, use_bias=False)(inputs)")],
            "fails": {"test_regressor_structure", "test_classifier_structure",  # the grader trains only Task 1's
                      "test_regressor_mse", "test_classifier_accuracy"},      # network, so the metrics go too
        },
        "dense_keeps_its_bias": {  # the source's layers: a bias that BN's mean subtraction cancels
            "edits": [("h = keras.layers.Dense(8, use_bias=False)(h)", "h = keras.layers.Dense(8)(h)")],
            "fails": {"test_regressor_structure", "test_classifier_structure", "test_regressor_mse",
                      "test_classifier_accuracy"},
        },
        "no_batch_normalization": {
            "edits": [("        h = keras.layers.BatchNormalization()(h)\n", "")],
            "fails": {"test_regressor_structure", "test_classifier_structure", "test_regressor_mse",
                      "test_classifier_accuracy"},
        },
        "relu_output_on_classifier": {
            "edits": [('keras.layers.Dense(n_classes, activation="softmax")', 'keras.layers.Dense(n_classes, activation="relu")')],
            "fails": {"test_classifier_structure", "test_classifier_accuracy"},
        },
        "learning_rate_exponent_slip": {  # the metric checks train the architecture themselves
            "edits": [('"mse", 0.003, 32)', '"mse", 3e-6, 32)')],
            "fails": {"test_compile"},
        },
    },
    "bn_from_scratch": {
        "unbiased_variance": {
            "edits": [("var = x.var(axis=axes)  # biased", "var = x.var(axis=axes, ddof=1)  # unbiased")],
            "fails": {"test_dense_output", "test_dense_moving", "test_conv", "test_steps"},
        },
        "momentum_weights_swapped": {
            "edits": [
                ("moving_mean * momentum + mean * (1 - momentum)", "moving_mean * (1 - momentum) + mean * momentum"),
                ("moving_var * momentum + var * (1 - momentum)", "moving_var * (1 - momentum) + var * momentum"),
            ],
            "fails": {"test_dense_moving", "test_conv", "test_steps"},
        },
        "statistics_over_batch_axis_only": {
            "edits": [("axes = tuple(range(x.ndim - 1))", "axes = 0")],
            "fails": {"test_conv", "test_steps"},
        },
        "epsilon_outside_the_root": {
            "edits": [("x_hat = (x - mean) / np.sqrt(var + eps)", "x_hat = (x - mean) / (np.sqrt(var) + eps)")],
            "fails": {"test_dense_output", "test_conv", "test_steps"},
        },
        "inference_with_batch_statistics": {
            "edits": [("return gamma * (x - moving_mean) / np.sqrt(moving_var + eps) + beta",
                       "axes = tuple(range(x.ndim - 1))\n    return gamma * (x - x.mean(axis=axes)) / np.sqrt(x.var(axis=axes) + eps) + beta")],
            "fails": {"test_infer", "test_steps"},
        },
    },
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
    "cifar10_overfitting": {
        "source_bug_fit_on_all_training_images": {
            "edits": [("return model.fit(x_train, y_train, epochs=epochs", "return model.fit(x_all, y_all, epochs=epochs")],
            "fails": {"test_baseline_history", "test_improved_training", "test_gap", "test_test_accuracy"},
        },
        "source_bug_relu_output_layer": {
            "edits": [('keras.layers.Dense(10, activation="softmax"),\n    ], name="improved")',
                       'keras.layers.Dense(10, activation="relu"),\n    ], name="improved")')],
            "fails": {"test_improved_structure", *OTHER_IMPROVED_RUN},
        },
        "source_bug_conv_relu_before_bn": {
            "edits": [("kernel_regularizer=keras.regularizers.l2(1e-4)),",
                       'kernel_regularizer=keras.regularizers.l2(1e-4), activation="relu"),')],
            "fails": {"test_improved_structure", *OTHER_IMPROVED_RUN},
        },
        "flatten_instead_of_global_average_pooling": {
            "edits": [("keras.layers.GlobalAveragePooling2D(),", "keras.layers.Flatten(),")],
            "fails": {"test_improved_structure", *OTHER_IMPROVED_RUN},
        },
        "early_stopping_keeps_last_weights": {
            "edits": [("patience=4, restore_best_weights=True)", "patience=4)")],
            "fails": {"test_callbacks"},
        },
        "source_bug_hard_coded_checkpoint_name": {
            "edits": [("keras.callbacks.ModelCheckpoint(path,", 'keras.callbacks.ModelCheckpoint("best_model.keras",'),
                      ("keras.models.load_model(checkpoint_path)", 'keras.models.load_model("best_model.keras")')],
            "fails": {"test_callbacks", "test_improved_training"},
        },
        "split_not_stratified": {
            "edits": [("test_size=0.2, stratify=y, random_state=0", "test_size=0.2, random_state=0")],
            "fails": {"test_split_stratified", "test_baseline_history", *OTHER_IMPROVED_RUN},
        },
        "images_standardised_in_split": {
            "edits": [("    return train_test_split(x, y, test_size=0.2, stratify=y, random_state=0)",
                       "    x = (x - x.mean(axis=(0, 1, 2))) / x.std(axis=(0, 1, 2))\n"
                       "    return train_test_split(x, y, test_size=0.2, stratify=y, random_state=0)")],
            "fails": {"test_split_parts", "test_baseline_history", *OTHER_IMPROVED_RUN},
        },
    },
    "fix_the_bugs": {
        "relu_output_layer": {
            "edits": [('keras.layers.Dense(10, activation="softmax")', 'keras.layers.Dense(10, activation="relu")')],
            "fails": {"test_output_layer"},
        },
        "source_bug_fit_on_all_rows": {
            "edits": [("return model.fit(x_part, y_part,", "return model.fit(x, y,")],
            "fails": {"test_no_leak"},
        },
        "conv_keeps_its_relu": {
            "edits": [('keras.layers.Conv2D(filters, 3, padding="same", use_bias=False)',
                       'keras.layers.Conv2D(filters, 3, padding="same", activation="relu", use_bias=False)')],
            "fails": {"test_conv_block"},
        },
        "conv_keeps_its_bias": {
            "edits": [('keras.layers.Conv2D(filters, 3, padding="same", use_bias=False)',
                       'keras.layers.Conv2D(filters, 3, padding="same")')],
            "fails": {"test_conv_block"},
        },
        "categorical_accuracy_with_integer_labels": {
            "edits": [('metrics=["accuracy"]', "metrics=[keras.metrics.categorical_accuracy]")],
            "fails": {"test_metric"},
        },
        "source_bug_shuffled_run_continues_first_model": {
            "edits": [("set_seed()\nmodel_shuffle = compiled_digit_model()",
                       'model_no_shuffle.compile(optimizer="adam", loss="sparse_categorical_crossentropy")\n'
                       "model_shuffle = model_no_shuffle")],
            "fails": {"test_fresh_models"},
        },
        "source_bug_scaling_function_never_called": {
            "edits": [("model.fit(scale_pixels(images), labels", "model.fit(images, labels")],
            "fails": {"test_scaled_input"},
        },
        "source_bug_checkpoint_name_copied_from_one_run": {
            "edits": [
                ('path = os.path.join(folder, "best.keras")\n    checkpoint = keras.callbacks.ModelCheckpoint(path,',
                 'checkpoint = keras.callbacks.ModelCheckpoint(os.path.join(folder, "model.{epoch:03d}-{val_loss:.4f}.keras"),'),
                ("keras.models.load_model(path)", 'keras.models.load_model(os.path.join(folder, "model.008-0.1155.keras"))'),
            ],
            "fails": {"test_checkpoint"},
        },
        "last_epoch_model_instead_of_best": {
            "edits": [("return history, keras.models.load_model(path)", "return history, model")],
            "fails": {"test_checkpoint"},
        },
        "evaluated_on_training_data": {
            "edits": [("best_model.evaluate(x_iris_test, y_iris_test,", "best_model.evaluate(x_iris, y_iris,")],
            "fails": {"test_test_evaluation"},
        },
        "source_bug_layers_not_chained": {
            "edits": [("h = keras.layers.Dense(8)(h)", "h = keras.layers.Dense(8)(inputs)")],
            "fails": {"test_chained"},
        },
        "source_bug_data_from_url": {
            "edits": [('return load_tabular("diabetes")',
                       "import pandas as pd\n\n"
                       '    table = pd.read_csv("https://raw.githubusercontent.com/blackdew/tensorflow1/master/csv/boston.csv")\n'
                       '    x, y = table.drop(columns="medv").to_numpy("float32"), table["medv"].to_numpy("float32")\n'
                       "    x_train, x_test, y_train, y_test = train_test_split(x, y, random_state=0)\n"
                       "    return (x_train, y_train), (x_test, y_test)")],
            "fails": {"test_offline_data"},
        },
        "raw_scikit_learn_data_not_the_course_split": {
            "edits": [('return load_tabular("diabetes")',
                       "from sklearn.datasets import load_diabetes\n\n"
                       "    x, y = load_diabetes(return_X_y=True)\n"
                       "    x_train, x_test, y_train, y_test = train_test_split(x, y, random_state=0)\n"
                       "    return (x_train, y_train), (x_test, y_test)")],
            "fails": {"test_offline_data"},
        },
    },
}
