"""Invoice and credit-note PDFs: Typst templates fed with a Document's data.

- :mod:`~encaisse.formats.pdf.render`: :func:`render_pdf` and the batch
  :class:`Renderer` (PDF/A-3b, embedded fonts, no system font);
- :mod:`~encaisse.formats.pdf.inputs`: the data a template prints, and its schema;
- :mod:`~encaisse.formats.pdf.labels`: labels in French, English, Dutch and German;
- :mod:`~encaisse.formats.pdf.epc_qr`: the EPC QR code and the printed payment references;
- ``templates/invoice.typ``: the default template, which an entity may replace.
"""

from encaisse.formats.pdf.inputs import template_inputs
from encaisse.formats.pdf.labels import LANGUAGES, UnknownLanguage, labels_for
from encaisse.formats.pdf.render import PDF_STANDARD, Renderer, TemplateError, default_template, render_pdf

__all__ = [
    "LANGUAGES",
    "PDF_STANDARD",
    "Renderer",
    "TemplateError",
    "UnknownLanguage",
    "default_template",
    "labels_for",
    "render_pdf",
    "template_inputs",
]
