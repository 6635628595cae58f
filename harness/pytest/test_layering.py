"""make layercheck: harness/layering.py on temp copies of the tree.

- an upward include added to a kernel file fails, with FILE:LINE and both layers;
- the same include named in the baseline passes with a note;
- a baseline line that matches nothing fails as stale;
- --compile fails on the same include (the compiler enforces the rule);
- --update keeps reasons; usage errors exit 2;
- the real tree's check runs and prints only well-formed lines (the layering
  refactor is under way, so it may still fail).

The copies hold sim/, models/, harness/layering, harness/unit and the Makefile; which file is
the kernel file and where xfs_mount.h lives are computed from layers.txt.
"""
import importlib.util
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

SCRIPT = ROOT / "harness" / "layering.py"
spec = importlib.util.spec_from_file_location("layering", SCRIPT)
layering = importlib.util.module_from_spec(spec)
spec.loader.exec_module(layering)

LINE_RES = [
    re.compile(r'^(note: )?\S+:\d+: includes "[^"]+" from \S+ \(not allowed for \S+\)'
               r'( -- baseline: .*)?$'),
    re.compile(r'^\S+:\d+: stale: \S+ "[^"]+" is no longer an upward include'),
    re.compile(r'^note: \S+:\d+: "[^"]+" found in no layer directory$'),
    re.compile(r'^\S+: in no layer of \S+$'),
    re.compile(r'^\S+?(:\d+)?: .*(transitional|layers\.txt).*$'),
    re.compile(r'^layercheck: \d+ files, \d+ violations, \d+ in the baseline, \d+ stale'
               r'.*: (ok|FAIL)$'),
]


def run(root, *args):
    return subprocess.run([sys.executable, str(SCRIPT), "--root", str(root)] + list(args),
                          capture_output=True, text=True, timeout=600)


@pytest.fixture
def tree(tmp_path):
    for d in ("sim", "models", "harness/layering", "harness/unit"):
        shutil.copytree(ROOT / d, tmp_path / d)
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    # start from today's violations, whatever the refactor has left
    r = run(tmp_path, "--update")
    assert r.returncode == 0, r.stdout + r.stderr
    r = run(tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    return tmp_path


def kernel_file_and_header(root):
    """(a kernel .c not including xfs_mount.h, the header's layer, the kernel layer)."""
    t = layering.Tree(root)
    header = next(f for f in t.files if f.endswith("/xfs_mount.h"))
    kernel = t.layer_of(next(f for f in t.files if f.startswith("sim/kernel/")))
    src = next(f for f in t.files if f.endswith(".c") and t.layer_of(f) is kernel
               and "xfs_mount.h" not in (root / f).read_text())
    return src, t.layer_of(header).name, kernel.name


def add_include(root, src):
    p = root / src
    p.write_text('#include "xfs_mount.h"\n' + p.read_text())


def test_upward_include_fails(tree):
    src, frm, to = kernel_file_and_header(tree)
    add_include(tree, src)
    r = run(tree)
    assert r.returncode == 1, r.stdout + r.stderr
    assert f'{src}:1: includes "xfs_mount.h" from {frm} (not allowed for {to})\n' in r.stdout
    assert r.stdout.rstrip().endswith(": FAIL")
    assert "1 violations" in r.stdout


def grant_transitional(tree, layer, directory):
    """The build grants a baselined upward include its directory (layers.txt's 4th column)."""
    lt = tree / "harness/layering/layers.txt"
    lines = []
    for line in lt.read_text().splitlines():
        fields = line.split("|")
        if len(fields) >= 4 and fields[0].strip() == layer and not line.lstrip().startswith("#"):
            fields[3] = f" {(fields[3].strip() + ' ' + directory).strip()}"
            line = "|".join(fields)
        lines.append(line)
    lt.write_text("\n".join(lines) + "\n")


def test_baseline_entry_makes_it_a_note(tree):
    src, frm, to = kernel_file_and_header(tree)
    add_include(tree, src)
    bl = tree / "harness/layering/baseline.txt"
    bl.write_text(bl.read_text() + f'{src} "xfs_mount.h" -- test: known\n')
    grant_transitional(tree, to, "models/xfs")
    r = run(tree)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (f'note: {src}:1: includes "xfs_mount.h" from {frm} (not allowed for {to})'
            ' -- baseline: test: known\n') in r.stdout
    assert r.stdout.rstrip().endswith(": ok")


def test_stale_baseline_entry_fails(tree):
    src, _, _ = kernel_file_and_header(tree)
    bl = tree / "harness/layering/baseline.txt"
    bl.write_text(bl.read_text() + f'{src} "xfs_mount.h" -- test: long gone\n')
    n = len(bl.read_text().splitlines())
    r = run(tree)
    assert r.returncode == 1, r.stdout + r.stderr
    assert (f'harness/layering/baseline.txt:{n}: stale: {src} "xfs_mount.h" is no longer '
            'an upward include (remove the line)\n') in r.stdout


def test_update_keeps_reasons_and_marks_new(tree):
    src, _, _ = kernel_file_and_header(tree)
    bl = tree / "harness/layering/baseline.txt"
    old = [l for l in bl.read_text().splitlines() if l and not l.startswith("#")]
    add_include(tree, src)
    r = run(tree, "--update")
    assert r.returncode == 0, r.stdout + r.stderr
    new = [l for l in bl.read_text().splitlines() if l and not l.startswith("#")]
    assert f'{src} "xfs_mount.h" -- TODO: reason' in new
    assert set(old) <= set(new) and len(new) == len(old) + 1


def test_unused_transitional_dir_fails(tree):
    lt = tree / "harness/layering/layers.txt"
    lines = lt.read_text().splitlines()
    i, line = next((i, l) for i, l in enumerate(lines) if l.startswith("xfs "))
    f = line.split("|")
    f += [""] * (4 - len(f))
    f[3] = " sim/scn"
    lines[i] = "|".join(f)
    lt.write_text("\n".join(lines) + "\n")
    r = run(tree)
    assert r.returncode == 1, r.stdout + r.stderr
    assert (f"harness/layering/layers.txt:{i + 1}: transitional 'sim/scn' of xfs: "
            "no baselined include needs it any more") in r.stdout


def failed_compiles(out):
    return {l.split(":")[0] for l in out.splitlines() if ": does not compile with" in l}


def test_compile_mode_enforces_the_rule(tree):
    # the copy lacks fuzz/, which the top layer's files may include: compare
    # against the copy's own failures before the change
    before = failed_compiles(run(tree, "--compile").stdout)
    src, _, to = kernel_file_and_header(tree)
    add_include(tree, src)
    r = run(tree, "--compile")
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"{src}: does not compile with the include paths of {to}" in r.stdout
    assert "xfs_mount.h" in r.stdout
    assert failed_compiles(r.stdout) == before | {src}
    assert re.search(r"layercheck --compile: \d+ files, \d+ failed: FAIL", r.stdout)


def test_compile_grant_follows_the_baselined_header(tree):
    """A baselined upward include of a header that itself includes from its
    own layer's dirs: the includer compiles with both directories granted."""
    t = layering.Tree(tree)
    kernel = t.layer_of(next(f for f in t.files if f.startswith("sim/kernel/")))
    upper = next(l for l in t.layers if l is not kernel and
                 set(kernel.dirs) < set(l.dirs) and len(l.dirs) >= len(kernel.dirs) + 2)
    own = [f for f in t.files if f.endswith(".h") and t.layer_of(f) is upper]
    side = [f for f in t.files if f.endswith(".h") and t.layer_of(f) not in (kernel, upper)
            and any(layering.under(f, d) for d in upper.dirs)]
    assert own and side, "no headers to build the case from"
    h_up, h_side = own[0], side[0]
    x_up, x_side = h_up.rsplit("/", 1)[1], h_side.rsplit("/", 1)[1]
    src = next(f for f in t.files if f.endswith(".c") and t.layer_of(f) is kernel
               and all(x not in (tree / f).read_text() for x in (x_up, x_side)))
    before = failed_compiles(run(tree, "--compile").stdout)
    (tree / src).write_text(f'#include "{x_up}"\n' + (tree / src).read_text())
    (tree / h_up).write_text(f'#include "{x_side}"\n' + (tree / h_up).read_text())
    bl = tree / "harness/layering/baseline.txt"
    bl.write_text(bl.read_text() + f'{src} "{x_up}" -- test: known\n')
    r = run(tree)
    assert f'note: {src}:1: includes "{x_up}" from {upper.name}' in r.stdout
    assert f'{h_up}:1: includes' not in r.stdout      # allowed for its own layer
    t = layering.Tree(tree)
    granted = set(layering.grants(t, src, layering.read_baseline(t)))
    assert granted >= {h_up.rsplit("/", 1)[0], h_side.rsplit("/", 1)[0]}, granted
    r = run(tree, "--compile")
    assert failed_compiles(r.stdout) == before, r.stdout


def test_usage_errors(tree):
    bl = tree / "harness/layering/baseline.txt"
    bl.write_text(bl.read_text() + "no quotes here\n")
    r = run(tree)
    assert r.returncode == 2 and "baseline.txt:" in r.stderr
    assert run(tree, "--no-such-option").returncode == 2
    lt = tree / "harness/layering/layers.txt"
    lt.write_text(lt.read_text() + "bad | sim/bad | \n")
    assert run(tree, "--baseline", str(tree / "none.txt")).returncode == 2


def test_makefile_reads_the_same_table(tmp_path):
    """make's INC_<layer>, BUILD_INC_<layer> and layer_of agree with layering.py."""
    probe = tmp_path / "probe.mk"
    probe.write_text(
        "layers-probe:\n"
        "\t@echo 'LAYERS $(LAYERS)'\n"
        "\t@$(foreach l,$(LAYERS),echo 'INC $l $(INC_$l)';echo 'BUILD $l $(BUILD_INC_$l)';) true\n"
        "\t@$(foreach f,$(PROBE_FILES),echo 'OF $f $(call layer_of,$f)';) true\n")
    t = layering.Tree(ROOT)
    files = [next(f for f in t.files if t.layer_of(f) is l) for l in t.layers
             if any(t.layer_of(f) is l for f in t.files)]
    r = subprocess.run(["make", "-s", "--no-print-directory", "-f", "Makefile", "-f", str(probe),
                        "layers-probe", "PROBE_FILES=" + " ".join(files)],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split()[1:] == [l.name for l in t.layers]
    for l in t.layers:
        assert f"INC {l.name} {' '.join('-I' + d for d in l.dirs)}".split() in \
            [x.split() for x in lines]
        assert f"BUILD {l.name} {' '.join('-I' + d for d in l.dirs + l.transitional)}".split() \
            in [x.split() for x in lines]
    for f in files:
        assert f"OF {f} {t.layer_of(f).name}" in lines


def test_real_tree_runs_and_is_well_formed():
    r = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert lines and lines[-1].startswith("layercheck: ")
    bad = [l for l in lines if not any(x.match(l) for x in LINE_RES)]
    assert not bad, "\n".join(bad)
