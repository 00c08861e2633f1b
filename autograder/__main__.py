"""Command line: ``python -m autograder {release,grade,demo,mistakes,export,bundle}``."""

import argparse
import sys
from pathlib import Path

from autograder.course import DEFAULT_CALL_TIMEOUT, DEFAULT_TIMEOUT


def _release(args):
    from autograder.release import release

    for path in release(args.assignments or None):
        print(f"released {path}")
    return 0


def _grade(args):
    from autograder.grade import Settings, grade
    from autograder.report import grade_table

    settings = Settings(engine=args.engine, timeout=args.timeout,
                        call_timeout=args.call_timeout,
                        notebook_timeout=args.notebook_timeout or 0, replace=args.replace,
                        sandbox=not args.unsafe_no_sandbox, late=_late_policy(args),
                        gradebook=args.gradebook, cluster=args.cluster)
    results = grade(args.submissions, assignments=args.assignment, out=args.out,
                    settings=settings, workers=args.workers)
    print(grade_table(results))
    print(f"\ngrades: {args.out}/grades.csv · per cell: {args.out}/cells.csv and cells.json · "
          f"class summary: {args.out}/summary.md · feedback: {args.out}/feedback/")
    return 0


def _late_policy(args):
    from autograder.lateness import LatePolicy, parse_fraction, parse_rate, parse_time

    rate, unit = parse_rate(args.late_penalty) if args.late_penalty else (0.0, "day")
    return LatePolicy(parse_time(args.due, "--due") if args.due else None, rate, unit,
                      parse_fraction(args.late_cap) if args.late_cap else 1.0,
                      parse_time(args.cutoff, "--cutoff") if args.cutoff else None)


def _demo(args):
    from autograder import demo
    from autograder.report import grade_table

    results, problems = demo.run(args.out)
    print(grade_table(results))
    grading = Path(args.out) / "grading"
    print(f"\nKept in {args.out}/: the class in {args.out}/submissions/, its grades in {grading}/."
          f"\n  a student's feedback (open it in a browser): "
          f"{grading / 'feedback' / 'solution' / (demo.ASSIGNMENT + '.html')}"
          f"\n  the class at a glance: {grading / 'summary.md'}"
          f"\n  grades: {grading / 'grades.csv'}, per cell: {grading / 'cells.csv'}\n")
    if problems:
        print("The demo's expectations were NOT met:")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print("As expected: the solution gets full marks, the blank release 0, and each wrong "
          "submission loses points only on the cells that grade the class it broke.")
    return 0


def _mistakes(args):
    from autograder.mistakes import matrix

    verdicts = matrix.grade_catalog(args.out, quiet=False)
    print(matrix.matrix(verdicts))
    return 0 if all(v.caught for v in verdicts) else 1


def _export(args):
    from autograder.export import DEFAULT_ID_COLUMN, export

    out = args.out or str(Path(args.grades).parent / f"{args.format}.csv")
    done = export(args.format, args.grades, out, roster_path=args.roster,
                  id_column=args.id_column, force=args.force)
    print(f"wrote {done.path}: {done.rows} students")
    if done.not_in_roster:
        print(f"graded but not in the roster, so not exported ({len(done.not_in_roster)}): "
              f"{', '.join(done.not_in_roster)}", file=sys.stderr)
    if done.not_graded:
        print(f"in the roster but not graded, left blank ({len(done.not_graded)}): "
              f"{', '.join(done.not_graded)}", file=sys.stderr)
    if args.format in DEFAULT_ID_COLUMN and args.roster:
        print(f"students were matched by the roster's column "
              f"{args.id_column or DEFAULT_ID_COLUMN[args.format]!r}")
    return 0


def _bundle(args):
    from autograder.bundle import bundle

    wheel, folder, archive = bundle(args.out)
    print(f"helper package: {wheel}\n"
          f"student bundle: {folder}\n"
          f"                {archive}")
    return 0


def parser():
    main = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    commands = main.add_subparsers(dest="command", required=True)

    release = commands.add_parser("release", help="regenerate notebooks/ from source/ "
                                  "with nbgrader")
    release.add_argument("assignments", nargs="*", metavar="ASSIGNMENT",
                         help="assignment ids (default: all)")
    release.set_defaults(run=_release)

    grade = commands.add_parser("grade", help="autograde a folder of submissions")
    grade.add_argument("submissions", metavar="SUBMISSIONS",
                       help="folder of <student_id>/<assignment_id>/<assignment_id>.ipynb")
    grade.add_argument("--assignment", action="append", metavar="ID",
                       help="grade only this assignment (repeatable; default: all found)")
    grade.add_argument("--out", default="grading", metavar="DIR",
                       help="where grades, feedback and the gradebook go (default: grading)")
    grade.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                       help=f"time limit per cell (default: {DEFAULT_TIMEOUT})")
    grade.add_argument("--notebook-timeout", type=int, metavar="SECONDS",
                       help="time limit per notebook (default: 10 x --timeout)")
    grade.add_argument("--call-timeout", type=int, default=DEFAULT_CALL_TIMEOUT,
                       metavar="SECONDS", help="time limit per call into student code "
                       f"(boundary engine; default: {DEFAULT_CALL_TIMEOUT})")
    grade.add_argument("--workers", type=int, metavar="N",
                       help="submissions graded at the same time (default: 1, or with "
                       "--cluster the cluster's threads)")
    grade.add_argument("--cluster", metavar="ADDRESS",
                       help="grade on the Dask cluster whose scheduler is at ADDRESS (e.g. "
                       "tcp://10.0.0.5:8786): the judges run on its workers, everything is "
                       "written here (default: grade on this machine)")
    grade.add_argument("--engine", choices=("boundary", "nbgrader"), default="boundary",
                       help="boundary: student code in a sandboxed process, tests in a clean "
                       "one (default); nbgrader: nbgrader's autograde, tests in the student's "
                       "kernel")
    grade.add_argument("--replace", action="store_true",
                       help="regrade submissions that changed since they were graded")
    grade.add_argument("--due", metavar="DATETIME",
                       help="the due date, e.g. '2026-12-08 23:59+01:00' (UTC without a "
                       "zone); submissions are timed by nbgrader's timestamp.txt (default: "
                       "each assignment's due date in the gradebook)")
    grade.add_argument("--gradebook", metavar="FILE", type=Path,
                       help="the nbgrader gradebook.db that holds the due dates (default: the "
                       "one beside SUBMISSIONS, when SUBMISSIONS is an nbgrader course's "
                       "submitted folder); it is only read")
    grade.add_argument("--late-penalty", metavar="RATE",
                       help="points lost per hour or day late, started ones included, as a "
                       "share of the assignment's points: '10%%/day', '2%%/hour' (default: "
                       "none; lateness is still reported)")
    grade.add_argument("--late-cap", metavar="PERCENT",
                       help="the most a late submission loses, e.g. '50%%' (default: 100%%)")
    grade.add_argument("--cutoff", metavar="DATETIME",
                       help="after this, a submission scores zero")
    grade.add_argument("--unsafe-no-sandbox", action="store_true",
                       help="grade even where no sandbox can be built: student code then runs "
                       "as you, and can read and change your files (every status says so)")
    grade.set_defaults(run=_grade)

    demo = commands.add_parser("demo", help="grade a sample class built from the masters")
    demo.add_argument("--out", default="demo", metavar="DIR",
                      help="where the sample class and its grades are kept (default: demo)")
    demo.set_defaults(run=_demo)

    mistakes = commands.add_parser("mistakes", help="grade every mistake of the catalog and "
                                   "print which test cells catch it")
    mistakes.add_argument("--out", metavar="DIR",
                          help="keep the submissions and grades here (default: a temporary "
                          "folder)")
    mistakes.set_defaults(run=_mistakes)

    export = commands.add_parser("export", help="write grades.csv in the shape an LMS imports "
                                 "(Canvas, Moodle) or as one row per student")
    export.add_argument("--format", required=True, choices=("canvas", "moodle", "csv"))
    export.add_argument("--grades", default="grading/grades.csv", metavar="FILE",
                        help="the grades to export (default: grading/grades.csv)")
    export.add_argument("--roster", metavar="FILE",
                        help="the gradebook CSV your LMS exports, to match its students "
                        "(required for canvas and moodle)")
    export.add_argument("--id-column", metavar="COLUMN",
                        help="the roster column holding the nbgrader student ids (default: "
                        "'SIS Login ID' for canvas, 'Email address' for moodle)")
    export.add_argument("--out", metavar="FILE",
                        help="where to write it (default: FORMAT.csv beside the grades)")
    export.add_argument("--force", action="store_true", help="overwrite an existing file")
    export.set_defaults(run=_export)

    bundle = commands.add_parser("bundle", help="write the helper package's wheel (with "
                                 "the data) and the student distribution (a folder and a zip): "
                                 "notebooks, that wheel, figures")
    bundle.add_argument("--out", default="dist", metavar="DIR",
                        help="where to write it (default: dist)")
    bundle.set_defaults(run=_bundle)
    return main


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
