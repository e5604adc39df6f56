"""``burdenshare serve``: the web app on uvicorn."""

from pathlib import Path

import typer

from burdenshare.cli.main import app, user_errors


@app.command("serve")
@user_errors
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    database_url: str = typer.Option(
        None,
        "--database-url",
        help="postgresql://user:pass@host/db, or sqlite:///file (default: SQLite in --data-dir).",
        show_default=False,
    ),
    data_dir: Path = typer.Option(  # noqa: B008
        Path("burdenshare-data"),
        "--data-dir",
        help="Folder for the SQLite file, explorer runs and their DuckDB store.",
    ),
) -> None:
    """Serve the web app: scenario explorer, role-play with private briefs, classroom runs.

    Examples:

      burdenshare serve

      burdenshare serve --host 0.0.0.0 --port 8080 --database-url postgresql://u:p@db/burdenshare
    """
    try:
        import uvicorn

        from burdenshare.web.app import create_app
    except ImportError as exc:  # the web extras are not installed
        typer.echo(
            f"error: the web app needs its extras: pip install 'burdenshare[web]' ({exc})",
            err=True,
        )
        raise typer.Exit(2) from None
    web_app = create_app(database_url, data_dir=data_dir)
    typer.echo(f"burdenshare web app on http://{host}:{port}/ (data in {data_dir})")
    uvicorn.run(web_app, host=host, port=port, log_level="warning", access_log=False)
