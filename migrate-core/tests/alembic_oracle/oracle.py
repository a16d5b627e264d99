"""The reference answers for the differential test in `../alembic_oracle.rs`.

Reads one JSON document on stdin, `{"cases": [{"revisions": [...], "queries": [...]}]}`, builds
each graph with Alembic's own `RevisionMap` and answers every query the way Alembic's commands ask
it (`alembic upgrade`, `downgrade`, `history`, `heads`, `show`), then prints one JSON document:
`{"alembic": "<version>", "cases": [{"build": ..., "answers": [...]}]}`.

A revision is `{"id": str, "down": [str], "depends_on": [str], "labels": [str]}`. A query is
`{"kind": "graph" | "resolve" | "revision" | "upgrade" | "downgrade" | "history", ...}` with
`target` (or `range`) and `current` (the version table's rows). An answer is `{"ok": ...}` or
`{"error": "<exception class>", "message": str}`; an exception that is not one of Alembic's
`RevisionError`s is reported as `"crash:<class>"`, which the Rust side counts as Alembic's defect.
"""

import json
import signal
import sys
import warnings

import alembic
from alembic.runtime.migration import HeadMaintainer, MigrationStep
from alembic.script.revision import Revision, RevisionError, RevisionMap


class Script(Revision):
    """A revision as Alembic's script directory holds it: steps read its (empty) module."""

    class module:
        upgrade = downgrade = None


class Heads(HeadMaintainer):
    """Alembic's own bookkeeping of the version table, without a database."""

    def __init__(self, heads):
        super().__init__(context=None, heads=heads)

    def _insert_version(self, version):
        assert version not in self.heads
        self.heads.add(version)

    def _delete_version(self, version):
        self.heads.remove(version)

    def _update_version(self, from_, to_):
        assert to_ not in self.heads
        self.heads.remove(from_)
        self.heads.add(to_)


def error(exc):
    name = type(exc).__name__
    if not isinstance(exc, RevisionError):
        name = "crash:" + name
    return {"error": name, "message": str(exc)}


class Timeout(Exception):
    """Alembic did not answer within the time limit (some of its walks never end)."""


def on_alarm(signum, frame):
    raise Timeout("no answer within %s s" % LIMIT)


LIMIT = 2.0


def answer(fn):
    signal.setitimer(signal.ITIMER_REAL, LIMIT)
    try:
        return {"ok": fn()}
    except Exception as exc:  # every failure is an answer to compare
        return error(exc)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def build(revisions):
    made = []
    for r in revisions:
        made.append(
            Script(
                r["id"],
                tuple(r["down"]) or None,
                dependencies=tuple(r["depends_on"]) or None,
                branch_labels=tuple(r["labels"]) or None,
            )
        )
    rmap = RevisionMap(lambda: made)
    rmap.heads  # builds the map, raising what it finds
    return rmap


def graph_facts(rmap):
    revs = [r for k, r in rmap._revision_map.items() if k and r is not None and k == r.revision]
    return {
        "heads": list(rmap.heads),
        "real_heads": list(rmap._real_heads),
        "bases": list(rmap.bases),
        "real_bases": list(rmap._real_bases),
        "labels": {r.revision: sorted(r.branch_labels) for r in revs},
    }


def ids(revs):
    return [r.revision if r is not None else None for r in revs]


def resolve(rmap, target, current):
    """What a target names: `get_revisions`, or, for a relative target, the revision Alembic's
    upgrade (`+N`) or downgrade (`-N`) walks to from the current heads."""
    from alembic.script.revision import _relative_destination

    match = _relative_destination.match(target)
    if match:
        steps = int(match.group(3))
        if steps >= 0:
            return ids(rmap._parse_upgrade_target(tuple(current), target, True))
        _, rev = rmap._parse_downgrade_target(tuple(current), target, True)
        return [] if rev is None or rev == "base" else [rev.revision]
    return ids(r for r in rmap.get_revisions(target) if r is not None)


def revision(rmap, target):
    rev = rmap.get_revision(target)
    return None if rev is None else rev.revision


def plan(rmap, current, steps):
    heads = Heads(current)
    out = []
    for step in steps:
        heads.update_to_step(step)
        out.append([step.revision.revision, sorted(heads.heads)])
    return out


def upgrade(rmap, target, current):
    revs = list(rmap.iterate_revisions(target, tuple(current), implicit_base=True))
    return plan(rmap, current, [MigrationStep.upgrade_from_script(rmap, r) for r in reversed(revs)])


def downgrade(rmap, target, current):
    revs = list(rmap.iterate_revisions(tuple(current), target, select_for_downgrade=True))
    return plan(rmap, current, [MigrationStep.downgrade_from_script(rmap, r) for r in revs])


def history(rmap, rng, current):
    base, head = rng.split(":")
    # `alembic history` replaces `current` with the version table's rows.
    if head == "current":
        head = tuple(current)
    elif base == "current":
        base = tuple(current)
    revs = rmap.iterate_revisions(
        head or "heads", base or "base", inclusive=True, assert_relative_length=False
    )
    return [r.revision for r in revs]


def run_case(case):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            rmap = build(case["revisions"])
            built = {"ok": None}
        except Exception as exc:
            rmap = None
            built = error(exc)
    built["warnings"] = [str(w.message) for w in caught]
    answers = []
    for q in case["queries"] if rmap is not None else []:
        kind = q["kind"]
        current = q.get("current", [])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if kind == "graph":
                answers.append(answer(lambda: graph_facts(rmap)))
            elif kind == "resolve":
                answers.append(answer(lambda: resolve(rmap, q["target"], current)))
            elif kind == "revision":
                answers.append(answer(lambda: revision(rmap, q["target"])))
            elif kind == "upgrade":
                answers.append(answer(lambda: upgrade(rmap, q["target"], current)))
            elif kind == "downgrade":
                answers.append(answer(lambda: downgrade(rmap, q["target"], current)))
            elif kind == "history":
                answers.append(answer(lambda: history(rmap, q["range"], current)))
            else:
                answers.append({"error": "crash:UnknownQuery", "message": kind})
    return {"build": built, "answers": answers}


def main():
    request = json.load(sys.stdin)
    signal.signal(signal.SIGALRM, on_alarm)
    sys.setrecursionlimit(10000)
    result = {"alembic": alembic.__version__, "cases": [run_case(c) for c in request["cases"]]}
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
