"""Reference vocabularies for specifications: ISCED-F 2013 fields, ISO 3166 countries, ISO 639-1 languages."""
import csv
from functools import cache
from pathlib import Path

from babel import Locale

ISCED_FILE = Path(__file__).parent.parent / "data" / "isced-f-2013.csv"

# Babel's territory list also holds regions and private-use codes that are not ISO 3166-1 countries.
_NOT_COUNTRIES = {"EU", "EZ", "QO", "UN", "ZZ"}


@cache
def isced_fields() -> dict[str, str]:
    """ISCED-F 2013 field codes (2–4 digits) mapped to their English names, from the shipped CSV."""
    with ISCED_FILE.open(encoding="utf-8") as handle:
        return {row["code"]: row["name_en"] for row in csv.DictReader(handle)}


def isced_name(code: str | None) -> str:
    """The English name of an ISCED-F code, or an empty string."""
    return isced_fields().get(code or "", "")


@cache
def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 country codes mapped to English names, sorted by name."""
    names = {
        code: name for code, name in Locale("en").territories.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES and not code.startswith("X")
    }
    return dict(sorted(names.items(), key=lambda item: item[1]))


def country_name(code: str | None) -> str:
    """The English name of a country code, or the code itself when unknown."""
    return countries().get(code or "", code or "")


@cache
def languages() -> dict[str, str]:
    """ISO 639-1 two-letter language codes mapped to English names."""
    return {code: name for code, name in Locale("en").languages.items() if len(code) == 2 and code.isalpha()}


def language_name(code: str | None) -> str:
    """The English name of a language code, or the code itself when unknown."""
    return languages().get(code or "", code or "")
