"""Notebook views, measured side by side with pandas in one run.

- The HTML table of 100,000 chemistry/qed predictions (molecules drawn by the chemistry plugin)
  against pandas' own notebook HTML of the same rows as a DataFrame (it truncates too): seconds and
  size. The hub's table must stay under a second and under 1 MB whatever the row count.
- The DataFrame round trip, ``hub.predict(model, frame, column=...)``, against predicting the
  column's list and joining the flat records to the frame by hand (the frame path's overhead).
Run: python benchmarks/display.py [predictions]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd

import specialist_hub as hub
from specialist_hub import Predictions

DELANEY = Path(__file__).resolve().parents[1] / "plugins/chemistry/tests/data/delaney.csv"


def seconds(function, repeats: int = 3) -> float:
    """The best of ``repeats`` wall times."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def main(count: int) -> None:
    smiles = pd.read_csv(DELANEY)["smiles"].tolist()
    computed = hub.predict("chemistry/qed", smiles, quiet=True)
    many = Predictions((computed * (count // len(computed) + 1))[:count], computed.context)
    frame = many.to_dataframe()
    hub_html, pandas_html = many._repr_html_(), frame._repr_html_()
    hub_time, pandas_time = seconds(many._repr_html_), seconds(frame._repr_html_)
    hub_rows, pandas_rows = hub_html.count("<tr class="), pandas_html.count("<tr>") - 1  # less its "..." row
    print(f"HTML of {count:,} predictions: hub {hub_time:.3f} s, {len(hub_html.encode()) / 1e3:.0f} kB "
          f"({hub_rows} rows, molecules drawn); pandas {pandas_time:.3f} s, {len(pandas_html.encode()) / 1e3:.0f} kB "
          f"({pandas_rows} rows, text); time ratio hub/pandas {hub_time / pandas_time:.2f}")

    library = pd.DataFrame({"smiles": smiles, "measured": range(len(smiles))}, index=range(len(smiles), 0, -1))

    def by_hand():
        flat = hub.predict("chemistry/qed", library["smiles"].tolist(), quiet=True).to_dataframe()
        flat.index = library.index
        return pd.concat([library, flat.drop(columns=["position", "id", "input"])], axis=1)

    frame_time = seconds(lambda: hub.predict("chemistry/qed", library, column="smiles", quiet=True))
    hand_time = seconds(by_hand)
    print(f"DataFrame round trip of {len(library):,} molecules: hub.predict(frame) {frame_time:.3f} s, "
          f"list + join by hand {hand_time:.3f} s; ratio {frame_time / hand_time:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
