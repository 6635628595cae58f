"""Replay a daxsim scenario on a real, loop-mounted XFS and collect md5sums.

The scenario is lexed by daxsim itself (`daxsim expand`), so variables,
$(( )) and quoting mean exactly what they mean to the simulator.  Each
simulated task becomes one long-running `xfs_io` process fed on stdin, so a
task's open files and mappings live across lines exactly as in the
scenario.  After every command the driver sends an unknown command as a
marker and waits for xfs_io's "command ... not found" reply: commands of
different tasks therefore run in scenario order.

The loop-mounted filesystem is not DAX (there is no pmem), so the replay
compares FILE DATA semantics only: MAP_SYNC is dropped, a MAP_PRIVATE map
becomes a read-only shared one whose stores are skipped (they never reach the
file), populate/poison advice and attribute commands are skipped.  Scenarios
that poison, kill a task or run the device out of space are not data-only
and are reported as such (see `not_data_only`).
"""
import codecs
import contextlib
import hashlib
import os
import shlex
import shutil
import subprocess

# Simulator commands that have no effect on file data.
_IGNORED = {"model", "check", "echo", "expect", "dmesg", "od", "prctl", "help"}
# xfs_io commands whose effect on file data is nil or not reproducible on a
# non-DAX filesystem.
_DROPPED_IO = {"madvise", "chattr", "statx", "fiemap"}

SKIP_MARK = "# realxfs: skip"


def expand(daxsim, scn):
    """[(lineno, task, argv)] as daxsim lexes the scenario."""
    r = subprocess.run([daxsim, "expand", str(scn)], capture_output=True, text=True,
                       check=True, timeout=60)
    lines = []
    for raw in r.stdout.splitlines():
        fields = [codecs.decode(f, "unicode_escape") for f in raw.split("\t")]
        lines.append((int(fields[0]), None if fields[1] == "-" else fields[1], fields[2:]))
    return lines


def not_data_only(text, lines):
    """Why this scenario cannot be compared with real XFS, or None."""
    for raw in text.splitlines():
        if raw.startswith(SKIP_MARK):
            return raw[len(SKIP_MARK):].strip(" :") or "marked skip"
    for lineno, _task, argv in lines:
        if argv[0] == "poison":
            return f"line {lineno}: poison"
        if argv[0] == "madvise" and any(a.startswith("-") and "P" in a for a in argv[1:]):
            return f"line {lineno}: madvise -P (poison)"
        if argv[0] == "expect" and len(argv) > 1 and argv[1] == "killed":
            return f"line {lineno}: a task is killed"
    return None


def _cvtnum(word):
    """xfs_io's cvtnum for the sizes the driver itself needs."""
    mult = {"b": 4096, "s": 512, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
    w = word.lower()
    m = 1
    if w and w[-1] in mult:
        m, w = mult[w[-1]], w[:-1]
    return int(w, 0) * m


def _split_opts(argv, with_arg):
    """getopt-split xfs_io words: ([(flag, arg)], positionals)."""
    opts, pos, i = [], [], 0
    while i < len(argv):
        a = argv[i]
        if a.startswith("-") and len(a) > 1 and not a[1:2].isdigit():
            j = 1
            while j < len(a):
                f = a[j]
                if f in with_arg:
                    arg = a[j + 1:] or (argv[i + 1] if i + 1 < len(argv) else "")
                    if not a[j + 1:]:
                        i += 1
                    opts.append((f, arg))
                    break
                opts.append((f, None))
                j += 1
        else:
            pos.append(a)
        i += 1
    return opts, pos


class XfsIoExited(RuntimeError):
    """xfs_io ended its command loop (a command returned non-zero)."""


class _Task:
    """One xfs_io process standing for one simulated task."""

    def __init__(self, cwd, log):
        self.p = subprocess.Popen(["stdbuf", "-o0", "-e0", "xfs_io"], cwd=cwd,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True)
        self.private = []      # per mapping: MAP_PRIVATE in the scenario?
        self.cur = -1          # current mapping
        self.serial = 0
        self.log = log

    def send(self, words):
        self.serial += 1
        marker = f"zz_daxsim_sync_{self.serial}"
        line = " ".join(_quote(w) for w in words)
        self.p.stdin.write(line + "\n" + marker + "\n")
        self.p.stdin.flush()
        while True:
            out = self.p.stdout.readline()
            if not out:
                raise XfsIoExited(f"xfs_io exited during: {line}\n" + "".join(self.log[-20:]))
            if marker in out:
                return
            self.log.append(f"  [{line}] {out}")

    def close(self):
        if self.p.poll() is None:
            self.p.stdin.close()
            self.p.wait(timeout=30)


def _quote(w):
    if w and all(ch.isalnum() or ch in "-_./:+,=%@" for ch in w):
        return w
    return '"' + w.replace("\\", "\\\\").replace('"', '\\"') + '"'


class RealXfs:
    """A loop-mounted XFS made for one scenario; always torn down."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.img = os.path.join(workdir, "xfs.img")
        self.mnt = os.path.join(workdir, "mnt")
        self.loop = None
        self.mounted = False
        self.tasks = {}
        self.log = []

    # -- device ----------------------------------------------------------
    def mkfs(self, size, opts):
        os.makedirs(self.mnt, exist_ok=True)
        with open(self.img, "wb") as f:
            f.truncate(max(size, 512 << 20))
        meta = [f"reflink={opts.get('reflink', '1')}", f"rmapbt={opts.get('rmapbt', '1')}"]
        cmd = ["mkfs.xfs", "-f", "-q", "-m", ",".join(meta)]
        if "blocksize" in opts:
            cmd += ["-b", f"size={opts['blocksize']}"]
        if "agcount" in opts:
            cmd += ["-d", f"agcount={opts['agcount']}"]
        subprocess.run(cmd + [self.img], check=True, capture_output=True, timeout=120)
        self.loop = subprocess.run(["losetup", "-f", "--show", self.img], check=True,
                                   capture_output=True, text=True).stdout.strip()
        self.mount()

    def mount(self):
        subprocess.run(["mount", "-t", "xfs", self.loop, self.mnt], check=True,
                       capture_output=True, timeout=60)
        self.mounted = True

    def umount(self):
        self.quit_tasks()
        if self.mounted:
            subprocess.run(["umount", self.mnt], check=True, capture_output=True, timeout=60)
            self.mounted = False

    def teardown(self):
        with contextlib.suppress(Exception):
            self.quit_tasks()
        for t in self.tasks.values():
            with contextlib.suppress(Exception):
                t.p.kill()
        if self.mounted:
            subprocess.run(["umount", "-l", self.mnt], capture_output=True, timeout=60)
            self.mounted = False
        if self.loop:
            subprocess.run(["losetup", "-d", self.loop], capture_output=True, timeout=60)
            self.loop = None
        # the image holds tens of MB once made: a full run would keep GBs of them
        with contextlib.suppress(OSError):
            os.unlink(self.img)

    # -- tasks -----------------------------------------------------------
    def task(self, name):
        if name not in self.tasks:
            self.tasks[name] = _Task(self.mnt, self.log)
        return self.tasks[name]

    def end_task(self, name):
        t = self.tasks.pop(name, None)
        if t:
            t.close()

    def quit_tasks(self):
        for name in list(self.tasks):
            self.end_task(name)

    # -- commands --------------------------------------------------------
    def io(self, t, argv):
        """Run one xfs_io command in task @t, translated for a non-DAX fs."""
        cmd, args = argv[0], argv[1:]
        if cmd in _DROPPED_IO:
            return
        if cmd == "mmap":
            opts, pos = _split_opts(args, "s")
            if len(pos) == 1:
                t.cur = int(pos[0], 0)
            elif len(pos) == 2:
                private = any(f == "p" for f, _ in opts)
                flags = "".join(f for f, _ in opts if f in "rwx")
                if private:
                    flags = "r"
                words = ["mmap"] + (["-" + flags] if flags else [])
                words += [w for f, a in opts if f == "s" for w in ("-s", a)]
                t.private.append(private)
                t.cur = len(t.private) - 1
                t.send(words + pos)
                return
        elif cmd == "munmap" and t.private:
            del t.private[t.cur]
            t.cur = min(t.cur, len(t.private) - 1)
        elif cmd in ("mwrite", "msync") and t.private and t.private[t.cur]:
            return
        t.send(argv)

    def run(self, lines):
        """Replay; returns [(path, md5)] in the order the scenario asks."""
        size, mkfs_opts, sums = 64 << 20, {}, []
        for _lineno, task, argv in lines:
            cmd, args = argv[0], argv[1:]
            if cmd in _IGNORED:
                continue
            if cmd == "pmem":
                size = _cvtnum(dict(a.split("=", 1) for a in args).get("size", "64m"))
                continue
            if cmd == "mkfs":
                mkfs_opts = dict(a.split("=", 1) for a in args)
                continue
            if not self.loop:
                self.mkfs(size, mkfs_opts)
            if cmd == "md5sum":
                for path in args:
                    with open(os.path.join(self.mnt, path), "rb") as f:
                        sums.append((path, hashlib.md5(f.read()).hexdigest()))
            elif cmd == "cp_reflink":
                # cp's own refusals (same file, no source) are part of the
                # scenario: the md5sums after them are compared
                subprocess.run(["cp", "--reflink=always", args[0], args[1]], cwd=self.mnt,
                               capture_output=True)
            elif cmd == "rm":
                for path in args:
                    os.unlink(os.path.join(self.mnt, path))
            elif cmd == "remount":
                self.umount()
                self.mount()
            elif cmd == "xfs_io":
                self._oneshot(args)
            else:
                name = task or "main"
                if cmd == "exit":
                    self.end_task(name)
                elif cmd == "spawn":
                    self.end_task(name)
                    self.task(name)
                else:
                    self.io(self.task(name), argv)
        return sums

    def _oneshot(self, args):
        """`xfs_io [-f -t -r] -c CMD... PATH` as one transient task."""
        opts, pos = _split_opts(args, "c")
        t = _Task(self.mnt, self.log)
        try:
            flags = "".join(f for f, _ in opts if f in "ftr")
            t.send(["open"] + (["-" + flags] if flags else []) + pos)
            for f, c in opts:
                if f == "c":
                    self.io(t, shlex.split(c))
        except XfsIoExited:
            # a failed copy_range ends xfs_io's command loop: the -c
            # commands after it do not run, as in the simulator
            pass
        finally:
            t.close()


def have_tools():
    """None if this machine can loop-mount XFS, else the reason it cannot."""
    if os.geteuid() != 0:
        return "needs root to loop-mount XFS"
    for tool in ("mkfs.xfs", "xfs_io", "losetup", "mount", "stdbuf"):
        if not shutil.which(tool):
            return f"{tool} is not installed"
    if not os.path.exists("/dev/loop-control") and not os.path.exists("/dev/loop0"):
        return "no loop devices on this machine"
    return None
