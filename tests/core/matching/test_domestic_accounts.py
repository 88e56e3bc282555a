"""Domestic accounts on file (US, Canada, UK, Australia, New Zealand, Singapore, India, Japan, Mexico, Brazil) and
the account numbers statements give."""

from __future__ import annotations

import pytest
from matching_builders import inv, make_engine, rows, tx

from encaisse.core.matching import Party, Status
from encaisse.core.matching.index import account_key


@pytest.mark.parametrize(
    ("on_file", "given"),
    [
        ("021000021/123456789", "000123456789"),  # camt Othr/Id, padded to 12
        ("021000021/123456789", "123456789"),  # Fedwire ORG=/
        ("021000021/123456789", "00000000000123456789"),
        ("021000021/123456789", "021000021-123456789"),
        ("021000021/000123456789", "123456789"),  # the customer's form padded, the bank's not
        ("12345-003/1234567", "0001234567"),
        ("062-000/123456", "062000123456"),
        ("062-000/123456", "062-000 123456"),
        ("08-99-99/12345678", "GB60 NWBK 0899 9912 3456 78"),
        ("08-99-99/12345678", "08-99-99 12345678"),
        ("60-16-13/31926819", "GB29 NWBK 6016 1331 9268 19"),
        ("HDFC0001234/50100012345678", "50100012345678"),  # India: the IFSC in DbtrAgt, the number in Othr/Id
        ("HDFC0001234/50100012345678", "0050100012345678"),
        ("7171/1234567890", "123-456789-0"),  # Singapore: the account as DBS prints it
        ("7339-501/501123456001", "501-123456-001"),
        ("01-0902-0068389-000", "01-0902-0068389-00"),  # New Zealand: the suffix in two digits or three
        ("01-0902-0068389-000", "0109020068389000"),
        ("032180000118359719", "032180000118359719"),  # Mexico: the CLABE of the SPEI ordering account
        ("341/1234/12345-6", "1234/12345-6"),  # Brazil: agência/conta-DV, the bank in DbtrAgt
        ("341/1234-5/12345-6", "1234/12345-6"),
        ("0005-123/1234567", "0005-123-1234567"),  # Japan: bank, branch, account
    ],
)
def test_the_domestic_account_on_file_is_the_account_the_statement_gives(on_file: str, given: str) -> None:
    parties = [
        Party("u1", "Summit Supply Inc.", ibans=(on_file,)),
        Party("u2", "Harbor Foods LLC", ibans=("026009593/555666777",)),
    ]
    items = [inv("318412", "u1", "1500.00"), inv("318414", "u2", "1500.00")]
    engine = make_engine(items, parties)
    d = engine.match(tx("1500.00", "", iban=given, currency="EUR"))
    assert d.status == Status.APPLIED, d.explanation
    assert d.customer_id == "u1"
    assert rows(d) == [("invoice", "318412", "1500.00")]


def test_keys_of_other_accounts_stay_apart() -> None:
    us = account_key("021000021/123456789")
    assert us == account_key("0123456789") == account_key("026009593/123456789")  # the number says no bank
    assert us not in {account_key(a) for a in ("1234567890", "12345678", "021000021123456789")}
    assert account_key("60-16-13/31926819") != account_key("31926819")  # after a sort code, the code counts
    assert account_key("GB29NWBK60161331926819") == account_key("60-16-13/31926819")
    assert account_key("BE71 0961 2345 6769") == "BE71096123456769"
    # an account after a Singapore bank code is its number; a Japanese one is known with its bank and branch
    assert account_key("7171/1234567890") == account_key("9496/1234567890") == "1234567890"
    assert account_key("0005-123/1234567") != account_key("0009-123/1234567")
    # a Brazilian conta is known with its agência and check digit; another agência is another account
    assert account_key("341/1234/12345-6") != account_key("341/4321/12345-6")
    assert account_key("341/1234/12345-6") != account_key("341/1234/12345-7")


def test_one_account_number_at_two_banks_is_told_apart_by_name_or_amount() -> None:
    # the statement gives the number without the bank: both customers are the payer's candidates
    parties = [
        Party("u1", "Summit Supply Inc.", ibans=("021000021/123456789",)),
        Party("u2", "Harbor Foods LLC", ibans=("026009593/123456789",)),
    ]
    items = [inv("318412", "u1", "1500.00"), inv("318414", "u2", "1500.00"), inv("318415", "u2", "700.00")]
    ambiguous = make_engine(items, parties).match(tx("1500.00", "", iban="000123456789"))
    assert ambiguous.status != Status.APPLIED
    by_amount = make_engine(items, parties).match(tx("700.00", "", iban="000123456789"))
    assert (by_amount.status, by_amount.customer_id) == (Status.APPLIED, "u2")
    assert "payer account" in by_amount.explanation
