"""``smm-nb run`` / ``bench`` argument handling that needs no kernel."""
import pytest

from smm_nb.cli import build_parser, main


def test_run_options_parse():
    args = build_parser().parse_args(["run", "a", "b", "--workers", "3", "--scheduler",
                                      "tcp://h:8786", "--changed", "--quiet",
                                      "--fresh-kernels", "--timeout", "30"])
    assert (args.slugs, args.workers, args.scheduler, args.changed, args.quiet,
            args.fresh_kernels, args.timeout) == (["a", "b"], 3, "tcp://h:8786", True, True,
                                                  True, 30)


def test_bench_passes_its_options_through(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["bench", "--clients", "1", "--help"])
    assert exc.value.code == 0
    assert "--clients" in capsys.readouterr().out


def test_unknown_run_option_is_an_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", "--bogus"])
    assert exc.value.code == 2


def test_no_client_selected_is_exit_2(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "run"]) == 2
    assert "no clients selected" in capsys.readouterr().err
