"""The service registry: what each package is declared to provide, and packages imported on first use."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fogbank.services import (
    PACKAGES,
    outbox_consumers,
    outbox_give_up,
    registry,
    scheduled_jobs,
    service_routes,
)


def test_each_declaration_is_what_its_package_registers() -> None:
    for package in PACKAGES:
        service = registry()[package.name]
        assert service.name == package.name
        assert package.jobs == tuple(service.jobs), package.name
        assert package.topics == tuple(service.consumers), package.name
        assert package.routes == tuple(service.routes), package.name
        assert service.schema == (package.schema_sql() if package.schema else None), package.name


def test_jobs_consumers_and_routes_are_their_packages_own() -> None:
    services = list(registry().values())
    assert dict(scheduled_jobs()) == {kind: job for s in services for kind, job in s.jobs.items()}
    assert dict(outbox_consumers()) == {topic: c for s in services for topic, c in s.consumers.items()}
    assert {topic: kind for topic, kind in outbox_give_up().items() if kind} == {
        topic: kind for s in services for topic, kind in s.give_up.items()
    }
    assert dict(service_routes()) == {path: route for s in services for path, route in s.routes.items()}


def test_unknown_services_are_not_in_the_registry() -> None:
    assert "lambda" not in registry()
    assert registry().get("lambda") is None
    assert list(registry()) == [package.name for package in PACKAGES]


_START = """
import sys
from pathlib import Path

from fogbank.config import Settings
from fogbank.protocols.http import HttpRequest
from fogbank.server import App
from fogbank.services import PACKAGES


def imported():
    return {name.split(".")[2] for name in sys.modules if name.startswith("fogbank.services.")}


app = App(Settings.from_env(data_dir=Path(sys.argv[1])))
app.start()
try:
    assert imported() <= {"iam"}, imported()  # authenticating any request reads IAM's access keys
    with app.db.transaction(write=False) as tx:
        migrated = {row[0] for row in tx.execute("SELECT service FROM schema_versions")}
    assert migrated >= {package.name for package in PACKAGES if package.schema}, migrated
    assert app.handle(HttpRequest("GET", "/_fogbank/health")).status == 200
    assert imported() <= {"iam"}, imported()
    assert app.handle(HttpRequest("GET", "/_fogbank/ses")).status == 200
    assert "ses" in imported() and "dynamodb" not in imported(), imported()
finally:
    app.stop()
"""


def test_the_server_starts_without_importing_service_packages(tmp_path: Path) -> None:
    """Every schema is migrated at start, but a package is imported only when something first needs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOGBANK_")}
    subprocess.run([sys.executable, "-c", _START, str(tmp_path)], check=True, env=env, timeout=60)
