"""The lesson's checkout outage, imported and exported in every format, against reviewed files.

To regenerate after an intended change: `WARROOM_UPDATE_GOLDEN=1 python -m pytest
tests/exporters/test_golden.py`, then review the diff by eye.
"""

import os
from pathlib import Path

import pytest

from tests.conftest import T0
from warroom.cli.main import main
from warroom.domain.clock import FrozenClock

DATA = Path(__file__).parent.parent / "data"
GOLDEN = DATA / "golden"


@pytest.mark.parametrize("name", ["md", "json", "toml", "html"])
def test_golden_export(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "warroom.db")
    clock = FrozenClock(T0)
    assert main(["--db", db, "import", str(DATA / "checkout-outage.json")], clock=clock) == 0
    assert capsys.readouterr().out == "INC-1\n"
    output = tmp_path / f"checkout-outage.{name}"
    assert main(["--db", db, "export", "INC-1", "-o", str(output)], clock=clock) == 0
    assert capsys.readouterr() == ("", "")  # published and blameless: nothing to warn about
    golden = GOLDEN / f"checkout-outage.{name}"
    if os.environ.get("WARROOM_UPDATE_GOLDEN"):
        golden.write_bytes(output.read_bytes())
    assert output.read_text(encoding="utf-8") == golden.read_text(encoding="utf-8")
