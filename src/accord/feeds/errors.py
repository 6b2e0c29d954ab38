"""Errors for partner feeds. Messages name the file, field or feed; never row values."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class FeedError(Exception):
    """Base for feed errors."""


class UnknownFeed(FeedError):  # noqa: N818 (reads as the condition it reports)
    def __init__(self, register: str, partner: str, dataset: str, known: Sequence[str]) -> None:
        listing = ", ".join(known) or "none"
        super().__init__(
            f"register {register!r} has no feed contract for {partner}/{dataset} (feeds: {listing})"
        )


class FileRejected(FeedError):  # noqa: N818 (reads as the condition it reports)
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
        super().__init__(f"{path.name}: rejected, nothing written: " + "; ".join(detail))


class SnapshotShrinks(FeedError):  # noqa: N818 (reads as the condition it reports)
    """A snapshot would remove more of the dataset than the configured share allows."""

    def __init__(self, name: str, removed: int, held: int, limit: float) -> None:
        self.removed, self.held, self.limit = removed, held, limit
        super().__init__(
            f"{name}: refused, nothing written: this snapshot would remove {removed:,} of the"
            f" {held:,} records held ({removed / held:.0%}), more than the {limit:.0%} a"
            " snapshot may remove; if the partner means to remove them, deliver it again with"
            " confirm_removal=true (CLI: --confirm-removal)"
        )
