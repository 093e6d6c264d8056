"""``test-content``: test and placeholder copy reaching real recipients (HBO Max's "Integration
Test Email #1", "lorem ipsum", "Mr Sample", "TODO", example.com links).

The words and patterns are data in ``rules/test_content.yaml``; each entry names the check it
feeds. Everything a reader can see is searched: subject, preheader, sender name, body text,
preview text, the plain-text part, image alt text, and the hosts of link and image addresses.
Seeds (``is_seed: true``) are internal addresses that may get test content: nothing fires for
them. Copy in the template text is reported once for the template; copy that came from a
recipient's data (a test record named "John Doe") is reported for that recipient.
"""

from __future__ import annotations

from preview.checks.check import Check
from preview.checks.copy_hits import hits
from preview.checks.layout_text import span_finding, static_finding
from preview.checks.model import CheckSpec

_COMMON = {"family": "test-content", "severity": "block"}


class CopyCheck(Check):
    """A check of this family: it reports the copy that ``rules/test_content.yaml`` files under
    its name (each entry's ``check:``), to every recipient but seeds."""

    def run(self, message, recipient, ctx):
        """The findings of this check's copy in ``message``."""
        if recipient.get("is_seed"):
            return
        for h in hits(message, ctx):
            if h.check != self.spec.name:
                continue
            text = h.text if h.start is None else message.part_text(h.part)[h.start : h.end]
            args = {"found": text, "where": h.where, "reason": f" ({h.reason})" if h.reason else ""}
            if h.start is not None and h.template_level is None:
                yield span_finding(ctx, self, message, recipient, h.part, h.start, h.end, **args)
            elif h.template_level:
                yield static_finding(ctx, self, message, h.part, h.start, h.end, text, **args)
            else:
                yield ctx.finding(self, message, recipient, part=h.part, start=h.start, end=h.end, text=text,
                                  template_level=False, **args)


test_wording = CopyCheck(
    CheckSpec(
        code="TST001",
        name="test-wording",
        summary="The email says it is a test: 'Integration Test Email #1', 'test email', 'do not send', a subject that is just 'Test'.",
        why="A test send that reaches real customers is embarrassing and public (HBO Max mailed 'Integration Test "
        "Email #1' to its subscribers). 'Test' in ordinary copy ('taste test', 'test drive') is fine; only "
        "test-email wording is reported. Seeds (is_seed: true) may get test emails.",
        bad="Subject: Integration Test Email #1",
        good="Subject: Your winter picks are here",
        message="Test copy {found!r} in the {where}",
        **_COMMON,
    )
)


filler_text = CopyCheck(
    CheckSpec(
        code="TST002",
        name="filler-text",
        summary="Placeholder filler is still in the email: 'lorem ipsum', 'your text here', 'asdf'.",
        why="Filler marks a block nobody wrote; readers see an unfinished email, and the real copy is missing.",
        bad="<mj-text>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</mj-text>",
        good="<mj-text>Warm throws, soft lighting and new ceramics for cosy evenings.</mj-text>",
        message="Filler text {found!r} in the {where}",
        **_COMMON,
    )
)


placeholder_person = CopyCheck(
    CheckSpec(
        code="TST003",
        name="placeholder-person",
        summary="A placeholder person appears: 'Mr Sample', 'John Doe', 'Jane Doe', 'Max Mustermann'.",
        why="Sample names come from design mock-ups and test records; in a real email they show that a mock-up "
        "was sent, or that a test record sits in the audience without being marked as a seed.",
        bad="<mj-text>Dear Mr Sample,</mj-text>",
        good="<mj-text>Dear {{ recipient.first_name | default('customer', true) }},</mj-text>",
        message="Placeholder person {found!r} in the {where}",
        **_COMMON,
    )
)


editor_note = CopyCheck(
    CheckSpec(
        code="TST004",
        name="editor-note",
        summary="A note meant for the team is still in the email: 'TODO', 'FIXME', '[INSERT LINK]', 'XXX', '$XX.XX'.",
        why="Editor's notes and stand-in numbers mean a part of the email was never finished: a missing link, a "
        "price nobody filled in.",
        bad="<mj-text>Save XX% on [INSERT PRODUCT NAME] TODO: check price</mj-text>",
        good="<mj-text>Save 20% on the Oslo wool throw</mj-text>",
        message="Editor's note {found!r} left in the {where}",
        **_COMMON,
    )
)


placeholder_link = CopyCheck(
    CheckSpec(
        code="TST005",
        name="placeholder-link",
        summary="A link, image or address points at a placeholder or test site: example.com, localhost, 127.0.0.1, staging. or dev. hosts.",
        why="Placeholder and test-environment addresses do not work for readers (or show them an internal system); "
        "they mean the real link was never put in.",
        bad='<mj-button href="https://staging.acme-home.com/winter">Shop now</mj-button>',
        good='<mj-button href="https://www.acme-home.com/winter">Shop now</mj-button>',
        message="Placeholder or test address {found!r} in the {where}{reason}",
        **_COMMON,
    )
)


CHECKS = [test_wording, filler_text, placeholder_person, editor_note, placeholder_link]
