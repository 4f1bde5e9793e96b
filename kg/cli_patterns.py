"""``kg patterns list|show`` and ``kg run``: the pattern library on the command line.

Thin over :mod:`kg.patterns`. :func:`register` adds the commands to the main ``kg``
Typer app (called from :mod:`kg.cli`).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from kg.errors import KGError

console = Console()
err_console = Console(stderr=True)
err = Console(stderr=True)

FORMATS = ("table", "json", "csv")


def _fail(exc: KGError) -> None:
    from rich.markup import escape

    err.print(f"[red]error[/red] {escape(f'[{exc.code}] {exc}')}")
    raise typer.Exit(2)


def parse_params(items: list[str]) -> dict[str, str]:
    """``["k=v", ...]`` -> ``{"k": "v"}``; values stay text and are coerced by the pattern.

    >>> parse_params(["account=acc:1", "max_hops=2"])
    {'account': 'acc:1', 'max_hops': '2'}
    """
    out: dict[str, str] = {}
    for it in items:
        if "=" not in it:
            raise typer.BadParameter(f"expected k=v, got {it!r}")
        k, v = it.split("=", 1)
        out[k.strip()] = v
    return out


def parse_json_params(items: list[str]) -> dict[str, Any]:
    """``["k=v", ...]`` -> a dict whose values are parsed as JSON where they are JSON.

    >>> parse_json_params(["depth=2", "name=张某", "ids=[1, 2]"])
    {'depth': 2, 'name': '张某', 'ids': [1, 2]}
    """
    out: dict[str, Any] = {}
    for k, v in parse_params(items).items():
        try:
            out[k] = json.loads(v)
        except json.JSONDecodeError:
            out[k] = v
    return out


def _cell(v: Any) -> str:
    from kg.patterns import _plain

    p = _plain(v)
    return p if isinstance(p, str) else json.dumps(p, ensure_ascii=False, sort_keys=True)


def register(app: typer.Typer) -> None:
    """Add ``patterns list``, ``patterns show ID`` and ``run ID`` to ``app``.

    Parameters
    ----------
    app:
        The ``kg`` Typer application.
    """
    patterns_app = typer.Typer(help="The pattern library (read-only Cypher rules).", no_args_is_help=True)
    app.add_typer(patterns_app, name="patterns")

    @patterns_app.command("list")
    def patterns_list(family: str | None = typer.Option(None, "--family", help="Only this family, e.g. generic."),
                      fmt: str = typer.Option("table", "--format", help="table or json")) -> None:
        """List the patterns: id, version, title, backends."""
        from kg.patterns import default_library

        try:
            lib = default_library()
        except KGError as exc:
            _fail(exc)
            return
        items = [p for p in lib if family is None or p.id.split(".", 1)[0] == family]
        if fmt == "json":
            console.print_json(json.dumps([p.describe() for p in items], ensure_ascii=False))
            return
        t = Table(title=f"{len(items)} patterns")
        t.add_column("id", no_wrap=True)
        for col in ("v", "title", "params", "backends"):
            t.add_column(col)
        for p in items:
            t.add_row(p.id, str(p.version), p.title_zh, ", ".join(p.params), ", ".join(p.backends))
        console.print(t)

    @patterns_app.command("show")
    def patterns_show(pattern_id: str = typer.Argument(..., help="Pattern id, e.g. generic.fan_in."),
                      query: bool = typer.Option(True, "--query/--no-query", help="Print the Cypher too.")) -> None:
        """Show a pattern's metadata, parameters (with defaults and bounds) and query."""
        from kg.patterns import default_library

        try:
            p = default_library().get(pattern_id)
        except KGError as exc:
            _fail(exc)
            return
        d = p.describe()
        console.print(f"[bold]{p.id}[/bold] v{p.version}  {p.title_zh} / {p.title_en}", highlight=False)
        if p.description:
            console.print(p.description, highlight=False)
        console.print(f"legal basis: {'; '.join(p.legal_basis) or '-'}", highlight=False)
        console.print("parameters:")
        for name, spec in d["params"].items():
            default = spec["default_from"] + f" = {spec['default']}" if spec["default_from"] else spec["default"]
            bounds = "" if spec["min"] is None and spec["max"] is None else \
                f" [{'' if spec['min'] is None else spec['min']}..{'' if spec['max'] is None else spec['max']}]"
            desc = f"  {spec['description']}" if spec["description"] else ""
            console.print(f"  {name} ({spec['type']}) default={'(required)' if default is None else default}"
                          f"{bounds}{desc}", highlight=False, markup=False, soft_wrap=True)
        console.print(f"returns: {', '.join(p.returns)}; members: {', '.join(p.members)}; score: {p.score}; "
                      f"backends: {', '.join(p.backends)}", highlight=False)
        if query:
            console.print(p.query, highlight=False, markup=False, soft_wrap=True)

    @patterns_app.command("doc")
    def doc(out: Path | None = typer.Option(None, "--out", help="Write here (e.g. docs/patterns.md); else print.")
            ) -> None:
        """Render the pattern reference (docs/patterns.md) from the pattern headers."""
        from kg.patterns_doc import render

        text = render()
        if out is None:
            typer.echo(text, nl=False)
        else:
            out.write_text(text, encoding="utf-8")
            err_console.print(f"wrote {out}")

    @app.command("clues")
    def clues_cmd(rule: str | None = typer.Option(None, "--rule", help="Only clues of this pattern id."),
                  status: str | None = typer.Option(None, "--status", help="new, confirmed or dismissed."),
                  min_score: float | None = typer.Option(None, "--min-score"),
                  fmt: str = typer.Option("table", "--format", help="table or json"),
                  directory: Path | None = typer.Option(None, "--dir", help="Clue repository (default KG_CLUES_DIR).")
                  ) -> None:
        """List stored clues (from `kg run --save` and the API), best score first, with their review status."""
        from kg.clues import ClueRepo
        from kg.settings import get_settings

        repo = ClueRepo(directory or Path(get_settings().clues_dir))
        rows = repo.list(rule, status, min_score)
        if fmt == "json":
            typer.echo(json.dumps(rows, ensure_ascii=False, indent=1, sort_keys=True, default=str))
            return
        t = Table(title=f"{len(rows)} stored clues")
        for col in ("clue", "pattern", "score", "status", "explanation"):
            t.add_column(col)
        for r in rows:
            t.add_row(r["id"], r["rule_id"], f"{r['score']:g}", r["status"], r["explanation_zh"])
        console.print(t)

    @app.command("run")
    def run(pattern_id: str = typer.Argument(..., help="Pattern id, e.g. generic.fan_in."),
            param: list[str] = typer.Option([], "--param", "-p", help="Parameter k=v (repeatable)."),
            fmt: str = typer.Option("table", "--format", help="table, json or csv"),
            limit: int | None = typer.Option(None, "--limit", help="Show at most this many clues."),
            save: bool = typer.Option(False, "--save", help="Keep the clues in the clue repository (kg clues)."),
            store: str | None = typer.Option(None, "--store", help="Store URL (default: KG_STORE_URL).")) -> None:
        """Run a pattern on the store and print its clues, best first."""
        from kg.patterns import default_library
        from kg.store import open_store

        if fmt not in FORMATS:
            raise typer.BadParameter(f"--format must be one of {', '.join(FORMATS)}")
        try:
            p = default_library().get(pattern_id)
            params = p.bind(parse_params(param))
            with open_store(store) as st:
                clues = p.run(st, params)
            if save:
                import secrets

                from kg.clues import ClueRepo
                from kg.settings import get_settings

                new = ClueRepo(Path(get_settings().clues_dir)).add([c.as_dict() for c in clues],
                                                                   run_id=f"cli-{secrets.token_hex(6)}")
                err_console.print(f"saved {new} new clue(s) to {get_settings().clues_dir}")
        except KGError as exc:
            _fail(exc)
            return
        shown = clues if limit is None else clues[:limit]
        if fmt == "json":
            typer.echo(json.dumps([c.as_dict() for c in shown], ensure_ascii=False, indent=1, sort_keys=True))
        elif fmt == "csv":
            buf = io.StringIO()
            w = csv.writer(buf)
            w.writerow(["rank", "clue_id", "rule_id", "rule_version", "score", "clue_members", "explanation_zh",
                        *p.returns])
            for i, c in enumerate(shown, start=1):
                w.writerow([i, c.id, c.rule_id, c.rule_version, c.score, ";".join(c.members), c.explanation_zh,
                            *[_cell(c.row.get(col)) for col in p.returns]])
            typer.echo(buf.getvalue(), nl=False)
        else:
            t = Table(title=f"{p.id} v{p.version}: {len(clues)} clues")
            for col in ("#", "score", "clue", "members", "explanation"):
                t.add_column(col)
            for i, c in enumerate(shown, start=1):
                t.add_row(str(i), f"{c.score:g}", c.id, str(len(c.members)), c.explanation_zh)
            console.print(t)
