"""Regenerates `shapes.json`: the revision graphs of Alembic's own tests.

Usage: python extract_shapes.py ALEMBIC_CHECKOUT > shapes.json
(shapes.json was made from sqlalchemy/alembic at 20e58db01cad3432c24734e11b893303cdb687a4.)

- tests/test_revision.py: every `RevisionMap(lambda: [Revision(...), ...])` whose revisions are
  literals;
- tests/test_version_traversal.py: every class's `setup_class`, replayed against a stand-in for
  `staging_env()` that records `generate_revision` calls the way Alembic's script directory
  places them (`head=None`: on the single head; `head="base"` or `()`: a new base; a tuple: a
  merge), with `util.rev_id()` replaced by deterministic ids;
- tests/_large_map.py: the 1,000-revision map.
"""

import ast
import json
import sys


def literal(node):
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def as_list(value):
    if value is None or value == ():
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


def revision_from_call(call):
    """A literal `Revision(id, down, dependencies=..., branch_labels=...)`, or None."""
    args = [literal(a) for a in call.args]
    if not args or not isinstance(args[0], str):
        return None
    if any(a is None and not (isinstance(n, ast.Constant) and n.value is None)
           for a, n in zip(args, call.args)):
        return None
    kw = {k.arg: literal(k.value) for k in call.keywords}
    down = args[1] if len(args) > 1 else kw.get("down_revision")
    deps = args[2] if len(args) > 2 else kw.get("dependencies")
    labels = args[3] if len(args) > 3 else kw.get("branch_labels")
    return {"id": args[0], "down": as_list(down), "depends_on": as_list(deps), "labels": as_list(labels)}


def revision_maps(path):
    tree = ast.parse(open(path).read())
    shapes = []
    for cls in [n for n in tree.body if isinstance(n, ast.ClassDef)]:
        number = 0
        for node in ast.walk(cls):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "RevisionMap"):
                continue
            if not (node.args and isinstance(node.args[0], ast.Lambda)):
                continue
            body = node.args[0].body
            if not isinstance(body, ast.List):
                continue
            revisions = []
            for element in body.elts:
                if isinstance(element, ast.Call) and getattr(element.func, "id", None) == "Revision":
                    revision = revision_from_call(element)
                    if revision is None:
                        break
                    revisions.append(revision)
                else:
                    break
            else:
                number += 1
                shapes.append({"name": f"test_revision.{cls.name}#{number}", "revisions": revisions})
    return shapes


class Made:
    def __init__(self, revision):
        self.revision = revision


class StagingEnv:
    """Records `generate_revision` calls as Alembic's script directory would place them."""

    def __init__(self):
        self.revisions = []
        self.children = {}

    def heads(self):
        return [r["id"] for r in self.revisions if not self.children.get(r["id"])]

    def generate_revision(self, rev_id, message, head=None, splice=False, branch_labels=None,
                          depends_on=None, refresh=False, **_):
        if head is None:
            heads = self.heads()
            down = heads[:1] if len(heads) == 1 else []
            if len(heads) > 1:
                raise ValueError("several heads and no head= given")
        elif head == "base" or head == ():
            down = []
        else:
            down = as_list(head)
        for d in down:
            self.children.setdefault(d, []).append(rev_id)
        self.revisions.append(
            {"id": rev_id, "down": down, "depends_on": as_list(depends_on), "labels": as_list(branch_labels)}
        )
        return Made(rev_id)


def traversal_shapes(path):
    tree = ast.parse(open(path).read())
    shapes = []
    for cls in [n for n in tree.body if isinstance(n, ast.ClassDef)]:
        setup = next((f for f in cls.body if isinstance(f, ast.FunctionDef) and f.name == "setup_class"), None)
        if setup is None:
            continue
        counter = [0]

        def rev_id():
            counter[0] += 1
            # Alembic's ids are 12 hex digits; these keep the order they were made in.
            return "%04x%08x" % (0xA000 + counter[0], 0x5EED0000 + len(cls.name) * 977 + counter[0] * 7919)

        env = StagingEnv()

        class Util:
            pass

        util = Util()
        util.rev_id = rev_id
        module = ast.Module(body=setup.body, type_ignores=[])
        code = compile(ast.fix_missing_locations(module), path, "exec")

        class Cls:
            pass

        try:
            exec(code, {"staging_env": lambda *a, **k: env, "util": util, "cls": Cls})
        except Exception as exc:  # a setup the stand-in can't replay is left out, and said so
            print(f"skipped {cls.name}: {exc}", file=sys.stderr)
            continue
        shapes.append({"name": f"test_version_traversal.{cls.name}", "revisions": env.revisions})
    return shapes


def large_map(path):
    tree = ast.parse(open(path).read())
    revisions = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Revision":
            revision = revision_from_call(node)
            if revision is not None:
                revisions.append(revision)
    return [{"name": "_large_map", "revisions": revisions}]


def main():
    root = sys.argv[1]
    shapes = (
        revision_maps(f"{root}/tests/test_revision.py")
        + traversal_shapes(f"{root}/tests/test_version_traversal.py")
        + large_map(f"{root}/tests/_large_map.py")
    )
    json.dump({"source": "sqlalchemy/alembic tests", "shapes": shapes}, sys.stdout, indent=0)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
