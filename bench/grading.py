"""Benchmark 3: how long grading takes, per student and per notebook, and where it goes.

A class of students who each hand in the master's solution of every notebook is graded with
the boundary engine (workers 1 and 2) and with the nbgrader engine (workers 2). The grader's phases
are measured from outside it: timers wrapped around the public functions the grade module
calls in this process (nbgrader's course preparation, the judge subprocess, the gradebook,
the feedback). The phases inside each judge process are the judge's own: it records them in
its journal (autograder.boundary.judge.Timings), and the bench reads them from there.
"""

import functools
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

from tqdm import tqdm

import autograder.grade as grade_module
from autograder import engines, gradebook, report, samples
from autograder.boundary import session
from autograder.course import REPO, available_assignments
from autograder.grade import Settings, grade
from bench.results import summarize, table, verdict

TARGET_STUDENT = 30.0  # seconds of wall time per student (whole course), 2 workers, 2 cores
CLASS = 300


class Phases:
    """Thread-safe seconds per phase and per (phase, assignment), from wrapped functions."""

    def __init__(self):
        self.lock = threading.Lock()
        self.active = threading.local()  # phases being timed in this thread
        self.total = defaultdict(float)
        self.per = defaultdict(list)  # (phase, assignment) -> seconds of each call

    def wrap(self, owner, name, phase, assignment_arg=None):
        """Replace owner.name by a timed version for the duration of a `with self.patched()`."""
        original = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args, **kwargs):
            active = self.active.__dict__.setdefault("phases", set())
            if phase in active:  # a wrapped function calling another of the same phase
                return original(*args, **kwargs)
            active.add(phase)
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                seconds = time.perf_counter() - started
                active.discard(phase)
                key = args[assignment_arg] if assignment_arg is not None else ""
                with self.lock:
                    self.total[phase] += seconds
                    self.per[(phase, key)].append(seconds)

        setattr(owner, name, timed)
        return owner, name, original


def build_class(folder, students):
    """`students` students, each with the master's solution of every notebook that can be
    built. Returns: (assignments built, {assignment: error} for those that could not be)."""
    built, failed = [], {}
    for assignment in available_assignments():
        try:
            notebook = samples.solved(assignment)
        except Exception as error:  # a new master without a release yet: report, go on
            failed[assignment] = f"{type(error).__name__}: {error}"[:200]
            continue
        for i in range(students):
            samples.write(notebook, folder, f"student{i + 1:02d}", assignment)
        built.append(assignment)
    return built, failed


def timed_grade(folder, out, *, engine, workers, assignments, cluster=None):
    """Grade the class with timers around the grader's phases.

    Returns: (wall seconds, Phases, results).
    """
    phases = Phases()
    patches = [
        phases.wrap(grade_module, "prepare_course", "nbgrader course preparation "
                    "(generate_assignment)"),
        phases.wrap(session, "run", "judge process (boundary)", assignment_arg=1),
        phases.wrap(engines, "autograde", "nbgrader autograde process", assignment_arg=1),
        phases.wrap(gradebook, "record_scores", "gradebook (record)", assignment_arg=1),
        phases.wrap(gradebook, "scores", "gradebook (record)", assignment_arg=1),
        phases.wrap(report, "write_feedback", "feedback HTML"),
    ]
    try:
        started = time.perf_counter()
        results = grade(folder, out=out, settings=Settings(engine=engine, cluster=cluster),
                        workers=workers, assignments=assignments, quiet=True)
        wall = time.perf_counter() - started
    finally:
        for owner, name, original in patches:
            setattr(owner, name, original)
    return wall, phases, results


def judge_phases(out, student, assignment, process_wall):
    """Seconds per phase of one boundary judge process, as it recorded them in its journal
    in the grading folder `out`, plus the process's wall time as the grader measured it.
    Returns: dict phase -> seconds, and "per test cell" / "per student cell" -> {label: s}."""
    journal = session.read_journal(Path(out) / "journal" / student / f"{assignment}.jsonl")
    if journal is None or not journal.timings:
        return {}
    return {**journal.timings, "per test cell": journal.cell_timings.get("test cell", {}),
            "per student cell": journal.cell_timings.get("student cell", {}),
            "process wall": process_wall}


def import_costs(module="autograder.boundary.judge", names=("nbformat", "jsonschema",
                 "rfc3987_syntax", "numpy", "autograder.boundary.remote")):
    """Seconds a fresh interpreter spends importing `module` and, within it, each of `names`
    (cumulative, from python -X importtime). Every judge process pays this once per notebook.
    Returns: dict name -> seconds (the module itself under its own name)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                          cwd=REPO, capture_output=True, text=True, check=False)
    costs = {}
    for line in done.stderr.splitlines():
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[1].isdigit() and parts[2] in (module, *names):
            costs.setdefault(parts[2], int(parts[1]) / 1e6)
    return costs


def split(b):
    """The phases of one judge process, in seconds: python + imports (the judge process
    before its main), student start-up (spawning the sandboxed process and running the
    master's given cells in it: setup imports, fixtures), the student's code cells, the
    hidden tests and fixtures on the judge's side, and the rest of the judge."""
    startup = b.get("student process start-up", 0.0) + b.get("student: given cells", 0.0)
    code = b.get("student: code cells", 0.0)
    tests = b.get("hidden tests", 0.0) + b.get("master fixtures", 0.0)
    return {"python + imports": b.get("process wall", 0.0) - b.get("judge main", 0.0),
            "student start-up": startup, "student's code": code, "tests + fixtures": tests,
            "other": b.get("judge main", 0.0) - startup - code - tests}


def _score(results):
    got = sum(c.points for r in results for c in r.cells if not c.manual)
    full = sum(c.max_points for r in results for c in r.cells if not c.manual)
    bad = sorted({f"{r.student}/{r.assignment}: {r.status}" for r in results
                  if not r.status.startswith("graded")} |
                 {f"{r.student}/{r.assignment}:{c.cell} {c.status}: "
                  f"{' '.join(c.message.split())[:160]}" for r in results for c in r.cells
                  if c.points < c.max_points and not c.manual})
    return got, full, bad


def run(quick=False):
    """Run benchmark 3; returns (markdown section, rows of the targets table)."""
    students = 1 if quick else 2
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as scratch:
        scratch = Path(scratch)
        assignments, unbuilt = build_class(scratch / "submissions", students)
        configs = [("boundary", 1), ("boundary", 2), ("nbgrader", 2)]
        runs = {}
        for engine, workers in tqdm(configs, desc="grading: class", unit="run"):
            wall, phases, results = timed_grade(scratch / "submissions",
                                                scratch / f"out-{engine}-{workers}",
                                                engine=engine, workers=workers,
                                                assignments=assignments)
            runs[(engine, workers)] = (wall, phases, results)
        beyond = _cluster_vs_local(scratch, assignments)
        phases1 = runs[("boundary", 1)][1]
        breakdown = {a: judge_phases(scratch / "out-boundary-1", "student01", a,
                                     phases1.per[("judge process (boundary)", a)][0])
                     for a in assignments}
    imports = import_costs()
    return _markdown(runs, breakdown, assignments, unbuilt, students, imports, beyond)


ROUNDS = 2  # the local pool and the cluster, alternated, each graded the class this often
TARGET_CLUSTER = 1.05  # the cluster's wall time at most this times the local pool's


def _cluster_vs_local(scratch, assignments):
    """The same class graded by the local pool (2 workers) and on a Dask cluster of two
    single-thread workers on this machine, alternated. Returns: {"local": [(s, results)],
    "cluster": [(s, results)]}."""
    from distributed import LocalCluster

    from autograder import cluster

    walls = {"local": [], "cluster": []}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as local_cluster:
        address = local_cluster.scheduler_address
        try:
            for round_ in tqdm(range(ROUNDS), desc="grading: cluster vs local", unit="round"):
                for name, where in (("local", None), ("cluster", address)):
                    wall, _, results = timed_grade(scratch / "submissions",
                                                   scratch / f"beyond-{name}-{round_}",
                                                   engine="boundary", workers=2,
                                                   assignments=assignments, cluster=where)
                    walls[name].append((wall, results))
        finally:
            cluster.disconnect()
    return walls


def _markdown(runs, breakdown, assignments, unbuilt, students, imports, beyond):
    notebooks = students * len(assignments)
    rows = []
    for (engine, workers), (wall, phases, results) in runs.items():
        got, full, bad = _score(results)
        rows.append([engine, workers, f"{wall:.1f} s", f"{wall / students:.1f} s",
                     f"{wall / notebooks:.1f} s", f"{got:g} / {full:g}",
                     ("; ".join(bad[:3]) + (" …" if len(bad) > 3 else "")).replace("|", "/") or "all full marks"])
    per_student_2 = runs[("boundary", 2)][0] / students
    per_student_1 = runs[("boundary", 1)][0] / students
    speedup = per_student_1 / per_student_2

    # per notebook: the judge process (workers 1, boundary) and the phases it recorded
    _, phases1, _ = runs[("boundary", 1)]
    _, phases_nb, _ = runs[("nbgrader", 2)]
    nb_rows = []
    for assignment in assignments:
        judge = summarize(phases1.per.get(("judge process (boundary)", assignment), [0]))
        nbg = summarize(phases_nb.per.get(("nbgrader autograde process", assignment), [0]))
        b = breakdown.get(assignment, {})
        p = split(b)
        nb_rows.append([assignment, judge.fmt(1, " s"), nbg.fmt(1, " s"),
                        *(f"{v:.1f}" for v in p.values()), f"{b.get('process wall', 0.0):.1f}"])

    wall1, phases1_total = runs[("boundary", 1)][0], runs[("boundary", 1)][1].total
    overhead_rows = [[phase, f"{seconds:.1f} s", f"{seconds / wall1:.0%}"]
                     for phase, seconds in sorted(phases1_total.items(), key=lambda kv: -kv[1])]
    rest = wall1 - sum(phases1_total.values())
    overhead_rows.append(["everything else (reading, staging, reports, threads)",
                          f"{rest:.1f} s", f"{rest / wall1:.0%}"])

    best = {name: min(wall for wall, _ in graded) for name, graded in beyond.items()}
    # a ratio counts only when the cluster graded as the local pool did
    same = all(_score(results)[:2] == _score(beyond["local"][0][1])[:2]
               for _, results in beyond["cluster"])
    ratio = best["cluster"] / best["local"] if same else float("inf")
    targets = [["the same class on a 2-worker Dask cluster vs the local pool (2 workers)",
                f"{ratio:.3f}×", f"≤ {TARGET_CLUSTER}×", verdict(ratio, TARGET_CLUSTER)],
               ["one student's whole course, boundary engine, 2 workers",
                f"{per_student_2:.1f} s", f"≤ {TARGET_STUDENT:.0f} s",
                verdict(per_student_2, TARGET_STUDENT)],
               [f"a {CLASS}-student class (extrapolated, 1 machine like this one)",
                f"{CLASS * per_student_2 / 3600:.2f} h", "< 2.5 h",
                verdict(CLASS * per_student_2 / 3600, 2.5)]]

    # beyond one machine: students per hour from the measured per-student wall time
    cores = len(os.sched_getaffinity(0))
    per_hour_machine = 3600 / per_student_2
    per_hour_core = per_hour_machine / cores
    core_seconds = per_student_2 * cores
    plan_rows = []
    for size in (300, 3000):
        for hours in (1.0, 2.5):
            machines = -(-size // int(per_hour_machine * hours)) if per_hour_machine * hours >= 1 else size
            plan_rows.append([size, f"{hours:g} h", f"{size * core_seconds / 3600:.1f}",
                              machines, int(-(-size * core_seconds // (3600 * hours * 8))),
                              int(-(-size * core_seconds // (3600 * hours * 32)))])

    md = ["## 3. Grading", "",
          f"A class of {students} student(s), each handing in the master's solution of "
          f"{', '.join(assignments)} ({notebooks} notebooks), graded from scratch (fresh output "
          "folder: no journal reuse) by `autograder.grade.grade`. One repetition per "
          "configuration (grading the course takes minutes); the per-notebook spread is over "
          "the students.", ""]
    if unbuilt:
        md += ["Not benchmarked (their submissions could not be built): "
               + "; ".join(f"{a}: {e}" for a, e in unbuilt.items()), ""]
    md += [table(["engine", "workers", "wall (class)", "per student", "per notebook",
                  "points", "lost points / problems"], rows), "",
           f"Two workers vs one: {speedup:.2f}× faster per student.", "",
           table(["target", "measured", "target", "result"], targets), "",
           "### Per notebook and where the time goes", "",
           "Judge process = one boundary judge subprocess as `grade` ran it (workers 1, median "
           "(min–max) over the students); nbgrader = nbgrader's `autograde` of the same "
           "notebook (workers 2). The phases are those the first student's judge process "
           "recorded in its journal in that run (workers 1): "
           "Python start-up + imports of the judge process; start-up of the sandboxed student "
           "process (the boundary engine's \"kernel\": spawning it and running the master's "
           "given cells in it, the setup cell's imports first); the student's code cells (the "
           "judge runs them one by one, interleaved with the tests); the master's hidden tests "
           "and fixtures on the judge's side; the rest (judge set-up, the master's setup cell "
           "in the judge, stopping the student).", "",
           table(["notebook", "judge process", "nbgrader autograde", "python + imports",
                  "student start-up", "student's code", "tests + fixtures", "other",
                  "judge process wall"], nb_rows), "",
           "Slowest hidden-test cells (the first student's; each crosses the boundary for every "
           "call into the student's code): "
           + _slowest(breakdown, assignments, "per test cell"), "",
           "Slowest cells of the student's notebook in the student process (program index: "
           "label): "
           + _slowest(breakdown, assignments, "per student cell"), "",
           f"The grader's own phases, boundary engine, workers 1 (wall {wall1:.1f} s; the "
           "judge processes are the grading proper, the rest is nbgrader and reporting):", "",
           table(["phase", "seconds", "share of wall"], overhead_rows), "",
           "Import cost of one judge process (`python -X importtime -c \"import "
           "autograder.boundary.judge\"`, cumulative seconds, measured now): "
           + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in imports.items())
           + ". The judge declines jsonschema's optional `rfc3987_syntax` IRI checker (a "
           "`sys.modules` entry at the top of `autograder/boundary/judge.py`): it built a "
           "grammar at import time, 0.91 s of the judge's 1.11 s of imports before that change "
           "(bench/RESULTS.md at commit c351b76), paid by every judge process, "
           "one per student-notebook.", "",
           _gap(per_student_2, breakdown, assignments), "",
           "### Beyond one machine, measured", "",
           f"The same class graded by the local pool (`--workers 2`) and with `--cluster` on a "
           f"Dask cluster of two single-thread worker processes on this machine "
           f"(`distributed.LocalCluster`), alternated, {ROUNDS} rounds each; each worker starts "
           "the same sandboxed judge a local worker does, and the coordinator writes the "
           "journals, gradebook and reports. Best of the rounds compared:", "",
           table(["where", *(f"round {i + 1}" for i in range(ROUNDS)), "best", "points"],
                 [[name, *(f"{wall:.1f} s" for wall, _ in graded), f"{best[name]:.1f} s",
                   " / ".join(f"{p:g}" for p in _score(graded[-1][1])[:2])]
                  for name, graded in beyond.items()]), "",
           f"Cluster / local: {ratio:.3f}× (target ≤ {TARGET_CLUSTER}×): what Dask adds per "
           "submission (a task's round trip, the notebook's bytes and the journal across "
           "the wire) is small beside the judge's seconds.", "",
           "### Beyond one machine", "",
           f"Measured here: {per_student_2:.1f} s of wall time per student with {cores} "
           f"workers on {cores} cores, i.e. {core_seconds:.0f} core-seconds per student, "
           f"{per_hour_machine:.0f} students per hour per machine like this one, "
           f"{per_hour_core:.0f} per core. Grading is embarrassingly parallel (one "
           "student-notebook = one independent judge process, journals make it resumable), "
           "so capacity scales with cores as long as each worker has a core of its own:", "",
           table(["students", "deadline", "core-hours", f"machines like this ({cores} cores)",
                  "8-core machines", "32-core machines"], plan_rows), "",
           "Plan: a Dask cluster over those machines (`grade --cluster`, see the README): one "
           "coordinator writes everything, and a worker that dies has its submissions graded "
           "elsewhere. Numbers assume the per-core rate measured here holds (memory per worker is the "
           "student process plus the judge, well under the 3 GiB sandbox limit); running "
           "more workers than cores does not help (see the workers 1 → 2 speed-up above)."]
    return "\n".join(md), targets


def _slowest(breakdown, assignments, key):
    """The three slowest cells of each notebook in breakdown[assignment][key], as text."""
    return "; ".join(
        f"{a}: " + ", ".join(f"{cell} {sec:.1f} s" for cell, sec in
                             sorted(breakdown[a][key].items(), key=lambda kv: -kv[1])[:3])
        for a in assignments if breakdown.get(a, {}).get(key)) + "."


def _gap(per_student, breakdown, assignments):
    """Where one student's grading time goes, summed over the notebooks (their judges' own
    timings),
    and what it would take to reach the target."""
    total = {}
    for a in assignments:
        for phase, seconds in split(breakdown.get(a, {})).items():
            total[phase] = total.get(phase, 0.0) + seconds
    heavy = sorted(((b.get("process wall", 0.0), a) for a, b in breakdown.items()), reverse=True)
    fixed = total["python + imports"] + total["student start-up"]
    lines = ["**Where one student's time goes.** Summed over one student's notebooks "
             "(the judges' own timings, workers 1): "
             + ", ".join(f"{k} {v:.1f} s" for k, v in total.items())
             + f". The fixed cost of a judge process (Python, imports, a sandboxed student "
             f"process) is {fixed:.1f} s per student; the rest is the notebooks' own work, "
             "and the heaviest notebooks dominate: "
             + ", ".join(f"{a} {s:.0f} s" for s, a in heavy[:2]) + "."]
    p04 = split(breakdown.get("04_mlp", {}))
    meets = "meets" if per_student <= TARGET_STUDENT else "misses"
    lines.append(
        f"Measured now: {per_student:.0f} s per student with 2 workers, which {meets} the "
        f"{TARGET_STUDENT:.0f} s target. Further cuts, largest first: (1) the fixed cost: each judge process "
        f"spends {total['python + imports'] / max(len(assignments), 1):.1f} s on Python "
        "start-up and imports, and its sandboxed student process "
        f"{total['student start-up'] / max(len(assignments), 1):.1f} s starting; one judge "
        "process per student for all notebooks would pay both once. (2) 04's hidden "
        f"tests took {p04['tests + fixtures']:.0f} s: they train networks through the "
        "boundary, every forward/backward of the course's layers a round trip between "
        "processes (the course's layers run in the judge, so that no solution is within a "
        "student's reach); batching those round trips would cut it.")
    return "\n\n".join(lines)
