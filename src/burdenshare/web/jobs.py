"""Explorer runs off the request path: a worker thread runs each analysis, recording its stage
and progress in the ``web_runs`` table (the page polls it); results go to the DuckDB store the
CLI uses (``<data dir>/results.duckdb``, kind ``web-analyze``) and the run's own folder
(``<data dir>/runs/<run id>/``: report, DuckDB file, CSVs). Run folders are named by the app's
own random ids, never by user input. Runs still queued or running when the server stopped are
queued again at start-up.
"""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy import select

from burdenshare.web import services
from burdenshare.web.db import Database, runs, utcnow
from burdenshare.web.security import new_id

log = logging.getLogger("burdenshare.web")


class Jobs:
    def __init__(self, db: Database, data_dir: Path, workers: int = 1):
        self.db = db
        self.data_dir = data_dir
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="analysis")

    def run_dir(self, run_id: str) -> Path:
        return self.data_dir / "runs" / run_id

    def submit(
        self, scenario: str, text: str | None, overrides: dict[str, Any], seed: int = 0
    ) -> str:
        """Check the inputs now (errors come back at once), then queue the analysis."""
        sc = services.with_inputs(services.load(scenario, text), overrides)
        del sc
        run_id = new_id()
        with self.db.write() as c:
            c.execute(
                runs.insert().values(
                    id=run_id,
                    created_at=utcnow(),
                    status="queued",
                    stage="queued",
                    progress=0.0,
                    scenario=scenario,
                    scenario_toml=text,
                    overrides=json.dumps(overrides, default=str),
                    seed=seed,
                )
            )
        self.pool.submit(self._work, run_id)
        return run_id

    def resume(self) -> None:
        with self.db.read() as c:
            ids = c.execute(select(runs.c.id).where(runs.c.status.in_(("queued", "running")))).all()
        for (run_id,) in ids:
            self.pool.submit(self._work, run_id)

    def _update(self, run_id: str, **values: Any) -> None:
        with self.db.write() as c:
            c.execute(runs.update().where(runs.c.id == run_id).values(**values))

    def _work(self, run_id: str) -> None:
        with self.db.read() as c:
            row = c.execute(select(runs).where(runs.c.id == run_id)).first()
        if row is None:
            return
        self._update(run_id, status="running", stage="loading the scenario", progress=0.05)
        try:
            overrides = json.loads(row.overrides or "{}")
            sc = services.with_inputs(services.load(row.scenario, row.scenario_toml), overrides)
            result = services.analyze_run(
                sc,
                seed=int(row.seed),
                out_dir=self.run_dir(run_id),
                store_path=self.data_dir / "results.duckdb",
                progress=lambda stage, p: self._update(run_id, stage=stage, progress=p),
            )
            self._update(
                run_id,
                status="done",
                stage="done",
                progress=1.0,
                finished_at=utcnow(),
                result=json.dumps(result["summary"]),
                store_run_id=result["store_run_id"],
                errors=json.dumps({"tables": result["tables"]}),
            )
        except services.BurdenshareError as exc:
            self._update(
                run_id,
                status="failed",
                stage="failed",
                finished_at=utcnow(),
                errors=json.dumps({"problems": services.problems(exc)}),
            )
        except Exception as exc:  # the page says the run failed; the log has the traceback
            log.exception("run %s failed", run_id)
            self._update(
                run_id,
                status="failed",
                stage="failed",
                finished_at=utcnow(),
                errors=json.dumps({"problems": [f"internal error: {type(exc).__name__}"]}),
            )

    def get(self, run_id: str) -> Any:
        with self.db.read() as c:
            return c.execute(select(runs).where(runs.c.id == run_id)).first()

    def shutdown(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
