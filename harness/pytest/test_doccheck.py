"""make doccheck: harness/doccheck.py on small temp trees and documents.

- paths, calls, struct names and kernel-ish identifiers are found or reported
  as DOC:LINE: 'NAME' not found (exit 1);
- the exemptions: a "kernel reference" fence, `Linux:` inside the backticks,
  a Linux: clause in the text, <!-- doccheck-ignore: ... -->;
- fenced diagrams are checked for paths and calls;
- usage errors exit 2; the real architecture.md runs (exit 0 or 1).
"""
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT

SCRIPT = ROOT / "harness" / "doccheck.py"

C_SRC = """\
#define PMEM_PFN_BASE 0x100
enum mf_flags { MF_ACTION_REQUIRED = 1, MF_PATH_DESIGN, };
struct dax_share_ops {
	int (*associate)(void *p);
	unsigned long	last_errno;
};
typedef struct { int a; } run_opts;
static int
dax_iomap_fault(int order)
{
	int local_name = 0;
	return local_name;
}
const struct dax_share_ops shadow_share_ops = {
	.associate = 0,
};
#define LOCK_CLASSES(X) \\
	X(i_mmap_rwsem, 1)
static void site(void) { lock("dax_writeback_one"); }
/* follow_pfn is gone */
"""


def run(root, *docs):
    return subprocess.run([sys.executable, str(SCRIPT), "--root", str(root)] + list(docs),
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "sim/kernel/fs").mkdir(parents=True)
    (tmp_path / "sim/kernel/fs/dax_fault.c").write_text(C_SRC)
    (tmp_path / "harness").mkdir()
    (tmp_path / "harness/tool.py").write_text("def read_baseline(x):\n    pass\n")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/other.md").write_text("x\n")
    (tmp_path / "Makefile").write_text("layer_inc = $(x)\nLAYERS := a\ndefine make_rule\nendef\n")
    return tmp_path


def doc(tree, text):
    (tree / "docs/architecture.md").write_text(textwrap.dedent(text))
    return run(tree)


def missing(r):
    return [l for l in r.stdout.splitlines() if l.endswith("not found")]


def test_everything_found_passes(tree):
    r = doc(tree, """\
        The fault (`sim/kernel/fs/dax_fault.c`, `dax_fault.c`, `sim/kernel/`,
        `sim/kernel/fs/*.c`, `docs/other.md`, `other.md`) calls `dax_iomap_fault()`
        and `dax_iomap_fault(order)` through `shadow_share_ops`, a
        `struct dax_share_ops` whose `last_errno` ... `PMEM_PFN_BASE`,
        `MF_PATH_DESIGN`, `run_opts`, `i_mmap_rwsem`, `dax_writeback_one`,
        `read_baseline()`, `dax_fault`, `sim/kernel/fs/dax_fault.c:12`.
        Not names: `mm`, `make check`, `expect ok`, `--trace`, `opt[]/optarg[]`.
        """)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.rstrip().endswith(": ok")


def test_missing_names_and_paths_fail(tree):
    r = doc(tree, """\
        Intro.

        The lexer (`sim/scn_lex.c`) and `follow_pfn()` and `follow_pfn`,
        `struct scn_error {line, col}`, `XFS_IREMAPPING`, `fs/dax.c`, `share.h`,
        `xfs_file_read/write`, `local_name` is fine.
        """)
    assert r.returncode == 1, r.stdout + r.stderr
    assert missing(r) == [
        "docs/architecture.md:3: 'sim/scn_lex.c' not found",
        "docs/architecture.md:3: 'follow_pfn' not found",
        "docs/architecture.md:3: 'follow_pfn' not found",
        "docs/architecture.md:4: 'scn_error' not found",
        "docs/architecture.md:4: 'XFS_IREMAPPING' not found",
        "docs/architecture.md:4: 'fs/dax.c' not found",
        "docs/architecture.md:4: 'share.h' not found",
        "docs/architecture.md:5: 'xfs_file_read/write' not found",
    ]
    assert r.stdout.rstrip().endswith("8 not found: FAIL")


def test_templates_extensions_make_variables(tree):
    r = doc(tree, """\
        Each `.c` and `.h` under `DIR/**`, `scenarios/NAME.scn`, `build/x/y.svg`;
        `layer_inc`, `LAYERS`, `make_rule()`, but `harness/NOPE/x.py` is a template
        and `harness/nope.py` is missing.
        """)
    assert missing(r) == ["docs/architecture.md:3: 'harness/nope.py' not found"]


def test_comment_is_not_a_definition(tree):
    r = doc(tree, "`follow_pfn`\n")
    assert missing(r) == ["docs/architecture.md:1: 'follow_pfn' not found"]


def test_fenced_diagram_is_checked(tree):
    r = doc(tree, """\
        ```
        mread
         └─ dax_iomap_fault(vmf, order)      (sim/kernel/fs/dax_fault.c)
             └─ grab_mapping_entry(mapping)  (sim/dax_entry.c) i_size
        ```
        """)
    assert missing(r) == [
        "docs/architecture.md:4: 'grab_mapping_entry' not found",
        "docs/architecture.md:4: 'sim/dax_entry.c' not found",
    ]


def test_exemptions(tree):
    r = doc(tree, """\
        <!-- doccheck-ignore: cmdinfo_t xfs_io -->
        ```text kernel reference
        vfs_fsync_range(file) in fs/sync.c
        ```
        `Linux: vfs_fsync_range()` and `xfs_io`'s `cmdinfo_t`.
        mm calls ->fault (Linux: `vma->vm_ops->fault`, `get_file`, `fput()`) but `nope_one`.
        | `dax_iomap_fault` | Linux: `dax_iomap_rw`, `fs/dax.c` | `nope_two` |
        Linux: `filemap_fault` is not used. Here `nope_three` is.
        """)
    assert r.returncode == 1, r.stdout
    assert missing(r) == [
        "docs/architecture.md:6: 'nope_one' not found",
        "docs/architecture.md:7: 'nope_two' not found",
        "docs/architecture.md:8: 'nope_three' not found",
    ]


def test_usage_errors(tree):
    assert run(tree, "docs/none.md").returncode == 2
    assert run(tree, "--bogus").returncode == 2


def test_real_architecture_md_runs():
    r = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert lines[-1].startswith("doccheck: docs/architecture.md: ")
    assert all(l.startswith("docs/architecture.md:") and l.endswith("' not found")
               for l in lines[:-1])
