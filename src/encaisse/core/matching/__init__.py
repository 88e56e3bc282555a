"""Cash application: matching bank credits to open items.

The pieces, in the order a transaction meets them: :mod:`.records` (what goes
in and out), :mod:`.candidates` (reading a transaction), :mod:`.index` (the
book and its indexes), :mod:`.subset` (amounts that add up), :mod:`.scoring`
(features and scores), :mod:`.engine` (the decision), :mod:`.explain` (why,
and the export), :mod:`.learning` (aliases and a learned score).
"""

from encaisse.core.matching.engine import Analysis, Engine
from encaisse.core.matching.index import Book
from encaisse.core.matching.records import (
    Allocation,
    AllocationKind,
    CandidateFeatures,
    CreditTransaction,
    Decision,
    ItemKind,
    MatchSettings,
    OpenItem,
    Party,
    Proposal,
    Status,
    StructuredReference,
    TransactionCode,
)

__all__ = [
    "Allocation",
    "AllocationKind",
    "Analysis",
    "Book",
    "CandidateFeatures",
    "CreditTransaction",
    "Decision",
    "Engine",
    "ItemKind",
    "MatchSettings",
    "OpenItem",
    "Party",
    "Proposal",
    "Status",
    "StructuredReference",
    "TransactionCode",
]
