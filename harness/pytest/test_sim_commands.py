"""The simulator's own commands (pmem, mkfs, model, prctl, wait, expect, cp_reflink,
rm, od): each usage error is FILE:LINE:COL at the word and exit 2; each failed
expectation is one EXPECT FAILED line and exit 1, the run going on."""
import re

import pytest

M = "pmem size=64m\nmkfs\n"

USAGE = [
    ("pmem 64m\n", 1, 6, "pmem: expected KEY=VALUE, got '64m'"),
    ("pmem size=64m mode=fs\n", 1, 20, "pmem: mode must be fsdax or devdax, not 'fs'"),
    ("pmem size=64m align=3k mode=devdax\n", 1, 21, "pmem: align must be 4k, 2m or 1g, not '3k'"),
    ("pmem size=64m mode=devdax align=1g\n", 1, 11,
     "pmem: a devdax size must be a multiple of align (1073741824 bytes)"),
    ("pmem size=64m backing=nfs\n", 1, 23,
     "pmem: backing must be auto, hugetlbfs, memfd or file:PATH, not 'nfs'"),
    ("pmem size=64m backing=file:\n", 1, 23,
     "pmem: backing must be auto, hugetlbfs, memfd or file:PATH, not 'file:'"),
    ("pmem size=64m colour=red\n", 1, 15, "pmem: unknown key 'colour'"),
    ("pmem mode=fsdax\n", 1, 1, "pmem: size=SIZE is required"),
    ("pmem size=-1\n", 1, 11, "pmem: bad size '-1'"),
    ("pmem size=64m\nmkfs rmapbt=2\n", 2, 13, "mkfs: rmapbt=2 is out of range (0 or 1)"),
    ("pmem size=64m\nmkfs dax=sometimes\n", 2, 6, "mkfs: bad option 'dax=sometimes'"),
    ("pmem size=64m\nmkfs colour=blue\n", 2, 6, "mkfs: bad option 'colour=blue'"),
    ("pmem size=64m\nmkfs\nmkfs\n", 3, 1, "mkfs: the filesystem already exists"),
    ("pmem size=64m mode=devdax\nmkfs\n", 2, 1,
     "mkfs: there is no filesystem: the pmem device is in devdax mode (only /dev/dax0.0 exists)"),
    ("pmem size=64m\nmodel nosuch\n", 2, 7, "model: unknown design 'nosuch' (see `daxsim help models`)"),
    (M + "open -f a\nmodel shadow\n", 4, 7, "model: must come before the filesystem is used"),
    (M + "@t prctl mce_kill sometimes\n", 3, 19, "prctl: mce_kill 'sometimes' is not early or late"),
    (M + "@t prctl dumpable 1\n", 3, 10, "usage: [@TASK] prctl mce_kill early|late"),
    (M + "expect error ENOTANERRNO\n", 3, 14, "expect error: unknown errno name"),
    (M + "expect error\n", 3, 8, "usage: expect error ERRNO"),
    (M + "expect killed\n", 3, 8, "expect killed TASK ..."),
    (M + "expect shared a 0 4k maybe\n", 3, 22, "expect shared: 'maybe' is not yes or no"),
    (M + "expect md5 a\n", 3, 8, "usage: expect md5 PATH HEX"),
    (M + "expect data a 0 4k\n", 3, 8, "usage: expect data PATH off len BYTE"),
    (M + "expect violation\n", 3, 8, "usage: expect violation ID"),
    (M + "expect sunshine\n", 3, 8, "expect: unknown expectation 'sunshine'"),
    (M + "wait T\n", 3, 6, "wait: 'T' is not @TASK"),
    (M + "wait @\n", 3, 6, "wait: '@' is not @TASK"),
    (M + "xfs_io\n", 3, 1, "xfs_io: missing arguments"),
]


@pytest.mark.parametrize("text,line,col,msg", USAGE)
def test_usage_error(daxsim, text, line, col, msg):
    r = daxsim(["run", "-"], stdin=text)
    assert r.returncode == 2, (r.stdout, r.stderr)
    m = re.match(r"<stdin>:(\d+):(\d+): (.*)", r.stderr)
    assert m, r.stderr
    assert (int(m.group(1)), int(m.group(2)), m.group(3)) == (line, col, msg) or \
        ((int(m.group(1)), int(m.group(2))) == (line, col) and m.group(3).startswith(msg)), r.stderr


EXPECT = [
    (M + "expect ok\n",
     ["EXPECT FAILED <stdin>:3: expected success, but no command ran in a task before it"]),
    (M + "@t open a\n@t expect ok\n@t expect error EBADF\n@t expect error ENOENT\n",
     ["a: No such file or directory",
      "EXPECT FAILED <stdin>:4: expected success, the previous command failed with ENOENT",
      "EXPECT FAILED <stdin>:5: expected EBADF, the previous command failed with ENOENT"]),
    (M + "@t open -f a\n@t expect error ENOENT\n@t expect ok\n",
     ["EXPECT FAILED <stdin>:4: expected ENOENT, the previous command succeeded"]),
    (M + "@t open -f a\nexpect alive t\n@nobody exit\nexpect alive nobody\nexpect killed t\n",
     ["EXPECT FAILED <stdin>:7: task t was not killed"]),
    (M + "@p open -f a\n@p pwrite 0 4k\n@p mmap -r 0 8k\n@p mread 4k 1\nexpect killed p SIGSEGV\n"
     "expect killed p SIGBUS BUS_MCEERR_AR\nexpect killed p SIGBUS BUS_ADRERR\nexpect alive p\n",
     ["wrote 4096/4096 bytes at offset 0", "@p: killed by SIGBUS (BUS_ADRERR) at mread",
      "EXPECT FAILED <stdin>:7: task p was killed by SIGBUS, not SIGSEGV",
      "EXPECT FAILED <stdin>:8: task p was killed by SIGBUS (BUS_ADRERR), not BUS_MCEERR_AR",
      "EXPECT FAILED <stdin>:10: task p is not alive"]),
    (M + 'xfs_io -f -c "pwrite -S 0x61 0 8k" a\ncp_reflink a b\nexpect shared a 0 8k no\n'
     "expect shared a 8k 4k yes\nexpect shared nofile 0 4k yes\nexpect shared a 4k 0 yes\n"
     "expect shared b 4k 4k yes\n",
     ["wrote 8192/8192 bytes at offset 0",
      "EXPECT FAILED <stdin>:5: a [0, +8192) is shared",
      "EXPECT FAILED <stdin>:6: a [8192, +4096) is not shared",
      "EXPECT FAILED <stdin>:7: nofile [0, +4096) is not shared",
      "EXPECT FAILED <stdin>:8: a [4096, +0) is not shared"]),
    (M + 'xfs_io -f -c "pwrite -S 0x61 0 8k" a\nexpect md5 a 0123\nexpect md5 nofile 0123\n'
     "expect md5 a 221994040b14294bdf7fbc128e66633c\n",
     ["wrote 8192/8192 bytes at offset 0",
      "EXPECT FAILED <stdin>:4: md5 of a is 221994040b14294bdf7fbc128e66633c, expected 0123",
      "EXPECT FAILED <stdin>:5: md5 of nofile is (unreadable), expected 0123"]),
    (M + 'xfs_io -f -c "pwrite -S 0x61 0 8k" a\nexpect data a 0 8k 0x62\nexpect data a 4k 8k 0x61\n'
     "expect data nofile 0 1 0\nexpect data a 0 8k 97\n",
     ["wrote 8192/8192 bytes at offset 0",
      "EXPECT FAILED <stdin>:4: a offset 0: found 0x61, expected 0x62",
      "EXPECT FAILED <stdin>:5: a offset 8192: beyond EOF, expected 0x61",
      "EXPECT FAILED <stdin>:6: nofile offset 0: unreadable (No such file or directory), expected 0x00"]),
    (M + 'xfs_io -f -c "pwrite -S 0x61 0 8k" a\nexpect violation M1\n',
     ["wrote 8192/8192 bytes at offset 0",
      "EXPECT FAILED <stdin>:4: the last check did not find M1 violated"]),
]


@pytest.mark.parametrize("text,lines", EXPECT)
def test_failed_expectation(daxsim, text, lines):
    r = daxsim(["run", "-"], stdin=text)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert r.stdout.splitlines() == lines


def test_file_commands_report_like_coreutils(daxsim):
    """cp_reflink, rm and od on missing files say so and the run goes on (exit 0)."""
    r = daxsim(["run", "-"], stdin=M + 'cp_reflink nofile b\nxfs_io -f -c "pwrite -S 0x41 0 20" a\n'
               "cp_reflink a a\nrm nofile\nod nofile\nod a\necho one two\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "cp: cannot stat 'nofile': No such file or directory",
        "wrote 20/20 bytes at offset 0",
        "cp: 'a' and 'a' are the same file",
        "rm: cannot remove 'nofile': No such file or directory",
        "od: nofile: No such file or directory",
        "000000 41 41 41 41 41 41 41 41 41 41 41 41 41 41 41 41  >AAAAAAAAAAAAAAAA<",
        "000010 41 41 41 41                                      >AAAA<",
        "000014",
        "one two"]


def test_commands_without_a_file_or_a_mapping_say_so(daxsim):
    """As xfs_io: a file command with no open file, a mapping command with no
    mapping; the command fails (EBADF) and the run goes on."""
    r = daxsim(["run", "-"], stdin=M + "@t pwrite 0 4k\n@t expect error EBADF\n@t mread 0 1\n"
               "@t open -f a\n@t mread 0 1\npwrite 0 1\n")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines() == ["no files are open, try 'help open'",
                                     "no mapped regions, try 'help mmap'",
                                     "no mapped regions, try 'help mmap'",
                                     "no files are open, try 'help open'"]


def test_stop_on_failure_stops_at_the_first_failed_expectation(daxsim):
    text = M + "expect ok\nexpect ok\necho reached\n"
    r = daxsim(["run", "--stop-on-failure", "-"], stdin=text)
    assert r.returncode == 1
    assert r.stdout == "EXPECT FAILED <stdin>:3: expected success, but no command ran in a task before it\n"
    r = daxsim(["run", "-"], stdin=text)
    assert r.returncode == 1 and r.stdout.count("EXPECT FAILED") == 2 and r.stdout.endswith("reached\n")
