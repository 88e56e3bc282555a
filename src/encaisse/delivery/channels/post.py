"""Post: letters for a mailing house, merged into one print-ready PDF per entity and day.

Sending a postal delivery prepares its letter — an address page placed for a
window envelope (optional, on by default), then the invoice PDF, padded to an
even number of pages for duplex printing when the entity asks — and keeps it in
the archive; the delivery waits in ``batched``. :func:`merge_letters` puts the
day's letters one after the other into one PDF, which
:func:`encaisse.delivery.services.build_post_batch` archives and hands over.

The address page is typeset by Typst from JSON data (the customer's name is
never Typst source), with the address block at 45 mm from the top and 20 mm
(left window, DIN 5008) or 110 mm (right window, French and Belgian envelopes)
from the left edge.
"""

from __future__ import annotations

import io
import json
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import typst
from pypdf import PdfReader, PdfWriter

from encaisse.delivery.channels import Addressee, ChannelResult, Outcome, OutgoingMessage, PostalAddress
from encaisse.delivery.models import Delivery, DeliverySettings, PostWindow
from encaisse.ledger.archive import ArchiveStore

COVER_TEMPLATE = """
#let data = json(bytes(sys.inputs.data))
#set document(title: data.title)
#set page(paper: "a4", margin: 0mm)
#set text(font: ("Libertinus Serif", "New Computer Modern"), size: 10.5pt, lang: data.language)
#place(top + left, dx: 20mm, dy: 18mm, block(width: 80mm)[
  #text(weight: "bold", data.sender.name) \\
  #for line in data.sender.lines [#line \\ ]
])
#place(top + left, dx: data.window_x * 1mm, dy: 45mm, block(width: 85mm, height: 40mm)[
  #set text(size: 11pt)
  #for line in data.recipient [#line \\ ]
])
#place(top + left, dx: 20mm, dy: 100mm, block(width: 170mm)[
  #data.place_date
  #v(8mm)
  #text(weight: "bold", data.title)
  #v(4mm)
  #data.enclosed
])
"""

_LABELS = {
    "en": ("Enclosed: {document}", "Sent on {day}"),
    "fr": ("Ci-joint : {document}", "Envoyé le {day}"),
    "nl": ("In bijlage: {document}", "Verzonden op {day}"),
    "de": ("Anlage: {document}", "Versandt am {day}"),
}
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _compiler() -> typst.Compiler:
    return typst.Compiler(root=tempfile.mkdtemp(prefix="encaisse-letter-"), ignore_system_fonts=True)


def address_lines(address: PostalAddress) -> list[str]:
    """The address block: name, street lines, postcode and city, country (ISO code, in capitals)."""
    city = " ".join(x for x in (address.postcode, address.city) if x)
    return [address.name, *address.lines, city, address.country.upper()]


def cover_page(
    *, sender_name: str, sender_lines: Sequence[str], recipient: PostalAddress, document: str, day: date,
    language: str, window: str = PostWindow.RIGHT,
) -> bytes:  # fmt: skip
    """The address page of one letter (one A4 page)."""
    enclosed, sent_on = _LABELS.get(language, _LABELS["en"])
    data = {
        "title": document,
        "language": language if language in _LABELS else "en",
        "sender": {"name": sender_name, "lines": list(sender_lines)},
        "recipient": address_lines(recipient),
        "window_x": 20 if window == PostWindow.LEFT else 110,
        "place_date": sent_on.format(day=day.isoformat()),
        "enclosed": enclosed.format(document=document),
    }
    with _lock:
        pdf = _compiler().compile(
            input=COVER_TEMPLATE.encode(),
            format="pdf",
            sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        )
    if not isinstance(pdf, bytes):
        raise RuntimeError("Typst returned no PDF for the address page")
    return pdf


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def compose_letter(document_pdf: bytes, cover: bytes | None, *, duplex: bool) -> bytes:
    """Cover (optional) + document, padded with a blank page to an even count when printed duplex."""
    writer = PdfWriter()
    if cover is not None:
        writer.append(io.BytesIO(cover))
        if duplex:
            writer.add_blank_page()  # the document starts on a front side
    writer.append(io.BytesIO(document_pdf))
    if duplex and len(writer.pages) % 2:
        writer.add_blank_page()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class MergedBatch:
    pdf: bytes
    pages: int


def merge_letters(letters: Sequence[bytes]) -> MergedBatch:
    """The letters one after the other in one PDF (outline entry per letter for the print operator)."""
    writer = PdfWriter()
    for n, letter in enumerate(letters, start=1):
        first = len(writer.pages)
        writer.append(io.BytesIO(letter))
        writer.add_outline_item(title=f"Letter {n}", page_number=first)
    out = io.BytesIO()
    writer.write(out)
    return MergedBatch(out.getvalue(), len(writer.pages))


class PostChannel:
    name = "post"

    def __init__(self, store: ArchiveStore | None = None) -> None:
        self.store = store

    @staticmethod
    def unavailable_reason(addressee: Addressee) -> str | None:
        if addressee.postal is None or not addressee.postal.is_complete:
            return "no complete postal address"
        return None

    def close(self) -> None:
        return None

    def send(self, delivery: Delivery, message: OutgoingMessage) -> ChannelResult:
        postal = message.addressee.postal
        if message.pdf is None:
            return ChannelResult(Outcome.UNAVAILABLE, detail="no PDF to print for this invoice")
        if postal is None or not postal.is_complete:
            return ChannelResult(Outcome.UNAVAILABLE, detail="no complete postal address")
        options = DeliverySettings.objects.filter(entity_id=delivery.entity_id).first() or DeliverySettings()
        cover = None
        if options.post_cover_page:
            cover = cover_page(
                sender_name=message.sender_name, sender_lines=message.sender_address, recipient=postal,
                document=message.document_label, day=delivery.queued_at.date(), language=message.language,
                window=options.post_window,
            )  # fmt: skip
        letter = compose_letter(message.pdf.content, cover, duplex=options.post_duplex)
        sha = (self.store or ArchiveStore()).put(letter)
        return ChannelResult(
            Outcome.BATCHED, sha, f"letter of {page_count(letter)} page(s) waiting for the print batch"
        )

    def recover(self, delivery: Delivery) -> ChannelResult:
        return ChannelResult(Outcome.RETRY, detail="the letter is prepared again (nothing left the building)")
