"""``kg serve``, ``kg api create-key`` and ``kg audit verify`` (wired by :func:`register`)."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Add ``serve``, ``api create-key`` and ``audit verify`` to the ``kg`` command."""
    api_app = typer.Typer(help="The HTTP API: keys.", no_args_is_help=True)
    audit_app = typer.Typer(help="The API's hash-chained audit stream.", no_args_is_help=True)
    app.add_typer(api_app, name="api")
    app.add_typer(audit_app, name="audit")

    @app.command("serve")
    def serve(host: str = typer.Option("127.0.0.1", help="Bind address (loopback by default)."),
              port: int = typer.Option(8000, help="TCP port."),
              store: str | None = typer.Option(None, "--store", help="Store URL (default KG_STORE_URL)."),
              workers_threads: int = typer.Option(40, "--threads", help="Worker threads per process for "
                                                                      "blocking handlers."),
              workers: int = typer.Option(1, "--workers", min=1, max=64,
                                          help="uvicorn worker processes; audit chain, rate limits and jobs "
                                               "are shared through the data dir."),
              ) -> None:
        """Serve the API with uvicorn (no TLS here: put a TLS proxy in front off loopback).

        Every worker process builds its own app with :func:`api.app.create_app` (the store
        from ``KG_STORE_URL`` / ``--store``, settings from ``KG_API_*``).
        """
        import os

        import uvicorn

        if store:
            os.environ["KG_STORE_URL"] = store
        os.environ["KG_API_THREADS"] = str(workers_threads)
        uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers,
                    log_level="info", access_log=False)

    @api_app.command("create-key")
    def create_key(role: str = typer.Option(..., "--role", help="viewer, analyst or admin"),
                   note: str = typer.Option("", help="A note kept with the key (no personal data)."),
                   data_dir: Path | None = typer.Option(None, help="Default KG_API_DATA_DIR.")) -> None:
        """Create an API key; print it once (only its SHA-256 is kept)."""
        from api.auth import ROLES, KeyStore
        from api.settings import ApiSettings

        if role not in ROLES:
            raise typer.BadParameter(f"role must be one of {sorted(ROLES)}")
        key = KeyStore(data_dir or ApiSettings().data_dir).create(role, note)
        typer.echo(key)

    @audit_app.command("verify")
    def verify(path: Path | None = typer.Argument(None, help="Audit file (default <data dir>/audit.jsonl).")) -> None:
        """Check the audit hash chain; exit 1 if any record was edited, removed or reordered."""
        from api.audit import verify_audit
        from api.settings import ApiSettings

        rep = verify_audit(path or ApiSettings().data_dir / "audit.jsonl")
        for p in rep.problems[:50]:
            typer.echo(p, err=True)
        typer.echo(f"{'ok' if rep.ok else 'BROKEN'}: {rep.records} records, head {rep.head[:16]}")
        raise typer.Exit(0 if rep.ok else 1)
