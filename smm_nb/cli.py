"""The ``smm-nb`` command: new-client, validate, run, demo.

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
    from smm_nb.model.workspace import list_clients, load_client
    from smm_nb.run.batch import NOTEBOOKS, run_client

    data_dir = _data_dir(args)
    slugs = list_clients(data_dir) if args.all else list(args.slugs)
    if not slugs:
        raise SmmError("no clients selected: name one or more slugs, or use --all")
    notebooks = tuple(args.notebooks) if args.notebooks else NOTEBOOKS
    problems, workspaces = [], []
    for slug in slugs:  # validate everything first and report all problems together
        try:
            ws = load_client(slug, data_dir)
            ws.tables()  # reads and checks every export (and warms the cache)
            workspaces.append(ws)
        except SmmError as exc:
            problems.append(str(exc))
    if problems:
        raise SmmError("cannot run:\n  " + "\n  ".join(problems))
    failed = 0
    reports_dir = Path(args.reports_dir).resolve() if args.reports_dir else None
    for ws in workspaces:
        outcome = run_client(ws, notebooks, args.run_id, reports_dir)
        print(f"{ws.slug}: {outcome.status} -> {outcome.folder}")
        for o in outcome.notebooks:
            if o.status != "ok":
                failed += 1
                print(f"  {o.notebook}: {o.error}", file=sys.stderr)
    if failed:
        return 1
    root = reports_dir or (data_dir.parent / "reports")
    print(f"\nOpen the reports: {root}/<client>/latest/report.html")
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
        else:
            s.add_argument("--no-run", action="store_true", help="only generate the data")
        s.add_argument("--notebooks", nargs="+", help="e.g. 01_audit 02_audience")
        s.add_argument("--run-id", help="name of the run folder (default: a time stamp)")
        s.add_argument("--reports-dir", help="where reports go (default: ./reports)")
        s.set_defaults(func=func)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SmmError as exc:
        if args.debug:
            raise
        print(f"smm-nb: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
