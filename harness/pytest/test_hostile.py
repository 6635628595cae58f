"""Hostile input (issue 15): every case exits 2 with FILE:LINE:COL naming
the problem, or does the safe thing; never a crash, a hang, a shell, or a
file daxsim did not create overwritten.  docs/testing.md, "hostile input",
lists each check with its cap and message."""
import csv
import io
import json
import os
import re
import shutil
import subprocess

import pytest

from conftest import DAXSIM, ROOT, run

# the caps of sim/scn/scn.h
MAX_BYTES = 16 << 20
MAX_LINE = 64 << 10
MAX_WORDS = 1024
MAX_VAR = 64 << 10
MAX_NEST = 256


def usage_error(r, line, col=None):
    """Exit 2, one FILE:LINE:COL message; returns the message."""
    assert r.returncode == 2, (r.returncode, r.stdout[-500:], r.stderr[-500:])
    m = re.match(r"[^:\n]+:(\d+):(\d+): (.*)\n\Z", r.stderr)
    assert m, r.stderr[-500:]
    assert int(m.group(1)) == line, r.stderr
    if col is not None:
        assert int(m.group(2)) == col, r.stderr
    return m.group(3)


_ASAN = None


def bounded(args, stdin=""):
    """Run daxsim in a child that reports its peak RSS (KiB).  Outside ASan
    (which reserves terabytes of address space) the address space is
    limited to 4 GiB, so an unfixed binary fails the test instead of
    eating the machine."""
    global _ASAN
    if _ASAN is None:
        with open(DAXSIM, "rb") as f:
            _ASAN = b"__asan_init" in f.read()
    limit = "" if _ASAN else "resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30)); "
    prog = ("import resource, subprocess, sys; " + limit +
            "r = subprocess.run(sys.argv[1:], stdin=sys.stdin, timeout=60); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
            "sys.exit(r.returncode)")
    r = subprocess.run(["/usr/bin/python3", "-c", prog, DAXSIM] + args, input=stdin,
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    err, _, rss = r.stderr.rstrip("\n").rpartition("\n")
    r.stderr = err + "\n" if err else ""
    return r, int(rss) if rss.isdigit() else 1 << 30


def run_bytes(args, stdin=b"", cwd=ROOT, env=None):
    return subprocess.run([DAXSIM] + args, input=stdin, capture_output=True,
                          cwd=cwd, timeout=120, env=env)


# --- 5: arithmetic -----------------------------------------------------------

@pytest.mark.parametrize("expr,word", [
    ("(-0x7fffffffffffffff-1) / -1", "overflow"),
    ("9223372036854775807+1", "overflow"),
    ("-9223372036854775807-2", "overflow"),
    ("0x7fffffffffffffff*2", "overflow"),
    ("-(-0x7fffffffffffffff-1)", "overflow"),
    ("4e*4", "overflow"),
    ("8e", "out of the 64-bit range"),
    ("99999999999999999999", "out of the 64-bit range"),
    ("1/0", "division by zero"),
    ("5%0", "division by zero"),
    ("5%(3-3)", "division by zero"),
    ("1 +", "bad arithmetic expression"),
    ("12q", "bad number '12q'"),
])
def test_arith_errors(expr, word):
    msg = usage_error(run(["run", "-"], stdin=f"echo x $(({expr}))\n"), 1, 8)
    assert word in msg and f"$(({expr}))" in msg, msg


def test_arith_error_column_inside_quotes_and_nesting():
    # the column is that of the failing $((, also inside an outer $(( ))
    msg = usage_error(run(["run", "-"], stdin='echo "ab $((1 + $((2/0))))"\n'), 1, 17)
    assert "division by zero in $((2/0))" in msg


def test_arith_edges_that_hold():
    r = run(["run", "-"], stdin="echo $(( (-0x7fffffffffffffff-1) % -1 )) "
                                "$(( (-0x7fffffffffffffff-1) / 1 )) $((- - -3)) "
                                "$(( $((1+2)) * $((4k/1k)) ))\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "0 -9223372036854775808 -3 12\n"


def test_paren_nesting_has_its_own_message():
    deep = "(" * 1000 + "1" + ")" * 1000
    msg = usage_error(run(["run", "-"], stdin=f"echo $(({deep}))\n"), 1, 6)
    assert f"nested deeper than {MAX_NEST}" in msg
    # 50,000 parentheses through variables (the line cap does not apply to values)
    text = f"set P={'(' * 50000}\nset Q={')' * 50000}\necho $(($P 1 $Q))\n"
    msg = usage_error(run(["run", "-"], stdin=text), 3, 6)
    assert f"parentheses nested deeper than {MAX_NEST}" in msg
    # at the limit it still works
    ok = "(" * MAX_NEST + "7" + ")" * MAX_NEST
    r = run(["run", "-"], stdin=f"echo $(({ok}))\n")
    assert r.returncode == 0 and r.stdout == "7\n", r.stderr[-300:]


def test_dollar_paren_nesting_is_limited_and_linear():
    text = "echo " + "$((" * 10000 + "1" + "))" * 10000 + "\n"
    r, rss = bounded(["run", "-"], stdin=text)
    msg = usage_error(r, 1)
    assert f"$(( )) nested deeper than {MAX_NEST} levels" in msg
    ok = "echo " + "$((1+" * MAX_NEST + "1" + "))" * MAX_NEST + "\n"
    r = run(["run", "-"], stdin=ok)
    assert r.returncode == 0 and r.stdout == f"{MAX_NEST + 1}\n", r.stderr[-300:]
    # quadratic lexing took 965 MB at depth 20k; linear lexing a few MB
    assert rss < 400 * 1024


# --- 8: NUL bytes, mkfs and pwrite numbers ------------------------------------

def test_nul_byte_is_an_error():
    r = run_bytes(["run", "-"], b"echo a\n\x00expect alive nobody\n")
    msg = usage_error(type(r)(r.args, r.returncode, r.stdout.decode(), r.stderr.decode()), 2, 1)
    assert "NUL byte" in msg
    r = run_bytes(["run", "-"], b"echo ab\x00c\n")
    assert r.returncode == 2 and r.stderr.startswith(b"<stdin>:1:8: NUL byte")


@pytest.mark.parametrize("opt,col", [
    ("blocksize=4294971392", 16),
    ("agcount=4294967297", 14),
    ("agcount=0", 14),
    ("agcount=-1", 14),
    ("reflink=-1", 14),
    ("reflink=2", 14),
    ("rmapbt=-1", 13),
    ("blocksize=-4096", 16),
    ("blocksize=" + "0" * 70 + "4096", 16),
])
def test_mkfs_numbers_out_of_range(opt, col):
    msg = usage_error(run(["run", "-"], stdin=f"pmem size=64m\nmkfs {opt}\n"), 2, col)
    assert "mkfs" in msg and opt.split("=")[0] in msg, msg


@pytest.mark.parametrize("cmd,col", [
    ("pwrite -b -1 0 4k", 11),
    ("pwrite -b 0 0 4k", 11),
    ("pwrite -b2e 0 4k", 10),
    ("pread -b -1 0 4k", 10),
    ("pread -b 1e 0 4k", 10),
])
def test_bsize_out_of_range(cmd, col):
    text = f"pmem size=64m\nopen -f a\npwrite -q 0 4k\n{cmd}\n"
    msg = usage_error(run(["run", "-"], stdin=text), 4, col)
    assert "-b" in msg, msg


def test_bsize_in_xfs_io_c():
    msg = usage_error(run(["run", "-"], stdin="pmem size=64m\nxfs_io -f -c 'pwrite -b -1 0 4k' a\n"), 2)
    assert "-b" in msg


def test_long_key_value_is_not_truncated():
    # a value longer than the parser's buffer was cut silently
    msg = usage_error(run(["run", "-"], stdin=f"pmem size=64m backing=file:/tmp/{'x' * 600}\n"), 1)
    assert "too long" in msg


def test_lockdep_graph_existing_is_refused_before_the_run(tmp_path):
    dot = tmp_path / "mine.dot"
    dot.write_text("user data")
    # the scenario fails an expectation: that exit 1 must not hide the refusal
    r = run(["run", f"--lockdep-graph={dot}", "-"], stdin="echo ran\nexpect alive nobody\n")
    assert r.returncode == 2 and "exists" in r.stderr, r.stderr
    assert r.stdout == "" and dot.read_text() == "user data"
    edges = tmp_path / "edges"
    edges.write_text("user data")
    r = run(["run", f"--lockdep-edges={edges}", "-"], stdin="echo ran\n")
    assert r.returncode == 2 and r.stdout == "" and edges.read_text() == "user data"


def test_lockdep_outputs_not_left_behind_on_usage_error(tmp_path):
    dot = tmp_path / "g.dot"
    r = run(["run", f"--lockdep-graph={dot}", "-"], stdin="frobnicate\n")
    assert r.returncode == 2 and not dot.exists()
    r = run(["run", f"--lockdep-graph={dot}", "-"], stdin="echo ok\n")
    assert r.returncode == 0 and dot.read_text().startswith("digraph")


# --- 7: caps on the scenario ---------------------------------------------------

def test_variable_doubling_stops_at_the_cap():
    # 16 doublings (31 MB unchecked) are enough to pass the 64 KiB cap
    text = "set A=" + "x" * 473 + "\n" + "set A=$A$A\n" * 16 + "echo done\n"
    r, rss = bounded(["run", "-"], stdin=text)
    msg = usage_error(r, 9, 5)
    assert f"over the limit of {MAX_VAR}" in msg and "A" in msg


def test_line_length_cap():
    msg = usage_error(run(["run", "-"], stdin="echo " + "x" * (MAX_LINE + 10) + "\n"), 1, MAX_LINE + 1)
    assert "line longer than the limit" in msg
    # continuation lines count together, reported at the first line
    text = "echo a\n" + ("echo " + "y" * 40000 + " \\\n") * 2 + "\n"
    msg = usage_error(run(["run", "-"], stdin=text), 2)
    assert "line longer than the limit" in msg


def test_words_per_line_cap():
    msg = usage_error(run(["run", "-"], stdin="echo" + " a" * 2000 + "\n"), 1, 4 + 2 * MAX_WORDS)
    assert f"more than {MAX_WORDS} words" in msg


def test_expanded_line_cap():
    text = "set A=" + "x" * 60000 + "\necho " + "$A" * 20 + "\n"
    msg = usage_error(run(["run", "-"], stdin=text), 2)
    assert "after expansion" in msg and "$A" in msg


def test_expanded_scenario_cap():
    text = "set A=" + "x" * 60000 + "\n" + ("echo " + "$A" * 16 + "\n") * 200
    r, rss = bounded(["run", "-"], stdin=text)
    msg = usage_error(r, 71)
    assert "larger than the limit of 67108864 bytes after expansion" in msg


def test_scenario_size_cap(tmp_path):
    big = tmp_path / "big.scn"
    with open(big, "w") as f:
        f.write(("# " + "c" * 1000 + "\n") * (MAX_BYTES // 1003 + 2))
    msg = usage_error(run(["run", str(big)]), MAX_BYTES // 1003 + 1)
    assert f"larger than the limit of {MAX_BYTES} bytes" in msg


def test_dev_zero_is_bounded():
    r, rss = bounded(["run", "/dev/zero"])
    assert r.returncode == 2 and r.stderr.startswith("/dev/zero:1:"), r.stderr
    assert "larger than the limit" in r.stderr and rss < 400 * 1024
    r, rss = bounded(["expand", "/dev/zero"])
    assert r.returncode == 2 and "larger than the limit" in r.stderr and rss < 400 * 1024


def test_real_scenarios_are_far_below_the_caps():
    for scn in sorted((ROOT / "scenarios").rglob("*.scn")):
        text = scn.read_text()
        assert len(text) < MAX_BYTES // 100
        assert max(len(l) for l in text.splitlines() or [""]) < MAX_LINE // 10


# --- 1: compare --plot ---------------------------------------------------------

def fake_gnuplot(tmp_path):
    """A gnuplot that records its argv and script and prints a tiny SVG."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    log = tmp_path / "gnuplot.log"
    g = bindir / "gnuplot"
    g.write_text("#!/bin/sh\n"
                 f"printf '%s\\n' \"$0\" \"$@\" > '{log}'\n"
                 f"cat \"$1\" >> '{log}'\n"
                 "printf '<?xml version=\"1.0\"?><svg/>\\n'\n")
    g.chmod(0o755)
    env = dict(os.environ, PATH=f"{bindir}:/usr/bin:/bin")
    return env, log


def plot_in(tmp_path, name, env=None):
    return run_bytes(["compare", f"--plot={name}"], cwd=tmp_path, env=env)


@pytest.mark.parametrize("name", [
    "x$(touch PWNED).svg", "x`touch PWNED`.svg", "x;touch PWNED;.svg",
    "|touch PWNED", "<touch PWNED", "x'; system 'touch PWNED'; '.svg",
    "x\"; system \"touch PWNED\"; \".svg", "x\nsystem 'touch PWNED'\n.svg",
])
def test_plot_runs_no_command(tmp_path, name):
    work = tmp_path / "w"
    work.mkdir()
    env, log = fake_gnuplot(tmp_path)
    r = plot_in(work, name, env)
    assert r.returncode == 0, r.stderr
    assert not list(tmp_path.rglob("PWNED")) and not (ROOT / "PWNED").exists()
    # the file has exactly the name asked for; nothing else is left behind
    assert sorted(p.name for p in work.iterdir()) == sorted([name, name + ".dat"])
    assert (work / name).read_bytes().startswith(b"<?xml")
    # gnuplot got an argv (its script, by absolute name) and never the user's name
    argv_and_script = log.read_text()
    lines = argv_and_script.split("\n")
    assert lines[0].endswith("/gnuplot") and lines[1].startswith("/") and lines[1].endswith(".gp")
    assert "PWNED" not in argv_and_script and "$growth << EOD" in argv_and_script
    assert not os.path.exists(lines[1])        # the script is removed


def test_plot_with_real_gnuplot_and_hostile_name(tmp_path):
    if not shutil.which("gnuplot"):
        pytest.skip("gnuplot-nox is not installed (make deps)")
    r = plot_in(tmp_path, "x$(touch PWNED).svg")
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / "PWNED").exists() and not (ROOT / "PWNED").exists()
    assert (tmp_path / "x$(touch PWNED).svg").read_text().startswith("<?xml")


@pytest.mark.parametrize("name", ["victim.svg", "victim$(true).svg", "victim`true`.svg"])
def test_plot_never_truncates_an_existing_file(tmp_path, name):
    env, log = fake_gnuplot(tmp_path)
    victim = tmp_path / "victim.svg"
    victim.write_text("user data")
    r = plot_in(tmp_path, name, env)
    assert victim.read_text() == "user data"
    if name == "victim.svg":
        # refused before anything ran: no scenario, no gnuplot, no files
        assert r.returncode == 2 and b"must not exist" in r.stderr and r.stdout == b""
        assert not log.exists()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["bin", "victim.svg"]
    else:
        assert r.returncode == 0 and (tmp_path / name).exists()


def test_plot_refuses_symlinks_and_existing_data(tmp_path):
    env, log = fake_gnuplot(tmp_path)
    (tmp_path / "target").write_text("user data")
    os.symlink(tmp_path / "target", tmp_path / "link.svg")
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling.svg")
    (tmp_path / "d.svg.dat").write_text("user data")
    for name in ["link.svg", "dangling.svg", "d.svg"]:
        r = plot_in(tmp_path, name, env)
        assert r.returncode == 2 and b"must not exist" in r.stderr, r.stderr
    assert not log.exists() and not (tmp_path / "nowhere").exists()
    assert (tmp_path / "target").read_text() == "user data"
    assert (tmp_path / "d.svg.dat").read_text() == "user data"
    assert not (tmp_path / "d.svg").exists()


def test_plot_without_gnuplot_keeps_the_data_only(tmp_path):
    bindir = tmp_path / "empty"
    bindir.mkdir()
    r = plot_in(tmp_path, "p.svg", dict(os.environ, PATH=str(bindir)))
    assert r.returncode == 2 and b"gnuplot" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "p.svg.dat"]


def test_plot_unwritable_directory_fails_before_running(tmp_path):
    r = plot_in(tmp_path, "no/such/dir/p.svg")
    assert r.returncode == 2 and b"no/such/dir/p.svg" in r.stderr and r.stdout == b""


# --- 10: output formats and escaping -------------------------------------------

HOSTILE = b'a,b"c\nd\re\x1b[31m\x7f\xff\xc2\x85\xc3(\xc3\xa9 \t\\x.scn'


def display(b):
    """What daxsim prints for the name @b (scn_escape)."""
    out = []
    for ch in b.decode("utf-8", "surrogateescape"):
        o = ord(ch)
        if 0xdc80 <= o <= 0xdcff:
            out.append("\\x%02x" % (o - 0xdc00))
        elif o < 0x20 or 0x7f <= o < 0xa0:
            out.extend("\\x%02x" % x for x in ch.encode())
        else:
            out.append(ch)
    return "".join(out)


def clean(b):
    """No raw control byte but newline, valid UTF-8, no C1 control."""
    text = b.decode("utf-8")
    assert not [c for c in text if (ord(c) < 0x20 and c not in "\n\t") or 0x7f <= ord(c) < 0xa0], text
    return text


@pytest.fixture
def hostile_scn(tmp_path):
    path = os.fsencode(tmp_path) + b"/" + HOSTILE
    with open(path, "wb") as f:
        f.write((ROOT / "scenarios/basic/seed-reflink-mmap.scn").read_bytes())
    return path


def test_json_is_valid_for_any_name(hostile_scn):
    r = run_bytes(["compare", "--format=json", hostile_scn, "scenarios/cow/many-sharers.scn"])
    assert r.returncode == 0, r.stderr
    rows = json.loads(clean(r.stdout))
    assert len(rows) == 8
    # control characters are exact (JSON escapes); a byte that is not UTF-8 is the text \xNN
    expect = hostile_scn.decode("utf-8", "surrogateescape")
    expect = expect.replace("\udcff", "\\xff").replace("\udcc3", "\\xc3")
    assert rows[0]["scenario"] == expect and rows[4]["scenario"] == "scenarios/cow/many-sharers.scn"
    assert [x["design"] for x in rows[:4]] == [x["design"] for x in rows[4:]]


def test_json_every_byte_value_in_a_name(tmp_path):
    every = os.fsencode(tmp_path) + b"/" + bytes(b for b in range(1, 256) if b != ord("/"))
    with open(every, "wb") as f:
        f.write(b"echo hello\n")
    r = run_bytes(["compare", "--format=json", every])
    assert r.returncode == 0, r.stderr
    rows = json.loads(clean(r.stdout))
    assert len(rows) == 4 and all(x["verdict"] == "held" for x in rows)
    name = rows[0]["scenario"]
    assert name.startswith(str(tmp_path) + "/")
    assert name[len(str(tmp_path)) + 1:][:31] == "".join(chr(c) for c in range(1, 32))
    assert "\\x80" in name and "\\xff" in name
    r = run_bytes(["compare", "--format=csv", every])
    assert r.returncode == 0 and len(list(csv.reader(io.StringIO(clean(r.stdout))))) == 5


def test_csv_quotes_per_rfc4180(hostile_scn, tmp_path):
    plain = tmp_path / "x,y.scn"
    plain.write_bytes((ROOT / "scenarios/basic/seed-reflink-mmap.scn").read_bytes())
    r = run_bytes(["compare", "--format=csv", hostile_scn, str(plain)])
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(clean(r.stdout), newline="")))
    assert len(rows) == 8 and len(clean(r.stdout).splitlines()) == 9
    assert {x["scenario"] for x in rows[:4]} == {display(hostile_scn)}
    assert {x["scenario"] for x in rows[4:]} == {str(plain)}
    assert all(x["data_errors"] == "0" for x in rows)


def test_text_table_escapes_the_name(hostile_scn):
    r = run_bytes(["compare", hostile_scn])
    assert r.returncode == 0, r.stderr
    assert clean(r.stdout).splitlines()[0] == display(hostile_scn)


def test_scenario_output_and_messages_are_escaped(tmp_path):
    name = b"s\x1b]0;title\x07\r.scn"
    path = os.fsencode(tmp_path) + b"/" + name
    with open(path, "wb") as f:
        f.write(b"pmem size=64m\n"
                b"echo 'esc \x1b[2J cr \r bad \xff c1 \xc2\x9b ok \xc3\xa9 tab\t.'\n"
                b"xfs_io -f -c 'pwrite -q 0 4k' 'f\x1b[31m\xfe'\n"
                b"md5sum 'f\x1b[31m\xfe' 'no\rsuch'\n"
                b"expect md5 'f\x1b[31m\xfe' 00000000000000000000000000000000\n")
    r = run_bytes(["run", path])
    assert r.returncode == 1, r.stderr
    out = clean(r.stdout).splitlines()
    assert out[0] == "esc \\x1b[2J cr \\x0d bad \\xff c1 \\xc2\\x9b ok \xe9 tab\t."
    assert out[1].endswith("  f\\x1b[31m\\xfe")
    assert out[2] == "md5sum: no\\x0dsuch: No such file or directory"
    assert out[3].startswith("EXPECT FAILED " + display(path) + ":5: ")
    assert "f\\x1b[31m\\xfe" in out[3]
    # usage errors on stderr
    with open(path, "wb") as f:
        f.write(b"echo ok\n\x1b[31mfrob\xff x\n")
    r = run_bytes(["run", path])
    assert r.returncode == 2
    assert clean(r.stderr) == display(path) + ":2:1: unknown command '\\x1b[31mfrob\\xff' (see `daxsim help`)\n"
    r = run_bytes(["run", b"no\x1bsuch\xff.scn"])
    assert r.returncode == 2 and "no\\x1bsuch\\xff.scn" in clean(r.stderr)
