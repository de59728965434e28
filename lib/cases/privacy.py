"""The privacy check (AVG): finds personal data of citizens in case text before it is stored.

`scan(text)` returns findings with character offsets, so a page can highlight them in place. A BSN or
an IBAN blocks saving; the other kinds need the submitter's explicit confirmation that the case is
anonymised. Numbers are validated (the BSN 11-proef and the IBAN checksum via python-stdnum), so a
dossier number or an amount is not flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum import iban as stdnum_iban
from stdnum.nl import bsn as stdnum_bsn

BLOCKING_KINDS = frozenset({"bsn", "iban"})

KIND_LABELS = {
    "bsn": "BSN",
    "iban": "IBAN (rekeningnummer)",
    "phone": "telefoonnummer",
    "email": "e-mailadres",
    "address": "adres of postcode",
    "birthdate": "geboortedatum",
}

ADVICE = {
    "bsn": "Verwijder het burgerservicenummer: een casus met een BSN kan niet worden opgeslagen.",
    "iban": "Verwijder het rekeningnummer: een casus met een IBAN kan niet worden opgeslagen.",
    "phone": "Laat het telefoonnummer weg; het is voor de bespreking niet nodig.",
    "email": "Laat het e-mailadres weg of vervang het door de rol, zoals 'de huurconsulent'.",
    "address": "Noem geen straat, huisnummer of postcode; 'in de wijk' is genoeg.",
    "birthdate": "Noem een leeftijd (zoals 'begin dertig') in plaats van de geboortedatum.",
}


@dataclass(frozen=True)
class Finding:
    kind: str  # one of KIND_LABELS
    start: int
    end: int
    text: str

    @property
    def blocking(self) -> bool:
        return self.kind in BLOCKING_KINDS


_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

# A country code and check digits, then blocks of letters/digits with at most single spaces.
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}")
_IBAN_BODY = re.compile(r"(?: ?[A-Za-z0-9])+")

# Nine digits, optionally grouped with single dots or spaces (123.456.782, 1234 56 782).
_NINE_DIGITS = re.compile(r"(?<![\d.,])(?<!\d[ .])\d(?:[ .]?\d){8}(?![ .,]?\d)")

# Dutch phone numbers: 0 + nine digits (06-12345678, 0412-123456, 0412 12 34 56, (0412) 123456),
# or +31 / 0031 + nine digits (+31 6 12345678, +31 (0)412 123456).
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"(?:\+|00)31[\s-]?(?:\(0\)[\s-]?)?[1-9](?:[\s-]?\d){8}"
    r"|\(0[1-9]\d{0,2}\)[\s-]?\d(?:[\s-]?\d){4,7}"
    r"|0[\s-]?[1-9](?:[\s-]?\d){8}"
    r")(?![\d:])"
)
_IBAN_PREFIX = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2} ?(?:[A-Za-z0-9]{4} ?)*$")
_DATE_LIKE = re.compile(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")

_STREET_SUFFIXES = (
    "straat|laan|weg|plein|singel|gracht|kade|dijk|steeg|dreef|hof|pad|park|markt|boulevard|plantsoen|"
    "allee|haven|wal|veste|burcht|erf|hoeve|akker|weide|baan"
)
_STREET = re.compile(
    rf"(?<![\w-])[A-Za-zÀ-ÿ'-]{{2,}}(?:{_STREET_SUFFIXES})\s+"
    r"(?!(?:19|20)\d\d\b)[1-9]\d{0,3}(?:\s?[a-zA-Z]\b|[-/]\d{1,4}\b)?(?![\d,.]\d)",
)
# Postcode: four digits (not starting with 0) and two capitals, except SA, SD and SS (never issued).
_POSTCODE = re.compile(r"(?<![\w-])[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}(?![\w])(?:\s+[A-Z][a-zà-ÿ'-]+)?")
_ADDRESS_GAP = re.compile(r"^[\s,]{0,3}$")

_MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    r"jan\.?|feb\.?|mrt\.?|apr\.?|jun\.?|jul\.?|aug\.?|sep\.?|sept\.?|okt\.?|nov\.?|dec\.?"
)
_DATE = (
    rf"(?:\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:\d{{4}}|\d{{2}})|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|\d{{1,2}}\s+(?:{_MONTHS})\s+\d{{4}})"
)
_BIRTHDATE = re.compile(rf"\b(?:geboren|geb\.|geboortedatum)[^\d\n]{{0,25}}?(?P<date>{_DATE})(?!\d)", re.IGNORECASE)


def _ibans(text: str) -> list[Finding]:
    found = []
    for start_match in _IBAN_START.finditer(text):
        start = start_match.start()
        body = _IBAN_BODY.match(text, start_match.end())
        end_limit = body.end() if body else start_match.end()
        # Try the longest stretch that ends on a word boundary first; stop at 34 characters.
        ends = [
            m.end()
            for m in re.finditer(r"[A-Za-z0-9](?= |$)", text[:end_limit] + " ")
            if start_match.end() <= m.end() <= end_limit
        ]
        for end in sorted(ends, reverse=True):
            candidate = text[start:end]
            compact = candidate.replace(" ", "").upper()
            if len(compact) <= 34 and stdnum_iban.is_valid(compact):
                found.append(Finding("iban", start, end, candidate))
                break
    return found


def _bsns(text: str) -> list[Finding]:
    found = []
    for match in _NINE_DIGITS.finditer(text):
        if re.search(r"€\s*$", text[: match.start()]):
            continue  # an amount such as € 123.456.789
        compact = re.sub(r"[ .]", "", match.group())
        if stdnum_bsn.is_valid(compact):
            found.append(Finding("bsn", match.start(), match.end(), match.group()))
    return found


def _phones(text: str) -> list[Finding]:
    found = []
    for match in _PHONE.finditer(text):
        value = match.group()
        digits = re.sub(r"\D", "", value)
        if value.startswith("(") and len(digits) != 10:
            continue
        if _DATE_LIKE.match(value):
            continue  # 01-02-2023 10 … is a date followed by a number
        if _IBAN_PREFIX.search(text, 0, match.start()):
            continue  # the tail of an (invalid) IBAN, not a phone number
        found.append(Finding("phone", match.start(), match.end(), value))
    return found


def _addresses(text: str) -> list[Finding]:
    matches = [*_STREET.finditer(text), *_POSTCODE.finditer(text)]
    spans = sorted((m.start(), m.end()) for m in matches)
    merged: list[list[int]] = []
    for start, end in spans:
        # "Kruisstraat 12, 5341 AB Oss" is one address: merge a street and a postcode that touch.
        if merged and (start <= merged[-1][1] or _ADDRESS_GAP.match(text[merged[-1][1] : start])):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [Finding("address", start, end, text[start:end]) for start, end in merged]


def _birthdates(text: str) -> list[Finding]:
    return [Finding("birthdate", m.start("date"), m.end("date"), m.group("date")) for m in _BIRTHDATE.finditer(text)]


def _emails(text: str) -> list[Finding]:
    return [Finding("email", m.start(), m.end(), m.group()) for m in _EMAIL.finditer(text)]


def scan(text: str) -> list[Finding]:
    """Every piece of personal data found in `text`, in order of position, without overlaps."""
    if not text:
        return []
    kept: list[Finding] = []
    # Earlier detectors win an overlap: an e-mail address may contain digits, a birth date is no phone.
    for detector in (_emails, _ibans, _bsns, _birthdates, _phones, _addresses):
        for finding in detector(text):
            if not any(finding.start < other.end and other.start < finding.end for other in kept):
                kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


def blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.blocking]
