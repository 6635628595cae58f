#!/usr/bin/python3
"""make doccheck: every file and C name a markdown document cites must exist.

Usage: harness/doccheck.py [--root DIR] [FILE.md ...]   (default docs/architecture.md)

What is checked
  In backticks (`...`), outside fenced blocks:
    - a path: a token made of path characters (letters, digits, _ . - and the
      globs * ? [..]) that contains '/' or ends in .c .h .py .sh .md .scn
      (or .[ch]).  It must match a file or directory of the tree: relative to
      the root, to the document's directory, or as the tail of a tree path
      (`xfs_buf.c`, `unit/`).  Globs must match at least one.  A trailing
      :LINE is ignored; paths under build/ (make's outputs) are not checked,
      nor templates with an all-capitals word (`scenarios/NAME.scn`, `DIR/**`)
      that match nothing.
    - a call: NAME() or NAME(args) -> NAME must be defined.
    - `struct NAME ...` -> NAME must be defined (struct, union, enum, typedef).
    - a bare identifier that looks like a kernel name: snake_case or
      UPPER_CASE with at least one '_' (`dax_iomap_fault`, `IOMAP_F_SHARED`).
  In fenced blocks (diagrams, shell examples): words that are paths with a
  '/' whose first part is a top-level entry of the tree, or that end in one
  of the extensions above, and NAME( calls.
  "Defined" means a grep-style match over the C sources (and Python defs)
  under sim/, models/, fuzz/, harness/, comments left out: a function
  definition or prototype, a #define, a struct/union/enum tag or typedef
  name, an enumerator, a file-scope variable or ops table, a struct member,
  a variable of the Makefile or a */*.mk file (`layer_inc`),
  the first argument of an X-macro table row (lock classes), a string
  literal that is exactly the name (lock and trace sites name the kernel
  path they model), or the stem of a source file (`xfs_rmap`).

Exemptions (for names that are Linux's, not the simulator's)
  - a fenced block whose info string contains "kernel reference"
    (```text kernel reference): nothing in it is checked;
  - a token prefixed `Linux:` inside the backticks (`Linux: vfs_fsync_range()`);
  - every token after the word "Linux:" in the text, up to the end of that
    clause: the next ')' closing a parenthesis opened before it, ';', '|'
    (a table cell), a sentence end ('. ') or the end of the line.
    "(Linux: `vma->vm_ops->fault`, `get_file`)" exempts both tokens;
  - names listed in an HTML comment anywhere in the document,
    <!-- doccheck-ignore: xfs_io cmdinfo_t -->, for names that are neither
    the simulator's nor Linux's (tools, other projects).

Output: DOC:LINE: 'NAME' not found (one a line), then a summary.
Exit 0 when everything is found, 1 when something is not, 2 on usage errors.
"""
import argparse
import fnmatch
import os
import pathlib
import re
import sys

DEF_DIRS = ("sim", "models", "fuzz", "harness")
C_EXT = (".c", ".h")
PATH_EXT = (".c", ".h", ".py", ".sh", ".md", ".scn", ".[ch]")
SKIP_DIRS = {".git", "build", "__pycache__", "node_modules"}
GENERATED = ("build/",)       # paths under these are outputs of make, not tree files

IDENT = r"[A-Za-z_]\w*"
PATH_CHAR = r"(?:[\w.\-*?]|\[[^\]/\s]+\])"
PATH_RE = re.compile(rf"^{PATH_CHAR}+(?:/{PATH_CHAR}*)*$")
CALL_RE = re.compile(rf"^({IDENT})\((.*)\)$")
STRUCT_RE = re.compile(rf"^(?:struct|union|enum)\s+({IDENT})\b")
SNAKE_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
UPPER_RE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
FENCE_RE = re.compile(r"^\s*(```+|~~~+)(.*)$")
TICK_RE = re.compile(r"(`+)(.+?)\1")
LINUX_RE = re.compile(r"\bLinux:")
FENCE_CALL_RE = re.compile(rf"(?<![\w.>-])({IDENT})\(")
FENCE_WORD_RE = re.compile(r"[\w.\-*/\[\]]+")

# definitions (grep-style)
DEF_RES = [
    re.compile(rf"^[ \t]*#[ \t]*define[ \t]+({IDENT})", re.M),
    re.compile(rf"\b(?:struct|union|enum)[ \t]+({IDENT})[ \t\n]*\{{", re.M),
    re.compile(rf"\}}[ \t]*({IDENT})[ \t]*;", re.M),                       # } typedef_name;
    re.compile(rf"^typedef\b[^;{{]*?\b({IDENT})[ \t]*(?:\[[^\]]*\])?;", re.M),
    re.compile(rf"^typedef\b[^;{{]*\([ \t]*\*[ \t]*({IDENT})[ \t]*\)", re.M),  # fn ptr typedef
    # functions and prototypes: NAME( at file scope, the type before it on
    # the same line or the line above (kernel style)
    re.compile(rf"^(?:[A-Za-z_][\w \t\*]*[ \t\*])?({IDENT})[ \t]*\(", re.M),
    # file-scope variables and ops tables; indented: struct members (and locals)
    re.compile(rf"^[ \t]*(?!(?:return|goto|else|case|do|sizeof)\b)"
               rf"(?:[A-Za-z_][\w]*[ \t\*]+)+\**({IDENT})[ \t]*"
               rf"(?:\[[^\]\n]*\][ \t]*)*(?::[ \t]*\d+[ \t]*)?[;=,]", re.M),
    re.compile(rf"\([ \t]*\*[ \t]*({IDENT})[ \t]*\)[ \t]*\(", re.M),         # fn ptr member
    re.compile(rf"^[ \t]*[A-Z][A-Z0-9_]*\([ \t]*({IDENT})[ \t]*,", re.M),  # X-macro table row
]
ENUM_BODY_RE = re.compile(r"\benum\b[^{;()]*\{([^}]*)\}")
ENUMERATOR_RE = re.compile(rf"^\s*({IDENT})")
STRING_NAME_RE = re.compile(rf'"({IDENT})"')          # a kernel path named as a site string
MAKE_VAR_RE = re.compile(rf"^(?:(?:override|export)[ \t]+)?({IDENT})[ \t]*[:?+!]?=|"
                         rf"^define[ \t]+({IDENT})", re.M)
PY_DEF_RE = re.compile(rf"^[ \t]*(?:def|class)[ \t]+({IDENT})", re.M)
COMMENT_RE = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
C_KEYWORDS = {"if", "for", "while", "switch", "return", "sizeof", "else", "do", "case",
              "goto", "break", "continue", "default"}


class UsageError(Exception):
    pass


class Tree:
    def __init__(self, root):
        self.root = pathlib.Path(root).resolve()
        self.paths = set()       # every file and directory, relative, '/'-joined
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            rel = os.path.relpath(dirpath, self.root)
            if rel != ".":
                self.paths.add(rel.replace(os.sep, "/"))
            for f in filenames:
                self.paths.add(os.path.normpath(os.path.join(rel, f)).replace(os.sep, "/"))
        self.top = {p for p in self.paths if "/" not in p}
        self._defs = None

    def exists(self, token, docdir):
        if token.startswith(GENERATED):
            return True
        t = token.rstrip("/")
        if not t:
            return True
        cands = [t, os.path.normpath(os.path.join(docdir, t)).replace(os.sep, "/")]
        glob = any(c in t for c in "*?[")
        for p in self.paths:
            for c in cands:
                if glob:
                    if fnmatch.fnmatchcase(p, c) or fnmatch.fnmatchcase(p, "*/" + c):
                        return True
                elif p == c or p.endswith("/" + c):
                    return True
        return False

    def defs(self):
        if self._defs is None:
            names = set()
            for top in DEF_DIRS:
                base = self.root / top
                if not base.is_dir():
                    continue
                for p in sorted(base.rglob("*")):
                    if any(part in SKIP_DIRS for part in p.relative_to(self.root).parts):
                        continue
                    if p.suffix in C_EXT and p.is_file():
                        names.add(p.stem)
                        text = COMMENT_RE.sub(" ", p.read_text(errors="replace"))
                        names.update(m.group(1) for m in STRING_NAME_RE.finditer(text))
                        for body in ENUM_BODY_RE.finditer(text):
                            for item in body.group(1).split(","):
                                m = ENUMERATOR_RE.match(item)
                                if m:
                                    names.add(m.group(1))
                        for r in DEF_RES:
                            names.update(m.group(1) for m in r.finditer(text))
                    elif p.suffix == ".py" and p.is_file():
                        names.update(m.group(1) for m in
                                     PY_DEF_RE.finditer(p.read_text(errors="replace")))
            for mk in [self.root / "Makefile"] + sorted(self.root.glob("*/*.mk")):
                if mk.is_file():
                    text = mk.read_text(errors="replace")
                    names.update(m.group(1) or m.group(2) for m in MAKE_VAR_RE.finditer(text))
            self._defs = names - C_KEYWORDS
        return self._defs


def linux_spans(line):
    """[start, end) column ranges exempted by a 'Linux:' in the text."""
    spans = []
    for m in LINUX_RE.finditer(line):
        depth = line.count("(", 0, m.start()) - line.count(")", 0, m.start())
        end, i, inner = len(line), m.end(), 0
        while i < len(line):
            c = line[i]
            if c == "`":                      # skip over a code span
                j = line.find("`", i + 1)
                i = j + 1 if j >= 0 else len(line)
                continue
            if c == "(":
                inner += 1
            elif c == ")":
                if inner:
                    inner -= 1
                elif depth > 0:
                    end = i
                    break
            elif c in ";|" or (c == "." and (i + 1 == len(line) or line[i + 1] == " ")):
                end = i
                break
            i += 1
        spans.append((m.start(), end))
    return spans


def is_path(tok):
    return PATH_RE.match(tok) is not None and (
        "/" in tok or tok.endswith(PATH_EXT)) and not re.search(r"\[\]", tok) \
        and not re.match(r"^\.\w+$", tok)                     # a bare extension


PLACEHOLDER_RE = re.compile(r"(?:^|[/._-])[A-Z]{2,}(?=$|[/._-])")


def is_template(tok):
    """`scenarios/NAME.scn`, `DIR/**`: a path with an all-capitals word."""
    return PLACEHOLDER_RE.search(tok) is not None


def classify(tok):
    """('path', tok) / ('name', NAME) / None for a backticked token."""
    tok = tok.strip()
    tok = re.sub(r":\d+(?::\d+)?$", "", tok) if is_path(re.sub(r":\d+(?::\d+)?$", "", tok)) \
        else tok
    if is_path(tok):
        return ("path", tok)
    m = CALL_RE.match(tok)
    if m:
        return ("name", m.group(1))
    m = STRUCT_RE.match(tok)
    if m:
        return ("name", m.group(1))
    if SNAKE_RE.match(tok) or UPPER_RE.match(tok):
        return ("name", tok)
    return None


IGNORE_RE = re.compile(r"<!--\s*doccheck-ignore:(.*?)-->", re.S)


def tokens(text, top=frozenset()):
    """Yield (line, kind, token) for one markdown text; TOP: the tree's top-level names."""
    ignored = {w for m in IGNORE_RE.finditer(text) for w in m.group(1).split()}
    for n, kind, tok in raw_tokens(text, top):
        if tok not in ignored:
            yield n, kind, tok


def raw_tokens(text, top):
    fence = None                 # (marker, exempt)
    for n, line in enumerate(text.splitlines(), 1):
        m = FENCE_RE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0][0] and len(m.group(1)) >= len(fence[0]) \
                    and not m.group(2).strip():
                fence = None
                continue
            if fence[1]:
                continue
            spans = linux_spans(line)
            for cm in FENCE_CALL_RE.finditer(line):
                if not any(a <= cm.start() < b for a, b in spans):
                    yield n, "name", cm.group(1)
            for wm in FENCE_WORD_RE.finditer(line):
                w = wm.group(0).rstrip(".,")
                if any(a <= wm.start() < b for a, b in spans) or not is_path(w):
                    continue
                if w.endswith(PATH_EXT) or w.split("/")[0] in top:
                    yield n, "path", w
            continue
        if m:
            fence = (m.group(1), "kernel reference" in m.group(2).lower())
            continue
        spans = linux_spans(line)
        for tm in TICK_RE.finditer(line):
            body = tm.group(2)
            if any(a <= tm.start() < b for a, b in spans):
                continue
            if body.strip().startswith("Linux:"):
                continue
            c = classify(body)
            if c:
                yield n, c[0], c[1]


def check(tree, doc, out):
    docpath = pathlib.Path(doc)
    if not docpath.is_absolute():
        docpath = tree.root / docpath
    if not docpath.is_file():
        raise UsageError(f"{doc}: no such file")
    try:
        shown = str(docpath.resolve().relative_to(tree.root))
    except ValueError:
        shown = str(doc)
    docdir = os.path.relpath(docpath.resolve().parent, tree.root)
    missing = checked = 0
    for n, kind, tok in tokens(docpath.read_text(errors="replace"), tree.top):
        checked += 1
        ok = tree.exists(tok, docdir) or is_template(tok) if kind == "path" \
            else tok in tree.defs()
        if not ok:
            out.write(f"{shown}:{n}: '{tok}' not found\n")
            missing += 1
    out.write(f"doccheck: {shown}: {checked} names, {missing} not found: "
              f"{'FAIL' if missing else 'ok'}\n")
    return missing


def main(argv=None):
    ap = argparse.ArgumentParser(description="every file and C name a document cites exists",
                                 epilog="exemption rules: see the top of this script")
    ap.add_argument("--root", default=str(pathlib.Path(__file__).resolve().parent.parent))
    ap.add_argument("docs", nargs="*", default=["docs/architecture.md"])
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:
        return 2 if e.code else 0
    try:
        if not pathlib.Path(args.root).is_dir():
            raise UsageError(f"no directory {args.root}")
        tree = Tree(args.root)
        bad = 0
        for d in args.docs:
            bad += check(tree, d, sys.stdout)
    except UsageError as e:
        sys.stderr.write(f"doccheck.py: {e}\n")
        return 2
    return 1 if bad else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        sys.exit(1)
