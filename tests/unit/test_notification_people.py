"""SendNotification's seed 001 pieces that need no server: email_attachments
without an attachment directory, and the directory's refusals."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from herald.core.channel import Channel
from herald.core.errors import InvalidArgumentError
from herald.core.message import MAX_ATTACHMENTS, Attachment, MessageRequest
from herald.core.message import validate as validate_message
from herald.core.notification import NotificationRequest, validate
from herald.store.attachment_dir import AttachmentDirectory


def request(**fields: object) -> NotificationRequest:
    base: dict[str, object] = {
        "channels": (Channel.EMAIL,),
        "to": (),
        "subject": "s",
        "body": "b",
        "recipients": ("ann",),
    }
    return NotificationRequest(**{**base, **fields})  # type: ignore[arg-type]


def test_email_attachments_need_an_attachment_directory() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        validate(request(email_attachments=("report.csv",)), attachment_dir=False)
    [violation] = caught.value.violations
    assert violation.field == "email_attachments"
    assert "no attachment directory configured" in violation.description
    assert validate(request(email_attachments=("report.csv",)), attachment_dir=True) == (
        Channel.EMAIL,
    )


def test_the_default_channel_must_be_active_too() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        validate(request(channels=()), active=frozenset({Channel.IN_APP}))
    assert [v.field for v in caught.value.violations] == ["channels"]
    # The seed 003 form reports an inactive channel per delivery instead.
    assert validate(
        request(channels=(), recipients=(), to=("a@example.com",)),
        active=frozenset({Channel.IN_APP}),
    ) == (Channel.EMAIL,)


async def test_the_directory_reads_plain_files_only(tmp_path: Path) -> None:
    root = tmp_path / "files"
    root.mkdir()
    (root / "a.txt").write_bytes(b"aaaa")
    (root / "b.pdf").write_bytes(b"%PDF")
    (root / "alias.txt").symlink_to(root / "a.txt")  # a symlink inside stays inside
    (tmp_path / "secret").write_bytes(b"secret")
    (root / "out").symlink_to(tmp_path / "secret")
    os.mkfifo(root / "pipe")
    files = AttachmentDirectory(root, max_bytes=10)
    loaded = await files.load(["a.txt", "b.pdf"])
    assert [(a.filename, a.content_type, a.content) for a in loaded] == [
        ("a.txt", "text/plain", b"aaaa"),
        ("b.pdf", "application/pdf", b"%PDF"),
    ]
    assert (await files.load(["alias.txt"]))[0].content == b"aaaa"
    with pytest.raises(InvalidArgumentError) as caught:
        await files.load(["out", "pipe", "a.txt", "b.pdf"], already=3)
    assert [(v.field, v.description.split(" (")[0]) for v in caught.value.violations] == [
        ("email_attachments[0]", "must name a file inside the attachment directory"),
        ("email_attachments[1]", "is not a regular file"),
        ("email_attachments[3]", "attachments total more than 10 bytes"),
    ]


def test_attachments_are_counted_not_only_weighed() -> None:
    """A hundred empty attachments pass; one more is refused whole, on SendNotification
    and SendMessage alike, though they weigh nothing."""
    empty = Attachment(filename="a.txt", content_type="text/plain", content=b"")
    assert validate(request(attachments=(empty,) * MAX_ATTACHMENTS)) == (Channel.EMAIL,)
    names = ("report.csv",) * (MAX_ATTACHMENTS + 1)
    for too_many in (
        request(attachments=(empty,) * (MAX_ATTACHMENTS + 1)),
        request(email_attachments=names),
    ):
        with pytest.raises(InvalidArgumentError) as caught:
            validate(too_many, attachment_dir=True)
        [violation] = caught.value.violations
        assert violation.field in ("attachments", "email_attachments")
        assert violation.description == f"must be at most {MAX_ATTACHMENTS}"

    message = MessageRequest(
        subject="s",
        body="b",
        channels=(Channel.EMAIL,),
        email_address="a@example.com",
        attachments=(empty,) * (MAX_ATTACHMENTS + 1),
    )
    with pytest.raises(InvalidArgumentError) as caught:
        validate_message(message)
    assert [v.field for v in caught.value.violations] == ["attachments"]
