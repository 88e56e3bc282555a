"""Portal only: the invoice is made available in the customer portal; nothing is pushed.

The delivery is ``delivered`` at once (the document is where the customer
looks for it) and becomes ``viewed`` when someone opens it through a link.
"""

from __future__ import annotations

from encaisse.delivery.channels import Addressee, ChannelResult, Outcome, OutgoingMessage
from encaisse.delivery.models import Delivery


class PortalChannel:
    name = "portal"

    @staticmethod
    def unavailable_reason(addressee: Addressee) -> str | None:
        return None

    def close(self) -> None:
        return None

    def send(self, delivery: Delivery, message: OutgoingMessage) -> ChannelResult:
        return ChannelResult(
            Outcome.DELIVERED, f"portal:{delivery.invoice_id}", "available in the customer portal"
        )

    def recover(self, delivery: Delivery) -> ChannelResult:
        return ChannelResult(Outcome.RETRY, detail="made available again (idempotent)")
