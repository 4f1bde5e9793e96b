"""Document extraction on *generated* case documents, scored against the generator's spans.

The scenario generator records every mention it writes into its documents
(``ground_truth/mentions.jsonl``: doc, start, end, text, entity label, field). This
script runs the document extractor over those documents and reports, per label, recall
(a gold mention counts as found when the extractor returns the same span with the
corresponding label) and precision (over extractor mentions of the labels the
generator annotates exhaustively: PERSON, ORG, ID_CARD, DATE, MONEY, CASE_NO).

    python bench/extract_synth.py [--scale demo] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from pathlib import Path

from extractors.documents import extract_file
from kg.synth import generate

ROOT = Path(__file__).resolve().parent.parent
# generator label (and field) -> extractor label
LABELS = {("Person", None): "PERSON", ("Person", "身份证号"): "ID_CARD", ("Company", None): "ORG",
          ("Date", None): "DATE", ("Amount", None): "MONEY", ("CriminalCase", None): "CASE_NO",
          ("BankAccount", None): "BANK_CARD", ("LoanAccount", None): "LOAN_NO", ("Website", None): "URL"}
EXHAUSTIVE = {"PERSON", "ORG", "ID_CARD", "DATE", "MONEY", "CASE_NO"}


def evaluate(out: Path) -> dict:
    gold: dict[str, set[tuple[int, int, str]]] = {}
    for line in (out / "ground_truth" / "mentions.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        lab = LABELS.get((d["label"], d.get("field")), d["label"])
        gold.setdefault(d["doc"], set()).add((d["start"], d["end"], lab))
    found, total, pred, correct = Counter(), Counter(), Counter(), Counter()
    for doc, spans in sorted(gold.items()):
        res = extract_file(out / "documents" / f"{doc}.txt")
        got = set()
        for e in res.entities:
            lab = "BANK_CARD" if e.label in ("BANK_CARD", "ACCOUNT") else e.label
            got.add((e.start, e.end, lab))
        for s in spans:
            total[s[2]] += 1
            found[s[2]] += s in got
        for g in got:
            if g[2] in EXHAUSTIVE:
                pred[g[2]] += 1
                correct[g[2]] += g in spans
    per = {lab: {"gold": total[lab], "recall": round(found[lab] / total[lab], 3) if total[lab] else None,
                 "precision": round(correct[lab] / pred[lab], 3) if pred[lab] else None}
           for lab in sorted(set(total) | set(pred))}
    ex_tot = sum(total[lab] for lab in EXHAUSTIVE)
    return {"documents": len(gold), "labels": per,
            "recall_exhaustive_labels": round(sum(found[lab] for lab in EXHAUSTIVE) / ex_tot, 3),
            "precision_exhaustive_labels": round(sum(correct.values()) / max(1, sum(pred.values())), 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", default="demo")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        generate(args.scale, args.seed, d)
        res = evaluate(Path(d))
    res.update(scale=args.scale, seed=args.seed)
    (ROOT / "bench" / "results" / "extract_synth.json").write_text(json.dumps(res, ensure_ascii=False, indent=1))
    print(f"{res['documents']} generated documents ({args.scale}, seed {args.seed})\n")
    print("| label | gold mentions | recall | precision |\n|---|---|---|---|")
    for lab, v in res["labels"].items():
        print(f"| {lab} | {v['gold']} | {v['recall']} | {v['precision']} |")
    print(f"\nexhaustively annotated labels: recall {res['recall_exhaustive_labels']}, "
          f"precision {res['precision_exhaustive_labels']}")


if __name__ == "__main__":
    main()
