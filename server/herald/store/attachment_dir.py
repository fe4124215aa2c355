"""The server's attachment directory (HERALD_ATTACHMENT_DIR): seed 001's
`email_attachments` name files in it.

A name is a plain file name (checked first by core.notification.file_name_problem);
the file it resolves to, symlinks followed, must be a regular file directly inside
the directory, so neither `..` nor a symlink pointing elsewhere reaches any other
file. The file is then opened without following symlinks, and its size is checked
before it is read."""

from __future__ import annotations

import asyncio
import mimetypes
import os
import stat
from collections.abc import Sequence
from pathlib import Path

from herald.core.errors import FieldViolation, InvalidArgumentError
from herald.core.message import Attachment


class AttachmentDirectory:
    def __init__(self, root: Path | None, max_bytes: int) -> None:
        self.root = Path(os.path.realpath(root)) if root is not None else None
        self.max_bytes = max_bytes

    @property
    def configured(self) -> bool:
        return self.root is not None

    async def load(self, names: Sequence[str], already: int = 0) -> tuple[Attachment, ...]:
        """The named files as attachments, in order. `already` bytes of attachments
        come with the message besides them; all together must stay within the limit.
        Every problem is a violation on `email_attachments[i]`."""
        if not names:
            return ()
        return await asyncio.to_thread(self._load, list(names), already)

    def _load(self, names: list[str], already: int) -> tuple[Attachment, ...]:
        violations: list[FieldViolation] = []
        found: list[Attachment] = []
        total = already
        for index, name in enumerate(names):
            where = f"email_attachments[{index}]"
            try:
                content = self._read(name, self.max_bytes - total)
            except _Refused as refused:
                violations.append(FieldViolation(where, str(refused)))
                continue
            total += len(content)
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
            found.append(Attachment(name, content_type, content))
        if violations:
            raise InvalidArgumentError(violations)
        return tuple(found)

    def _read(self, name: str, room: int) -> bytes:
        if self.root is None:
            raise _Refused("no attachment directory configured (HERALD_ATTACHMENT_DIR)")
        resolved = Path(os.path.realpath(self.root / name))
        if resolved.parent != self.root:
            raise _Refused("must name a file inside the attachment directory")
        try:
            # O_NONBLOCK: a FIFO planted in the directory must not hang the call.
            flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
            fd = os.open(resolved, flags)
        except FileNotFoundError:
            raise _Refused("no such file in the attachment directory") from None
        except OSError as exc:
            raise _Refused(f"cannot be read: {exc.strerror}") from None
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            os.close(fd)
            raise _Refused("is not a regular file")
        with os.fdopen(fd, "rb") as handle:
            if status.st_size > room:
                raise _Refused(
                    f"attachments total more than {self.max_bytes} bytes "
                    "(HERALD_MAX_ATTACHMENT_BYTES)"
                )
            content = handle.read(room + 1)
        if len(content) > room:  # it grew since fstat
            raise _Refused(
                f"attachments total more than {self.max_bytes} bytes (HERALD_MAX_ATTACHMENT_BYTES)"
            )
        return content


class _Refused(Exception):
    pass
