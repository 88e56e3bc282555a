"""Cases jobs (huey): a reply e-mailed again to the addresses a temporary failure left out."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def retry_case_reply(event_id: int, addresses: list[str], attempt: int) -> dict[str, list[str]]:
    """Attempt ``attempt`` at e-mailing reply ``event_id`` to ``addresses`` (see :mod:`encaisse.cases.notifications`)."""
    from encaisse.cases import notifications

    return notifications.notify_reply(event_id, only=addresses, attempt=attempt)
