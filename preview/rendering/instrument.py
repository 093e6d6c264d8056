"""Rewrite a parsed template so that it reports its branches and the fields behind them.

Every ``if``/``elif``/``else``, ``for`` (and its empty case) and inline ``x if c else y`` gets a
branch id; the condition is wrapped so its reads are captured, and each arm's body starts and ends
with calls that push and pop that condition as the scope of the output inside. ``{% set %}``
values remember their reads so that a later ``{{ x }}`` or ``{% if x %}`` still points at the
recipient fields behind ``x``. The result also lists every branch, which gives branch coverage.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import nodes


@dataclass(frozen=True)
class Branch:
    """One arm of one conditional in the template."""

    id: int
    arm: str  # then / elif1.. / else for if; loop / empty for for; then / else inline
    kind: str  # if, for, inline
    line: int
    label: str

    @property
    def key(self) -> tuple[int, str]:
        return (self.id, self.arm)

    def describe(self) -> str:
        """Human form, e.g. ``line 12: {% if recipient.first_name %} -> else``."""
        return f"line {self.line}: {self.label} -> {self.arm}"


def _call(name: str, args: list, lineno: int) -> nodes.Filter:
    """A call of hook ``name``, written as a filter: Jinja calls filters directly, without the
    sandbox's per-call checks (see ``lineage.HOOKS``). The first argument is the filtered value."""
    value = args[0] if args else nodes.Const(None, lineno=lineno)
    return nodes.Filter(value, name, list(args[1:]), [], None, None, lineno=lineno)


def _stmt(name: str, args: list, lineno: int) -> nodes.ExprStmt:
    return nodes.ExprStmt(_call(name, args, lineno), lineno=lineno)


def _const(value, lineno: int) -> nodes.Const:
    return nodes.Const(value, lineno=lineno)


def _store_names(target) -> tuple[str, ...]:
    if isinstance(target, nodes.Name):
        return (target.name,)
    if isinstance(target, nodes.Tuple):
        return tuple(n for item in target.items for n in _store_names(item))
    return ()


class _Rewriter:
    def __init__(self, source_lines: list[str]):
        self.lines = source_lines
        self.branches: list[Branch] = []
        self.assigned: set[str] = set()
        self.next_id = 0

    def label(self, lineno: int) -> str:
        if 0 < lineno <= len(self.lines):
            return " ".join(self.lines[lineno - 1].split())[:120]
        return ""

    def new_branch(self, kind: str, arms: list[str], lineno: int) -> int:
        bid = self.next_id
        self.next_id += 1
        for arm in arms:
            self.branches.append(Branch(bid, arm, kind, lineno, self.label(lineno)))
        return bid

    def arm(self, bid: int, arm: str, body: list, lineno: int, targets: tuple = ()) -> list:
        args = [_const(bid, lineno), _const(arm, lineno)]
        if targets:
            # The loop variables of this pass, so lineage can narrow the loop to its item.
            args.append(nodes.List([nodes.Name(n, "load", lineno=lineno) for n in targets], lineno=lineno))
        return [
            _stmt("_cp_enter", args, lineno),
            *self.visit_list(body),
            _stmt("_cp_exit", [_const(bid, lineno)], lineno),
        ]

    def cond(self, bid: int, index: int, test, lineno: int):
        mark = _call("_cp_mark", [], lineno)
        return _call("_cp_cond", [_const(bid, lineno), _const(index, lineno), mark, self.visit(test)], lineno)

    def visit_list(self, items: list) -> list:
        out = []
        for item in items:
            visited = self.visit(item)
            out.extend(visited) if isinstance(visited, list) else out.append(visited)
        return out

    def visit(self, node):
        if isinstance(node, nodes.If):
            return self.visit_if(node)
        if isinstance(node, nodes.For):
            return self.visit_for(node)
        if isinstance(node, nodes.CondExpr):
            bid = self.new_branch("inline", ["then", "else"], node.lineno)
            node.test = _call("_cp_inline", [_const(bid, node.lineno), self.visit(node.test)], node.lineno)
            node.expr1 = self.visit(node.expr1)
            if node.expr2 is not None:
                node.expr2 = self.visit(node.expr2)
            return node
        if isinstance(node, nodes.Assign):
            names = _store_names(node.target)
            node.node = self.wrap_assign(names, node.node, node.lineno)
            return node
        if isinstance(node, nodes.AssignBlock):
            names = _store_names(node.target)
            line = node.lineno
            node.body = [
                _stmt("_cp_assign_begin", [], line),
                *self.visit_list(node.body),
                _stmt("_cp_assign_end", [_const(names, line)], line),
            ]
            return node
        if isinstance(node, nodes.With):
            node.values = [
                self.wrap_assign(_store_names(t), v, node.lineno)
                for t, v in zip(node.targets, node.values, strict=True)
            ]
            node.body = self.visit_list(node.body)
            return node
        if isinstance(node, nodes.Name) and node.ctx == "load" and node.name in self.assigned:
            return _call("_cp_use", [_const(node.name, node.lineno), node], node.lineno)
        for field, value in node.iter_fields():
            if isinstance(value, nodes.Node):
                setattr(node, field, self.visit(value))
            elif isinstance(value, list):
                if all(isinstance(v, nodes.Node) for v in value):
                    setattr(node, field, self.visit_list(value))  # a loop becomes loop + _cp_done
                else:
                    setattr(node, field, [self.visit(v) if isinstance(v, nodes.Node) else v for v in value])
        return node

    def wrap_assign(self, names: tuple, value, lineno: int):
        mark = _call("_cp_mark", [], lineno)
        return _call("_cp_assign", [_const(names, lineno), mark, self.visit(value)], lineno)

    def visit_if(self, node: nodes.If):
        arms = ["then", *(f"elif{i}" for i in range(1, len(node.elif_) + 1)), "else"]
        bid = self.new_branch("if", arms, node.lineno)
        node.test = self.cond(bid, 0, node.test, node.lineno)
        node.body = self.arm(bid, "then", node.body, node.lineno)
        for index, elif_node in enumerate(node.elif_, start=1):
            elif_node.test = self.cond(bid, index, elif_node.test, elif_node.lineno)
            elif_node.body = self.arm(bid, f"elif{index}", elif_node.body, elif_node.lineno)
        node.else_ = self.arm(bid, "else", node.else_, node.lineno)
        return node

    def visit_for(self, node: nodes.For):
        # A loop over a literal that is never empty ({% for x in ['a', 'b'] %}) cannot take its
        # empty arm; listing that arm would only send coverage looking for it in vain.
        arms = ["loop"] if _never_empty(node.iter) and node.test is None else ["loop", "empty"]
        bid = self.new_branch("for", arms, node.lineno)
        line = node.lineno
        node.iter = _call("_cp_iter", [_const(bid, line), _call("_cp_mark", [], line), self.visit(node.iter)], line)
        if node.test is not None:
            node.test = self.visit(node.test)
        node.body = self.arm(bid, "loop", node.body, line, _store_names(node.target))
        node.else_ = self.arm(bid, "empty", node.else_, line)
        return [node, _stmt("_cp_done", [_const(bid, line)], line)]


def _never_empty(expr) -> bool:
    """True for a non-empty literal list, tuple or dict, or a constant non-empty sequence."""
    if isinstance(expr, (nodes.List, nodes.Tuple)):
        return bool(expr.items)
    if isinstance(expr, nodes.Dict):
        return bool(expr.items)
    if isinstance(expr, nodes.Const):
        return isinstance(expr.value, (str, list, tuple, dict)) and bool(expr.value)
    return False


def instrument(template: nodes.Template, source: str) -> list[Branch]:
    """Rewrite ``template`` in place; return the branches it contains."""
    rewriter = _Rewriter(source.split("\n"))
    for node in template.find_all((nodes.Assign, nodes.AssignBlock)):
        rewriter.assigned.update(_store_names(node.target))
    for node in template.find_all(nodes.With):
        for target in node.targets:
            rewriter.assigned.update(_store_names(target))
    template.body = rewriter.visit_list(template.body)
    return rewriter.branches
