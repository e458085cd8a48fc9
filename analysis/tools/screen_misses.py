"""List the safeguarding screen's misses and false alarms on development sets, row by row.

    python -m analysis.tools.screen_misses blind_a blind_b [--ordinary] [--missed|--alarms|--urgent]

Only for sets that are development data (tests/data/safeguarding_blind.md says which): never run
it on a set kept blind. `--ordinary` lists false alarms on the project's ordinary feedback.
"""

from __future__ import annotations

import sys

from analysis.evaluate import DATA_DIR, SAFEGUARDING_SETS, ordinary_feedback, read_screened
from analysis.safeguarding import screen

_BLIND_LATER = ("blind_f", "blind3")  # sets for later evaluation: never listed


def _rows(name: str):
    if any(tag in name for tag in _BLIND_LATER):
        raise SystemExit(f"{name} is kept blind: not listed")
    return read_screened(DATA_DIR / f"safeguarding_{name}.csv")


def main(argv: list[str]) -> None:
    names = [arg for arg in argv if not arg.startswith("--")]
    flags = {arg for arg in argv if arg.startswith("--")}
    show_all = not flags & {"--missed", "--alarms", "--urgent"}
    sets = [(name, _rows(name)) for name in names]
    if "--ordinary" in flags:
        own = [read_screened(DATA_DIR / file) for file in SAFEGUARDING_SETS if "blind" not in file]
        sets.append(("ordinary", ordinary_feedback(own)))
    for name, rows in sets:
        for row in rows:
            result = screen(row.text, row.audience)
            gold, said = row.tier, result.tier
            if gold and not said and (show_all or "--missed" in flags):
                print(f"MISS  {name} [{row.audience}] gold={gold}: {row.text}")
            elif not gold and said and (show_all or "--alarms" in flags):
                print(f"ALARM {name} [{row.audience}] {said}: {result.reason} :: {row.text}")
            elif gold != "urgent" and said == "urgent" and (show_all or "--urgent" in flags):
                print(f"URG   {name} [{row.audience}] gold={gold}: {result.reason} :: {row.text}")


if __name__ == "__main__":
    main(sys.argv[1:])
