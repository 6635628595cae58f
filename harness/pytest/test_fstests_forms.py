"""daxsim fstests: here-documents, dd, mv and uname (docs/fstests.md, "The shell
subset"), byte for byte against GNU bash and coreutils where a real run can
say what is right, and the exact words daxsim prints for the forms it leaves
out (issue 12).

Each snippet runs under /bin/bash as a script at the very path daxsim is given
(its lines where daxsim's are) and under `daxsim fstests` with bash's output
as the golden file; it has to pass, not be [not run].  `dd` is fstests'
common/rc wrapper (`dd status=noxfer ARGS`), as the tests call it."""
import hashlib
import shutil
import subprocess

import pytest

from test_fstests import PREAMBLE, fstests, make_test, qa

BASH = shutil.which("bash")
DD = shutil.which("dd")


def _bash_output(tmp_path, script, body):
    """What bash prints for @body run as @script (its lines where daxsim's are)."""
    real, scratch = tmp_path / "real", tmp_path / "scratch"
    real.mkdir()
    scratch.mkdir()
    (tmp_path / "common").mkdir()
    for name in ("rc", "filter", "reflink"):   # `. ./common/NAME` (built in under daxsim)
        (tmp_path / "common" / name).write_text("")
    (tmp_path / "tmp").mkdir()
    lines = ['TEST_DIR=%s SCRATCH_MNT=%s tmp=%s/4242' % (real, scratch, tmp_path / "tmp"),
             '_filter_test_dir() { sed -e "s,$TEST_DIR,TEST_DIR,g"; }',
             'echo "QA output created by 001"',
             # a new file of L bytes P, as fstests' _pwrite_byte P 0 L F makes it
             r'_pwrite_byte() { head -c $3 /dev/zero | tr "\0" "$(printf "\\$(printf %o $1)")" > $4; }',
             # common/rc's dd
             'dd() { command dd status=noxfer "$@"; }']
    nl = PREAMBLE.count("\n")
    lines += [""] * (nl - len(lines))
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text("\n".join(lines) + "\n" + body)
    # ./check: stdout and stderr together, the C locale; a script's stdin is empty
    ref = subprocess.run([BASH, str(script)], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, cwd=tmp_path, timeout=60,
                         env={"PATH": "/usr/bin:/bin", "LC_ALL": "C", "LANG": "C"})
    return (ref.stdout.replace(str(real), "/mnt/test").replace(str(scratch), "/mnt/scratch")
            .replace(str(tmp_path / "tmp"), "/tmp"))


def _same_as_bash(tmp_path, body):
    if not BASH or not DD:
        pytest.skip("no bash or dd")
    script = tmp_path / "tests" / "generic" / "001"
    want = _bash_output(tmp_path, script, body)
    make_test(tmp_path, body, want)
    res = tmp_path / "res"
    r = fstests(["--results", res, script], tmp_path)
    diff = res / "generic" / "001.out.diff"
    assert r.returncode == 0, r.stdout + (diff.read_text() if diff.exists() else "")
    assert "1 passed, 0 failed, 0 notrun" in r.stdout, r.stdout
    return want


SNIPPETS = {
    "heredoc-expansion": r"""x=hello; n=3
cat <<EOF
plain $x ${x} ${y:-dflt} $((n * 2)) $(echo sub) `echo tick` $n$x
quotes are text: "q" 'q' \" \' $'a' $"b"
escapes: \$x \`x\` \\ \a \n
words: ${y:-"a b"} ${y:-'q'} ${y:-\$x} ${x:+"set"}
$
trailing $
EOF
cat << EOF
blank before the word
EOF
echo after
""",
    "heredoc-quoted": r"""x=hello
cat <<'EOF'
raw $x `echo no` $(echo no) \$x \\
EOF
cat <<"EOF"
raw again $x
EOF
cat <<\EOF
backslashed $x
EOF
cat <<E"O"F
part quoted $x
EOF
cat <<'E F'
space in the word $x
E F
""",
    "heredoc-tabs-and-joins": "x=v\n" + "cat <<-EOF\n\t\tstripped $x\n\t  tab then blanks\n  blanks stay\n\tEOF\n"
                              "cat <<-'EOF'\n\tquoted and stripped $x\n\t\tEOF\n"
                              "cat <<EOF\njoined \\\nline\na\\\nEOF\nEOF\n"
                              "cat <<'EOF'\nnot joined \\\nEOF\n"
                              "cat <<EOF\neven \\\\\nEOF\n"
                              "cat <<EOF\n EOF\nEOF \nEOF\n",
    "heredoc-commands": r"""while read a b; do echo "[$a][$b]"; done <<EOF
1 2
3 4 5
EOF
cat <<EOF | tr a-z A-Z | sed -e 's/L/_/g'
piped along
EOF
cat <<EOF && echo "and after"
first
EOF
cat <<A; cat <<B
one
A
two
B
cat <<A <<B
not read
A
the last one wins
B
f() {
	cat <<-EOF
	in a function: $1
	EOF
}
f arg; f other
for i in 1 2; do cat <<EOF; done
loop $i
EOF
{ cat; echo grouped; } <<EOF
group input
EOF
v=$(cat <<EOF
in a substitution
EOF
)
echo "[$v]"
cat > $tmp.run << ENDL
generated $v
  line two
ENDL
cat $tmp.run; wc -l < $tmp.run
cat <<EOF >> $tmp.run
appended
EOF
cat $tmp.run
cat <<EOF
EOF
echo "empty body $?"
if true; then cat <<EOF
in an if
EOF
fi
case x in x) cat <<EOF ;;
in a case
EOF
esac
cat <<EOF > $tmp.job &
in a job: $v
EOF
wait; cat $tmp.job
""",
    "dd-shell-files": r"""_pwrite_byte 0x61 0 10000 $TEST_DIR/in > /dev/null
dd if=$TEST_DIR/in of=$tmp.in status=none
dd if=$tmp.in of=$tmp.out bs=4096
cmp $tmp.in $tmp.out && echo same
dd if=$tmp.in bs=4096 skip=1 count=1 | od -c | head -2
dd if=$tmp.in bs=1000 skip=9 2>&1 | od -c
dd if=/dev/zero of=$tmp.out bs=100 seek=2 count=1 conv=notrunc; od -c $tmp.out | head -4
dd if=/dev/zero of=$tmp.out bs=100 seek=1 count=1; od -c $tmp.out
dd if=/dev/zero of=$tmp.out bs=1k count=0 seek=3; stat -c %s $tmp.out
dd if=/dev/zero of=$tmp.new count=2 seek=1 conv=notrunc; stat -c %s $tmp.new
dd if=/dev/zero of=$tmp.z bs=4K count=2 status=none; stat -c %s $tmp.z
printf 'abcdefg' | dd bs=2; echo
printf 'abcdefg' | dd bs=2 count=2 status=noxfer of=/dev/null
echo hello | dd of=$tmp.p status=none; cat $tmp.p
dd if=$tmp.in of=/dev/null bs=1M
dd if=/dev/zero bs=1 count=3 | od -c
dd if=$tmp.missing of=/dev/null; echo "missing input $?"
dd if=/dev/null of=$tmp.empty; stat -c %s $tmp.empty
dd if=/dev/zero of=$tmp.in bs=512 count=2 conv=fsync; stat -c %s $tmp.in
dd if=$tmp.in of=$tmp.out bs=1kB count=1; stat -c %s $tmp.out
""",
    "dd-simulated-files": r"""dd if=/dev/zero of=$TEST_DIR/z count=4096
md5sum $TEST_DIR/z | _filter_test_dir; stat -c %s $TEST_DIR/z
_pwrite_byte 0x61 0 16384 $TEST_DIR/a > /dev/null
dd if=/dev/zero of=$TEST_DIR/a bs=4096 seek=1 count=1 conv=notrunc
md5sum $TEST_DIR/a | _filter_test_dir; od -Ad -c $TEST_DIR/a
dd if=/dev/zero of=$TEST_DIR/a bs=4096 seek=2 count=1 oflag=direct
stat -c %s $TEST_DIR/a; md5sum $TEST_DIR/a | _filter_test_dir
dd if=/dev/zero of=$TEST_DIR/a bs=1 count=0 seek=100000 status=none; stat -c %s $TEST_DIR/a
dd if=/dev/zero of=$TEST_DIR/b bs=64k count=2 conv=fsync,notrunc &> /dev/null; stat -c %s $TEST_DIR/b
dd if=$TEST_DIR/a bs=4096 skip=1 count=2 | md5sum
dd if=$TEST_DIR/a of=$tmp.copy bs=8k count=1 status=none; stat -c %s $tmp.copy
dd if=/dev/zero of=$TEST_DIR/nodir/x count=1; echo "no dir $?"
dd if=/dev/zero of=$TEST_DIR/z count=1 bs=2M; stat -c %s $TEST_DIR/z
""",
    "mv-shell-files": r"""echo one > $tmp.a; mv $tmp.a $tmp.b; cat $tmp.b; [ -e $tmp.a ] || echo "a is gone"
echo two > $tmp.c; mv -f $tmp.c $tmp.b; cat $tmp.b
mkdir $TEST_DIR/d; echo three > $TEST_DIR/f; mv $TEST_DIR/f $TEST_DIR/d; cat $TEST_DIR/d/f
mv $TEST_DIR/d/f $TEST_DIR/d/g && cat $TEST_DIR/d/g
mv $tmp.nope $tmp.x; echo "missing $?"
mv $tmp.b $TEST_DIR/nodir/x; echo "no dir $?"
mv $tmp.b $tmp.b; echo "same $?"
""",
    # generic/245: a directory onto a directory with entries (ENOTEMPTY, nothing moves)
    "mv-dir-onto-busy-dir": r"""dir=$TEST_DIR/test-mv; mkdir $dir $dir/aa $dir/ab
touch $dir/aa/1; mkdir $dir/ab/aa; touch $dir/ab/aa/2
mv $dir/ab/aa/ $dir 2>&1 | _filter_test_dir; echo "st $?"
mv $dir/ab/aa $dir/ 2>&1 | _filter_test_dir
[ -e $dir/ab/aa/2 ] && echo "nothing moved"
""",
    "awk-print": r"""printf ' a  b\tc \n\nx\n' | awk '{print $2}'
printf 'a b c\n' | awk '{ print $3, $1 ,$0 }' | od -c
printf 'no newline' | awk '{print $1}'
echo a b | awk '{print $5}' | od -c
: | awk '{print $1}'; echo "empty $?"
printf 'x y\n' | awk '{print $2;}'
""",
    "expr": r"""expr 5 - 1; echo "st $?"; expr 3 \* 4; expr 7 / 2; expr -7 % 3; expr 2 - 2; echo "st $?"
expr 1 \< 2; expr 2 \<= 1; echo "st $?"; expr 3 = 3; expr 3 == 4; expr 3 != 4; expr 4 \>= 5; expr 5 \> 4
expr 7; expr 0; echo "st $?"; expr -3; expr 1 / 0; echo "st $?"; expr 1 % 0; echo "st $?"
start=`expr 500 - 1`; offset=`expr $start \* 1048576`; echo $start $offset
""",
    "trim-expansions": r"""p=/a/b.c/d.tar.gz; e=.gz; s='*.'
echo "${p#*/}|${p##*/}|${p%.*}|${p%%.*}|${p#x}|${p%}|${p#}|${u#a}|${p%$e}|${p##$s}|${p%/*}"
f() { echo "fsx --replay-ops ${1#*.}" "${2%%[0-9]*}" ${3##*[!0-9]}; }; f tmp.fsxops.3 abc123 x-42
n=$TEST_DIR/file.1; echo "${n##*/}" "${n%.*}" | _filter_test_dir
for x in a.b.c "" .; do echo "[${x#*.}] [${x##*.}] [${x%.*}] [${x%%.*}]"; done
""",
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_forms_same_as_bash(tmp_path, name):
    _same_as_bash(tmp_path, SNIPPETS[name])


def test_dd_records_lines(tmp_path):
    """generic/215's form: the default 512-byte records, the lines fstests'
    golden output holds (common/rc's dd passes status=noxfer)."""
    want = _same_as_bash(tmp_path, "dd if=/dev/zero of=$TEST_DIR/tst.mmap count=4096\n")
    assert want == qa() + "4096+0 records in\n4096+0 records out\n"


def test_uname(tmp_path):
    """uname prints a fixed machine (docs/fstests.md): the same on every host."""
    body = """uname; uname -s; uname -r; uname -m; uname -n; uname -o; uname -v
uname -a; uname -rm; uname -m -r; uname -a | grep -q SMP && echo smp
"""
    golden = qa() + """Linux
Linux
6.12.0-daxsim
x86_64
daxsim
GNU/Linux
#1 SMP PREEMPT_DYNAMIC
Linux daxsim 6.12.0-daxsim #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux
6.12.0-daxsim x86_64
6.12.0-daxsim x86_64
smp
"""
    script = make_test(tmp_path, body, golden)
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 0, r.stdout
    assert "1 passed, 0 failed, 0 notrun" in r.stdout, r.stdout


def test_ulimit_and_dev_zero_ranges(tmp_path):
    """ulimit -c is the shell's (0 at first, a subshell's change stays there);
    _md5_range_checksum of /dev/zero is the md5 of the text xfs_io's pread -v
    prints for zeros, the same as a zeroed simulated file's."""
    body = """ulimit -c; ulimit -c unlimited; ulimit -c; ( ulimit -c 5; ulimit -c ); ulimit -c; ulimit -c 0; ulimit -c
_md5_range_checksum /dev/zero 0 4096
dd if=/dev/zero of=$TEST_DIR/z bs=4096 count=2 status=none
_md5_range_checksum $TEST_DIR/z 4096 4096
"""
    line = " ".join(["00"] * 16) + "\n"
    zero = hashlib.md5((line * 256).encode()).hexdigest()
    golden = qa() + "0\nunlimited\n5\nunlimited\n0\n%s\n%s\n" % (zero, zero)
    script = make_test(tmp_path, body, golden)
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 0, r.stdout
    assert "1 passed, 0 failed, 0 notrun" in r.stdout, r.stdout


def test_mread(tmp_path):
    """common/rc's _mread: xfs_io's mread -v of a read-only mapping (the file
    rounded up to a page by default); its status is the `true` after it."""
    body = """_pwrite_byte 0x61 0 100 $TEST_DIR/a > /dev/null
_mread $TEST_DIR/a 0 32; echo "st $?"
_mread $TEST_DIR/a 16 16 4096; echo "st $?"
"""
    line = "  " + " ".join(["61"] * 16) + "  " + "a" * 16 + "\n"
    golden = qa() + "00000000:" + line + "00000010:" + line + "st 0\n00000010:" + line + "st 0\n"
    script = make_test(tmp_path, body, golden)
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 0, r.stdout
    assert "1 passed, 0 failed, 0 notrun" in r.stdout, r.stdout


def test_cp_recursive_reflink(tmp_path):
    """cp --recursive --reflink DIR DST (generic/111): the tree made anew, each
    file a reflink of its original (CoW keeps them apart), into DST/DIR when
    DST is a directory."""
    body = """mkdir -p $TEST_DIR/o/sub/deeper $TEST_DIR/into
_pwrite_byte 0x61 0 9000 $TEST_DIR/o/f1 > /dev/null
_pwrite_byte 0x62 0 11000 $TEST_DIR/o/sub/f2 > /dev/null
cp --recursive --reflink $TEST_DIR/o $TEST_DIR/c1
cp -r --reflink=always $TEST_DIR/c1 $TEST_DIR/into
_pwrite_byte 0x63 0 100 $TEST_DIR/o/f1 > /dev/null
md5sum $TEST_DIR/o/f1 $TEST_DIR/c1/f1 $TEST_DIR/c1/sub/f2 $TEST_DIR/into/c1/f1 $TEST_DIR/into/c1/sub/f2 | _filter_test_dir
[ -d $TEST_DIR/c1/sub/deeper ] && [ -d $TEST_DIR/into/c1/sub/deeper ] && echo "dirs made"
_verify_reflink $TEST_DIR/c1/sub/f2 $TEST_DIR/into/c1/sub/f2
"""
    a = hashlib.md5(b"a" * 9000).hexdigest()
    b = hashlib.md5(b"b" * 11000).hexdigest()
    c = hashlib.md5(b"c" * 100 + b"a" * 8900).hexdigest()
    golden = qa() + "".join("%s  TEST_DIR/%s\n" % x for x in [
        (c, "o/f1"), (a, "c1/f1"), (b, "c1/sub/f2"), (a, "into/c1/f1"), (b, "into/c1/sub/f2")])
    golden += "dirs made\n"
    script = make_test(tmp_path, body, golden)
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    bad = tmp_path / "res" / "generic" / "001.out.bad"
    assert r.returncode == 0, r.stdout + (bad.read_text() if bad.exists() else "")
    assert "1 passed, 0 failed, 0 notrun" in r.stdout, r.stdout


def test_dd_into_a_simulated_file_is_the_simulators(tmp_path):
    """dd's zeros land in the simulated file: a reflinked copy keeps its bytes
    (the write is a CoW), the file itself reads back the zeros."""
    body = """_pwrite_byte 0x61 0 65536 $TEST_DIR/a > /dev/null
_cp_reflink $TEST_DIR/a $TEST_DIR/b
dd if=/dev/zero of=$TEST_DIR/a bs=4096 seek=3 count=2 conv=notrunc status=none
md5sum $TEST_DIR/a $TEST_DIR/b | _filter_test_dir
"""
    a = bytearray(b"a" * 65536)
    a[3 * 4096:5 * 4096] = bytes(2 * 4096)
    golden = qa() + "%s  TEST_DIR/a\n%s  TEST_DIR/b\n" % (hashlib.md5(a).hexdigest(),
                                                          hashlib.md5(b"a" * 65536).hexdigest())
    script = make_test(tmp_path, body, golden)
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 0, r.stdout
    assert "1 passed, 0 failed, 0 notrun" in r.stdout, r.stdout


# Forms left out: `[not run] unsupported: FILE:LINE: TEXT (why)`, never run.
UNSUPPORTED = [
    ("cat <<< word", "here strings"),
    ("cat <(echo x)", "process substitution"),
    ("cat 3<<EOF\nx\nEOF", "a here-document on this file descriptor"),
    ("_pwrite_byte 0x61 0 4096 $TEST_DIR/a; mv $TEST_DIR/a /tmp/b",
     "mv of a simulated file out of the simulated filesystems"),
    ("_pwrite_byte 0x61 0 4096 $TEST_DIR/a; echo x > $TEST_DIR/r; mv $TEST_DIR/a $TEST_DIR/r",
     "mv onto a file a redirect wrote"),
    ("echo x > $tmp.a; mv $tmp.a $tmp.b $tmp.c", "mv other than mv SRC DST"),
    ("mv -n $tmp.a $tmp.b", "mv option"),
    ("mkdir $TEST_DIR/d; mv $TEST_DIR/d $TEST_DIR/e", "mv of a directory"),
    ("_pwrite_byte 0x61 0 4096 $TEST_DIR/a; echo x > $tmp.a; mv $tmp.a $TEST_DIR/a",
     "mv onto a simulated file"),
    ("dd if=/dev/zero of=$TEST_DIR/f", "dd from /dev/zero without count= (until the filesystem is full)"),
    ("dd if=/dev/zero of=$TEST_DIR/f bs=4k count=1 conv=sparse", "dd operand"),
    ("dd if=/dev/zero of=$TEST_DIR/f bs=1x4 count=1", "dd operand"),
    ("dd if=/dev/zero of=$TEST_DIR/f bs=0 count=1", "dd operand"),
    ("dd if=/dev/zero of=$TEST_DIR/f count=1 oflag=sync", "dd operand"),
    ("dd --help", "dd operand"),
    ("echo abc > $tmp.a; dd if=$tmp.a of=$TEST_DIR/f", "dd of bytes other than /dev/zero's into a simulated file"),
    ("echo abc > $tmp.a; dd if=$tmp.a of=/dev/null bs=4 skip=2", "dd skip= past the end of its input"),
    ("dd if=/dev/zero bs=1 count=1 seek=1", "dd seek= on standard output"),
    ("dd if=/dev/zero of=$tmp.big bs=1M count=65", "dd of more than 64 MiB into a file of the shell's"),
    ("dd if=/dev/zero bs=1M count=65 | wc -c", "dd of more than 64 MiB to standard output"),
    ("mkdir $TEST_DIR/d; dd if=/dev/zero of=$TEST_DIR/d count=1", "dd onto a directory"),
    ("_scratch_mkfs_sized $((64 * 1024 * 1024)); dd if=/dev/zero of=$SCRATCH_MNT/f bs=1M count=100",
     "dd that fails writing a simulated file"),
    ("mkdir $TEST_DIR/o; _pwrite_byte 0x61 0 1 $TEST_DIR/x; cp -r --reflink $TEST_DIR/o $TEST_DIR/x",
     "cp -r onto a path that is there, under a missing directory or in its source"),
    ("mkdir $TEST_DIR/o; cp -r --reflink $TEST_DIR/o $TEST_DIR/o/x",
     "cp -r onto a path that is there, under a missing directory or in its source"),
    ("mkdir $TEST_DIR/o; cp -r --reflink $TEST_DIR/o $TEST_DIR/no/x",
     "cp -r onto a path that is there, under a missing directory or in its source"),
    ("mkdir $TEST_DIR/o; echo x > $TEST_DIR/o/t; cp -r --reflink $TEST_DIR/o $TEST_DIR/c",
     "cp --reflink of a file a redirect wrote"),
    ("cp -r --reflink /tmp $TEST_DIR/c", "cp -r of a directory outside $TEST_DIR and $SCRATCH_MNT"),
    ("dd if=$TEST_DIR of=/dev/null", "dd from a directory"),
    ("echo ${x#\"a\"}", "a quoted pattern in ${NAME#PAT} or ${NAME%PAT}"),
    ("echo ${x%'a'}", "a quoted pattern in ${NAME#PAT} or ${NAME%PAT}"),
    ("echo ${@#a}", "this ${...} form"),
    ("echo ${x:#a}", "this ${...} form"),
    ("uname -p", "uname option"),
    ("uname x", "uname option"),
    ("ulimit -n", "ulimit other than ulimit -c [N]"),
    ("ulimit -c x", "ulimit other than ulimit -c [N]"),
    ("echo a b | awk '{print $1 $2}'", "awk other than awk '{ print $N, ... }' on its input"),
    ("echo a:b | awk -F: '{print $1}'", "awk other than awk '{ print $N, ... }' on its input"),
    ("echo a | awk 'END { print NR }'", "awk other than awk '{ print $N, ... }' on its input"),
    ("echo a > $tmp.a; awk '{print $1}' $tmp.a", "awk other than awk '{ print $N, ... }' on its input"),
    ("echo a | awk '{print $1} x'", "awk other than awk '{ print $N, ... }' on its input"),
    ("_pwrite_byte 0x61 0 100 $TEST_DIR/a > /dev/null; _mread $TEST_DIR/a 0 8192 8192",
     "_mread killed by a signal (bash's message is not modelled)"),
    ("_mread $TEST_DIR/a 0 1", "_mread of a file that is not simulated"),
    ("_mread $TEST_DIR/a 0", "_mread takes FILE OFF LEN [MAPLEN]"),
    ("expr 1 + 2 + 3", "expr other than expr N or expr N OP N on integers"),
    ("expr length abc", "expr other than expr N or expr N OP N on integers"),
    ("expr a + 1", "expr other than expr N or expr N OP N on integers"),
    ("expr 9223372036854775807 + 1", "expr overflow"),
    ("_md5_range_checksum /dev/zero 0 10", "a range of /dev/zero other than whole lines of 16 bytes"),
    # bash forms the parser leaves out are [not run], never a usage error (they were exit 2)
    ("exec 3<> $tmp.fd", "read-write redirections (<>)"),
    ("x=$[1 + 2]", "$[ ] arithmetic"),
    ("readarray -t lines < <(echo a)", "process substitution"),
]


def assert_unsupported(tmp_path, text, why):
    """@text between two echoes, whose output the golden holds: the test is
    [not run] at @text's first line, with @why, never a pass."""
    script = make_test(tmp_path, "echo before\n" + text + "\necho after\n", qa() + "before\nafter\n")
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    want = "generic/001 [not run] unsupported: %s:%d: %s" % (
        script, PREAMBLE.count("\n") + 2, text.splitlines()[0])
    if why:
        want += " (%s)" % why
    assert want + "\n" in r.stdout, r.stdout
    assert r.stdout.endswith("0 passed, 0 failed, 1 notrun\n"), r.stdout


@pytest.mark.parametrize("text,why", UNSUPPORTED)
def test_unsupported_forms(tmp_path, text, why):
    assert why
    assert_unsupported(tmp_path, text, why)


@pytest.mark.parametrize("text,where", [
    ("cat <<EOF\nno end", "2"),
    ("cat <<EOF", "2"),
    ("f() { cat <<EOF; }\nbody", "2"),
])
def test_heredoc_without_its_delimiter(tmp_path, text, where):
    """bash warns and takes the rest of the script: daxsim does not guess."""
    script = make_test(tmp_path, "#! /bin/bash\n" + text + "\n", qa(), preamble=False)
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert ("generic/001 [not run] unsupported: %s:%s: %s (here-document delimited by end-of-file)\n"
            % (script, where, text.splitlines()[0])) in r.stdout, r.stdout


@pytest.mark.parametrize("text,where,msg", [
    ("cat <<", "2:5", "a redirection needs a target"),
    ("cat <<- ;", "2:5", "a redirection needs a target"),
    ("cat <<'EOF\nx\nEOF", "2:7", "unterminated single quote"),
])
def test_malformed_heredocs(tmp_path, text, where, msg):
    script = make_test(tmp_path, "#! /bin/bash\n" + text + "\n", qa(), preamble=False)
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 2, r.stdout + r.stderr
    assert r.stderr.startswith("%s:%s: %s\n" % (script, where, msg)), r.stderr


def test_link_out_file_picks_the_golden(tmp_path):
    """A test without NAME.out names its golden at run time: _link_out_file
    matches NAME.cfg's "OPTS: SUFFIX" lines against the OS, $FSTYP and the
    mount options (dax=always), and NAME.out.SUFFIX is compared."""
    script = make_test(tmp_path, "_link_out_file\necho picked\n", "")
    (tmp_path / "tests/generic/001.out").unlink()
    (tmp_path / "tests/generic/001.cfg").write_text("nfs: nfs\nxfs,dax=always: dax\n")
    (tmp_path / "tests/generic/001.out.dax").write_text(qa() + "picked\n")
    (tmp_path / "tests/generic/001.out.default").write_text(qa() + "default\n")
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.endswith("1 passed, 0 failed, 0 notrun\n"), r.stdout
    named = make_test(tmp_path, 'features=""\n_link_out_file "$features"\necho picked\n', "")
    (tmp_path / "tests/generic/001.out").unlink()
    r = fstests(["--results", tmp_path / "res", named], tmp_path)
    assert r.returncode == 1 and "001.out.default" in r.stdout, r.stdout


def test_xfs_io_timing_line_is_from_the_size(tmp_path):
    """The timing line after a report: a time from the size at 2 GiB/s, printed
    as xfs_io's timestr() prints it, so _filter_xfs_io's pattern (which knows
    no TiB/sec) matches a large write too (generic/102's 800 MiB)."""
    body = ('$XFS_IO_PROG -f -c "pwrite -b 1m 0 64m" $TEST_DIR/f | tail -1\n'
            '$XFS_IO_PROG -f -c "pwrite -b 1m 0 800m" $TEST_DIR/g | _filter_xfs_io\n')
    script = make_test(tmp_path, body, qa() + "64 MiB, 16384 ops; 0.0312 sec (2 GiB/sec and "
                       "524288.0000 ops/sec)\nwrote 838860800/838860800 bytes at offset 0\n"
                       "XXX Bytes, X ops; XX:XX:XX.X (XXX YYY/sec and XXX ops/sec)\n")
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 0, r.stdout + (tmp_path / "res/generic/001.out.bad").read_text()


WITHIN_TOLERANCE_CASES = """_within_tolerance w 1.253075 1.23456 1.5% -v; echo rc $?
_within_tolerance v 0.2 0.3 0.1 -v; echo rc $?
_within_tolerance a 0.0298 0.03 0.01 0.002 -v; echo rc $?
_within_tolerance b 0.0298 0.03 5% -v; echo rc $?
_within_tolerance c 1 1.234567 0.1 -v; echo rc $?
_within_tolerance d 100 50 10 -v; echo rc $?
_within_tolerance e 105 100 5 -v; echo rc $?
_within_tolerance f 106 100 5 -v; echo rc $?
_within_tolerance g 1073741824 1000000000 5% -v; echo rc $?
_within_tolerance h 0 0 0 -v; echo rc $?
_within_tolerance i -1 0 0.5 -v; echo rc $?
_within_tolerance j 55 50 10% 5% -v; echo rc $?
_within_tolerance k 2 2 1 8 -v; echo rc $?
_within_tolerance l 11 2 1 8 -v; echo rc $?
_within_tolerance m 0.5 1 0.5 -v; echo rc $?
_within_tolerance n 7 3 2 -v; echo rc $?
"""
# what fstests' own _within_tolerance (common/filter, bash and bc) printed for them
WITHIN_TOLERANCE_REAL = """QA output created by 001
w has value of 1.253075
w is NOT in range 1.21605 .. 1.25307
rc 1
v is in range
rc 0
a is in range
rc 0
b is in range
rc 0
c has value of 1
c is NOT in range 1.134567 .. 1.334567
rc 1
d has value of 100
d is NOT in range 40 .. 60
rc 1
e is in range
rc 0
f has value of 106
f is NOT in range 95 .. 105
rc 1
g has value of 1073741824
g is NOT in range 950000000 .. 1050000000
rc 1
h is in range
rc 0
i has value of -1
i is NOT in range -.5 .. .5
rc 1
j has value of 55
j is NOT in range 45 .. 52.5
rc 1
k is in range
rc 0
l has value of 11
l is NOT in range 1 .. 10
rc 1
m is in range
rc 0
n has value of 7
n is NOT in range 1 .. 5
rc 1
"""


def test_within_tolerance_is_bc(tmp_path):
    """bc's scale=5 arithmetic: truncated products (1.5% of 1.23456 is .01851),
    exact sums (0.3-0.1 is 0.2, in range), numbers printed without a leading 0;
    each case as fstests' helper under bash and bc printed it."""
    script = make_test(tmp_path, WITHIN_TOLERANCE_CASES, WITHIN_TOLERANCE_REAL)
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 0, r.stdout + (tmp_path / "res/generic/001.out.bad").read_text()


def test_cp_reflink_status_and_missing_directory(tmp_path):
    """cp --reflink=always [-p] as fstests runs it: status 1 and cp's words
    when the source is missing, when SRC and DST are one file, and when DST's
    directory is not there (the copy used to land there anyway, status 0);
    -p keeps the source's mtime; xfs_io reflink's status is 1 only for a
    source it cannot open (xfsprogs' reflink_f leaves exitcode otherwise).
    The expected text is what bash, coreutils 9.1 and xfs_io 6.1 printed."""
    body = r"""testdir=$TEST_DIR/test-$seq
mkdir $testdir
_pwrite_byte 0x61 0 65536 $testdir/file1 >> $seqres.full
_cp_reflink $testdir/file1 $testdir/nodir/file4
echo status $?
stat -c %s $testdir/nodir/file4
md5sum $testdir/nodir/file4
cp --reflink=always $testdir/file1 $testdir/nodir/file6
echo status $?
cp --reflink=always $testdir/nonexist $testdir/file6
echo status $?
_cp_reflink $testdir/file1 $testdir/file1
echo status $?
sleep 2
_cp_reflink $testdir/file1 $testdir/copy
[ $(stat -c %Y $testdir/file1) = $(stat -c %Y $testdir/copy) ] && echo "mtime preserved"
_reflink_range $testdir/nonexist 0 $testdir/file2 0 4096 > /dev/null 2>&1; echo "rl rc $?"
_reflink_range $testdir/file1 1 $testdir/file2 0 4096 > /dev/null 2>&1; echo "rl2 rc $?"
"""
    want = qa() + """cp: cannot create regular file '/mnt/test/test-001/nodir/file4': No such file or directory
status 1
stat: cannot statx '/mnt/test/test-001/nodir/file4': No such file or directory
md5sum: /mnt/test/test-001/nodir/file4: No such file or directory
cp: cannot create regular file '/mnt/test/test-001/nodir/file6': No such file or directory
status 1
cp: cannot stat '/mnt/test/test-001/nonexist': No such file or directory
status 1
cp: '/mnt/test/test-001/file1' and '/mnt/test/test-001/file1' are the same file
status 1
mtime preserved
rl rc 1
rl2 rc 0
"""
    script = make_test(tmp_path, body, want)
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 0, r.stdout + (tmp_path / "res/generic/001.out.bad").read_text()


def test_cmp_limits_skips_and_stdin(tmp_path):
    """cmp -n LIMIT, SKIP1 SKIP2 and stdin as FILE2, as generic/430-433 use
    them, against GNU cmp: equal ranges, a difference, EOF on either side."""
    body = r"""_pwrite_byte 0x61 0 1000 $TEST_DIR/a > /dev/null
_pwrite_byte 0x61 0 3000 $TEST_DIR/b > /dev/null
_pwrite_byte 0x62 0 10 $TEST_DIR/c > /dev/null
cmp -n 1000 $TEST_DIR/a $TEST_DIR/b && echo "n same"
cmp -n 500 $TEST_DIR/a $TEST_DIR/b 100 2000 && echo "skips same"
cmp -n 5000 $TEST_DIR/a $TEST_DIR/b > $tmp.o 2>&1; echo "rc=$?"
_filter_test_dir < $tmp.o
cmp $TEST_DIR/a $TEST_DIR/b 999 2>&1 | _filter_test_dir
cmp $TEST_DIR/a $TEST_DIR/c 2>&1 | _filter_test_dir
cmp -n 3 $TEST_DIR/a $TEST_DIR/c 2>&1 | _filter_test_dir
echo -n "bbbbbbbbbb" | cmp $TEST_DIR/c && echo "stdin same"
echo -n "bbbbb" | cmp $TEST_DIR/c 2>&1 | _filter_test_dir
echo -n "bbbbbbbbbbx" | cmp $TEST_DIR/c - 2>&1 | _filter_test_dir
printf 'bb\n' | cmp - $TEST_DIR/c 2>&1 | _filter_test_dir
cmp -s $TEST_DIR/a $TEST_DIR/c; echo "quiet $?"
"""
    _same_as_bash(tmp_path, body)


def test_brace_expansion(tmp_path):
    """PRE{A,B}POST words (md5sum $testdir/{file,copy}, as generic/430 writes
    it), nested and several braces, a brace without a comma left as it is,
    and quoted braces, against bash."""
    body = r"""_pwrite_byte 0x61 0 100 $TEST_DIR/file > /dev/null
_pwrite_byte 0x62 0 100 $TEST_DIR/copy > /dev/null
md5sum $TEST_DIR/{file,copy} | _filter_test_dir
echo a{b,c}d x{1,2}{3,4} {p,{q,r}}s
echo {x} {} "{a,b}" '{c,d}' e\{f,g\}
for w in pre-{one,two,}-post; do echo "$w"; done
x=VAL; echo {$x,${x}2}
"""
    _same_as_bash(tmp_path, body)
