"""The scenario lexer's words as `daxsim expand` prints them (LINE, TASK, words,
tab-separated): quoting, escapes, comments, variables, continuation lines and
CRLF files (docs/language.md)."""
import pytest

from conftest import run


def expand(text):
    r = run(["expand", "-"], stdin=text)
    assert r.returncode == 0, r.stderr
    return [line.split("\t") for line in r.stdout.splitlines()]


def test_quotes_escapes_and_comments():
    words = expand('set X=val\necho "a\\"b" "\\$x" "c\\\\d" "e\\qf" a\\ b a#b "" x"y"z ${X} "$X" \'$X\' # comment\n')
    # expand prints each word escaped: '"' and '\\' with a backslash
    assert words == [["2", "-", "echo", 'a\\"b', "$x", "c\\\\d", "e\\\\qf", "a b", "a#b", "", "xyz", "val", "val",
                      "$X"]]


def test_crlf_on_every_physical_line():
    """A CRLF file's continuation lines lose their CR too (the last word kept it: '4k\\r')."""
    assert expand("echo x\r\necho a \\\r\nb\r\n") == [["1", "-", "echo", "x"], ["2", "-", "echo", "a", "b"]]
    r = run(["run", "-"], stdin="pmem size=64m\r\nmkfs\r\n@t open -f a\r\n@t pwrite 0 \\\r\n  4k\r\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "wrote 4096/4096 bytes at offset 0\n"


def test_tabs_and_continuations():
    assert expand("echo\ttab \\\n  here\n\n# only a comment\n  \necho last") == \
        [["1", "-", "echo", "tab", "here"], ["6", "-", "echo", "last"]]


@pytest.mark.parametrize("text,where,msg", [
    ("set\n", "1:1", "usage: set NAME=VALUE"),
    ("set X\n", "1:1", "usage: set NAME=VALUE"),
    ("set 1X=2\n", "1:5", "set: '1X' is not a variable name (usage: set NAME=VALUE)"),
    ("set X=1 Y=2\n", "1:1", "usage: set NAME=VALUE"),
    ("@1t open a\n", "1:1", "bad task name '@1t'"),
    ("echo ${X\n", "1:6", "unterminated ${"),
    ("echo $NOPE\n", "1:6", "unknown variable 'NOPE'"),
    # the braces used to vanish (${} was '$') or hold any text (${a b} looked up 'a b')
    ("echo ${}\n", "1:6", "bad substitution '${}' (a NAME of letters, digits, _)"),
    ("echo ${a b}\n", "1:6", "bad substitution '${a b}'"),
])
def test_lexer_usage_errors(text, where, msg):
    """FILE:LINE:COL at the word, exit 2; a lone '$' is a literal, as in sh."""
    r = run(["expand", "-"], stdin=text)
    assert r.returncode == 2, r.stdout
    assert r.stderr.startswith("<stdin>:%s: %s" % (where, msg)), r.stderr


def test_a_lone_dollar_is_literal():
    assert expand("echo $ a$\n") == [["1", "-", "echo", "$", "a$"]]
