"""Print-ready PDFs of invoices and credit notes, typeset by Typst.

A :class:`Renderer` holds one Typst compiler and one template for many
documents: the compiler loads its fonts once and keeps the parsed template and
layouts it can reuse between documents, so a batch costs a fraction of the first
document. :func:`render_pdf` renders one document with a renderer kept per
process and template.

The data goes to the template as JSON in ``sys.inputs.data`` (schema in
:mod:`encaisse.formats.pdf.inputs`); no text of a document is ever put into
Typst source, so a customer called ``#import "x": *`` is printed as such. A
custom template is Typst source text that reads the same input; it may only
read files of the renderer's private directory (the logo), never the host's.

Output is PDF/A-3b by default (``pdf_standard``), which also lets a Factur-X
writer attach the CII XML afterwards. The PDF's creation date is the document's
issue date unless ``created`` is given, so that rendering the same document
twice gives the same bytes.

>>> from encaisse.formats.pdf.render import default_template
>>> "sys.inputs.data" in default_template()
True
"""

from __future__ import annotations

import calendar
import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
import weakref
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Final

import typst

from encaisse.formats.einvoice.model import Document
from encaisse.formats.pdf.epc_qr import epc_payment, epc_qr_svg
from encaisse.formats.pdf.inputs import template_inputs
from encaisse.formats.pdf.labels import LABELS, UnknownLanguage

__all__ = ["PDF_STANDARD", "Renderer", "TemplateError", "default_template", "render_pdf"]

# PDF/A-3b: archivable, and accepts embedded files (Factur-X XML).
PDF_STANDARD: Final = "a-3b"


class TemplateError(ValueError):
    """A template that Typst cannot compile with the data given (with Typst's diagnostic)."""

    def __init__(self, message: str, diagnostic: str = "", hints: tuple[str, ...] = ()) -> None:
        self.message = message
        self.diagnostic = diagnostic
        self.hints = hints
        super().__init__(message if not diagnostic else f"{message}\n{diagnostic}")


@lru_cache(maxsize=1)
def default_template() -> str:
    """The Typst source of the default invoice template."""
    return files("encaisse.formats.pdf").joinpath("templates/invoice.typ").read_text(encoding="utf-8")


@dataclass
class _Workspace:
    """One Typst compiler and its root directory, which holds only logos.

    The compiler is not shared between threads while it works (``lock``).
    ``unprintable`` holds the characters that no font of the compiler draws,
    learnt from PDF/A errors, replaced before the next document is compiled.
    """

    root: Path
    compiler: typst.Compiler
    lock: threading.Lock = field(default_factory=threading.Lock)
    logos: dict[str, str] = field(default_factory=dict)
    logos_lock: threading.Lock = field(default_factory=threading.Lock)
    unprintable: dict[int, str] = field(default_factory=dict)

    def logo_path(self, logo: bytes) -> str:
        """The path of ``logo`` in the root, named by its hash (written once)."""
        digest = hashlib.sha256(logo).hexdigest()[:32]
        with self.logos_lock:
            path = self.logos.get(digest)
            if path is None:
                (self.root / f"logo-{digest}").write_bytes(logo)
                path = self.logos[digest] = f"/logo-{digest}"
        return path


def _remove_root(root: str, owner: int) -> None:
    # A forked child inherits the finalizer: only the process that made the directory removes it.
    if os.getpid() == owner:
        shutil.rmtree(root, ignore_errors=True)


def _new_workspace(font_paths: tuple[str, ...]) -> _Workspace:
    root = Path(tempfile.mkdtemp(prefix="encaisse-typst-"))
    compiler = typst.Compiler(root=str(root), font_paths=list(font_paths), ignore_system_fonts=True)
    workspace = _Workspace(root=root, compiler=compiler)
    weakref.finalize(workspace, _remove_root, str(root), os.getpid())
    return workspace


_WORKSPACES: dict[tuple[int, tuple[str, ...]], _Workspace] = {}
_WORKSPACES_LOCK = threading.Lock()


def _process_workspace(font_paths: tuple[str, ...] = ()) -> _Workspace:
    """The workspace of this process for these fonts (a forked worker never uses its parent's)."""
    key = (os.getpid(), font_paths)
    with _WORKSPACES_LOCK:
        workspace = _WORKSPACES.get(key)
        if workspace is None:
            for stale in [k for k in _WORKSPACES if k[0] != key[0]]:
                del _WORKSPACES[stale]
            workspace = _WORKSPACES[key] = _new_workspace(font_paths)
        return workspace


# C0 and C1 control characters other than tab and line feed: no font draws them, PDF/A refuses them.
_CONTROLS: Final[dict[int, str]] = {
    c: " " for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))
}


def _printable(value: Any) -> Any:
    """``value`` with the control characters of its strings replaced by spaces."""
    if isinstance(value, str):
        return value.translate(_CONTROLS)
    if isinstance(value, dict):
        return {k: _printable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_printable(v) for v in value]
    return value


# What Typst reports when no font has a glyph for a text (PDF/A forbids missing glyphs).
_MISSING_GLYPH: Final = re.compile(r'the text `"((?:[^"\\]|\\.)*)"` could not be displayed')
_ESCAPE: Final = re.compile(r"\\u\{([0-9a-fA-F]+)\}|\\(.)")
_REPLACEMENT: Final = "\ufffd"


def _missing_glyphs(exc: typst.TypstError) -> set[str]:
    """The characters a PDF/A error says no font can draw (empty for any other error)."""
    found: set[str] = set()
    for match in _MISSING_GLYPH.finditer(exc.diagnostic or exc.message):
        text = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2), match.group(1))
        found.update(c for c in text if not c.isascii() or not c.isprintable())
    return found


def _timestamp(doc: Document, created: datetime | None) -> int:
    if created is not None:
        if created.tzinfo is None:
            raise ValueError("the creation time must be timezone-aware")
        return int(created.timestamp())
    return calendar.timegm(doc.issue_date.timetuple())


class Renderer:
    """Renders many documents with one template, language and logo.

    ``template`` is Typst source text reading ``sys.inputs.data`` (default:
    :func:`default_template`). ``language``, ``locale``, ``logo`` and
    ``labels_override`` are the defaults of :meth:`render`, usually an entity's
    settings. ``pdf_standard`` is a Typst PDF standard (``"a-3b"``) or ``None``
    for a plain PDF. ``font_paths`` adds font files or folders to Typst's own
    fonts (Libertinus Serif, New Computer Modern, DejaVu Sans Mono), e.g. to
    print names in scripts those do not cover; under PDF/A a character that no
    font draws is printed as U+FFFD, since PDF/A forbids missing glyphs.
    """

    def __init__(
        self,
        template: str | None = None,
        *,
        language: str = "en",
        locale: str | None = None,
        logo: bytes | None = None,
        labels_override: Mapping[str, str] | None = None,
        pdf_standard: str | None = PDF_STANDARD,
        font_paths: Sequence[str | os.PathLike[str]] = (),
    ) -> None:
        source = default_template() if template is None else template
        if not isinstance(source, str) or "sys.inputs" not in source:
            raise TemplateError("a template is Typst source text that reads its data from sys.inputs.data")
        if language not in LABELS:
            raise UnknownLanguage(f"no labels for language {language!r}; choose one of {sorted(LABELS)}")
        self._source = source.encode("utf-8")
        self.language = language
        self.locale = locale
        self.logo = logo
        self.labels_override = dict(labels_override or {})
        self._standards: list[Any] = [pdf_standard] if pdf_standard else []
        self._font_paths = tuple(os.fspath(p) for p in font_paths)

    def _workspace(self) -> _Workspace:
        return _process_workspace(self._font_paths)

    def inputs(
        self,
        doc: Document,
        *,
        language: str | None = None,
        locale: str | None = None,
        logo: bytes | None = None,
        labels_override: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """The data the template receives for ``doc`` (what :meth:`render` passes)."""
        language = language or self.language
        labels = (
            self.labels_override if labels_override is None else {**self.labels_override, **labels_override}
        )
        logo = logo if logo is not None else self.logo
        payment = epc_payment(doc)
        return template_inputs(
            doc,
            language=language,
            locale=locale or (self.locale if language == self.language else None),
            labels_override=labels,
            logo=self._workspace().logo_path(logo) if logo else None,
            qr_svg=epc_qr_svg(payment) if payment else None,
        )

    def render(
        self,
        doc: Document,
        *,
        language: str | None = None,
        locale: str | None = None,
        logo: bytes | None = None,
        labels_override: Mapping[str, str] | None = None,
        created: datetime | None = None,
    ) -> bytes:
        """The PDF of ``doc``; arguments given replace the renderer's defaults for this document."""
        data = self.inputs(doc, language=language, locale=locale, logo=logo, labels_override=labels_override)
        return self._compile(doc, _json(data), created)

    def render_many(self, docs: Iterable[Document]) -> list[bytes]:
        """The PDFs of ``docs``, in order, with this renderer's settings.

        The data of the next document (formatting, QR code) is prepared in a
        second thread while Typst, which releases the GIL, typesets the current one.
        """
        batch = list(docs)
        if len(batch) < 2:
            return [self.render(doc) for doc in batch]
        pdfs: list[bytes] = []
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf-inputs") as pool:
            upcoming = pool.submit(self._prepared, batch[0])
            for index, doc in enumerate(batch):
                text = upcoming.result()
                if index + 1 < len(batch):
                    upcoming = pool.submit(self._prepared, batch[index + 1])
                pdfs.append(self._compile(doc, text, None))
        return pdfs

    def _prepared(self, doc: Document) -> str:
        return _json(self.inputs(doc))

    def _compile(self, doc: Document, text: str, created: datetime | None) -> bytes:
        workspace = self._workspace()
        timestamp = _timestamp(doc, created)
        with workspace.lock:
            # Each round learns the characters no font draws (PDF/A only); a second round is rare.
            for _ in range(3):
                if workspace.unprintable:
                    text = text.translate(workspace.unprintable)
                try:
                    pdf = workspace.compiler.compile(
                        input=self._source,
                        format="pdf",
                        sys_inputs={"data": text},
                        pdf_standards=self._standards,
                        timestamp=timestamp,
                    )
                except typst.TypstError as exc:
                    missing = {c for c in _missing_glyphs(exc) if ord(c) not in workspace.unprintable}
                    if not missing:
                        raise TemplateError(
                            f"cannot render {doc.number}: {exc.message}", exc.diagnostic, tuple(exc.hints)
                        ) from None
                    workspace.unprintable.update((ord(c), _REPLACEMENT) for c in missing)
                    continue
                if not isinstance(pdf, bytes):
                    raise TemplateError(f"cannot render {doc.number}: Typst returned no PDF")
                return pdf
        raise TemplateError(f"cannot render {doc.number}: characters that no font draws")


def _json(data: Mapping[str, Any]) -> str:
    return json.dumps(_printable(data), ensure_ascii=False, separators=(",", ":"))


@lru_cache(maxsize=8)
def _renderer(template: str | None, pdf_standard: str | None) -> Renderer:
    return Renderer(template, pdf_standard=pdf_standard)


def render_pdf(
    doc: Document,
    *,
    language: str = "en",
    locale: str | None = None,
    template: str | None = None,
    logo: bytes | None = None,
    labels_override: Mapping[str, str] | None = None,
    created: datetime | None = None,
    pdf_standard: str | None = PDF_STANDARD,
) -> bytes:
    """The PDF of one invoice or credit note (see :class:`Renderer` for the arguments).

    ``locale`` chooses the formatting of money and dates (``fr_BE`` rather
    than the default ``fr_FR``); ``labels_override`` replaces labels by key.
    The compiler and the parsed template are kept for the next call.
    """
    return _renderer(template, pdf_standard).render(
        doc, language=language, locale=locale, logo=logo, labels_override=labels_override, created=created
    )
