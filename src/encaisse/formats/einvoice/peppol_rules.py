"""Peppol BIS Billing 3.0 rules for UBL, in Python, each under its official id and message.

OpenPeppol publishes these rules as Schematron (``PEPPOL-EN16931-UBL.sch``) but
not on PyPI; this module implements them on the lxml tree, following the
Schematron's tests (release 3.0.19 severities): the transaction rules
``PEPPOL-EN16931-R…``, the identifier checks ``PEPPOL-COMMON-R…``, the code
lists ``PEPPOL-EN16931-CL…``/``P01…``/``F001`` and the national rules of Norway,
Denmark, Italy, Sweden and the Netherlands. Not implemented: the Greek
(``GR-…``) and Icelandic (``IS-…``) rules.

:func:`check` returns :class:`~encaisse.formats.einvoice.validation.Finding`
records of layer ``peppol``.

>>> is_gln("5790000435975"), is_gln("5790000435976")
(True, False)
>>> is_swedish_orgnr("5560360793"), is_norwegian_orgnr("974760673")
(True, True)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Final

from lxml import etree

if TYPE_CHECKING:
    from encaisse.formats.einvoice.validation import Finding

__all__ = [
    "RULES",
    "check",
    "is_belgian_enterprise_number",
    "is_gln",
    "is_norwegian_orgnr",
    "is_swedish_orgnr",
]

_CAC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}"
_CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
_INVOICE = "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice"
_CREDIT_NOTE = "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote"

# The official messages, by rule id, with the severity of release 3.0.19.
RULES: Final[dict[str, tuple[str, str]]] = {
    "PEPPOL-EN16931-R001": ("fatal", "Business process MUST be provided."),
    "PEPPOL-EN16931-R002": ("fatal", "No more than one note is allowed on document level, unless both the buyer and seller are German organizations."),
    "PEPPOL-EN16931-R003": ("fatal", "A buyer reference or purchase order reference MUST be provided."),
    "PEPPOL-EN16931-R004": ("fatal", "Specification identifier MUST have the value 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0'."),
    "PEPPOL-EN16931-R005": ("fatal", "VAT accounting currency code MUST be different from invoice currency code when provided."),
    "PEPPOL-EN16931-R006": ("fatal", "Only one invoiced object is allowed on document level"),
    "PEPPOL-EN16931-R007": ("fatal", "Business process MUST be in the format 'urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0' where NN indicates the process number."),
    "PEPPOL-EN16931-R008": ("fatal", "Document MUST not contain empty elements."),
    "PEPPOL-EN16931-R010": ("fatal", "Buyer electronic address MUST be provided"),
    "PEPPOL-EN16931-R020": ("fatal", "Seller electronic address MUST be provided"),
    "PEPPOL-EN16931-R040": ("fatal", "Allowance/charge amount must equal base amount * percentage/100 if base amount and percentage exists"),
    "PEPPOL-EN16931-R041": ("fatal", "Allowance/charge base amount MUST be provided when allowance/charge percentage is provided."),
    "PEPPOL-EN16931-R042": ("fatal", "Allowance/charge percentage MUST be provided when allowance/charge base amount is provided."),
    "PEPPOL-EN16931-R043": ("fatal", "Allowance/charge ChargeIndicator value MUST equal 'true' or 'false'"),
    "PEPPOL-EN16931-R044": ("fatal", "Charge on price level is NOT allowed. Only value 'false' allowed."),
    "PEPPOL-EN16931-R046": ("fatal", "Item net price MUST equal (Gross price - Allowance amount) when gross price is provided."),
    "PEPPOL-EN16931-R051": ("fatal", "All currencyID attributes must have the same value as the invoice currency code (BT-5), except for the invoice total VAT amount in accounting currency (BT-111)."),
    "PEPPOL-EN16931-R053": ("fatal", "Only one tax total with tax subtotals MUST be provided."),
    "PEPPOL-EN16931-R054": ("fatal", "Only one tax total without tax subtotals MUST be provided when tax currency code is provided."),
    "PEPPOL-EN16931-R055": ("fatal", "Invoice total VAT amount and Invoice total VAT amount in accounting currency MUST have the same operational sign"),
    "PEPPOL-EN16931-R061": ("fatal", "Mandate reference MUST be provided for direct debit."),
    "PEPPOL-EN16931-R080": ("fatal", "Only one project reference is allowed on document level"),
    "PEPPOL-EN16931-R100": ("fatal", "Only one invoiced object is allowed pr line"),
    "PEPPOL-EN16931-R101": ("fatal", "Element Document reference can only be used for Invoice line object"),
    "PEPPOL-EN16931-R110": ("fatal", "Start date of line period MUST be within invoice period."),
    "PEPPOL-EN16931-R111": ("fatal", "End date of line period MUST be within invoice period."),
    "PEPPOL-EN16931-R120": ("fatal", "Invoice line net amount MUST equal (Invoiced quantity * (Item net price/item price base quantity) + Sum of invoice line charge amount - sum of invoice line allowance amount"),
    "PEPPOL-EN16931-R121": ("fatal", "Base quantity MUST be a positive number above zero."),
    "PEPPOL-EN16931-R130": ("fatal", "Unit code of price base quantity MUST be same as invoiced quantity."),
    "PEPPOL-COMMON-R040": ("fatal", "GLN must have a valid format according to GS1 rules."),
    "PEPPOL-COMMON-R041": ("fatal", "Norwegian organization number MUST be stated in the correct format."),
    "PEPPOL-COMMON-R042": ("fatal", "Danish organization number (CVR) MUST be stated in the correct format."),
    "PEPPOL-COMMON-R043": ("fatal", "Belgian enterprise number MUST be stated in the correct format."),
    "PEPPOL-COMMON-R044": ("warning", "IPA Code (Codice Univoco Unità Organizzativa) must be stated in the correct format"),
    "PEPPOL-COMMON-R049": ("fatal", "Swedish organization number MUST be stated in the correct format."),
    "PEPPOL-COMMON-R050": ("fatal", "Australian Business Number (ABN) MUST be stated in the correct format."),
    "PEPPOL-EN16931-CL001": ("fatal", "Mime code must be according to subset of IANA code list."),
    "PEPPOL-EN16931-CL002": ("fatal", "Reason code MUST be according to subset of UNCL 5189 D.16B."),
    "PEPPOL-EN16931-CL003": ("fatal", "Reason code MUST be according to UNCL 7161 D.16B."),
    "PEPPOL-EN16931-CL006": ("fatal", "Invoice period description code must be according to UNCL 2005 D.16B."),
    "PEPPOL-EN16931-CL007": ("fatal", "Currency code must be according to ISO 4217:2005"),
    "PEPPOL-EN16931-CL008": ("fatal", 'Electronic address identifier scheme must be from the codelist "Electronic Address Identifier Scheme"'),
    "PEPPOL-EN16931-P0100": ("fatal", "Invoice type code MUST be set according to the profile."),
    "PEPPOL-EN16931-P0101": ("fatal", "Credit note type code MUST be set according to the profile."),
    "PEPPOL-EN16931-P0104": ("fatal", "Tax Category G MUST be used when exemption reason code is VATEX-EU-G"),
    "PEPPOL-EN16931-P0105": ("fatal", "Tax Category O MUST be used when exemption reason code is VATEX-EU-O"),
    "PEPPOL-EN16931-P0106": ("fatal", "Tax Category K MUST be used when exemption reason code is VATEX-EU-IC"),
    "PEPPOL-EN16931-P0107": ("fatal", "Tax Category AE MUST be used when exemption reason code is VATEX-EU-AE"),
    "PEPPOL-EN16931-P0108": ("fatal", "Tax Category E MUST be used when exemption reason code is VATEX-EU-D"),
    "PEPPOL-EN16931-P0109": ("fatal", "Tax Category E MUST be used when exemption reason code is VATEX-EU-F"),
    "PEPPOL-EN16931-P0110": ("fatal", "Tax Category E MUST be used when exemption reason code is VATEX-EU-I"),
    "PEPPOL-EN16931-P0111": ("fatal", "Tax Category E MUST be used when exemption reason code is VATEX-EU-J"),
    "PEPPOL-EN16931-F001": ("fatal", "A date MUST be formatted YYYY-MM-DD."),
    "NO-R-001": ("fatal", "For Norwegian suppliers, a VAT number MUST be the country code prefix NO followed by a valid Norwegian organization number (nine numbers) followed by the letters MVA."),
    "NO-R-002": ("warning", 'For Norwegian suppliers, most invoice issuers are required to append "Foretaksregisteret" to their invoice. "Dersom selger er aksjeselskap, allmennaksjeselskap eller filial av utenlandsk selskap skal også ordet «Foretaksregisteret» fremgå av salgsdokumentet, jf. foretaksregisterloven § 10-2."'),
    "DK-R-002": ("fatal", "Danish suppliers MUST provide legal entity (CVR-number)"),
    "DK-R-003": ("warning", "If ItemClassification is provided from Danish suppliers, UNSPSC version 19.0501 should be used."),
    "DK-R-004": ("fatal", 'When specifying non-VAT Taxes for Danish customers, Danish suppliers MUST use the AllowanceChargeReasonCode="ZZZ" and the 4-digit Tax category MUST be specified in AllowanceChargeReason'),
    "DK-R-005": ("fatal", "For Danish suppliers the following Payment means codes are allowed: 1, 10, 31, 42, 48, 49, 50, 58, 59, 93 and 97"),
    "DK-R-006": ("fatal", "For Danish suppliers bank account and registration account is mandatory if payment means is 31 or 42"),
    "DK-R-007": ("fatal", "For Danish suppliers PaymentMandate/ID and PayerFinancialAccount/ID are mandatory when payment means is 49"),
    "DK-R-013": ("fatal", "For Danish Suppliers it is mandatory to use schemeID when PartyIdentification/ID is used for AccountingCustomerParty or AccountingSupplierParty"),
    "DK-R-014": ("fatal", 'For Danish Suppliers it is mandatory to specify schemeID as "0184" (DK CVR-number) when PartyLegalEntity/CompanyID is used for AccountingSupplierParty'),
    "DK-R-016": ("fatal", "For Danish Suppliers, a Credit note cannot have a negative total (PayableAmount)"),
    "IT-R-001": ("fatal", "[IT-R-001] BT-32 (Seller tax registration identifier) - For Italian suppliers BT-32 minimum length 11 and maximum length shall be 16.  Per i fornitori italiani il BT-32 deve avere una lunghezza tra 11 e 16 caratteri"),
    "IT-R-002": ("fatal", "[IT-R-002] BT-35 (Seller address line 1) - Italian suppliers MUST provide the postal address line 1 - I fornitori italiani devono indicare l'indirizzo postale."),
    "IT-R-003": ("fatal", "[IT-R-003] BT-37 (Seller city) - Italian suppliers MUST provide the postal address city - I fornitori italiani devono indicare la città di residenza."),
    "IT-R-004": ("fatal", "[IT-R-004] BT-38 (Seller post code) - Italian suppliers MUST provide the postal address post code - I fornitori italiani devono indicare il CAP di residenza."),
    "SE-R-001": ("fatal", "For Swedish suppliers, Swedish VAT-numbers must consist of 14 characters."),
    "SE-R-002": ("fatal", "For Swedish suppliers, the Swedish VAT-numbers must have the trailing 12 characters in numeric form"),
    "SE-R-003": ("warning", "Swedish organisation numbers should be numeric."),
    "SE-R-004": ("warning", "Swedish organisation numbers consist of 10 characters."),
    "SE-R-005": ("fatal", "For Swedish suppliers, when using Seller tax registration identifier, 'Godkänd för F-skatt' must be stated"),
    "SE-R-006": ("fatal", "For Swedish suppliers, only standard VAT rate of 6, 12 or 25 are used"),
    "SE-R-013": ("fatal", "The last digit of a Swedish organization number must be valid according to the Luhn algorithm."),
    "NL-R-001": ("fatal", "[NL-R-001] For suppliers in the Netherlands, if the document is a creditnote, the document MUST contain an invoice reference (cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID)"),
    "NL-R-002": ("fatal", "[NL-R-002] For suppliers in the Netherlands the supplier's address (cac:AccountingSupplierParty/cac:Party/cac:PostalAddress) MUST contain street name (cbc:StreetName), city (cbc:CityName) and post code (cbc:PostalZone)"),
    "NL-R-003": ("fatal", "[NL-R-003] For suppliers in the Netherlands, the legal entity identifier MUST be either a KVK or OIN number (schemeID 0106 or 0190)"),
    "NL-R-004": ("fatal", "[NL-R-004] For suppliers in the Netherlands, if the customer is in the Netherlands, the customer address (cac:AccountingCustomerParty/cac:Party/cac:PostalAddress) MUST contain the street name (cbc:StreetName), the city (cbc:CityName) and post code (cbc:PostalZone)"),
    "NL-R-005": ("fatal", "[NL-R-005] For suppliers in the Netherlands, if the customer is in the Netherlands, the customer's legal entity identifier MUST be either a KVK or OIN number (schemeID 0106 or 0190)"),
    "NL-R-007": ("fatal", "[NL-R-007] For suppliers in the Netherlands, the supplier MUST provide a means of payment (cac:PaymentMeans) if the payment is from customer to supplier"),
    "NL-R-008": ("fatal", "[NL-R-008] For suppliers in the Netherlands, the payment means code (cac:PaymentMeans/cbc:PaymentMeansCode) MUST be one of 30, 48, 49, 57, 58 or 59"),
    "NL-R-009": ("fatal", "[NL-R-009] For suppliers in the Netherlands, if an order line reference (cac:OrderLineReference/cbc:LineID) is used, there must be an order reference on the document level (cac:OrderReference/cbc:ID)"),
}  # fmt: skip

_ISO3166: Final = frozenset(
    [
        "AD",
        "AE",
        "AF",
        "AG",
        "AI",
        "AL",
        "AM",
        "AO",
        "AQ",
        "AR",
        "AS",
        "AT",
        "AU",
        "AW",
        "AX",
        "AZ",
        "BA",
        "BB",
        "BD",
        "BE",
        "BF",
        "BG",
        "BH",
        "BI",
        "BJ",
        "BL",
        "BM",
        "BN",
        "BO",
        "BQ",
        "BR",
        "BS",
        "BT",
        "BV",
        "BW",
        "BY",
        "BZ",
        "CA",
        "CC",
        "CD",
        "CF",
        "CG",
        "CH",
        "CI",
        "CK",
        "CL",
        "CM",
        "CN",
        "CO",
        "CR",
        "CU",
        "CV",
        "CW",
        "CX",
        "CY",
        "CZ",
        "DE",
        "DJ",
        "DK",
        "DM",
        "DO",
        "DZ",
        "EC",
        "EE",
        "EG",
        "EH",
        "ER",
        "ES",
        "ET",
        "FI",
        "FJ",
        "FK",
        "FM",
        "FO",
        "FR",
        "GA",
        "GB",
        "GD",
        "GE",
        "GF",
        "GG",
        "GH",
        "GI",
        "GL",
        "GM",
        "GN",
        "GP",
        "GQ",
        "GR",
        "GS",
        "GT",
        "GU",
        "GW",
        "GY",
        "HK",
        "HM",
        "HN",
        "HR",
        "HT",
        "HU",
        "ID",
        "IE",
        "IL",
        "IM",
        "IN",
        "IO",
        "IQ",
        "IR",
        "IS",
        "IT",
        "JE",
        "JM",
        "JO",
        "JP",
        "KE",
        "KG",
        "KH",
        "KI",
        "KM",
        "KN",
        "KP",
        "KR",
        "KW",
        "KY",
        "KZ",
        "LA",
        "LB",
        "LC",
        "LI",
        "LK",
        "LR",
        "LS",
        "LT",
        "LU",
        "LV",
        "LY",
        "MA",
        "MC",
        "MD",
        "ME",
        "MF",
        "MG",
        "MH",
        "MK",
        "ML",
        "MM",
        "MN",
        "MO",
        "MP",
        "MQ",
        "MR",
        "MS",
        "MT",
        "MU",
        "MV",
        "MW",
        "MX",
        "MY",
        "MZ",
        "NA",
        "NC",
        "NE",
        "NF",
        "NG",
        "NI",
        "NL",
        "NO",
        "NP",
        "NR",
        "NU",
        "NZ",
        "OM",
        "PA",
        "PE",
        "PF",
        "PG",
        "PH",
        "PK",
        "PL",
        "PM",
        "PN",
        "PR",
        "PS",
        "PT",
        "PW",
        "PY",
        "QA",
        "RE",
        "RO",
        "RS",
        "RU",
        "RW",
        "SA",
        "SB",
        "SC",
        "SD",
        "SE",
        "SG",
        "SH",
        "SI",
        "SJ",
        "SK",
        "SL",
        "SM",
        "SN",
        "SO",
        "SR",
        "SS",
        "ST",
        "SV",
        "SX",
        "SY",
        "SZ",
        "TC",
        "TD",
        "TF",
        "TG",
        "TH",
        "TJ",
        "TK",
        "TL",
        "TM",
        "TN",
        "TO",
        "TR",
        "TT",
        "TV",
        "TW",
        "TZ",
        "UA",
        "UG",
        "UM",
        "US",
        "UY",
        "UZ",
        "VA",
        "VC",
        "VE",
        "VG",
        "VI",
        "VN",
        "VU",
        "WF",
        "WS",
        "YE",
        "YT",
        "ZA",
        "ZM",
        "ZW",
        "1A",
        "XI",
    ]
)
_ISO4217: Final = frozenset(
    [
        "AED",
        "AFN",
        "ALL",
        "AMD",
        "ANG",
        "AOA",
        "ARS",
        "AUD",
        "AWG",
        "AZN",
        "BAM",
        "BBD",
        "BDT",
        "BGN",
        "BHD",
        "BIF",
        "BMD",
        "BND",
        "BOB",
        "BOV",
        "BRL",
        "BSD",
        "BTN",
        "BWP",
        "BYN",
        "BZD",
        "CAD",
        "CDF",
        "CHE",
        "CHF",
        "CHW",
        "CLF",
        "CLP",
        "CNY",
        "COP",
        "COU",
        "CRC",
        "CUC",
        "CUP",
        "CVE",
        "CZK",
        "DJF",
        "DKK",
        "DOP",
        "DZD",
        "EGP",
        "ERN",
        "ETB",
        "EUR",
        "FJD",
        "FKP",
        "GBP",
        "GEL",
        "GHS",
        "GIP",
        "GMD",
        "GNF",
        "GTQ",
        "GYD",
        "HKD",
        "HNL",
        "HRK",
        "HTG",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "IQD",
        "IRR",
        "ISK",
        "JMD",
        "JOD",
        "JPY",
        "KES",
        "KGS",
        "KHR",
        "KMF",
        "KPW",
        "KRW",
        "KWD",
        "KYD",
        "KZT",
        "LAK",
        "LBP",
        "LKR",
        "LRD",
        "LSL",
        "LYD",
        "MAD",
        "MDL",
        "MGA",
        "MKD",
        "MMK",
        "MNT",
        "MOP",
        "MRO",
        "MRU",
        "MUR",
        "MVR",
        "MWK",
        "MXN",
        "MXV",
        "MYR",
        "MZN",
        "NAD",
        "NGN",
        "NIO",
        "NOK",
        "NPR",
        "NZD",
        "OMR",
        "PAB",
        "PEN",
        "PGK",
        "PHP",
        "PKR",
        "PLN",
        "PYG",
        "QAR",
        "RON",
        "RSD",
        "RUB",
        "RWF",
        "SAR",
        "SBD",
        "SCR",
        "SDG",
        "SEK",
        "SGD",
        "SHP",
        "SLE",
        "SLL",
        "SOS",
        "SRD",
        "SSP",
        "STN",
        "SVC",
        "SYP",
        "SZL",
        "THB",
        "TJS",
        "TMT",
        "TND",
        "TOP",
        "TRY",
        "TTD",
        "TWD",
        "TZS",
        "UAH",
        "UGX",
        "USD",
        "USN",
        "UYI",
        "UYU",
        "UYW",
        "UZS",
        "VED",
        "VEF",
        "VES",
        "VND",
        "VUV",
        "WST",
        "XAF",
        "XAG",
        "XAU",
        "XBA",
        "XBB",
        "XBC",
        "XBD",
        "XCD",
        "XCG",
        "XDR",
        "XOF",
        "XPD",
        "XPF",
        "XPT",
        "XSU",
        "XTS",
        "XUA",
        "XXX",
        "YER",
        "ZAR",
        "ZMW",
        "ZWG",
        "ZWL",
    ]
)
_MIMECODE: Final = frozenset(
    [
        "application/pdf",
        "image/png",
        "image/jpeg",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.spreadsheet",
    ]
)
_UNCL2005: Final = frozenset(["3", "35", "432"])
_UNCL5189: Final = frozenset(
    [
        "41",
        "42",
        "60",
        "62",
        "63",
        "64",
        "65",
        "66",
        "67",
        "68",
        "70",
        "71",
        "88",
        "95",
        "100",
        "102",
        "103",
        "104",
        "105",
    ]
)
_UNCL7161: Final = frozenset(
    [
        "AA",
        "AAA",
        "AAC",
        "AAD",
        "AAE",
        "AAF",
        "AAH",
        "AAI",
        "AAS",
        "AAT",
        "AAV",
        "AAY",
        "AAZ",
        "ABA",
        "ABB",
        "ABC",
        "ABD",
        "ABF",
        "ABK",
        "ABL",
        "ABN",
        "ABR",
        "ABS",
        "ABT",
        "ABU",
        "ACF",
        "ACG",
        "ACH",
        "ACI",
        "ACJ",
        "ACK",
        "ACL",
        "ACM",
        "ACS",
        "ADC",
        "ADE",
        "ADJ",
        "ADK",
        "ADL",
        "ADM",
        "ADN",
        "ADO",
        "ADP",
        "ADQ",
        "ADR",
        "ADT",
        "ADW",
        "ADY",
        "ADZ",
        "AEA",
        "AEB",
        "AEC",
        "AED",
        "AEF",
        "AEH",
        "AEI",
        "AEJ",
        "AEK",
        "AEL",
        "AEM",
        "AEN",
        "AEO",
        "AEP",
        "AES",
        "AET",
        "AEU",
        "AEV",
        "AEW",
        "AEX",
        "AEY",
        "AEZ",
        "AJ",
        "AU",
        "CA",
        "CAB",
        "CAD",
        "CAE",
        "CAF",
        "CAI",
        "CAJ",
        "CAK",
        "CAL",
        "CAM",
        "CAN",
        "CAO",
        "CAP",
        "CAQ",
        "CAR",
        "CAS",
        "CAT",
        "CAU",
        "CAV",
        "CAW",
        "CAX",
        "CAY",
        "CAZ",
        "CD",
        "CG",
        "CS",
        "CT",
        "DAB",
        "DAC",
        "DAD",
        "DAF",
        "DAG",
        "DAH",
        "DAI",
        "DAJ",
        "DAK",
        "DAL",
        "DAM",
        "DAN",
        "DAO",
        "DAP",
        "DAQ",
        "DL",
        "EG",
        "EP",
        "ER",
        "FAA",
        "FAB",
        "FAC",
        "FC",
        "FH",
        "FI",
        "GAA",
        "HAA",
        "HD",
        "HH",
        "IAA",
        "IAB",
        "ID",
        "IF",
        "IR",
        "IS",
        "KO",
        "L1",
        "LA",
        "LAA",
        "LAB",
        "LF",
        "MAE",
        "MI",
        "ML",
        "NAA",
        "OA",
        "PA",
        "PAA",
        "PC",
        "PL",
        "RAB",
        "RAC",
        "RAD",
        "RAF",
        "RE",
        "RF",
        "RH",
        "RV",
        "SA",
        "SAA",
        "SAD",
        "SAE",
        "SAI",
        "SG",
        "SH",
        "SM",
        "SU",
        "TAB",
        "TAC",
        "TT",
        "TV",
        "V1",
        "V2",
        "WH",
        "XAA",
        "YY",
        "ZZZ",
    ]
)
# Electronic Address Scheme code list (Peppol EAS).
_EAS: Final = frozenset(
    [
        "0002",
        "0007",
        "0009",
        "0037",
        "0060",
        "0088",
        "0096",
        "0097",
        "0106",
        "0130",
        "0135",
        "0142",
        "0147",
        "0151",
        "0154",
        "0158",
        "0170",
        "0177",
        "0183",
        "0184",
        "0188",
        "0190",
        "0191",
        "0192",
        "0193",
        "0194",
        "0195",
        "0196",
        "0198",
        "0199",
        "0200",
        "0201",
        "0202",
        "0203",
        "0204",
        "0205",
        "0208",
        "0209",
        "0210",
        "0211",
        "0212",
        "0213",
        "0215",
        "0216",
        "0217",
        "0218",
        "0221",
        "0225",
        "0230",
        "0235",
        "0240",
        "9901",
        "9910",
        "9913",
        "9914",
        "9915",
        "9918",
        "9919",
        "9920",
        "9922",
        "9923",
        "9924",
        "9925",
        "9926",
        "9927",
        "9928",
        "9929",
        "9930",
        "9931",
        "9932",
        "9933",
        "9934",
        "9935",
        "9936",
        "9937",
        "9938",
        "9939",
        "9940",
        "9941",
        "9942",
        "9943",
        "9944",
        "9945",
        "9946",
        "9947",
        "9948",
        "9949",
        "9950",
        "9951",
        "9952",
        "9953",
        "9957",
        "9959",
    ]
)
_P0100_CODES: Final = frozenset(
    [
        "71",
        "80",
        "82",
        "84",
        "102",
        "218",
        "219",
        "331",
        "380",
        "382",
        "383",
        "384",
        "386",
        "388",
        "393",
        "395",
        "553",
        "575",
        "623",
        "780",
        "817",
        "870",
        "875",
        "876",
        "877",
    ]
)
_P0101_CODES: Final = frozenset(["381", "396", "81", "83", "532"])
_VATEX_CATEGORY: Final = {
    "VATEX-EU-G": ("G", "PEPPOL-EN16931-P0104"),
    "VATEX-EU-O": ("O", "PEPPOL-EN16931-P0105"),
    "VATEX-EU-IC": ("K", "PEPPOL-EN16931-P0106"),
    "VATEX-EU-AE": ("AE", "PEPPOL-EN16931-P0107"),
    "VATEX-EU-D": ("E", "PEPPOL-EN16931-P0108"),
    "VATEX-EU-F": ("E", "PEPPOL-EN16931-P0109"),
    "VATEX-EU-I": ("E", "PEPPOL-EN16931-P0110"),
    "VATEX-EU-J": ("E", "PEPPOL-EN16931-P0111"),
}
_PROFILE = re.compile(r"urn:fdc:peppol\.eu:2017:poacc:billing:([0-9]{2}):1\.0")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --- identifier checks (the Schematron's u:… functions) ---------------------


def is_gln(value: str) -> bool:
    """GS1 check digit (u:gln): weights 3,1,3… from the right, excluding the check digit."""
    if not value.isdigit() or len(value) < 2:
        return False
    digits = [int(c) for c in reversed(value[:-1])]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(digits))
    return (10 - total % 10) % 10 == int(value[-1])


def _mod11(value: str) -> bool:
    """u:mod11: weights 2..7 repeating from the right; the value must be positive."""
    if not value.isdigit() or int(value) <= 0:
        return False
    digits = [int(c) for c in reversed(value[:-1])]
    total = sum(d * ((i % 6) + 2) for i, d in enumerate(digits))
    return (11 - total % 11) % 11 == int(value[-1])


def is_norwegian_orgnr(value: str) -> bool:
    return bool(re.fullmatch(r"[0-9]{9}", value)) and _mod11(value)


def is_belgian_enterprise_number(value: str) -> bool:
    """u:mod97-0208: ten digits, the last two are 97 − (first eight mod 97)."""
    return bool(re.fullmatch(r"[0-9]{10}", value)) and int(value[8:]) == 97 - int(value[:8]) % 97


def _luhn_check_digit_ok(number: str) -> bool:
    """u:checkSEOrgnr: Luhn over the first nine digits gives the tenth."""
    if not re.fullmatch(r"\d+", number):
        return False
    main, check = number[:9], number[9:10]
    total = 0
    for pos in range(1, len(main) + 1):
        digit = int(main[len(main) - pos])
        total += (digit * 2) % 10 + (digit * 2) // 10 if pos % 2 == 1 else digit
    return check.isdigit() and (10 - total % 10) % 10 == int(check)


def is_swedish_orgnr(value: str) -> bool:
    return len(value) == 10 and value.isdigit() and _luhn_check_digit_ok(value)


def _is_abn(value: str) -> bool:
    if not re.fullmatch(r"[0-9]{11}", value):
        return False
    weights = (10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19)
    digits = [int(c) for c in value]
    digits[0] -= 1
    return sum(d * w for d, w in zip(digits, weights, strict=True)) % 89 == 0


def _is_codice_ipa(value: str) -> bool:
    return len(value) == 6 and value.isascii() and value.isalnum()


# --- the checks --------------------------------------------------------------


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


def _dec(text: str | None) -> Decimal | None:
    try:
        value = Decimal(_norm(text))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _xpath(el: etree._Element) -> str:
    from encaisse.formats.einvoice.xmlcodec import element_path

    return element_path(el)


@dataclass
class _Context:
    root: etree._Element
    findings: list[Finding]

    def fail(self, rule_id: str, el: etree._Element) -> None:
        from encaisse.formats.einvoice.validation import Finding

        severity, message = RULES[rule_id]
        self.findings.append(Finding(rule_id, severity, _xpath(el), message, "peppol"))  # type: ignore[arg-type]

    def assert_(self, condition: bool, rule_id: str, el: etree._Element) -> None:
        if not condition:
            self.fail(rule_id, el)


def _find(el: etree._Element | None, path: str) -> etree._Element | None:
    return None if el is None else el.find(path)


def _text(el: etree._Element | None, path: str) -> str:
    found = _find(el, path)
    return _norm(found.text) if found is not None else ""


def _all(el: etree._Element, path: str) -> list[etree._Element]:
    return list(el.iterfind(path))


def _p(path: str) -> str:
    return "/".join(_CAC + s[4:] if s.startswith("cac:") else _CBC + s[4:] for s in path.split("/"))


def _vat_company_id(party: etree._Element | None) -> str | None:
    """CompanyID of the party's VAT PartyTaxScheme (the Schematron's [cac:TaxScheme/cbc:ID = 'VAT'])."""
    if party is None:
        return None
    for scheme in party.iterfind(_p("cac:PartyTaxScheme")):
        if (_find(scheme, _p("cac:TaxScheme/cbc:ID")) is not None) and _text(
            scheme, _p("cac:TaxScheme/cbc:ID")
        ) == "VAT":
            company = _find(scheme, _p("cbc:CompanyID"))
            if company is not None:
                return company.text or ""
    return None


def _document_rules(c: _Context, profile: str, supplier_country: str, customer_country: str) -> None:
    root = c.root
    c.assert_(root.find(_p("cbc:ProfileID")) is not None, "PEPPOL-EN16931-R001", root)
    c.assert_(profile != "Unknown", "PEPPOL-EN16931-R007", root)
    c.assert_(len(_all(root, _p("cbc:Note"))) <= 1 or (supplier_country == "DE" and customer_country == "DE"),
              "PEPPOL-EN16931-R002", root)  # fmt: skip
    c.assert_(root.find(_p("cbc:BuyerReference")) is not None or root.find(_p("cac:OrderReference/cbc:ID")) is not None,
              "PEPPOL-EN16931-R003", root)  # fmt: skip
    customization = root.find(_p("cbc:CustomizationID"))
    c.assert_(
        customization is not None
        and _norm(customization.text).startswith(
            "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
        ),
        "PEPPOL-EN16931-R004",
        root,
    )
    tax_totals = _all(root, _p("cac:TaxTotal"))
    with_sub = [t for t in tax_totals if t.find(_p("cac:TaxSubtotal")) is not None]
    without_sub = [t for t in tax_totals if t.find(_p("cac:TaxSubtotal")) is None]
    tax_currency = root.find(_p("cbc:TaxCurrencyCode"))
    c.assert_(len(with_sub) == 1, "PEPPOL-EN16931-R053", root)
    c.assert_(len(without_sub) == (1 if tax_currency is not None else 0), "PEPPOL-EN16931-R054", root)
    if tax_currency is not None:
        doc_currency = _text(root, _p("cbc:DocumentCurrencyCode"))
        amounts = [a for t in tax_totals for a in t.iterfind(_p("cbc:TaxAmount"))]
        in_tax = [_dec(a.text) for a in amounts if a.get("currencyID") == _norm(tax_currency.text)]
        in_doc = [_dec(a.text) for a in amounts if a.get("currencyID") == doc_currency]
        # XPath general comparison: true when some value satisfies it.
        le = any(v is not None and v <= 0 for v in in_tax) and any(v is not None and v <= 0 for v in in_doc)
        ge = any(v is not None and v >= 0 for v in in_tax) and any(v is not None and v >= 0 for v in in_doc)
        c.assert_(le or ge, "PEPPOL-EN16931-R055", root)
        c.assert_(_norm(tax_currency.text) != doc_currency, "PEPPOL-EN16931-R005", tax_currency)
    references = _all(root, _p("cac:AdditionalDocumentReference"))
    if root.tag == _INVOICE:
        c.assert_(
            sum(_text(r, _p("cbc:DocumentTypeCode")) == "130" for r in references) <= 1,
            "PEPPOL-EN16931-R006",
            root,
        )
    c.assert_(
        sum(_text(r, _p("cbc:DocumentTypeCode")) == "50" for r in references) <= 1,
        "PEPPOL-EN16931-R080",
        root,
    )


def _party_rules(c: _Context) -> None:
    for party in c.root.iterfind(_p("cac:AccountingCustomerParty/cac:Party")):
        c.assert_(party.find(_p("cbc:EndpointID")) is not None, "PEPPOL-EN16931-R010", party)
    for party in c.root.iterfind(_p("cac:AccountingSupplierParty/cac:Party")):
        c.assert_(party.find(_p("cbc:EndpointID")) is not None, "PEPPOL-EN16931-R020", party)


def _allowance_rules(c: _Context) -> None:
    line_tag = "cac:InvoiceLine" if c.root.tag == _INVOICE else "cac:CreditNoteLine"
    allowances = _all(c.root, _p("cac:AllowanceCharge")) + _all(c.root, _p(f"{line_tag}/cac:AllowanceCharge"))
    for ac in allowances:
        factor = ac.find(_p("cbc:MultiplierFactorNumeric"))
        base = ac.find(_p("cbc:BaseAmount"))
        if factor is not None and base is None:
            c.fail("PEPPOL-EN16931-R041", ac)
        if factor is None and base is not None:
            c.fail("PEPPOL-EN16931-R042", ac)
        if factor is not None and base is not None:
            amount = (
                _dec(_text(ac, _p("cbc:Amount"))) if ac.find(_p("cbc:Amount")) is not None else Decimal(0)
            )
            b, f = _dec(base.text), _dec(factor.text)
            ok = (
                amount is not None
                and b is not None
                and f is not None
                and abs(amount - b * f / 100) <= Decimal("0.02")
            )
            c.assert_(ok, "PEPPOL-EN16931-R040", ac)
        indicator = _text(ac, _p("cbc:ChargeIndicator"))
        c.assert_(indicator in ("true", "false"), "PEPPOL-EN16931-R043", ac)


def _payment_rules(c: _Context) -> None:
    for pm in c.root.iter(_CAC + "PaymentMeans"):
        if _text(pm, _p("cbc:PaymentMeansCode")) in ("49", "59"):
            c.assert_(pm.find(_p("cac:PaymentMandate/cbc:ID")) is not None, "PEPPOL-EN16931-R061", pm)


_CURRENCY_ELEMENTS: Final = frozenset(
    _CBC + name
    for name in (
        "Amount",
        "BaseAmount",
        "PriceAmount",
        "TaxableAmount",
        "LineExtensionAmount",
        "TaxExclusiveAmount",
        "TaxInclusiveAmount",
        "AllowanceTotalAmount",
        "ChargeTotalAmount",
        "PrepaidAmount",
        "PayableRoundingAmount",
        "PayableAmount",
    )
)


def _currency_rules(c: _Context) -> None:
    doc_currency = c.root.find(_p("cbc:DocumentCurrencyCode"))
    doc_value = doc_currency.text if doc_currency is not None else None
    for el in c.root.iter(*_CURRENCY_ELEMENTS, _CBC + "TaxAmount"):
        currency = el.get("currencyID")
        if el.tag == _CBC + "TaxAmount":
            parent = el.getparent()
            in_r051 = (
                parent is not None
                and parent.tag == _CAC + "TaxTotal"
                and parent.find(_p("cac:TaxSubtotal")) is not None
            )
        else:
            in_r051 = True
        if in_r051:
            c.assert_(currency is not None and currency == doc_value, "PEPPOL-EN16931-R051", el)
        c.assert_(currency in _ISO4217, "PEPPOL-EN16931-CL007", el)


def _line_rules(c: _Context) -> None:
    credit = c.root.tag == _CREDIT_NOTE
    line_tag = "cac:CreditNoteLine" if credit else "cac:InvoiceLine"
    period = c.root.find(_p("cac:InvoicePeriod"))
    doc_start = _find(period, _p("cbc:StartDate"))
    doc_end = _find(period, _p("cbc:EndDate"))
    for line in c.root.iterfind(_p(line_tag)):
        amount = (
            _dec(_text(line, _p("cbc:LineExtensionAmount")))
            if line.find(_p("cbc:LineExtensionAmount")) is not None
            else Decimal(0)
        )
        quantity_el = line.find(_p("cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity"))
        quantity = _dec(quantity_el.text) if quantity_el is not None else Decimal(1)
        price_el = line.find(_p("cac:Price/cbc:PriceAmount"))
        price = _dec(price_el.text) if price_el is not None else Decimal(0)
        base_el = line.find(_p("cac:Price/cbc:BaseQuantity"))
        base = _dec(base_el.text) if base_el is not None else None
        if base is None or base == 0:
            base = Decimal(1)
        allowances = [_dec(_text(a, _p("cbc:Amount"))) for a in line.iterfind(_p("cac:AllowanceCharge"))
                      if _text(a, _p("cbc:ChargeIndicator")) == "false"]  # fmt: skip
        charges = [_dec(_text(a, _p("cbc:Amount"))) for a in line.iterfind(_p("cac:AllowanceCharge"))
                   if _text(a, _p("cbc:ChargeIndicator")) == "true"]  # fmt: skip
        if amount is None or quantity is None or price is None or None in allowances or None in charges:
            c.fail("PEPPOL-EN16931-R120", line)
        else:
            expected = quantity * (price / base) + _xpath_round2(charges) - _xpath_round2(allowances)
            c.assert_(abs(amount - expected) <= Decimal("0.02"), "PEPPOL-EN16931-R120", line)
        if base_el is not None:
            value = _dec(base_el.text)
            c.assert_(value is not None and value > 0, "PEPPOL-EN16931-R121", line)
        refs = _all(line, _p("cac:DocumentReference"))
        c.assert_(len(refs) <= 1, "PEPPOL-EN16931-R100", line)
        c.assert_(
            not refs or any(_text(r, _p("cbc:DocumentTypeCode")) == "130" for r in refs),
            "PEPPOL-EN16931-R101",
            line,
        )
        for start in line.iterfind(_p("cac:InvoicePeriod/cbc:StartDate")):
            if doc_start is not None:
                c.assert_(_date_le(doc_start.text, start.text), "PEPPOL-EN16931-R110", start)
        for end in line.iterfind(_p("cac:InvoicePeriod/cbc:EndDate")):
            if doc_end is not None:
                c.assert_(_date_le(end.text, doc_end.text), "PEPPOL-EN16931-R111", end)
        for pac in line.iterfind(_p("cac:Price/cac:AllowanceCharge")):
            c.assert_(_text(pac, _p("cbc:ChargeIndicator")) == "false", "PEPPOL-EN16931-R044", pac)
            if pac.find(_p("cbc:BaseAmount")) is not None:
                net = _dec(price_el.text) if price_el is not None else None
                gross, discount = _dec(_text(pac, _p("cbc:BaseAmount"))), _dec(_text(pac, _p("cbc:Amount")))
                c.assert_(net is not None and gross is not None and discount is not None and net == gross - discount,
                          "PEPPOL-EN16931-R046", pac)  # fmt: skip
        if base_el is not None and base_el.get("unitCode") is not None and quantity_el is not None:
            c.assert_(base_el.get("unitCode") == quantity_el.get("unitCode"), "PEPPOL-EN16931-R130", base_el)


def _xpath_round2(values: Iterable[Decimal | None]) -> Decimal:
    """``round(sum(…) * 10 * 10) div 100``: XPath's round goes half toward +∞."""
    total = sum((v for v in values if v is not None), Decimal(0))
    return (total * 100 + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR) / 100


def _date_le(a: str | None, b: str | None) -> bool:
    try:
        return date.fromisoformat(_norm(a)) <= date.fromisoformat(_norm(b))
    except ValueError:
        return False


_ICD_CHECKS: Final[dict[str, tuple[str, Callable[[str, etree._Element], bool]]]] = {
    "0088": ("PEPPOL-COMMON-R040", lambda v, el: is_gln(v)),
    "0192": ("PEPPOL-COMMON-R041", lambda v, el: is_norwegian_orgnr(v)),
    "0184": ("PEPPOL-COMMON-R042", lambda v, el: bool(re.fullmatch(r"(DK)?[0-9]{8}", el.text or ""))),
    "0208": ("PEPPOL-COMMON-R043", lambda v, el: is_belgian_enterprise_number(v)),
    "0201": ("PEPPOL-COMMON-R044", lambda v, el: _is_codice_ipa(v)),
    "0007": ("PEPPOL-COMMON-R049", lambda v, el: is_swedish_orgnr(v)),
    "0151": ("PEPPOL-COMMON-R050", lambda v, el: _is_abn(v)),
}


def _identifier_elements(root: etree._Element) -> Iterator[etree._Element]:
    yield from root.iter(_CBC + "EndpointID", _CBC + "CompanyID")
    for pid in root.iter(_CAC + "PartyIdentification"):
        yield from pid.iterfind(_p("cbc:ID"))


def _identifier_rules(c: _Context) -> None:
    for el in _identifier_elements(c.root):
        scheme = el.get("schemeID")
        if scheme in _ICD_CHECKS:
            rule, ok = _ICD_CHECKS[scheme]
            c.assert_(ok(_norm(el.text), el), rule, el)
        if el.tag == _CBC + "EndpointID" and scheme is not None:
            c.assert_(scheme in _EAS, "PEPPOL-EN16931-CL008", el)


def _code_list_rules(c: _Context, profile: str) -> None:
    root = c.root
    for el in root.iter(_CBC + "EmbeddedDocumentBinaryObject"):
        if el.get("mimeCode") is not None:
            c.assert_(el.get("mimeCode") in _MIMECODE, "PEPPOL-EN16931-CL001", el)
    for ac in root.iter(_CAC + "AllowanceCharge"):
        indicator = ac.find(_p("cbc:ChargeIndicator"))
        for code in ac.iterfind(_p("cbc:AllowanceChargeReasonCode")):
            if indicator is not None and indicator.text == "false":
                c.assert_(_norm(code.text) in _UNCL5189, "PEPPOL-EN16931-CL002", code)
            if indicator is not None and indicator.text == "true":
                c.assert_(_norm(code.text) in _UNCL7161, "PEPPOL-EN16931-CL003", code)
    for code in root.iter(_CBC + "DescriptionCode"):
        parent = code.getparent()
        if parent is not None and parent.tag == _CAC + "InvoicePeriod":
            c.assert_(_norm(code.text) in _UNCL2005, "PEPPOL-EN16931-CL006", code)
    for code in root.iter(_CBC + "InvoiceTypeCode"):
        c.assert_(profile != "01" or _norm(code.text) in _P0100_CODES, "PEPPOL-EN16931-P0100", code)
    for code in root.iter(_CBC + "CreditNoteTypeCode"):
        c.assert_(profile != "01" or _norm(code.text) in _P0101_CODES, "PEPPOL-EN16931-P0101", code)
    for el in root.iter(
        *(
            _CBC + n
            for n in ("IssueDate", "DueDate", "TaxPointDate", "StartDate", "EndDate", "ActualDeliveryDate")
        )
    ):
        text = el.text or ""
        ok = bool(_DATE.match(text))
        if ok:
            try:
                date.fromisoformat(text)
            except ValueError:
                ok = False
        c.assert_(ok, "PEPPOL-EN16931-F001", el)
    for category in root.iter(_CAC + "TaxCategory"):
        reason = _text(category, _p("cbc:TaxExemptionReasonCode")).upper()
        if reason in _VATEX_CATEGORY:
            expected, rule = _VATEX_CATEGORY[reason]
            c.assert_(_text(category, _p("cbc:ID")) == expected, rule, category)


def _empty_element_rule(c: _Context) -> None:
    for el in c.root.iter(etree.Element):
        if len(el) == 0 and not (el.text or "").strip():
            c.fail("PEPPOL-EN16931-R008", el)


def _national_rules(c: _Context, supplier_country: str) -> None:
    root = c.root
    supplier = root.find(_p("cac:AccountingSupplierParty/cac:Party"))
    customer = root.find(_p("cac:AccountingCustomerParty/cac:Party"))
    address_country = _text(supplier, _p("cac:PostalAddress/cac:Country/cbc:IdentificationCode"))
    customer_address_country = _text(customer, _p("cac:PostalAddress/cac:Country/cbc:IdentificationCode"))
    is_credit_note = root.tag == _CREDIT_NOTE

    if supplier is not None and supplier_country == "NO":
        tax_schemes = [
            (_text(s, _p("cac:TaxScheme/cbc:ID")), _find(s, _p("cbc:CompanyID")))
            for s in supplier.iterfind(_p("cac:PartyTaxScheme"))
        ]
        tax = next((_norm(cid.text) for sid, cid in tax_schemes if sid == "TAX" and cid is not None), "")
        c.assert_(tax == "Foretaksregisteret", "NO-R-002", supplier)
        vat = next(((cid.text or "") for sid, cid in tax_schemes if sid == "VAT" and cid is not None), None)
        if vat is not None and vat[:2] == "NO":
            c.assert_(bool(re.fullmatch(r"[0-9]{9}MVA", vat[2:])) and _mod11(vat[2:11]), "NO-R-001", supplier)

    dk_supplier = address_country == "DK"
    dk_both = dk_supplier and customer_address_country == "DK"
    if dk_supplier:
        legal = root.find(_p("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID"))
        c.assert_(legal is not None and _norm(legal.text) != "", "DK-R-002", root)
        c.assert_(legal is None or _norm(legal.get("schemeID")) == "0184", "DK-R-014", root)
        payable = _dec(_text(root, _p("cac:LegalMonetaryTotal/cbc:PayableAmount")))
        c.assert_(not (is_credit_note and customer_address_country == "DK" and payable is not None and payable < 0),
                  "DK-R-016", root)  # fmt: skip
    if dk_both:
        for party in (supplier, customer):
            if party is None:
                continue
            for pid in party.iterfind(_p("cac:PartyIdentification")):
                ident = pid.find(_p("cbc:ID"))
                c.assert_(not (ident is not None and _norm(ident.get("schemeID")) == ""), "DK-R-013", pid)
        if not is_credit_note:
            for pm in root.iterfind(_p("cac:PaymentMeans")):
                code = _text(pm, _p("cbc:PaymentMeansCode"))
                c.assert_(
                    code in ["1", "10", "31", "42", "48", "49", "50", "58", "59", "93", "97"], "DK-R-005", pm
                )
                if code in ("31", "42"):
                    c.assert_(_text(pm, _p("cac:PayeeFinancialAccount/cbc:ID")) != ""
                              and _text(pm, _p("cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID")) != "",
                              "DK-R-006", pm)  # fmt: skip
                if code == "49":
                    c.assert_(_text(pm, _p("cac:PaymentMandate/cbc:ID")) != ""
                              and _text(pm, _p("cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID")) != "",
                              "DK-R-007", pm)  # fmt: skip
        for ac in root.iter(_CAC + "AllowanceCharge"):
            if _text(ac, _p("cbc:AllowanceChargeReasonCode")) == "ZZZ":
                reason = _text(ac, _p("cbc:AllowanceChargeReason"))
                c.assert_(len(reason) == 4 and reason.isdigit(), "DK-R-004", ac)

    if supplier is not None and supplier_country == "IT":
        for scheme in supplier.iterfind(_p("cac:PartyTaxScheme")):
            if _text(scheme, _p("cac:TaxScheme/cbc:ID")) != "VAT":
                c.assert_(
                    bool(re.fullmatch(r"[A-Z0-9]{11,16}", _text(scheme, _p("cbc:CompanyID")))),
                    "IT-R-001",
                    scheme,
                )
        c.assert_(supplier.find(_p("cac:PostalAddress/cbc:StreetName")) is not None, "IT-R-002", supplier)
        c.assert_(supplier.find(_p("cac:PostalAddress/cbc:CityName")) is not None, "IT-R-003", supplier)
        c.assert_(supplier.find(_p("cac:PostalAddress/cbc:PostalZone")) is not None, "IT-R-004", supplier)

    if supplier is not None and address_country == "SE":
        vat = _vat_company_id(supplier)
        se_vat = vat is not None and vat[:2] == "SE"
        if se_vat and vat is not None:
            c.assert_(len(_norm(vat)) == 14, "SE-R-001", supplier)
            c.assert_(
                _dec(vat[2:14]) is not None and not vat[2:14].startswith(("+", "-")), "SE-R-002", supplier
            )
        for legal in supplier.iterfind(_p("cac:PartyLegalEntity")):
            company = legal.find(_p("cbc:CompanyID"))
            if company is None:
                continue
            value = _norm(company.text)
            c.assert_(_dec(value) is not None, "SE-R-003", legal)
            c.assert_(len(value) == 10, "SE-R-004", legal)
            c.assert_(_luhn_check_digit_ok(value), "SE-R-013", legal)
        if supplier.find(_p("cac:PartyLegalEntity/cbc:CompanyID")) is not None:
            for scheme in supplier.iterfind(_p("cac:PartyTaxScheme")):
                if _text(scheme, _p("cac:TaxScheme/cbc:ID")).upper() != "VAT":
                    company = scheme.find(_p("cbc:CompanyID"))
                    if company is not None:
                        c.assert_(_norm(company.text).upper() == "GODKÄND FÖR F-SKATT", "SE-R-005", company)
        if se_vat:
            for category in (*root.iter(_CAC + "TaxCategory"), *root.iter(_CAC + "ClassifiedTaxCategory")):
                if _text(category, _p("cbc:ID")) == "S":
                    rate = _dec(_text(category, _p("cbc:Percent")))
                    c.assert_(rate in (Decimal(25), Decimal(12), Decimal(6)), "SE-R-006", category)

    if address_country.upper() == "NL":
        customer_nl = customer_address_country.upper() == "NL"
        for type_code in root.iter(_CBC + "CreditNoteTypeCode"):
            c.assert_(
                root.find(_p("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID")) is not None,
                "NL-R-001",
                type_code,
            )
        for address in root.iterfind(_p("cac:AccountingSupplierParty/cac:Party/cac:PostalAddress")):
            c.assert_(all(address.find(_p(n)) is not None for n in ("cbc:StreetName", "cbc:CityName", "cbc:PostalZone")),
                      "NL-R-002", address)  # fmt: skip
        for company in root.iterfind(
            _p("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID")
        ):
            c.assert_(
                company.get("schemeID") in ("0106", "0190") and _norm(company.text) != "", "NL-R-003", company
            )
        if customer_nl:
            for address in root.iterfind(_p("cac:AccountingCustomerParty/cac:Party/cac:PostalAddress")):
                c.assert_(all(address.find(_p(n)) is not None for n in ("cbc:StreetName", "cbc:CityName", "cbc:PostalZone")),
                          "NL-R-004", address)  # fmt: skip
            for company in root.iterfind(
                _p("cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID")
            ):
                c.assert_(
                    company.get("schemeID") in ("0106", "0190") and _norm(company.text) != "",
                    "NL-R-005",
                    company,
                )
        for total in root.iterfind(_p("cac:LegalMonetaryTotal")):
            payable = _dec(_text(total, _p("cbc:PayableAmount")))
            ok = (
                (root.tag == _INVOICE and payable is not None and payable <= 0)
                or (is_credit_note and payable is not None and payable >= 0)
                or any(True for _ in root.iter(_CAC + "PaymentMeans"))
            )
            c.assert_(ok, "NL-R-007", total)
        for pm in root.iter(_CAC + "PaymentMeans"):
            c.assert_(
                _text(pm, _p("cbc:PaymentMeansCode")) in ("30", "48", "49", "57", "58", "59"), "NL-R-008", pm
            )
        for line_id in root.iter(_CBC + "LineID"):
            parent = line_id.getparent()
            if parent is not None and parent.tag == _CAC + "OrderLineReference":
                c.assert_(root.find(_p("cac:OrderReference/cbc:ID")) is not None, "NL-R-009", line_id)


def _supplier_country(root: etree._Element) -> str:
    """The Schematron's $supplierCountry: VAT prefix, else tax representative's, else address country."""
    supplier = root.find(_p("cac:AccountingSupplierParty/cac:Party"))
    vat = _vat_company_id(supplier)
    if vat:
        return _norm(vat[:2]).upper()
    representative = _vat_company_id(root.find(_p("cac:TaxRepresentativeParty")))
    if representative:
        return _norm(representative[:2]).upper()
    country = _text(supplier, _p("cac:PostalAddress/cac:Country/cbc:IdentificationCode"))
    return country.upper() if country else "XX"


def check(root: etree._Element) -> list[Finding]:
    """Every Peppol BIS Billing 3.0 rule a UBL Invoice or CreditNote breaks."""
    c = _Context(root, [])
    profile_id = _text(root, _p("cbc:ProfileID"))
    tokens = profile_id.split(":")
    profile = tokens[6] if _PROFILE.search(profile_id) and len(tokens) > 6 else "Unknown"
    _empty_element_rule(c)
    supplier_country = _supplier_country(root)
    country = _p("cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode")
    _document_rules(c, profile, _text(root.find(_p("cac:AccountingSupplierParty")), country).upper(),
                    _text(root.find(_p("cac:AccountingCustomerParty")), country).upper())  # fmt: skip
    _party_rules(c)
    _allowance_rules(c)
    _payment_rules(c)
    _currency_rules(c)
    _line_rules(c)
    _identifier_rules(c)
    _national_rules(c, supplier_country)
    _code_list_rules(c, profile)
    return c.findings
