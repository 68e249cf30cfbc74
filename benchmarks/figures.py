"""What every benchmark writes with ``--json PATH``: its figures as rows, gathered into one table by ``run_all.py``.

The file is one JSON object: what the run was (Python, sizes, the raw timings: each script its own) and
``figures``, a list of rows, one figure against the baseline measured in the same run:

- ``figure``, ``value``, ``unit``: what was measured and how much;
- ``baseline``, ``baseline_value``: what it is measured against, in the same unit (None when there is none);
- ``ratio``: as the script prints it: value / baseline, or baseline / value for a speed-up (the target says so);
- ``target``: the project's stated target as text (``"<= 2x"``, ``"<= 200 KB gzip"``), None where none is stated;
- ``met``: True or False against the target; None without a target.
"""

import json
from pathlib import Path


def _rounded(value):
    return round(value, 4) if isinstance(value, float) else value


def figure(
    name: str,
    value: float,
    unit: str,
    *,
    baseline: str | None = None,
    baseline_value: float | None = None,
    ratio: float | None = None,
    target: str | None = None,
    met: bool | None = None,
) -> dict:
    """One row; a target without a verdict (or a verdict without a target) is a mistake in the script."""
    if (target is None) != (met is None):
        raise ValueError(f"{name}: a target needs met True/False, and met needs a target.")
    return {
        "figure": name,
        "value": _rounded(value),
        "unit": unit,
        "baseline": baseline,
        "baseline_value": _rounded(baseline_value),
        "ratio": _rounded(ratio),
        "target": target,
        "met": None if met is None else bool(met),
    }


def write_figures(path: Path, summary: dict, rows: list[dict]) -> None:
    """``summary`` (what the run was) and ``rows`` (its figures) as one JSON object at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({**summary, "figures": rows}, indent=2, ensure_ascii=False, default=str)
    path.write_text(text + "\n", encoding="utf-8")
