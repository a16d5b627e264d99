"""Alembic's RevisionMap timed on the graph the Rust bench writes to stdin.

Each input line: `revision down1,down2 dep1,dep2` (lists may be empty). Prints three timings in
seconds: build (RevisionMap with heads computed), upgrade base->heads, downgrade heads->base, each
as Alembic's ScriptDirectory computes them (_upgrade_revs / _downgrade_revs).
"""

import sys
import time

from alembic.script.revision import Revision, RevisionMap


def main() -> None:
    specs = []
    for line in sys.stdin:
        parts = line.rstrip("\n").split(" ")
        revision, downs, deps = parts[0], parts[1], parts[2]
        specs.append(
            (
                revision,
                tuple(d for d in downs.split(",") if d) or None,
                tuple(d for d in deps.split(",") if d) or None,
            )
        )

    def generate():
        return [Revision(r, down, dependencies=deps) for r, down, deps in specs]

    start = time.perf_counter()
    revision_map = RevisionMap(generate)
    heads = revision_map.heads
    build = time.perf_counter() - start

    start = time.perf_counter()
    upgrade = list(reversed(list(revision_map.iterate_revisions("heads", (), implicit_base=True))))
    upgrade_time = time.perf_counter() - start

    start = time.perf_counter()
    downgrade = list(revision_map.iterate_revisions(heads, "base", select_for_downgrade=True))
    downgrade_time = time.perf_counter() - start

    assert len(upgrade) == len(specs) and len(downgrade) == len(specs), (len(upgrade), len(downgrade))
    print(build, upgrade_time, downgrade_time)


if __name__ == "__main__":
    main()
