"""The outbox (发信队列): outgoing short messages wait until the terminal may transmit.

A BeiDou card allows one transmit per service interval (服务频度, from ``$BDICI``). The outbox
releases one message at a time, at or after the earliest moment the card allows; a refusal
(``$BDFKI …,N``) puts the message back with the terminal's wait time; after ``max_attempts``
refusals the message is marked failed, never silently dropped. Pure logic with an injected
clock: the link owner calls :meth:`due` and reports feedback.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass
class OutgoingMessage:
    id: str
    recipient: str
    text: str
    attempts: int = 0
    status: str = "queued"  # queued → sending → accepted | refused (retry) | failed
    not_before: datetime | None = None
    history: list[tuple[datetime, str]] = field(default_factory=list)


class Outbox:
    """One terminal's queue."""

    def __init__(self, *, interval_s: float = 60.0, max_attempts: int = 5,
                 retry_s: float = 5.0):
        self.interval = timedelta(seconds=interval_s)
        self.max_attempts = max_attempts
        self.retry = timedelta(seconds=retry_s)
        self._queue: deque[OutgoingMessage] = deque()
        self._in_flight: OutgoingMessage | None = None
        self._last_accepted: datetime | None = None

    def set_interval(self, seconds: float) -> None:
        """The card's 服务频度, once ``$BDICI`` says it."""
        self.interval = timedelta(seconds=max(0.0, seconds))

    def add(self, message: OutgoingMessage, now: datetime) -> None:
        message.history.append((now, "queued"))
        self._queue.append(message)

    @property
    def pending(self) -> list[OutgoingMessage]:
        return ([self._in_flight] if self._in_flight else []) + list(self._queue)

    def next_allowed(self) -> datetime | None:
        """When the card may transmit again (None: now)."""
        return self._last_accepted + self.interval if self._last_accepted else None

    def due(self, now: datetime) -> OutgoingMessage | None:
        """The message to transmit now, if any (one in flight at a time)."""
        if self._in_flight is not None or not self._queue:
            return None
        allowed = self.next_allowed()
        head = self._queue[0]
        if (allowed and now < allowed) or (head.not_before and now < head.not_before):
            return None
        message = self._queue.popleft()
        message.attempts += 1
        message.status = "sending"
        message.history.append((now, "sending"))
        self._in_flight = message
        return message

    def feedback(self, accepted: bool, now: datetime, *, wait_s: int | None = None,
                 ) -> OutgoingMessage | None:
        """The terminal's ``$BDFKI`` for the message in flight; returns it (or None)."""
        message, self._in_flight = self._in_flight, None
        if message is None:
            return None
        if accepted:
            message.status = "accepted"
            self._last_accepted = now
        elif message.attempts >= self.max_attempts:
            message.status = "failed"
        else:
            message.status = "queued"
            wait = timedelta(seconds=wait_s) if wait_s else self.retry
            message.not_before = now + wait
            self._queue.appendleft(message)  # it keeps its place at the head
        message.history.append((now, message.status))
        return message

    def lost(self, now: datetime) -> OutgoingMessage | None:
        """No feedback came (link dropped): the message goes back to the head of the queue."""
        return self.feedback(False, now)
