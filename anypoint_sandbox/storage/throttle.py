"""Failed sign-ins and client authentications, counted per key (an account, a client address, a
connected app) so that ``web.throttle`` can slow a password guesser down. Keys are stored as
SHA-256 digests: whatever someone types as a username is neither kept nor unbounded."""

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class FailureCount(Base):
    """Failures of one key since ``window_started_at``; while ``locked_until`` is in the future
    the key is refused without a check. ``expires_at`` is when the row means nothing any more
    (the window and the lock are both over), so expired rows are deleted in one indexed sweep.
    Times are epoch seconds."""

    __tablename__ = "failure_counts"
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # account, address, client
    key_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[int] = mapped_column(BigInteger)
    locked_until: Mapped[int] = mapped_column(BigInteger, default=0)
    expires_at: Mapped[int] = mapped_column(BigInteger, index=True)
