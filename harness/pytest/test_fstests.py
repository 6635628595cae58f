"""daxsim fstests: fstests scripts against their golden output (docs/fstests.md)."""
import hashlib
import pathlib
import re
import subprocess

import pytest

from conftest import DAXSIM, ROOT

PREAMBLE = """#! /bin/bash
. ./common/preamble
_begin_fstest auto quick clone

_cleanup()
{
	cd /
	rm -rf $tmp.* $testdir
}

. ./common/filter
. ./common/reflink

"""

TRAILER = """
# success, all done
status=0
exit
"""


def make_test(tmp_path, body, golden, name="generic/001", preamble=True):
    """Write tests/NAME and tests/NAME.out under tmp_path; return the script path."""
    script = tmp_path / "tests" / name
    script.parent.mkdir(parents=True, exist_ok=True)
    text = (PREAMBLE + body + TRAILER) if preamble else body
    script.write_text(text)
    pathlib.Path(str(script) + ".out").write_text(golden)
    return script


def fstests(args, cwd):
    return subprocess.run([DAXSIM, "fstests"] + [str(a) for a in args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def qa(seq="001"):
    return "QA output created by %s\n" % seq


def test_pass_and_summary(tmp_path):
    body = """testdir=$TEST_DIR/test-$seq
mkdir $testdir
blksz=65536
echo "Create"
_pwrite_byte 0x61 0 $((blksz * 2 - 3)) $testdir/a >> $seqres.full
_cp_reflink $testdir/a $testdir/b
_test_cycle_mount
md5sum $testdir/a $testdir/b | _filter_test_dir
cmp -s $testdir/a $testdir/b || echo "a and b differ"
"""
    # the md5 is computed here, independently of the simulator
    md5 = hashlib.md5(b"a" * (65536 * 2 - 3)).hexdigest()
    want = qa() + "Create\n%s  TEST_DIR/test-001/a\n%s  TEST_DIR/test-001/b\n" % (md5, md5)
    script = make_test(tmp_path, body, want)
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert re.fullmatch(r"generic/001 \d+s", lines[0])
    assert lines[1:] == ["Ran: generic/001", "Passed all 1 tests", "1 passed, 0 failed, 0 notrun"]
    # the redirected report went to RESULTS/generic/001.full
    full = (tmp_path / "res" / "generic" / "001.full").read_text()
    assert "wrote 131069/131069 bytes at offset 0" in full
    assert not (tmp_path / "res" / "generic" / "001.out.bad").exists()


def test_default_results_dir_not_beside_the_test(tmp_path):
    script = make_test(tmp_path, 'echo hello\n', qa() + "hello\n")
    r = fstests(["tests/generic/001"], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert sorted(p.name for p in script.parent.iterdir()) == ["001", "001.out"]
    assert (tmp_path / "results" / "generic").is_dir()


def test_mismatch_writes_out_bad_and_diff(tmp_path):
    script = make_test(tmp_path, 'echo one\necho two\n', qa() + "one\nthree\n")
    res = tmp_path / "res"
    r = fstests(["--results", res, script], tmp_path)
    assert r.returncode == 1
    bad = res / "generic" / "001.out.bad"
    assert bad.read_text() == qa() + "one\ntwo\n"
    diff = (res / "generic" / "001.out.diff").read_text()
    assert "-three\n+two\n" in diff
    assert diff.startswith("--- %s.out\n+++ %s\n" % (script, bad))
    assert "generic/001 - output mismatch (see %s)" % bad in r.stdout
    assert "    -three\n    +two\n" in r.stdout
    assert r.stdout.endswith("Failures: generic/001\nFailed 1 of 1 tests\n0 passed, 1 failed, 0 notrun\n")


def test_diff_matches_diff_u(tmp_path):
    golden = qa() + "".join("line %d\n" % i for i in range(40))
    body = "".join('echo "line %d"\n' % i for i in range(40) if i not in (5, 30)) + 'echo "new"\n'
    script = make_test(tmp_path, body, golden)
    res = tmp_path / "res"
    r = fstests(["--results", res, script], tmp_path)
    assert r.returncode == 1
    bad = res / "generic" / "001.out.bad"
    mine = (res / "generic" / "001.out.diff").read_text().splitlines()[2:]
    ref = subprocess.run(["diff", "-u", str(script) + ".out", str(bad)], capture_output=True,
                         text=True).stdout.splitlines()[2:]
    assert mine == ref


def test_exit_status_fails(tmp_path):
    script = make_test(tmp_path, ". ./common/preamble\n_begin_fstest auto\necho hi\nexit\n",
                       qa() + "hi\n", preamble=False)
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 1
    assert "generic/001 [failed, exit status 1]\n" in r.stdout


@pytest.mark.parametrize("line,reason", [
    ('_notrun "this needs a real disk"', "this needs a real disk"),
    ('_require_xfs_io_command "fsmap"', "xfs_io fsmap support is missing"),
    ('_require_xfs_io_command "falloc" "-c"', "xfs_io falloc -c support is missing"),
    ('_require_test_program "fiemap-fault"', "/var/lib/xfstests/src/fiemap-fault not built"),
    ('_require_command "$KILLALL_PROG" killall', "killall utility required, skipped this test"),
    ("_require_congruent_file_oplen $TEST_DIR 1000",
     "/mnt/test: file alloc unit 4096 larger than op length 1000"),
])
def test_notrun_reasons(tmp_path, line, reason):
    script = make_test(tmp_path, line + "\necho should-not-matter\n", qa())
    res = tmp_path / "res"
    r = fstests(["--results", res, script], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "generic/001 [not run] %s\n" % reason in r.stdout
    assert (res / "generic" / "001.notrun").read_text() == reason + "\n"
    assert r.stdout.endswith("Not run: generic/001\nPassed all 1 tests\n0 passed, 0 failed, 1 notrun\n")


@pytest.mark.parametrize("text,why", [
    ("echo abc | awk 'END { print NR }'", "awk other than awk '{ print $N, ... }' on its input"),
    ("case $x in a) echo a;;& esac", "case fall-through ;;&"),
    ("cat <<< word", "here strings"),
    ("[[ $TEST_DIR/x -nt $TEST_DIR/y ]] && echo yes", "this [[ ]] form"),
    ("$XFS_IO_PROG -f -c 'fsmap -v' $TEST_DIR/f", "daxsim: unknown command 'fsmap'"),
    ("$XFS_IO_PROG -f -T -c 'pwrite 0 4k' $TEST_DIR/f", "xfs_io -T is not modelled"),
    ("_require_nonexistent_thing", "a _require_ check daxsim does not know"),
    ("echo ${x/a/b}", "this ${...} form"),
])
def test_unsupported_construct(tmp_path, text, why):
    script = make_test(tmp_path, text + "\n", qa())
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    lineno = PREAMBLE.count("\n") + 1
    first = text.splitlines()[0]
    want = "generic/001 [not run] unsupported: %s:%d: %s" % (script, lineno, first)
    if why:
        want += " (%s)" % why
    assert want + "\n" in r.stdout, r.stdout


def test_unsupported_never_passes(tmp_path):
    """Output that would match still is not a pass when a construct is unknown."""
    script = make_test(tmp_path, "echo hi\nawk '{print}' /dev/null\n", qa() + "hi\n")
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert "0 passed, 0 failed, 1 notrun" in r.stdout


@pytest.mark.parametrize("body,where,msg", [
    ('echo "unterminated\n', "%d:6", "unterminated double quote"),
    ("fi\n", "%d:1", "unexpected 'fi'"),
    ("if true; then\necho x\n", None, "expected 'fi' for the if"),
    ("for i in 1 2; do echo $i\n", None, "expected 'done'"),
])
def test_syntax_errors_are_usage_errors(tmp_path, body, where, msg):
    script = make_test(tmp_path, body, qa())
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 2
    line = PREAMBLE.count("\n") + 1
    assert re.match(r"%s:\d+:\d+: " % re.escape(str(script)), r.stderr), r.stderr
    if where:
        assert r.stderr.startswith("%s:%s: " % (script, where % line)), r.stderr
    assert msg in r.stderr


@pytest.mark.parametrize("args,msg", [
    ([], "usage: daxsim fstests"),
    (["--bogus", "x"], "Unknown option --bogus"),
    (["--model", "nope", "x"], "unknown model 'nope'"),
    (["tests/generic/404"], "tests/generic/404: cannot read the test script"),
    (["tests/generic/002"], "tests/generic/002.out: cannot read the golden output"),
])
def test_cli_usage_errors(tmp_path, args, msg):
    (tmp_path / "tests" / "generic").mkdir(parents=True)
    (tmp_path / "tests" / "generic" / "002").write_text("echo no golden\n")
    r = fstests(args, tmp_path)
    assert r.returncode == 2
    assert msg in r.stderr


def test_arithmetic_loops_functions(tmp_path):
    body = r"""blksz=65536
off=$(( (blksz * 3) / 2 - 168 ))
echo "off=$off hex=$((0x10 + 010)) neg=$((-7 / 2)) mod=$((-7 % 3)) cmp=$((3 > 2 && 1 < 0))"
show() {
	local n=$1
	echo "show $n ${2:-none} $#"
}
for i in $(seq 1 3); do
	show $i
done
i=0
while [ $i -lt 3 ]; do
	i=$((i + 1))
	[ $i -eq 2 ] && continue
	show $i x
done
if [ -d $TEST_DIR ] && ! [ -e $TEST_DIR/nothing ]; then echo dirs ok; fi
x="a  b"
set_words() { echo "$#"; }
set_words $x "$x"
echo "$(echo nested $(echo deep))" `echo back`
echo $((1 / 0))
echo after
"""
    want = qa() + "off=98136 hex=24 neg=-3 mod=-1 cmp=0\n" + \
        "show 1 none 1\nshow 2 none 1\nshow 3 none 1\nshow 1 x 2\nshow 3 x 2\n" + \
        "dirs ok\n3\nnested deep back\n"
    lines = PREAMBLE.count("\n") + body.count("\n") - 1
    script = make_test(tmp_path, body, want)
    # bash: the message, the command is skipped, the script goes on
    want += "%s: line %d: 1 / 0: division by 0 (error token is \"0\")\nafter\n" % (script, lines)
    pathlib.Path(str(script) + ".out").write_text(want)
    res = tmp_path / "res"
    r = fstests(["--results", res, script], tmp_path)
    bad = (res / "generic" / "001.out.bad").read_text() if r.returncode else ""
    assert r.returncode == 0, bad


def test_stderr_survives_stdout_redirect(tmp_path):
    body = """$XFS_IO_PROG -c "pwrite 0 4k" $TEST_DIR/missing > /dev/null
$XFS_IO_PROG -f -c "pwrite 0 4k" $TEST_DIR/nodir/f >> $seqres.full
$XFS_IO_PROG -f -c "pwrite 0 4k" -c "pread 0 4k" $TEST_DIR/f 2>&1 | _filter_xfs_io_numbers
"""
    want = qa() + "/mnt/test/missing: No such file or directory\n" + \
        "/mnt/test/nodir/f: No such file or directory\n" + \
        "wrote XXXX/XXXX bytes at offset XXXX\n" + \
        "XXX Bytes, X ops; XX:XX:XX.X (XXX YYY/sec and XXX ops/sec)\n" + \
        "read XXXX/XXXX bytes at offset XXXX\n" + \
        "XXX Bytes, X ops; XX:XX:XX.X (XXX YYY/sec and XXX ops/sec)\n"
    script = make_test(tmp_path, body, want)
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 0, r.stdout + (tmp_path / "res/generic/001.out.bad").read_text()


def test_invariant_violation_fails_even_when_hidden(tmp_path):
    """The rfc design breaks under concurrent mmap writers of one extent:
    the report reaches the output whatever the test redirects."""
    src = ROOT / "scenarios" / "fstests" / "daxsim" / "004"
    text = src.read_text().replace("$here/src/mmap-write-concurrent 200",
                                   "$here/src/mmap-write-concurrent 200 > /dev/null 2>&1")
    script = tmp_path / "tests" / "daxsim" / "004"
    script.parent.mkdir(parents=True)
    script.write_text(text)
    pathlib.Path(str(script) + ".out").write_text((ROOT / "scenarios/fstests/daxsim/004.out").read_text())
    res = tmp_path / "res"
    r = fstests(["--model", "rfc", "--results", res, script], tmp_path)
    assert r.returncode == 1
    assert "[failed, simulator invariant violated]" in r.stdout
    assert "INVARIANT" in (res / "daxsim" / "004.out.bad").read_text()
    r = fstests(["--model", "mainline", "--results", res, script], tmp_path)
    assert r.returncode == 0, r.stdout


def test_own_suite_passes_and_is_reproducible(tmp_path):
    suite = ROOT / "scenarios" / "fstests" / "daxsim"
    outs = []
    for _ in range(2):
        r = fstests(["--results", tmp_path / "res", suite], tmp_path)
        assert r.returncode == 0, r.stdout
        outs.append(re.sub(r" \d+s$", " Ns", r.stdout, flags=re.M))
    assert outs[0] == outs[1]
    assert outs[0].endswith("14 passed, 0 failed, 0 notrun\n")


def test_check_dmesg_and_helpers(tmp_path):
    body = """testdir=$TEST_DIR/t
mkdir -p $testdir/sub
touch $testdir/sub/empty
test -f $testdir/sub/empty && echo touched
bs=$(_get_file_block_size $TEST_DIR)
echo "bs=$bs page=$(_get_page_size)"
n=5000
echo "up $(_round_up_to_page_boundary $n) $(_round_up_to_page_boundary 8192) $(_round_up_to_page_boundary 'n * 2')"
_pwrite_byte 0x41 0 20 $testdir/f > /dev/null
_hexdump $testdir/f
od -Ad -tx1 -c $testdir/f
_read_range $testdir/f 0 20
echo "size $(_get_filesize $testdir/f)"
_check_dmesg && echo "dmesg clean"
rm $testdir/f
ls_missing=$(md5sum $testdir/f 2>&1)
echo "$ls_missing"
"""
    # GNU od's layouts; _read_range is `cut -d' ' -f3-18` of pread -v, so a
    # short last line keeps its text column
    want = qa() + "touched\nbs=4096 page=4096\nup 8192 8192 12288\n" + \
        "000000 41 41 41 41 41 41 41 41 41 41 41 41 41 41 41 41  >AAAAAAAAAAAAAAAA<\n" + \
        "000010 41 41 41 41                                      >AAAA<\n000014\n" + \
        "0000000  41  41  41  41  41  41  41  41  41  41  41  41  41  41  41  41\n" + \
        "          A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A\n" + \
        "0000016  41  41  41  41\n          A   A   A   A\n0000020\n" + \
        "41 41 41 41 41 41 41 41 41 41 41 41 41 41 41 41\n41 41 41 41  AAAA\n" + \
        "size 20\ndmesg clean\nmd5sum: /mnt/test/t/f: No such file or directory\n"
    script = make_test(tmp_path, body, want)
    res = tmp_path / "res"
    r = fstests(["--results", res, script], tmp_path)
    assert r.returncode == 0, r.stdout + (res / "generic/001.out.bad").read_text()


@pytest.mark.parametrize("text,msg", [
    ("{ " * 5000 + "echo x" + "; }" * 5000, "nested more than 200 deep"),
], ids=["braces"])
def test_nesting_is_bounded_usage_error(tmp_path, text, msg):
    script = make_test(tmp_path, text + "\n", qa())
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 2
    assert msg in r.stderr


@pytest.mark.parametrize("text,msg", [
    ("echo $((" + "(" * 10000 + "1" + ")" * 10000 + "))", "expression nested too deep"),
    ("echo $((" + "- " * 10000 + "1))", "expression nested too deep"),
    ("f() { echo $(f); }\nf", "command substitutions nested too deep"),
    ("g() { g; }\ng\nexit 1", "maximum function nesting level exceeded"),
], ids=["parens", "signs", "subst", "function"])
def test_runaway_recursion_fails_the_test(tmp_path, text, msg):
    script = make_test(tmp_path, text + "\n", qa())
    res = tmp_path / "res"
    r = fstests(["--results", res, script], tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    assert msg in (res / "generic" / "001.out.bad").read_text()


def test_rfc_dmesg_warning_fails(tmp_path):
    suite = ROOT / "scenarios" / "fstests" / "daxsim"
    res = tmp_path / "res"
    r = fstests(["--model", "rfc", "--results", res, suite / "004"], tmp_path)
    assert r.returncode == 1
    assert "_check_dmesg: something found in dmesg (see %s)" % (res / "daxsim" / "004.dmesg") in r.stdout
    assert "WARNING:" in (res / "daxsim" / "004.dmesg").read_text()


def test_memory_failure_program_usage(tmp_path):
    body = "$here/src/t_mmap_cow_memory_failure -s1\n"
    want = qa() + "Usage: \n  t_mmap_cow_memory_failure [-o mmapOffset] [-s mmapSize] " + \
        "[-O mmapOffset] [-S mmapSize] -R readFile -P poisonFile\n" + \
        "  (offset and size are both in unit of System Page Size: 4096)\n"
    script = make_test(tmp_path, body, want)
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 0, r.stdout


def test_free_space_and_tolerance(tmp_path):
    body = """f0=$(stat -f $TEST_DIR -c '%f')
_pwrite_byte 0x61 0 $((4096 * 100)) $TEST_DIR/a > /dev/null
_cp_reflink $TEST_DIR/a $TEST_DIR/b
_test_cycle_mount
f1=$(stat -f -c '%f' $TEST_DIR)
echo "used $((f0 - f1)) bs $(stat -f -c %S $TEST_DIR) avail $(( $(_get_available_space $TEST_DIR) / 4096 - f1 ))"
_within_tolerance "free after" $f1 $((f0 - 100)) 5% -v
_within_tolerance "exact" 50 52 1 -v || echo "out of range"
_within_tolerance "fraction" 5 10 15% 25% -v
"""
    want = qa() + "used 100 bs 4096 avail 0\nfree after is in range\n" + \
        "exact has value of 50\nexact is NOT in range 51 .. 53\nout of range\n" + \
        "fraction has value of 5\nfraction is NOT in range 8.5 .. 12.5\n"
    script = make_test(tmp_path, body, want)
    res = tmp_path / "res"
    r = fstests(["--results", res, script], tmp_path)
    assert r.returncode == 0, r.stdout + (res / "generic/001.out.bad").read_text()


def test_weave_helper(tmp_path):
    body = """_weave_reflink_regular 4096 6 $TEST_DIR/s $TEST_DIR/d >> $seqres.full
echo "$blksz $nr"
_test_cycle_mount
cmp -s $TEST_DIR/d $TEST_DIR/d.chk && echo "d matches its check file"
_compare_range $TEST_DIR/s 0 $TEST_DIR/d 0 4096 && echo "block 0 is the source's"
_compare_range $TEST_DIR/s 4096 $TEST_DIR/d 4096 4096 || echo "block 1 is not"
"""
    want = qa() + "4096 6\nd matches its check file\nblock 0 is the source's\nblock 1 is not\n"
    script = make_test(tmp_path, body, want)
    res = tmp_path / "res"
    r = fstests(["--results", res, script], tmp_path)
    assert r.returncode == 0, r.stdout + (res / "generic/001.out.bad").read_text()
    full = (res / "generic" / "001.full").read_text()
    # the shell helper's order: the whole files, then block 0: reflink, .chk write
    assert full.index("linked 4096/4096 bytes at offset 0") < full.index("wrote 4096/4096 bytes at offset 0")


def test_arith_commands_and_c_for(tmp_path):
    body = """for ((i = 1; i <= 3; i++)); do echo "i=$i"; done
n=5
(( n > 3 )) && echo big
(( n < 3 )) || echo notsmall
x=$(( a = 4, b += 2, a * b ))
echo "$x $a $b"
echo $(( 0 && (c = 9) )) c=${c:-unset}
echo $(( 1 ? 2 : (d = 7) )) d=${d:-unset}
j=0; while (( j++ < 2 )); do echo j=$j; done
((k = 3 ** 2)); echo k=$k
"""
    # what bash prints for the same lines
    want = qa() + "i=1\ni=2\ni=3\nbig\nnotsmall\n8 4 2\n0 c=unset\n2 d=unset\nj=1\nj=2\nk=9\n"
    script = make_test(tmp_path, body, want)
    res = tmp_path / "res"
    r = fstests(["--results", res, script], tmp_path)
    assert r.returncode == 0, r.stdout + (res / "generic/001.out.bad").read_text()


def test_more_helpers(tmp_path):
    body = """d=$TEST_DIR/t
mkdir $d
_pwrite_byte 0x61 0 16k $d/a > /dev/null
cp --reflink=always $d/a $d/b
$XFS_IO_PROG -c "fpunch 4k 4k" $d/b
truncate -s 20k $d/b
stat -c %s $d/b
[ "$(stat -c %i $d/a)" != "$(stat -c %i $d/b)" ] && echo "two inodes"
_count_extents $d/b
$XFS_IO_PROG -c "fiemap -v" $d/b | _filter_fiemap_flags
echo "$(_md5_range_checksum $d/a 0 4k)" | wc -c
_check_s_dax $d/a 1 && echo "S_DAX set"
_check_s_dax $d/a 0
echo "rmapbt=$(_xfs_has_feature $SCRATCH_MNT rmapbt -v)"
"""
    want = qa() + "20480\ntwo inodes\n2\n" + \
        "0: [0..7]: shared\n1: [8..15]: hole\n2: [16..31]: shared|last\n3: [32..39]: hole\n" + \
        "33\nS_DAX set\n/mnt/test/t/a has unexpected S_DAX flag\nrmapbt=1\n"
    script = make_test(tmp_path, body, want)
    res = tmp_path / "res"
    r = fstests(["--results", res, script], tmp_path)
    assert r.returncode == 0, r.stdout + (res / "generic/001.out.bad").read_text()


@pytest.mark.parametrize("line,reason", [
    ('_scratch_mount "-o dax=never,wsync"',
     "mount options other than dax are not modelled by daxsim (dax=never,wsync)"),
    ('_scratch_mkfs_blocksized 1024', "block size 1024 is not modelled by daxsim (4096 only)"),
    ('_exclude_scratch_mount_option "dax"', 'mount option "dax" not allowed in this test'),
    ("_require_scratch_delalloc", "test requires delayed allocation buffered writes"),
    ("_exclude_fs xfs", "not suitable for this filesystem type: xfs"),
    ("_require_xfs_io_command remount", "xfs_io remount support is missing"),
    ("_require_xfs_io_command pwrite -V", "xfs_io pwrite -V support is missing"),
    ("_require_command /usr/bin/frob frob", "frob utility required, skipped this test"),
    ("_require_congruent_file_oplen $TEST_DIR 6000",
     "/mnt/test: file alloc unit 4096 not congruent with op length 6000"),
    ("_require_chattr i", "file system doesn't support chattr +i"),
])
def test_more_notrun_reasons(tmp_path, line, reason):
    script = make_test(tmp_path, line + "\n", qa())
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert "generic/001 [not run] %s\n" % reason in r.stdout, r.stdout


def test_xfs_io_on_a_directory_is_unsupported(tmp_path):
    script = make_test(tmp_path, 'mkdir $TEST_DIR/d\n$XFS_IO_PROG -c "chattr +a" $TEST_DIR/d\n', qa())
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert "(xfs_io on a directory, other than extsize, cowextsize, lsattr and chattr +x|-x)" in r.stdout


def test_directory_hints_are_inherited(tmp_path):
    """A directory's hints go to the files and directories made in it after
    they are set (xfs_inode_inherit_flags), not to those made before; a
    whole-file clone carries the CoW hint to a destination without one;
    _scratch_mkfs leaves a root directory without hints."""
    body = (
        'd=$SCRATCH_MNT/d\nmkdir $d $d/old\n'
        '$XFS_IO_PROG -c "cowextsize 1m" -c "extsize 64k" $d\n'
        '$XFS_IO_PROG -c "cowextsize" -c "extsize" $d | _filter_scratch\n'
        'mkdir -p $d/new/deeper\n'
        'for f in $d/f $d/old/f $d/new/deeper/f; do\n'
        '\t$XFS_IO_PROG -f -c "cowextsize" -c "extsize" $f | _filter_scratch\ndone\n'
        '$XFS_IO_PROG -f -c "pwrite -q 0 4k" -c "extsize 128k" $d/f | _filter_scratch\n'
        '_test_fsxattr_xflag $d/f cowextsize && echo C set\n'
        '_test_fsxattr_xflag $d/old/f cowextsize || echo C unset\n'
        '_cp_reflink $d/f $d/old/g\n'
        '$XFS_IO_PROG -c "cowextsize" $d/old/g | _filter_scratch\n'
        '$XFS_IO_PROG -c "cowextsize 4097" $d/old/g | _filter_scratch\n'
        '_scratch_mkfs >> $seqres.full\n'
        '$XFS_IO_PROG -c "cowextsize 8k" $SCRATCH_MNT\n'
        '_scratch_mkfs >> $seqres.full\n'
        '$XFS_IO_PROG -c "cowextsize" $SCRATCH_MNT | _filter_scratch\n')
    want = qa() + "\n".join((
        "[1048576] SCRATCH_MNT/d", "[65536] SCRATCH_MNT/d",
        "[1048576] SCRATCH_MNT/d/f", "[65536] SCRATCH_MNT/d/f",
        "[0] SCRATCH_MNT/d/old/f", "[0] SCRATCH_MNT/d/old/f",
        "[1048576] SCRATCH_MNT/d/new/deeper/f", "[65536] SCRATCH_MNT/d/new/deeper/f",
        "xfs_io: FS_IOC_FSSETXATTR SCRATCH_MNT/d/f: Invalid argument",
        "C set", "C unset",
        "[1048576] SCRATCH_MNT/d/old/g",
        "xfs_io: XFS_IOC_FSSETXATTR SCRATCH_MNT/d/old/g: Invalid argument",
        "[0] SCRATCH_MNT")) + "\n"
    script = make_test(tmp_path, body, want)
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert "1 passed, 0 failed, 0 notrun" in r.stdout, r.stdout


def test_nul_bytes_are_compared(tmp_path):
    body = "_pwrite_byte 0x00 0 4 $TEST_DIR/z > /dev/null\ncat $TEST_DIR/z\n"
    script = make_test(tmp_path, body, qa())
    golden = pathlib.Path(str(script) + ".out")
    golden.write_bytes(qa().encode() + b"\0\0\0\0")
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 0, r.stdout
    golden.write_bytes(qa().encode() + b"\0\0\0\0X")
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 1, r.stdout


def test_punch_alternating(tmp_path):
    body = """_pwrite_byte 0x61 0 32k $TEST_DIR/f > /dev/null
$here/src/punch-alternating $TEST_DIR/f
_count_holes $TEST_DIR/f
$here/src/punch-alternating -i 2 -s 2 $TEST_DIR/f
"""
    want = qa() + "4\nInterval must be > size\n" + \
        "Usage: /var/lib/xfstests/src/punch-alternating [-o offset] [-i interval] [-s size] file\n" + \
        "Punches every other block in the file by default,\n" + \
        "or 'size' blocks every 'interval' blocks starting at\n" + \
        "'offset'.  Units are in fstatfs blocks.\n"
    script = make_test(tmp_path, body, want)
    res = tmp_path / "res"
    r = fstests(["--results", res, script], tmp_path)
    assert r.returncode == 0, r.stdout + (res / "generic/001.out.bad").read_text()


# The same lines under bash and coreutils and under daxsim fstests: the
# utilities and shell forms have to print the same bytes.
BASH_SNIPPETS = {
    "echo-printf": r"""echo -n "no newline"; echo
echo -e "a\tb"
echo -ne "x\n"
printf "%s-%d-%x-%o-%5s|%-4d|\n" word 42 255 8 ab 7
printf "%s\n" one two three
printf "100%%\n"
""",
    "test-ops": r"""for v in 1 5 10; do
	[ $v -eq 5 ] && echo "$v eq"
	[ $v -ne 5 ] && echo "$v ne"
	[ $v -lt 5 ] && echo "$v lt"
	[ $v -le 5 ] && echo "$v le"
	[ $v -gt 5 ] && echo "$v gt"
	[ $v -ge 5 ] && echo "$v ge"
done
[ -z "" ] && echo z; [ -n "x" ] && echo n; [ "a" = "a" ] && echo eq; [ "a" != "b" ] && echo ne
[ ! -z "x" ] && echo notz; [ x ] && echo one; [ ] || echo empty
[ 1 -eq 1 -a 2 -eq 2 ] && echo and; [ 1 -eq 2 -o 2 -eq 2 ] && echo or
test ! 1 -eq 2 && echo not
[ -d $TEST_DIR ] && echo dir; [ -f $TEST_DIR/none ] || echo nofile; [ -e $TEST_DIR/none ] || echo noent
echo hello > $TEST_DIR/f; [ -s $TEST_DIR/f ] && echo nonempty; [ -f $TEST_DIR/f ] && echo file
""",
    "text-tools": r"""seq 1 12 > $TEST_DIR/nums
seq 3 > $TEST_DIR/three
seq 10 -3 1 >> $TEST_DIR/three
cat $TEST_DIR/three
head -n 3 $TEST_DIR/nums; tail -n 2 $TEST_DIR/nums; head -2 $TEST_DIR/nums; tail -n2 $TEST_DIR/nums
head $TEST_DIR/nums | wc -l; wc -l $TEST_DIR/nums | _filter_test_dir; wc -c < $TEST_DIR/nums
grep 1 $TEST_DIR/nums; grep -c 1 $TEST_DIR/nums; grep -v 1 $TEST_DIR/nums | head -n 3
grep -E '^(2|3)$' $TEST_DIR/nums; grep -x 1 $TEST_DIR/nums; grep -e 12 $TEST_DIR/nums
grep -q 99 $TEST_DIR/nums || echo "no 99"; grep -F 1 $TEST_DIR/nums | wc -l
echo "a:b:c:d" | cut -d: -f2; echo "a:b:c:d" | cut -d : -f 1,3; echo "a:b:c:d" | cut -d: -f3-
echo "a:b:c:d" | cut -d: -f-2; echo "abcdef" | cut -c2-4; echo "nodelim" | cut -d: -f2
echo "x y" | tee -a $TEST_DIR/t > /dev/null; echo "z" | tee -a $TEST_DIR/t; cat $TEST_DIR/t
basename /a/b/c.txt; dirname /a/b/c.txt
seq 2 | while read n; do echo "got $n"; done
printf "one two three\nfour five\n" | while read a b; do echo "[$a] [$b]"; done
read -r first < $TEST_DIR/nums; echo "first=$first"
""",
    "od-cmp-md5": r"""printf 'abc\n\001\377xyz' > $TEST_DIR/b
od -c $TEST_DIR/b; od -tx1 $TEST_DIR/b; od -Ad -tx1z $TEST_DIR/b; od -An -tu1 $TEST_DIR/b
od -Ao -to1 $TEST_DIR/b; od -Ax -td1 -c $TEST_DIR/b; od -v -Ax -tx1 $TEST_DIR/b
printf 'abc' > $TEST_DIR/c1; printf 'abd' > $TEST_DIR/c2; printf 'ab' > $TEST_DIR/c3
cmp $TEST_DIR/c1 $TEST_DIR/c2 | _filter_test_dir; cmp -s $TEST_DIR/c1 $TEST_DIR/c1 && echo same
cmp -s $TEST_DIR/c1 $TEST_DIR/c2 || echo "differ $?"
md5sum $TEST_DIR/c1 | _filter_test_dir; echo abc | md5sum
""",
    "sed": r"""printf 'pwrite64: Input/output error\nwrote 4096/4096 bytes at offset 8192\naaa bbb  ccc\n' > $TEST_DIR/s
sed -e 's/64: /: /' $TEST_DIR/s; sed 's/a/X/' $TEST_DIR/s; sed -e 's/a/X/g' -e 's/b\+/B/' $TEST_DIR/s
sed -e '/wrote/d' $TEST_DIR/s; sed -E 's/([0-9]+)\/([0-9]+)/\2-\1/' $TEST_DIR/s; sed -e 's,at offset,@,' $TEST_DIR/s
sed -e 's/[[:space:]]\+/ /g' $TEST_DIR/s; sed -e 's/\(.*\)64\(: .*$\)/\1\2/' $TEST_DIR/s; echo xyz | sed 's/y*/-/g'
echo "a.b.c" | sed -e 's/\./&&/g'; echo "TEST_DIR/x" | sed -e "s,TEST_DIR,T,"
sed -i -e 's/aaa/AAA/' -e '/wrote/d' $TEST_DIR/s; cat $TEST_DIR/s
""",
    "case": r"""for fs in xfs ext4 btrfs "two words" ""; do
	case "$fs" in
	xfs|ext4)
		echo "$fs: extents"
		;;
	b*) echo "$fs: b-tree";;
	"two "*) echo "quoted prefix";;
	*) echo "other [$fs]" ;;
	esac
done
case q in a) echo a;; esac; echo "status=$?"
case abc in (a?c) echo question;; esac
""",
    "expansion": r"""x=hello; empty=
echo "${x}" "${#x}" "${y:-dflt}" "${y-dash}" "${empty:-colon}" "${empty-nocolon}" "${x:+alt}" "${y:+alt}"
echo "${z:=assigned}" "$z"
set_args() { echo "$#: $1 $2"; for a in "$@"; do echo "[$a]"; done; for a in $*; do echo "<$a>"; done; }
set_args "a b" c
f() { local v=inner; echo "in $v"; return 3; }
v=outer; f; echo "rc=$? v=$v"
g() { shift; echo "after shift: $*"; }; g 1 2 3
( v=sub; echo "sub $v" ); echo "main $v"
{ echo grouped; echo twice; } | wc -l
i=0; until [ $i -ge 2 ]; do i=$((i + 1)); echo "until $i"; done
for i in 1 2 3; do for j in a b; do [ $j = b ] && continue 2; [ $i = 3 ] && break 2; echo "$i$j"; done; done
echo `echo back` $(echo "nested $(echo deep)")
echo 'single $x' "double $x" \$x
echo $(( 7 % 3 )) $(( 2 ** 10 )) $(( 1 << 4 )) $(( 255 >> 4 )) $(( 6 & 3 )) $(( 6 | 3 )) $(( 6 ^ 3 )) $(( ~0 ))
echo $(( 3 > 2 )) $(( 3 >= 4 )) $(( 2 == 2 )) $(( 2 != 2 )) $(( !0 )) $(( 0x1f + 010 )) $(( -(-5) ))
n=3; (( n += 2, n *= 2 )); echo $n; (( n-- )); echo $n; echo $(( n /= 3 )) $(( n %= 2 )) $(( n <<= 3 ))
echo $(( n >>= 1 )) $(( n &= 6 )) $(( n |= 1 )) $(( n ^= 2 )) $(( --n )) $(( ++n ))
false; echo "false=$?"; ! false && echo negated; true && echo t || echo f
x=$(false); echo "subst=$?"; x=$(true); echo "subst=$?"; x=1; echo "plain=$?"
echo "to stderr" >&2; echo "also" 1>&2
echo out 2>/dev/null; ls_none=$(cat $TEST_DIR/none 2>/dev/null); echo "[$ls_none]"
""",
    "escapes-builtins": r"""printf 'oct\101\x42\x4a|\q|\a\b\f\r\v|\n' | od -c
printf '%5d|%-5s|%05d|%x|%X|%o|%u|%i|%.3s|% d\n' 42 ab 7 255 255 8 -4 0x10 abcdef 5
printf '%s %s\n' a b c
printf 'no args %d %s|\n'
printf '\\ back\n'
echo -e 'e\0101\x41\e[0m\c' | od -c
echo -E 'raw\t'; echo -nE 'x'; echo
echo -- -n; echo -x; echo -nx
export EX1=val EX2; echo "$EX1"
unset EX1 -v; echo "[$EX1]"
unset -f nothing
f() { shift 5; echo "shift=$?"; shift 2; echo "$# $*"; }; f a b c
getconf PAGE_SIZE; getconf PAGESIZE
x=1; while :; do x=$((x+1)); [ $x -gt 3 ] && break; done; echo $x
for i in 1 2; do continue; echo never; done; echo after
echo -e "a\\qb\\\\c" "\\x4g"; echo -eE "x\\ty"; echo -Ee "x\\ty"
sync; sleep 0; true; echo ": $?"; :
""",
    "test-files-cmp": r"""[ ! -n "" ] && echo "not n"; [ ! x = y ] && echo "not eq"; [ ! 1 -eq 1 -o 1 -eq 1 ] && echo "not or"
[ ! ] && echo "bang alone"; [ -n ] && echo "dash-n alone"; [ "" ] || echo "empty str"
[ 3 -ge 3 ] && echo ge; [ 2 -ge 3 ] || echo "not ge"; [ x == x ] && echo "double eq"
[ 1 -eq 2 -a 2 -eq 2 ] || echo "and false"; [ 1 -eq 1 -o 1 -eq 2 ] && echo "or true"
[ " 7 " -eq 7 ] && echo "spaces"; [ -5 -lt 0 ] && echo negative
test -d $TEST_DIR -a -d / && echo "dirs"; test -e $TEST_DIR/nope -o -d $TEST_DIR && echo "one of"
: > $TEST_DIR/empty; [ -s $TEST_DIR/empty ] || echo "empty file"; [ -r $TEST_DIR/empty ] && echo readable
[ -w $TEST_DIR/empty ] && echo writable; [ -f $TEST_DIR ] || echo "dir not file"
[ -d $TEST_DIR/empty ] || echo "file not dir"; [ -e / ] && echo root
[ -d /tmp ] && echo tmp; [ -d /dev ] && echo dev
seq 5; seq 2 4; seq 5 -2 0; seq -1 1; seq 3 1 || echo "seq down $?"
seq 0 0
cat $TEST_DIR/empty; cat < $TEST_DIR/empty; echo a | cat - ; echo b | cat
echo c | grep c -; echo "d:e" | cut -d: -f2 -; echo f | cat $TEST_DIR/t0 - 2>&1 | _filter_test_dir
wc -l $TEST_DIR/t0 > $TEST_DIR/wcout 2>&1; echo "wc=$?"; _filter_test_dir < $TEST_DIR/wcout
echo one > $TEST_DIR/t1; echo two | tee $TEST_DIR/t2 $TEST_DIR/t3 > /dev/null; cat $TEST_DIR/t1 $TEST_DIR/t2 $TEST_DIR/t3
echo three | tee -a $TEST_DIR/t1 /dev/null; cat $TEST_DIR/t1
cmp $TEST_DIR/t1 $TEST_DIR/t2 | _filter_test_dir; echo "cmp=$?"
cmp --silent $TEST_DIR/t2 $TEST_DIR/t3 && echo "silent same"; cmp --quiet $TEST_DIR/t1 $TEST_DIR/t2 || echo "quiet differ"
printf 'abc' > $TEST_DIR/p1; printf 'abcdef' > $TEST_DIR/p2
cmp $TEST_DIR/p1 $TEST_DIR/p2 2>&1 | _filter_test_dir; cmp $TEST_DIR/p2 $TEST_DIR/p1 2>&1 | _filter_test_dir
cmp $TEST_DIR/empty $TEST_DIR/p1 2>&1 | _filter_test_dir; cmp -s $TEST_DIR/p1 $TEST_DIR/p2; echo "short=$?"
mkdir -p $TEST_DIR/d1/d2; [ -d $TEST_DIR/d1/d2 ] && echo made; mkdir -p $TEST_DIR/d1; echo "again=$?"
touch $TEST_DIR/d1/f; [ -f $TEST_DIR/d1/f ] && echo touched; rm -r $TEST_DIR/d1; [ -d $TEST_DIR/d1 ] || echo removed
rm -f $TEST_DIR/none; echo "rmf=$?"; touch $TEST_DIR/g1 $TEST_DIR/g2; rm -f $TEST_DIR/g*; [ -e $TEST_DIR/g1 ] || echo globbed
cd $TEST_DIR; echo "cd=$?"; cd /; echo "cd root=$?"
basename /a/b/; dirname a; dirname /a
: ; echo x | { read; echo "REPLY=$REPLY"; }
printf '  lead  trail  \n' | { read -r v; echo "[$v]"; }
printf 'one\n' | { read x y; echo "[$x][$y]"; }
""",
    "shell-forms": r"""x=5; y="1+2"; z=" 7 "; echo $(( y * 2 )) $(( z + 1 )) $(( ${x} + $x )) $(( x++ )) $x $(( x-- )) $x $(( ++x )) $(( --x ))
echo $(( x > 2 ? 10 : 20 )) $(( x < 2 ? 10 : 20 )) $(( 0 || x )) $(( 0 || 0 )) $(( 1 && 0 )) $(( 0 && x++ )) $x $(( 1 || x++ )) $x
echo $(( (1 + 2) * 3 )) $(( -x )) $(( +x )) $(( !x )) $(( x != 5 )) $(( 2 < 3 )) $(( 3 <= 2 )) $(( 3 > 2 )) $(( 2 >= 3 ))
echo $(( 1, 2, 3 )) $(( a = 4 )) $a $(( b += 3 )) $(( c = a * b )) $(( x == 5 && a == 4 ))
echo $(( 7 / 2 )) $(( -7 / 2 )) $(( -7 % 3 )) $(( 1 << 62 )) $(( 0xff & 0x0f )) $(( 1 | 6 ^ 3 ))
n=1; (( n++ )); echo "n=$n $?"; (( 0 )); echo "zero=$?"; (( n > 0 )) && echo positive
for (( i = 0; i < 3; i++ )); do echo "c-for $i"; done
for (( j = 3; j > 0; j -= 2 )); do echo "down $j"; done
for (( k = 0; ; k++ )); do [ $k -ge 2 ] && break; echo "open $k"; done
for (( m = 0; m < 4; m++ )); do [ $m -eq 1 ] && continue; echo "m $m"; done
for (( ; ; )); do echo once; break; done
f() { for a; do echo "arg [$a]"; done; echo "count $# first ${1} tenth ${10:-none}"; }; f "x y" z
g() { echo "$@" "$*"; echo "${#}"; }; g 1 2 3
s="hello world"; echo ${#s} "${s:-x}" ${s:+set}
if [ $x -eq 1 ]; then echo one; elif [ $x -eq 5 ]; then echo five; else echo other; fi
if false; then echo no; elif false; then echo no2; else echo "else branch"; fi
if false; then echo no; fi; echo "if status $?"
while false; do echo never; done; echo "while status $?"
{ echo braced; echo out; } > $TEST_DIR/br; cat $TEST_DIR/br
{ echo to err >&2; } 2> $TEST_DIR/er; cat $TEST_DIR/er
while read line; do echo "line: $line"; done < $TEST_DIR/br
( echo sub-out; echo sub-err >&2 ) > $TEST_DIR/so 2>&1; cat $TEST_DIR/so
echo both &> $TEST_DIR/both; cat $TEST_DIR/both; echo more >> $TEST_DIR/both 2>&1; cat $TEST_DIR/both
echo "a\$b" "c\"d" "e\\f" "g\`h" 'i\j' a\ b "multi
line"
echo "$(echo "inner \"quoted\"")" "`echo 'back'tick`" "$(echo $(( 2 + 3 )))"
v=`echo "a b"`; echo "[$v]"
echo ${UNSET_VAR} "${UNSET_VAR}" end
case "x.txt" in *.txt) echo "txt";; *) echo other;; esac
case "$x" in [0-4]) echo low;; [5-9]) echo high;; esac
t() { return 4; }; t; echo "t=$?"; t || echo "t failed"
exit_in_sub=$(exit 3); echo "sub exit $?"
( exit 2 ); echo "paren exit $?"
echo "last"
""",
    "functions-lists-pipes": r"""f() { echo "in f"; } > /dev/null; f; echo "f=$?"
function fk { echo "keyword fn"; }; fk
function fp() { echo "keyword fn with parens"; }; fp
h() ( echo "subshell body"; x=changed ); x=orig; h; echo "x=$x"
! echo negated; echo "bang=$?"; ! false; echo "bang2=$?"
echo both |& cat
(( 1 + (2 * 3) )); echo "arith cmd=$?"; (( 0 * 3 )); echo "zero cmd=$?"
echo $(( (1 + 2) )) $(( ((4)) )) $((x=3)) $x
x=1 y=2; echo $x$y
echo x >> $TEST_DIR/f 2>> $TEST_DIR/g; echo y >> $TEST_DIR/f; cat $TEST_DIR/f
case x in (x) echo paren;; esac; case x in x|y) echo bar;; *) ;; esac; case x in x) ;; esac; echo "empty case=$?"
for i in; do echo "never $i"; done; echo "empty for"
g() { for i do echo "for-do $i"; done; }; g p q
for i in a b
do
	echo "multi $i"
done
while false
do
	echo never
done
if true
then
	echo "multi-line if"
fi
{ echo ga; echo gb
}
echo a \
  b
echo x 1>&2 2>&1
echo y 2>&1 >/dev/null
echo "a;b" 'c|d' e\&f "g>h"
echo one; echo two;
echo three && echo four || echo five
false || echo six && echo seven
true | false; echo "pipe=$?"; false | true; echo "pipe2=$?"
echo a | cat | cat | wc -l
echo "$( echo "$( echo deep )" )"
r=$(echo "multi
line"); echo "$r" | wc -l
echo ${#r} ${r:-def}
unset r; echo "${r:-gone}"
""",
    "grep-cut-od-sed": r"""printf 'alpha\nBeta\ngamma\nalpha beta\n-dash\n' > $TEST_DIR/g
grep -i beta $TEST_DIR/g; grep -iv ALPHA $TEST_DIR/g; grep -xF alpha $TEST_DIR/g
grep -s alpha $TEST_DIR/g; grep -qc alpha $TEST_DIR/g; echo "qc=$?"
grep -- -dash $TEST_DIR/g; grep -e -dash $TEST_DIR/g; grep -x 'alph.' $TEST_DIR/g; grep -x 'alpha\|gamma' $TEST_DIR/g
grep -E -x 'alpha|gamma' $TEST_DIR/g; grep -cv a $TEST_DIR/g; grep nothing $TEST_DIR/g; echo "none=$?"
grep x $TEST_DIR/missing 2>&1 | _filter_test_dir; grep -c x $TEST_DIR/missing > /dev/null 2>&1; echo "missing=$?"
printf 'a b c\nd e f\n' | cut -d ' ' -f 2; printf 'a:b:c\n' | cut -d: -f 1-2,3; printf 'abcdef\n' | cut -c 1,3-4; printf 'abcdef\n' | cut -c4-
printf 'a:b:c\n' | cut -f2 -d:; printf 'a:b\n' | cut -d: -f 2-
seq 20 | head -n 2; seq 20 | head -3; seq 20 | tail -3; seq 20 | tail -n 1; printf '' | head -n 2; printf 'x' | tail -n 1; echo
printf 'no newline' | wc -c; printf '' | wc -l; printf 'a\nb' | wc -l
printf 'abcdefghijklmnopqrstuvwxyz0123456789' > $TEST_DIR/o
od -c $TEST_DIR/o; od -An -c $TEST_DIR/o; od -Ad -to1 $TEST_DIR/o; od -Ax -tu1 $TEST_DIR/o; od -An -td1 $TEST_DIR/o
od -tx1 -tc $TEST_DIR/o; od -A x -t x1 $TEST_DIR/o; od -t x1z -A n $TEST_DIR/o
printf '\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000x' > $TEST_DIR/z
od -tx1 $TEST_DIR/z; od -v -tx1 $TEST_DIR/z; printf 'x' | od -c
echo "a/b/c" | sed 's/\//|/g'; echo "a,b" | sed -e 's/,/\n/'; echo "tab" | sed 's/a/\t/'
echo "x1y2" | sed -r 's/([0-9])/<\1>/g'; echo "hello" | sed 's/l*/X/g'
printf 'one\ntwo\nthree\n' | sed -e '/two/d' -e 's/o/0/'; printf 'one\ntwo\n' | sed '/one/d;'
printf 'k1\nk2\n' | sed -e 's/k/K/' -e 's/1/one/'; echo "amp" | sed 's/m/[&]/'; echo "esc" | sed 's/e/\&/'
echo "a b" | sed -e "s/ /_/g" -e "s/a/A/"
printf "a\nb" | head -n 5; echo; echo | head -n 1 | wc -l; printf "" | tail -n 3 | wc -c; printf "x\n\n" | tail -n 1 | wc -c
""",
    "files-test-shift": r"""mkdir $TEST_DIR/d; mkdir $TEST_DIR/d 2>&1 | _filter_test_dir; mkdir -p $TEST_DIR/d/e/f; echo "p=$?"
touch $TEST_DIR/d/file; mkdir $TEST_DIR/d/file 2>&1 | _filter_test_dir
rm $TEST_DIR/d 2>&1 | _filter_test_dir; rm $TEST_DIR/none 2>&1 | _filter_test_dir
rm -f $TEST_DIR/none; echo "f=$?"; rm -rf $TEST_DIR/d; [ -e $TEST_DIR/d ] || echo "tree gone"
touch $TEST_DIR/nodir/x 2>&1 | _filter_test_dir
printf 'hello\n' > $TEST_DIR/src
stat -c %s $TEST_DIR/src; [ -s $TEST_DIR/src ] && echo "non-empty"; md5sum $TEST_DIR/none 2>&1 | _filter_test_dir
truncate -s 3 $TEST_DIR/src; cat $TEST_DIR/src; echo; stat -c %s $TEST_DIR/src; truncate -s 5 $TEST_DIR/src; od -c $TEST_DIR/src; truncate -s 0 $TEST_DIR/src; [ -s $TEST_DIR/src ] || echo "empty now"
printf 'abc' > $TEST_DIR/c1; : > $TEST_DIR/c0; cmp $TEST_DIR/c0 $TEST_DIR/c1 2>&1 | _filter_test_dir; cmp $TEST_DIR/c1 $TEST_DIR/c0 2>&1 | _filter_test_dir
cmp $TEST_DIR/c1 $TEST_DIR/none 2>&1 | _filter_test_dir
[ 1 -eq 1 -a -n "x" -o -z "" ] && echo "three-way"; [ ! -d $TEST_DIR/c1 -a -f $TEST_DIR/c1 ] && echo "not dir and file"
[ ! "a" = "b" ] && echo "not equal"; [ ! -n "" ] && echo "bang n"; test ! -e $TEST_DIR/none && echo "bang e"
[ "x" != "x" ] || echo "neq false"; [ 2 -gt 1 ] && [ 1 -lt 2 ] && echo chained
sh_args() { echo "$# $2"; shift; echo "$# $1"; shift 2; echo "$#"; shift 5 || echo "too far"; }; sh_args a b c
""",
    "parameters-quoting-redirects": r"""f() { echo "${#} ${#1} ${?} ${1} ${2:-none} ${3-unset} ${@} ${*}"; echo "$1$2" "$#" "$9"; }; f one two
g() { for a in "$@"; do echo "<$a>"; done; for a in "$*"; do echo "[$a]"; done; for a in $@; do echo "{$a}"; done; }; g "a b" "" c
h() { echo "count=$#"; for a in "$@"; do echo "[$a]"; done; }; h; h ""
false; echo "${?}" "$?"; true; echo ${?}
x=; echo "${x:-empty}" "${x-set}" "${x:+alt}" "${x+plus}" "${unset_v:+alt}" "${unset_v+plus}[" "${x:=fill}" "$x"
y=abc; echo ${#y} "${#y}" ${#unset_v}
echo "mixed 'single' inside" 'double "inside"' "esc \` \$ \\ \"" "keep \a \n"
echo a\
b
echo "$(echo "nested `echo back` here")" `echo "q"`
echo $(echo one; echo two) "$(printf 'a\nb')"
z=$(printf 'trail\n\n\n'); echo "[$z]"
echo "${y}x" ${y}x "$y"x $y-x
i=5; echo $((i)) $(($i)) $((${i} * 2)) $(( i<<1 )) "$((i))"
echo 2>&1 to-out; echo to-err 1>&2 2>/dev/null; { echo g1; echo g2 >&2; } 2>&1 | cat
echo redirect-first > $TEST_DIR/rf; cat < $TEST_DIR/rf; < $TEST_DIR/rf cat
cat $TEST_DIR/rf > $TEST_DIR/rf2 2>&1; cat $TEST_DIR/rf2
while read l; do echo "r:$l"; done < $TEST_DIR/rf
if [ -f $TEST_DIR/rf ]; then echo yes; fi > $TEST_DIR/ifout; cat $TEST_DIR/ifout
for k in 1 2; do echo "k$k"; done | tail -1
case $y in abc) echo matched;; esac > $TEST_DIR/caseout; cat $TEST_DIR/caseout
( echo sub1; exit 3; echo never ); echo "sub=$?"
{ false; } || echo "group failed"
""",
    "arithmetic-forms": r"""a=3 b=4; echo $(( a * b + ${a} - $b )) $(( a++ + ++b )) $a $b $(( a-- - --b )) $a $b
e="a + b"; echo $(( e * 2 )) $(( (e) * 2 ))
u=; echo $(( u + 1 )) $(( nope + 1 )) $(( nope++ )) $nope
echo $(( 1 ? 2 : 3 )) $(( 0 ? 2 : 1 ? 4 : 5 )) $(( (1 > 0) ? 7 : 8 ))
echo $(( 0 && 1/0 )) $(( 1 || 1/0 )) $(( 5 > 3 && 2 > 1 )) $(( 0 || 0 ))
echo $(( 10 % 3 )) $(( -10 % 3 )) $(( 10 / -3 )) $(( 2 ** 0 )) $(( 3 ** 3 ))
echo $(( 0x10 )) $(( 010 )) $(( 0X1f )) $(( 1 << 3 )) $(( -16 >> 2 ))
echo $(( ~5 )) $(( !5 )) $(( !0 )) $(( - -3 )) $(( + +3 ))
c=10; (( c -= 3 )); echo $c; (( c *= 2 )); echo $c; (( c /= 4 )); echo $c; (( c %= 2 )); echo $c
(( c <<= 4 )); echo $c; (( c >>= 2 )); echo $c; (( c &= 7 )); echo $c; (( c |= 8 )); echo $c; (( c ^= 1 )); echo $c
d=5; echo $(( d == 5 ? d : 0 )) $(( d != 5 )) $(( d <= 5 )) $(( d >= 6 )) $(( d < 5 )) $(( d > 4 ))
echo $(( 1, 2 )) $(( x = 1, y = x + 1, x + y ))
(( 1 )) && echo "true arith"; (( 0 )) || echo "false arith"
for (( i = 10; i > 0; i /= 2 )); do echo -n "$i "; done; echo
for ((j=0;j<2;j++)); do echo "tight $j"; done
echo $((  3  +  4  )) $((3+4)) $(( (((2))) ))
""",
    "echo-printf-read-paths-text": r"""echo -n -e "a\tb\n"; echo -en "c\n"; echo -ne "d\n"; echo - ; echo -- ; echo -e; echo -n; echo
printf '%3s|%-3s|%03d|%x\n' a b 7 255 c d 8 254; printf 'end\\'; echo; printf '%s %s %s\n' 1 2
printf '%5.2s|\n' abcdef; printf '%d%%\n' 50; printf -- '-dash\n'
printf 'a\\b\n' | { read -r l; echo "raw[$l]"; }; printf 'a\\b\n' | { read l; echo "cooked[$l]"; }
printf 'one\n' | { read a b c; echo "[$a][$b][$c]"; }; printf '  sp  aces  here  \n' | { read a b; echo "[$a][$b]"; }
echo x | tee -a $TEST_DIR/t1 $TEST_DIR/t2 > /dev/null; echo y | tee -a $TEST_DIR/t1 > /dev/null; cat $TEST_DIR/t1 $TEST_DIR/t2
basename /; basename a/; basename //x//; dirname a/b/; dirname /; dirname a; dirname //x
seq -3 -1; seq 5 -2 1; seq 0 3 10; seq 1 1 1
printf 'l1\nl2\nl3\n' > $TEST_DIR/h; head -n 0 $TEST_DIR/h; tail -n 0 $TEST_DIR/h
cat $TEST_DIR/h $TEST_DIR/t2; wc -c $TEST_DIR/h | _filter_test_dir; wc -l < $TEST_DIR/h
printf 'a:b:c:d:e\n1:2:3:4:5\n' | cut -d: -f1,3-4; printf 'a:b:c\n' | cut -d: -f5; printf 'abc\n' | cut -c5
printf 'x1\nx2\ny\n' | grep -c x; printf 'x1\nx2\ny\n' | grep -v -c x; printf 'AB\nab\n' | grep -i -x ab
printf 'a\\\\b c\\\\\n' | { read x y; echo "[$x][$y]"; }
""",
    "pipe-stages-globs-jobs": r"""nr=4; seq 1 $nr | while read nr; do echo "in $nr"; done; echo "after [$nr]"
echo x | read y; echo "read in a pipe [$y]"; z=1; { z=2; echo "$z"; } | cat; echo "z=$z"
touch $TEST_DIR/g1 $TEST_DIR/g2 $TEST_DIR/g10 $TEST_DIR/.hidden $TEST_DIR/h1
echo $TEST_DIR/g* | _filter_test_dir; echo $TEST_DIR/g? | _filter_test_dir
echo "$TEST_DIR/g*" | _filter_test_dir; echo $TEST_DIR/nomatch* | _filter_test_dir
echo $TEST_DIR/* | _filter_test_dir; p="$TEST_DIR/h*"; echo $p | _filter_test_dir
for f in $TEST_DIR/g[12]*; do echo "file $f"; done | _filter_test_dir
(echo in-background) & wait; echo "wait $?"
f() { echo "job $1"; return 3; }; f x & pid=$!; wait $pid; echo "status $?"
v=parent; (v=child; echo "job sees $v") & wait; echo "script sees $v"
w() { v=in-job; exit 5; }; w & wait $!; echo "exit status $? v=$v"
""",
    "sort-tr": r"""printf 'b 2\na 10\nc 1\na 10\nB 3\n' > $TEST_DIR/s
sort $TEST_DIR/s; sort -u $TEST_DIR/s; sort -r $TEST_DIR/s
sort -n -k 2 $TEST_DIR/s; sort -k2,2 -n -u $TEST_DIR/s; sort -rn -k 2 $TEST_DIR/s
printf 'x:3\ny:1\nz:2\n' | sort -t : -k 2; printf 'no newline' | sort; printf '' | sort
printf '10\n9\n-1\n2.5\nabc\n' | sort -n; printf 'a\nb\na\n' | sort -u | tr -d '\n'; echo
echo "Hello World" | tr a-z A-Z; echo "Hello World" | tr '[:upper:]' '[:lower:]'
echo "a-b_c" | tr -d '_-'; echo "abc" | tr abc x; echo "tab	sep" | tr '\t' ' '
printf 'l1\nl2\n' | tr '\n' ','; echo; echo "0123456789" | tr -d '[:digit:]'; echo "end"
echo "a b" | tr ' ' '\n'; echo "oct" | tr 'o' '\060'
""",
    "sort-tr-more": r"""printf 'k3 a:9\nk1 c:1\nk2 b:5\nk1 a:2\n' > $TEST_DIR/m; printf 'z 1\n' > $TEST_DIR/m2
sort -k 2 $TEST_DIR/m; sort -t : -k 2 -n $TEST_DIR/m; sort -t: -k2 $TEST_DIR/m | head -n 1
sort $TEST_DIR/m $TEST_DIR/m2; sort -rnu -t : -k 2,2 $TEST_DIR/m; sort -u -k 1,1 $TEST_DIR/m
printf '  b\n a\nc\n' | sort; printf '3 x\n3 a\n1 z\n' | sort -n; printf 'a\n\nb\n' | sort -r
echo "Mixed 123 Text" | tr '[:alpha:]' 'x'; echo "a1 b2" | tr -d '[:alnum:]'; echo "s p a c e" | tr -d '[:space:]'; echo
echo "abcdef" | tr 'a-c' 'AB'; echo "x\\y" | tr '\\' '/'; printf 'a\rb\n' | tr '\r' '-'; echo "az" | tr 'a-z' 'b-za'
echo "tab" | tr 'a' '\t' | tr '\t' '_'; echo "ok" | tr -d '\157'
""",
    "double-brackets-more": r"""touch $TEST_DIR/e1; printf 'x' > $TEST_DIR/e2
[[ -a $TEST_DIR/e1 ]] && echo "a"; [[ -f $TEST_DIR/e1 ]] && echo "f"; [[ -s $TEST_DIR/e1 ]] || echo "not s"
[[ -s $TEST_DIR/e2 ]] && echo "s"; [[ -e $TEST_DIR/none || -e $TEST_DIR/e1 ]] && echo "or"
[[ -n "" ]] || echo "empty n"; [[ "a b" == "a b" ]] && echo "spaces"; v="a b"; [[ $v == a* ]] && echo "no split"
[[ ! ( -z $v ) ]] && echo "not group"; [[ $v != "a b" ]] || echo "ne false"
[[ 3 -le 3 && 2 -ge 1 && 1 -ne 2 ]] && echo "cmp"; [[ abc > abd ]] || echo "not gt"; [[ 010 -eq 8 ]] && echo "octal"
[[ -z $undefined_var && 1 -eq 1 ]] && echo "chain"; [[ 1 -eq 1 || $((1/0)) -eq 0 ]] && echo "short"
""",
    "double-brackets": r"""x=5; y=""; name="file.txt"
[[ $x -eq 5 ]] && echo "eq"; [[ $x -gt 3 && $x -lt 10 ]] && echo "range"
[[ $y -eq 0 ]] && echo "empty is 0"; [[ -z $y ]] && echo "z"; [[ -n $x ]] && echo "n"
[[ $name == *.txt ]] && echo "glob"; [[ $name == "*.txt" ]] || echo "quoted literal"
[[ $name != *.log ]] && echo "ne glob"; [[ $name =~ ^fi.*\.txt$ ]] && echo "regex"
[[ ! -e $TEST_DIR/nope ]] && echo "not exists"; [[ -d $TEST_DIR ]] && echo "dir"
[[ ( $x -eq 1 || $x -eq 5 ) && -n $name ]] && echo "group"
[[ a < b ]] && echo "lt"; [[ b > a ]] && echo "gt"; [[ $x -eq 2*2+1 ]] && echo "arith"
if [[ $x -ne 5 ]]; then echo "wrong"; else echo "else"; fi
[[ $y ]] || echo "empty word false"; [[ $x ]] && echo "word true"
[[ 1 -eq 2 || 2 -eq 2 ]]; echo "status $?"; [[ 1 -eq 2 && 2 -eq 2 ]]; echo "status $?"
""",
    "locals-loops-returns": r"""g=global; f() { local g; local h=inner i; echo "[$g][$h][$i]"; g=changed; }; f; echo "g=$g h=[$h]"
outer() { local v=o; inner() { local v=i; echo "inner $v"; }; inner; echo "outer $v"; }; outer; echo "top [$v]"
r() { return; }; false; r; echo "return keeps? $?"
e() { echo in-e; exit 4; echo never; }; ( e ); echo "subshell exit $?"
cnt=0; w() { while true; do cnt=$((cnt+1)); [ $cnt -ge 3 ] && return 7; done; }; w; echo "w=$? cnt=$cnt"
for i in 1 2 3; do for j in 1 2 3; do [ $j -eq 2 ] && break; echo "$i$j"; done; done
for i in 1 2; do for j in 1 2; do [ $j -eq 1 ] && continue 2; echo never; done; done; echo "after continue 2"
n=0; while [ $n -lt 5 ]; do n=$((n+1)); [ $n -eq 2 ] && continue; [ $n -eq 4 ] && break; echo "n$n"; done
until false; do echo once; break; done
echo "a" > $TEST_DIR/o1 2>&1; echo "b" 2> $TEST_DIR/o2 >> $TEST_DIR/o1; cat $TEST_DIR/o1 $TEST_DIR/o2
{ echo "to-err" 1>&2; } 2>> $TEST_DIR/o3; { echo "more" >&2; } 2>> $TEST_DIR/o3; cat $TEST_DIR/o3
x=$(echo "out"; echo "err" >&2); echo "[$x]"
y=$( { echo a; echo b; } | wc -l ); echo "lines $y"
echo "${undefined_var:-$(echo fallback)}" "${g:+$(echo alt)}"
""",
}


@pytest.mark.parametrize("name", sorted(BASH_SNIPPETS))
def test_same_as_bash(tmp_path, name):
    import shutil
    bash = shutil.which("bash")
    if not bash:
        pytest.skip("no bash")
    body = BASH_SNIPPETS[name]
    real = tmp_path / "real"
    real.mkdir()
    prelude = 'TEST_DIR=%s\n_filter_test_dir() { sed -e "s,$TEST_DIR,TEST_DIR,g"; }\n' % real
    prelude += 'echo "QA output created by 001"\n'
    # ./check: stdout and stderr together, fstests' C locale
    ref = subprocess.run([bash, "-c", prelude + body], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True,
                         env={"PATH": "/usr/bin:/bin", "LC_ALL": "C", "LANG": "C"}, cwd=tmp_path)
    want = ref.stdout
    script = make_test(tmp_path, body, want)
    res = tmp_path / "res"
    r = fstests(["--results", res, script], tmp_path)
    bad = res / "generic" / "001.out.diff"
    assert r.returncode == 0, r.stdout + (bad.read_text() if bad.exists() else "")
    # run, not "[not run]": a snippet outside the subset proves nothing
    assert "1 passed, 0 failed, 0 notrun" in r.stdout, r.stdout


@pytest.mark.parametrize("text", [
    "then", "done", "{ echo x", "( echo x", "echo $(echo x", "echo `echo x", "echo 'abc",
    'echo "abc', "| echo", "for 1 in a; do echo; done", "function",
    "if true; then echo; elif", "while true; do echo x", "echo >", "f() ", "echo x )",
    "for i in a b; echo $i; done", "until false; do", "echo ${x", "echo $((1 + 2)",
    "((1 + 2)", "for ((i = 0; i < 2)); do echo; done", "echo ;; echo", "&& echo",
    "function 1x { echo; }", "case x", "case x in a) echo", "case x in a echo;; esac",
    "case x in", "case in a) echo;; esac",
])
def test_malformed_scripts_are_usage_errors(tmp_path, text):
    script = make_test(tmp_path, text + "\n", qa())
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    if r.returncode == 0:
        # a form bash has that daxsim leaves out: reported, never run
        assert "[not run] unsupported:" in r.stdout, r.stdout
    else:
        assert r.returncode == 2, r.stdout + r.stderr
        assert re.match(r"%s:\d+:\d+: " % re.escape(str(script)), r.stderr), r.stderr


@pytest.mark.parametrize("text,why", [
    ("a=(1 2)", "arrays"),
    ("cat <(echo x)", "process substitution"),
    ("echo x >(cat)", "process substitution"),
    ("coproc cat", "coproc"),
    ("select x in a; do echo; done", "select"),
    ("exec 3<&-", None),
    ("echo x 3>/dev/null", "redirection of this file descriptor"),
    ("echo ${x/a/b}", "this ${...} form"),
    ("printf '%q' x", "this printf format"),
    ("od $TEST_DIR/x", "od without -t or -c"),
    ("grep -P x", "grep option"),
    ("wc -w", "wc without -l or -c"),
    ("seq 1 0 3", "seq with a zero increment"),
    ("stat -c %X $TEST_DIR", "stat other than -c %s, -c %i, -c %Y, -c %Z or -f -c FMT"),
    ("stat -c %Y $TEST_DIR", "stat -c %Y or %Z of a file that is not simulated"),
    ("_scratch_mkfs -m crc=0", "mkfs options are not modelled"),
    ("xfs_io -c 'pwrite 0 1' /tmp/x", "xfs_io on a file outside $TEST_DIR and $SCRATCH_MNT"),
    ("$XFS_IO_PROG -f -c 'mmap 0 4k' $TEST_DIR/a $TEST_DIR/b",
     "xfs_io on several files with a command that keeps state"),
    ("$XFS_IO_PROG -f -t -c 'pwrite 0 1' $TEST_DIR/a $TEST_DIR/b", "xfs_io -t on several files"),
    ("$XFS_IO_PROG -f -c 'copy_range $TEST_DIR/a' $TEST_DIR/b $TEST_DIR/c",
     "xfs_io on several files with a command that keeps state"),
    ("$here/src/t_mmap_dio -x a b c d", "t_mmap_dio option other than -b"),
    ("$here/src/feature -q", "feature other than feature -s"),
    ("_scratch_mkfs_geom 1000 1", "_scratch_mkfs_geom other than SUNIT_BYTES SWIDTH_MULT [4096]"),
    ("rm $TEST_DIR/[ab]", "rm with this pattern"),
    ("mkdir /tmp/x", "mkdir outside $TEST_DIR and $SCRATCH_MNT"),
    ("umount /mnt/elsewhere", "umount of something other than the scratch or test filesystem"),
    ("cd $TEST_DIR/sub", "cd into a directory of the test"),
    ("_cp_reflink /tmp/a /tmp/b", "_cp_reflink outside $TEST_DIR and $SCRATCH_MNT"),
    ("echo x > $TEST_DIR/r; cp --reflink $TEST_DIR/r $TEST_DIR/s", "cp --reflink of a file a redirect wrote"),
    ("echo x > $TEST_DIR/r; truncate -s 1g $TEST_DIR/r", "truncate of a file a redirect wrote past 64 MiB"),
    ("$here/src/t_mmap_cow_memory_failure -Z", "t_mmap_cow_memory_failure option"),
    ("$here/src/t_mmap_cow_memory_failure -R $TEST_DIR/a -P /tmp/b",
     "t_mmap_cow_memory_failure outside $TEST_DIR and $SCRATCH_MNT"),
    ("$here/src/punch-alternating /tmp/b", "punch-alternating outside $TEST_DIR and $SCRATCH_MNT"),
    ("_weave_reflink_regular 4096 x $TEST_DIR/a $TEST_DIR/b", "a weave helper's size arguments"),
    ("_weave_reflink_regular 4096", "this weave helper's arguments"),
])
def test_more_unsupported(tmp_path, text, why):
    script = make_test(tmp_path, text + "\n", qa())
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "[not run] unsupported: " in r.stdout, r.stdout
    if why:
        assert "(%s)" % why in r.stdout, r.stdout


def test_more_filters(tmp_path):
    body = r"""printf 'pwrite64: Input/output error\nread 1/1 bytes at offset 77\n' | _filter_xfs_io_error
printf 'a  b\t\tc\n' | _filter_spaces
$XFS_IO_PROG -f -c "pwrite -S 0x41 0 20" -c "pread -v 0 20" $TEST_DIR/f | _filter_xfs_io_offset
_pwrite_byte 0x42 0 12k $TEST_DIR/g > /dev/null
od -tx1 $TEST_DIR/g | _filter_od
"""
    want = qa() + "pwrite: Input/output error\nread 1/1 bytes at offset 77\n" + "a b c\n" + \
        "wrote 20/20 bytes\nXXX Bytes, X ops; XX:XX:XX.X (XXX YYY/sec and XXX ops/sec)\n" + \
        "XXXXXXXX:  41 41 41 41 41 41 41 41 41 41 41 41 41 41 41 41  AAAAAAAAAAAAAAAA\n" + \
        "XXXXXXXX:  41 41 41 41  AAAA\n" + \
        "read 20/20 bytes\nXXX Bytes, X ops; XX:XX:XX.X (XXX YYY/sec and XXX ops/sec)\n" + \
        "0 42 42 42 42 42 42 42 42 42 42 42 42 42 42 42 42\n*\n3\n"
    script = make_test(tmp_path, body, want)
    res = tmp_path / "res"
    r = fstests(["--results", res, script], tmp_path)
    assert r.returncode == 0, r.stdout + (res / "generic/001.out.bad").read_text()


def test_reflink_helpers_and_filefrag(tmp_path):
    """_verify_reflink (same inode, different extents), filefrag -v, the fiemap filters."""
    body = r"""_require_scratch_reflink
_exclude_fs ext4
_require_chattr x
_scratch_mkfs > /dev/null
_scratch_mount
_pwrite_byte 0x61 0 8k $SCRATCH_MNT/a > /dev/null
_cp_reflink $SCRATCH_MNT/a $SCRATCH_MNT/b
_pwrite_byte 0x62 0 8k $SCRATCH_MNT/c > /dev/null
echo "reflinked:"
_verify_reflink $SCRATCH_MNT/a $SCRATCH_MNT/b
echo "copies:"
_verify_reflink $SCRATCH_MNT/a $SCRATCH_MNT/c | _filter_scratch
echo "same:"
_verify_reflink $SCRATCH_MNT/a $SCRATCH_MNT/a | _filter_scratch
echo "filefrag:"
filefrag -v $SCRATCH_MNT/b $SCRATCH_MNT/none 2>&1 | _filter_scratch
$XFS_IO_PROG -c "fiemap -v" $SCRATCH_MNT/b | _filter_fiemap_flags 1
$XFS_IO_PROG -c "pwrite 16k 4k" -c "falloc 24k 8k" -c "fiemap -v" $SCRATCH_MNT/b > /dev/null
$XFS_IO_PROG -c "fiemap -v" $SCRATCH_MNT/b | _filter_fiemap_flags | _coalesce_extents
echo "$SCRATCH_MNT/x.use_space" | _filter_scratch
echo "$TEST_DIR $SCRATCH_MNT" | _filter_testdir_and_scratch
"""
    want = 'QA output created by 001\nreflinked:\ncopies:\n--- /dev/fd/63\n+++ /dev/fd/62\n@@ -1 +1 @@\n-\t0: [0..15]: 16512..16527\n+\t0: [0..15]: 16777280..16777295\nSCRATCH_MNT/a and SCRATCH_MNT/c are not reflinks: different extents\nsame:\nSCRATCH_MNT/a and SCRATCH_MNT/a are not reflinks: same inode number\nfilefrag:\nFilesystem type is: 58465342\nFile size of SCRATCH_MNT/b is 8192 (2 blocks of 4096 bytes)\n ext:     logical_offset:        physical_offset: length:   expected: flags:\n   0:          0..         1:       2064..      2065:      2:             last,shared,eof\nSCRATCH_MNT/b: 1 extent found\nfilefrag: SCRATCH_MNT/none: No such file or directory\n0: [0..15]: shared|last\n0: [0..15]: shared\n1: [16..31]: hole\n2: [32..39]: none\n3: [40..47]: hole\n4: [48..63]: unwritten\nTEST_DIR SCRATCH_MNT\n'
    script = make_test(tmp_path, body, want)
    res = tmp_path / "res"
    r = fstests(["--results", res, script], tmp_path)
    assert r.returncode == 0, r.stdout + (res / "generic/001.out.bad").read_text()


# Syntax errors: FILE:LINE:COL and the message, exit 2, nothing run (the
# script's first line is "#! /bin/bash", so its text starts on line 2)
@pytest.mark.parametrize("text,where,msg", [
    ("f() echo x", "2:1", "a function body is a compound command ({ ... })"),
    ("1f() { echo x; }", "2:1", "bad function name '1f'"),
    ("echo x |", "3:1", "syntax error near ' '"),
    ("echo x &&", "3:1", "syntax error near ' '"),
    ("echo x | | echo y", "2:10", "syntax error near '|'"),
    ("echo x; ;", "2:9", "syntax error near ';'"),
    ("(( 1 + 2", "2:1", "unterminated '(('"),
    ('echo "open', "2:6", "unterminated double quote"),
    ("echo 'open", "2:6", "unterminated single quote"),
    ("echo `echo x", "2:6", "unterminated '`'"),
    ("echo $(echo (", "2:6", "unterminated '('"),
    ("case x in a) echo a;& b) echo b;; esac", "2:21", "syntax error near '&'"),
    ("for i in a b\necho $i", "3:1", "expected 'do' for the for at line 2:1"),
    ("while false\necho x", "4:1", "expected 'do' for the loop at line 2:1"),
    ("if true\necho x", "4:1", "expected 'then' for the if at line 2:1"),
    ("{ echo a; echo b", "3:1", "expected '}' for the { at line 2:1"),
    ("fi", "2:1", "unexpected 'fi'"),
    ("}", "2:1", "unexpected '}'"),
    ("function 1f { echo; }", "2:1", "function: a name is needed"),
    ("function", "2:1", "function: a name is needed"),
    ("function f echo x", "2:1", "a function body is a compound command ({ ... })"),
    ("function f() echo x", "2:1", "a function body is a compound command ({ ... })"),
    ("f ( ) { echo; }", "2:3", "syntax error near '('"),
    ("echo x && && echo y", "2:11", "syntax error near '&'"),
    ("echo x || ; echo y", "2:11", "syntax error near ';'"),
    ("! | echo", "2:3", "syntax error near '|'"),
    ("echo a |& |", "2:11", "syntax error near '|'"),
    ("echo a ; |", "2:10", "syntax error near '|'"),
    ("echo a )", "2:8", "unexpected ')'"),
    ("case x in a) ;; b) ;;", "2:1", "expected 'esac' for the case at line 2:1"),
    ('echo "a" "b', "2:10", "unterminated double quote"),
    ("echo ${", "2:6", "unterminated '{'"),
    ("for (( ; ; ) do echo; done", "2:1", "unterminated '(('"),
])
def test_syntax_error_messages(tmp_path, text, where, msg):
    script = make_test(tmp_path, "#! /bin/bash\n" + text + "\n", qa(), preamble=False)
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 2, r.stdout + r.stderr
    assert r.stderr.startswith("%s:%s: %s\n" % (script, where, msg)), r.stderr


def test_tolerance_and_program_usage(tmp_path):
    """_within_tolerance (absolute, %, max tolerance, -v or quiet) and the usage
    errors of punch-alternating and mmap-write-concurrent, as fstests prints them."""
    body = r"""_within_tolerance "free" 100 100 5 -v
_within_tolerance "free" 106 100 5 -v; echo "rc=$?"
_within_tolerance "free" 104 100 5% -v
_within_tolerance "free" 94 100 5 10 -v; echo "rc=$?"
_within_tolerance "free" 109 100 5 10 -v
_within_tolerance "quiet" 200 100 5; echo "quiet=$?"
_within_tolerance "quiet" 100 100 5 10; echo "quiet2=$?"
$here/src/punch-alternating -i 0 $TEST_DIR/x; echo "pa=$?"
$here/src/punch-alternating -s 0 $TEST_DIR/x; echo "pa=$?"
$here/src/punch-alternating -i 2 -s 2 $TEST_DIR/x; echo "pa=$?"
$here/src/punch-alternating -i; echo "pa=$?"
$here/src/punch-alternating -z $TEST_DIR/x; echo "pa=$?"
$here/src/punch-alternating $TEST_DIR/x $TEST_DIR/y; echo "pa=$?"
$here/src/punch-alternating $TEST_DIR/nonexistent 2>&1 | _filter_test_dir; echo "pa=$?"
$here/src/mmap-write-concurrent 4096; echo "mwc=$?"
$here/src/mmap-write-concurrent x 0 $TEST_DIR/a 2>&1 | _filter_test_dir
$here/src/mmap-write-concurrent 4096 0 $TEST_DIR/nonexistent 2>&1 | _filter_test_dir
_pwrite_byte 0x61 0 4096 $TEST_DIR/a > /dev/null
$here/src/mmap-write-concurrent 8192 0 $TEST_DIR/a 2>&1 | _filter_test_dir
"""
    want = "QA output created by 001\nfree is in range\nfree has value of 106\nfree is NOT in range 95 .. 105\nrc=1\nfree is in range\nfree has value of 94\nfree is NOT in range 95 .. 110\nrc=1\nfree is in range\nquiet=1\nquiet2=0\ninterval must be > 0\nUsage: /var/lib/xfstests/src/punch-alternating [-o offset] [-i interval] [-s size] file\nPunches every other block in the file by default,\nor 'size' blocks every 'interval' blocks starting at\n'offset'.  Units are in fstatfs blocks.\npa=1\nsize must be > 0\nUsage: /var/lib/xfstests/src/punch-alternating [-o offset] [-i interval] [-s size] file\nPunches every other block in the file by default,\nor 'size' blocks every 'interval' blocks starting at\n'offset'.  Units are in fstatfs blocks.\npa=1\nInterval must be > size\nUsage: /var/lib/xfstests/src/punch-alternating [-o offset] [-i interval] [-s size] file\nPunches every other block in the file by default,\nor 'size' blocks every 'interval' blocks starting at\n'offset'.  Units are in fstatfs blocks.\npa=1\nUsage: /var/lib/xfstests/src/punch-alternating [-o offset] [-i interval] [-s size] file\nPunches every other block in the file by default,\nor 'size' blocks every 'interval' blocks starting at\n'offset'.  Units are in fstatfs blocks.\npa=1\nUsage: /var/lib/xfstests/src/punch-alternating [-o offset] [-i interval] [-s size] file\nPunches every other block in the file by default,\nor 'size' blocks every 'interval' blocks starting at\n'offset'.  Units are in fstatfs blocks.\npa=1\nUsage: /var/lib/xfstests/src/punch-alternating [-o offset] [-i interval] [-s size] file\nPunches every other block in the file by default,\nor 'size' blocks every 'interval' blocks starting at\n'offset'.  Units are in fstatfs blocks.\npa=1\nTEST_DIR/nonexistent: No such file or directory\npa=0\nUsage: /var/lib/xfstests/src/mmap-write-concurrent len offset file [offset file]...\nmwc=1\n0: not a proper file length?\nTEST_DIR/nonexistent: No such file or directory\nTEST_DIR/a: file must be 8192 bytes\n"
    script = make_test(tmp_path, body, want)
    res = tmp_path / "res"
    r = fstests(["--results", res, script], tmp_path)
    assert r.returncode == 0, r.stdout + (res / "generic/001.out.bad").read_text()


@pytest.mark.parametrize("golden_lines,out_lines", [
    ([], ["only", "added"]),                                    # the golden has nothing after its QA line
    (["only", "removed"], []),                                  # the test printed nothing after it
    (["a", "b", "c", "d"], ["a", "x", "c", "y"]),                # interleaved changes in one hunk
    (["same %d" % i for i in range(20)] + ["tail"], ["same %d" % i for i in range(20)]),
    (["g %d" % i for i in range(4200)], ["o %d" % i for i in range(4200)]),  # past MAX_CELLS of the LCS table
], ids=["all-added", "all-removed", "interleaved", "tail-removed", "large"])
def test_diff_forms_match_diff_u(tmp_path, golden_lines, out_lines):
    golden = qa() + "".join(line + "\n" for line in golden_lines)
    body = "".join('echo "%s"\n' % line for line in out_lines)
    script = make_test(tmp_path, body, golden)
    res = tmp_path / "res"
    r = fstests(["--results", res, script], tmp_path)
    assert r.returncode == 1
    bad = res / "generic" / "001.out.bad"
    mine = (res / "generic" / "001.out.diff").read_text().splitlines()[2:]
    ref = subprocess.run(["diff", "-u", str(script) + ".out", str(bad)], capture_output=True,
                         text=True).stdout.splitlines()[2:]
    assert mine == ref


def test_a_directory_or_a_glob_names_its_tests(tmp_path):
    """A directory runs its scripts that have a golden, in order; a glob's NAME.out
    beside NAME is not a test of its own; a file without a golden beside is skipped
    in a directory."""
    make_test(tmp_path, 'echo "two"\n', qa("002") + "two\n", name="generic/002")
    make_test(tmp_path, 'echo "one"\n', qa("001") + "one\n", name="generic/001")
    (tmp_path / "tests" / "generic" / "README").write_text("not a test\n")
    d = tmp_path / "tests" / "generic"
    r = fstests(["--results", tmp_path / "res", d], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Ran: generic/001 generic/002\n" in r.stdout, r.stdout
    files = sorted(str(p) for p in d.iterdir() if p.name != "README")
    r = fstests(["--results", tmp_path / "res2"] + files, tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Ran: generic/001 generic/002\n" in r.stdout, r.stdout


def test_range_extent_and_feature_helpers(tmp_path):
    """_count_extents/_count_holes, _md5_range_checksum, _read_range, _compare_range,
    _check_s_dax both ways, _xfs_has_feature (-v, known yes and no), the block and
    page sizes, _md5_checksum, _hexdump, and requirements that are met."""
    body = r"""_require_xfs_io_command fiemap
_require_xfs_io_command pwrite -S
_require_command "$XFS_IO_PROG" xfs_io
_scratch_mkfs > /dev/null
_scratch_mount
_pwrite_byte 0x61 0 8k $SCRATCH_MNT/a > /dev/null
_pwrite_byte 0x62 16k 4k $SCRATCH_MNT/a > /dev/null
echo "extents $(_count_extents $SCRATCH_MNT/a) holes $(_count_holes $SCRATCH_MNT/a)"
_md5_range_checksum $SCRATCH_MNT/a 0 4096
_pwrite_byte 0x61 0 4k $SCRATCH_MNT/b > /dev/null
_md5_range_checksum $SCRATCH_MNT/b 0 4096
_read_range $SCRATCH_MNT/a 16k 32
_compare_range $SCRATCH_MNT/a 0 $SCRATCH_MNT/b 0 4096 && echo "ranges equal"
_compare_range $SCRATCH_MNT/a 12k $SCRATCH_MNT/a 16k 4096 || echo "ranges differ"
_check_s_dax $SCRATCH_MNT/a 1; echo "dax=$?"
_check_s_dax $SCRATCH_MNT/a 0; echo "nodax=$?"
_xfs_has_feature $SCRATCH_MNT reflink -v; _xfs_has_feature $SCRATCH_MNT quota -v; echo "quota=$?"
_xfs_has_feature $SCRATCH_MNT rmapbt && echo "rmapbt"
echo "blocksize $(_get_file_block_size $SCRATCH_MNT) $(_get_block_size $SCRATCH_MNT) page $(_get_page_size) size $(_get_filesize $SCRATCH_MNT/a)"
_md5_checksum $SCRATCH_MNT/b
_hexdump $SCRATCH_MNT/b | head -3
_require_congruent_file_oplen $SCRATCH_MNT 8192
"""
    want = 'QA output created by 001\nextents 2 holes 1\neffdacb4b48115aae70a325d43cd7c0c\neffdacb4b48115aae70a325d43cd7c0c\n62 62 62 62 62 62 62 62 62 62 62 62 62 62 62 62\n62 62 62 62 62 62 62 62 62 62 62 62 62 62 62 62\nranges equal\nranges differ\ndax=0\n/mnt/scratch/a has unexpected S_DAX flag\nnodax=1\n1\n0\nquota=1\nrmapbt\nblocksize 4096 4096 page 4096 size 20480\n21a199c53f422a380e20b162fb6ebe9c\n000000 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  >aaaaaaaaaaaaaaaa<\n*\n001000\n'
    script = make_test(tmp_path, body, want)
    res = tmp_path / "res"
    r = fstests(["--results", res, script], tmp_path)
    assert r.returncode == 0, r.stdout + (res / "generic/001.out.bad").read_text()


def test_xfs_io_and_dedupe_filters(tmp_path):
    """_filter_xfs_io and _filter_xfs_io_numbers on xfs_io's timing line (and a
    line that only looks like one), _filter_dedupe_error, and
    _filter_testdir_and_scratch when TEST_DIR lies under SCRATCH_MNT."""
    body = r"""$XFS_IO_PROG -f -c "pwrite -S 0x41 0 4k" $TEST_DIR/f | _filter_xfs_io
$XFS_IO_PROG -f -c "pwrite -S 0x41 0 4k" $TEST_DIR/f | _filter_xfs_io_numbers
echo "XFS_IOC_FILE_EXTENT_SAME: Invalid argument" | _filter_dedupe_error
echo "dedupe: Extents did not match." | _filter_dedupe_error
echo "no timing: 3 ops; here" | _filter_xfs_io
SCRATCH_MNT=/mnt; echo "/mnt/test/x /mnt/y" | _filter_testdir_and_scratch
"""
    want = 'QA output created by 001\nwrote 4096/4096 bytes at offset 0\nXXX Bytes, X ops; XX:XX:XX.X (XXX YYY/sec and XXX ops/sec)\nwrote XXXX/XXXX bytes at offset XXXX\nXXX Bytes, X ops; XX:XX:XX.X (XXX YYY/sec and XXX ops/sec)\nXFS_IOC_FILE_EXTENT_SAME: Invalid argument\nXFS_IOC_FILE_EXTENT_SAME: Extents did not match.\nno timing: 3 ops; here\nTEST_DIR/x SCRATCH_MNT/y\n'
    script = make_test(tmp_path, body, want)
    res = tmp_path / "res"
    r = fstests(["--results", res, script], tmp_path)
    assert r.returncode == 0, r.stdout + (res / "generic/001.out.bad").read_text()


def test_keep_going_runs_the_test_to_its_end(tmp_path):
    """Without --keep-going the first invariant violation stops the test (exit
    status 1); with it the test runs on and every violation is in the output."""
    src = ROOT / "scenarios" / "fstests" / "daxsim" / "004"
    script = tmp_path / "tests" / "daxsim" / "004"
    script.parent.mkdir(parents=True)
    script.write_text(src.read_text())
    pathlib.Path(str(script) + ".out").write_text((ROOT / "scenarios/fstests/daxsim/004.out").read_text())
    counts = {}
    for args in ([], ["--keep-going"], ["--keep-going", "--seed", "3"]):
        res = tmp_path / ("res" + "".join(args))
        r = fstests(["--model", "rfc", "--results", res] + args + [script], tmp_path)
        assert r.returncode == 1, r.stdout
        assert "[failed, simulator invariant violated]" in r.stdout
        counts[" ".join(args)] = (res / "daxsim" / "004.out.bad").read_text().count("INVARIANT")
        assert ("[failed, exit status 1]" in r.stdout) == (not args), r.stdout
    assert counts[""] < min(counts["--keep-going"], counts["--keep-going --seed 3"]), counts


@pytest.mark.parametrize("args,msg", [
    (["--bogus", "x"], "daxsim: fstests: Unknown option --bogus"),
    ([], "usage: daxsim fstests [--model M] [--seed N] [--keep-going] [--results DIR] TEST..."),
    (["--model", "nope", "x"], "daxsim: unknown model 'nope' (see `daxsim help models`)"),
])
def test_fstests_option_errors(tmp_path, args, msg):
    r = fstests(args, tmp_path)
    assert r.returncode == 2
    assert r.stderr.startswith(msg), r.stderr


def test_file_tests_stat_and_test_errors(tmp_path):
    """test -x on $here/src programs, directories and simulated files; stat -c %s
    and %i, stat -f, stat of a missing file; test's own errors as bash words them."""
    body = r"""[ -x $here/src/punch-alternating ] && echo "program there"
[ -x $here/src/no-such-program ] || echo "no such program"
[ -x $TEST_DIR ] && echo "dir searchable"
_pwrite_byte 0x61 0 4k $TEST_DIR/a > /dev/null
[ -x $TEST_DIR/a ] || echo "file not executable"
[ -r $TEST_DIR/a -a -w $TEST_DIR/a ] && echo "rw"
echo "size $(stat -c %s $TEST_DIR/a) ino-set $([ -n "$(stat -c %i $TEST_DIR/a)" ] && echo y)"
stat -c %s $TEST_DIR/none 2>&1 | _filter_test_dir
stat -f -c %S $TEST_DIR > /dev/null && echo "statfs ok"
[ abc -eq 1 ] 2>&1 | sed -e 's/^.*: abc/abc/'
[ 1 -eq 1 2>&1 | sed -e 's/^.*\[/[/'
"""
    want = "QA output created by 001\nprogram there\nno such program\ndir searchable\nfile not executable\nrw\nsize 4096 ino-set y\nstat: cannot statx 'TEST_DIR/none': No such file or directory\nstatfs ok\nabc: integer expression expected\n[: missing `]'\n"
    script = make_test(tmp_path, body, want)
    res = tmp_path / "res"
    r = fstests(["--results", res, script], tmp_path)
    assert r.returncode == 0, r.stdout + (res / "generic/001.out.bad").read_text()


# Background jobs: the script and its jobs interleave on a virtual clock
# (fstests_jobs.c); these cases have one answer whatever the interleaving,
# or the answer the cost model gives (docs/fstests.md).
def run_body(tmp_path, body, golden, extra=()):
    script = make_test(tmp_path, body, golden)
    res = tmp_path / "res"
    r = fstests(list(extra) + ["--results", res, script], tmp_path)
    bad = res / "generic" / "001.out.bad"
    return r, (bad.read_text() if bad.exists() else "")


def test_job_runs_while_the_script_sleeps(tmp_path):
    # the job ticks once a second; the script sleeps 5 s then stops it
    body = """ticker() {
	while [ ! -e $TEST_DIR/stop ]; do
		echo tick >> $TEST_DIR/log
		sleep 1
	done
}
ticker &
sleep 5.5
touch $TEST_DIR/stop
wait
wc -l < $TEST_DIR/log
"""
    r, bad = run_body(tmp_path, body, qa() + "6\n")
    assert r.returncode == 0, r.stdout + bad


def test_job_interleaves_with_simulated_io(tmp_path):
    # a job checksums a file while the script rewrites it four times: it
    # runs between the rewrites (not only after them) and sees whole ones
    body = """testdir=$TEST_DIR/t
mkdir $testdir
_pwrite_byte 0x61 0 65536 $testdir/f >> $seqres.full
reader() {
	while [ ! -e $testdir/done ]; do
		md5sum $testdir/f | cut -d " " -f 1 >> $testdir/seen
	done
}
reader &
for b in 62 63 64 65; do
	_pwrite_byte 0x$b 0 65536 $testdir/f >> $seqres.full
done
touch $testdir/done
wait
cat $testdir/seen
"""
    md5 = {c: hashlib.md5(bytes([c]) * 65536).hexdigest() for c in b"abcde"}
    # the costs (a program 1 ms, a builtin 1 us; ties go to the script):
    # the reader's first pass reads after the second rewrite, its second
    # after the third, and the flag stops it before a third pass
    want = qa() + md5[ord("c")] + "\n" + md5[ord("d")] + "\n"
    r, bad = run_body(tmp_path, body, want)
    assert r.returncode == 0, r.stdout + bad


def test_wait_and_kill(tmp_path):
    body = """sleep 100 &
p=$!
kill -0 $p && echo "alive"
kill $p
wait $p
echo "killed: $?"
kill -0 $p 2>&1 | sed -e "s/$p/PID/"
wait 12345
echo "not a child: $?"
kill -s KILL $p 2>/dev/null || echo "gone"
(exit 7) &
wait $!
echo "exit 7: $?"
kill -s BOGUS $p
"""
    script = make_test(tmp_path, body, "")
    n = script.read_text().splitlines().index("kill -0 $p 2>&1 | sed -e \"s/$p/PID/\"") + 1
    want = qa() + ("alive\nkilled: 143\n"
                   "%s: line %d: kill: (PID) - No such process\n"
                   "%s: line %d: wait: pid 12345 is not a child of this shell\n"
                   "not a child: 127\ngone\nexit 7: 7\n"
                   "%s: line %d: kill: BOGUS: invalid signal specification\n"
                   % (script, n, script, n + 1, script, n + 7))
    pathlib.Path(str(script) + ".out").write_text(want)
    res = tmp_path / "res"
    r = fstests(["--results", res, script], tmp_path)
    bad = res / "generic" / "001.out.bad"
    assert r.returncode == 0, r.stdout + (bad.read_text() if bad.exists() else "")


def test_notrun_in_a_job_stops_the_test(tmp_path):
    body = """f() { _require_freeze; }
f &
wait
echo should-not-matter
"""
    script = make_test(tmp_path, body, qa())
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "generic/001 [not run] freeze is not modelled by daxsim\n" in r.stdout


def test_job_in_a_pipe_is_unsupported(tmp_path):
    body = "f() { echo x & }\nf | cat\nwait\n"
    script = make_test(tmp_path, body, qa() + "x\n")
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "[not run] unsupported: " in r.stdout
    assert "a background job inside a pipe or $( )" in r.stdout


def test_jobs_left_running_are_killed_at_exit(tmp_path):
    # the script exits without waiting: its job never ends by itself
    body = "while true; do sleep 1; done &\necho bye\n"
    r, bad = run_body(tmp_path, body, qa() + "bye\n")
    assert r.returncode == 0, r.stdout + bad


@pytest.mark.parametrize("seed", ["0", "3"])
def test_jobs_are_deterministic(tmp_path, seed):
    root = ROOT / "scenarios" / "fstests" / "daxsim"
    outs = []
    for k in range(2):
        res = tmp_path / ("res%d" % k)
        r = fstests(["--seed", seed, "--results", res, root / "008"], tmp_path)
        assert r.returncode == 0, r.stdout
        outs.append((res / "daxsim" / "008.full").read_bytes())
    assert outs[0] == outs[1]


def test_many_snapshots_share_the_reference_bytes(tmp_path):
    # 200 snapshots of a 16 MiB file: the reference model shares the
    # snapshots' chunks (it used to copy them: 3.2 GB, generic/167 and 671
    # ran out of memory), so the run fits in 1 GiB of data
    import resource
    if "asan" in str(DAXSIM):
        pytest.skip("ASan's shadow memory counts as data")
    body = """testdir=$SCRATCH_MNT/t
mkdir $testdir
_pwrite_byte 0x61 0 16m $testdir/f >> $seqres.full
for i in $(seq 1 200); do
	_cp_reflink $testdir/f $testdir/snap_$i
done
_pwrite_byte 0x62 0 4096 $testdir/snap_7 >> $seqres.full
md5sum $testdir/f $testdir/snap_1 | _filter_scratch
"""
    md5 = hashlib.md5(b"a" * (16 << 20)).hexdigest()
    script = make_test(tmp_path, body, qa() + "%s  SCRATCH_MNT/t/f\n%s  SCRATCH_MNT/t/snap_1\n" % (md5, md5))

    def limit():
        resource.setrlimit(resource.RLIMIT_DATA, (1 << 30, 1 << 30))
    r = subprocess.run([DAXSIM, "fstests", "--results", str(tmp_path / "res"), str(script)],
                       capture_output=True, text=True, cwd=tmp_path, timeout=300, preexec_fn=limit)
    assert r.returncode == 0, r.stdout + r.stderr


def test_job_builtins_edge_cases(tmp_path):
    body = """sleep 1m &
a=$!
kill -n 9 $a; wait $a; echo "n9 $?"
sleep 1h &
b=$!
kill -SIGINT $b; wait $b; echo "int $?"
sleep 1d &
c=$!
kill -- $c; wait $c; echo "dashdash $?"
kill -s TERM
echo "no pid $?"
kill abc 2>&1 | sed -e 's/^.*line [0-9]*: //'
wait abc 2>&1 | sed -e 's/^.*line [0-9]*: //'
sleep bogus &
wait $!
echo "bad sleep done"
f() { g() { echo "inner $1"; }; g "$1" & wait; echo "outer $1"; }
f arg &
wait
wait
echo "nothing left $?"
"""
    want = qa() + ("n9 137\nint 130\ndashdash 143\n"
                   "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n"
                   "no pid 2\n"
                   "kill: abc: arguments must be process or job IDs\n"
                   "wait: `abc': not a pid or valid job spec\n"
                   "bad sleep done\ninner arg\nouter arg\nnothing left 0\n")
    r, bad = run_body(tmp_path, body, want)
    assert r.returncode == 0, r.stdout + bad


@pytest.mark.parametrize("line,why", [
    ("kill -l", "kill -l"),
    ("wait -n", "wait with options"),
    ("kill $$", "a signal to the test's own shell"),
])
def test_job_builtins_unsupported(tmp_path, line, why):
    script = make_test(tmp_path, "sleep 1 &\n" + line + "\n", qa())
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "[not run] unsupported: " in r.stdout and why in r.stdout, r.stdout


def test_xfs_io_exit_status(tmp_path):
    # xfs_io's exitcode: 1 once a command or the open failed (as xfs_io
    # 6.1 on this machine: `xfs_io -r -c "pwrite 0 1" f` exits 1), and the
    # shell's 128 + SIGNAL for a process killed by SIGBUS
    body = """_pwrite_byte 0x61 0 4096 $TEST_DIR/f > /dev/null; echo "ok $?"
$XFS_IO_PROG -r -c "pwrite 0 1" $TEST_DIR/f 2>/dev/null; echo "ebadf $?"
$XFS_IO_PROG -c "pread 0 1" $TEST_DIR/missing 2>/dev/null; echo "enoent $?"
$XFS_IO_PROG -r -c "pwrite 0 1" -c "pread 0 1" $TEST_DIR/f > /dev/null 2>&1; echo "sticky $?"
$XFS_IO_PROG -r -c "mmap -r 0 8k" -c "mread 4k 1" $TEST_DIR/f > /dev/null 2>&1; echo "sigbus $?"
_reflink_range $TEST_DIR/f 0 $TEST_DIR/g 0 4096 > /dev/null; echo "reflink $?"
"""
    want = qa() + "ok 0\nebadf 1\nenoent 1\nsticky 1\nsigbus 135\nreflink 0\n"
    r, bad = run_body(tmp_path, body, want)
    assert r.returncode == 0, r.stdout + bad


@pytest.mark.parametrize("line,reason", [
    ("_scratch_mkfs_sized abc", 'error: _scratch_mkfs_sized: fs size "abc" not an integer.'),
    ("_scratch_mkfs_sized 33554432 1024", "block size 1024 is not modelled by daxsim (4096 only)"),
    ("_scratch_mkfs_sized 4096", "_scratch_mkfs_sized failed with (4096) (daxsim: "),
    ("sleep 1 &\n_scratch_mkfs_sized 33554432", "unsupported: "),
    ("_fill_fs 4096 $SCRATCH_MNT/d 4096 1", "users are not modelled by daxsim"),
    ("_fill_fs big $SCRATCH_MNT/d 4096 0", "unsupported: "),
])
def test_mkfs_sized_and_fill_fs_refusals(tmp_path, line, reason):
    script = make_test(tmp_path, line + "\necho should-not-matter\n", qa())
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "[not run] " + reason in r.stdout, r.stdout


def test_fill_fs_usage_and_mkfs_sized_empties(tmp_path):
    body = """mkdir $TEST_DIR/t
touch $TEST_DIR/t/f
_fill_fs 1 2 3
echo "after usage $?"
"""
    r, bad = run_body(tmp_path, body, qa() + "Usage: _fill_fs filesize dir blocksize switch_user\n")
    assert r.returncode == 1 and "exit status 1" in r.stdout, r.stdout + bad
    body = """mkdir $TEST_DIR/t
touch $TEST_DIR/t/f
_scratch_mkfs_sized $((64 * 1048576))
test -e $TEST_DIR/t/f || echo "gone"
test -d $TEST_DIR/t || echo "dir gone"
echo "free $(stat -f -c %b $SCRATCH_MNT)"
"""
    r, bad = run_body(tmp_path, body, qa() + "x\n")
    lines = bad.splitlines()
    assert lines[1:3] == ["gone", "dir gone"], bad
    blocks = int(lines[3].split()[1])
    assert 10000 < blocks <= 16384, bad      # a 64 MiB filesystem, less its metadata


def test_holetest_errors_as_the_program(tmp_path):
    """src/holetest's own refusals: usage, options, size, an existing file."""
    body = ('$here/src/holetest -f 2>&1; echo "status $?"\n'
            '$here/src/holetest -x $TEST_DIR/t 1 2>&1; echo "status $?"\n'
            '$here/src/holetest -p -w $TEST_DIR/t 1 2>&1; echo "status $?"\n'
            '$here/src/holetest $TEST_DIR/t 0 2>&1; echo "status $?"\n'
            'touch $TEST_DIR/t\n'
            '$here/src/holetest -f $TEST_DIR/t 1 > $tmp.o 2>&1; echo "status $?"\n'
            '_filter_test_dir < $tmp.o\n')
    want = qa() + "".join([
        "ERROR: usage: holetest [-fwrFp] FILENAME FILESIZEinMB\n", "status 1\n",
        "/var/lib/xfstests/src/holetest: invalid option -- 'x'\n", "ERROR: Unknown option character.\n",
        "status 1\n",
        "ERROR: Combinations of writes and privatemappings not supported.\n", "status 1\n",
        "ERROR: bad FILESIZEinMB\n", "status 1\n",
        "status 2\n", "\n", "INFO: zero-filled test...\n", "TEST_DIR/t: File exists\n"])
    script = make_test(tmp_path, "_require_test_program holetest\n" + body, want)
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert "1 passed, 0 failed, 0 notrun" in r.stdout, r.stdout


def test_rm_rf_of_a_big_tree_and_check_fs(tmp_path):
    """rm -rf of a directory holding more files than one scenario `rm` takes
    (it was `unsupported: rm: too many arguments`); _check_scratch_fs is the
    full invariant check, silent on a consistent filesystem."""
    body = ('d=$SCRATCH_MNT/many\nmkdir $d\n_pwrite_byte 0x61 0 8k $d/f >> $seqres.full\n'
            'for i in $(seq 1 300); do _cp_reflink $d/f $d/f.$i; done\n'
            'rm -rf $d\n[ -e $d/f.300 ] || echo gone\n_check_scratch_fs\n'
            'stat -f -c %f $SCRATCH_MNT > $tmp.before\n_scratch_mkfs_xfs > /dev/null\n'
            'echo made\n')
    script = make_test(tmp_path, body, qa() + "gone\nmade\n")
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert "1 passed, 0 failed, 0 notrun" in r.stdout, r.stdout


def test_mount_dax_modes(tmp_path):
    """_scratch_mount -o dax=MODE remounts in that mode; no dax option is
    dax=inode, where the directory's FS_XFLAG_DAX decides (generic/606)."""
    body = ('P=$SCRATCH_MNT/d\nmkdir $P\n$XFS_IO_PROG -c "chattr +x" $P\n'
            '$XFS_IO_PROG -c "lsattr -v" $P | _filter_scratch\n'
            'for o in "-o dax=never" "-o dax=inode" "-o dax"; do\n'
            '\t_scratch_unmount; _scratch_mount "$o"\n'
            '\trm -f $P/f; touch $P/f; echo "$o $($XFS_IO_PROG -c "statx -r" $P/f)"\ndone\n'
            'export MOUNT_OPTIONS=""\n_scratch_cycle_mount\n$XFS_IO_PROG -c "chattr -x" $P\n'
            'rm -f $P/f; touch $P/f; echo "none $($XFS_IO_PROG -c "statx -r" $P/f)"\n')
    want = qa() + "".join([
        "[dax] SCRATCH_MNT/d \n",
        "-o dax=never stat.attributes = 0x0\n",
        "-o dax=inode stat.attributes = 0x200000\n",
        "-o dax stat.attributes = 0x200000\n",
        "none stat.attributes = 0x0\n"])
    script = make_test(tmp_path, body, want)
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert "1 passed, 0 failed, 0 notrun" in r.stdout, r.stdout


def test_dax_mmap_programs(tmp_path):
    """The dax group's src/ programs: t_mmap_stale_pmd, t_mmap_cow_race and
    t_mmap_collision run clean (their output is nothing), print their usage
    without arguments and err_exit() on a file they cannot create."""
    body = ('for p in t_mmap_stale_pmd t_mmap_cow_race t_mmap_collision; do\n'
            '\t_require_test_program $p\n'
            '\t$here/src/$p; echo "$p usage $?"\n'
            'done\n'
            '$here/src/t_mmap_stale_pmd $TEST_DIR/pmd; echo "stale $?"\n'
            '$here/src/t_mmap_cow_race $TEST_DIR/cow; echo "cow $?"\n'
            '$here/src/t_mmap_collision $TEST_DIR/dax $TEST_DIR/nodax; echo "collision $?"\n'
            'md5sum $TEST_DIR/pmd $TEST_DIR/cow | _filter_test_dir\n'
            'stat -c %s $TEST_DIR/dax; stat -c %s $TEST_DIR/nodax\n'
            '$here/src/t_mmap_stale_pmd $TEST_DIR/no/f; echo "stale $?"\n'
            '$here/src/t_mmap_collision $TEST_DIR/dax $TEST_DIR/no/f; echo "collision $?"\n')
    want = qa() + "".join([
        "Usage: t_mmap_stale_pmd <pmem file>\n", "t_mmap_stale_pmd usage 0\n",
        "Usage: t_mmap_cow_race <file>\n", "t_mmap_cow_race usage 0\n",
        "Usage: t_mmap_collision <dax file> <non-dax file>\n", "t_mmap_collision usage 0\n",
        "stale 0\n", "cow 0\n", "collision 0\n",
        # 4 MiB: 'H' x 12 at 2 MiB (daxsim's pwrite writes a pattern); 2 MiB: 0x01 at 0
        "%s  TEST_DIR/pmd\n" % hashlib.md5(b"\0" * (2 << 20) + b"H" * 12 + b"\0" * ((2 << 20) - 12)).hexdigest(),
        "%s  TEST_DIR/cow\n" % hashlib.md5(b"\1" + b"\0" * ((2 << 20) - 1)).hexdigest(),
        "16384\n", "16384\n",
        "fd: No such file or directory\n", "stale 1\n",
        "main nodax_fd open: No such file or directory\n", "collision 1\n"])
    r, bad = run_body(tmp_path, body, want)
    assert "1 passed, 0 failed, 0 notrun" in r.stdout, r.stdout + bad


def test_t_mmap_dio_feature_and_xfs_io_on_several_files(tmp_path):
    """src/t_mmap_dio (generic/413, 605), feature -s, _get_hugepagesize, and
    xfs_io's commands run on each of several files in turn (as xfs_io 6.1
    does: each -c command on every file; a file it cannot open ends it
    before any command)."""
    body = ('_require_hugepages\n'
            '_require_test_program t_mmap_dio\n'
            'echo "hp $(_get_hugepagesize) ps $($here/src/feature -s)"\n'
            '$XFS_IO_PROG -f -c "pwrite -q -S 0x41 0 4" -c "truncate 8" $TEST_DIR/x1 $TEST_DIR/x2\n'
            'md5sum $TEST_DIR/x1 $TEST_DIR/x2 | _filter_test_dir\n'
            '$XFS_IO_PROG -c "truncate 2" $TEST_DIR/x1 $TEST_DIR/missing 2>&1 | _filter_test_dir\n'
            'stat -c %s $TEST_DIR/x1\n'
            '$XFS_IO_PROG -f -c "falloc 0 1m" $TEST_DIR/s $TEST_DIR/d\n'
            '$here/src/t_mmap_dio $TEST_DIR/s $TEST_DIR/d 8192 "dio both"; echo "dio $?"\n'
            '$here/src/t_mmap_dio -b $TEST_DIR/s $TEST_DIR/d 1024 "buffered"; echo "buf $?"\n'
            '$here/src/t_mmap_dio $TEST_DIR/nope $TEST_DIR/d 1024 "missing" 2>&1; echo "miss $?"\n'
            '$here/src/t_mmap_dio a b c 2>&1; echo "usage $?"\n'
            'md5sum $TEST_DIR/s $TEST_DIR/d | _filter_test_dir\n')
    zero = hashlib.md5(b"\0" * (1 << 20)).hexdigest()
    aaaa = hashlib.md5(b"AAAA" + b"\0" * 4).hexdigest()
    want = qa() + "".join([
        "hp 2097152 ps 4096\n",
        "%s  TEST_DIR/x1\n" % aaaa, "%s  TEST_DIR/x2\n" % aaaa,
        "TEST_DIR/missing: No such file or directory\n", "8\n",
        "dio 0\n", "buf 0\n",
        "open src(No such file or directory) len 1024 missing\n", "miss 1\n",
        "usage: t_mmap_dio <src file> <dest file> <size> <msg>\n", "usage 1\n",
        "%s  TEST_DIR/s\n" % zero, "%s  TEST_DIR/d\n" % zero])
    r, bad = run_body(tmp_path, body, want)
    assert "1 passed, 0 failed, 0 notrun" in r.stdout, r.stdout + bad
