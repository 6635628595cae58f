"""daxsim fstests: the common/ helpers, the src/ programs, the filters, the
background jobs and the runner, at their edges (docs/fstests.md).  Each case
is an fstests-shaped script whose output is compared byte for byte: with
what GNU sed/bash print for the same input where they can run here, else
with what fstests' helpers and programs print (their source is the
reference), else with the documented behaviour of the simulator."""
import os
import pathlib
import re
import shutil
import subprocess

import pytest

from conftest import DAXSIM
from test_fstests import PREAMBLE, fstests, make_test, qa, run_body


def passes(tmp_path, body, want, extra=()):
    r, bad = run_body(tmp_path, body, want, extra)
    assert r.returncode == 0, r.stdout + bad
    assert "1 passed, 0 failed, 0 notrun" in r.stdout, r.stdout


def notrun(tmp_path, body):
    """The [not run] reason of a script (unsupported ones with their FILE:LINE: prefix)."""
    script = make_test(tmp_path, body + "\necho should-not-matter\n", qa())
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    m = re.search(r"^generic/001 \[not run\] (.*)$", r.stdout, re.M)
    assert m, r.stdout
    return m.group(1).replace("%s:%d: " % (script, PREAMBLE.count("\n") + 1), "")


def sed(script, text):
    return subprocess.run(["sed", "-e", script], input=text, capture_output=True, text=True,
                          env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"}).stdout


# Filters ----------------------------------------------------------------------

def test_filter_paths_match_sed_word_boundaries(tmp_path):
    """_filter_scratch is sed's s,\\B$SCRATCH_MNT,SCRATCH_MNT,g: \\B before a word
    character needs a word character before it (it used to be the other way)."""
    text = "axmnt/b xmnt/c _xmnt/d x/mnt/scratch /mnt/scratch/e a/mnt/scratch\n"
    want = sed(r"s,\Bxmnt,SCRATCH_MNT,g", text) + sed(r"s,\B/mnt/scratch,SCRATCH_MNT,g", text)
    assert want.splitlines()[0].startswith("aSCRATCH_MNT/b xmnt/c _SCRATCH_MNT/d")
    body = "SCRATCH_MNT=xmnt\necho '%s' | _filter_scratch\nSCRATCH_MNT=/mnt/scratch\n" \
           "echo '%s' | _filter_scratch\n" % (text.strip(), text.strip())
    passes(tmp_path, body, qa() + want)


def test_filters_with_an_unset_or_empty_variable(tmp_path):
    """An unset TEST_DEV expands to nothing, as in bash: the sed expression
    becomes s,\\B,TEST_DEV,g (it crashed the simulator)."""
    text = "/mnt/test/a  ab_c\n\nx.y\nlast"
    want = sed(r"s,\B/mnt/test,TEST_DIR,g", text)
    want = sed(r"s,\B,TEST_DEV,g", want)
    body = "unset TEST_DEV\nprintf '%s' | _filter_test_dir\necho\nTEST_DEV=\necho 'q r' | _filter_test_dir\n" \
           "echo x | _filter_test_dir > /dev/null\n" % text.replace("\n", "\\n")
    passes(tmp_path, body, qa() + want + "\n" + sed(r"s,\B,TEST_DEV,g", "q r\n"))


def test_filter_xfs_io_finds_the_timing_line_as_fstests_sed(tmp_path):
    """common/filter's _filter_xfs_io: only "NUM UNIT, N ops; ..." with the
    characters its expression allows is rewritten, wherever it is in the line;
    a last line without a newline keeps its lack of one."""
    body = r"""printf 'wrote 4096/4096 bytes at offset 0\n4 KiB, 1 ops; 0.0001 sec (39.062 MiB/sec and 10000.0000 ops/sec)\n, 3 ops; 0.1 sec (1 KiB/sec and 2 ops/sec)\nx, 3 ops; 0.1 sec (1 KiB/sec and 2 ops/sec)\n3 ops; 0.1 sec (1 KiB/sec and 2 ops/sec)\n1 ops; 2 ops/sec)\nabc 1.5/2 KiB, 3 ops; 0.1 sec (1 KiB/sec and 2 ops/sec) tail\n' | _filter_xfs_io
printf 'read 1/1 bytes at offset 0\n1 bytes, 1 ops; 0.0001 sec (9.766 KiB/sec and 10000.0000 ops/sec)' > $TEST_DIR/in
_filter_xfs_io < $TEST_DIR/in; echo "|"; _filter_xfs_io_numbers < $TEST_DIR/in; echo "|"
"""
    t = "XXX Bytes, X ops; XX:XX:XX.X (XXX YYY/sec and XXX ops/sec)"
    want = qa() + ("wrote 4096/4096 bytes at offset 0\n%s\n"
                   ", 3 ops; 0.1 sec (1 KiB/sec and 2 ops/sec)\n"
                   "x, 3 ops; 0.1 sec (1 KiB/sec and 2 ops/sec)\n"
                   "3 ops; 0.1 sec (1 KiB/sec and 2 ops/sec)\n1 ops; 2 ops/sec)\n"
                   "abc %s tail\n"
                   "read 1/1 bytes at offset 0\n%s|\nread XXXX/XXXX bytes at offset XXXX\n%s|\n") % (t, t, t, t)
    passes(tmp_path, body, want)


def test_fiemap_flags_and_coalesce(tmp_path):
    """common/punch's awk: "8" followed by two hex digits is unwritten, the
    encoded flag only with 1, a FLAGS field that is not hex is dropped, and
    runs of one type are merged (in BLOCKSIZE units with an argument), with
    awk's -F: fields: a row without a type is a type "" that never closes."""
    body = r"""printf '/mnt/test/f:\n EXT: FILE-OFFSET      BLOCK-RANGE      TOTAL FLAGS\n   0: [0..7]:          100..107             8 0x2008\n   1: [8..15]:         108..115             8 0x9\n   2: [16..23]:        116..123             8 0x8\n   3: [24..31]:        124..131             8 0x28\n   4: [32..39]:        hole                 8\n   5: [40..47]:        132..139             8 0x801\n   6: [48..55]:        140..147             8 0xg\n   7: [56..63]:        148..155             8 0x1\n   8: [64..71]:        156..163             8 0x18f\n' > $TEST_DIR/fm
echo "-- 1"; _filter_fiemap_flags 1 < $TEST_DIR/fm
echo "-- 0"; _filter_fiemap_flags 0 < $TEST_DIR/fm
printf '0: [0..7]: data\n1: [8..15]: data\n2: [16..31]: hole\n3: [32..39]: data\n' > $TEST_DIR/ex
echo "-- c"; _coalesce_extents < $TEST_DIR/ex; echo "-- c 4096"; _coalesce_extents 4096 < $TEST_DIR/ex
printf '0: [0..7]: a\n1: [8..15]\n2: [16..23]: a\n3: [24..31]: b:c\n4: [32..39]: b\n' > $TEST_DIR/odd
echo "-- odd"; _coalesce_extents < $TEST_DIR/odd; echo "|"; _coalesce_extents 4096 < $TEST_DIR/odd; echo "|"
printf 'x\n0: [8..15]: a\n' | _coalesce_extents
"""
    want = qa() + """-- 1
0: [0..7]: shared|encoded
1: [8..15]: encoded|last
2: [16..31]: encoded
3: [32..39]: hole
4: [40..55]: unwritten
5: [56..63]: last
6: [64..71]: encoded|last
-- 0
0: [0..7]: shared
1: [8..15]: last
2: [16..31]: none
3: [32..39]: hole
4: [40..55]: unwritten
5: [56..71]: last
-- c
0: [0..15]: data
1: [16..31]: hole
2: [32..39]: data
-- c 4096
0: [0..1]: data
1: [2..3]: hole
2: [4..4]: data
-- odd
0: [0..7]: a
1: [8..2: [16..23]: a
3: [24..39]: b
|
0: [0..0]: a
1: [1..2: [2..2]: a
3: [3..4]: b
|
0: [8..15]: a
"""
    passes(tmp_path, body, want)


# Helpers ----------------------------------------------------------------------

def test_io_helpers_with_xfs_io_arguments(tmp_path):
    """_pwrite_byte/_read_range/_dedupe_range take xfs_io arguments last;
    _mwrite_byte and _mread_range go through a shared mapping; _dedupe_range
    past the end of the destination is EINVAL; a whole-file _reflink reports
    0/0 bytes, as xfs_io does."""
    body = """d=$TEST_DIR/h
mkdir $d
_pwrite_byte 0x61 0 8k $d/a -d >> $seqres.full; echo "pw $?"
_mwrite_byte 0x62 4096 10 8192 $d/a; echo "mw $?"
_read_range $d/a 4090 12
_mread_range $d/a 4090 12
_read_range $d/a 0 4 "-r"
_read_range $d/a 0 4 " -r"
_pwrite_byte 0x63 0 1 $d/z " -d" | _filter_xfs_io
_reflink_range $d/a 0 $d/b 0 4096 >> $seqres.full; echo "rr $?"
_dedupe_range $d/a 0 $d/b 0 4096 | _filter_xfs_io
_dedupe_range $d/a 0 $d/b 4096 4096 2>&1 | _filter_xfs_io
_dedupe_range $d/a 4096 $d/b 4096 4096 "-r" 2>&1 | _filter_xfs_io
_reflink $d/a $d/c | _filter_xfs_io
_compare_range $d/a 0 $d/c 0 8192 && echo "a = c"
_get_filesize $d/c; _get_filesize; echo "gf $?"
echo hello > $d/kept; _get_filesize $d/kept
_md5_checksum $d/none; echo "md5 $?"
"""
    t = "XXX Bytes, X ops; XX:XX:XX.X (XXX YYY/sec and XXX ops/sec)\n"
    want = qa() + ("pw 0\nmw 0\n61 61 61 61 61 61 62 62 62 62 62 62  aaaaaabbbbbb\n"
                   "61 61 61 61 61 61 62 62 62 62 62 62  aaaaaabbbbbb\n61 61 61 61  aaaa\n61 61 61 61  aaaa\n"
                   "wrote 1/1 bytes at offset 0\n" + t + "rr 0\n"
                   "deduped 4096/4096 bytes at offset 0\n" + t +
                   "XFS_IOC_FILE_EXTENT_SAME: Invalid argument\n" * 2 +
                   "linked 0/0 bytes at offset 0\n" + t +
                   "a = c\n8192\nstat: cannot statx '': No such file or directory\ngf 1\n6\n"
                   "md5sum: /mnt/test/h/none: No such file or directory\nmd5 0\n")
    passes(tmp_path, body, want)


def test_helper_exits_as_fstests(tmp_path):
    """Helpers that fstests ends with `_exit 1` after a message."""
    cases = [
        ("_get_file_block_size\necho never\n", "Missing mount point argument for _get_file_block_size\n"),
        ("_get_block_size $TEST_DIR/none\necho never\n", "Missing mount point argument for _get_block_size\n"),
        ("_begin_fstest again\necho never\n", "_begin_fstest can only be called once!\n"),
        ("_require_xfs_io_command\necho never\n", "Usage: _require_xfs_io_command command [switch]\n"),
    ]
    for i, (body, msg) in enumerate(cases):
        sub = tmp_path / str(i)
        sub.mkdir()
        r, bad = run_body(sub, body, qa() + msg)
        assert r.returncode == 1 and "generic/001 [failed, exit status 1]\n" in r.stdout, r.stdout + bad


def test_helpers_that_pass(tmp_path):
    """Options the simulated machine has: dax mounts, 4096-byte blocks, the
    programs and commands it provides; a mount option list without dax."""
    body = """_scratch_mount -o dax=always; _scratch_mount "-o dax"; _test_mount; _scratch_cycle_mount dax
_scratch_mkfs_blocksized 4096; echo "bs $?"
_require_command "$XFS_IO_PROG" xfs_io; _require_command "$FILEFRAG_PROG"; _require_test_program punch-alternating
_require_xfs_io_command falloc -k; _require_xfs_io_command fpunch
_exclude_test_mount_option; _exclude_scratch_mount_option ro noatime
_xfs_has_feature $TEST_DIR crc x; echo "crc $?"; _xfs_has_feature $TEST_DIR realtime; echo "rt $?"
echo "$(_round_up_to_page_boundary) $(_round_up_to_page_boundary 1)"
_check_dmesg_for "Mounting"; echo "nothing logged $?"
_within_tolerance a 5 5 1 2 x; echo "sixth not -v $?"
"""
    passes(tmp_path, body, qa() + "bs 0\ncrc 0\nrt 1\n0 4096\nnothing logged 1\nsixth not -v 0\n")


def test_check_s_dax_of_a_missing_file(tmp_path):
    # statx fails, so no attribute: fstests' _check_s_dax returns 2 when S_DAX is expected
    body = """_check_s_dax $TEST_DIR/none 1 2>&1 | _filter_test_dir
_check_s_dax $TEST_DIR/none 1 2>/dev/null > /dev/null; echo "ret $?"
_check_s_dax $TEST_DIR/none 0 2>&1 | _filter_test_dir
_check_s_dax $TEST_DIR/none 0 2>/dev/null; echo "ret $?"
"""
    want = qa() + ("TEST_DIR/none: No such file or directory\nTEST_DIR/none doesn't have expected S_DAX flag\n"
                   "ret 2\nTEST_DIR/none: No such file or directory\nret 0\n")
    passes(tmp_path, body, want)


@pytest.mark.parametrize("line,reason", [
    ("_scratch_cycle_mount -o ro", "mount options other than dax are not modelled by daxsim (ro)"),
    ('_scratch_mkfs_sized ""', 'error: _scratch_mkfs_sized: fs size "" not an integer.'),
    ("_scratch_mkfs_sized +4096", 'error: _scratch_mkfs_sized: fs size "+4096" not an integer.'),
    ("_scratch_mkfs_sized 67108864 4k", 'error: _scratch_mkfs_sized: block size "4k" not an integer.'),
    ("_scratch_mkfs_sized 99999999999999999999999",
     "_scratch_mkfs_sized failed with (99999999999999999999999) (daxsim: Numerical result out of range)"),
    ("_scratch_mkfs_sized 99999999999999999999999 4096",
     "_scratch_mkfs_sized failed with (99999999999999999999999 4096) (daxsim: Numerical result out of range)"),
    ("_scratch_mkfs_blocksized 8192", "block size 8192 is not modelled by daxsim (4096 only)"),
    ("_scratch_mkfs_sized 4096 4096",
     "_scratch_mkfs_sized failed with (4096 4096) (daxsim: pmem: size must be a non-zero multiple of 2 MiB)"),
    ("_scratch_mkfs_blocksized", 'error: _scratch_mkfs_sized: block size "" not an integer.'),
    ("_scratch_mkfs_blocksized 4k", 'error: _scratch_mkfs_sized: block size "4k" not an integer.'),
    ("_require_xfs_io_command pwrite x", "xfs_io pwrite x support is missing"),
    ("_require_xfs_io_command fsync -q", "xfs_io fsync -q support is missing"),
    ("_require_command /bin/x", "/bin/x utility required, skipped this test"),
    ('_exclude_test_mount_option ro "dax=always"', 'mount option "dax=always" not allowed in this test'),
])
def test_notrun_reasons_of_helpers(tmp_path, line, reason):
    assert notrun(tmp_path, line) == reason


@pytest.mark.parametrize("line,why", [
    ("_cp_reflink $TEST_DIR/a", "_cp_reflink takes two files"),
    ("_cp_reflink $TEST_DIR/a /tmp/b", "_cp_reflink outside $TEST_DIR and $SCRATCH_MNT"),
    ("_fill_fs 4096 $SCRATCH_MNT/d x 0", "_fill_fs with sizes that are not numbers"),
    ("_fill_fs 4096 $SCRATCH_MNT/d 0 0", "_fill_fs with sizes that are not numbers"),
    ("_fill_fs 4096 /tmp/d 4096 0", "mkdir outside $TEST_DIR and $SCRATCH_MNT"),
    ("_within_tolerance a 1 1", "_within_tolerance arguments"),
    ("_within_tolerance a 1 1 1 2 3 4", "_within_tolerance arguments"),
    ("_within_tolerance a 1 1 x", "_within_tolerance with values bc would not take"),
    ("_within_tolerance a 1 1 5x", "_within_tolerance with values bc would not take"),
    ("_within_tolerance a x 1 1", "_within_tolerance with values bc would not take"),
    ("_within_tolerance a 1 1 1 z", "_within_tolerance with values bc would not take"),
    ("_get_available_space", "_get_available_space of this path"),
    ("_get_available_space $TEST_DIR/none", "_get_available_space of this path"),
    ("_check_dmesg_for", "_check_dmesg_for takes one extended regular expression"),
    ('_check_dmesg_for "("', "_check_dmesg_for takes one extended regular expression"),
    ("_verify_reflink /tmp/a $TEST_DIR/b", "xfs_io on a file outside $TEST_DIR and $SCRATCH_MNT"),
    ("_count_extents /tmp/a", "xfs_io on a file outside $TEST_DIR and $SCRATCH_MNT"),
    ("_md5_range_checksum /tmp/a 0 10", "xfs_io on a file outside $TEST_DIR and $SCRATCH_MNT"),
    ("_check_s_dax /tmp/a 1", "xfs_io on a file outside $TEST_DIR and $SCRATCH_MNT"),
    ("_read_range /tmp/a 0 10", "xfs_io on a file outside $TEST_DIR and $SCRATCH_MNT"),
    ("_compare_range /tmp/a 0 $TEST_DIR/b 0 10", "xfs_io on a file outside $TEST_DIR and $SCRATCH_MNT"),
    ("_pwrite_byte 0x61 0 10 $TEST_DIR/a > /dev/null; _compare_range $TEST_DIR/a 0 /tmp/b 0 10",
     "xfs_io on a file outside $TEST_DIR and $SCRATCH_MNT"),
    ("_xfs_has_feature $TEST_DIR bigtime", "an XFS feature daxsim does not know"),
    ('_within_tolerance a "" 5 1', "_within_tolerance with values bc would not take"),
    ('_within_tolerance a 5 "" 1', "_within_tolerance with values bc would not take"),
    ('_read_range $TEST_DIR/f 0 ""', "daxsim: pread: missing arguments (usage: pread [-q] [-v] [-b bsize] off len)"),
    ("_weave_reflink_regular 4k 4 $TEST_DIR/a $TEST_DIR/b", "a weave helper's size arguments"),
    ("kill -L", "kill -l"),
    ("{ sleep 1 & } 2>&1 >/dev/null | cat", "a background job inside a pipe or $( )"),
    ("( awk 1 ) &\nwait", None),
    ("$here/src/t_mmap_cow_memory_failure -R /tmp/a -P $TEST_DIR/b",
     "t_mmap_cow_memory_failure outside $TEST_DIR and $SCRATCH_MNT"),
    ("_md5_range_checksum $TEST_DIR/a 0 x", "daxsim: pread: non-numeric or out-of-range argument 'x'"),
    ("_weave_reflink_regular 0 4 $TEST_DIR/a $TEST_DIR/b", "a weave helper's size arguments"),
    ("_weave_reflink_regular 4096 -1 $TEST_DIR/a $TEST_DIR/b", "a weave helper's size arguments"),
    ("_weave_reflink_unwritten 4096 2 /tmp/a $TEST_DIR/b", "xfs_io on a file outside $TEST_DIR and $SCRATCH_MNT"),
    ("_weave_reflink_holes_delalloc 4096 4 /tmp/a", "xfs_io on a file outside $TEST_DIR and $SCRATCH_MNT"),
    ('$XFS_IO_PROG -f $TEST_DIR/f -c', "xfs_io -c needs a command"),
    ('$XFS_IO_PROG -c "pwrite 0 1"', "xfs_io without a file"),
    ('$XFS_IO_PROG -f -c "pwrite 0 1" -', "xfs_io on a file outside $TEST_DIR and $SCRATCH_MNT"),
    ("filefrag $TEST_DIR/a", "filefrag without -v"),
    ("filefrag", "filefrag without -v"),
    ("$here/src/t_mmap_cow_memory_failure word", "t_mmap_cow_memory_failure option"),
    ("$here/src/t_mmap_cow_memory_failure -", "t_mmap_cow_memory_failure option"),
    ("$here/src/t_mmap_cow_memory_failure -R", "t_mmap_cow_memory_failure option"),
    ("$here/src/t_mmap_cow_memory_failure -sx", "t_mmap_cow_memory_failure option"),
    ("$here/src/t_mmap_cow_memory_failure -s-1", "t_mmap_cow_memory_failure option"),
    ("$here/src/t_mmap_cow_memory_failure -R $TEST_DIR/a -P /tmp/b",
     "t_mmap_cow_memory_failure outside $TEST_DIR and $SCRATCH_MNT"),
])
def test_unsupported_helper_uses(tmp_path, line, why):
    reason = notrun(tmp_path, line)
    assert reason.startswith("unsupported: "), reason
    if why:
        assert reason.endswith("(%s)" % why), reason


def test_weave_helpers_match_their_check_files(tmp_path):
    """Every weave helper of common/reflink writes files that read back as
    their .chk files (falloc, truncate, reflink and pwrite steps)."""
    body = """for w in _weave_reflink_unwritten _weave_reflink_holes _weave_reflink_regular _weave_reflink_rainbow \\
	 _sweave_reflink_regular _sweave_reflink_unwritten _sweave_reflink_holes _sweave_reflink_rainbow; do
	mkdir $TEST_DIR/$w
	$w 4096 7 $TEST_DIR/$w/s $TEST_DIR/$w/d >> $seqres.full
	for f in s d; do
		test -e $TEST_DIR/$w/$f.chk || continue
		cmp -s $TEST_DIR/$w/$f $TEST_DIR/$w/$f.chk && echo "$w $f ok" || echo "$w $f differs"
	done
done
for w in _weave_reflink_holes_delalloc _weave_file_rainbow _weave_reflink_rainbow_delalloc \\
	 _sweave_reflink_holes_delalloc _sweave_reflink_rainbow_delalloc; do
	mkdir $TEST_DIR/$w
	$w 4096 7 $TEST_DIR/$w/f >> $seqres.full
	cmp -s $TEST_DIR/$w/f $TEST_DIR/$w/f.chk && echo "$w ok" || echo "$w differs"
done
_count_holes $TEST_DIR/_weave_reflink_holes/d
$XFS_IO_PROG -c "fiemap -v" $TEST_DIR/_weave_reflink_unwritten/d | _filter_fiemap_flags | head -2
"""
    want = qa() + "".join("%s d ok\n" % w for w in ("_weave_reflink_unwritten", "_weave_reflink_holes",
                                                    "_weave_reflink_regular", "_weave_reflink_rainbow")) + \
        "".join("%s s ok\n" % w for w in ("_sweave_reflink_regular", "_sweave_reflink_unwritten",
                                          "_sweave_reflink_holes", "_sweave_reflink_rainbow")) + \
        "".join("%s ok\n" % w for w in ("_weave_reflink_holes_delalloc", "_weave_file_rainbow",
                                        "_weave_reflink_rainbow_delalloc", "_sweave_reflink_holes_delalloc",
                                        "_sweave_reflink_rainbow_delalloc")) + \
        "3\n0: [0..7]: shared\n1: [8..15]: unwritten\n"
    passes(tmp_path, body, want)


# Programs ---------------------------------------------------------------------

def test_memory_failure_madvise_past_the_mapping(tmp_path):
    """t_mmap_cow_memory_failure's madvise(map + O, S): pages past the mapping
    are not mapped, so MADV_HWPOISON fails with EFAULT (14) after poisoning
    the pages inside, whose SIGBUS the handler reports."""
    body = """T=$here/src/t_mmap_cow_memory_failure
_pwrite_byte 0x5a 0 16k $TEST_DIR/w > /dev/null
$T -o1 -s1 -S1 -O8 -R $TEST_DIR/w -P $TEST_DIR/w
echo "far $?"
_check_dmesg_for "Sending SIGBUS" || echo "nothing poisoned"
_pwrite_byte 0x5a 0 16k $TEST_DIR/v > /dev/null
$T -s2 -S2 -O1 -R $TEST_DIR/v -P$TEST_DIR/v
_check_dmesg_for "Sending SIGBUS to t_mmap_cow_memo" && echo signalled
$T -s1 -R $TEST_DIR/v
$T -S1 -s2 -R $TEST_DIR/w -P $TEST_DIR/w > /dev/null
echo "quiet $?"
"""
    want = qa() + ("Inject poison...\nmadvise() has fault: -1, errno: 14\nfar 0\nnothing poisoned\n"
                   "Inject poison...\nProcess is killed by signal: 7\nmadvise() has fault: -1, errno: 14\n"
                   "signalled\nUsage: \n  t_mmap_cow_memory_failure [-o mmapOffset] [-s mmapSize] "
                   "[-O mmapOffset] [-S mmapSize] -R readFile -P poisonFile\n"
                   "  (offset and size are both in unit of System Page Size: 4096)\nquiet 0\n")
    passes(tmp_path, body, want)


def test_mmap_write_concurrent_lengths(tmp_path):
    """src/mmap-write-concurrent parses its length with strtoul: "-5" is a huge
    length no file is long enough for, an overflow is perror(argv[1]), and a
    zero length writes nothing."""
    body = """M=$here/src/mmap-write-concurrent
_pwrite_byte 0x61 0 4k $TEST_DIR/a > /dev/null
$M -5 0 $TEST_DIR/a 2>&1 | _filter_test_dir
$M 99999999999999999999999 0 $TEST_DIR/a; echo "big $?"
$M 4k 0 $TEST_DIR/a; echo "suffix $?"
$M 0 0 $TEST_DIR/a; echo "zero $?"
$M 0x10 4080 $TEST_DIR/a; echo "hex $?"
_read_range $TEST_DIR/a 4078 18
"""
    want = qa() + ("TEST_DIR/a: file must be 18446744073709551611 bytes\n"
                   "99999999999999999999999: Numerical result out of range\nbig 1\n"
                   "0: not a proper file length?\nsuffix 1\nzero 0\nhex 0\n"
                   "61 61 62 62 62 62 62 62 62 62 62 62 62 62 62 62\n62 62  bb\n")
    passes(tmp_path, body, want)


def test_filefrag_flags_and_extent_count(tmp_path):
    """filefrag -v: an unwritten extent, one without flags, the last one with
    last,eof, and "N extents found"."""
    body = """$XFS_IO_PROG -f -c "falloc 0 8k" -c "pwrite 16k 4k" -c "pwrite 64k 4k" $TEST_DIR/f > /dev/null
filefrag -v $TEST_DIR/f | _filter_test_dir
"""
    want = qa() + """Filesystem type is: 58465342
File size of TEST_DIR/f is 69632 (17 blocks of 4096 bytes)
 ext:     logical_offset:        physical_offset: length:   expected: flags:
   0:          0..         1:       2064..      2065:      2:             unwritten
   1:          4..         4:       2066..      2066:      1:             
   2:         16..        16:       2067..      2067:      1:             last,eof
TEST_DIR/f: 3 extents found
"""
    passes(tmp_path, body, want)


def test_punch_alternating_offset_and_joined_options(tmp_path):
    body = """_pwrite_byte 0x61 0 32k $TEST_DIR/f > /dev/null
$here/src/punch-alternating -o 1 -i3 -s 2 $TEST_DIR/f
$XFS_IO_PROG -c "fiemap" $TEST_DIR/f | _filter_test_dir | sed -e 's/[0-9]*\\.\\.[0-9]*$/DATA/' -e 's/\\]: [0-9].*/]: DATA/'
$here/src/punch-alternating -o2; echo "no file $?"
"""
    usage = ("Usage: /var/lib/xfstests/src/punch-alternating [-o offset] [-i interval] [-s size] file\n"
             "Punches every other block in the file by default,\n"
             "or 'size' blocks every 'interval' blocks starting at\n"
             "'offset'.  Units are in fstatfs blocks.\n")
    want = qa() + ("TEST_DIR/f:\n\t0: [0..7]: DATA\n\t1: [8..23]: hole\n\t2: [24..31]: DATA\n"
                   "\t3: [32..47]: hole\n\t4: [48..55]: DATA\n\t5: [56..63]: hole\n") + usage + "no file 1\n"
    passes(tmp_path, body, want)


def test_xfs_io_flag_forms(tmp_path):
    """xfs_io's -x and -F change nothing here, a flag given twice is one flag,
    -c may be joined to its command and -C is -c."""
    body = """$XFS_IO_PROG -f -f -x -F -c "pwrite -S 0x61 0 4k" -C "pread -q 0 1" -cfsync $TEST_DIR/f | _filter_xfs_io
echo "rc $?"
"""
    passes(tmp_path, body, qa() + "wrote 4096/4096 bytes at offset 0\n"
           "XXX Bytes, X ops; XX:XX:XX.X (XXX YYY/sec and XXX ops/sec)\nrc 0\n")


# Background jobs --------------------------------------------------------------

def test_jobs_wait_kill_and_orphans(tmp_path):
    """As bash: `wait` with no children, `wait PID` of a child reaped before
    returns its status again, sleep suffixes, kill's signal forms and errors;
    a job's own background child outlives it (the script adopts it: the
    simulator used to hang, "no job can run", when it ended after its parent
    was reaped)."""
    body = """wait; echo "none $?"
wait 4301; echo "nochild $?"
f() { sleep 1 & echo "inner $!"; }
f &
a=$!
wait $a; echo "a $?"
sleep 3
wait; echo "all $?"
sleep 5 &
b=$!
sleep 1 &
c=$!
wait $c; echo "c $?"
kill -0 $b && echo "b alive"
wait $c; echo "again $?"
kill $b; wait $b; echo "b $?"
sleep 1m &
wait $!; echo "1m $?"
sleep 1h &
d=$!
sleep 1
kill -s 99 $d; echo "99 $?"
kill -s; echo "s $?"
kill -9 $d; wait $d; echo "d $?"
sleep 3000000000 &
e=$!
sleep 2
kill -0 $e && echo "e sleeping"
kill -s "" $e; echo "empty $?"
kill -SIGKILL $e; wait $e; echo "e $?"
kill -0 $e; echo "gone $?"
g() { sleep 100 & wait; echo "g woke"; }
g &
h=$!
sleep 1
kill $h; wait $h; echo "h $?"
echo "log" >> $TEST_DIR/log &
echo "other" > $TEST_DIR/other
wait
cat $TEST_DIR/log
g &
echo bye
"""
    script = make_test(tmp_path, body, "")
    lines = script.read_text().splitlines()

    def at(text):
        return "%s: line %d: " % (script, lines.index(text) + 1)
    want = qa() + ("none 0\n" + at('wait 4301; echo "nochild $?"') + "wait: pid 4301 is not a child of this shell\n"
                   "nochild 127\ninner 4302\na 0\nall 0\nc 0\nb alive\nagain 0\nb 143\n1m 0\n" +
                   at('kill -s 99 $d; echo "99 $?"') + "kill: 99: invalid signal specification\n99 1\n" +
                   at('kill -s; echo "s $?"') + "kill: -s: option requires an argument\ns 1\nd 137\n"
                   "e sleeping\n" + at('kill -s "" $e; echo "empty $?"') + "kill: : invalid signal specification\n"
                   "empty 1\ne 137\n" + at('kill -0 $e; echo "gone $?"') + "kill: (4307) - No such process\n"
                   "gone 1\nh 143\nlog\nbye\n")
    pathlib.Path(str(script) + ".out").write_text(want)
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    bad = tmp_path / "res" / "generic" / "001.out.bad"
    assert r.returncode == 0, r.stdout + r.stderr + (bad.read_text() if bad.exists() else "")


def test_notrun_of_two_jobs_keeps_the_first_reason(tmp_path):
    body = """a() { sleep 1; _notrun "first reason"; }
b() { sleep 2; _notrun "second reason"; }
a &
b &
wait
"""
    assert notrun(tmp_path, body) == "first reason"


def test_wait_for_one_job_while_another_runs(tmp_path):
    body = """sleep 5 &
a=$!
(sleep 1; echo "short done") &
b=$!
wait $b; echo "b $?"
kill -0 $a && echo "a still sleeps"
wait; echo "all $?"
"""
    passes(tmp_path, body, qa() + "short done\nb 0\na still sleeps\nall 0\n")


# The runner -------------------------------------------------------------------

def test_a_test_without_a_group_directory(tmp_path):
    """A script in the current directory is named by its file name alone and
    its results go straight under the results directory."""
    (tmp_path / "007").write_text(". ./common/preamble\n_begin_fstest auto\necho hi\nstatus=0\nexit\n")
    (tmp_path / "007.out").write_text("QA output created by 007\nhi\n")
    r = fstests(["--results", "res", "007"], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.match(r"007 \d+s\nRan: 007\n", r.stdout), r.stdout
    (tmp_path / "007.out").write_text("QA output created by 007\nho\n")
    r = fstests(["--results", "res", "007"], tmp_path)
    assert r.returncode == 1
    assert (tmp_path / "res" / "007.out.bad").read_text() == "QA output created by 007\nhi\n"


def test_a_script_without_begin_fstest(tmp_path):
    """Without _begin_fstest the exit status is the script's own, there is no
    _cleanup, and $RESULT_DIR/$seq.full is still kept."""
    body = "echo hi\necho kept >> $RESULT_DIR/$seq.full\nexit 3\n"
    script = make_test(tmp_path, body, "hi\n", preamble=False)
    res = tmp_path / "res"
    r = fstests(["--results", res, script], tmp_path)
    assert r.returncode == 1
    assert "generic/001 [failed, exit status 3]\n" in r.stdout, r.stdout
    assert (res / "generic" / "001.full").read_text() == "kept\n"
    script.write_text("echo hi\n")
    r = fstests(["--results", res, script], tmp_path)
    assert r.returncode == 0, r.stdout


def test_cleanup_that_returns_and_unset_status(tmp_path):
    # _cleanup's `return` ends it, not the test; `unset status` makes the trap's `exit $status` exit 0
    body = ". ./common/preamble\n_begin_fstest auto\n_cleanup() { echo cleaning; return 0; echo never; }\n" \
           "echo body\nstatus=0\nexit\n"
    script = make_test(tmp_path, body, qa() + "body\ncleaning\n", preamble=False)
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 0, r.stdout


def test_results_that_cannot_be_written(tmp_path):
    script = make_test(tmp_path, "echo one\n", qa() + "two\n")
    (tmp_path / "file").write_text("")
    r = fstests(["--results", tmp_path / "file" / "res", script], tmp_path)
    assert r.returncode == 2
    assert r.stderr == "cannot create the results directory %s: Not a directory\n" % (
        tmp_path / "file" / "res" / "generic"), r.stderr
    assert r.stdout == ""
    # .out.bad is a directory that cannot be removed: the write fails, said on stderr
    bad = tmp_path / "res" / "generic" / "001.out.bad"
    bad.mkdir(parents=True)
    (bad / "x").write_text("")
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 1
    assert r.stderr.startswith("daxsim: fstests: cannot write %s: " % bad), r.stderr


def test_directory_arguments_and_stray_goldens(tmp_path):
    """A directory's subdirectories are not tests, even with a .out beside
    them; a .out named without its script is taken as a test (and has no
    golden)."""
    d = tmp_path / "tests" / "generic"
    make_test(tmp_path, "echo a\n", qa() + "a\n")
    (d / "sub").mkdir()
    (d / "sub.out").write_text("")
    r = fstests(["--results", tmp_path / "res", d], tmp_path)
    assert r.returncode == 0 and "Ran: generic/001\n" in r.stdout, r.stdout
    (d / "009.out").write_text("")
    r = fstests(["--results", tmp_path / "res", d / "009.out"], tmp_path)
    assert r.returncode == 2 and r.stdout == "", r.stdout
    assert r.stderr.startswith("%s.out: cannot read the golden output" % (d / "009.out")), r.stderr


def test_keep_going_machine_remade_after_a_violation(tmp_path):
    """Under the rfc design daxsim/004's writers break an invariant; with
    --keep-going the test goes on: _check_dmesg sees the WARNING, and a
    violation of the old machine still fails the test after
    _scratch_mkfs_sized made a new one."""
    src = pathlib.Path(__file__).resolve().parents[2] / "scenarios" / "fstests" / "daxsim" / "004"
    text = src.read_text().replace("status=0\nexit", '_check_dmesg || echo "dmesg has a warning"\n'
                                   "_scratch_mkfs_sized $((64 * 1048576)) > /dev/null\n"
                                   'echo "remade $?"\nstatus=0\nexit')
    assert "remade" in text
    script = tmp_path / "tests" / "daxsim" / "004"
    script.parent.mkdir(parents=True)
    script.write_text(text)
    golden = src.with_name("004.out").read_text()
    pathlib.Path(str(script) + ".out").write_text(golden)
    res = tmp_path / "res"
    r = fstests(["--model", "rfc", "--keep-going", "--results", res, script], tmp_path)
    assert r.returncode == 1
    assert "[failed, simulator invariant violated]" in r.stdout, r.stdout
    out = (res / "daxsim" / "004.out.bad").read_text()
    assert "_check_dmesg: something found in dmesg (see %s.dmesg)\ndmesg has a warning\nremade 0\n" % (
        res / "daxsim" / "004") in out, out


def test_verify_reflink_of_missing_files(tmp_path):
    """common/reflink's _verify_reflink compares `stat -c %i` outputs: a
    missing file's stat fails (its message on stderr) and two missing files
    print the same nothing, so "same inode number"; then the fiemaps differ."""
    body = """_pwrite_byte 0x61 0 8k $TEST_DIR/a > /dev/null
_verify_reflink $TEST_DIR/a $TEST_DIR/none 2>&1 | _filter_test_dir | sed -e 's/[0-9]*\\.\\.[0-9]*$/PHYS/'
echo "--"
_verify_reflink $TEST_DIR/n1 $TEST_DIR/n2 2>&1 | _filter_test_dir
"""
    want = qa() + """stat: cannot statx 'TEST_DIR/none': No such file or directory
TEST_DIR/none: No such file or directory
--- /dev/fd/63
+++ /dev/fd/62
@@ -1 +0,0 @@
-\t0: [0..15]: PHYS
TEST_DIR/a and TEST_DIR/none are not reflinks: different extents
--
stat: cannot statx 'TEST_DIR/n1': No such file or directory
stat: cannot statx 'TEST_DIR/n2': No such file or directory
TEST_DIR/n1 and TEST_DIR/n2 are not reflinks: same inode number
TEST_DIR/n1: No such file or directory
TEST_DIR/n2: No such file or directory
"""
    passes(tmp_path, body, want)


def test_fill_fs_halves_down_to_the_block_size(tmp_path):
    """_fill_fs on a 32 MiB filesystem: a size below the block size starts at
    the block size, files are made until one does not fit, then the size is
    halved; xfs_io's falloc failures are on stderr."""
    body = """_scratch_mkfs_sized $((32 * 1048576)) 4096
_fill_fs 1000 $SCRATCH_MNT/fill 1048576 0 >> $seqres.full 2>&1
ls_n=$(for f in $SCRATCH_MNT/fill/*; do echo $f; done | wc -l); echo "files $ls_n"
stat -c %s $SCRATCH_MNT/fill/1; stat -c %s $SCRATCH_MNT/fill/$((ls_n - 1))
echo "free $(stat -f -c %f $SCRATCH_MNT)"
_fill_fs $((64 * 1048576)) $SCRATCH_MNT/fill2 65536 0 2>&1 | grep -c "^fallocate: No space left on device$"
stat -c %s $SCRATCH_MNT/fill2/11
"""
    r, bad = run_body(tmp_path, body, qa() + "x\n")
    assert r.returncode == 1 and "0 notrun" in r.stdout, r.stdout
    lines = bad.splitlines()
    n = int(lines[1].split()[1])
    # the 1 MiB files (and the probe) fill the space left by the metadata; the last did not fit
    assert 25 < n <= 32, bad
    assert lines[2:] == ["1048576", "0", "free 0", "11", "0"], bad
    assert "fallocate: No space left on device\n" in (tmp_path / "res" / "generic" / "001.full").read_text()


def test_exit_in_cleanup_is_the_exit_status(tmp_path):
    """fstests' trap is `_cleanup; exit $status`: an `exit 5` in _cleanup
    ends the shell with 5."""
    body = "_cleanup() { echo cleanup; exit 5; }\necho body\n"
    r, bad = run_body(tmp_path, body, qa() + "body\ncleanup\n")
    assert r.returncode == 1 and "generic/001 [failed, exit status 5]\n" in r.stdout, r.stdout + bad


@pytest.mark.parametrize("body", ['echo "$(fi)"\necho after\n', '( echo "$(fi)" ) &\nwait\necho after\n'],
                         ids=["script", "job"])
def test_syntax_error_found_at_run_time_is_a_usage_error(tmp_path, body):
    script = make_test(tmp_path, body, qa())
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    assert r.returncode == 2, r.stdout + r.stderr
    assert r.stderr == "%s:%d:1: unexpected 'fi'\n" % (script, PREAMBLE.count("\n") + 1), r.stderr
    assert r.stdout == ""


def test_xfs_io_errors_go_to_stderr(tmp_path):
    body = """_pwrite_byte 0x61 0 4k $TEST_DIR/a > /dev/null; _pwrite_byte 0x62 0 4k $TEST_DIR/b > /dev/null
_dedupe_range $TEST_DIR/a 0 $TEST_DIR/b 0 4k 2>&1 >/dev/null | _filter_dedupe_error
$XFS_IO_PROG -c "mread 0 1" $TEST_DIR/a 2>&1 > /dev/null
$XFS_IO_PROG -c "mmap -r 4k 4k" -c "mread 0 1" $TEST_DIR/a 2>&1 > /dev/null
$XFS_IO_PROG -c "mmap -r 0 4k" -c "mread 0 8k" $TEST_DIR/a 2>&1 > /dev/null
echo done
"""
    passes(tmp_path, body, qa() + "XFS_IOC_FILE_EXTENT_SAME: Extents did not match.\n"
           "no mapped regions, try 'help mmap'\noffset (0) is before start of mapping (4096)\n"
           "range (0:0) is beyond mapping (0:4096)\ndone\n")


def test_rm_of_a_directory_keeps_a_file_with_its_prefix(tmp_path):
    body = """mkdir $TEST_DIR/a
_pwrite_byte 0x61 0 1 $TEST_DIR/ab > /dev/null
_pwrite_byte 0x61 0 1 $TEST_DIR/a/x > /dev/null
rm -rf $TEST_DIR/a
echo "ab $(stat -c %s $TEST_DIR/ab)"
test -e $TEST_DIR/a/x || echo "a/x gone"
"""
    passes(tmp_path, body, qa() + "ab 1\na/x gone\n")


def test_punch_alternating_unknown_option(tmp_path):
    body = "$here/src/punch-alternating -x $TEST_DIR/f; echo \"rc $?\"\n"
    passes(tmp_path, body, qa() + "Usage: /var/lib/xfstests/src/punch-alternating [-o offset] [-i interval] "
           "[-s size] file\nPunches every other block in the file by default,\n"
           "or 'size' blocks every 'interval' blocks starting at\n'offset'.  Units are in fstatfs blocks.\nrc 1\n")


def test_kill_and_wait_argument_errors_as_bash(tmp_path):
    body = """sleep 1 &
p=$!
kill -s -1 $p; kill -65 $p; kill -FOO $p; kill ""; echo "k $?"
wait ""; echo "w $?"
"""
    script = make_test(tmp_path, body, "")
    n = script.read_text().splitlines().index("kill -s -1 $p; kill -65 $p; kill -FOO $p; kill \"\"; echo \"k $?\"") + 1
    pre = "%s: line %d: " % (script, n)
    want = qa() + (pre + "kill: -1: invalid signal specification\n" + pre + "kill: 65: invalid signal specification\n"
                   + pre + "kill: FOO: invalid signal specification\n" + pre + "kill: `': not a pid or valid job spec\n"
                   "k 1\n%s: line %d: wait: `': not a pid or valid job spec\nw 1\n" % (script, n + 1))
    pathlib.Path(str(script) + ".out").write_text(want)
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    bad = tmp_path / "res" / "generic" / "001.out.bad"
    assert r.returncode == 0, r.stdout + (bad.read_text() if bad.exists() else "")


def test_job_output_follows_a_function_redirect(tmp_path):
    """A job started inside a function whose output goes to a file writes
    there (bash: the job inherits the redirected stdout)."""
    body = """g() { echo "from job" & wait; }
echo x > $TEST_DIR/a_other
g > $TEST_DIR/jo
cat $TEST_DIR/jo
sleep 0.0001d &
wait $!; echo "days $?"
"""
    passes(tmp_path, body, qa() + "from job\ndays 0\n")


def test_notrun_in_a_job_ends_wait_for_it(tmp_path):
    assert notrun(tmp_path, 'a() { sleep 1; _notrun "from a"; }\na &\nwait $! 4399\necho never') == "from a"


def test_wait_for_a_job_others_finish_before(tmp_path):
    body = """sleep 2 &
a=$!
(sleep 1; echo one) &
wait $a; echo "a $?"
"""
    passes(tmp_path, body, qa() + "one\na 0\n")


def test_invariant_violation_in_a_job_stops_the_test(tmp_path):
    """daxsim/004's writers run as a background job under the rfc design: the
    violation in the job stops the whole test, neither the job nor the
    script goes on."""
    src = pathlib.Path(__file__).resolve().parents[2] / "scenarios" / "fstests" / "daxsim" / "004"
    text = src.read_text()
    start = text.index("$here/src/mmap-write-concurrent 200")
    end = text.index("$testdir/file5", start) + len("$testdir/file5")
    text = text[:start] + "{ " + text[start:end] + '; echo "job ran on"; } &\nwait; echo "script ran on"' + text[end:]
    script = tmp_path / "tests" / "daxsim" / "004"
    script.parent.mkdir(parents=True)
    script.write_text(text)
    pathlib.Path(str(script) + ".out").write_text(src.with_name("004.out").read_text())
    res = tmp_path / "res"
    r = fstests(["--model", "rfc", "--results", res, script], tmp_path)
    assert r.returncode == 1
    assert "[failed, simulator invariant violated]" in r.stdout, r.stdout
    out = (res / "daxsim" / "004.out.bad").read_text()
    assert "INVARIANT P-rfc violated" in out and "ran on" not in out, out


def test_wait_remembers_and_kill_errors(tmp_path):
    """bash keeps the status of a child it waited for (also once the job is
    gone), a grandchild is not the script's child, `kill` alone is a usage
    error (2), a finished job is no process."""
    body = """sleep 1 & c=$!; wait $c; sleep 1 & wait; wait $c; echo "again $?"
f() { sleep 1 & echo $! > $TEST_DIR/gc; wait; }
f & wait
wait $(cat $TEST_DIR/gc); echo "gc $?"
kill; echo "k $?"
kill 12x; echo "x $?"
(exit 0) & p=$!; sleep 1; kill $p; echo "done $?"
"""
    script = make_test(tmp_path, body, "")
    lines = script.read_text().splitlines()

    def at(text):
        return "%s: line %d: " % (script, lines.index(text) + 1)
    want = qa() + ("again 0\n" + at('wait $(cat $TEST_DIR/gc); echo "gc $?"') +
                   "wait: pid 4304 is not a child of this shell\ngc 127\n"
                   "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n"
                   "k 2\n" + at('kill 12x; echo "x $?"') + "kill: 12x: arguments must be process or job IDs\nx 1\n" +
                   at('(exit 0) & p=$!; sleep 1; kill $p; echo "done $?"') + "kill: (4305) - No such process\ndone 1\n")
    pathlib.Path(str(script) + ".out").write_text(want)
    r = fstests(["--results", tmp_path / "res", script], tmp_path)
    bad = tmp_path / "res" / "generic" / "001.out.bad"
    assert r.returncode == 0, r.stdout + (bad.read_text() if bad.exists() else "")


def test_a_directory_without_tests(tmp_path):
    (tmp_path / "tests" / "generic").mkdir(parents=True)
    (tmp_path / "tests" / "generic" / "README").write_text("no golden beside it\n")
    r = fstests(["--results", tmp_path / "res", tmp_path / "tests" / "generic"], tmp_path)
    assert (r.returncode, r.stdout, r.stderr) == (0, "Passed all 0 tests\n0 passed, 0 failed, 0 notrun\n", "")
