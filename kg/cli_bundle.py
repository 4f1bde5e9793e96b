"""``kg bundle export | verify | replay | show``: evidence bundles from the command line.

The lead wires it with ``from kg.cli_bundle import register; register(app)``.
Errors exit non-zero: ``verify`` exits 1 when the bundle fails verification, and any
:class:`kg.errors.KGError` exits 2 with ``[code] message``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from kg.cli_patterns import parse_json_params
from kg.errors import KGError

bundle_app = typer.Typer(help="Evidence bundles (证据包): export, verify, replay, show.", no_args_is_help=True)
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add the ``bundle`` sub-commands to the main ``kg`` app."""
    app.add_typer(bundle_app, name="bundle")


def _fail(exc: KGError) -> None:
    from rich.markup import escape

    err.print(f"[red]error[/red] {escape(f'[{exc.code}] {exc}')}")
    raise typer.Exit(2)


def _open(url: str | None) -> Any:
    from kg.store import open_store

    return open_store(url)


@bundle_app.command("export")
def export(out: Path = typer.Argument(..., help="The bundle to write (.zip)."),
           pattern: str | None = typer.Option(None, "--pattern", help="Pattern id to run (clue bundle)."),
           clue: str | None = typer.Option(None, "--clue", help="Clue id from that run (default: the top clue)."),
           entity: list[str] = typer.Option([], "--entity", "-e", help="Entity uid (repeatable): neighbourhood bundle."),
           depth: int = typer.Option(1, "--depth", help="Neighbourhood depth."),
           limit: int = typer.Option(500, "--limit", help="At most this many nodes (neighbourhood)."),
           max_degree: int = typer.Option(200, "--max-degree", help="Hubs above this degree are not expanded."),
           query_file: Path | None = typer.Option(None, "--query-file", exists=True, dir_okay=False,
                                                      help="A saved read-only Cypher query."),
           param: list[str] = typer.Option([], "--param", "-p", help="k=v (JSON values) for the pattern or query."),
           role: str = typer.Option("analyst", "--role", help="viewer, analyst or admin (what personal data shows)."),
           full_sources: bool = typer.Option(False, "--full-sources", help="Whole source files (admin only)."),
           created_by: str | None = typer.Option(None, "--by", help="Author recorded in the manifest."),
           created_at: str | None = typer.Option(None, "--at", help="ISO time recorded (default now)."),
           store: str | None = typer.Option(None, "--store", help="Store URL (default KG_STORE_URL).")) -> None:
    """Freeze a clue, a neighbourhood or a saved query's result into a signed bundle."""
    from kg import bundle as B

    chosen = sum(bool(x) for x in (pattern, entity, query_file))
    if chosen != 1:
        raise typer.BadParameter("give exactly one of --pattern, --entity or --query-file")
    try:
        policy = B.ExportPolicy(role=role, full_sources=full_sources)  # type: ignore[arg-type]
        at = dt.datetime.fromisoformat(created_at.replace("Z", "+00:00")) if created_at else None
        with _open(store) as st:
            if pattern:
                sel = B.select_clue(st, pattern_id=pattern, clue_id=clue, params=parse_json_params(param))
            elif entity:
                sel = B.select_entities(st, entity, depth, max_degree=max_degree, limit=limit)
            else:
                assert query_file is not None
                qname, qtext, defaults = B.read_saved_query(query_file.read_text(encoding="utf-8"),
                                                            query_file.stem)
                sel = B.select_query(st, qtext, {**defaults, **parse_json_params(param)}, name=qname)
            res = B.write_bundle(st, sel, out, policy=policy, created_by=created_by, created_at=at)
    except KGError as exc:
        _fail(exc)
        return
    if res.key_generated:
        err.print(f"[yellow]generated a development signing key at {res.key_path}; "
                  "set KG_BUNDLE_SIGNING_KEY for real cases[/yellow]")
    c = res.manifest["counts"]
    console.print(f"wrote {res.path} ({res.size} bytes, {res.seconds:.2f} s): {c['nodes']} nodes, "
                  f"{c['relationships']} relationships, {c['facts']} facts, {c['sources']} sources; "
                  f"id {res.manifest['bundle_id']}; key {res.manifest['signature']['fingerprint']}")


@bundle_app.command("verify")
def verify(path: Path = typer.Argument(..., exists=True, dir_okay=False),
           key: Path | None = typer.Option(None, "--key", exists=True, dir_okay=False,
                                              help="Trusted public key (PEM); default: the embedded key."),
           as_json: bool = typer.Option(False, "--json", help="Print the report as JSON.")) -> None:
    """Check the signature and every file; exit 1 and name each bad file on failure."""
    from kg.bundle import verify_bundle

    try:
        rep = verify_bundle(path, key)
    except KGError as exc:
        _fail(exc)
        return
    if as_json:
        console.print_json(json.dumps(rep.as_dict(), ensure_ascii=False))
    elif rep.ok:
        console.print(f"OK {rep.bundle_id}: {rep.files_checked} files, signed by {rep.fingerprint}"
                      + ("" if key else " (embedded key; pass --key to check who signed)"))
    else:
        for p in rep.problems:
            err.print(f"[red]FAIL[/red] {p.file}: {p.kind} - {p.detail}", highlight=False)
    if not rep.ok:
        raise typer.Exit(1)


@bundle_app.command("replay")
def replay_cmd(path: Path = typer.Argument(..., exists=True, dir_okay=False),
               entity: list[str] = typer.Option([], "--entity", "-e",
                                                help="Original entity ids (when the bundle holds pseudonyms)."),
               param: list[str] = typer.Option([], "--param", "-p", help="Original parameters (when masked)."),
               store: str | None = typer.Option(None, "--store", help="Store URL (default KG_STORE_URL)."),
               fail_on_change: bool = typer.Option(False, "--fail-on-change", help="Exit 1 when anything changed.")
               ) -> None:
    """Re-run the bundle's pattern, neighbourhood or query on the current graph; print what changed."""
    from kg.bundle import replay

    try:
        with _open(store) as st:
            rep = replay(path, st, entities=entity or None, params=parse_json_params(param) if param else None)
    except KGError as exc:
        _fail(exc)
        return
    console.print_json(json.dumps(rep.as_dict(), ensure_ascii=False, default=str))
    if fail_on_change and not rep.unchanged:
        raise typer.Exit(1)


@bundle_app.command("show")
def show(path: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Print what a bundle holds (manifest summary; no verification)."""
    from kg.bundle import read_bundle, summary

    try:
        b = read_bundle(path)
    except KGError as exc:
        _fail(exc)
        return
    console.print_json(json.dumps(summary(b), ensure_ascii=False))
