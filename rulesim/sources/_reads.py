"""Static questions about what a rule's source reads, answered on its syntax tree.

Used by the migration comparison (:mod:`rulesim.migration.labels`) to tell a known
difference from a regression: a Rule that reads ``context.idToken`` reads what earlier rules
set in memory, which an Action can never read back (contract section 9, DIFF-VISIBILITY).
tree-sitter (the ``coverage`` extra) parses; without it every answer is False.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from rulesim.sources.syntax import node_text, tree_parser, walk_nodes

__all__ = ["reads_members"]


def reads_members(source: str, obj: str, members: Sequence[str]) -> bool:
    """Whether ``source`` reads ``obj.<member>`` (or a property of it) for one of ``members``.

    Writes do not count: ``context.idToken[k] = v`` and ``context.multifactor = {...}`` are
    assignments; ``const x = context.idToken[k]`` and ``if (context.multifactor)`` are reads.

    Examples
    --------
    >>> reads_members("function (u, context, cb) { context.idToken.a = 1; cb(); }",
    ...               "context", ["idToken"])
    False
    >>> reads_members("function (u, context, cb) { const r = context.idToken.a; cb(); }",
    ...               "context", ["idToken"])
    True
    """
    return _reads(source, obj, tuple(members))


@lru_cache(maxsize=256)
def _reads(source: str, obj: str, members: tuple[str, ...]) -> bool:
    parser = tree_parser()
    if parser is None:
        return False
    tree = parser.parse(source.encode("utf-8"))
    wanted = {f"{obj}.{m}" for m in members}
    for node in walk_nodes(tree.root_node):
        if node.type != "member_expression" or node_text(node).replace(" ", "") not in wanted:
            continue
        # Climb the member chain (context.idToken -> context.idToken['x'] -> ...).
        top = node
        while top.parent is not None and top.parent.type in ("member_expression",
                                                             "subscript_expression") \
                and top.parent.child_by_field_name("object") == top:
            top = top.parent
        parent = top.parent
        if parent is not None and parent.type in ("assignment_expression",
                                                  "augmented_assignment_expression") \
                and parent.child_by_field_name("left") == top:
            continue
        if parent is not None and parent.type == "unary_expression" and \
                node_text(parent).startswith("delete"):
            continue
        return True
    return False
