"""``kg``: the command line, thin over the library."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from kg import __version__
from kg.cli_patterns import parse_json_params
from kg.errors import KGError

app = typer.Typer(help="cluegraph: graph investigations for legal-supervision models.", no_args_is_help=True,
                  add_completion=False)
store_app = typer.Typer(help="Manage the graph store.", no_args_is_help=True)
schema_app = typer.Typer(help="The investigation model.", no_args_is_help=True)
app.add_typer(store_app, name="store")
app.add_typer(schema_app, name="schema")
console = Console()
err = Console(stderr=True)

StoreOpt = typer.Option(None, "--store", help="Store URL (default: KG_STORE_URL or the embedded falkordb://./.cluegraph/graph).")


def _open(url: str | None, **kw):  # noqa: ANN202
    from kg.store import open_store

    return open_store(url, **kw)


@app.command()
def version() -> None:
    """Print the version."""
    console.print(f"cluegraph {__version__}")


@app.command()
def demo(store: str | None = StoreOpt,
         out: Path = typer.Option(Path("out/demo"), "--out", help="Where the scenario, clues and bundle are written."),
         seed: int = typer.Option(1, help="Scenario seed."),
         scale: str = typer.Option("demo", help="Scenario scale: tiny or demo."),
         finbench: bool = typer.Option(False, "--finbench", help="Also load the LDBC FinBench example graph."),
         fresh: bool = typer.Option(True, "--fresh/--keep", help="Clear the graph first.")) -> None:
    """The main job: generate a scenario, ingest it, run every pattern, rank clues, bundle the top clue."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from kg.demo import run_demo

    with _open(store) as st:
        if fresh:
            st.clear()
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err,
                      transient=True) as prog:
            task = prog.add_task("starting", total=None)
            summary = run_demo(st, out, seed=seed, scale=scale, finbench=finbench,
                               progress=lambda msg: prog.update(task, description=msg))
    t = Table(title=f"线索 clues by pattern ({summary['backend']}, scenario {summary['scale']} seed {summary['seed']})")
    for col in ("pattern", "规则", "clues", "planted rings found"):
        t.add_column(col)
    for row in sorted(summary["patterns"], key=lambda r: (-r["clues"], r["pattern"])):
        found = f"{len(row['rings_found'])}/{row['planted_rings']}" if row["planted_rings"] else "–"
        t.add_row(row["pattern"], row["title_zh"], str(row["clues"]), found)
    console.print(t)
    ing, g = summary["ingest"], summary["graph"]
    console.print(f"graph: {g['nodes']} nodes, {g['relationships']} relationships; "
                  f"ingested {ing.get('records_read')} records and {ing.get('documents')} documents, "
                  f"quarantined {ing.get('quarantined')}")
    res = summary["resolution"]
    console.print(f"entity resolution: {res['same_as']} SAME_AS and {res['not_same_as']} NOT_SAME_AS judgements, "
                  f"{res['merged_nodes']} nodes in {res['clusters']} clusters")
    top = summary["top_clue"]
    if top:
        console.print(f"top clue: {top['rule_id']} score {top['score']}: {top['explanation_zh']}", highlight=False)
        console.print(f"  matches planted ring(s): {', '.join(summary['top_clue_rings']) or 'none'}")
    for k, v in summary["outputs"].items():
        if v:
            console.print(f"{k}: {v}")
    console.print(f"done in {summary['seconds']['total']} s")


@app.command()
def load(mapping: str = typer.Argument(..., help="Mapping name, e.g. finbench."),
         folder: Path = typer.Argument(..., exists=True, file_okay=False),
         store: str | None = StoreOpt,
         dataset: str | None = typer.Option(None, help="Dataset name (default: the mapping)."),
         quarantine: Path = typer.Option(Path("quarantine.jsonl"), help="Quarantine file.")) -> None:
    """Load a delimited dataset through a packaged mapping (idempotent)."""
    from kg.datasets import load_mapped_dataset

    with _open(store) as st:
        st.apply_schema()
        s = load_mapped_dataset(st, mapping, folder, dataset=dataset, quarantine_file=quarantine)
    console.print_json(json.dumps(s.as_dict()))


@app.command()
def query(cypher: str = typer.Argument(..., help="A read-only Cypher query."),
          param: list[str] = typer.Option([], "--param", "-p", help="k=v (JSON values)."),
          store: str | None = StoreOpt) -> None:
    """Run a read-only, parameterised query and print rows as JSON lines."""
    from kg.jsonable import jsonable

    with _open(store) as st:
        for row in st.query(cypher, parse_json_params(param)):
            console.print(json.dumps(jsonable(row), ensure_ascii=False, sort_keys=True), soft_wrap=True)


@store_app.command("start")
def store_start(store: str | None = StoreOpt) -> None:
    """Start the embedded server and leave it running (notebooks, API and CLI share it)."""
    with _open(store, keep_server=True) as st:
        console.print(f"running: {st.server_version()}")


@store_app.command("stop")
def store_stop(store: str | None = StoreOpt) -> None:
    """Stop the embedded server cleanly."""
    from kg.settings import get_settings
    from kg.store import parse_store_url
    from kg.store.embedded import EmbeddedServer

    backend, loc = parse_store_url(store or get_settings().store_url)
    if backend != "falkordb":
        raise typer.BadParameter("only the embedded store is started and stopped by kg")
    EmbeddedServer(loc).stop()
    console.print("stopped")


@store_app.command("status")
def store_status(store: str | None = StoreOpt) -> None:
    """Backend, version and counts."""
    with _open(store) as st:
        console.print_json(json.dumps({"backend": st.server_version(), **st.count()}))


@store_app.command("init")
def store_init(store: str | None = StoreOpt) -> None:
    """Apply the model's constraints and indexes."""
    with _open(store) as st:
        console.print(f"applied {st.apply_schema()} schema statements")


@store_app.command("export")
def store_export(out: Path = typer.Argument(..., help="JSON-lines file."), store: str | None = StoreOpt) -> None:
    """Export the whole graph (nodes then relationships, with provenance) as JSON lines."""

    from kg.jsonable import jsonable
    from kg.store.base import Node

    n = 0
    with _open(store) as st, open(out, "w", encoding="utf-8") as fh:
        for item in st.export():
            kind = "node" if isinstance(item, Node) else "relationship"
            fh.write(json.dumps({"kind": kind, **jsonable(item)}, ensure_ascii=False, sort_keys=True) + "\n")
            n += 1
    console.print(f"wrote {n} elements to {out}")


@store_app.command("copy")
def store_copy(to: str = typer.Option(..., "--to", help="URL of the empty target store (falkordb://DIR or bolt://...)."),
               store: str | None = StoreOpt,
               page: int = typer.Option(5000, min=1, help="Source elements read per query."),
               batch: int = typer.Option(5000, min=1, help="Elements written per query."),
               verify: bool = typer.Option(False, "--verify", help="Compare the graph checksums of both stores "
                                           "afterwards (reads both graphs again)."),
               no_progress: bool = typer.Option(False, "--no-progress", help="No progress bar.")) -> None:
    """Copy the whole graph (every fact with its provenance) into another, empty store."""
    from tqdm import tqdm

    from extractors.ingest import graph_checksum
    from kg.store.copy import copy_graph

    with _open(store) as src, _open(to) as dst:
        total = src.count()
        bars = {k: tqdm(total=total[k], desc=f"copy {k}", unit=k[:4], disable=no_progress)
                for k in ("nodes", "relationships")}

        def tick(kind: str, n: int) -> None:
            bars[kind].update(n - bars[kind].n)

        try:
            summary = copy_graph(src, dst, page=page, batch=batch, progress=tick)
        except KGError as e:
            err.print(f"[red]{e}[/red]")
            raise typer.Exit(2) from e
        finally:
            for b in bars.values():
                b.close()
        out = summary.as_dict()
        if verify:
            out["checksum_equal"] = graph_checksum(src) == graph_checksum(dst)
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
        if verify and not out["checksum_equal"]:
            raise typer.Exit(1)


@store_app.command("delete-dataset")
def store_delete_dataset(dataset: str, store: str | None = StoreOpt) -> None:
    """Delete a dataset (elements only in it go; shared ones keep their other datasets)."""
    with _open(store) as st:
        console.print_json(json.dumps(st.delete_dataset(dataset)))


@schema_app.command("show")
def schema_show() -> None:
    """List node and relationship types with their Chinese titles."""
    from kg.model import load_model

    m = load_model()
    t = Table(title="node types")
    for c in ("label", "中文", "key", "properties"):
        t.add_column(c)
    for n in m.nodes.values():
        t.add_row(n.label, n.title_zh, ",".join(n.key), str(len(n.properties)))
    console.print(t)
    r = Table(title="relationship types")
    for c in ("type", "中文", "from", "to"):
        r.add_column(c)
    for rt in m.relationships.values():
        r.add_row(rt.type, rt.title_zh, ",".join(rt.from_labels), ",".join(rt.to_labels))
    console.print(r)


@schema_app.command("ddl")
def schema_ddl(backend: str = typer.Option("neo4j", help="neo4j or falkordb")) -> None:
    """Print the constraint and index statements for a backend (no connection needed).

    The output is the file ``cypher/schema/<backend>.cypher`` (``kg schema ddl --backend B >
    cypher/schema/B.cypher`` regenerates it); plain text, never console markup.
    """
    from kg.store.ddl import ddl_text

    sys.stdout.write(ddl_text(backend))


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def ingest(ctx: typer.Context) -> None:
    """Ingest agency records (CSV/XLSX/JSONL) and documents, then resolve entities (--no-resolve to skip).

    Arguments are those of ``python -m extractors.ingest`` (``PATH... --store URL --dataset NAME
    --checkpoint-dir D --quarantine F --type MAPPING --resolve-log F``); ``kg ingest --help-ingest``
    lists them.
    """
    from extractors.ingest import main as ingest_main

    args = list(ctx.args)
    if "--help-ingest" in args:
        args = ["--help"]
    elif "--no-resolve" in args:
        args.remove("--no-resolve")
    elif "--resolve" not in args:
        args.append("--resolve")  # kg ingest resolves entities unless told not to
    raise typer.Exit(ingest_main(args))


@app.command()
def extract(paths: list[Path] = typer.Argument(..., exists=True, help="Documents (.txt) or folders."),
            jsonl: bool = typer.Option(True, "--jsonl/--no-jsonl", help="One JSON object per mention and relation.")
            ) -> None:
    """Extract entities and relations from Chinese case documents (no store is touched)."""
    from extractors.documents.__main__ import main as extract_main

    args = [str(p) for p in paths] + (["--jsonl"] if jsonl else [])
    raise typer.Exit(extract_main(args))


@app.command()
def synth(scale: str = typer.Option("demo", help="tiny, demo or bench"), seed: int = typer.Option(1),
          out: Path = typer.Option(Path("out/synth"))) -> None:
    """Generate a scenario: agency records, case documents, planted rings and ground truth."""
    from kg.synth import generate

    summary = generate(scale, seed, out, progress=True)
    console.print_json(json.dumps(summary, ensure_ascii=False, default=str))


def _register_subcommands() -> None:
    from kg.cli_api import register as register_api
    from kg.cli_bundle import register as register_bundle
    from kg.cli_patterns import register as register_patterns
    from kg.cli_resolve import register as register_resolve

    register_patterns(app)
    register_bundle(app)
    register_api(app)
    register_resolve(app)


_register_subcommands()


def main() -> None:
    """Entry point of the ``kg`` console script."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        app()
    except KGError as exc:
        from rich.markup import escape

        err.print(f"[red]error[/red] {escape(f'[{exc.code}] {exc}')}")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
