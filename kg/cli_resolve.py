"""``kg resolve run | review``: entity resolution from the command line.

The lead wires it with ``from kg.cli_resolve import register; register(app)``.

* ``kg resolve run [--store URL] [--log FILE] [--threshold X] [--max-block N] [--dry-run]``
  scores candidate pairs, appends judgements to the log, writes SAME_AS / NOT_SAME_AS
  relationships and prints a JSON summary;
* ``kg resolve review --reject A B --reason TEXT [--author NAME]`` (or ``--accept A B``)
  records a reviewer's judgement, updates the graph and prints the canonical ids of A and B;
* ``kg resolve replay`` rebuilds the judgement relationships from the log.

Errors exit 2 with ``[code] message``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from kg.errors import KGError

resolve_app = typer.Typer(help="Entity resolution (实体消歧): run, review, replay.", no_args_is_help=True)
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

DEFAULT_LOG = Path(".cluegraph/judgements.jsonl")


def register(app: typer.Typer) -> None:
    """Add the ``resolve`` sub-commands to the main ``kg`` app."""
    app.add_typer(resolve_app, name="resolve")


def _fail(exc: Exception) -> None:
    from rich.markup import escape

    code = getattr(exc, "code", "error")
    err.print(f"[red]error[/red] {escape(f'[{code}] {exc}')}")
    raise typer.Exit(2)


def _open(url: str | None) -> Any:
    from kg.store import open_store

    return open_store(url)


@resolve_app.command("run")
def run(store: str | None = typer.Option(None, "--store", help="Store URL (default: KG_STORE_URL)."),
        log: Path = typer.Option(DEFAULT_LOG, "--log", help="Append-only judgement log (JSON lines)."),
        threshold: float | None = typer.Option(None, "--threshold", help="Match threshold (default 3.0)."),
        max_block: int | None = typer.Option(None, "--max-block", help="Largest block compared (default 60)."),
        dry_run: bool = typer.Option(False, "--dry-run", help="Score only; write nothing.")) -> None:
    """Score Person / Company pairs without a shared strong key and record judgements."""
    from kg.resolve.matching import MatchSettings
    from kg.resolve.resolver import resolve

    settings = MatchSettings.from_settings()
    if threshold is not None:
        settings = replace(settings, match_threshold=threshold)
    if max_block is not None:
        settings = replace(settings, max_block=max_block)
    try:
        with _open(store) as st:
            res = resolve(st, log, settings=settings, write=not dry_run)
    except KGError as exc:
        _fail(exc)
        return
    console.print_json(json.dumps(res.as_dict(), ensure_ascii=False))


@resolve_app.command("review")
def review_cmd(reject: tuple[str, str] | None = typer.Option(None, "--reject", help="Two uids that are NOT the same."),
               accept: tuple[str, str] | None = typer.Option(None, "--accept", help="Two uids that ARE the same."),
               reason: str = typer.Option(..., "--reason", help="Why (kept in the log and the graph)."),
               author: str = typer.Option("reviewer", "--author", help="Reviewer name."),
               store: str | None = typer.Option(None, "--store", help="Store URL (default: KG_STORE_URL)."),
               log: Path = typer.Option(DEFAULT_LOG, "--log", help="Append-only judgement log.")) -> None:
    """Record a reviewer's judgement; the graph and canonical ids update without a re-ingest."""
    from kg.resolve.resolver import review

    if (reject is None) == (accept is None):
        err.print("give exactly one of --reject A B / --accept A B")
        raise typer.Exit(2)
    a, b = reject or accept  # type: ignore[misc]
    try:
        with _open(store) as st:
            canon = review(st, log, a, b, reject=reject is not None, reason=reason, author=author)
    except (KGError, ValueError) as exc:
        _fail(exc)
        return
    console.print_json(json.dumps({"judgement": "NOT_SAME_AS" if reject else "SAME_AS",
                                   "canonical": {a: canon.get(a, a), b: canon.get(b, b)}}, ensure_ascii=False))


@resolve_app.command("replay")
def replay_cmd(store: str | None = typer.Option(None, "--store", help="Store URL (default: KG_STORE_URL)."),
               log: Path = typer.Option(DEFAULT_LOG, "--log", help="Append-only judgement log.")) -> None:
    """Rebuild SAME_AS / NOT_SAME_AS relationships from the log; print cluster counts."""
    from kg.resolve.resolver import replay

    try:
        with _open(store) as st:
            canon = replay(st, log)
    except KGError as exc:
        _fail(exc)
        return
    console.print_json(json.dumps({"merged_nodes": len(canon), "clusters": len(set(canon.values()))}))
