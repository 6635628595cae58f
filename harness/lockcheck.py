#!/usr/bin/python3
"""make lockcheck: the lock-order regression gate (docs/locking.md).

Runs every scenario under every sharing design with the lock validator,
merges the observed class graph (FROM -> TO over lock classes/subclasses)
and compares it with the checked-in baseline.  Fails on

  - any cycle or declared-rule violation that is not in the known-issues
    list of docs/locking.rules (the validator's report is printed);
  - any edge that is not in the baseline (printed with the scenario, line,
    command and kernel function where it was first seen).

An edge in the baseline that no scenario took any more is reported but
does not fail.  `--update` rewrites the baseline from the observed graph
(review the diff, commit it with the change that caused it).

Scenarios that use the test-only `lockdep inject` switch exercise the
validator itself (scenarios/locking/); they are left out of the graph, and
so are scenarios that expect an L-deadlock (a deadlocked run cannot be
unwound: it ends the process, and the files after it would not run).
"""
import argparse
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
BASELINE = ROOT / "harness" / "lockdep" / "baseline.txt"


def designs(daxsim):
    out = subprocess.run([daxsim, "help", "models"], capture_output=True, text=True, check=True)
    return [line.split()[0] for line in out.stdout.splitlines() if line.strip()]


def scenarios():
    found, skipped = [], []
    for p in sorted((ROOT / "scenarios").rglob("*.scn")):
        rel = str(p.relative_to(ROOT))
        text = p.read_text()
        words = [line.split() for line in text.splitlines()]
        # the validator's own tests; and runs that end in a deadlock, which
        # ends the process (the files after it in one run would not run)
        if any(w[:2] == ["lockdep", "inject"] or w[:3] == ["expect", "violation", "L-deadlock"]
               for w in words):
            skipped.append(rel)
        else:
            found.append(rel)
    return found, skipped


def run_design(daxsim, design, files, inject):
    with tempfile.TemporaryDirectory() as tmp:
        edges = os.path.join(tmp, "edges.txt")
        cmd = [daxsim, "run", "--model", design, "--keep-going", f"--lockdep-edges={edges}"]
        if inject:
            cmd.append(f"--lockdep-inject={inject}")
        r = subprocess.run(cmd + files, cwd=ROOT, capture_output=True, text=True)
        if r.returncode >= 2 or not os.path.exists(edges):
            sys.stderr.write(r.stderr)
            raise SystemExit(f"lockcheck: daxsim failed under --model {design} (exit {r.returncode})")
        lines = pathlib.Path(edges).read_text().splitlines()
        if files and not lines:
            raise SystemExit(f"lockcheck: no lock edge at all under --model {design}: "
                             "a scenario ended the run early?")
        return lines, r.stdout


def parse(lines, design, graph, reports):
    for line in lines:
        w = line.split(" ")
        if w[0] == "edge":
            key = (w[1], w[2])
            if key not in graph:
                graph[key] = {"labels": w[3], "where": w[4], "cmd": w[5], "func": w[6],
                              "held_func": w[7], "task": w[8], "model": design}
        elif w[0] in ("report", "known"):
            reports.append((w[0], design, line.split(" ", 1)[1]))


def read_baseline(path):
    edges = set()
    if path.exists():
        for n, line in enumerate(path.read_text().splitlines(), 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            w = line.split()
            if len(w) != 3 or w[1] != "->":
                raise SystemExit(f"{path}:{n}: '{line}': expected 'FROM -> TO'")
            edges.add((w[0], w[2]))
    return edges


def write_baseline(path, graph):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as f:
        f.write("# The observed lock-class graph of every scenario under every design\n"
                "# (make lockcheck).  One dependency a line: FROM -> TO, where FROM was\n"
                "# held when TO was taken.  Reviewed like code: a new line needs a reason\n"
                "# in the commit that adds it (docs/locking.md, 'Accepting a new edge').\n")
        for (a, b) in sorted(graph):
            e = graph[(a, b)]
            f.write(f"{a} -> {b}    # {e['where']} ({e['cmd']}) {e['func']} [{e['model']}]\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--daxsim", default=str(ROOT / "daxsim"))
    ap.add_argument("--baseline", default=str(BASELINE))
    ap.add_argument("--update", action="store_true", help="rewrite the baseline")
    ap.add_argument("--inject", help="test only: daxsim --lockdep-inject=NAME")
    args = ap.parse_args()
    baseline_path = pathlib.Path(args.baseline)

    files, skipped = scenarios()
    graph, reports = {}, []
    for d in designs(args.daxsim):
        lines, _ = run_design(args.daxsim, d, files, args.inject)
        parse(lines, d, graph, reports)

    if args.update:
        write_baseline(baseline_path, graph)
        print(f"lockcheck: wrote {len(graph)} edges to {baseline_path.relative_to(ROOT)}")
        return 0

    failed = False
    seen = set()
    for kind, design, text in reports:
        if (kind, text) in seen:
            continue
        seen.add((kind, text))
        if kind == "known":
            print(f"lockcheck: known issue (not a failure) [--model {design}]: {text}")
        else:
            failed = True
            print(f"lockcheck: FAIL [--model {design}]: {text}")
            print(f"  the full report: daxsim run --model {design} FILE (see the line above)")

    base = read_baseline(baseline_path)
    rel = baseline_path.relative_to(ROOT) if baseline_path.is_relative_to(ROOT) else baseline_path
    for key in sorted(set(graph) - base):
        e = graph[key]
        failed = True
        print(f"lockcheck: FAIL: new lock dependency {key[0]} -> {key[1]} (not in {rel})")
        print(f"  first seen at {e['where']} ({e['cmd']}): {e['func']} took {key[1]} "
              f"while holding {key[0]} (taken in {e['held_func']}), task {e['task']}, "
              f"--model {e['model']}")
        print(f"  reproduce: daxsim run --model {e['model']} "
              f"--lockdep-graph=lock.dot {e['where'].rsplit(':', 1)[0]}")
        print(f"  to accept it: check the order against docs/locking.md and the kernel, then "
              f"`make lockcheck-update` and commit {rel} in the same commit")
    for key in sorted(base - set(graph)):
        print(f"lockcheck: note: {key[0]} -> {key[1]} is in {rel} but no scenario took it "
              f"any more (not a failure; `make lockcheck-update` drops it)")
    print(f"lockcheck: {len(graph)} edges over {len(files)} scenarios x "
          f"{len(designs(args.daxsim))} designs ({len(skipped)} validator-test scenarios "
          f"left out): {'FAILED' if failed else 'ok'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
