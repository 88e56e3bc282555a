"""Customers' bank accounts in the import: IBANs and domestic accounts (US, Canada, UK, Australia, New Zealand,
Singapore, India, Japan, Mexico, Brazil)."""

from __future__ import annotations

import json

import pytest

from encaisse.ledger.importing import ImportFailed, import_customers
from encaisse.ledger.models import Customer

HEADER = "id,name,country,iban\n"


def _accounts(entity, write, text: str) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    import_customers(write("c.csv", text))
    return dict(Customer.objects.values_list("external_id", "ibans"))


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("021000021/123456789", "021000021/123456789"),
        ("021000021-000123456789", "021000021/000123456789"),
        ("021000021:1234", "021000021/1234"),
        ("021000021 12345678901234567", "021000021/12345678901234567"),
        ("12345-003/1234567", "12345-003/1234567"),
        ("00312345 123456789012", "12345-003/123456789012"),
        ("000312345/1234567", "12345-003/1234567"),  # a Canadian EFT routing number: 0, institution, transit
        ("081512345 1234567", "12345-815/1234567"),  # Desjardins (815): not a US routing number either
        ("60-16-13/31926819", "60-16-13/31926819"),
        ("601613 31926819", "60-16-13/31926819"),
        ("60-16-13-31926819", "60-16-13/31926819"),
        ("062-000/123456", "062-000/123456"),
        ("062000 1234567890", "062-000/1234567890"),
        ("062-000 12345678", "062-000/12345678"),
    ],
)
def test_each_domestic_form_is_stored_normalised(entity, write, written: str, stored: str) -> None:  # type: ignore[no-untyped-def]
    assert _accounts(entity, write, f"{HEADER}C1,Summit Supply Inc.,US,{written}\n") == {"C1": [stored]}


def test_domestic_accounts_and_ibans_in_one_list(entity, write) -> None:  # type: ignore[no-untyped-def]
    text = (
        "id,name,country,ibans\n"
        'C1,Summit Supply Inc.,US,"021000021 123456789;BE71096123456769|026009593/555666777"\n'
        "C2,Carrington Ltd,GB,60-16-13 31926819 ; GB29NWBK60161331926819\n"
    )
    assert _accounts(entity, write, text) == {
        "C1": ["021000021/123456789", "BE71096123456769", "026009593/555666777"],
        "C2": ["60-16-13/31926819", "GB29NWBK60161331926819"],
    }


def test_json_lists_take_domestic_accounts_whole(entity, write) -> None:  # type: ignore[no-untyped-def]
    rows = [
        {"id": "C1", "name": "Summit Supply Inc.", "iban": ["021000021 123456789", "BE71 0961 2345 6769"]}
    ]
    import_customers(write("c.json", json.dumps(rows)))
    assert Customer.objects.get(external_id="C1").ibans == ["021000021/123456789", "BE71096123456769"]


def test_routing_and_account_columns_add_one_domestic_account(entity, write) -> None:  # type: ignore[no-untyped-def]
    text = (
        "id,name,country,iban,bank_routing,bank_account\n"
        "C1,Summit Supply Inc.,US,,021000021,000123456789\n"
        "C2,Harbor Foods LLC,US,BE71096123456769,026009593,555666777\n"
        "C3,Maple Leaf Ltd.,CA,12345-003/1234567,12345-003,1234567\n"  # the same account once
        "C4,Keystone Corp.,US,,,\n"
    )
    assert _accounts(entity, write, text) == {
        "C1": ["021000021/000123456789"],
        "C2": ["BE71096123456769", "026009593/555666777"],
        "C3": ["12345-003/1234567"],
        "C4": [],
    }
    # the same file again changes nothing
    again = import_customers(write("c.csv", text))
    assert (again.known, again.updated, again.new) == (4, 0, 0)


def test_bad_domestic_accounts_are_refused_with_line_column_and_reason(entity, write) -> None:  # type: ignore[no-untyped-def]
    text = (
        "id,name,country,iban,bank_routing,bank_account\n"
        "C1,A Inc.,US,021000022/123456789,,\n"
        "C2,B Inc.,US,021000021/123,,\n"
        "C3,C Inc.,US,021000021/123456789012345678,,\n"
        "C4,D Ltd.,CA,12345-003/123456,,\n"
        "C5,E Ltd,GB,60-16-13/3192681,,\n"
        "C6,F Pty Ltd,AU,062-000/12345,,\n"
        "C7,G Pty Ltd,AU,062000/12345678901,,\n"
        "C8,H Inc.,US,1234567/12345678,,\n"
        "C9,I Inc.,US,123456789,,\n"
        "C10,J Inc.,US,991234563/123456789,,\n"
        "C11,K Inc.,US,,021000022,123456789\n"
        "C12,L Inc.,US,,021000021,12\n"
        "C13,M Inc.,US,,021000021,\n"
        "C14,N Inc.,US,,,123456789\n"
        "C15,O Inc.,US,,021000021,1234-5678\n"
        "C16,Acme SA,BE,BE00000000000000,,\n"  # an IBAN still is one
    )
    with pytest.raises(ImportFailed) as failure:
        import_customers(write("bad.csv", text))
    *found, (iban_line, iban_column, iban_reason) = [
        (e.line, e.column, e.reason) for e in failure.value.errors
    ]
    assert (iban_line, iban_column) == (17, "iban") and iban_reason.startswith("invalid IBAN (")
    assert found == [
        (2, "iban", "routing number 021000022 fails its check digit"),
        (3, "iban", "account number 123 has 3 digits: a US account number has 4 to 17"),
        (4, "iban", "account number 123456789012345678 has 18 digits: a US account number has 4 to 17"),
        (5, "iban", "account number 123456 has 6 digits: a Canadian account number has 7 to 12"),
        (6, "iban", "account number 3192681 has 7 digits: after a UK sort code, 8"),
        (7, "iban", "account number 12345 has 5 digits: after an Australian BSB, 6 to 10"),
        (8, "iban", "account number 12345678901 has 11 digits: after a UK sort code, 8; after an Australian BSB, 6 to 10"),
        (9, "iban", "1234567 is not a US routing number (9 digits), a Canadian transit and institution (12345-003), "
                    "a UK sort code (60-16-13), an Australian BSB (062-000), a Singapore bank code (7171) "
                    "or a Japanese bank and branch (0001-123)"),
        (10, "iban", "neither an IBAN nor a domestic account (clearing code, then the account: 021000021/123456789, "
                     "12345-003/1234567, 60-16-13/31926819)"),
        (11, "iban", "routing number 991234563: no US routing number begins with 99"),
        (12, "bank_routing", "routing number 021000022 fails its check digit"),
        (13, "bank_account", "account number 12 has 2 digits: a US account number has 4 to 17"),
        (14, "bank_account", "required with bank_routing"),
        (15, "bank_routing", "required with bank_account"),
        (16, "bank_account", "account number '1234-5678' is not all digits"),
    ]  # fmt: skip
    assert "bad.csv: line 2, column iban: routing number 021000022 fails its check digit" in str(
        failure.value
    )
    assert Customer.objects.count() == 0


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("01-0902-0068389-00", "01-0902-0068389-000"),  # New Zealand: the suffix in three digits
        ("7171/1234567890", "7171/1234567890"),  # Singapore: DBS's bank code, the account
        ("7339-501 501123456001", "7339-501/501123456001"),  # OCBC with its branch
        ("HDFC0001234/50100012345678", "HDFC0001234/50100012345678"),  # India: the IFSC, the account
        ("sbin0012345 000012345678901", "SBIN0012345/000012345678901"),
        ("0005-123/1234567", "0005-123/1234567"),  # Japan: bank, branch, a seven-digit account
        ("032180000118359719", "032180000118359719"),  # Mexico: a CLABE
        ("341/1234/12345-6", "341/1234/12345-6"),  # Brazil: bank, agência, conta and its check digit
        ("001/3067-x/10020-x", "001/3067-X/10020-X"),
    ],
)
def test_other_countries_accounts_are_stored_in_their_forms(entity, write, written: str, stored: str) -> None:  # type: ignore[no-untyped-def]
    assert _accounts(entity, write, f"{HEADER}C1,Kestrel Trading,,{written}\n") == {"C1": [stored]}


def test_columns_take_an_ifsc_a_brazilian_bank_a_clabe_or_a_new_zealand_account(entity, write) -> None:  # type: ignore[no-untyped-def]
    text = (
        "id,name,country,iban,bank_routing,bank_account\n"
        "C1,Patel Power Systems,IN,,HDFC0001234,50100012345678\n"
        "C2,Metalurgica Araujo Ltda,BR,,341,1234/12345-6\n"
        "C3,Grupo Ferretero Del Norte,MX,,,032180000118359719\n"
        "C4,Tasman Freight Ltd,NZ,,,01-0902-0068389-00\n"
        "C5,Lion City Pte Ltd,SG,,7171,1234567890\n"
        "C6,Tokyo Kikai,JP,,0005-123,1234567\n"
    )
    assert _accounts(entity, write, text) == {
        "C1": ["HDFC0001234/50100012345678"],
        "C2": ["341/1234/12345-6"],
        "C3": ["032180000118359719"],
        "C4": ["01-0902-0068389-000"],
        "C5": ["7171/1234567890"],
        "C6": ["0005-123/1234567"],
    }


def test_bad_accounts_of_other_countries_are_refused_with_the_reason(entity, write) -> None:  # type: ignore[no-untyped-def]
    text = (
        "id,name,country,iban,bank_routing,bank_account\n"
        "C1,A,MX,032180000118359711,,\n"  # the CLABE's check digit is 9
        "C2,B,NZ,01-0902-0068388-00,,\n"  # the account's check digit fails
        "C3,C,IN,HDFC0001234/12345678,,\n"
        "C4,D,SG,7171/1234567,,\n"
        "C5,E,JP,0005-123/123456,,\n"
        "C6,F,IN,,HDFC1001234,50100012345678\n"  # the fifth character of an IFSC is 0
        "C7,G,MX,,,032180000118359711\n"
    )
    with pytest.raises(ImportFailed) as failure:
        import_customers(write("bad.csv", text))
    found = [(e.line, e.column, e.reason) for e in failure.value.errors]
    assert found[0] == (2, "iban", "CLABE 032180000118359711 fails its check digit")
    assert found[1][:2] == (3, "iban") and found[1][2].startswith("New Zealand account 01-0902-0068388-00: ")
    assert found[2:] == [
        (4, "iban", "account number 12345678 has 8 digits: after an IFSC, 9 to 18"),
        (5, "iban", "account number 1234567 has 7 digits: after a Singapore bank code, 8 to 14"),
        (6, "iban", "account number 123456 has 6 digits: after a Japanese bank and branch, 7; "
                    "after a Singapore bank and branch, 8 to 14"),
        (7, "bank_routing", "HDFC1001234 is not a US routing number (9 digits), a Canadian transit and institution "
                            "(12345-003), a UK sort code (60-16-13), an Australian BSB (062-000), a Singapore bank "
                            "code (7171) or a Japanese bank and branch (0001-123)"),
        (8, "bank_account", "CLABE 032180000118359711 fails its check digit"),
    ]  # fmt: skip
    assert Customer.objects.count() == 0
