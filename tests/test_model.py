"""The investigation model: loads, covers the domain, and refuses inconsistencies."""

from __future__ import annotations

import copy

import pytest

from kg.errors import DataError, ModelError
from kg.model import _schema_documents, build_model, load_model

DOMAIN_LABELS = ["Person", "Company", "BankAccount", "LoanAccount", "Property", "MortgageRegistration",
                 "Certificate", "Website", "Invoice", "TaxFiling", "AdminPenalty", "CriminalCase", "NonProsecution",
                 "CourtCase", "HousingFundWithdrawal", "MedicalSettlement", "AccidentReport", "Complaint",
                 "Document", "Phone", "Address", "License", "Medium", "Source"]
DOMAIN_RELS = ["BROKERED", "APPLIED_FOR", "APPROVED_BY", "COLLATERAL_OF", "APPRAISED_BY", "PAID_FOR", "OWNS",
               "TRANSFERRED_TO", "LEGAL_REPRESENTATIVE_OF", "EMPLOYED_BY", "HOLDS", "ISSUED_BY", "VERIFIED_AT",
               "PARTY_OF", "MENTIONS", "SAME_AS", "NOT_SAME_AS", "WITHDREW_TO", "DEPOSITED_TO", "REPAID",
               "SIGNED_IN", "INVESTED_IN", "GUARANTEED"]


def test_model_covers_the_domain() -> None:
    m = load_model()
    assert set(DOMAIN_LABELS) <= set(m.nodes)
    assert set(DOMAIN_RELS) <= set(m.relationships)
    for n in m.nodes.values():
        assert n.rationale and n.title_zh and n.title_en and n.key
    assert m.node("Person").properties["id_number"].pii
    assert m.rel("TRANSFERRED_TO").properties["ts"].type == "datetime"


def test_finbench_mapping_is_valid_and_complete() -> None:
    fb = load_model().mappings["finbench"]
    assert len(fb["nodes"]) == 5 and len(fb["relationships"]) == 13


def _docs() -> list:
    return [(f, copy.deepcopy(d)) for f, d in _schema_documents()]


@pytest.mark.parametrize("breakage, message", [
    (lambda d: d["nodes/person.yaml"].pop("rationale"), "rationale"),
    (lambda d: d["relationships/owns.yaml"]["to"].append("Spaceship"), "unknown label"),
    (lambda d: d["nodes/person.yaml"]["properties"].update({"uid": {"type": "string", "zh": "x"}}), "reserved"),
    (lambda d: d["nodes/person.yaml"]["properties"]["name"].update({"type": "blob"}), "type"),
    (lambda d: d["nodes/person.yaml"].update({"key": ["passport"]}), "key property"),
    (lambda d: d["mappings/finbench.yaml"]["nodes"]["Person.csv"].update({"label": "Alien"}), "unknown label"),
    (lambda d: d["relationships/owns.yaml"].update({"type": "OWNS_X", "title": {"zh": "x"}}), "title"),
])
def test_inconsistent_schema_fails_fast(breakage, message: str) -> None:
    docs = dict(_docs())
    breakage(docs)
    with pytest.raises(ModelError, match=message):
        build_model(list(docs.items()))


def test_duplicate_label_fails() -> None:
    docs = _docs()
    docs.append(("nodes/again.yaml", dict(docs[0][1])))
    with pytest.raises(ModelError, match="duplicate"):
        build_model(docs)


@pytest.mark.parametrize("owner, props, expected", [
    ("LoanAccount", {"amount": "3000000"}, {"amount": 3000000.0}),
    ("LoanAccount", {"applied_on": "2023-10-16"}, {"applied_on": 1697414400000}),
    ("LoanAccount", {"applied_on": "2023.10.16"}, {"applied_on": 1697414400000}),
    ("TRANSFERRED_TO", {"ts": "2020-06-29 02:33:46.538"}, {"ts": 1593398026538}),
    ("Company", {"tax_zero": "是"}, {"tax_zero": True}),
    ("Person", {"roles": "borrower"}, {"roles": ["borrower"]}),
    ("Person", {"name": None}, {}),
])
def test_values_are_encoded_by_declared_type(owner: str, props: dict, expected: dict) -> None:
    assert load_model().encode_properties(owner, props) == expected


@pytest.mark.parametrize("owner, props", [
    ("LoanAccount", {"amount": "三百万"}), ("LoanAccount", {"applied_on": "yesterday"}),
    ("Company", {"tax_zero": "maybe"}), ("TaxFiling", {"social_insurance_count": 2.5}),
    ("LoanAccount", {"amount": float("nan")}), ("Person", {"no_such_property": 1}),
])
def test_values_that_do_not_fit_are_refused(owner: str, props: dict) -> None:
    with pytest.raises(DataError) as exc:
        load_model().encode_properties(owner, props)
    assert str(next(iter(props.values()))) not in str(exc.value)  # the value itself is never echoed
