"""Export policies: which properties are masked or dropped, by role, from the model's pii flags."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kg.bundle import BundleSettings, ExportPolicy, export_entities, mask_text, replay, salted_sha256
from kg.model import load_model
from kg.store import GraphStore
from tests.bundle.conftest import CREATED

ID_NUMBER = "110105199001011234"
PHONE = "13800138000"


@pytest.mark.parametrize(("owner", "prop", "viewer", "analyst", "admin"), [
    ("Person", "id_number", "mask", "mask", "keep"),
    ("Phone", "number", "mask", "mask", "keep"),
    ("BankAccount", "account_no", "mask", "mask", "keep"),
    ("Person", "name", "drop", "keep", "keep"),
    ("Person", "birth_date", "drop", "keep", "keep"),
    ("Person", "gender", "keep", "keep", "keep"),
    ("Company", "uscc", "keep", "keep", "keep"),  # not personal data (no pii flag)
    ("TRANSFERRED_TO", "amount", "keep", "keep", "keep"),
])
def test_policy_actions(owner: str, prop: str, viewer: str, analyst: str, admin: str) -> None:
    spec = load_model().property_type(owner, prop)
    assert spec is not None
    for role, expected in (("viewer", viewer), ("analyst", analyst), ("admin", admin)):
        assert ExportPolicy(role=role).action(spec, prop) == expected, role  # type: ignore[arg-type]
    assert ExportPolicy(role="admin", drop=frozenset({prop})).action(spec, prop) == "drop"
    assert ExportPolicy(role="admin", mask_identifiers=True).action(spec, prop) == (
        "mask" if viewer == "mask" else "keep")


def test_mask_text() -> None:
    assert mask_text(ID_NUMBER) == "110*************34"
    assert mask_text("1234") == "****"
    with pytest.raises(Exception, match="role"):
        ExportPolicy(role="guest")  # type: ignore[arg-type]


def test_identity_and_phone_never_leave_unmasked(store: GraphStore, tmp_path: Path, key: Ed25519PrivateKey,
                                                bsettings: BundleSettings) -> None:
    pid = f"person:{ID_NUMBER}"
    store.upsert_nodes("Person", [{"uid": pid, "src": "hr/people.csv#row=7@test@1",
                                   "props": {"name": "赵某某", "id_number": ID_NUMBER, "birth_date": "1990-01-01",
                                             "gender": "男", "roles": ["borrower", "bank_staff"]}}], dataset="t")
    store.upsert_nodes("Phone", [{"uid": f"phone:{PHONE}", "src": "hr/people.csv#row=7@test@1",
                                  "props": {"number": PHONE, "kind": "mobile"}}], dataset="t")
    store.upsert_relationships("HAS_PHONE", [{"start": pid, "end": f"phone:{PHONE}", "src": "hr/people.csv#row=7@test@1"}],
                               dataset="t")
    salt = bsettings.pii_salt.get_secret_value()
    for role in ("analyst", "viewer"):
        res = export_entities(store, tmp_path / f"{role}.zip", [pid], depth=1, key=key, settings=bsettings,
                              policy=ExportPolicy(role=role), created_at=CREATED)  # type: ignore[arg-type]
        with zipfile.ZipFile(res.path) as zf:
            blob = b"".join(zf.read(i) for i in zf.infolist())
            g = json.loads(zf.read("graph.json"))
            nodes_csv = zf.read("nodes.csv").decode()
        assert ID_NUMBER.encode() not in blob and PHONE.encode() not in blob
        person = next(n for n in g["nodes"] if n["labels"] == ["Person"])
        assert person["id"] == f"person:h:{salted_sha256(ID_NUMBER, salt)[:16]}"
        assert person["properties"]["id_number_sha256"] == salted_sha256(ID_NUMBER, salt)
        assert person["properties"]["roles"] == ["borrower", "bank_staff"]
        assert "roles:string[]" in nodes_csv and "borrower;bank_staff" in nodes_csv
        phone = next(n for n in g["nodes"] if n["labels"] == ["Phone"])
        assert phone["properties"]["number"] == mask_text(PHONE)
        assert ("赵某某".encode() in blob) == (role == "analyst")
        assert (b"1990-01-01" in blob) == (role == "analyst")
        assert len(g["relationships"]) == 1 and g["relationships"][0]["start"] == person["id"]
        # replay in masked form with the original id
        assert replay(res.path, store, settings=bsettings, entities=[pid]).unchanged
    store.execute("MATCH (p:Person {uid: $u}) SET p.gender = '女'", {"u": pid})
    rep = replay(res.path, store, settings=bsettings, entities=[pid])
    assert [(c.property, c.before, c.after) for c in rep.property_changes] == [("gender", "男", "女")]
    other = BundleSettings(data_dir=tmp_path, pii_salt=bsettings.pii_salt.__class__("another-salt"))
    with pytest.raises(Exception, match="salt"):
        replay(res.path, store, settings=other, entities=[pid])
