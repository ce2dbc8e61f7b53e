"""The ``smm-nb`` command: new-client, validate, run, demo, bench.

Any :class:`~smm_nb.errors.SmmError` becomes its one-line message on stderr and exit
code 2 (``--debug`` shows the traceback); anything else is a bug and shows a traceback.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from smm_nb.errors import SmmError


def _data_dir(args) -> Path:
    from smm_nb.model.workspace import default_data_dir

    return Path(args.data_dir).resolve() if args.data_dir else default_data_dir()


def cmd_new_client(args) -> int:
    from smm_nb.scaffold import new_client

    path = new_client(args.slug, _data_dir(args), name=args.name)
    print(f"created {path} and {path.parent / 'exports'}/: fill in client.yaml, "
          f"drop the platform exports into exports/, then run `smm-nb validate {args.slug}`")
    return 0


def cmd_validate(args) -> int:
    from smm_nb.validate import validate_client

    report = validate_client(args.slug, _data_dir(args))
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=1))
    else:
        print(report.as_text())
    return 0 if report.ok else 2


def cmd_demo(args) -> int:
    from smm_nb.demo import generate_demo

    made = generate_demo(_data_dir(args))
    print(f"demo clients written to {_data_dir(args) / 'clients'}: {', '.join(made)}")
    if args.no_run:
        return 0
    args.slugs, args.all = made, False
    return cmd_run(args)


def cmd_run(args) -> int:
    from smm_nb.model.workspace import list_clients
    from smm_nb.run.batch import failure_table, make_executor, new_run_id, plan_clients, \
        resolve_notebooks, run_batch, set_log_path
    from smm_nb.run.executor import LocalExecutor, skip_slow_optional_imports

    skip_slow_optional_imports()
    data_dir = _data_dir(args)
    slugs = list_clients(data_dir) if args.all else list(args.slugs)
    if not slugs:
        raise SmmError("no clients selected: name one or more slugs, or use --all")
    notebooks = resolve_notebooks(args.notebooks)
    reports_dir = Path(args.reports_dir).resolve() if args.reports_dir else \
        data_dir.parent / "reports"
    run_id = args.run_id or new_run_id()
    executor = make_executor(args.workers, args.scheduler, args.fresh_kernels)
    if isinstance(executor, LocalExecutor) and not args.changed:
        # the workers and their warm kernels import while the clients are validated and
        # ingested (with --changed the batch may well have nothing to run)
        set_log_path(executor, reports_dir, run_id)
        executor.start()
    try:
        # validate everything first and report all problems together
        plans, others = plan_clients(slugs, data_dir, notebooks, reports_dir, args.changed)
        invalid = [o for o in others if o.status == "invalid"]
        if invalid and not plans and len(invalid) == len(others):
            raise SmmError("cannot run:\n  " + "\n  ".join(o.error or o.client
                                                            for o in invalid))
    except BaseException:
        if isinstance(executor, LocalExecutor):
            executor.close()
        raise
    if invalid:
        print(f"smm-nb: {len(invalid)} client(s) cannot run and are skipped:\n  "
              + "\n  ".join(o.error or o.client for o in invalid), file=sys.stderr)
    quiet = args.quiet
    if not quiet:
        kernels = "warm" if executor.kernel_manager_class else "fresh"
        print(f"running {len(plans) * len(notebooks)} notebooks for {len(plans)} client(s) "
              f"on a {executor.describe()} ({kernels} kernels)", file=sys.stderr)

    def status_line(o) -> None:
        n_ok = sum(n.status == "ok" for n in o.notebooks)
        print(f"{o.client}: {o.status} ({n_ok}/{len(o.notebooks)} notebooks, "
              f"{o.seconds:.1f} s) -> {o.folder}", file=sys.stderr if o.status != "ok"
              else sys.stdout)

    if not plans and isinstance(executor, LocalExecutor):
        executor.close()  # nothing to run (all unchanged or skipped)
    result = run_batch(slugs, data_dir, notebooks, run_id=run_id,
                       reports_dir=reports_dir, executor=executor, changed=args.changed,
                       cell_timeout=args.timeout, progress=not quiet,
                       on_client=None if quiet else status_line, plans=(plans, others))
    if not quiet:
        for o in result.clients:
            if o.status == "unchanged":
                print(f"{o.client}: unchanged since {o.run_id}, not run")
    if result.failures:
        print("\nfailures:\n" + failure_table(result.failures), file=sys.stderr)
        return 1
    if not quiet:
        print(f"\n{len(result.clients)} client(s) in {result.seconds:.1f} s. Reports: "
              f"{reports_dir}/<client>/latest/report.html; portfolio: {reports_dir}/index.html")
    return 0


def cmd_bench(args) -> int:
    import runpy

    from smm_nb.model.workspace import project_root

    script = project_root() / "bench" / "batch.py"
    if not script.is_file():
        raise SmmError(f"{script}: the benchmark lives in the source tree (bench/batch.py)")
    sys.argv = [str(script), *args.bench_args]
    runpy.run_path(str(script), run_name="__main__")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="smm-nb", description=__doc__.splitlines()[0])
    p.add_argument("--debug", action="store_true", help="show tracebacks of input errors")
    p.add_argument("--data-dir", help="folder holding clients/ (default: ./data)")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("new-client", help="scaffold data/clients/SLUG/client.yaml and exports/")
    s.add_argument("slug")
    s.add_argument("--name", help="the client's display name")
    s.set_defaults(func=cmd_new_client)

    s = sub.add_parser("validate", help="check a client's config and exports")
    s.add_argument("slug")
    s.add_argument("--json", action="store_true", help="print one JSON object for scripts")
    s.set_defaults(func=cmd_validate)

    for name, func, hlp in (("run", cmd_run, "execute the notebooks and publish reports"),
                            ("demo", cmd_demo, "generate the demo clients and run them")):
        s = sub.add_parser(name, help=hlp)
        if name == "run":
            s.add_argument("slugs", nargs="*", metavar="SLUG")
            s.add_argument("--all", action="store_true", help="every client in data/clients")
            s.add_argument("--changed", action="store_true",
                           help="only clients whose exports, config or notebooks changed "
                                "since their last successful run")
        else:
            s.add_argument("--no-run", action="store_true", help="only generate the data")
            s.set_defaults(changed=False)
        s.add_argument("--notebooks", nargs="+", help="e.g. 01_audit 02_audience")
        s.add_argument("--run-id", help="name of the run folder (default: a time stamp)")
        s.add_argument("--reports-dir", help="where reports go (default: ./reports)")
        s.add_argument("--workers", type=int, help="local worker processes (default: one per "
                                                   "core)")
        s.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786")
        s.add_argument("--fresh-kernels", action="store_true",
                       help="start every kernel from scratch instead of forking a warm one")
        s.add_argument("--timeout", type=int, default=600, metavar="SECONDS",
                       help="longest a single cell may run (default: 600)")
        s.add_argument("--quiet", action="store_true", help="no progress, only failures (cron)")
        s.set_defaults(func=func)

    s = sub.add_parser("bench", add_help=False,
                       help="time the batch run against the plain papermill loop "
                            "(options: see bench/batch.py --help)")
    s.set_defaults(func=cmd_bench, bench_args=[])
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.command == "bench":
        args.bench_args = extra  # everything after `bench` belongs to bench/batch.py
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return args.func(args)
    except SmmError as exc:
        if args.debug:
            raise
        print(f"smm-nb: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
