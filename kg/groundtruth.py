"""Score clues against the scenario generator's ground truth (``ground_truth/*.jsonl``).

A planted ring (``rings.jsonl``) or a hard negative (``hard_negatives.jsonl``) lists its
members as ``{"label", "id", "role"}``; :func:`member_uid` turns one into the canonical
uid the record ingest gives it (``Label:id``; an invoice ``code-no`` becomes the record key
``Invoice:code|no``), and :func:`clue_keys` lets a certificate number match the record
uids ``Certificate:<no>|<作业类别>`` (the generator names a certificate by number only). A clue **hits** a ring when its member
uids include at least one of the ring's *anchor* members (the roles that identify the
instance, such as the loan officer of a broker ring or the hub of a fan-in), so that a
pattern is credited for finding the ring without having to return every member.

Recall is the share of a model's rings hit by some clue; precision the share of clues
that hit a ring of that model; hard-negative hits count clues that touch an anchor of a
look-alike (these must be zero for the ring patterns at default parameters).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Instance:
    """A planted ring or a hard negative."""

    instance_id: str
    model: str
    members: tuple[tuple[str, str, str], ...]  # (label, id, role)
    expected: Mapping[str, Any] = field(default_factory=dict)
    hard_negative: bool = False

    def uids(self, roles: Iterable[str] | None = None) -> set[str]:
        """Canonical uids of the members, optionally only those with one of ``roles``."""
        wanted = set(roles) if roles is not None else None
        return {member_uid(lab, i) for lab, i, role in self.members if wanted is None or role in wanted}


#: labels whose record uid is the ground-truth identifier followed by ``|`` and more key
#: columns (cert_registry, fake_site_buyers and worksite_rosters key a certificate on
#: 证书编号 + 作业类别/工种; documents name it ``Certificate:<证书编号>``)
NUMBER_PREFIXED = ("Certificate:",)


def member_uid(label: str, ident: str) -> str:
    """The uid the record ingest gives a member: ``Label:identifier``.

    >>> member_uid("Person", "110105196503156315")
    'Person:110105196503156315'
    >>> member_uid("Invoice", "1100233130-89969870")
    'Invoice:1100233130|89969870'
    """
    if label == "Invoice" and "-" in ident:  # 发票代码-发票号码; vat_invoices keys on both columns
        code, number = ident.split("-", 1)
        return f"Invoice:{code}|{number}"
    return f"{label}:{ident}"


def clue_keys(members: Iterable[str]) -> set[str]:
    """A clue's member uids plus the number part of its certificate uids, to meet :meth:`Instance.uids`.

    >>> sorted(clue_keys(["Certificate:T1|高处作业", "Person:1"]))
    ['Certificate:T1', 'Certificate:T1|高处作业', 'Person:1']
    """
    keys = set(members)
    keys.update(u.split("|", 1)[0] for u in list(keys) if u.startswith(NUMBER_PREFIXED) and "|" in u)
    return keys


def _read(path: Path, hard: bool) -> list[Instance]:
    out: list[Instance] = []
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        out.append(Instance(instance_id=d.get("ring_id") or d.get("hn_id") or "", model=d["model"],
                            members=tuple((m["label"], str(m["id"]), m.get("role", "")) for m in d["members"]),
                            expected=d.get("expected_clue") or {}, hard_negative=hard))
    return out


def load_ground_truth(scenario_dir: str | Path) -> tuple[list[Instance], list[Instance]]:
    """``(rings, hard_negatives)`` of a generated scenario folder."""
    gt = Path(scenario_dir) / "ground_truth"
    return _read(gt / "rings.jsonl", False), _read(gt / "hard_negatives.jsonl", True)


@dataclass
class Score:
    """Recall and precision of one pattern's clues against one model's rings."""

    model: str
    rings: int
    clues: int
    rings_hit: list[str]
    rings_missed: list[str]
    clues_on_target: int
    hard_negative_hits: list[str]

    @property
    def recall(self) -> float:
        return len(self.rings_hit) / self.rings if self.rings else 1.0

    @property
    def precision(self) -> float:
        return self.clues_on_target / self.clues if self.clues else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {"model": self.model, "rings": self.rings, "clues": self.clues, "recall": round(self.recall, 4),
                "precision": round(self.precision, 4), "missed": self.rings_missed,
                "hard_negative_hits": self.hard_negative_hits}


def score(model: str, clue_members: Sequence[Iterable[str]], rings: Sequence[Instance],
          hard_negatives: Sequence[Instance], anchor_roles: Iterable[str]) -> Score:
    """Score clues (each given as its member uids) for ``model``.

    Parameters
    ----------
    model:
        The ring model id, e.g. ``loans.broker_insider_ring``.
    clue_members:
        One iterable of member uids per clue (``Clue.members``).
    rings, hard_negatives:
        From :func:`load_ground_truth` (other models' instances are ignored).
    anchor_roles:
        Roles whose members identify an instance (a clue must contain one).
    """
    roles = set(anchor_roles)
    mine = [r for r in rings if r.model == model]
    negs = [h for h in hard_negatives if h.model == model]
    anchors = {r.instance_id: r.uids(roles) for r in mine}
    neg_anchors = {h.instance_id: h.uids(roles) for h in negs}
    hit: set[str] = set()
    on_target = 0
    neg_hits: set[str] = set()
    clues = [clue_keys(m) for m in clue_members]
    for members in clues:
        touched = [rid for rid, a in anchors.items() if a & members]
        hit.update(touched)
        on_target += bool(touched)
        neg_hits.update(hid for hid, a in neg_anchors.items() if a & members)
    return Score(model=model, rings=len(mine), clues=len(clues), rings_hit=sorted(hit),
                 rings_missed=sorted(set(anchors) - hit), clues_on_target=on_target,
                 hard_negative_hits=sorted(neg_hits))


#: pattern id -> the anchor roles its clues are scored by (roles that identify a ring
#: instance, plus roles only hard negatives carry, so that a clue touching a look-alike
#: counts as a hard-negative hit). The ground-truth tests and ``bench/groundtruth.py``
#: score with this one table.
ANCHOR_ROLES: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in {
    "loans.broker_insider_ring": {"intermediary", "broker", "loan_officer", "loan", "shell_borrower", "borrower"},
    "loans.bridge_funding_loop": {"bridge_funder", "borrower", "property", "loan", "funder_account",
                                  "borrower_account", "family_lender"},
    "loans.shell_borrower_cluster": {"shell_borrower", "registration_agent", "shared_address", "shared_phone", "loan",
                                     "tenant"},
    "loans.high_appraisal": {"property", "loan", "borrower", "borrower_company"},
    "loans.professional_borrower": {"professional_borrower", "loan", "borrower", "company"},
    "certs.fake_certificate_chain": {"forger", "seller", "fake_site", "buyer", "holder", "certificate"},
    "certs.fake_verification_site": {"fake_site", "holder", "fake_certificate", "certificate"},
    "oiltax.revenue_gap": {"gas_station", "retail_licence"},
    "oiltax.invoice_capacity_mismatch": {"buyer", "supplier"},
    "oiltax.circular_invoicing": {"cycle_member", "common_controller", "shared_phone"},
    "linkage.penalty_not_transferred": {"penalty"},
    "linkage.nonprosecution_no_penalty": {"decision", "person"},
    "linkage.disqualified_officer_acting": {"disqualified_person", "person"},
    "hotline.counterfeit_hotspot": {"merchant"},
    "housingfund.false_litigation_loop": {"creditor"},
    "medical.eligibility_without_history": {"insured"},
    "medical.cardholder_pharmacy_cluster": {"pharmacy"},
    "medical.accident_billed_to_insurance": {"insured"},
    "generic.circular_transfer": {"cycle_account"},
    "generic.long_circular_transfer": {"cycle_account"},
    "generic.fan_in": {"hub"},
    "generic.fan_out": {"hub"},
    "generic.fast_in_fast_out": {"pass_through"},
    "generic.shared_identifier": {"shared_phone", "shared_address"},
}.items()}

#: pattern id -> the ring model it is scored against, where that is not its own id
SCORED_AS: dict[str, str] = {"generic.long_circular_transfer": "generic.circular_transfer"}

#: model id -> other models whose rings are also true instances of it. The fake sites of the
#: certificate-chain rings are fake verification sites too (the generator labels them for
#: the chain model only), so ``certs.fake_verification_site`` is also scored against them.
ALSO_TRUE: dict[str, tuple[str, ...]] = {"certs.fake_verification_site": ("certs.fake_certificate_chain",)}


def rings_counted_for(model: str, rings: Sequence[Instance]) -> list[Instance]:
    """``rings`` with those of the models in ``ALSO_TRUE[model]`` relabelled as ``model``'s."""
    extra = ALSO_TRUE.get(model, ())
    return [Instance(r.instance_id, model, r.members, r.expected, r.hard_negative) if r.model in extra else r
            for r in rings]


def score_pattern(pattern_id: str, clue_members: Sequence[Iterable[str]], rings: Sequence[Instance],
                  hard_negatives: Sequence[Instance]) -> Score:
    """:func:`score` of a library pattern with its model and anchor roles from the tables above."""
    model = SCORED_AS.get(pattern_id, pattern_id)
    return score(model, clue_members, rings_counted_for(model, rings), hard_negatives, ANCHOR_ROLES[pattern_id])

