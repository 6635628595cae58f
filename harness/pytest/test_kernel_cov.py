"""Kernel, checker and model paths reached from scenario input (coverage of
sim/kernel, sim/check and models; issue 15).  Each case is a scenario whose
output is asserted exactly under every sharing design (the designs may not
differ on these); the comment above each case says which kernel behaviour
it pins down."""
import re

import pytest

from conftest import run

DESIGNS = [line.split()[0] for line in run(["help", "models"]).stdout.splitlines()]

# generic_remap_checks(): a zero length clones to EOF (nothing at EOF, EINVAL past it); dedupe
# needs both ranges inside EOF; no overlapping clone within one file.  UNSHARE_RANGE past EOF is
# a no-op unshare, then preallocates and moves EOF like any mode without KEEP_SIZE
# (xfs_file_fallocate).
REFLINK_REFUSALS = ("""\
pmem size=64m
mkfs reflink=1 rmapbt=1 dax=always
xfs_io -f -c "pwrite -q -S 0x61 0 16k" f
open -f g
reflink f 64k 0 0
expect error EINVAL
reflink f 16k 0 0
expect ok
dedupe f 0 32k 4k
expect error EINVAL
open f
reflink f 0 4k 8k
expect error EINVAL
reflink f 0 8k 8k
expect ok
funshare 64k 4k
expect ok
fiemap
""", """\
XFS_IOC_CLONE_RANGE: Invalid argument
linked 0/0 bytes at offset 0
XFS_IOC_FILE_EXTENT_SAME: Invalid argument
XFS_IOC_CLONE_RANGE: Invalid argument
linked 8192/8192 bytes at offset 8192
f:
	0: [0..15]: 2176..2191
	1: [16..31]: 2176..2191
	2: [32..127]: hole
	3: [128..135]: 2192..2199
""")

# mkfs reflink=0: FICLONE is EOPNOTSUPP (xfs_reflink_remap_prep), cp --reflink=always says so;
# UNSHARE_RANGE of a file that was never reflinked has nothing to do.
REFLINK_OFF = ("""\
pmem size=64m
mkfs reflink=0 rmapbt=1 dax=always
xfs_io -f -c "pwrite -q -S 0x61 0 16k" f
open -f g
reflink f
expect error EOPNOTSUPP
cp_reflink f h
funshare 0 4k
expect ok
""", """\
XFS_IOC_CLONE: Operation not supported
cp: failed to clone 'h' from 'f': Operation not supported
""")

# dax=inode: FS_XFLAG_DAX takes effect when the inode is next read in (after the remount), and a
# DAX file cannot share blocks with a non-DAX one: EINVAL ("Don't share DAX file data with
# non-DAX file").
MIXED_DAX = ("""\
pmem size=64m
mkfs reflink=1 rmapbt=1 dax=inode
xfs_io -f -c "pwrite -q -S 0x61 0 16k" -c "chattr +x" f
xfs_io -f -c "pwrite -q -S 0x62 0 16k" g
remount
open f
statx -r
open g
reflink f
expect error EINVAL
""", """\
stat.attributes = 0x200000
XFS_IOC_CLONE: Invalid argument
""")

# dax_dedupe_file_range_compare(): two ranges that both read as zeros (hole, unwritten) are the
# same; a hole against data differs, and FIDEDUPERANGE reports the mismatch without an errno.
DEDUPE_HOLES = ("""\
pmem size=64m
mkfs reflink=1 rmapbt=1 dax=always
xfs_io -f -c "pwrite -q -S 0x61 0 4k" -c "truncate 16k" f
xfs_io -f -c "pwrite -q -S 0x61 0 4k" -c "truncate 16k" -c "falloc 12k 4k" g
open g
dedupe f 4k 4k 4k
dedupe f 4k 4k 8k
dedupe f 8k 8k 8k
dedupe f 0 4k 4k
""", """\
deduped 4096/4096 bytes at offset 4096
deduped 8192/8192 bytes at offset 4096
deduped 8192/8192 bytes at offset 8192
dedupe: Extents did not match.
""")

# A media error under the shared source: dax_file_unshare() and the dedupe compare cannot read
# it (dax_direct_access fails, -EIO); both files keep the shared extent.
UNSHARE_POISONED = ("""\
pmem size=64m
mkfs reflink=1 rmapbt=1 dax=always
xfs_io -f -c "pwrite -q -S 0x61 0 16k" f
cp_reflink f g
poison f 4k 4k
open g
funshare 0 16k
expect error EIO
open f
dedupe g 0 0 16k
expect error EIO
fiemap -v
""", """\
fallocate: Input/output error
XFS_IOC_FILE_EXTENT_SAME: Input/output error
f:
 EXT: FILE-OFFSET      BLOCK-RANGE      TOTAL FLAGS
   0: [0..31]:         2176..2207          32 0x2001
""")

# dax=never: MAP_SYNC needs a DAX file (EOPNOTSUPP); a shared mapping's store is written back by
# msync; fallocate past EOF then a buffered write converts the first preallocated block only.
NEVER_SYNC = ("""\
pmem size=64m
mkfs reflink=1 rmapbt=1 dax=never
xfs_io -f -c "pwrite -q -S 0x61 0 16k" f
open f
mmap -S 0 16k
expect error EOPNOTSUPP
mmap 0 16k
mwrite -S 0x62 0 4k
msync 0 16k
falloc 16k 8k
pwrite -S 0x63 16k 4k
fsync
fiemap
md5sum f
""", """\
mmap: Operation not supported
wrote 4096/4096 bytes at offset 16384
f:
	0: [0..39]: 2176..2215
	1: [40..47]: 2216..2223
24a9663de150d8ebb74ae80f2781fe16  f
""")

# dax=never after a remount (nothing cached): a buffered read of the block with a media error
# fails with EIO, its neighbours read; xfs_io reads in 4k chunks and stops at the first error.
PC_POISON = ("""\
pmem size=64m
mkfs reflink=1 rmapbt=1 dax=never
xfs_io -f -c "pwrite -q -S 0x61 0 16k" -c fsync f
remount
poison f 4k 4k
open f
pread -v 0 16
pread 4k 4k
expect error EIO
pread -v 8k 16
pread 0 16k
expect error EIO
""", """\
00000000:  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa
read 16/16 bytes at offset 0
pread: Input/output error
00002000:  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa
read 16/16 bytes at offset 8192
pread: Input/output error
""")

# Device DAX memory failure (mf_generic_kill_procs -> collect_procs_file): only early-kill tasks
# with a vma that actually maps the page are signalled (__add_to_kill skips a vma with
# size_shift 0), once per such vma; with nobody collected nothing is unmapped and a late-kill
# task consumes the poison on its next load (BUS_MCEERR_AR), signalling every early-kill task
# that maps the page then.
DEVDAX_MF = ("""\
pmem size=64m mode=devdax align=2m
@t0 open /dev/dax0.0
@t0 mmap 0 4m
@t0 mread 0 4k
@t1 prctl mce_kill early
@t1 open /dev/dax0.0
@t1 mmap 2m 2m
@t1 mread 2m 4k
@t2 prctl mce_kill early
@t2 open /dev/dax0.0
@t2 mmap 0 2m
@t2 mmap 0 4m
@t2 mread 2m 4k
poison -d 4k 4k
expect alive t0
expect alive t1
expect alive t2
@t3 prctl mce_kill early
@t3 open /dev/dax0.0
@t3 mmap 0 2m
@t3 mread 0 4k
@t3 mmap 0 2m
@t3 mread 0 4k
poison -d 8k 4k
expect killed t3 SIGBUS BUS_MCEERR_AO
expect alive t2
@t2 mread 0 4k
expect alive t2
@t0 mread 4k 4k
expect killed t0 SIGBUS BUS_MCEERR_AR
dmesg
""", """\
@t3: killed by SIGBUS (BUS_MCEERR_AO) at poison
@t0: killed by SIGBUS (BUS_MCEERR_AR) at mread
@t2: killed by SIGBUS (BUS_MCEERR_AO) at mread
dax_pmem: dax0.0: 67108864 bytes, align 2097152
Memory failure: 0x100001: recovery action for dax page: Recovered
Memory failure: 0x100002: Sending SIGBUS to t3:103 due to hardware memory corruption
Memory failure: 0x100002: Sending SIGBUS to t3:103 due to hardware memory corruption
Memory failure: 0x100002: recovery action for dax page: Recovered
t3[103]: killed by SIGBUS (BUS_MCEERR_AO)
mce: [Hardware Error]: t0:100 consumed poison at pfn 0x100001 (virtual address 0x7f0000001000)
Memory failure: 0x100001: Sending SIGBUS to t0:100 due to hardware memory corruption
Memory failure: 0x100001: Sending SIGBUS to t2:102 due to hardware memory corruption
Memory failure: 0x100001: recovery action for dax page: Recovered
t0[100]: killed by SIGBUS (BUS_MCEERR_AR)
t2[102]: killed by SIGBUS (BUS_MCEERR_AO)
""")

SAME_UNDER_EVERY_DESIGN = {
    "reflink_refusals": REFLINK_REFUSALS,
    "reflink_off": REFLINK_OFF,
    "mixed_dax": MIXED_DAX,
    "dedupe_holes": DEDUPE_HOLES,
    "unshare_poisoned": UNSHARE_POISONED,
    "never_sync": NEVER_SYNC,
    "pc_poison": PC_POISON,
    "devdax_mf": DEVDAX_MF,
}


@pytest.mark.parametrize("design", DESIGNS)
@pytest.mark.parametrize("name", sorted(SAME_UNDER_EVERY_DESIGN))
def test_scenario(name, design):
    text, want = SAME_UNDER_EVERY_DESIGN[name]
    r = run(["run", "--model", design, "-"], stdin=text)
    assert (r.returncode, r.stderr) == (0, ""), (r.stdout, r.stderr)
    assert r.stdout == want


# fsdax memory failure (mf_dax_kill_procs -> collect_procs_fsdax): a
# to_kill per vma that maps the page (add_to_kill_fsdax; a vma without a
# device-page mapping of it, size_shift 0, is skipped), each signalled.
# mainline also reports the declared lock-order issue K-H1 (the AGF is held
# across mf_dax_kill_procs); the rest of its output is the same.
#
# The injector maps the page through two vmas (a third vma of the file does
# not cover it; another file is mapped too): a SIGBUS BUS_MCEERR_AR per vma.
MF_TWO_VMAS = ("""\
pmem size=64m
mkfs reflink=1 rmapbt=1 dax=always
xfs_io -f -c "pwrite -q -S 0x61 0 16k" f
xfs_io -f -c "pwrite -q -S 0x62 0 16k" g
@t0 open g
@t0 mmap -r 0 16k
@t0 mread 0 4k
@t0 open f
@t0 mmap -r 8k 8k
@t0 mmap -r 0 16k
@t0 mread 4k 4k
@t0 mmap -r 0 16k
@t0 mread 4k 4k
@t0 madvise -P 4k 4k
expect killed t0 SIGBUS BUS_MCEERR_AR
dmesg
""", """\
@t0: killed by SIGBUS (BUS_MCEERR_AR) at madvise
Injecting memory failure for pfn 0x100111 at process virtual address 0x7f0000c01000
Memory failure: 0x100111: Sending SIGBUS to t0:102 due to hardware memory corruption
Memory failure: 0x100111: Sending SIGBUS to t0:102 due to hardware memory corruption
Memory failure: 0x100111: recovery action for dax page: Recovered
t0[102]: killed by SIGBUS (BUS_MCEERR_AR)
""")

# Two early-kill tasks: t2 maps the page, t1's private mapping holds its own
# copy of it (an anonymous page, not the device page): only t2 is signalled,
# and t1 still reads its copy.
MF_PRIVATE_COPY = ("""\
pmem size=64m
mkfs reflink=1 rmapbt=1 dax=always
xfs_io -f -c "pwrite -q -S 0x61 0 16k" f
@t1 prctl mce_kill early
@t1 open f
@t1 mmap -p 0 16k
@t1 mwrite -S 0x62 4k 4k
@t2 prctl mce_kill early
@t2 open f
@t2 mmap -r 0 16k
@t2 mread 4k 4k
poison f 4k 4k
expect alive t1
expect killed t2 SIGBUS BUS_MCEERR_AO
@t1 mread -v 4k 16
dmesg
""", """\
@t2: killed by SIGBUS (BUS_MCEERR_AO) at poison
00001000:  62 62 62 62 62 62 62 62 62 62 62 62 62 62 62 62  bbbbbbbbbbbbbbbb
Memory failure: 0x100111: Sending SIGBUS to t2:102 due to hardware memory corruption
Memory failure: 0x100111: recovery action for dax page: Recovered
t2[102]: killed by SIGBUS (BUS_MCEERR_AO)
""")

MEMORY_FAILURE = {"two_vmas": MF_TWO_VMAS, "private_copy": MF_PRIVATE_COPY}

KNOWN_ISSUE = re.compile(r"LOCKDEP known issue K-H1 at <stdin>:\d+ \(\w+\): .*?\nreproduce: daxsim run "
                         r"--model mainline <stdin>\n", re.S)


@pytest.mark.parametrize("design", DESIGNS)
@pytest.mark.parametrize("name", sorted(MEMORY_FAILURE))
def test_memory_failure_signals_mapping_vmas(name, design):
    text, want = MEMORY_FAILURE[name]
    r = run(["run", "--model", design, "-"], stdin=text)
    assert (r.returncode, r.stderr) == (0, ""), (r.stdout, r.stderr)
    out = r.stdout
    if design == "mainline":
        out, n = KNOWN_ISSUE.subn("", out)
        assert n == 1, r.stdout
    assert out == want


# --schedule=STRING (a replay of explore's decisions): items are NAME:POINT/K,
# blanks between them are skipped; anything else is a usage error (exit 2).
SCHEDULES = [
    ("x/1:y", "schedule: cannot parse 'x/1:y' (want NAME:POINT/K ...)"),
    ("nocolon/1", "schedule: cannot parse 'nocolon/1' (want NAME:POINT/K ...)"),
    ("a:b", "schedule: cannot parse 'a:b' (want NAME:POINT/K ...)"),
    ("  main:start/0  ", "schedule diverged at step 0: expected main at start, found the end of the run"),
]


@pytest.mark.parametrize("schedule,msg", SCHEDULES)
def test_schedule_strings(schedule, msg):
    r = run(["run", f"--schedule={schedule}", "-"],
            stdin='pmem size=64m\nmkfs\nxfs_io -f -c "pwrite -q 0 4k" f\n')
    assert (r.returncode, r.stdout, r.stderr) == (2, "", f"<stdin>: {msg}\n")
