"""Which recipient fields a campaign's templates read, found in their syntax trees.

The edge-case sampler wants "a recipient who lacks a field this template prints", so it needs
the fields without rendering anyone: ``{{ recipient.attributes.pet_name }}`` reads
``attributes.pet_name``; ``{% for item in recipient.recommendations[:3] %}{{ item.image }}``
reads ``recommendations`` and ``recommendations[].image`` (``[]``: each item). Other names set
from recipient data (``{% set wedding = ... | first %}``) are not followed: those paths stay
approximate, which is fine for choosing examples.
"""

from __future__ import annotations

from jinja2 import Environment, TemplateSyntaxError, nodes

EACH = "[]"
_MAPPING_METHODS = frozenset({"get", "items", "keys", "values"})


def _chain(node, aliases: dict[str, tuple]) -> tuple | None:
    """The record path ``node`` reads, or None when it is not a read of recipient data."""
    if isinstance(node, nodes.Name):
        if node.name == "recipient":
            return ()
        return aliases.get(node.name)
    if isinstance(node, nodes.Getattr):
        base = _chain(node.node, aliases)
        if base is None or node.attr in _MAPPING_METHODS:
            return base
        return (*base, node.attr)
    if isinstance(node, nodes.Getitem):
        base = _chain(node.node, aliases)
        if base is None:
            return None
        arg = node.arg
        if isinstance(arg, nodes.Const) and isinstance(arg.value, (str, int)) and not isinstance(arg.value, bool):
            return (*base, str(arg.value))
        return base  # a slice or a computed key: the container itself
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr) and node.node.attr == "get":
        base = _chain(node.node.node, aliases)
        if base is not None and node.args and isinstance(node.args[0], nodes.Const) and isinstance(node.args[0].value, str):
            return (*base, node.args[0].value)
        return base
    if isinstance(node, nodes.Filter) and node.node is not None:
        # recipient.orders | selectattr(...): still items of recipient.orders, for a loop.
        return _chain(node.node, aliases)
    return None


def template_reads(sources) -> list[tuple[str, ...]]:
    """The record paths the Jinja2 ``sources`` read, most specific ones, in order of appearance.

    Loops over recipient lists are always listed (an empty list is an edge case of its own);
    other paths only when no longer path extends them. A source with a syntax error is skipped
    (the render-error checks report it).
    """
    env = Environment()
    found: dict[tuple, None] = {}
    loops: dict[tuple, None] = {}
    for source in sources:
        if not source:
            continue
        try:
            tree = env.parse(source)
        except TemplateSyntaxError:
            continue
        aliases: dict[str, tuple] = {}
        for loop in tree.find_all(nodes.For):
            base = _chain(loop.iter, aliases)
            if base and isinstance(loop.target, nodes.Name):
                aliases[loop.target.name] = (*base, EACH)
                loops[base] = None
        for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Call)):
            path = _chain(node, aliases)
            if path and path[-1] != EACH:
                found[path] = None
    longest = [p for p in found if not any(len(q) > len(p) and q[: len(p)] == p for q in found)]
    return list(dict.fromkeys([*loops, *longest]))


def display(path: tuple[str, ...]) -> str:
    """``("recommendations", "[]", "image")`` -> ``recommendations[].image``."""
    out = ""
    for step in path:
        out += step if step == EACH or not out else f".{step}"
    return out


def lacks(value, path: tuple[str, ...]) -> str | None:
    """How ``value`` lacks ``path``: ``"absent"``, ``"null"``, ``"empty"``, or None if it has it.

    For ``[]`` steps, any item lacking the rest counts (one broken picture is broken).
    """
    if not path:
        if value is None:
            return "null"
        if isinstance(value, (str, list, dict)) and not (value.strip() if isinstance(value, str) else value):
            return "empty"
        return None
    head, rest = path[0], path[1:]
    if head == EACH:
        if isinstance(value, list):
            for item in value:
                how = lacks(item, rest)
                if how:
                    return how
        return None
    if isinstance(value, dict):
        if head not in value:
            return "absent"
        return lacks(value[head], rest)
    if isinstance(value, list) and head.isdigit():
        index = int(head)
        return lacks(value[index], rest) if index < len(value) else "absent"
    return "absent" if value is None else None
