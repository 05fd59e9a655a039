"""One error hierarchy: only UserErrors reach the analyst as their own one-line message;
anything else is a bug, logged with its traceback and reported as an internal error."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import pytest

from workbench.cli.common import Context, run_handler
from workbench.domain.grading import GradingError
from workbench.errorlog import error_message
from workbench.errors import BadFile, BadInput, Cancelled, NotFound, StoreError, UserError, file_errors
from workbench.ingest.errors import ImportFailed
from workbench.ingest.timeparse import BadDate
from workbench.tasking.workflow import WorkflowError


def _run(tmp_path, handler) -> tuple[int, dict, str]:
    args = argparse.Namespace(handler=handler)
    ctx = Context(tmp_path / "s.sqlite", json=True)
    return run_handler(args, ctx), ctx


def test_every_error_the_analyst_may_see_is_a_user_error():
    for cls in (ImportFailed, BadDate, GradingError, WorkflowError, StoreError, Cancelled, NotFound):
        assert issubclass(cls, UserError), cls


def test_user_error_is_shown_as_its_own_line(tmp_path, capsys):
    def handler(args, ctx):
        raise NotFound("no series 42")

    code, _ = _run(tmp_path, handler)
    out = capsys.readouterr()
    assert code == 1 and json.loads(out.out) == {"error": "no series 42"}
    assert out.err.strip() == "workbench: error: no series 42"


@pytest.mark.parametrize("bug", [ValueError("could not convert string to float: 'x'"),
                                 OSError("disk gone"), KeyError("easting")])
def test_a_plain_value_or_os_error_is_an_internal_error_logged_with_its_traceback(tmp_path, capsys, bug):
    def handler(args, ctx):
        raise bug

    code, _ = _run(tmp_path, handler)
    message = json.loads(capsys.readouterr().out)["error"]
    assert code == 1 and message.startswith("internal error") and "logged to" in message
    log = Path(os.environ["WORKBENCH_HOME"]) / "workbench-errors.log"
    assert message.endswith(str(log))
    text = log.read_text()
    assert "Traceback" in text and "in handler" in text and type(bug).__name__ in text


def test_error_message_logs_only_bugs(tmp_path):
    log = Path(os.environ["WORKBENCH_HOME"]) / "workbench-errors.log"
    assert error_message(BadInput("--top  must be\n at least 1")) == "--top must be at least 1"
    assert not log.exists()
    try:
        _ = 1 / 0
    except ZeroDivisionError as exc:
        assert error_message(exc) == f"internal error (ZeroDivisionError), logged to {log}"
    assert "ZeroDivisionError" in log.read_text()


def test_file_errors_name_the_file(tmp_path):
    target = tmp_path / "missing" / "x.csv"
    with pytest.raises(BadFile, match="missing/x.csv: No such file or directory"), file_errors(target):
        target.read_text()


def test_missing_input_file_is_a_one_line_user_error(tmp_path, capsys):
    from workbench.cli import main

    code = main(["--db", str(tmp_path / "s.sqlite"), "returns", "import", str(tmp_path / "nope.json"), "--json"])
    out = capsys.readouterr()
    assert code == 1 and "nope.json: No such file or directory" in json.loads(out.out)["error"]
    assert "internal error" not in out.out
