"""The scenario world: entity factories, row emission, shard flushing and ground truth.

Rows are not written when they are made.  Ring, hard-negative and institution rows
("global" rows) are assigned to a random shard and kept (their number is bounded);
background rows belong to the shard being generated.  When a shard is flushed, its
rows are merged with the global rows placed in it, shuffled, noised (broken
identifiers, duplicates, malformed rows; background rows only) and written, and the
row numbers are handed to the ground truth.
"""

from __future__ import annotations

import datetime as _dt
import json
import pathlib
import random
from dataclasses import dataclass, field
from typing import Any

from kg.synth import ids as idmod
from kg.synth import lexicon as lx
from kg.synth.io import JsonlWriter, RecordWriter
from kg.synth.sources import SOURCE_BY_NAME, SOURCES, Source

REF_CAP = 1000  # refs kept per identity (hubs such as bank branches have many more)
Ref = tuple[str, str, str]  # (label, entity id, column)


@dataclass
class Person:
    """A natural person."""

    pid: str
    name: str
    birth: _dt.date
    male: bool
    phone: str
    district: str
    address: str
    accounts: list[str] = field(default_factory=list)
    account_bank: list[str] = field(default_factory=list)
    ss_card: str = ""
    fund_account: str = ""


@dataclass
class Company:
    """A company or other organisation with a USCC."""

    uscc: str
    name: str
    rep: Person | None
    address: str
    district: str
    phone: str
    founded: _dt.date
    industry: str
    accounts: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Branch:
    """A bank branch (a Company in the graph) with its loan officers."""

    bank: str
    bank_code: str
    company: Company
    officers: list[tuple[Person, str]] = field(default_factory=list)  # (person, 工号)


class Identity:
    """Ground-truth record of one true entity and the source records referring to it."""

    __slots__ = ("label", "id", "name", "role", "refs", "count", "variants")

    def __init__(self, label: str, eid: str, name: str, role: str) -> None:
        self.label = label
        self.id = eid
        self.name = name
        self.role = role
        self.refs: list[dict[str, Any]] = []
        self.count = 0
        self.variants: list[str] = []

    def add(self, ref: dict[str, Any]) -> None:
        self.count += 1
        if len(self.refs) < REF_CAP:
            self.refs.append(ref)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"label": self.label, "id": self.id, "name": self.name, "role": self.role}
        if self.variants:
            out["name_variants"] = self.variants
        out["ref_count"] = self.count
        if self.count > len(self.refs):
            out["refs_truncated"] = True
        out["refs"] = self.refs
        return out


class World:
    """State shared by all generator streams of one run."""

    def __init__(
        self, seed: int, out_dir: pathlib.Path, n_shards: int, mask_share: float, noise: dict[str, float]
    ) -> None:
        self.seed = seed
        self.out = out_dir
        self.n_shards = n_shards
        self.mask_share = mask_share
        self.noise = noise
        self.ids = idmod.IdFactory(seed)
        self.writers: dict[str, RecordWriter] = {s.name: RecordWriter(s, out_dir) for s in SOURCES}
        gt = out_dir / "ground_truth"
        self.w_ident = JsonlWriter(gt / "identities.jsonl")
        self.w_rings = JsonlWriter(gt / "rings.jsonl")
        self.w_hn = JsonlWriter(gt / "hard_negatives.jsonl")
        self.w_broken = JsonlWriter(gt / "broken.jsonl")
        self.w_mentions = JsonlWriter(gt / "mentions.jsonl")
        self.w_docs = JsonlWriter(gt / "documents.jsonl")
        self.global_ids: dict[tuple[str, str], Identity] = {}
        self.shard_ids: dict[tuple[str, str], Identity] = {}
        self.pending: list[dict[str, list[tuple[list[Any], list[Ref], bool]]]] = [{} for _ in range(n_shards)]
        self.current: dict[str, list[tuple[list[Any], list[Ref], bool]]] | None = None
        self.scope = "global"
        self.place_rng = lx.stream(seed, "placement")
        self.doc_count = 0
        self.doc_masked = 0
        self.ring_count = 0
        self.hn_count = 0
        self.models_planted: dict[str, int] = {}
        self.broken_count = 0
        # institutions, filled by institutions.build()
        self.branches: list[Branch] = []
        self.appraisers: list[Company] = []
        self.agencies: list[Company] = []
        self.hospitals: list[Company] = []
        self.pharmacies: list[Company] = []
        self.stations: list[Company] = []
        self.suppliers: list[Company] = []
        self.builders: list[Company] = []
        self.worksites: list[str] = []
        # cores (lexicon.company_name_core) of the company names registered so far: unique
        self.company_cores: set[str] = set()

    # -- identities -------------------------------------------------------------------
    def register(self, label: str, eid: str, name: str, role: str) -> Identity:
        """Register a true entity in the current scope."""
        ident = Identity(label, eid, name, role)
        store = self.global_ids if self.scope == "global" else self.shard_ids
        store[(label, eid)] = ident
        return ident

    def identity(self, label: str, eid: str) -> Identity:
        """Find a registered identity (shard scope first)."""
        key = (label, eid)
        ident = self.shard_ids.get(key) or self.global_ids.get(key)
        if ident is None:
            raise KeyError(f"unregistered identity {label}:{eid}")
        return ident

    def add_variant(self, label: str, eid: str, variant: str) -> None:
        """Record a name variant (typo, suffix variant) used for an entity."""
        ident = self.identity(label, eid)
        if variant != ident.name and variant not in ident.variants:
            ident.variants.append(variant)

    # -- entity factories -------------------------------------------------------------
    def new_person(
        self, rng: random.Random, role: str, min_year: int = 1960, max_year: int = 2002, male: bool | None = None
    ) -> Person:
        """Create and register a person with a valid ID number, phone and address."""
        pid, birth, is_male = self.ids.ric(rng, min_year, max_year, male)
        name = lx.person_name(rng, is_male)
        dcode, addr = lx.address(rng)
        p = Person(pid, name, birth, is_male, self.ids.phone(), dcode, addr)
        self.register("Person", pid, name, role)
        return p

    def open_account(
        self, rng: random.Random, owner: Person | Company, bank: str, opened: _dt.date, noise: bool = False
    ) -> str:
        """Open an account for a person or company and emit the bank_accounts row."""
        acct = self.ids.card(bank)
        if isinstance(owner, Person):
            label, eid, name, kind, phone = "Person", owner.pid, owner.name, "居民身份证", owner.phone
        else:
            label, eid, name, kind, phone = "Company", owner.uscc, owner.name, "统一社会信用代码", owner.phone
        owner.accounts.append(acct)
        if isinstance(owner, Person):
            owner.account_bank.append(bank)
        branch = f"{bank}北京{idmod.DISTRICT_SHORT[owner.district]}支行"
        self.emit(
            "bank_accounts",
            {
                "账号": acct,
                "户名": name,
                "证件类型": kind,
                "证件号码": eid,
                "开户银行": bank,
                "开户网点": branch,
                "开户日期": opened.isoformat(),
                "账户状态": "正常",
                "预留手机号": phone
                if phone and not phone.startswith("010") and not (noise and rng.random() < 0.05)
                else "",
            },
            [(label, eid, "户名"), (label, eid, "证件号码")],
            noise=noise,
        )
        return acct

    def new_company(
        self,
        rng: random.Random,
        role: str,
        rep: Person | None,
        industry: str,
        founded: _dt.date,
        *,
        name: str | None = None,
        address: str | None = None,
        district: str | None = None,
        phone: str | None = None,
        agent: Person | None = None,
        capital: float | None = None,
        kind: str = "有限责任公司(自然人投资或控股)",
        scope_text: str | None = None,
        status: str = "存续",
        noise: bool = False,
        uscc_kind: str = "91",
    ) -> Company:
        """Create and register a company and emit its business-registry row."""
        if address is None:
            district, address = lx.address(rng)
        assert district is not None
        uscc = self.ids.uscc(district, uscc_kind)
        cname = lx.unique_company_name(name or lx.company_name(rng, industry), self.company_cores)
        c = Company(uscc, cname, rep, address, district, phone or self.ids.phone(), founded, industry)
        self.register("Company", uscc, cname, role)
        refs: list[Ref] = [("Company", uscc, "统一社会信用代码"), ("Company", uscc, "企业名称")]
        if rep is not None:
            refs += [("Person", rep.pid, "法定代表人"), ("Person", rep.pid, "法定代表人证件号码")]
        if agent is not None:
            refs += [("Person", agent.pid, "登记代理人"), ("Person", agent.pid, "登记代理人证件号码")]
        if capital is None:
            capital = rng.choice([10, 50, 100, 100, 200, 300, 500, 1000, 3000])
        self.emit(
            "business_registry",
            {
                "统一社会信用代码": uscc,
                "企业名称": cname,
                "企业类型": kind,
                "法定代表人": rep.name if rep else "",
                "法定代表人证件号码": rep.pid if rep else "",
                "注册资本(万元)": capital,
                "住所": address,
                "联系电话": c.phone,
                "成立日期": founded.isoformat(),
                "登记代理人": agent.name if agent else "",
                "登记代理人证件号码": agent.pid if agent else "",
                "经营范围": scope_text or f"{industry}相关业务；技术咨询；销售日用品。",
                "登记状态": status,
                "登记机关": f"北京市{idmod.DISTRICT_SHORT[district]}区市场监督管理局",
            },
            refs,
            noise=noise,
        )
        return c

    # -- row emission -----------------------------------------------------------------
    def emit(self, source: str, values: dict[str, Any], refs: list[Ref], noise: bool = False) -> None:
        """Queue one row for ``source``; refs name the entities that the row refers to."""
        src = SOURCE_BY_NAME[source]
        row = [values.get(c) for c in src.columns]
        if self.current is not None and self.scope == "shard":
            target = self.current
        else:
            target = self.pending[self.place_rng.randrange(self.n_shards)]
        target.setdefault(source, []).append((row, refs, noise))

    def begin_shard(self) -> None:
        """Start generating background rows of a new shard."""
        self.scope = "shard"
        self.current = {}
        self.shard_ids = {}

    def end_shard(self, k: int) -> None:
        """Merge, noise and write the rows of shard ``k``; write its identities."""
        assert self.current is not None
        rows_by_source = self.current
        for src_name, rows in self.pending[k].items():
            rows_by_source.setdefault(src_name, []).extend(rows)
        self.pending[k] = {}
        order_rng = lx.stream(self.seed, "order", k)
        noise_rng = lx.stream(self.seed, "noise", k)
        for src in SOURCES:
            rows = rows_by_source.get(src.name, [])
            if not rows:
                continue
            if src.name == "bank_transfers":
                rows.sort(key=lambda r: (r[0][6], r[0][0]))
            else:
                order_rng.shuffle(rows)
            self._write_rows(src, rows, noise_rng)
        self.current = None
        for ident in self.shard_ids.values():
            self.w_ident.write(ident.to_json())
        self.shard_ids = {}
        self.scope = "global"

    def _write_rows(self, src: Source, rows: list[tuple[list[Any], list[Ref], bool]], rng: random.Random) -> None:
        writer = self.writers[src.name]
        fname = src.path
        cols = src.columns
        col_index = {c: i for i, c in enumerate(cols)}
        p_bad_id = self.noise["bad_identifier"]
        p_dup = self.noise["duplicate"]
        p_malformed = self.noise["malformed"]
        id_cols = [c for c in cols if c in src.identifiers]
        for values, refs, noisy in rows:
            drop_from = len(cols)
            damaged = False
            if noisy:
                u = rng.random()
                if u < p_malformed:
                    values = list(values)
                    drop_from = self._malform(src, values, rng, writer.rows + 1)
                    damaged = True
                    if drop_from < 0:  # a raw broken JSON line, no resolvable refs
                        continue
                elif u < p_malformed + p_bad_id and id_cols:
                    filled = [c for c in id_cols if values[col_index[c]]]
                    if filled:
                        values = list(values)
                        c = filled[rng.randrange(len(filled))]
                        self._break_identifier(src, values, col_index[c], c, refs, rng, writer.rows + 1)
                        damaged = True
            n = writer.write(values if drop_from == len(cols) else values[:drop_from])
            self._resolve(refs, fname, n, values, col_index, drop_from)
            if noisy and not damaged and rng.random() < p_dup:
                m = writer.write(values)
                self._resolve(refs, fname, m, values, col_index, drop_from)
                self._broken({"file": fname, "row": m, "kind": "duplicate", "duplicate_of": n})

    def _resolve(
        self, refs: list[Ref], fname: str, n: int, values: list[Any], col_index: dict[str, int], drop_from: int
    ) -> None:
        for label, eid, col in refs:
            i = col_index[col]
            if i >= drop_from or values[i] in (None, ""):
                continue
            self.identity(label, eid).add({"file": fname, "row": n, "field": col})

    def _break_identifier(
        self, src: Source, values: list[Any], i: int, col: str, refs: list[Ref], rng: random.Random, row: int
    ) -> None:
        good = str(values[i])
        kind_check = src.identifiers[col]
        for _ in range(20):
            if kind_check == "luhn":
                bad, kind = idmod.break_luhn(good, rng)
            elif kind_check == "cn.uscc" or (kind_check == "cn.ric|cn.uscc" and not _is_ric_like(good)):
                bad, kind = idmod.break_uscc(good, rng)
            else:
                bad, kind = idmod.break_ric(good, rng)
            # in a person-or-company column the damaged value must not pass the other check
            if kind_check != "cn.ric|cn.uscc" or not idmod.looks_valid_uscc(bad):
                break
        values[i] = bad
        ent = next(({"label": lab, "id": eid} for lab, eid, c in refs if c == col), None)
        self._broken(
            {
                "file": src.path,
                "row": row,
                "column": col,
                "kind": kind,
                "value": bad,
                "valid_value": good,
                "entity": ent,
            }
        )

    def _malform(self, src: Source, values: list[Any], rng: random.Random, row: int) -> int:
        """Damage a row; return the number of columns kept (-1: written raw, refs lost)."""
        if src.fmt == "jsonl":
            obj = {c: v for c, v in zip(src.columns, values, strict=False)}
            text = json.dumps(obj, ensure_ascii=False)
            cut = text[: max(10, len(text) // 2)]
            self.writers[src.name].write_raw_line(cut)
            self._broken({"file": src.path, "row": row, "kind": "bad_json"})
            return -1
        date_cols = [i for i, c in enumerate(src.columns) if ("日期" in c or "时间" in c) and values[i]]
        amt_cols = [
            i
            for i, c in enumerate(src.columns)
            if ("(元)" in c or c in ("交易金额", "金额")) and values[i] not in (None, "")
        ]
        c = rng.randrange(2 if src.fmt == "xlsx" else 3)  # xlsx rows cannot be "short"
        if c == 0 and date_cols:
            i = date_cols[rng.randrange(len(date_cols))]
            values[i] = rng.choice(["2023-02-30", "待补录", "20231345", "0000-00-00"])
            self._broken(
                {"file": src.path, "row": row, "column": src.columns[i], "kind": "malformed_date", "value": values[i]}
            )
            return len(src.columns)
        if c == 1 and amt_cols:
            i = amt_cols[rng.randrange(len(amt_cols))]
            values[i] = str(values[i]).replace("0", "O", 1) + "元整" if "0" in str(values[i]) else "#VALUE!"
            self._broken(
                {"file": src.path, "row": row, "column": src.columns[i], "kind": "malformed_amount", "value": values[i]}
            )
            return len(src.columns)
        keep = max(2, len(src.columns) - 1 - rng.randrange(3))
        self._broken({"file": src.path, "row": row, "kind": "truncated_row", "columns_kept": keep})
        return keep

    def _broken(self, obj: dict[str, Any]) -> None:
        self.broken_count += 1
        self.w_broken.write(obj)

    # -- ground-truth instances -------------------------------------------------------
    def add_ring(
        self, model: str, members: list[tuple[str, str, str]], clue: dict[str, Any], explanation_zh: str
    ) -> str:
        """Record a planted ring instance; returns its ring id."""
        self.ring_count += 1
        n = self.models_planted.get(model, 0) + 1
        self.models_planted[model] = n
        rid = f"R{self.ring_count:05d}"
        self.w_rings.write(
            {
                "ring_id": rid,
                "model": model,
                "members": [{"label": lab, "id": eid, "role": role} for lab, eid, role in members],
                "expected_clue": clue,
                "explanation_zh": explanation_zh,
            }
        )
        return rid

    def add_hard_negative(
        self, model: str, members: list[tuple[str, str, str]], look_alike: str, why_not_zh: str, facts: dict[str, Any]
    ) -> str:
        """Record a legitimate look-alike that a correct pattern must not return."""
        self.hn_count += 1
        hid = f"HN{self.hn_count:05d}"
        self.w_hn.write(
            {
                "hn_id": hid,
                "model": model,
                "hard_negative": True,
                "look_alike_of": look_alike,
                "members": [{"label": lab, "id": eid, "role": role} for lab, eid, role in members],
                "facts": facts,
                "why_not_zh": why_not_zh,
            }
        )
        return hid

    def close(self) -> None:
        """Write global identities and close every file."""
        for ident in self.global_ids.values():
            self.w_ident.write(ident.to_json())
        for w in self.writers.values():
            w.close()
        for jw in (self.w_ident, self.w_rings, self.w_hn, self.w_broken, self.w_mentions, self.w_docs):
            jw.close()


def _is_ric_like(v: str) -> bool:
    return len(v) == 18 and v[:17].isdigit() and v[:2] == "11"
