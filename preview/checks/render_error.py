"""``render-error``: the template or the MJML failed to render for a recipient (with the line)."""

from __future__ import annotations

from preview.checks.check import check

_COMMON = {"family": "render-error", "severity": "block"}
# The check (by name) each kind of render error belongs to; a template error is split in two below.
_CHECK_OF_KIND = {"mjml": "mjml-error", "limit": "render-limit", "security": "sandbox-violation"}


def _errors(spec_check, message) -> list:
    """The render errors of ``message`` that ``spec_check`` reports."""
    return [error for error in message.errors if _check_of(error) == spec_check.spec.name]


def _check_of(error) -> str | None:
    """The name of the check that reports ``error``."""
    if error.kind == "template":
        # A syntax error stops every render; any other template error is this recipient's record.
        return "template-syntax-error" if "syntax error" in error.message else "template-runtime-error"
    return _CHECK_OF_KIND.get(error.kind)


def _recipient_findings(spec_check, message, recipient, ctx, part: str | None = None) -> list:
    """A finding of ``spec_check`` for this recipient per error it reports, on the error's part
    (these errors depend on the recipient's record, so they are never the template's alone)."""
    return [
        ctx.finding(spec_check, message, recipient, part=part or error.part, line=error.line, text=error.message,
                    template_level=False, detail=error.message)
        for error in _errors(spec_check, message)
    ]


@check(
    code="RND001",
    name="template-syntax-error",
    summary="The template does not parse, so nobody can be sent this email.",
    why="A syntax error in Jinja2 stops every render; the line says where to look.",
    bad="Hi {{ recipient.first_name }",
    good="Hi {{ recipient.first_name }}",
    message="{part} template does not parse: {detail}",
    **_COMMON,
)
def template_syntax_error(message, recipient, ctx):
    for error in _errors(template_syntax_error, message):
        yield ctx.template_finding(template_syntax_error, part=error.part, line=error.line, text=error.message,
                                   detail=error.message)


@check(
    code="RND002",
    name="template-runtime-error",
    summary="The template raised an error for this recipient.",
    why="A template that works for most recipients can still fail on one record (a string where a "
    "list was expected, a division by zero); that recipient would get no email or a broken one.",
    bad="{{ recipient.attributes.points / recipient.attributes.visits }} with visits = 0",
    good="{% if recipient.attributes.visits %}{{ recipient.attributes.points / recipient.attributes.visits }}{% endif %}",
    message="{part} failed to render for this recipient: {detail}",
    scope="recipient",
    **_COMMON,
)
def template_runtime_error(message, recipient, ctx):
    return _recipient_findings(template_runtime_error, message, recipient, ctx)


@check(
    code="RND003",
    name="mjml-error",
    summary="The MJML produced by the template does not compile.",
    why="Broken MJML means no HTML at all; often a Jinja branch leaves a tag unclosed for some recipients only.",
    bad="<mj-column><mj-text>Hi</mj-column>",
    good="<mj-column><mj-text>Hi</mj-text></mj-column>",
    message="MJML does not compile: {detail}",
    **_COMMON,
)
def mjml_error(message, recipient, ctx):
    return _recipient_findings(mjml_error, message, recipient, ctx, part="html")


@check(
    code="RND004",
    name="render-limit",
    summary="The render ran past the time or size limit and was stopped.",
    why="A runaway loop or a huge value would hang the send or produce a giant email; the sandbox stops it.",
    bad="{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    good="{% for item in recipient.recommendations[:3] %}{{ item.name }}{% endfor %}",
    message="{part} stopped: {detail}",
    **_COMMON,
)
def render_limit(message, recipient, ctx):
    return _recipient_findings(render_limit, message, recipient, ctx)


@check(
    code="RND005",
    name="sandbox-violation",
    summary="The template tried something the sandbox forbids (private attributes, unsafe calls).",
    why="Templates are untrusted input; reaching into Python internals is how template injection starts.",
    bad="{{ recipient.__class__.__mro__ }}",
    good="{{ recipient.first_name }}",
    message="{part}: {detail}",
    **_COMMON,
)
def sandbox_violation(message, recipient, ctx):
    return _recipient_findings(sandbox_violation, message, recipient, ctx)


@check(
    code="RND009",
    name="check-crashed",
    family="render-error",
    severity="warn",
    summary="A check raised an exception on this render, so its verdict is unknown.",
    why="A bug in a check (often a plugin) must not silently pass an email; this says which check to fix.",
    bad="a plugin check that raises KeyError on a recipient without orders",
    good="checks that handle every valid recipient record",
    message="check {check} failed on this render: {detail}",
    scope="recipient",
)
def check_crashed(message, recipient, ctx):
    # Emitted by the pipeline itself when a check raises; registered so it is documented.
    return ()


CHECKS = [template_syntax_error, template_runtime_error, mjml_error, render_limit, sandbox_violation, check_crashed]
