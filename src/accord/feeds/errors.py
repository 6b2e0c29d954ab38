"""Errors for partner feeds. Messages name the file, field or feed; never row values.

Each is an accord error of its kind (not found, invalid, conflict), so the HTTP edge answers
it by its class; its text is its message, as the command line prints it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from accord import errors


class FeedError(errors.AccordError):
    """Base for feed errors."""

    def __str__(self) -> str:
        return self.message


class UnknownFeed(FeedError, errors.NotFound):  # noqa: N818 (reads as the condition it reports)
    def __init__(self, register: str, partner: str, dataset: str, known: Sequence[str]) -> None:
        listing = ", ".join(known) or "none"
        super().__init__(
            "feed",
            f"register {register!r} has no feed contract for {partner}/{dataset} (feeds: {listing})",
        )


class NoFeedContract(FeedError, errors.NotFound):  # noqa: N818 (reads as the condition)
    """No loaded register (or not the one named) declares the feed."""

    def __init__(self, message: str) -> None:
        super().__init__("feed", message)


class AmbiguousFeed(FeedError, errors.Invalid):  # noqa: N818 (reads as the condition)
    """Several registers declare the feed: the caller must name the register."""

    def __init__(self, message: str) -> None:
        super().__init__("register", message)


class FileRejected(FeedError, errors.Invalid):  # noqa: N818 (reads as the condition it reports)
    """The whole file is refused before anything is written (header, format, encoding)."""

    def __init__(
        self,
        path: Path,
        reason: str,
        *,
        missing: Sequence[str] = (),
        unexpected: Sequence[str] = (),
    ) -> None:
        self.path, self.missing, self.unexpected = path, list(missing), list(unexpected)
        detail = [reason]
        if missing:
            detail.append(f"missing column(s): {', '.join(missing)}")
        if unexpected:
            detail.append(f"unexpected column(s): {', '.join(unexpected)}")
        super().__init__("file", f"{path.name}: rejected, nothing written: " + "; ".join(detail))


class SnapshotShrinks(FeedError, errors.Conflict):  # noqa: N818 (reads as the condition it reports)
    """A snapshot would remove more of the dataset than the configured share allows."""

    def __init__(self, name: str, removed: int, held: int, limit: float) -> None:
        self.removed, self.held, self.limit = removed, held, limit
        super().__init__(
            f"{name}: refused, nothing written: this snapshot would remove {removed:,} of the"
            f" {held:,} records held ({removed / held:.0%}), more than the {limit:.0%} a"
            " snapshot may remove; if the partner means to remove them, deliver it again with"
            " confirm_removal=true (CLI: --confirm-removal)",
            field="file",
        )
