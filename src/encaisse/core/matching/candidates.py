"""What a bank credit says: references, invoice numbers, amounts, words, and signs it is no customer's.

:func:`read_transaction` turns a :class:`CreditTransaction` into
:class:`TextEvidence` once; the engine then looks its keys up in the book.

Structured references come from the bank's structured fields and from valid
RF and OGM references typed in the free text. Invoice-number candidates come
from :func:`encaisse.core.invoice_numbers.candidates`, less the customer
numbers written with their label ("Klantnr 13794", "Kd-Nr. 11516"). Amounts
written in the text ("moins 50,00", "EUR 1.234,56", "1,234.56") support
deductions and lists. Words in four languages say a payment is partial, an
advance, or short for a reason.

Non-customer transactions (interest, card settlements, tax refunds,
intra-group transfers, salary reversals, the bank's own bookings) are told
apart by the bank transaction code (hard evidence), by who paid (a payment
service provider, a tax authority, the entity's own account: hard), and by
words in the text (soft: a customer may write "interest" too).

>>> from datetime import date
>>> from decimal import Decimal
>>> tx = CreditTransaction("T1", Decimal("950.00"), "EUR", date(2026, 3, 2),
...     remittance_lines=("Fact. 2026/0042 moins 50,00 marchandise endommagée",))
>>> ev = read_transaction(tx, MatchSettings())
>>> ev.amounts, ev.deduction_words
([5000], ['MOINS', 'ENDOMMAGEE'])
>>> card = CreditTransaction("T2", Decimal("1200.00"), "EUR", date(2026, 3, 2),
...     counterparty_name="Stripe Payments Europe Ltd", remittance_lines=("STRIPE PAYOUT po_1Mx",))
>>> [reason for reason, hard in read_transaction(card, MatchSettings()).non_customer]
['payer is a payment service provider (STRIPE)', 'text says PAYOUT']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import pairwise
from typing import Final

from stdnum import iban as stdnum_iban
from stdnum import luhn

from encaisse.core.invoice_numbers import Candidate, candidates, fold, normalise
from encaisse.core.matching.index import compact_iban, to_minor
from encaisse.core.matching.records import CreditTransaction, MatchSettings, TransactionCode
from encaisse.core.money import minor_unit
from encaisse.core.references import find_ogms, find_qrrs, find_rfs, is_valid_ogm, is_valid_rf

__all__ = ["TextEvidence", "is_date_near", "names_in_text", "read_transaction", "transaction_text"]


@dataclass(frozen=True, slots=True)
class Remitted:
    """One document of a structured remittance, with the amounts the payer gives for it.

    The statement parsers write each ``Strd/RfrdDocInf`` that comes with its
    ``RfrdDocAmt`` as one line (:mod:`encaisse.formats.bank.camt`): "CINV
    VF26/000352 due 1294.65 adjustment -260.61 SHRT short delivery paid
    1034.04". Amounts in minor units.
    """

    key: str  # the document's number, normalised (letters and digits, upper case)
    due: int | None  # DuePyblAmt
    paid: int | None  # RmtdAmt
    kept: int  # what the payer keeps back and says why: discounts and adjustments (due less paid, when both given)
    reasons: tuple[str, ...]  # "discount", and the adjustments' reason codes and texts
    credit: int | None = None  # CdtNoteAmt: a credit note the payer takes off


# "CINV VF26/000352 due 1294.65 discount 25.89 adjustment -260.61 SHRT short delivery paid 1008.15"
_REMITTED: Final = re.compile(
    r"^(?:[A-Z]{4} )?(?P<number>\S+) (?P<amounts>(?:due|discount|credit note|tax|adjustment|paid) -?\d+\.\d{2}.*)$"
)
_REMITTED_AMOUNT: Final = re.compile(r"\b(due|discount|credit note|tax|adjustment|paid) (-?\d+\.\d{2,})\b")


def _without_amounts(line: str) -> str:
    """A structured remittance's document line without its amounts: "CINV VF26/000352" (other lines as they are)."""
    m = _REMITTED.match(line)
    return line if m is None else line[: m.start("amounts")].rstrip()


def remitted_documents(lines: tuple[str, ...], currency: str) -> tuple[Remitted, ...]:
    """The documents of a structured remittance that come with the amount paid (see :class:`Remitted`).

    >>> [d.kept for d in remitted_documents(("CINV VF26/000352 due 1294.65 adjustment -260.61 SHRT short paid 1034.04",), "EUR")]
    [26061]
    """
    found = []
    for line in lines:
        m = _REMITTED.match(line)
        if m is None:
            continue
        amounts: dict[str, int] = {}
        reasons: list[str] = []
        adjusted = 0
        parts = list(_REMITTED_AMOUNT.finditer(m["amounts"]))
        for n, part in enumerate(parts):
            label, value = part[1], to_minor(Decimal(part[2]), currency)
            if label == "adjustment":
                adjusted += abs(value)
                end = parts[n + 1].start() if n + 1 < len(parts) else len(m["amounts"])
                reasons.append(m["amounts"][part.end() : end].strip() or "adjustment")
            else:
                amounts[label] = amounts.get(label, 0) + abs(value)
        if "discount" in amounts:
            reasons.insert(0, "discount")
        due, paid, credit = amounts.get("due"), amounts.get("paid"), amounts.get("credit note")
        if paid is None and credit is None:
            continue
        kept = (
            due - paid
            if due is not None and paid is not None and reasons
            else amounts.get("discount", 0) + adjusted
        )
        found.append(Remitted(normalise(m["number"]), due, paid, kept, tuple(reasons), credit))
    return tuple(found)


@dataclass(slots=True)
class TextEvidence:
    """What one transaction says, ready for lookups."""

    text: str
    references: list[tuple[str, str, bool]] = field(default_factory=list)  # value, kind, structured field?
    numbers: tuple[Candidate, ...] = ()
    amounts: list[int] = field(default_factory=list)  # minor units written in the text
    deduction_words: list[str] = field(default_factory=list)
    partial_words: list[str] = field(default_factory=list)
    advance_words: list[str] = field(default_factory=list)
    order_named: bool = False  # with the advance words, the order (or pro forma) paid for and its number
    non_customer: list[tuple[str, bool]] = field(default_factory=list)  # reason, hard?
    number_like: bool = False  # a word of the text looks like one of the book's invoice numbers
    customer_numbers: tuple[str, ...] = ()  # written as such ("Kd-Nr. 10023"), without leading zeros
    account_numbers: tuple[str, ...] = ()  # the payer's account number with us ("BILL REF 60335"), likewise
    lone_number: str = ""  # the only number of a text of words ("ACB CREDIT 50361"), likewise
    documents: tuple[Remitted, ...] = ()  # of a structured remittance, with the amount paid of each
    split_vat: int | None = None  # a Polish split payment's VAT part (minor units), paid to the VAT account
    # the public authority whose name (as the payer or in the text) is every reason in ``non_customer``: the
    # State's treasury pays its suppliers too (a French DRFIP, the US Treasury), so an invoice named in full
    # outweighs it
    authority: str = ""

    @property
    def is_hard_non_customer(self) -> bool:
        return any(hard for _, hard in self.non_customer)

    @property
    def is_soft_non_customer(self) -> bool:
        return bool(self.non_customer) and not self.is_hard_non_customer


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_DEDUCTION: Final = _words(
    """MINUS MOINS ABZUGLICH ABZUG ABGEZOGEN ABZUEGLICH RETENUE RETENU RETENUS DEDUCTION DEDUCTED DEDUIT DEDUITE
    DEDUCTIE AFTREK INHOUDING KORTING REMISE RABAIS RABATT NACHLASS SKONTO ESCOMPTE DISCOUNT DAMAGED DAMAGE
    ENDOMMAGE ENDOMMAGEE ENDOMMAGES ABIME BESCHADIGD BESCHADIGT BESCHAEDIGT DEFECT DEFECTIVE DEFEKT DEFECTUEUX
    PRICE PRIX PREIS PRIJS PREISDIFFERENZ PRIJSVERSCHIL DIFFERENCE DIFFERENTIAL ECART DISPUTE DISPUTED LITIGE
    CONTESTE CONTESTATION BETWIST STRITTIG REKLAMATION RECLAMATION CLAIM AVOIR CREDITNOTA GUTSCHRIFT CREDITNOTE
    MISSING MANQUANT MANQUANTE FEHLMENGE FEHLT ONTBREKEND SHORTAGE SHORT RETURNED MINDERUNG KURZUNG KUERZUNG
    VERREKEND VERRECHNET VERREKENING COMPENSATION COMPENSE GEKORT PENALTY PENALITE BOETE VERTRAGSSTRAFE
    LESS OFFSET CONTESTEE CONTESTES CONTESTEES VERMINDERD VERMINDERING BESCHADIGDE TEKORT MANQUANTS
    POTRACENIE POTRACENIA POTRACONO REKLAMACJA REKLAMACJI KARA UPUST RABAT SRAZKA SRAZENO REKLAMACE SLEVA POKUTA
    PENALE ZRAZKA REKLAMACIA ZLAVA KOTBER LEVONAS LEVONVA ENGEDMENY REKLAMACIO HIANY MINUSZ PENALITES PENALTIES
    PENALIDAD PENALIDADES PENALE PENALI DEDUITS DEDUITES RETENUES REFACTION REFACTIONS WHT WHVAT WITHHOLDING
    WITHHELD RETENTION RETENTIONS RETN"""
)
# the Construction Industry Scheme's deduction (UK): "LESS CIS", "NET OF CIS", "CIS DEDUCTED", "CIS 20%"
_CIS: Final = re.compile(
    r"\b(?:LESS|NET OF|MINUS|AFTER)\s+CIS\b|\bCIS\s?(?:DEDUCT[A-Z]*|WITHHELD|TAX|[0-9]{2}\s?(?:%|PC))"
)
# "RG 5 %": the retenue de garantie of French public and building contracts, written short with its rate
_RETENTION_RATE: Final = re.compile(r"\bRG\s?[0-9]{1,2}(?:[.,][0-9]{1,2})?\s?(?:%|POUR ?CENT)")
_PARTIAL: Final = _words(
    """ACOMPTE PARTIAL PARTIEL PARTIELLE PARTIELLEMENT TEILZAHLUNG ABSCHLAG ABSCHLAGSZAHLUNG TEILBETRAG
    DEELBETALING GEDEELTELIJK GEDEELTELIJKE INSTALLMENT INSTALMENT TRANCHE RATE ECHEANCE AFBETALING TERMIJN
    PART FIRST CZESCIOWA CZESCIOWY CZESCIOWE RATA PARZIALE ACCONTO PARCIAL PARCIALMENTE PARCELA DELBETALING
    DELBETALNING OSAMAKSU RESZLET CASTECNA CZESC CASTECNE CIASTOCNA RESZFIZETES SPLATKA"""
)
_ADVANCE: Final = _words(
    """ACOMPTE ADVANCE AVANCE VORAUSZAHLUNG ANZAHLUNG VOORSCHOT DEPOSIT PREPAYMENT PROFORMA VORKASSE ARRHES
    ANTICIPO ADIANTAMENTO ZALICZKA FORSKUD FORSKOTT ENNAKKO ENNAKKOMAKSU ZALOHA PRZEDPLATA PREDEM VOPRED ELOLEG
    DOWNPAYMENT"""
)
# the order an advance is paid for, with its number ("DEPOSIT ORDER 4571974", "ADIANTAMENTO PO4598632", "ANTICIPO
# PEDIDO 4586570", "Anzahlung Auftrag 2026-118", "ACOMPTE CDE 88412", "ADVANCE AGAINST PI-2026-045", a Gulf or East
# African buyer's local purchase order "ADVANCE AGAINST LPO 4540035")
_ORDER_NAMED: Final = re.compile(
    r"\b(?:(?:PURCHASE|SALES)\s+ORDER|ORDER|ORD|P\s?O|PEDIDO|ORDEM|ORDINE|COMMANDE|CDE|BESTELLUNG|AUFTRAG|AUFTRAGS"
    r"|BESTELLING|OPDRACHT|ZAMOWIENIE|ZAMOWIENIA|OBJEDNAVKA|MEGRENDELES|PROFORMA|PRO\s?FORMA|PI|LPO)"
    r"\s*(?:NO|NR|NUM|NUMBER|N|#)?[\s.:#-]*[A-Z]{0,3}[/-]?[0-9][0-9/-]{2,}[0-9]\b"
)
# "advance" cut short by Indian banks' narrations ("ADV PAYMENT ORDER 4590434"; a bare "ADV" is also an advice), and
# a down payment
_ADV_SHORT: Final = re.compile(
    r"\bADV\.?\s+(?:PAYMENT|PMT|PYMT|AGAINST|AGST|FOR\s+(?:ORDER|PO))\b|\bDOWN\s+(?:PAYMENT|PMT)\b"
)
# thanks in advance: courtesy, not an advance ("Merci d'avance", "d'avance merci", "thank you in advance")
_THANKS_IN_ADVANCE: Final = re.compile(
    r"\b(?:THANKS?|THANK\s+YOU|MERCI|REMERCIEMENTS?|EN\s+VOUS\s+REMERCIANT)(?:\s+(?:BEAUCOUP|MANY|VERY\s+MUCH))?"
    r"\s+(?:IN|D\W?|PAR)\s*(?:ADVANCE|AVANCE)\b|\bD\W?\s*AVANCE\s+MERCI\b"
)
# a US bank's own words for how a payment came in, not an advance: "LOCKBOX 7741 DEPOSIT", "REMOTE DEPOSIT",
# "DEPOSITED CHECK"
_BANK_DEPOSIT: Final = re.compile(
    r"\b(?:LOCKBOX|LBX|REMOTE|MOBILE|BRANCH|ATM|COUNTER|NIGHT|COMMERCIAL)(?:\s+[0-9]+)?\s+DEPOSIT\b"
    r"|\bDEPOSIT(?:ED)?\s+(?:CHECKS?|CHKS?|CHEQUES?|ITEMS?)\b"
)
# a French-speaking bank's own word for what was paid in: a cheque, a bill of exchange or cash deposited ("REMISE
# CHEQUE N 1234567", "REMISE LCN N 4567890", "REMISE ESPECES"), not a discount
_BANK_REMISE: Final = re.compile(
    r"\bREMISES?\s+(?:DE\s+|D\s)?(?:CHEQUES?|CHQS?|LCN|EFFETS?|ESPECES|VIREMENTS?)\b"
)
# a German bank's own word for a credit booked ("SEPA-Gutschrift", "Gutschr. Überweisung", the bare
# "Gutschrift" of an entry's additional information), not a credit note the payer deducted
_BANK_CREDIT: Final = re.compile(
    r"\bSEPA[- ]?(?:ECHTZEIT[- ]?)?GUTSCHR(?:IFT)?\b|\bU(?:E)?BERWEISUNGSGUTSCHR(?:IFT)?\b|\bECHTZEITGUTSCHR(?:IFT)?\b"
    r"|\bGUTSCHR(?:IFT)?\b\.?[ -]?(?:SEPA|U(?:E)?BERW(?:EISUNG)?|ECHTZEIT|EILUEBERWEISUNG)\b"
)
_BOOKING_ONLY: Final = re.compile(r"(?:SEPA[- ]?)?GUTSCHR(?:IFT)?\.?")
# who pays: payment service providers and card acquirers, tax authorities
_PSP: Final = (
    "STRIPE", "ADYEN", "PAYPAL", "MOLLIE", "SUMUP", "WORLDLINE", "BANCONTACT", "PAYCONIQ", "MASTERCARD",
    "MAESTRO", "AMERICAN EXPRESS", "AMEX", "KLARNA", "ZETTLE", "IZETTLE", "SQUARE", "INGENICO", "BUCKAROO",
    "MULTISAFEPAY", "NEXI", "ELAVON", "WORLDPAY", "GLOBAL PAYMENTS", "FIRST DATA", "SIX PAYMENT", "PAYPLUG",
    "LYRA", "SHOPIFY", "ETSY", "AMAZON PAYMENTS", "VISA",
)  # fmt: skip
_TAX: Final = (
    "SPF FINANCES", "FOD FINANCIEN", "FINANZAMT", "DGFIP", "DIRECTION GENERALE DES FINANCES", "HMRC",
    "BELASTINGDIENST", "TRESOR PUBLIC", "IMPOTS", "BUNDESZENTRALAMT", "AGENCIA TRIBUTARIA", "SKATTEVERKET",
    "ONSS", "RSZ", "URSSAF", "IRS TREAS", "US TREASURY", "FRANCHISE TAX BD", "NYS DTF", "CANADA REVENUE AGENCY",
)  # fmt: skip
_PSP_RE: Final = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in _PSP) + r")\b")
_TAX_RE: Final = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in _TAX) + r")\b")
# what the text says (soft evidence)
_NON_CUSTOMER_TEXT: Final = re.compile(
    r"\b(?:"
    r"INTEREST|INTERETS?(?: CREDITEURS?)?|HABENZINSEN|ZINSEN|ZINSGUTSCHRIFT|CREDITRENTE|RENTE"
    r"|CARD SETTLEMENT|CARTE BANCAIRE|REMISE CB|CB|TPE|PAYOUT|ACQUIRING|POS SETTLEMENT|KAARTBETALINGEN"
    r"|TAX REFUND|VAT REFUND|REMBOURSEMENT TVA|REMBOURSEMENT D IMPOT|TVA A RECUPERER|BTW TERUGGAVE|TERUGGAVE"
    r"|REMB(?:T)? (?:DE )?TVA|CREDIT (?:DE )?TVA|ZWROT (?:VAT|PODATKU)|VRACENI DPH|VRATENIE DPH"
    r"|AFA VISSZATERITES|ADO VISSZATERITES"
    r"|STEUERERSTATTUNG|EINKOMMENSTEUER|UMSATZSTEUER ERSTATTUNG"
    r"|TAX REF|TAXREF|RESTITUTION (?:DE )?(?:CREANCE|CREDIT|CIR|CII|IMPOT|TVA|TROP PERCU)|CREDIT D IMPOT|CREDIT IMPOT"
    r"|REFUND|REMBOURSEMENT|TERUGBETALING|RUCKERSTATTUNG|RUECKERSTATTUNG|ERSTATTUNG|REVERSAL|STORNO|RETOUR VIREMENT"
    r"|ACH RETURN|RETURN(?:ED)? ITEMS?|RUE?CKLASTSCHRIFT|LASTSCHRIFT ?RUE?CKGABE"
    r"|RETOURE (?:AC|AG|AM|BE|DT|ED|FF|MD|MS|RC|RR|SL)[0-9]{2}"
    r"|RUE?CKZAHLUNG|KAUTIONSRUE?CKZAHLUNG|RUE?CKGABE SICHERHEITSLEISTUNG|RESTITUTION (?:DE LA )?CAUTION"
    r"|SALARY|SALAIRE|PAYROLL|LOON|GEHALT|LOHN|WEDDE"
    r"|INTERCOMPANY|INTER COMPANY|INTRAGROUP|INTRA GROUP|CASH POOL|CASHPOOL|CASH POOLING|SWEEP|ZERO BALANCING"
    r"|OWN ACCOUNTS?|BETWEEN ACCOUNTS|EIGEN REKENING|VIREMENT INTERNE|INTERNE OVERBOEKING|UMBUCHUNG|UBERTRAG|COMPTE A COMPTE"
    r"|LOAN|PRET|LENING|DARLEHEN|KREDITAUSZAHLUNG|DRAWDOWN|MURABAHA|TAWARRUQ|IJARA"
    r"|(?:FACILITY|FINANCE|FINANCING) DISBURSEMENT|DIVIDEND|DIVIDENDE|SUBSIDY|SUBSIDIE|SUBVENTION|FORDERMITTEL"
    r"|INSURANCE|ASSURANCE|VERZEKERING|VERSICHERUNG|INDEMNITE|CASHBACK|BONUS"
    r")\b"
)
# bank transaction codes (ISO 20022 and SWIFT MT940) that are never a customer's payment
_HARD_DOMAINS: Final = frozenset({"ACMT", "CAMT", "LDAS", "SECU", "FORX", "XTND"})
_HARD_FAMILIES: Final = frozenset(
    {"CHRG", "INTR", "FEES", "MCRD", "CCRD", "ICDT", "ICHQ", "IRCT", "MDOP", "ACCB", "CAPL"}
)
_HARD_SUB_FAMILIES: Final = frozenset(
    {
        "INTR",
        "CHRG",
        "COMM",
        "FEES",
        "SALA",
        "PENS",
        "TAXE",
        "DVDE",
        "RIMB",
        "RRTN",
        "ADJT",
        "ARET",
        "RPCR",
        "POSP",
        "POSC",
        "SMRT",
        "CWDL",
        "BCKV",
        "ODFT",
        "SWEP",
        "TOPG",
        "ZABA",
    }
)
_HARD_PROPRIETARY: Final = frozenset(
    {"NINT", "NCHG", "NCOM", "NDIV", "NFEX", "NSEC", "NLDP", "NBOE", "NSAL", "NINTR"}
)
_CUSTOMER_FAMILIES: Final = frozenset({"RCDT", "RCHQ", "RDDT", "IDDT", "CNTR", "DRFT", "RRCT", "LBOX"})
# BAI2 detail credit type codes that are never a customer's payment: returns and reversals (ACH return items,
# reversal credits, returned checks, rejected credits), loans, zero-balance and sweep transfers, interest,
# securities, payroll, tax and loan credits, fee refunds (BAI2 type code list, 168–398)
_BAI2_NOT_PAYMENT: Final = frozenset(
    str(code)
    for code in (
        *(168, 171, 232, 233, 234, 235, 236, 238, 240, 242, 243, 244, 246, 248, 249, 252, 254, 255, 257, 258),
        *(261, 263, 266, 268, 274, 275, 276, 277, 278, 306, 308, 346, 347, 348, 349, 351, 354, 359, 364, 373),
        *(377, 378, 395, 398),
    )
)


# a customer number with its label ("Klantnr 13794", "Kd-Nr. 11516", "N° client 12345"): not an invoice number
_CUSTOMER_NUMBER: Final = re.compile(
    r"\b(?:KLANT(?:EN)?\s?(?:NR|NUMMER)|KUNDEN?\s?(?:NR|NUMMER)|KD\s?-?\s?NR|DEBITEUR\s?(?:NR|NUMMER)?"
    r"|(?:NO|NR|NUMERO|NUM)\.?\s?CLIENT|CLIENT\s?(?:NO|NR|NUMERO|NUMBER)?|CUSTOMER\s?(?:NO|NR|NUMBER|ID)?"
    r"|CUST(?:\s?(?:NO|ID|REF))?|CUST(?:OMER)?\s?(?:ACCT|ACCOUNT)(?:\s?(?:NO|NR|#))?|DEBTOR\s?(?:NO|NR|NUMBER)?"
    r"|DEBITOR(?:EN)?\s?-?\s?(?:NR|NUMMER)|HUURDER\s?(?:NR|NUMMER)|MIETER\s?-?\s?(?:NR|NUMMER)|LOCATAIRE"
    r"|TENANT\s?(?:NO|NR|NUMBER|ID)?)"
    r"\.?\s?[:#]?\s?([0-9]{3,12})(?![0-9]|[-/.][0-9])"
)
# the number of the payer's account with its supplier, as a paybill or a supplier asks for it: an M-Pesa C2B payment's
# "account" ("BILL REF 60335", "ACC: A/C 60351"), a South African payment reference ("ACC NO 50196"); the customer's
# number when one customer has it, and no invoice number's digits are taken from it
_ACCOUNT_NUMBER: Final = re.compile(
    r"\b(?:BILL\s?REF(?:ERENCE)?|PAYBILL\s?ACC(?:OUNT)?|ACC(?:OUNT)?|ACCT|A\s?/\s?C)\.?\s?(?:NO|NR|NUMBER|#)?\.?"
    r"\s?[:#]?\s?(?:A\s?/\s?C\.?\s?)?([0-9]{3,12})(?![0-9]|[-/.][0-9])"
)
# one number alone among words ("ACB CREDIT 50361", "50099 ZULULAND"): a customer's number when the bank gives no
# payer and the number is one customer's and no item's; not a cheque's, a receipt's or an invoice's
_LONE_NUMBER: Final = re.compile(r"(?<![0-9A-Z/.-])[0-9]{4,12}(?![0-9A-Z/.-])")
_LONE_NOT: Final = frozenset({
    "CHQ", "CHQS", "CHEQUE", "CHEQUES", "CHECK", "CHK", "RCPT", "RECEIPT", "UTR", "TRN", "SERIAL", "INV", "INVOICE",
    "INVOICES", "BILL", "FACT", "FACTURE", "FACTURA", "NF", "RECHNUNG", "FACTUUR", "ORDER", "PO", "LPO", "CONTRACT",
    "LOAN", "POLICY", "CLAIM", "CARD", "TERMINAL", "MID", "TID", "BATCH",
})  # fmt: skip
# an Australian BPAY customer reference number, which billers give each customer: its number, often with a check
# digit ("BPAY BILLER 254631 CRN 2004517 RCPT 482431775590")
# (a BPAY customer reference number written after its label, "CRN 1234567", "CRN: 123"; glued to its digits,
# "CRN0417" is a document's number: a credit note's)
_CRN: Final = re.compile(r"\bCRN(?:\.\s?|\s?[:#]\s?|\s)([0-9]{3,20})\b")
_DIGIT_RUNS: Final = re.compile(r"[0-9]+")
_PARCEL: Final = re.compile(
    r"\b(?:NF-?E?|NOTA FISCAL|DUPL(?:ICATA)?|FATURA|TITULO)\s?(?:N[O.]?\s?)?([0-9]{3,10})"
    r"\s?(?:-\s?)?PARC(?:ELA)?\.?\s?([0-9]{1,3})(?:\s?(?:/|DE)\s?[0-9]{1,3})?(?![0-9])"
)
# Fields a bank prints with a US payment that are no document's number: the ACH originator's company id,
# trace number, dates and class, Fedwire message ids, the lockbox and the check number; and a Mexican SPEI's
# tracking key (clave de rastreo, "RASTREO BANA0022026041357769754")
_BANK_FIELDS: Final = re.compile(
    r"\b(?:ORIG(?:INATOR)?\s?(?:CO\s?)?ID|CO\s?ID|COMPANY\s?ID|TRACE\s?(?:NO|NUMBER|#)?|IND\s?ID(?:\s?NO)?"
    r"|(?:CLAVE\s?(?:DE\s?)?|CVE\.?\s?)?RASTREO"
    r"|DESC\s?DATE|EFF(?:ECTIVE)?\s?DATE|SETTLE(?:MENT)?\s?DATE|EED|SEC|ENTRY\s?CLASS|IMAD|OMAD|LOCKBOX|LBX"
    r"|BATCH|SEQ|CHECK\s?(?:NO|NUMBER|#)?|CHK\s?(?:NO|#)?|CHEQUE\s?(?:NO|#)?|ABA|RTN|ROUTING(?:\s?NO)?)"
    r"\s?[:=#]?\s?[A-Z]*[0-9][A-Z0-9]*"
)


# Fields of a bank's structured text that give accounts, codes and names, not what is paid: MT940 :86: in the
# German layout, the transaction code before ?00 and the subfields ?00 (booking text), ?10 (primanota), ?30 to
# ?34 (the payer's bank code, account, name and the text key's supplement); in the Dutch layout, /IBAN/, /BIC/
# and /NAME/ (their values may run over the 65-character line)
_ACCOUNT_FIELDS: Final = re.compile(r"^\s*[0-9]{3}(?=\?00)|\?(?:00|10|3[0-4])[^?]*|/(?:IBAN|BIC|NAME)/[^/]*")
# an IBAN as banks and payers write it, in one word (checked before it is left out)
_IBAN_WORD: Final = re.compile(r"\b[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}\b")


# a UUID (RFC 9562) in hex groups of 8, 4, 4, 4 and 12, the last maybe cut where the field ended: a Mexican CFDI's
# folio fiscal in a SPEI concepto, a payment platform's end-to-end id. No invoice number of a book, whatever
# fragments of it look like one ("E4A4-4914" is no invoice A-4914)
_UUID: Final = re.compile(
    r"(?<![0-9A-Z])[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}(?:-[0-9A-F]{0,12})?(?![0-9A-Z])"
)


def without_uuids(text: str) -> str:
    """``text`` less its UUIDs (upper case, as folded).

    >>> without_uuids("CFDI CF3AB3F5-5118-465A-9BB3-CF668832987 REF 1")
    'CFDI   REF 1'
    >>> without_uuids("INV-2026-0042-0001")
    'INV-2026-0042-0001'
    """
    return _UUID.sub(" ", text) if "-" in text else text


def without_accounts(text: str) -> str:
    """``text`` less what names accounts rather than invoices: the account and name fields of a bank's
    structured text and any valid IBAN (the payer's own account, which its bank repeats; a number found in it
    is no invoice number).

    >>> without_accounts("166?00GUTSCHRIFT?20SVWZ+Rate 2?30BYLADEM1001?31DE68120300006067173533?32Jutta Muller")
    '  ?20SVWZ+Rate 2   '
    >>> without_accounts("/EREF/NOTPROVIDED/IBAN/NL07RABO00143\\n21882/BIC/RABONL2U/REMI/USTD//Huur/")
    '/EREF/NOTPROVIDED  /REMI/USTD//Huur/'
    >>> without_accounts("NL07RABO0014321882 INV-2026-0042")
    '  INV-2026-0042'
    """
    if "?" in text or "/" in text:
        text = _ACCOUNT_FIELDS.sub(" ", text)
    return _IBAN_WORD.sub(_not_an_iban, text) if any(c.isdigit() for c in text) else text


def _not_an_iban(match: re.Match[str]) -> str:
    word = match.group()
    return " " if stdnum_iban.is_valid(word) else word


def transaction_text(tx: CreditTransaction) -> str:
    """The free text of a transaction: its remittance lines and additional information."""
    parts = [*tx.remittance_lines, *((tx.additional_info,) if tx.additional_info else ())]
    return " ".join(p for p in parts if p)


# Widths at which banks cut remittance text into lines (SWIFT's 35, MT940 :86:'s 65, ISO 20022's 140): a line
# that fills one may end in the middle of a word or a number ("... déduction 2" + "32,58 avoir attendu")
_LINE_WIDTHS: Final = frozenset({35, 65, 140})


def _numbers_text(lines: tuple[str, ...]) -> str | None:
    """The remittance as numbers and amounts are read from it, when a bank's cut changed it: words a full line
    cut in two put back together in place ("RE-2026-3809" + "3, RE-2026-38326": "RE-2026-38093, RE-2026-38326",
    so that "RE-2026-3809" is not read as a number of its own), and the last word of a text cut at 140
    characters left out when it ends in a digit ("… RE-2026-37088 RE-2026-373": not invoice RE-2026-00373).
    None when nothing was cut.
    """
    parts: list[str] = []
    glued = False
    for i, line in enumerate(lines):
        before = lines[i - 1] if i else ""
        if (
            i
            and len(before) in _LINE_WIDTHS
            and (
                (line[:1].isalnum() and before[-1:].isalnum())
                or (before[-1:] in ",." and before[-2:-1].isdigit() and line[:1].isdigit())
                or (line[:1] in ",." and line[1:2].isdigit() and before[-1:].isdigit())
            )
        ):  # a word, a number or an amount ("230," + "00", "53" + ",50") cut in two
            parts.append(line)
            glued = True
        else:
            parts.extend((" ", line) if i else (line,))
    text = "".join(parts).rstrip()
    if 135 <= len(text) <= 140 and text[-1:].isdigit() and " " in text:
        head, last = text.rsplit(" ", 1)
        # a list written without spaces ("INV/2025/03935/INV/2025/03994/…/INV/2026/0029"): only its last number
        # was cut, before the letters it begins with, else at its last separator
        joined = sum(map(last.count, "/,;")) >= 3 and (_LIST_CUT.match(last) or _LIST_CUT_DIGITS.match(last))
        return f"{head} {joined.group(1)}" if joined else head
    return text if glued else None


_LIST_CUT: Final = re.compile(r"(.*[0-9].*?)[/,;](?=[A-Z])")
_LIST_CUT_DIGITS: Final = re.compile(r"(.*[0-9])[/,;]")


def _words_cut_at_line_ends(lines: tuple[str, ...]) -> str:
    """The words a full line cut in two, put back together ("2" + "32,58": "232,58"; "53" + ",50": "53,50"),
    space separated."""
    glued = [
        a.rsplit(" ", 1)[-1] + b.split(" ", 1)[0]
        for a, b in pairwise(lines)
        if len(a) in _LINE_WIDTHS
        and a[-1:].isalnum()
        and (b[:1].isalnum() or (b[:1] in ",." and b[1:2].isdigit() and a[-1:].isdigit()))
    ]
    return " ".join(glued)


# Payables networks pay suppliers on behalf of many companies: the account and name of the credit are the
# network's, the company paying is named in the text ("PMX*48218391873*GATEWAY BEVERAGE HOLDINGS INC",
# "SEQUOIA OFFICE SOLUTIONS BILL.COM 0167… INV 318476", "NVP 653… FROM CASCADE RESTAURANT GROUP INC")
_NETWORK_RE: Final = re.compile(
    r"\b(?:BILL ?\.? ?COM|PAYMODE(?: ?-? ?X)?|AVID ?XCHANGE|AVIDPAY|NVOICEPAY|CORPAY|TIPALTI|MINERAL ?TREE"
    r"|BOTTOMLINE|PAYABLES NETWORK)\b"
)
# the Gulf's exchange houses (and the money-transfer companies) pay suppliers for their walk-in customers, as a
# network does for its members: their account and name say nothing of the customer; "B/O" (by order of) or the
# ultimate debtor does
_EXCHANGE_HOUSE_RE: Final = re.compile(
    r"\b(?:(?:AL ?ANSARI|REDHA AL ?ANSARI|UAE|LULU(?: INTERNATIONAL)?|AL ?FARDAN|WALL STREET|AL ?ROSTAMANI"
    r"(?: INTERNATIONAL)?|GCC|ORIENT|AL ?GHURAIR|JOYALUKKAS|SHARAF|AL ?ZAMAN|AL ?MULLA|AL ?DAHAB|BAHRAIN FINANCING"
    r"|TRAVELEX) EXCHANGE(?: CENTRE| CENTER| COMPANY| CO| HOUSE)?|WESTERN UNION|MONEYGRAM|TAHWEEL AL ?RAJHI|ENJAZ"
    r"|INSTANT CASH)(?: (?:LLC|L ?L ?C|WLL|W ?L ?L|CO|COMPANY|LTD))?\b"
)
# cut the text into the runs of words that may name a company: at numbers, separators and labels
_NAME_CUT: Final = re.compile(r"[*|/;:=,()\[\]]|[^\s*|/;:=,()\[\]]*\d[^\s*|/;:=,()\[\]]*")
_NOT_NAME_WORDS: Final = frozenset({
    "INV", "INVS", "INVOICE", "INVOICES", "NO", "NR", "NUM", "FROM", "FOR", "BY", "PMT", "PMNT", "PAYMNT",
    "PAYMENT", "PAYMENTS", "PAYABLES", "REF", "ID", "ACH", "CCD", "CTX", "PPD", "PMX", "NVP", "VENDOR",
    "SUPPLIER", "REMIT", "REMITTANCE", "ADVICE", "CREDIT", "DEBIT", "RECEIVED", "ORIG", "CO", "NAME", "DESCR",
    "ENTRY", "DESC", "DATE", "SEC", "TRACE", "IND", "EED", "ADDENDA", "AND", "PO", "B", "O", "BO", "IFO",
    "BEHALF", "ON", "INWARD", "UAEFTS",
})  # fmt: skip


def network_payer_names(tx: CreditTransaction) -> tuple[str, ...] | None:
    """The names a payables network's credit gives of the company it pays for; None when not a network's.

    >>> network_payer_names(CreditTransaction("t", Decimal("1"), "USD", date(2026, 3, 2), counterparty_name="PAYMODE-X",
    ...     remittance_lines=("PMX*48218391873*GATEWAY BEVERAGE HOLDINGS INC",)))
    ('GATEWAY BEVERAGE HOLDINGS INC',)
    >>> network_payer_names(CreditTransaction("t", Decimal("1"), "USD", date(2026, 3, 2), counterparty_name="ACME",
    ...     remittance_lines=("INV 42",))) is None
    True
    """
    payer = fold(tx.counterparty_name or "")
    if payer and not _NETWORK_RE.search(payer) and not _EXCHANGE_HOUSE_RE.search(payer):
        return None  # most credits: a payer that is no network, the text not read
    text = fold(transaction_text(tx))
    if not payer and not _NETWORK_RE.search(text) and not _EXCHANGE_HOUSE_RE.search(text):
        return None
    return _name_runs(_EXCHANGE_HOUSE_RE.sub(" ", _NETWORK_RE.sub(" ", text)), _NOT_NAME_WORDS)


def exchange_house(tx: CreditTransaction) -> str:
    """The exchange house (or money-transfer company) that paid, as the payer or the text names it; ``""``.

    >>> exchange_house(CreditTransaction("t", Decimal("1"), "AED", date(2026, 4, 2),
    ...     counterparty_name="AL ANSARI EXCHANGE LLC", remittance_lines=("B/O HORIZON SANITARY WARE TRADING",)))
    'AL ANSARI EXCHANGE LLC'
    """
    found = _EXCHANGE_HOUSE_RE.search(fold(tx.counterparty_name or "")) or _EXCHANGE_HOUSE_RE.search(
        fold(transaction_text(tx))
    )
    return found.group(0) if found else ""


def _name_runs(text: str, not_names: frozenset[str]) -> tuple[str, ...]:
    """The first six runs of words of a folded ``text`` between numbers, punctuation and ``not_names`` that hold
    four letters or more."""
    names: list[str] = []
    for chunk in _NAME_CUT.split(text):
        run: list[str] = []
        for word in [*chunk.split(), ""]:
            if word and word not in not_names:
                run.append(word)
                continue
            name = " ".join(run)
            if sum(c.isalpha() for c in name) >= 4 and name not in names:
                names.append(name)
            run = []
    return tuple(names[:6])


# words of a remittance text that are no part of a name (a public accountant's mandate and bordereau, an
# invoice or payment word)
_TEXT_NOT_NAME: Final = _NOT_NAME_WORDS | frozenset({
    "MANDAT", "MDT", "BORD", "BORDEREAU", "BDX", "EX", "EXERCICE", "FACTURE", "FACTURES", "FACT", "FAC", "VIR",
    "VIREMENT", "PAIEMENT", "REGLEMENT", "DP", "EJ", "ENG", "N", "DU", "AU", "ET", "SIRET", "CHORUS", "RECHNUNG",
    "ZAHLUNG", "FACTUUR", "BETALING", "OUR", "YOUR", "SEPA",
})  # fmt: skip


def names_in_text(tx: CreditTransaction) -> tuple[str, ...]:
    """Runs of words of the remittance text that may be a name ("COMMUNE DE BRON MDT 1234 BDX 56" gives
    "COMMUNE DE BRON"): what a payer paying for others writes of the one it pays for."""
    return _name_runs(fold(" ".join(tx.remittance_lines)), _TEXT_NOT_NAME)


def _end_to_end(tx: CreditTransaction) -> str:
    e2e = (tx.end_to_end_id or "").strip()
    if (
        not e2e
        or e2e.upper() in ("NOTPROVIDED", "NOT PROVIDED", "NONREF", "NONE")
        or _UUID.fullmatch(e2e.upper())
    ):
        return ""
    return e2e


_SPLIT_PAYMENT: Final = re.compile(r"/VAT/\s?([0-9][0-9 .]{0,15}[.,][0-9]{2})\s?/\s?IDC/")
# the currency written before an amount: its ISO code or sign ("EUR", "$", "KSHS", "DHS"), or glued to it the
# naira's "N" and the rand's "R" ("LESS WHT 5 PCT N100,927.05"), which count only with decimals
_CURRENCY_BEFORE: Final = (
    "EUR", "USD", "GBP", "CHF", "€", "$", "NGN", "KES", "KSHS", "KSH", "ZAR", "AED", "DHS", "DH", "SAR", "SR",
    "EGP", "LE", "MAD", "INR", "RS", "GHS", "UGX", "TZS",
)  # fmt: skip
_AMOUNT_IN_TEXT: Final = re.compile(
    r"(?<![0-9A-Z])(?:((?:"
    + "|".join(re.escape(c) for c in _CURRENCY_BEFORE)
    + r")\.?\s?)|(?:N|R)(?=[0-9]))?-?"
    # 1,234.56 or 1.234,56
    r"([0-9]{1,3}(?:,[0-9]{3})+(?=\.[0-9]{2}(?![0-9]))|[0-9]{1,3}(?:[.' ][0-9]{3})+|[0-9]+)"
    r"(?:([.,])([0-9]{2}))?(?![0-9])(\s?(?:EUR|USD|GBP|CHF|€|\$|PLN|ZL|CZK|KC|HUF|FT)(?![A-Z]))?"
)


def _lone_number(lines: tuple[str, ...], day: int) -> str:
    """The one number of a remittance otherwise of words (:data:`_LONE_NUMBER`), without leading zeros; ``""``
    when there are none, several, a word says it is another kind of number, or it is a year or a date near
    ``day`` (an ordinal).

    >>> day = date(2026, 4, 15).toordinal()
    >>> _lone_number(("ACB CREDIT 050361",), day), _lone_number(("50099 ZULULAND",), day)
    ('50361', '50099')
    >>> _lone_number(("CHQ DEP 004567",), day), _lone_number(("RENT APRIL 2026",), day), _lone_number(("PAYMENT 150426",), day)
    ('', '', '')
    """
    text = fold(" ".join(lines))
    found: list[str] = _LONE_NUMBER.findall(text)
    if len(found) != 1:
        return ""
    number = found[0]
    if (len(number) == 4 and number[:2] in ("19", "20")) or is_date_near(number, day):
        return ""
    words = text.replace(":", " ").replace(",", " ").split()
    if any(not (w.isalpha() or w == number) or w in _LONE_NOT for w in words):
        return ""
    return number.lstrip("0")


def _amounts(folded: str, currency: str) -> list[int]:
    """Amounts written with decimals or a currency sign, in minor units."""
    exp = minor_unit(currency)
    found: list[int] = []
    for match in _AMOUNT_IN_TEXT.finditer(folded):
        before, whole, _, decimals, suffix = match.groups()
        has_currency = bool(before or suffix)
        if decimals is None and not has_currency:
            continue
        try:
            value = Decimal(re.sub(r"[.' ,]", "", whole) + ("." + decimals if decimals else ""))
        except InvalidOperation:
            continue
        found.append(int(value.scaleb(exp)))
    return found


def _code_reason(code: TransactionCode | None) -> str | None:
    if code is None:
        return None
    if code.domain and code.domain.upper() in _HARD_DOMAINS:
        return f"bank transaction code domain {code.domain}"
    if code.family and code.family.upper() in _HARD_FAMILIES:
        return f"bank transaction code family {code.family}"
    if (
        code.sub_family
        and code.sub_family.upper() in _HARD_SUB_FAMILIES
        and not (
            code.family and code.family.upper() in _CUSTOMER_FAMILIES and code.sub_family.upper() in ("ADJT",)
        )
    ):
        return f"bank transaction code sub-family {code.sub_family}"
    if code.proprietary:
        proprietary = code.proprietary.upper().strip()
        if proprietary in _HARD_PROPRIETARY or proprietary.split("/")[0] in _HARD_PROPRIETARY:
            return f"bank transaction code {code.proprietary}"
        if proprietary in _BAI2_NOT_PAYMENT:
            return f"BAI2 type code {proprietary}"
    return None


_ANY_WORD: Final = _DEDUCTION | _PARTIAL | _ADVANCE
_INSTALMENT: Final = re.compile(
    r"(?<![0-9])[1-9]\s?/\s?[2-9](?![0-9])\s*(?:TRANCHE|RATE|TERMIJN|ECHEANCE|INSTAL)"
)


@lru_cache(maxsize=64)
def _own_accounts(ibans: tuple[str, ...]) -> frozenset[str]:
    return frozenset(compact_iban(i) for i in ibans)


@lru_cache(maxsize=64)
def _folded_names(names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((name, fold(name)) for name in names)


def is_date_near(digits: str, day: int) -> bool:
    """Whether six or eight digits read as a date (DDMMYY, YYMMDD, DDMMYYYY, YYYYMMDD) within a year of ``day``."""
    n = len(digits)
    if n == 6:
        readings = ((2000 + int(digits[4:]), int(digits[2:4]), int(digits[:2])),
                    (2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:])))  # fmt: skip
    elif n == 8:
        readings = ((int(digits[4:]), int(digits[2:4]), int(digits[:2])),
                    (int(digits[:4]), int(digits[4:6]), int(digits[6:])))  # fmt: skip
    else:
        return False
    for year, month, dd in readings:
        try:
            if abs(date(year, month, dd).toordinal() - day) <= 400:
                return True
        except ValueError:
            continue
    return False


def _shaped_like(key: str, prefixes: frozenset[str], day: int) -> bool:
    letters = key.rstrip("0123456789")
    # "DATE120326" ends in a prefix ("E") and digits, but those are a date
    return letters in prefixes and len(key) - len(letters) >= 4 and not is_date_near(key[len(letters) :], day)


def read_transaction(
    tx: CreditTransaction, settings: MatchSettings, *, prefixes: frozenset[str] = frozenset()
) -> TextEvidence:
    """Everything the engine needs from a transaction's text and fields.

    ``prefixes``: the letters invoice numbers of the book begin with, to find
    them glued to a word before ("FACTUREINV2026...").
    """
    text = transaction_text(tx)
    rejoined = _words_cut_at_line_ends(tx.remittance_lines) if len(tx.remittance_lines) > 1 else ""
    folded = fold(f"{text} {rejoined}" if rejoined else text)
    evidence = TextEvidence(text=text)

    # structured references: the bank's fields first, then valid ones typed in the text
    seen: set[str] = set()
    for ref in tx.creditor_references:
        value = normalise(ref.value)
        if value and value not in seen:
            seen.add(value)
            kind = ref.kind
            if kind not in ("RF", "BE_OGM"):
                if is_valid_rf(value):
                    kind = "RF"
                elif is_valid_ogm(value):
                    kind = "BE_OGM"
            evidence.references.append((value, kind, True))
            short = value.lstrip("0")
            if short != value and len(short) >= 4 and value.isdigit() and short not in seen:
                seen.add(short)  # padded with zeros by the payer's bank (a Finnish reference to 20 digits)
                evidence.references.append((short, kind, True))
    if "RF" in folded:
        for value in find_rfs(folded):
            if value not in seen:
                seen.add(value)
                evidence.references.append((value, "RF", False))
    digits = sum(map(folded.count, "0123456789"))  # folded text is ASCII
    if digits >= 12:
        for value in find_ogms(folded):
            if value not in seen:
                seen.add(value)
                evidence.references.append((value, "BE_OGM", False))
    if digits >= 27:  # a Swiss QR reference typed in its six groups
        for value in find_qrrs(folded):
            if value not in seen:
                seen.add(value)
                evidence.references.append((value, "QRR", False))

    lines = tx.remittance_lines
    if " paid " in text or " credit note " in text:
        evidence.documents = remitted_documents(lines, tx.currency)
        # the numbers of a structured remittance's documents, without their amounts (a list of forty documents
        # with three amounts each would fill the candidates with keys of amounts before its last numbers)
        lines = tuple(_without_amounts(line) for line in lines)
    cut = _numbers_text(lines) if lines else None
    info = without_accounts(tx.additional_info) if tx.additional_info else ""
    if cut is None:
        cut = " ".join(p for p in (*lines, rejoined) if p)
    numbered = without_uuids(without_accounts(fold(f"{cut} {info}" if info else cut)))
    numbers = list(candidates(_BANK_FIELDS.sub(" ", numbered), prefixes=prefixes))
    customer_numbers = set(_CUSTOMER_NUMBER.findall(folded))
    crns = [r.value for r in tx.creditor_references if r.kind == "CRN" and r.value.isdigit()]
    if "CRN" in folded:
        crns.extend(_CRN.findall(folded))
    for crn in crns:
        customer_numbers.add(crn)
        if len(crn) >= 4 and luhn.is_valid(crn):
            customer_numbers.add(crn[:-1])  # the customer's number and its check digit (MOD10V01)
    if customer_numbers:
        numbers = [c for c in numbers if customer_numbers.isdisjoint(_DIGIT_RUNS.findall(c.key))]
        evidence.customer_numbers = tuple(sorted({n.lstrip("0") for n in customer_numbers} - {""}))
    if "AC" in folded or "/C" in folded or "BILL" in folded:
        accounts = {n.lstrip("0") for n in _ACCOUNT_NUMBER.findall(folded)} - {""}
        evidence.account_numbers = tuple(sorted(accounts - set(evidence.customer_numbers)))
    evidence.lone_number = _lone_number(tx.remittance_lines, tx.effective_date.toordinal())
    padded = [
        c for c in numbers if len(c.key) >= 7 and c.key[0] == "0" and c.origin == "plain" and c.key.isdigit()
    ]
    if padded:
        # accounts-payable systems pad numbers to a fixed width ("RMR*IV*000320760" for invoice 320760): a run of
        # seven digits or more written as one, not a date or numbers joined ("03/2026"), keeps five without zeros
        known = {c.key for c in numbers}
        runs = set(_DIGIT_RUNS.findall(folded))
        for c in padded:
            short = c.key.lstrip("0")
            if len(short) >= 5 and short not in known and c.key in runs:
                known.add(short)
                numbers.append(Candidate(short, c.origin, c.group))
    if "PARC" in numbered:
        # a Brazilian invoice's instalment (duplicata) named in words, "NF 13301 PARCELA 2", "NF 13301 PARC 2/3":
        # the number the ledger writes "13301/2"
        known = {c.key for c in numbers}
        group = max((c.group for c in numbers), default=0)
        for found in _PARCEL.finditer(numbered):
            key = found.group(1) + found.group(2)
            if key not in known:
                known.add(key)
                group += 1
                numbers.append(Candidate(key, "plain", group))
    e2e = _end_to_end(tx)
    if e2e:
        # the payer's own end-to-end id sometimes carries the invoice number; exact keys only
        known = {c.key for c in numbers}
        numbers.extend(Candidate(c.key, "e2e", -1) for c in candidates(fold(e2e)) if c.key not in known)
    evidence.numbers = tuple(numbers)
    if prefixes:
        day = tx.effective_date.toordinal()
        evidence.number_like = any(
            c.origin == "plain" and _shaped_like(c.key, prefixes, day) for c in numbers if c.group >= 0
        )
    if (
        lines is not tx.remittance_lines
    ):  # the amounts of a structured remittance's documents count as written
        whole = _numbers_text(tx.remittance_lines) or " ".join(
            p for p in (*tx.remittance_lines, rejoined) if p
        )
        numbered = without_uuids(without_accounts(fold(f"{whole} {info}" if info else whole)))
    evidence.amounts = _amounts(numbered, tx.currency)
    if "/VAT/" in folded and (split := _SPLIT_PAYMENT.search(folded)):
        # the Polish split payment (mechanizm podzielonej płatności): "/VAT/367,97/IDC/…/INV/FV …/TXT/…". The
        # payer's bank pays the VAT to the seller's VAT account and the rest to this one, so each credit is a
        # part of the invoice, not the invoice less a deduction of the VAT
        vat = _amounts(split.group(1), tx.currency)
        if vat:
            evidence.split_vat = vat[0]
            evidence.amounts = [a for a in evidence.amounts if a != vat[0]]
            evidence.partial_words.append("MPP")
    worded = folded
    if tx.additional_info and _BOOKING_ONLY.fullmatch(fold(tx.additional_info).strip()):
        worded = fold(" ".join([*tx.remittance_lines, rejoined]))  # the bank's booking text alone
    if "DEPOSIT" in worded:
        worded = _BANK_DEPOSIT.sub(" ", worded)
    if "REMISE" in worded:
        worded = _BANK_REMISE.sub(" ", worded)
    if "VANCE" in worded:
        worded = _THANKS_IN_ADVANCE.sub(" ", worded)
    if "GUTSCHR" in worded:
        worded = _BANK_CREDIT.sub(" ", worded)
    if tx.counterparty_name:
        # the payer's own name written in the narrative ("FROM: KHAN & PRICE ELECT") says nothing of a price
        worded = worded.replace(fold(tx.counterparty_name), " ")
    words = worded.replace("'", " ").replace(".", " ").replace(",", " ").replace("+", " ").split()
    for word in words:
        if word in _ANY_WORD:
            if word in _DEDUCTION:
                evidence.deduction_words.append(word)
            if word in _PARTIAL:
                evidence.partial_words.append(word)
            if word in _ADVANCE:
                evidence.advance_words.append(word)
    if _ADV_SHORT.search(worded):
        evidence.advance_words.append("ADV")
    if evidence.advance_words and _ORDER_NAMED.search(worded):
        evidence.order_named = True
    if _INSTALMENT.search(folded):
        evidence.partial_words.append("n/m")
    if "RG" in folded and _RETENTION_RATE.search(folded):  # a retenue de garantie ("RG 5 % 216.00 EUR")
        evidence.deduction_words.append("RG")
    if "CIS" in folded and _CIS.search(folded):
        evidence.deduction_words.append("CIS")

    # not a customer payment?
    reason = _code_reason(tx.bank_transaction_code)
    if reason:
        evidence.non_customer.append((reason, True))
    if tx.return_reason is not None:
        # money coming back (a payment returned, a direct debit reversed): never a customer paying an invoice
        why = f" ({tx.return_reason})" if tx.return_reason else ""
        evidence.non_customer.append((f"the bank books it as a return or reversal{why}", True))
    account = compact_iban(tx.counterparty_account or "")
    if account and account in _own_accounts(settings.own_ibans):
        evidence.non_customer.append(("from one of the entity's own accounts", True))
    payer = fold(" ".join(p for p in (tx.counterparty_name, tx.ultimate_debtor) if p))
    authorities: list[str] = []
    if payer:
        psp = _PSP_RE.search(payer)
        if psp:
            evidence.non_customer.append((f"payer is a payment service provider ({psp.group(0)})", True))
        tax = _TAX_RE.search(payer)
        if tax:
            evidence.non_customer.append(
                (f"payer is a tax or social security authority ({tax.group(0)})", True)
            )
            authorities.append(tax.group(0))
        for group_name, folded_name in _folded_names(settings.group_names):
            if folded_name and folded_name in payer:
                evidence.non_customer.append((f"payer is a group company ({group_name})", True))
    text_hit = (
        _NON_CUSTOMER_TEXT.search(folded)
        or (numbered is not folded and _NON_CUSTOMER_TEXT.search(numbered))  # words a line cut, whole
        or _PSP_RE.search(folded)
        or _TAX_RE.search(folded)
    )
    if text_hit:
        evidence.non_customer.append((f"text says {text_hit.group(0)}", False))
        if _TAX_RE.fullmatch(text_hit.group(0)):
            authorities.append(text_hit.group(0))
    if authorities and len(authorities) == len(evidence.non_customer):
        evidence.authority = authorities[0]
    return evidence
