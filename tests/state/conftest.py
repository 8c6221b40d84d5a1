from collections.abc import Iterator
from pathlib import Path

import pytest

from fogbank.state import Database, open_database


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path, fsync=False)
    yield database
    database.close()
