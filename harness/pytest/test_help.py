"""`daxsim --help` and `daxsim help` describe the CLI and the language."""
from conftest import run


def test_dash_dash_help_is_stdout_and_success():
    r = run(["--help"])
    assert r.returncode == 0
    assert "daxsim run" in r.stdout and "daxsim explore" in r.stdout
    assert r.stderr == ""


def test_no_arguments_is_a_usage_error():
    r = run([])
    assert r.returncode == 2 and "usage: daxsim run" in r.stderr


def test_help_covers_the_language():
    out = run(["help"]).stdout
    for word in ("@TASK", "CMD ... &", "wait", "set NAME=VALUE", "$((EXPR))", "explore"):
        assert word in out, word
