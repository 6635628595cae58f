#!/usr/bin/python3
"""make layercheck: the include-layering gate (issue 11, docs/architecture.md).

The layers, their sources and the include directories each may use are read
from harness/layering/layers.txt, the same table the Makefile builds with;
nothing about the tree is hard-coded here.

Static mode (default): for every .c/.h under sim/ and models/, each
`#include "X"` is resolved the way the compiler would, against the file's own
directory and then its layer's allowed directories.  An include that resolves
there is fine.  One that resolves only in a directory of another layer (up a
layer, or sideways xfs <-> share) is a violation:

    FILE:LINE: includes "X" from LAYER (not allowed for LAYER2)

harness/layering/baseline.txt may list known violations, one a line:

    FILE "X" -- reason

A listed violation is printed as a note and does not fail; a baseline line that
matches no violation any more is stale and fails (the baseline only shrinks).
The `transitional` column of layers.txt (extra -I dirs the normal build grants
while upward includes remain) must equal what the baseline still needs.

--compile: every .c under sim/ and models/ is compiled with `cc -fsyntax-only`
and only its layer's -I directories (plus glib's cflags, -std=c11
-D_GNU_SOURCE), so the compiler enforces the same rule.  A file whose include
closure reaches a baselined include also gets the directory that include
resolves in.  Headers are compiled through the .c files that include them.
At most 2 compiles run at once (--jobs).

--update rewrites the baseline from the current violations, keeping the
reasons of existing entries (`TODO: reason` for new ones).

Exit: 0 clean, 1 on a violation, stale entry or failed compile, 2 on usage
errors (bad layers.txt or baseline syntax, missing directories, no compiler).
"""
import argparse
import concurrent.futures
import os
import pathlib
import re
import shlex
import subprocess
import sys

SCAN_DIRS = ("sim", "models")
SRC_EXT = (".c", ".h")
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
BASELINE_RE = re.compile(r'^(\S+)\s+"([^"]+)"\s*(?:--\s*(.*))?$')
BASELINE_HEADER = """\
# Known upward includes (make layercheck; harness/layering.py).  One a line:
#   FILE "X" -- reason
# A listed include is a note, not a failure; a line that no longer matches
# fails as stale, so this file only shrinks.  Target: empty (issue 11).
# `make layercheck-update` rewrites it, keeping the reasons.
"""


class UsageError(Exception):
    pass


class Layer:
    def __init__(self, name, globs, dirs, transitional, lineno):
        self.name = name
        self.globs = globs
        self.dirs = dirs
        self.transitional = transitional
        self.lineno = lineno
        self.prefixes = []
        for g in globs:
            if not g.endswith("/**"):
                raise UsageError(f"layers.txt:{lineno}: source '{g}' is not written DIR/**")
            self.prefixes.append(g[:-3].strip("/") + "/")


def norm(path):
    """A normalised path relative to the root ('.' for the root itself)."""
    return os.path.normpath(path)


def under(path, d):
    d = norm(d)
    return d == "." or path == d or path.startswith(d + "/")


class Tree:
    def __init__(self, root, layers_file=None, baseline_file=None):
        self.root = pathlib.Path(root).resolve()
        self.layers_file = pathlib.Path(layers_file) if layers_file else \
            self.root / "harness" / "layering" / "layers.txt"
        self.baseline_file = pathlib.Path(baseline_file) if baseline_file else \
            self.root / "harness" / "layering" / "baseline.txt"
        self.layers = self.read_layers()
        self.all_dirs = []          # every layer's include dirs, table order
        for layer in self.layers:
            for d in layer.dirs:
                if d not in self.all_dirs:
                    self.all_dirs.append(d)
        self.files = self.scan()
        self._includes = {}

    def rel(self, path):
        try:
            return str(pathlib.Path(path).resolve().relative_to(self.root))
        except ValueError:
            return str(path)

    def read_layers(self):
        if not self.layers_file.is_file():
            raise UsageError(f"{self.rel(self.layers_file)}: no such file")
        layers, names = [], set()
        for n, line in enumerate(self.layers_file.read_text().splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            f = [x.strip() for x in line.split("|")]
            if len(f) not in (3, 4) or not f[0] or not f[1] or not f[2]:
                raise UsageError(f"{self.rel(self.layers_file)}:{n}: want "
                                 "'layer | sources | may include [| transitional]'")
            if f[0] in names:
                raise UsageError(f"{self.rel(self.layers_file)}:{n}: layer '{f[0]}' twice")
            names.add(f[0])
            dirs = [norm(d) for d in f[2].split()]
            trans = [norm(d) for d in f[3].split()] if len(f) == 4 else []
            for d in dirs + trans:
                if not (self.root / d).is_dir():
                    raise UsageError(f"{self.rel(self.layers_file)}:{n}: "
                                     f"no directory '{d}'")
            layers.append(Layer(f[0], f[1].split(), dirs, trans, n))
        if not layers:
            raise UsageError(f"{self.rel(self.layers_file)}: no layers")
        return layers

    def layer_of(self, path):
        """The layer whose sources hold PATH (first match), or None."""
        for layer in self.layers:
            if any(path.startswith(p) for p in layer.prefixes):
                return layer
        return None

    def dir_layer(self, d):
        """The layer owning an include directory (by its sources)."""
        layer = self.layer_of(norm(d) + "/x")
        return layer.name if layer else d

    def scan(self):
        out = []
        for top in SCAN_DIRS:
            base = self.root / top
            if not base.is_dir():
                continue
            for p in sorted(base.rglob("*")):
                if p.suffix in SRC_EXT and p.is_file():
                    out.append(str(p.relative_to(self.root)))
        return out

    def includes(self, path):
        """[(line, X)] of PATH's quoted includes (cached)."""
        if path not in self._includes:
            res = []
            try:
                text = (self.root / path).read_text(errors="replace")
            except OSError:
                text = ""
            for n, line in enumerate(text.splitlines(), 1):
                m = INCLUDE_RE.match(line)
                if m:
                    res.append((n, m.group(1)))
            self._includes[path] = res
        return self._includes[path]

    def find(self, name, dirs):
        """The first DIR/NAME that exists, as (dir, path), or (None, None)."""
        for d in dirs:
            p = norm(os.path.join(d, name))
            if (self.root / p).is_file():
                return d, p
        return None, None

    def search_path(self, path, layer):
        return [os.path.dirname(path) or "."] + (layer.dirs if layer else [])

    def allowed(self, resolved, layer):
        own = self.layer_of(resolved)
        return (own is layer) or any(under(resolved, d) for d in layer.dirs)

    def check_file(self, path):
        """(violations, unresolved, problems) for one file.

        violation: (line, X, dir, resolved path, from-layer name)."""
        layer = self.layer_of(path)
        if layer is None:
            return [], [], [f"{path}: in no layer of {self.rel(self.layers_file)}"]
        viol, unres = [], []
        for n, x in self.includes(path):
            d, p = self.find(x, self.search_path(path, layer))
            if p is not None:
                if not self.allowed(p, layer):
                    own = self.layer_of(p)
                    viol.append((n, x, os.path.dirname(p), p, own.name if own else "?"))
                continue
            d, p = self.find(x, self.all_dirs)
            if p is None:
                unres.append((n, x))
            else:
                viol.append((n, x, d, p, self.dir_layer(d)))
        return viol, unres, []


def read_baseline(tree):
    """{(file, X): (lineno, reason)}"""
    entries = {}
    bf = tree.baseline_file
    if not bf.exists():
        return entries
    for n, line in enumerate(bf.read_text().splitlines(), 1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        m = BASELINE_RE.match(s)
        if not m:
            raise UsageError(f'{tree.rel(bf)}:{n}: want \'FILE "X" -- reason\'')
        entries[(m.group(1), m.group(2))] = (n, (m.group(3) or "").strip())
    return entries


def analyse(tree):
    """(violations [(file, line, X, dir, from, to)], unresolved, problems)."""
    viol, unres, problems = [], [], []
    for f in tree.files:
        v, u, p = tree.check_file(f)
        to = tree.layer_of(f)
        viol += [(f, n, x, d, frm, to.name if to else "?") for n, x, d, _, frm in v]
        unres += [(f, n, x) for n, x in u]
        problems += p
    return viol, unres, problems


def grants(tree, path, baseline):
    """The extra -I dirs compiling PATH needs because of baselined includes.

    Walks PATH's include closure with PATH's own search path (each header's
    own directory first, then PATH's layer dirs plus the grants so far).  An
    include that does not resolve there is granted the directory it
    resolves in when it is baselined, or when the header holding it was
    itself reached through a grant (it belongs to another layer and may use
    that layer's dirs).  Anything else is a plain violation: no grant, so
    --compile fails on it as the static check does."""
    layer = tree.layer_of(path)
    dirs = list(layer.dirs) if layer else []
    extra = []
    changed = True
    while changed:
        changed = False
        seen, todo = set(), [path]
        while todo:
            f = todo.pop()
            if f in seen:
                continue
            seen.add(f)
            foreign = tree.layer_of(f) is not layer
            for _, x in tree.includes(f):
                d, p = tree.find(x, [os.path.dirname(f) or "."] + dirs + extra)
                if p is None:
                    d, p = tree.find(x, tree.all_dirs)
                    if p is None:
                        continue
                    if (f, x) in baseline or foreign:
                        if d not in extra:
                            extra.append(d)
                            changed = True
                    else:
                        continue
                todo.append(p)
    return extra


def check_transitional(tree, baseline):
    """layers.txt's transitional column against what the baseline needs."""
    need = {layer.name: set() for layer in tree.layers}
    for f in tree.files:
        layer = tree.layer_of(f)
        if layer is not None:
            need[layer.name].update(grants(tree, f, baseline))
    msgs = []
    lf = tree.rel(tree.layers_file)
    for layer in tree.layers:
        for d in layer.transitional:
            if d not in need[layer.name]:
                msgs.append(f"{lf}:{layer.lineno}: transitional '{d}' of {layer.name}: "
                            "no baselined include needs it any more (remove it)")
        for d in sorted(need[layer.name] - set(layer.transitional)):
            msgs.append(f"{lf}:{layer.lineno}: {layer.name} needs transitional '{d}' "
                        "for its baselined includes (make would not find them)")
    return msgs


MAKE_INC_RE = re.compile(r"^\s*(?:override\s+)?INC_\w+\s*[:+?]?=.*-I")


def check_makefile(tree):
    """The Makefile must take its include dirs from layers.txt, not its own table."""
    mk = tree.root / "Makefile"
    if not mk.is_file():
        return []
    text = mk.read_text(errors="replace")
    msgs = []
    if tree.layers_file.name not in text:
        msgs.append(f"Makefile: does not read {tree.rel(tree.layers_file)}; "
                    "its include paths can drift from the layering check")
    for n, line in enumerate(text.splitlines(), 1):
        if MAKE_INC_RE.match(line):
            msgs.append(f"Makefile:{n}: hard-codes -I dirs for a layer; "
                        f"edit {tree.rel(tree.layers_file)} instead")
    return msgs


def static_check(tree, out):
    baseline = read_baseline(tree)
    viol, unres, problems = analyse(tree)
    seen, fails, notes = set(), 0, 0
    for f, n, x, d, frm, to in viol:
        msg = f'{f}:{n}: includes "{x}" from {frm} (not allowed for {to})'
        key = (f, x)
        seen.add(key)
        if key in baseline:
            reason = baseline[key][1]
            out.write(f"note: {msg} -- baseline: {reason}\n")
            notes += 1
        else:
            out.write(msg + "\n")
            fails += 1
    bl = tree.rel(tree.baseline_file)
    stale = 0
    for (f, x), (n, _) in sorted(baseline.items(), key=lambda kv: kv[1][0]):
        if (f, x) not in seen:
            out.write(f'{bl}:{n}: stale: {f} "{x}" is no longer an upward include '
                      "(remove the line)\n")
            stale += 1
    for f, n, x in unres:
        out.write(f'note: {f}:{n}: "{x}" found in no layer directory\n')
    for p in problems:
        out.write(p + "\n")
    trans = check_transitional(tree, baseline) + check_makefile(tree)
    for m in trans:
        out.write(m + "\n")
    bad = fails + stale + len(problems) + len(trans)
    out.write(f"layercheck: {len(tree.files)} files, {fails} violations, "
              f"{notes} in the baseline, {stale} stale"
              f"{', %d table problems' % len(trans) if trans else ''}"
              f"{', %d files in no layer' % len(problems) if problems else ''}"
              f": {'FAIL' if bad else 'ok'}\n")
    return 1 if bad else 0


def update(tree, out):
    old = read_baseline(tree)
    viol, _, problems = analyse(tree)
    keys = sorted({(f, x) for f, _, x, _, _, _ in viol})
    lines = [BASELINE_HEADER]
    for f, x in keys:
        reason = old.get((f, x), (0, ""))[1] or "TODO: reason"
        lines.append(f'{f} "{x}" -- {reason}\n')
    tree.baseline_file.parent.mkdir(parents=True, exist_ok=True)
    tree.baseline_file.write_text("".join(lines))
    added = len([k for k in keys if k not in old])
    dropped = len([k for k in old if k not in set(keys)])
    out.write(f"layercheck: wrote {tree.rel(tree.baseline_file)}: {len(keys)} entries "
              f"({added} new, {dropped} dropped)\n")
    for p in problems:
        out.write(p + "\n")
    return 1 if problems else 0


def compile_check(tree, out, cc, jobs):
    baseline = read_baseline(tree)
    try:
        pc = subprocess.run(["pkg-config", "--cflags", "glib-2.0"], capture_output=True,
                            text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        raise UsageError(f"pkg-config --cflags glib-2.0 failed: {e}")
    base = shlex.split(cc) + ["-fsyntax-only", "-std=c11", "-D_GNU_SOURCE"] + \
        shlex.split(pc.stdout)
    work = []
    for f in tree.files:
        if not f.endswith(".c"):
            continue
        layer = tree.layer_of(f)
        if layer is None:
            continue
        extra = grants(tree, f, baseline)
        incs = ["-I" + d for d in layer.dirs + extra]
        work.append((f, layer, extra, base + incs + [f]))

    def run(item):
        f, _, _, cmd = item
        try:
            r = subprocess.run(cmd, cwd=tree.root, capture_output=True, text=True)
        except OSError as e:
            raise UsageError(f"cannot run {cmd[0]}: {e}")
        return r.returncode, r.stderr

    fails = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, min(2, jobs))) as ex:
        for (f, layer, extra, cmd), (rc, err) in zip(work, ex.map(run, work)):
            if rc != 0:
                fails += 1
                granted = f" + baseline {' '.join(extra)}" if extra else ""
                out.write(f"{f}: does not compile with the include paths of {layer.name} "
                          f"({' '.join(layer.dirs)}{granted}):\n")
                for line in err.splitlines()[:8]:
                    out.write("    " + line + "\n")
    out.write(f"layercheck --compile: {len(work)} files, {fails} failed: "
              f"{'FAIL' if fails else 'ok'}\n")
    return 1 if fails else 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", default=str(pathlib.Path(__file__).resolve().parent.parent),
                    help="tree to check (default: this script's tree)")
    ap.add_argument("--layers", help="layers file (default ROOT/harness/layering/layers.txt)")
    ap.add_argument("--baseline", help="baseline (default ROOT/harness/layering/baseline.txt)")
    ap.add_argument("--compile", action="store_true", help="compile each file (see above)")
    ap.add_argument("--update", action="store_true", help="rewrite the baseline")
    ap.add_argument("--cc", default=os.environ.get("CC") or "cc",
                    help="compiler (default $CC or cc)")
    ap.add_argument("--jobs", "-j", type=int, default=2, help="parallel compiles (at most 2)")
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:
        return 2 if e.code else 0
    if args.compile and args.update:
        sys.stderr.write("layering.py: --compile and --update do not mix\n")
        return 2
    try:
        if not pathlib.Path(args.root).is_dir():
            raise UsageError(f"no directory {args.root}")
        tree = Tree(args.root, args.layers, args.baseline)
        if args.update:
            return update(tree, sys.stdout)
        if args.compile:
            return compile_check(tree, sys.stdout, args.cc, args.jobs)
        return static_check(tree, sys.stdout)
    except UsageError as e:
        sys.stderr.write(f"layering.py: {e}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
