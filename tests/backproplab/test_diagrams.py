from pathlib import Path

from backproplab.diagrams import FIGURES, write_figures

FIGURES_DIR = Path(__file__).resolve().parents[2] / "figures"


def test_committed_figures_are_what_the_code_draws(tmp_path):
    for path in write_figures(tmp_path):
        committed = FIGURES_DIR / path.name
        assert committed.is_file(), f"{committed} is missing: run python -m backproplab.diagrams"
        assert committed.read_bytes() == path.read_bytes(), (
            f"{committed} is stale: run python -m backproplab.diagrams")
    assert len(FIGURES) == len(list(tmp_path.iterdir()))
