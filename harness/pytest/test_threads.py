"""Threads of one process: `@T thread U` (clone with CLONE_VM | CLONE_FILES |
CLONE_THREAD).  The thread shares U's address space, file table and xfs_io
maptable; a fatal signal takes the whole group; a thread's exit only leaves
it; a thread may not change the shared tables while another thread's command
is in flight.  The race they exist for is scenarios/races/pmd-pte-collision.
"""
import pytest

from conftest import run

HEAD = """pmem size=64m
mkfs reflink=1 rmapbt=1 dax=always
xfs_io -f -c "pwrite -q -b 2m -S 0x61 0 2m" f
@p open f
@p mmap -rw 0 2m
"""


def scn(body):
    return run(["run", "-"], stdin=HEAD + body)


def test_a_thread_sees_the_mappings_and_stores_of_its_process():
    r = scn("@t thread p\n@t mwrite -S 0x62 0 4\n@p mread -v 0 8\n@t mread -v 0 8\ncheck\n")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == "00000000:  62 62 62 62 61 61 61 61  bbbbaaaa\n" * 2


def test_a_private_cow_page_is_the_process_s_not_the_thread_s():
    text = HEAD.replace("mmap -rw", "mmap -p -rw") + \
        "@t thread p\n@t mwrite -S 0x62 4096 4\n@p mread -v 4096 4\nmd5sum f\n"
    r = run(["run", "-"], stdin=text)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("00001000:  62 62 62 62  bbbb\n")
    assert r.stdout.endswith("de89461b64701958984c95d1bfb0065a  f\n")   # the file keeps its bytes


def test_a_fatal_signal_kills_every_thread():
    """A load past EOF (SIGBUS) in t ends p too: the next line for p is a usage error."""
    text = HEAD.replace("mmap -rw 0 2m", "mmap -rw 0 4m") + "@t thread p\n@t mread 3m 4\n@p mread 0 4\n"
    r = run(["run", "-"], stdin=text)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "@t: killed by SIGBUS (BUS_ADRERR) at mread\n" in r.stdout
    assert "@p: killed by SIGBUS (BUS_ADRERR) at mread\n" in r.stdout
    assert "task 'p' was killed" in r.stderr


def test_a_thread_s_exit_leaves_the_process_running():
    r = scn("@t thread p\n@t exit\n@t mread 0 4\n@p mread -v 0 4\n@p exit\ncheck\n")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == "no mapped regions, try 'help mmap'\n00000000:  61 61 61 61  aaaa\n"


def test_a_thread_closing_what_another_uses_in_flight_is_a_usage_error():
    text = HEAD + """@d open f
@d mmap -rw 0 4k
@d pin 0 4k
@t thread p
@t truncate 0 &
@p close
"""
    r = run(["run", "-"], stdin=text)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "close: thread 't' of the same process has a command in flight (`wait @t` first)" in r.stderr


@pytest.mark.parametrize("body,msg", [
    ("@t thread q\n", "thread: no task 'q' (it must have run a line before)"),
    ("@p thread p\n", "thread: task 'p' cannot be a thread of itself"),
    ("@t open f\n@t thread p\n", "thread: task 't' has files, mappings or pins of its own"),
    ("@t thread p\n@u thread t\n@u thread p\n", "thread: task 'u' is a thread of a group already"),
])
def test_thread_usage_errors(body, msg):
    r = scn(body)
    assert r.returncode == 2, r.stdout + r.stderr
    assert msg in r.stderr, r.stderr


def test_thread_has_no_fstests_form(tmp_path):
    f = tmp_path / "t.scn"
    f.write_text(HEAD + "@t thread p\n")
    r = run(["export", str(f)])
    assert r.returncode == 2
    assert "export: 'thread' has no fstests form" in r.stderr
