"""The scenario language and the CLI, path by path: every command's options
and usage errors (FILE:LINE:COL at the word, exit 2), edge values, the
concurrency syntax, and the output forms of `compare` and `export`.  Each
case asserts the whole stdout, the whole stderr and the exit status."""
import hashlib
import json
import os
import subprocess

import pytest

from conftest import DAXSIM, ROOT

M = "pmem size=64m\n"
F = M + "open -f a\n"


def run(args, stdin=None, cwd=ROOT, env=None):
    if isinstance(stdin, str):
        stdin = stdin.encode()
    r = subprocess.run([DAXSIM] + [str(a) for a in args], input=stdin, capture_output=True,
                       cwd=cwd, timeout=300, env=dict(os.environ, **env) if env else None)
    return r.returncode, r.stdout.decode(errors="surrogateescape"), r.stderr.decode(errors="surrogateescape")


def scn(text, *opts):
    return run(["run", *opts, "-"], text)


# (scenario, exit status, stdout, stderr): usage errors name FILE:LINE:COL
USAGE = [
    # pmem / mkfs keys: a key of a known key's length is still unknown
    (M.replace("\n", " abcd=1\n"), 2, "", "<stdin>:1:15: pmem: unknown key 'abcd'\n"),
    (M.replace("\n", " abcde=1\n"), 2, "", "<stdin>:1:15: pmem: unknown key 'abcde'\n"),
    (M.replace("\n", " abcdefg=1\n"), 2, "", "<stdin>:1:15: pmem: unknown key 'abcdefg'\n"),
    ("pmem size=abc\n", 2, "", "<stdin>:1:11: pmem: bad size 'abc'\n"),
    (M + "mkfs " + "k" * 40 + "=" + "v" * 70 + "\n", 2, "",
     "<stdin>:2:47: mkfs: value of '" + "k" * 32 + "' too long (70 bytes, at most 63)\n"),
    (M + "mkfs dax=" + "v" * 70 + "\n", 2, "", "<stdin>:2:10: mkfs: value of 'dax' too long (70 bytes, at most 63)\n"),
    (M + "mkfs blocksize=0\n", 2, "", "<stdin>:2:16: mkfs: blocksize=0 is out of range\n"),
    (M + "mkfs agcount=0\n", 2, "", "<stdin>:2:14: mkfs: agcount=0 is out of range\n"),
    (M + "mkfs agcount=5g\n", 2, "", "<stdin>:2:14: mkfs: agcount=5g is out of range\n"),
    (M + "mkfs reflink=2\n", 2, "", "<stdin>:2:14: mkfs: reflink=2 is out of range (0 or 1)\n"),
] + [
    (M + "mkfs %s\n" % kv, 2, "", "<stdin>:2:6: mkfs: bad option '%s'\n" % kv)
    for kv in ["reflink=x", "agcount=x", "blocksize=x", "rmapbt=x", "daxx=always", "dag=always",
               "reflinx=1", "rmapbx=1", "blocksizx=1"]
] + [
    # the I/O limit and the dump limit, each at the word that sets the size
    (F + "pwrite 0 2g\n", 2, "", "<stdin>:3:10: pwrite: 2147483648 bytes in one command is over "
     "the simulator's limit of 1073741824 (split the range)\n"),
    (F + "pwrite -q 2g 1\npread 0 3g\n", 2, "", "<stdin>:4:9: pread: 2147483649 bytes in one command "
     "is over the simulator's limit of 1073741824 (split the range)\n"),
    (F + "pwrite -q 20m 1\npread -v 0 20m\n", 2, "", "<stdin>:4:12: pread: dumping 20971520 bytes prints "
     "about 100 MiB of text, over the simulator's limit of 16777216 bytes per command (dump less, "
     "or use md5sum / expect data)\n"),
    (F + "pwrite -q 2g 1\nopen -f b\npwrite -q 2g 1\ndedupe a 0 0 2g\n", 2, "", "<stdin>:6:14: dedupe: "
     "4294967296 bytes in one command is over the simulator's limit of 1073741824 (split the range)\n"),
    # past the destination's EOF nothing is compared: the kernel's EINVAL (generic/304)
    (F + "pwrite -q 2g 1\nopen -f b\ndedupe a 0 0 2g\n", 0, "XFS_IOC_FILE_EXTENT_SAME: Invalid argument\n",
     "<stdin>:5: XFS_IOC_FILE_EXTENT_SAME: Invalid argument\n"),
    (F + "pwrite -q 2g 1\nmd5sum a\n", 2, "", "<stdin>:4:8: md5sum: 2147483649 bytes in one command is "
     "over the simulator's limit of 1073741824 (split the range)\n"),
    (F + "pwrite -q 2g 1\nexpect md5 a 00\n", 2, "", "<stdin>:4:12: expect: 2147483649 bytes in one "
     "command is over the simulator's limit of 1073741824 (split the range)\n"),
    (F + "pwrite -q 2g 1\nmmap -r 0 2g\nmread\n", 2, "", "<stdin>:5:1: mread: 2147483648 bytes in one "
     "command is over the simulator's limit of 1073741824 (split the range)\n"),
    (F + "pwrite -q 2g 1\nmmap -w 0 2g\nmwrite\n", 2, "", "<stdin>:5:1: mwrite: 2147483648 bytes in one "
     "command is over the simulator's limit of 1073741824 (split the range)\n"),
    (F + "pwrite -q 2g 1\nmmap -r 0 2g\nmadvise -R\n", 2, "", "<stdin>:5:1: madvise: 2147483648 bytes "
     "in one command is over the simulator's limit of 1073741824 (split the range)\n"),
    (F + "pwrite -q 20m 1\nmmap -r 0 20m\nmread -v\n", 2, "", "<stdin>:5:1: mread: dumping 20971520 "
     "bytes prints about 100 MiB of text, over the simulator's limit of 16777216 bytes per command "
     "(dump less, or use md5sum / expect data)\n"),
    (F + "pwrite -q 20m 1\nmmap -r 0 20m\nmread -f 0 20m\n", 2, "", "<stdin>:5:12: mread: dumping "
     "20971520 bytes prints about 100 MiB of text, over the simulator's limit of 16777216 bytes per "
     "command (dump less, or use md5sum / expect data)\n"),
    # expect: sub-syntax checked when the line runs
    (F + "pwrite -q 0 1\nexpect data a 0 1 x\n", 2, "", "<stdin>:4:19: expect: bad byte 'x' (0 .. 255)\n"),
    (F + "pwrite -q 0 1\nexpect data a 0 1 256\n", 2, "", "<stdin>:4:19: expect: bad byte '256' (0 .. 255)\n"),
    (F + "pwrite -q 0 1\nexpect data a 0 1 -1\n", 2, "", "<stdin>:4:19: expect: bad byte '-1' (0 .. 255)\n"),
    (F + "expect data a x 1 0\n", 2, "", "<stdin>:3:15: expect: bad offset 'x' (a number, 0 .. 2^63-1)\n"),
    (M + "mkfs\nexpect shared a 0 4k\n", 2, "", "<stdin>:3:8: usage: expect shared PATH off len yes|no\n"),
    # a stray word after an expectation is an error, never ignored
    (M + "mkfs\n@p open -f a\nexpect ok EIO\n", 2, "", "<stdin>:4:11: expect ok: unexpected word 'EIO' (usage: expect ok)\n"),
    (M + "mkfs\n@p open -f a\n@p expect ok junk\n", 2, "", "<stdin>:4:14: expect ok: unexpected word 'junk' (usage: expect ok)\n"),
    (M + "mkfs\n@p open -f a\nexpect error EIO EBADF\n", 2, "", "<stdin>:4:18: expect error: unexpected word 'EBADF' (usage: expect error ERRNO)\n"),
    (M + "mkfs\n@p open -f a\nexpect alive p junk\n", 2, "", "<stdin>:4:8: usage: expect alive TASK\n"),
    (M + "mkfs\n@p open -f a\n@p mmap -r 0 4k\n@p mread 0 1\nexpect killed p SIGBUS BUS_ADRERR junk\n", 2,
     "@p: killed by SIGBUS (BUS_ADRERR) at mread\n",
     "<stdin>:6:8: usage: expect killed TASK [SIGBUS|SIGSEGV [CODE]]\n"),
    (M + "mkfs\n@p open -f a\nexpect violation D1 junk\n", 2, "", "<stdin>:4:8: usage: expect violation ID\n"),
    # getopt: --, options of a command without any, '-:', a missing or bad option argument
    (M + "echo -n x\n", 2, "", "<stdin>:2:6: echo: unknown option '-n' (see `daxsim help echo`)\n"),
    (F + "pwrite -: 0 1\n", 2, "", "<stdin>:3:8: pwrite: unknown option '-:' (see `daxsim help pwrite`)\n"),
    (F + "pwrite -S\n", 2, "", "<stdin>:3:9: pwrite: option '-S' needs an argument\n"),
    (F + "pwrite -S zz 0 1\n", 2, "", "<stdin>:3:11: pwrite: non-numeric argument 'zz' to -S\n"),
    (F + "mmap -s zz 0 1\n", 2, "", "<stdin>:3:9: mmap: non-numeric argument 'zz' to -s\n"),
    (F + "pwrite -1 1\n", 2, "", "<stdin>:3:8: pwrite: negative argument '-1'\n"),
    (F + "pwrite ' 1' 1\n", 2, "", "<stdin>:3:8: pwrite: non-numeric or out-of-range argument ' 1'\n"),
    (F + "pwrite '' 1\n", 2, "", "<stdin>:3:8: pwrite: non-numeric or out-of-range argument ''\n"),
    (M + "echo " + " ".join(["w"] * 257) + "\n", 2, "",
     "<stdin>:2:518: echo: too many arguments at 'w' (usage: echo TEXT)\n"),
    (M + "mkfs dax=inode\nopen -f a\nchattr -x\nchattr +a\n", 2, "",
     "<stdin>:5:8: chattr: only +x / -x (FS_XFLAG_DAX) are simulated, not '+a'\n"),
    # xfs_io -c strings
    (M + "xfs_io -f -c \"pwrite 'x\" a\n", 2, "", "<stdin>:2:14: xfs_io: cannot parse -c 'pwrite 'x'\n"),
    (M + "xfs_io -f -c '' a\n", 2, "", "<stdin>:2:14: xfs_io: cannot parse -c ''\n"),
    (M + "xfs_io -f -c 'md5sum a' a\n", 2, "", "<stdin>:2:14: xfs_io: command \"md5sum\" not found "
     "(a simulator command: write it as its own line)\n"),
    # a killed main task: the next main line
    (F + "mmap -r 0 4k\nmread 0 1\npread 0 1\n", 2, "@main: killed by SIGBUS (BUS_ADRERR) at mread\n",
     "<stdin>:4: task main killed by SIGBUS (BUS_ADRERR) at mread\n"
     "<stdin>:5:1: task 'main' was killed; re-create it with `@main spawn`\n"),
]


@pytest.mark.parametrize("text,rc,out,err", USAGE)
def test_usage(text, rc, out, err):
    assert scn(text) == (rc, out, err)


def md5(b):
    return hashlib.md5(b).hexdigest()


# (scenario, exit status, stdout): what commands print at their edges
RUNS = [
    # pwrite -w / -W fsync after writing; `--` ends the options
    (F + "pwrite -w -S 0x41 0 4k\npwrite -W 4k 4k\npwrite -q -- 8k 1\nstatx\n", 0,
     "wrote 4096/4096 bytes at offset 0\nwrote 4096/4096 bytes at offset 4096\nstat.size = 8193\n"),
    # cvtnum suffixes are case-insensitive
    (F + "pwrite -q 1B 1\npwrite 1S 1\npwrite 1K 1\npwrite 1M 1\npwrite 1G 1\npwrite 1T 1\npwrite 1P 1\n", 0,
     "wrote 1/1 bytes at offset 512\nwrote 1/1 bytes at offset 1024\nwrote 1/1 bytes at offset 1048576\n"
     "wrote 1/1 bytes at offset 1073741824\nwrote 1/1 bytes at offset 1099511627776\n"
     "wrote 1/1 bytes at offset 1125899906842624\n"),
    # FICLONE (one positional), -q
    (F + "pwrite -q 0 8k\nopen -f b\nreflink -q a\nreflink a\nstatx\n", 0,
     "linked 0/0 bytes at offset 0\nstat.size = 8192\n"),
    # -u wins over -p and -k (unshare, the data stays); falloc -p punches
    # (KEEP_SIZE): the partial edges are zeroed
    (F + "pwrite -q -S 0x61 0 8k\nopen -f b\nreflink a 0 0 8k\nfalloc -u -p 0 4k\nexpect shared b 0 4k no\n"
     "expect shared b 4k 4k yes\nexpect data b 0 8k 0x61\nfalloc -k -u 4k 4k\nexpect shared b 4k 4k no\n"
     "falloc -p 100 5000\npread -v 96 8\npread -v 4096 8\nstatx\n", 0,
     "linked 8192/8192 bytes at offset 0\n"
     "00000060:  61 61 61 61 00 00 00 00  aaaa....\nread 8/8 bytes at offset 96\n"
     "00001000:  00 00 00 00 00 00 00 00  ........\nread 8/8 bytes at offset 4096\nstat.size = 8192\n"),
    # fpunch over a poisoned edge block: the whole blocks go, the edges are
    # zeroed head first, and the zeroing stops at the bad block (EIO)
    (F + "pwrite -q -S 0x61 0 16k\npoison a 4k 4k\nfpunch 4196 8000\nexpect error EIO\npread -v 8192 4\n"
     "pread -v 0 4\n", 0,
     "fallocate: Input/output error\n00002000:  61 61 61 61  aaaa\nread 4/4 bytes at offset 8192\n"
     "00000000:  61 61 61 61  aaaa\nread 4/4 bytes at offset 0\n"),
    (F + "pwrite -q -S 0x61 0 16k\npoison a 8k 4k\nfpunch 100 12000\nexpect error EIO\npread -v 96 8\n"
     "pread -v 4096 4\npread -q 12100 4\nexpect error EIO\n", 0,
     "fallocate: Input/output error\n00000060:  61 61 61 61 00 00 00 00  aaaa....\n"
     "read 8/8 bytes at offset 96\n00001000:  00 00 00 00  ....\nread 4/4 bytes at offset 4096\n"
     "pread: Input/output error\n"),
    (F + "pwrite -q -S 0x61 0 16k\npoison a 0 4k\nfpunch 100 12000\nexpect error EIO\npread -v 4096 4\n"
     "pread -v 12096 8\n", 0,
     "fallocate: Input/output error\n00001000:  00 00 00 00  ....\nread 4/4 bytes at offset 4096\n"
     "00002f40:  61 61 61 61 61 61 61 61  aaaaaaaa\nread 8/8 bytes at offset 12096\n"),
    # chattr -x on a DAX file under dax=inode: S_DAX changes at the next read-in
    (M + "mkfs dax=inode reflink=0 rmapbt=0 agcount=2 blocksize=4096\nopen -f a\npwrite -q 0 4k\nchattr +x\n"
     "statx -r\nchattr -x\nstatx -r\nopen -f b\nreflink a\nexpect error EOPNOTSUPP\ncp_reflink a c\n", 0,
     "stat.attributes = 0x0\nstat.attributes = 0x0\nXFS_IOC_CLONE: Operation not supported\n"
     "cp: failed to clone 'c' from 'a': Operation not supported\n"),
    # mmap protections as xfs_io lists them
    (F + "pwrite -q 0 8k\nmmap -w 0 4k\nmmap -x 4k 4k\nmmap -rwx -p 0 8k\nmmap\n", 0,
     " 000  0x7f0000000000 - 0x7f0000001000 -w-               a (0 : 4096)\n"
     " 001  0x7f0000401000 - 0x7f0000402000 --x               a (4096 : 4096)\n"
     "[002] 0x7f0000800000 - 0x7f0000802000 rwx               a (0 : 8192)\n"),
    # munmap keeps the slot current, or the previous one when the last went
    (F + "pwrite -q 0 16k\nmmap -r 0 4k\nmmap -r 4k 4k\nmmap -r 8k 4k\nmmap 1\nmunmap\nmmap\nmmap 1\nmunmap\nmmap\n", 0,
     " 000  0x7f0000000000 - 0x7f0000001000 r--               a (0 : 4096)\n"
     "[001] 0x7f0000401000 - 0x7f0000402000 r--               a (4096 : 4096)\n"
     " 002  0x7f0000802000 - 0x7f0000803000 r--               a (8192 : 4096)\n"
     " 000  0x7f0000000000 - 0x7f0000001000 r--               a (0 : 4096)\n"
     "[001] 0x7f0000802000 - 0x7f0000803000 r--               a (8192 : 4096)\n"
     " 000  0x7f0000000000 - 0x7f0000001000 r--               a (0 : 4096)\n"
     "[001] 0x7f0000802000 - 0x7f0000803000 r--               a (8192 : 4096)\n"
     "[000] 0x7f0000000000 - 0x7f0000001000 r--               a (0 : 4096)\n"),
    # mread -r -f: reversed, dumped with file offsets
    (F + "pwrite -q -S 0x61 0 8k\npwrite -q -S 0x62 4100 2\nmmap -r 4k 4k\nmread -r -f 4k 20\nmread -f 4k 6\n", 0,
     "00001000:  61 61 61 61 61 61 61 61 61 61 61 61 61 61 62 62  aaaaaaaaaaaaaabb\n"
     "00001010:  61 61 61 61  aaaa\n00001000:  61 61 61 61 62 62  aaaabb\n"),
    # a MAP_PRIVATE store stays in the task's copy
    (F + "pwrite -q -S 0x61 0 8k\nmmap -rw -p 0 8k\nmwrite -S 0x62 0 4\nmread -v 0 8\npread -v 0 8\n", 0,
     "00000000:  62 62 62 62 61 61 61 61  bbbbaaaa\n00000000:  61 61 61 61 61 61 61 61  aaaaaaaa\n"
     "read 8/8 bytes at offset 0\n"),
    # madvise: no flag does nothing; -W on a read-only mapping is EINVAL;
    # -P skips what is not pmem (the zero page, a private copy)
    (F + "pwrite -q 0 4k\nmmap -r 0 4k\nmadvise\nmadvise -d\nexpect ok\nmadvise -W\nexpect error EINVAL\n", 0,
     "madvise: Invalid argument\n"),
    (F + "truncate 8k\nmmap -r 0 8k\nmread 0 4k\nmadvise -P 0 4k\nexpect ok\ndmesg\n", 0, ""),
    (F + "pwrite -q 0 8k\nmmap -rw -p 0 8k\nmwrite 0 1\nmadvise -P 0 4k\nexpect ok\ndmesg\n", 0, ""),
    (F + "pwrite -q 0 8k\nmmap -rw 0 8k\nmwrite 0 1\nmsync -a\nmsync -s -i 0 4k\nmsync 0 8k\nexpect ok\n", 0, ""),
    # od of bytes that are not printable ASCII
    (F + "pwrite -q -S 0xff 0 4\npwrite -q -S 0x7f 4 2\npwrite -q -S 0x1f 6 1\nod a\n", 0,
     "000000 ff ff ff ff 7f 7f 1f                             >.......<\n000007\n"),
    # cp_reflink of an empty file; rm of an open file: the name goes at once
    (F + "cp_reflink a b\nmd5sum b\n", 0, md5(b"") + "  b\n"),
    (F + "pwrite -q 0 4k\nrm a\npread -q 0 4k\nexpect ok\nmd5sum a\nexit\nmd5sum a\n", 0,
     "md5sum: a: No such file or directory\nmd5sum: a: No such file or directory\n"),
    (M + "mkfs\n@t prctl mce_kill late\n@t prctl mce_kill early\n", 0, ""),
    # expect ok/error/alive/killed edges
    (M + "mkfs\nexpect error EIO\n", 1, "EXPECT FAILED <stdin>:3: expected EIO, but no command ran in a task before it\n"),
    (M + "mkfs\nexpect alive main\nexpect killed main\n", 1,
     "EXPECT FAILED <stdin>:3: task main is not alive\nEXPECT FAILED <stdin>:4: task main was not killed\n"),
    (M + "@p open -f a\n@p pwrite -q 0 100\n@p mmap -r 0 8k\n@p mread 4096 1\nexpect killed p\n", 0,
     "@p: killed by SIGBUS (BUS_ADRERR) at mread\n"),
    (M + "expect violation D1\n", 1, "EXPECT FAILED <stdin>:2: the last check did not find D1 violated\n"),
    # xfs_io: `--` before PATH
    (M + "xfs_io -f -c 'pwrite -q 0 1' -- a\nmd5sum a\n", 0, md5(b"\xcd") + "  a\n"),
    # `--` ends the options: echo prints what follows
    (M + "echo -- -n x\n", 0, "-n x\n"),
    # device DAX: open -d is the same I/O (no page cache to bypass)
    ("pmem size=64m mode=devdax\nopen -d /dev/dax0.0\nfile\n", 0,
     "[000] /dev/dax0.0    (foreign,non-sync,direct,read-write)\n"),
]


def test_xfs_io_killed_by_sigsegv():
    r = scn(M + "xfs_io -f -c 'pwrite -q 0 4k' -c 'mmap -r 0 4k' -c 'mwrite 0 1' -c 'pread 0 1' a\n")
    assert r == (0, "@xfs_io: killed by SIGSEGV (SEGV_ACCERR) at mwrite\n",
                 "<stdin>:2: task xfs_io killed by SIGSEGV (SEGV_ACCERR) at mwrite\n")


@pytest.mark.parametrize("text,rc,out", RUNS)
def test_runs(text, rc, out):
    assert scn(text) == (rc, out, "")


# the lexer: (scenario, stdout) for what runs, (scenario, stderr) for what does not
LEX_OK = [
    (M + "set _X=3\nset a_b=4\necho $((_X + a_b)) $((0x10*2)) $((7 / -1)) $((7 % -1))\n", "7 32 -7 0\n"),
    (M + "echo $(x) $ $- a$\n", "$(x) $ $- a$\n"),
    (M + "set X=v\necho \"\\$X \\` \\\" \\\\ \\q $X\"\n", "$X ` \" \\ \\q v\n"),
    (M + "echo ''#x \"\"#y a#b\n", "#x #y a#b\n"),
    (M + "echo '' \"\" x\n", "  x\n"),
    # a backslash at the very end of the text (no newline) stays, as in bash
    (M + "echo a\\", "a\\\n"),
    (M + "echo a \\", "a \\\n"),
    # control bytes, DEL, C1 controls and invalid UTF-8 are escaped on stdout
    (M.encode() + b"echo a\x7fb c\x01d \xc2\x85 \xffz \xc3\xa9\n", "a\\x7fb c\\x01d \\xc2\\x85 \\xffz \u00e9\n"),
]


@pytest.mark.parametrize("text,out", LEX_OK)
def test_lexer_runs(text, out):
    assert scn(text) == (0, out, "")


LEX_ERR = [
    ("echo $((1" + "0" * 80 + "))\n", "2:6: bad number '1" + "0" * 78 + "' in $((1" + "0" * 80 + "))"),
    ("echo $((Q + 1))\n", "2:6: unknown variable 'Q' in $((Q + 1))"),
    ("echo $((2 * Q))\n", "2:6: unknown variable 'Q' in $((2 * Q))"),
    ("set V=abc\necho $((V + 1))\n", "3:6: bad number 'V' in $((V + 1))"),
    ("set V=99999999999999999999\necho $((V))\n", "3:6: number 'V' out of the 64-bit range in $((V))"),
    ("echo $((99999999999999999999))\n",
     "2:6: number '99999999999999999999' out of the 64-bit range in $((99999999999999999999))"),
    ("echo $((1+2\n", "2:6: unterminated $(("),
    ("echo $((1)+2))\n", "2:6: unterminated $(("),
    ("echo $((1 2))\n", "2:6: bad arithmetic expression '1 2' in $((1 2))"),
    ("echo ${X\n", "2:6: unterminated ${"),
    ("echo ${" + "a" * 130 + "}\n", "2:6: unterminated ${"),
    ("echo $" + "a" * 130 + "\n", "2:6: unknown variable '" + "a" * 127 + "'"),
    ("set 1X=2\n", "2:5: set: '1X' is not a variable name (usage: set NAME=VALUE)"),
    ("set X-Y=2\n", "2:5: set: 'X-Y' is not a variable name (usage: set NAME=VALUE)"),
    ("set =2\n", "2:5: set: '' is not a variable name (usage: set NAME=VALUE)"),
    ("set A=" + "v" * 60000 + "\nset " + "N" * 70 + "=$A$A\n",
     "3:5: set: the value of " + "N" * 64 + " is 120000 bytes, over the limit of 65536"),
    ("@t\n", "2:1: a task prefix needs a command"),
] + [
    ("echo a %s b\n" % w, "2:8: '%s': pipes, redirects and command lists are not part of the scenario "
     "language (one command per line; see docs/language.md)" % w) for w in ["||", "|&", ">&2", "1>&2"]
]


@pytest.mark.parametrize("text,err", LEX_ERR)
def test_lexer_errors(text, err):
    assert scn(M + text) == (2, "", "<stdin>:" + err + "\n")


def cut_message(raw):
    """scn_format_msg: a message of 256 bytes or more is cut to at most 252
    bytes, at a UTF-8 character boundary and never inside a \\xNN escape, + '...'"""
    b = raw.encode()
    cut = 252
    while b[cut] & 0xc0 == 0x80:
        cut -= 1
    k = b.rfind(b"\\", 0, cut)
    if k >= 0 and k + 4 > cut and cut - k < 4:
        cut = k
    return b[:cut].decode() + "..."


@pytest.mark.parametrize("word,shown", [
    ("x" * 300, "x" * 300),
    ("\u00e9" * 200, "\u00e9" * 200),
    ("x" + "\x01" * 100, "x" + "\\x01" * 100),
])
def test_long_messages_are_cut_cleanly(word, shown):
    want = cut_message("unknown command '%s'" % shown)
    assert len(want.encode()) <= 255
    assert scn(M + word + "\n") == (2, "", "<stdin>:2:1: " + want + "\n")


# --- a mutant's wrong data is D1, on every read path ------------------------
COW = ("pmem size=64m\nmkfs\nxfs_io -f -c 'pwrite -q -S 0x61 0 8k' a\ncp_reflink a b\nopen b\n"
       "mmap -rw 0 8k\nmwrite 0 1\nkeep-going\nmread -v 0 4\npread -v 1 4\n")


def test_d1_catches_a_cow_that_does_not_copy():
    rc, out, err = scn(COW, "--inject=cow-no-copy")
    assert (rc, err) == (1, "")
    assert out == ("INVARIANT D1 violated at <stdin>:9 (mread): ino 132 offset 1: read 0x00, reference model has 0x61\n"
                   "00000000:  58 00 00 00  X...\n"
                   "INVARIANT D1 violated at <stdin>:10 (pread): ino 132 offset 1: read 0x00, reference model has 0x61\n"
                   "00000001:  00 00 00 00  ....\nread 4/4 bytes at offset 1\n")
    assert scn(COW) == (0, "00000000:  58 61 61 61  Xaaa\n00000001:  61 61 61 61  aaaa\nread 4/4 bytes at offset 1\n", "")


def test_compare_counts_d1_errors(tmp_path):
    (tmp_path / "c.scn").write_text(COW)
    rc, out, err = run(["compare", "--format=csv", "c.scn"], cwd=tmp_path, env={"DAXSIM_INJECT": "cow-no-copy"})
    assert (rc, err) == (0, "")
    rows = out.splitlines()[1:]
    assert [r.split(",")[:4] for r in rows] == [["c.scn", d, '"failed D1 (first at line 9)"', "2"]
                                               for d in ("shadow", "mainline", "maplist", "rfc")]


# --- concurrency (v2): `&`, wait, busy tasks, deadlocks ----------------------
DL = (M + "@d open -f a\n@d pwrite -q 0 8k\n@d mmap -rw 0 8k\n@d pin 0 4k\n@t open a\n@t truncate 0\n")
DL_REPORT = ("INVARIANT L-deadlock violated at %s:7 (truncate): every unfinished command is asleep\n"
             "  task t (scenario line 7) waits for the pinned page 0x100110\n"
             "    holds sb_writers/0 (shared), taken in xfs_setattr_size at line 7\n"
             "    holds i_rwsem/131 (exclusive), taken in xfs_setattr_size at line 7\n"
             "  schedule: (default)\n")


@pytest.mark.parametrize("after,rc", [
    ("expect violation L-deadlock\n", 0),
    ("expect violation M1\n", 1),
    ("expect ok\n", 1),
    ("", 1),
])
def test_deadlock_is_claimed_only_by_the_next_line(after, rc):
    assert scn(DL + after) == (rc, DL_REPORT % "<stdin>", "")


@pytest.mark.parametrize("nafter", [1, 2])
def test_deadlock_ends_the_run_and_names_the_files_left(tmp_path, nafter):
    (tmp_path / "dl.scn").write_text(DL + "expect violation L-deadlock\n")
    (tmp_path / "ok.scn").write_text(M + "echo ok\n")
    rc, out, err = run(["run", "dl.scn"] + ["ok.scn"] * nafter, cwd=tmp_path)
    # claimed, but files were left unrun: not a pass
    assert (rc, out) == (1, DL_REPORT % "dl.scn")
    assert err == ("daxsim: dl.scn ended the run (its commands cannot be unwound): the %d file%s after it "
                   "did not run\n" % (nafter, "" if nafter == 1 else "s"))


CONC = [
    # `@T expect` while T's command is in flight: the last one it finished
    (M + "@t open -f a\n@t pwrite -q 0 4k &\n@t expect ok\nwait\n@t expect ok\n", 0, "", ""),
    (M + "@a open -f a\n@b open -f b\n@a pwrite -q 0 4k &\n@b pwrite -q 0 4k &\nwait @a @b\n@a expect ok\n"
     "md5sum a b\n", 0, md5(b"\xcd" * 4096) + "  a\n" + md5(b"\xcd" * 4096) + "  b\n", ""),
    (M + "@a open -f a\nwait @zz\n", 2, "", "<stdin>:3:6: wait: no task '@zz' (no line has used it yet)\n"),
    # a task killed while its command was in flight: its next line
    (F + "mmap -r 0 4k\nmread 0 1 &\npread 0 1\n", 2, "@main: killed by SIGBUS (BUS_ADRERR) at mread\n",
     "<stdin>:4: task main killed by SIGBUS (BUS_ADRERR) at mread\n"
     "<stdin>:5:1: task 'main' was killed; re-create it with `@main spawn`\n"),
    (M + "@t open -f a\n@t mmap -r 0 4k\n@t mread 0 1 &\n@t pread 0 1\n", 2, "@t: killed by SIGBUS (BUS_ADRERR) at mread\n",
     "<stdin>:4: task t killed by SIGBUS (BUS_ADRERR) at mread\n"
     "<stdin>:5:1: task 't' was killed; re-create it with `@t spawn`\n"),
    (M + "@t open -f a\n@t pwrite -q 0 4k &\n@zz expect ok\n", 2, "",
     "<stdin>:4:1: task 'zz' has run no command to expect anything of\n"),
    # a usage error while a command sleeps: the run ends at once, exit 2
    (DL.replace("@t truncate 0\n", "@t truncate 0 &\n") + "@u open -f b\n@u chattr +a\n", 2, "",
     "<stdin>:9:11: chattr: only +x / -x (FS_XFLAG_DAX) are simulated, not '+a'\n"),
    # a simulator command in the background runs as a kernel worker
    (M + "xfs_io -f -c 'pwrite -q 0 4k' a\npoison a 0 4k &\nwait\ndmesg\n", 0,
     "Memory failure: 0x100110: recovery action for dax page: Recovered\n", ""),
]


@pytest.mark.parametrize("text,rc,out,err", CONC)
def test_concurrency(text, rc, out, err):
    assert scn(text) == (rc, out, err)


def test_stop_on_failure_under_the_scheduler():
    text = M + "@t open -f a\n@t pwrite -q 0 4k &\nwait\nexpect error EIO\necho not reached\n"
    assert scn(text, "--stop-on-failure") == (1, "EXPECT FAILED <stdin>:5: expected EIO, the previous command succeeded\n", "")
    assert scn(text)[1].endswith("not reached\n")


# --- the command line ---------------------------------------------------------
OK = "pmem size=64m\nmkfs\nxfs_io -f -c 'pwrite -q 0 4k' a\n"


def test_help_of_a_command_without_alias():
    assert run(["help", "reflink"]) == (0, "reflink [-q] SRC [soff doff len]\n  share SRC's blocks into the "
                                          "current file (FICLONE/FICLONERANGE)\n", "")


def test_usage_text():
    rc, out, err = run(["-h"])
    assert (rc, err) == (0, "") and out.startswith("usage: daxsim run [--model M]")
    for args in (["frobnicate"], ["expand", "a", "b"]):
        assert run(args) == (2, "", out)


@pytest.mark.parametrize("opts,rc,err", [
    (["--lockdep=on"], 0, ""),
    (["--lockdep=maybe"], 2, "daxsim: --lockdep must be on or off\n"),
    (["--lockdep-edges=e", "--lockdep=off"], 2, "daxsim: --lockdep-graph and --lockdep-edges need --lockdep=on\n"),
    (["--inject=cow-no-copy", "--lockdep-inject=read-extra-edge"], 2,
     "daxsim: --inject and --lockdep-inject: one injected bug at a time\n"),
    (["--"], 0, ""),
])
def test_run_options(tmp_path, opts, rc, err):
    (tmp_path / "ok.scn").write_text(OK)
    assert run(["run", *opts, "ok.scn"], cwd=tmp_path) == (rc, "", err)
    assert not (tmp_path / "e").exists()


def test_trace_dash_is_stderr(tmp_path):
    (tmp_path / "ok.scn").write_text(OK)
    rc, out, err = run(["run", "--trace=-", "ok.scn"], cwd=tmp_path)
    assert (rc, out) == (0, "")
    assert "    3 xfs_io   xfs_create: a ino 131\n" in err
    assert not (tmp_path / "-").exists()


def test_lockdep_outputs_are_removed_when_the_run_cannot_use_them(tmp_path):
    (tmp_path / "ok.scn").write_text(OK)
    (tmp_path / "bad.scn").write_text(M + "frob\n")
    (tmp_path / "exists").write_text("mine")
    # the edge list exists: the graph made for this run goes again
    assert run(["run", "--lockdep-graph=g.dot", "--lockdep-edges=exists", "ok.scn"], cwd=tmp_path) == \
        (2, "", "daxsim: cannot create lock edge list exists: it exists (not overwritten)\n")
    assert not (tmp_path / "g.dot").exists() and (tmp_path / "exists").read_text() == "mine"
    # a usage error: neither file is left behind
    assert run(["run", "--lockdep-graph=g.dot", "--lockdep-edges=e", "bad.scn"], cwd=tmp_path) == \
        (2, "", "bad.scn:2:1: unknown command 'frob' (see `daxsim help`)\n")
    assert not (tmp_path / "g.dot").exists() and not (tmp_path / "e").exists()
    assert run(["run", "--lockdep-graph=g.dot", "--lockdep=on", "ok.scn"], cwd=tmp_path) == (0, "", "")
    assert (tmp_path / "g.dot").read_text().startswith("digraph")


# --- compare: names in CSV and JSON --------------------------------------------
def test_compare_csv_quotes_names(tmp_path):
    names = ["a,b.scn", 'q"uote.scn', " lead.scn", "trail.scn ", "plain.scn", "c\x01tl.scn"]
    for n in names:
        (tmp_path / n).write_text(OK)
    rc, out, err = run(["compare", "--format=csv", *names], cwd=tmp_path)
    assert (rc, err) == (0, "")
    shown = ['"a,b.scn"', '"q""uote.scn"', '" lead.scn"', '"trail.scn "', "plain.scn", "c\\x01tl.scn"]
    assert out.splitlines()[1:] == ['%s,%s,"held",0,0,0,0,0,0,0,0,0,0,0' % (s, d)
                                    for s in shown for d in ("shadow", "mainline", "maplist", "rfc")]


def test_compare_json_escapes_names(tmp_path):
    names = [b'q"uote.scn', b"back\\slash.scn", b"c\x01tl.scn", b"del\x7f.scn", b"c1\xc2\x85.scn",
             b"bad\xff.scn", b"\xc3\xa9t\xc3\xa9.scn", b"cut\xc3"]
    for n in names:
        (tmp_path / os.fsdecode(n)).write_text(OK)
    r = subprocess.run([DAXSIM.encode(), b"compare", b"--format=json", *names], capture_output=True,
                       cwd=tmp_path, timeout=300)
    assert (r.returncode, r.stderr) == (0, b"")
    rows = json.loads(r.stdout)
    assert [x["scenario"] for x in rows[::4]] == ['q"uote.scn', "back\\slash.scn", "c\x01tl.scn",
                                                  "del\x7f.scn", "c1\x85.scn", "bad\\xff.scn", "\u00e9t\u00e9.scn",
                                                  "cut\\xc3"]
    # control characters are JSON escapes, never raw bytes
    assert b"\\u0001" in r.stdout and b"\\u007f" in r.stdout and b"\\u0085" in r.stdout
    assert all(x["verdict"] == "held" and x["held"] is True for x in rows)


@pytest.mark.parametrize("args,err", [
    (["-"], "daxsim: cannot read scenario '-': stdin is not supported by compare\n"),
    (["parse.scn"], "parse.scn:2:6: unterminated single quote\n"),
    (["--bogus"], "daxsim: compare: Unknown option --bogus\n"),
    (["--plot=", "ok.scn"], "daxsim: compare: cannot create  (it must not exist yet): empty name\n"),
    (["--plot=ok.scn/x.svg", "ok.scn"], "daxsim: compare: cannot create ok.scn/x.svg (it must not exist yet): "
     "Not a directory\n"),
    (["--plot=nodir/x.svg", "ok.scn"], "daxsim: compare: cannot create nodir/x.svg: No such file or directory\n"),
])
def test_compare_refusals(tmp_path, args, err):
    (tmp_path / "ok.scn").write_text(OK)
    (tmp_path / "parse.scn").write_text(M + "echo 'x\n")
    assert run(["compare", *args], cwd=tmp_path) == (2, "", err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.scn", "parse.scn"]


def test_compare_bad_name_bytes_are_escaped(tmp_path):
    r = subprocess.run([DAXSIM.encode(), b"compare", b"x\xc3"], capture_output=True, cwd=tmp_path, timeout=300)
    assert (r.returncode, r.stdout, r.stderr) == \
        (2, b"", b"daxsim: cannot read scenario 'x\\xc3': No such file or directory\n")


def test_compare_text_format_named(tmp_path):
    (tmp_path / "ok.scn").write_text(OK)
    assert run(["compare", "--format=text", "ok.scn"], cwd=tmp_path) == run(["compare", "ok.scn"], cwd=tmp_path)


def test_compare_stops_at_a_usage_error(tmp_path):
    (tmp_path / "u.scn").write_text(M + "mkfs\nopen -f a\nchattr +a\n")
    rc, out, err = run(["compare", "u.scn", "u.scn"], cwd=tmp_path)
    assert (rc, err) == (2, "u.scn:4:8: chattr: only +x / -x (FS_XFLAG_DAX) are simulated, not '+a'\n")
    assert out.splitlines()[0] == "u.scn" and len(out.splitlines()) == 2     # the header, no row


# --- export: forms and refusals -------------------------------------------------
EXH = "pmem size=64m mode=fsdax\nmkfs\nxfs_io -f -c 'pwrite 0 4k' a\n"


def export(tmp_path, text, *opts):
    (tmp_path / "s.scn").write_text(EXH + text)
    return run(["export", *opts, "s.scn"], cwd=tmp_path)


def test_export_forms(tmp_path):
    text = ("@t open -f b\n@t reflink -q a 0 0 4k\n@t expect ok\n@t open -f c\n@t mmap -rw 0 4k\n"
            "@t open -f d\n@t pwrite 0 1\nkeep-going\ndmesg\nhelp\nlockdep inject off\n"
            "xfs_io -fc 'pread 0 1' a\nxfs_io -f -c'pread 0 1' a\n")
    assert export(tmp_path, text, "--model", "mainline") == \
        (0, "./tests/generic/999\n./tests/generic/999.out\n", "")
    t = (tmp_path / "tests/generic/999").read_text()
    assert "# Exported by `daxsim export` from s.scn (design mainline)." in t
    x = "2>&1 | _filter_xfs_io | _filter_scratch\n"
    assert t.split("_require_cp_reflink\n\n")[1] == (
        "# pmem size=64m mode=fsdax  (the scratch device: a pmem namespace of the machine)\n"
        "_scratch_mkfs > $seqres.full 2>&1\n_scratch_mount -o dax=always >> $seqres.full 2>&1\n"
        '$XFS_IO_PROG -f -c "pwrite 0 4k" $SCRATCH_MNT/a ' + x +
        "# @t expect ok\n"
        '$XFS_IO_PROG -f -c "reflink -q $SCRATCH_MNT/a 0 0 4k" $SCRATCH_MNT/b ' + x +
        '$XFS_IO_PROG -f -c "mmap -rw 0 4k" $SCRATCH_MNT/c ' + x +
        '$XFS_IO_PROG -f -c "pwrite 0 1" $SCRATCH_MNT/d ' + x +
        "# keep-going  (the simulator's own: nothing to run on a real machine)\n"
        "# dmesg  (the simulator's own: nothing to run on a real machine)\n"
        "# help  (the simulator's own: nothing to run on a real machine)\n"
        "# lockdep inject off  (the simulator's own: nothing to run on a real machine)\n"
        '$XFS_IO_PROG -f -c "pread 0 1" $SCRATCH_MNT/a ' + x +
        '$XFS_IO_PROG -f -c "pread 0 1" $SCRATCH_MNT/a ' + x +
        "\n# success, all done\nstatus=0\nexit\n")


@pytest.mark.parametrize("text,where", [
    ("repair\n", "4:1: export: 'repair' has no fstests form"),
    ("wait\n", "4:1: export: 'wait' has no fstests form"),
    ("@t prctl mce_kill early\n", "4:4: export: 'prctl' has no fstests form"),
    ("@t open -f b\n@t spawn\n", "5:4: export: 'spawn' has no fstests form"),
    ("@t open a\n@t mmap -r 0 4k\n@t pin 0 4k\n", "6:4: export: 'pin' has no fstests form"),
    ("@t unpin\n", "4:4: export: 'unpin' has no fstests form"),
    ("@t open a\n@t mmap -r 0 4k\n@t madvise -R 0 4k\n", "6:4: export: 'madvise' has no fstests form"),
    ("@t open -f b\n@t reflink 'x y'\n", "5:12: export: the word 'x y' needs quoting"),
    ("xfs_io -f -c \"reflink 'a*b' 0 0 4k\" c\n", "4:14: export: the command 'reflink 'a*b' 0 0 4k' needs quoting"),
    ("frob\n", "4:1: unknown command 'frob' (see `daxsim help`)"),
])
def test_export_refusals(tmp_path, text, where):
    assert export(tmp_path, text) == (2, "", "s.scn:%s\n" % where)
    assert not (tmp_path / "tests").exists()


def test_export_never_writes_over_an_out_file(tmp_path):
    (tmp_path / "tests/generic").mkdir(parents=True)
    (tmp_path / "tests/generic/999.out").write_text("mine")
    assert export(tmp_path, "") == (2, "", "daxsim: export: ./tests/generic/999 or its .out exists (not overwritten)\n")
    assert (tmp_path / "tests/generic/999.out").read_text() == "mine"
    assert not (tmp_path / "tests/generic/999").exists()


def test_export_other_refusals(tmp_path):
    (tmp_path / "tests").write_text("a file")
    assert export(tmp_path, "") == (2, "", "daxsim: export: cannot create ./tests/generic: Not a directory\n")
    assert run(["export", "no/such.scn"], cwd=tmp_path) == (2, "", "daxsim: export: cannot read scenario 'no/such.scn'\n")
    assert run(["export", "--bogus"], cwd=tmp_path) == (2, "", "daxsim: export: Unknown option --bogus\n")


# --- more edges: limits of od/expect data/pin, pins, repair, lockdep, poison ---
MORE_USAGE = [
    (F + "pwrite -q 2g 1\nod a\n", "<stdin>:4:4: od: 2147483649 bytes in one command is over the simulator's "
     "limit of 1073741824 (split the range)\n"),
    (F + "pwrite -q 2g 1\nexpect data a 0 2g 0\n", "<stdin>:4:13: expect: 2147483648 bytes in one command is over "
     "the simulator's limit of 1073741824 (split the range)\n"),
    (M + "@d open -f a\n@d pwrite -q 2g 1\n@d mmap -r 0 2g\n@d pin\n", "<stdin>:5:4: pin: 2147483648 bytes in one "
     "command is over the simulator's limit of 1073741824 (split the range)\n"),
    # page pins alone keep remount away (the DMA would outlive the mount)
    (M + "@d open -f a\n@d pwrite -q 0 8k\n@d mmap -rw 0 8k\n@d pin 0 4k\n@d munmap\n@d close\nremount\n",
     "<stdin>:8:1: remount: task 'd' still holds open files, mappings or page pins (run `@d exit` first)\n"),
    (M + "lockdep foo off\n", "<stdin>:2:9: usage: lockdep inject NAME|off\n"),
    (M + "lockdep inject bogus\n", "<stdin>:2:16: lockdep inject: unknown path 'bogus' (off, fault-ilock-outer, "
     "alloc-under-xa-lock, truncate-no-mmaplock, read-extra-edge, remap-inode-order)\n"),
    ("pmem size=64m mode=devdax\nrepair\n",
     "<stdin>:2:1: repair: there is no filesystem: the pmem device is in devdax mode (only /dev/dax0.0 exists)\n"),
]


@pytest.mark.parametrize("text,err", MORE_USAGE)
def test_more_usage(text, err):
    assert scn(text) == (2, "", err)


def test_lockdep_inject_refuses_a_second_bug():
    assert scn(M + "lockdep inject read-extra-edge\n", "--inject=cow-no-copy") == \
        (2, "", "<stdin>:2:16: lockdep inject: the mutant 'cow-no-copy' is injected already (one at a time)\n")
    assert scn(M + "lockdep inject off\necho ok\n", "--inject=cow-no-copy") == (0, "ok\n", "")


MORE_RUNS = [
    (M + "@d open -f a\n@d pwrite -q 0 4k\n@d pin\n@d mmap -r 0 16k\n@d pin 8k 16k\n@d pin 4k 4k\n"
     "@d expect error EFAULT\n@d pin 0 4k\n@d unpin\n",
     "no mapped regions, try 'help mmap'\nrange (8192:8192) is beyond mapping (0:16384)\npin: Bad address\n"),
    (M + "mkfs\npoison -d 64m 4k\n", "poison: [67108864, +4096) is beyond the end of the device (67108864 bytes)\n"),
    # a hole has no media: only the written block is poisoned
    (F + "pwrite -q 8k 4k\npoison a 0 16k\ndmesg\n", "Memory failure: 0x100110: recovery action for dax page: Recovered\n"),
    (M + "mkfs\nrepair\nexpect ok\n", "repair: 0 poisoned metadata blocks rewritten\n"),
    # a file not in core (after remount) is unlinked at once
    (M + "xfs_io -f -c 'pwrite -q 0 4k' a\nremount\nrm a\nmd5sum a\ncheck\n", "md5sum: a: No such file or directory\n"),
    # U+00A0 is printable: only U+0080..U+009F are C1 controls
    (M + "echo a\u00a0b\n", "a\u00a0b\n"),
    (F + "pwrite -q 0 4k\npread -v 8k 20m\n", "read 0/20971520 bytes at offset 8192\n"),
    (F + "pwrite -q 0 4k\nfiemap 4k 0\nexpect error EINVAL\n", "a:\nxfs_io: ioctl(FS_IOC_FIEMAP) [\"a\"]: Invalid argument\n"),
    # logically adjacent blocks that are not physically contiguous are two extents
    (M + "mkfs agcount=1\nopen -f a\npwrite -q 0 4k\nopen -f b\npwrite -q 0 4k\nfile 0\npwrite -q 4k 4k\nfiemap\n",
     "[000] a              (xfs,non-sync,non-direct,read-write)\n 001  b              (xfs,non-sync,non-direct,read-write)\n"
     "a:\n\t0: [0..7]: 2176..2183\n\t1: [8..15]: 2192..2199\n"),
    # adjacent blocks with different flags are two extents
    (F + "pwrite -q 0 4k\nfalloc 4k 4k\nfiemap -v\n",
     "a:\n EXT: FILE-OFFSET      BLOCK-RANGE      TOTAL FLAGS\n   0: [0..7]:          2176..2183           8   0x0\n"
     "   1: [8..15]:         2184..2191           8 0x801\n"),
    # -r: a fault kills the task before the chunk it hit is dumped
    (M + "@t open -f a\n@t pwrite -q -S 0x61 0 6k\n@t mmap -r 0 16k\n@t mread -r -v 0 12k\n"
     "expect killed t SIGBUS BUS_ADRERR\n", "@t: killed by SIGBUS (BUS_ADRERR) at mread\n"),
    # madvise -P over two pages: the injector dies at the first one
    (F + "pwrite -q 0 8k\nmmap -r 0 8k\nmadvise -P 0 8k\nexpect killed main SIGBUS BUS_MCEERR_AR\ndmesg\n",
     "@main: killed by SIGBUS (BUS_MCEERR_AR) at madvise\n"
     "Injecting memory failure for pfn 0x100110 at process virtual address 0x7f0000000000\n"
     "Memory failure: 0x100110: Sending SIGBUS to main:100 due to hardware memory corruption\n"
     "Memory failure: 0x100110: recovery action for dax page: Recovered\nmain[100]: killed by SIGBUS (BUS_MCEERR_AR)\n"),
]


@pytest.mark.parametrize("text,out", MORE_RUNS)
def test_more_runs(text, out):
    assert scn(text) == (0, out, "")


def xfs_io_dump(offset, data):
    """xfs_io's dump_buffer(): 16 bytes a line, hex then the alphanumerics."""
    lines = []
    for i in range(0, len(data), 16):
        b = data[i:i + 16]
        lines.append("%08x:  %s %s\n" % (offset + i, "".join("%02x " % c for c in b),
                                         "".join(chr(c) if chr(c).isalnum() else "." for c in b)))
    return "".join(lines)


def test_mread_reverse_dumps_chunks_as_they_fill():
    """xfs_io mread -r: the buffer fills from the end of the range down, the
    first chunk being len % pagesize; each is dumped as it fills, reversed,
    at offsets counting up from the start of the range."""
    content = b"a" * 4096 + b"b" * 4096
    rc, out, err = scn(F + "pwrite -q -S 0x61 0 4k\npwrite -q -S 0x62 4k 4k\nmmap -r 0 8k\nmread -r -v 0 5000\n")
    rev = content[:5000][::-1]
    assert (rc, err) == (0, "")
    assert out == xfs_io_dump(0, rev[:904]) + xfs_io_dump(904, rev[904:])


@pytest.mark.parametrize("after,rc", [("echo a b\n", 1), ("expect alive d\n", 1)])
def test_deadlock_followed_by_another_line(after, rc):
    assert scn(DL + after) == (rc, DL_REPORT % "<stdin>", "")


def test_claimed_deadlock_after_a_failed_expectation_still_fails():
    text = M + "@d open -f a\n@d expect error EIO\n" + DL[len(M) + len("@d open -f a\n"):] + "expect violation L-deadlock\n"
    rc, out, err = scn(text)
    assert (rc, err) == (1, "")
    assert out == ("EXPECT FAILED <stdin>:3: expected EIO, the previous command succeeded\n" +
                   (DL_REPORT % "<stdin>").replace("line 7", "line 8").replace(":7 ", ":8 "))


def fiemap_v_line(n, lo, hi, b0, b1, tot, flags, fw=16, bw=16, tw=5, gw=5):
    a = "[%d..%d]:" % (lo, hi)
    b = "%d..%d" % (b0, b1) if b0 is not None else "hole"
    fl = "" if flags is None else " %*s" % (gw, flags)
    return "%4d: %-*s %-*s %*d%s\n" % (n, fw, a, bw, b, tw, tot, fl)


def test_fiemap_v_widths_come_from_the_first_batch():
    """xfs_io's calc_print_format() sees the first 32 extents only: the 34th,
    at 1 TiB, overflows the FILE-OFFSET column instead of widening it."""
    text = F + "".join("pwrite -q %d 4k\n" % (i * 8192) for i in range(33)) + "pwrite -q 1t 4k\nfiemap -v\n"
    rc, out, err = scn(text)
    assert (rc, err) == (0, "")
    want = "a:\n EXT: FILE-OFFSET      BLOCK-RANGE      TOTAL FLAGS\n"
    n = 0
    for i in range(33):
        if i:
            want += fiemap_v_line(n, 16 * i - 8, 16 * i - 1, None, None, 8, None)
            n += 1
        want += fiemap_v_line(n, 16 * i, 16 * i + 7, 2176 + 8 * i, 2183 + 8 * i, 8, "0x0")
        n += 1
    tib = (1 << 40) >> 9
    want += fiemap_v_line(n, 16 * 32 + 8, tib - 1, None, None, tib - (16 * 32 + 8), None)
    want += fiemap_v_line(n + 1, tib, tib + 7, 2176 + 8 * 33, 2183 + 8 * 33, 8, "0x1")
    assert out == want


def test_fiemap_v_widens_the_total_column():
    text = "pmem size=256m\nmkfs agcount=1\nopen -f a\nfalloc 0 60m\nfiemap -v\n"
    assert scn(text) == (0, "a:\n EXT: FILE-OFFSET      BLOCK-RANGE       TOTAL FLAGS\n"
                            "   0: [0..122879]:     12288..135167    122880 0x801\n", "")


FS_EDGES = [
    # a punch on a shut-down filesystem fails whole: nothing is zeroed
    (F + "pwrite -q -S 0x61 0 16k\npoison a 0 4k\npoison -d 0 4k\nfpunch 100 8000\nexpect error EIO\n",
     "fallocate: Input/output error\n", ""),
    # a zero range beyond EOF that finds no space fails before i_size moves
    (M + "open -f big\nfalloc 0 60m\nfalloc 60m 4m\nopen -f b\nfzero 1m 1m\nexpect error ENOSPC\nstatx\n",
     "fallocate: No space left on device\nfallocate: No space left on device\nstat.size = 0\n",
     "<stdin>:4: fallocate: No space left on device\n"),
    # an unquoted empty expansion is no word; a quoted one is an empty word
    (M + "set E=\necho a $E b \"$E\" c\nset A_B=1\necho $A_B\n", "a b  c\n1\n", ""),
]


@pytest.mark.parametrize("text,out,err", FS_EDGES)
def test_fs_edges(text, out, err):
    assert scn(text) == (0, out, err)


def test_a_directory_is_not_a_scenario(tmp_path):
    for sub in ("run", "compare", "expand"):
        assert run([sub, "."], cwd=tmp_path) == (2, "", "daxsim: cannot read scenario '.': Is a directory\n")


def test_a_backslash_ending_the_text_inside_double_quotes():
    assert scn(M + "echo \"abc\\") == (2, "", "<stdin>:2:6: unterminated double quote\n")


# the seed test up to the stores: a mutant that forgets the refcount
SEED = ("pmem size=64m\nmkfs reflink=1 rmapbt=1 dax=always\nxfs_io -f -c \"pwrite -q -S 0x61 0 64k\" a\n"
        "cp_reflink a b\n@p1 open a\n@p1 mmap -rw 0 64k\n@p2 open b\n@p2 mmap -rw 0 64k\n@p1 mread 0 64k\n"
        "@p2 mread 0 64k\n@p1 mwrite -S 0x41 0 4k\n@p2 mwrite -S 0x42 4k 4k\n")


def test_compare_verdicts_for_late_and_several_violations(tmp_path):
    (tmp_path / "end.scn").write_text(SEED)
    (tmp_path / "two.scn").write_text(SEED + "expect data a 4k 4k 0x61\n")
    rc, out, err = run(["compare", "--format=csv", "end.scn", "two.scn"], cwd=tmp_path,
                       env={"DAXSIM_INJECT": "reflink-no-refcount"})
    assert (rc, err) == (0, "")
    verdicts = {(r.split(",")[0], r.split(",")[1]): r.split('"')[1] for r in out.splitlines()[1:]}
    # the sharing designs see the missing refcount at once; maplist only in
    # the final full check, or through the read the expect makes
    assert verdicts == {
        ("end.scn", "shadow"): "failed P-shadow (first at line 10)",
        ("end.scn", "mainline"): "failed P-mainline (first at line 10)",
        ("end.scn", "maplist"): "failed F1 (at the end)",
        ("end.scn", "rfc"): "failed P-rfc (first at line 10)",
        ("two.scn", "shadow"): "failed P-shadow (first at line 10)",
        ("two.scn", "mainline"): "failed P-mainline (first at line 10)",
        ("two.scn", "maplist"): "failed D1, F1 (first at line 13)",
        ("two.scn", "rfc"): "failed P-rfc (first at line 10)",
    }


def test_expect_violation_p_star_does_not_match_other_ids():
    rc, out, err = scn(SEED + "check\nexpect violation P-*\necho end\n", "--model", "maplist",
                       "--inject=reflink-no-refcount")
    assert (rc, err) == (1, "")
    assert [l for l in out.splitlines() if not l.startswith("  |")] == [
        "INVARIANT F1 violated at <stdin>:13 (check): block 272: refcount 1 but 2 references",
        "EXPECT FAILED <stdin>:14: the last check did not find P-* violated",
        "end",
        "INVARIANT F1 violated at end of scenario: block 272: refcount 1 but 2 references"]


def test_a_violation_while_waiting_ends_the_run():
    text = SEED.replace("@p2 mread 0 64k\n", "@p2 mread 0 64k &\nwait @p2 @p1\necho not reached\n")
    text = text[:text.index("@p1 mwrite")]
    rc, out, err = scn(text, "--inject=reflink-no-refcount")
    assert (rc, err) == (1, "")
    reports = [l for l in out.splitlines() if not l.startswith("  |")]
    assert reports and all(l.startswith("INVARIANT P-shadow violated at <stdin>:10 (mread): dax_associate_entry: ")
                           for l in reports)


def test_export_of_an_unparsable_scenario(tmp_path):
    assert export(tmp_path, "echo 'x\n") == (2, "", "s.scn:4:6: unterminated single quote\n")


def fake_gnuplot(tmp_path, script):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    g = bindir / "gnuplot"
    g.write_text("#!/bin/sh\n" + script)
    g.chmod(0o755)
    return {"PATH": "%s:/usr/bin:/bin" % bindir}


@pytest.mark.parametrize("script,why", [
    ("echo boom >&2\nexit 1\n", "boom\n"),
    ("echo not an svg\n", ""),
    ("exit 0\n", ""),
])
def test_plot_when_gnuplot_fails_keeps_the_data(tmp_path, script, why):
    env = fake_gnuplot(tmp_path, script)
    rc, out, err = run(["compare", "--plot=g.svg"], cwd=tmp_path, env=env)
    assert (rc, out) == (2, "")
    assert err == "daxsim: compare: gnuplot failed: %s\ndaxsim: compare: no plot; the data are in g.svg.dat\n" % \
        why.replace("\n", "\\x0a")
    assert not (tmp_path / "g.svg").exists()
    assert (tmp_path / "g.svg.dat").read_text().startswith("# files shadow mainline maplist rfc")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".daxsim-plot")]


def test_plot_without_gnuplot(tmp_path):
    (tmp_path / "bin").mkdir()
    rc, out, err = run(["compare", "--plot=g.svg"], cwd=tmp_path, env={"PATH": str(tmp_path / "bin")})
    assert (rc, out) == (2, "")
    assert err.startswith("daxsim: compare: cannot run gnuplot (is gnuplot-nox installed? `make deps`): ")
    assert err.endswith("daxsim: compare: no plot; the data are in g.svg.dat\n")
    assert (tmp_path / "g.svg.dat").exists() and not (tmp_path / "g.svg").exists()


def test_pwrite_random_without_zeed_is_seed_one():
    """xfs_io seeds -R with the time; the simulator with 1, so a run repeats."""
    def md5(flags):
        rc, out, err = run(["run", "-"], stdin=F + "pwrite -q -R %s-S 0x64 -b 4k 0 64k\nfiemap\n" % flags)
        assert rc == 0, err
        return out
    assert md5("") == md5("-Z 1 ")
    assert md5("") != md5("-Z 2 ")
    assert "hole" in md5("")    # offsets repeat: some blocks stay unwritten


def test_hint_commands_usage_and_errors():
    rc, out, err = run(["run", "-"], stdin=F + "cowextsize 4294967296\n")
    assert rc == 2
    assert err == "<stdin>:3:12: cowextsize: 4294967296 does not fit an fsxattr hint (32 bits)\n"
    # a file with data keeps its extent size hint (setting the same one is fine)
    rc, out, err = run(["run", "-"], stdin=F + "pwrite -q 0 4k\nextsize 8k\nextsize 0\ncowextsize 4097\n")
    assert (rc, err) == (0, "")
    assert out == ("xfs_io: FS_IOC_FSSETXATTR a: Invalid argument\n"
                   "xfs_io: XFS_IOC_FSSETXATTR a: Invalid argument\n")
    # no CoW hint without reflink; the extent size hint is fine
    rc, out, err = run(["run", "-"], stdin=M + "mkfs reflink=0\nopen -f b\ncowextsize 8k\nextsize 8k\nextsize\n")
    assert (rc, err) == (0, "")
    assert out == "xfs_io: XFS_IOC_FSSETXATTR b: Invalid argument\n[8192] b\n"


def test_xfs_io_options_after_positionals():
    """xfs_io's commands parse with GNU getopt: options may follow the
    positionals, `--` ends them; the simulator's own commands (echo) take
    their words as they come."""
    rc, out, err = run(["run", "-"], stdin=F + "pwrite -S 0xa 0k -b 4k 4k\npwrite 4k 4k -q\n"
                       "pread -v 0 16 -q\nfiemap\necho a -> b\npwrite -q -- 8k 4k\nstatx\n")
    assert (rc, err) == (0, "")
    assert out == ("wrote 4096/4096 bytes at offset 0\n"
                   "00000000:  0a 0a 0a 0a 0a 0a 0a 0a 0a 0a 0a 0a 0a 0a 0a 0a  ................\n"
                   "a:\n\t0: [0..15]: 2176..2191\n"
                   "a -> b\n"
                   "stat.size = 12288\n")
