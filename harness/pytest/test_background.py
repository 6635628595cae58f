"""Background commands (`LINE &`, `wait`, `wait @T...`) in the scenario language:
a task's next line waits for its command in flight; a task killed in the
background must be re-created; a usage error with commands in flight still
ends the run with exit 2 (docs/language.md)."""
from conftest import run

HEAD = "pmem size=64m\nmkfs\nxfs_io -f -c \"pwrite -q -S 0x61 0 64k\" a\n"


def test_lines_of_a_busy_task_wait_and_wait_names_tasks():
    r = run(["run", "-"], stdin=HEAD + "@p open a\n@p mmap -r 0 64k\n@p mread 0 4k &\n@p mread 4k 4k\n"
            "@q open a &\n@r open -f b &\nwait @q @r\n@q pread -v 0 16\n@r pwrite -S 0x62 0 4k &\n"
            "wait\nexpect data b 0 4k 0x62\n")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == ("00000000:  61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61  aaaaaaaaaaaaaaaa\n"
                        "read 16/16 bytes at offset 0\nwrote 4096/4096 bytes at offset 0\n")


def test_a_task_killed_in_the_background_must_be_spawned_again():
    text = HEAD + "@p open a\n@p mmap -r 0 128k\n@p mread 64k 1 &\n@p mread 0 1\n"
    r = run(["run", "-"], stdin=text)
    assert r.returncode == 2, r.stdout + r.stderr
    assert r.stdout == "@p: killed by SIGBUS (BUS_ADRERR) at mread\n"
    # the kill is runtime trouble of line 6 (no expect after it), then the usage error
    assert r.stderr == ("<stdin>:6: task p killed by SIGBUS (BUS_ADRERR) at mread\n"
                        "<stdin>:7:1: task 'p' was killed; re-create it with `@p spawn`\n")
    r = run(["run", "-"], stdin=text.replace("@p mread 0 1\n", "@p spawn\n@p open a\n@p pread -q 0 1\n"))
    assert r.returncode == 0, r.stdout + r.stderr


def test_usage_error_with_a_command_in_flight_is_exit_2():
    r = run(["run", "-"], stdin=HEAD + "@p open a\n@p pread 0 4k &\n@q frobnicate\n")
    assert r.returncode == 2
    assert r.stderr == "<stdin>:6:4: unknown command 'frobnicate' (see `daxsim help`)\n"
