"""The privacy check (AVG): finds personal data of citizens in case text before it is stored.

`scan(text)` returns findings with character offsets, so a page can highlight them in place. A BSN or
an IBAN blocks saving; the other kinds need the submitter's explicit confirmation that the case is
anonymised. Numbers are validated (the BSN 11-proef and the IBAN checksum via python-stdnum), so a
dossier number or an amount is not flagged.
"""

from __future__ import annotations

import bisect
import functools
import re
import string
from dataclasses import dataclass

from stdnum import iban as stdnum_iban
from stdnum import numdb
from stdnum.nl import bsn as stdnum_bsn

from lib.core.errors import DomainError

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


# Every pattern runs in linear time: a match may only start where its run of characters starts (the
# look-behind), runs are taken possessively (`{m,n}+`: no backtracking into them) or bounded, so no start
# position rescans the rest of the text (tests/lib/cases/test_privacy_speed.py).
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}+@[A-Za-z0-9-]{1,63}+(?:\.[A-Za-z0-9-]{1,63}+){0,8}\.[A-Za-z]{2,24}+"
)

# A country code and its check digits, as people type them: "NL02", "NL 02", "nl.02". The rest of the
# IBAN is read by hand (`_iban_runs`), a bounded walk per start, so the scan stays linear in the text.
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2})[ .-]?(\d{2})")
_IBAN_SEPARATORS = frozenset(" .-")

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
_DATE_LIKE = re.compile(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")

_STREET_SUFFIXES = (
    "straat|laan|weg|plein|singel|gracht|kade|dijk|steeg|dreef|hof|pad|park|markt|boulevard|plantsoen|"
    "allee|haven|wal|veste|burcht|erf|hoeve|akker|weide|baan"
)
_STREET = re.compile(
    rf"(?<![\w'-])[A-Za-zÀ-ÿ'-]{{2,}}(?:{_STREET_SUFFIXES})\s{{1,3}}"
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


_BBAN_PART = re.compile(r"(\d+)!([nac])")
_BBAN_CLASSES = {"n": "[0-9]", "a": "[A-Z]", "c": "[A-Z0-9]"}


@functools.cache
def _iban_formats() -> dict[str, tuple[int, re.Pattern[str]]]:
    """Per country code: the length of its IBANs and the shape of the part after the check digits,
    from python-stdnum's IBAN register (so that most look-alikes are dismissed before stdnum runs)."""
    register = numdb.get("iban")
    formats = {}
    for code in (a + b for a in string.ascii_uppercase for b in string.ascii_uppercase):
        structure = register.info(code)[0][1].get("bban")
        if structure:
            parts = _BBAN_PART.findall(structure)
            shape = "".join(f"{_BBAN_CLASSES[kind]}{{{count}}}" for count, kind in parts)
            formats[code] = (4 + sum(int(count) for count, _kind in parts), re.compile(shape))
    return formats


def _is_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


@dataclass(frozen=True)
class _IbanRun:
    """A stretch written like an IBAN of its country's length and structure; `valid` if the check digits agree."""

    start: int
    end: int
    valid: bool


@functools.lru_cache(maxsize=4)  # asked twice per scan: for the IBANs, and to tell them from phone numbers
def _iban_runs(text: str) -> list[_IbanRun]:
    """IBANs however they are grouped: spaces, dots or dashes between any characters, any case."""
    runs: list[_IbanRun] = []
    formats = _iban_formats()
    for match in _IBAN_START.finditer(text):
        if runs and match.start() < runs[-1].end:
            continue
        country = match.group(1).upper()
        if country not in formats:
            continue
        length, shape = formats[country]
        body: list[str] = []
        position = match.end()
        while len(body) < length - 4 and position < len(text):
            char = text[position]
            if _is_alnum(char):
                body.append(char)
            elif not (char in _IBAN_SEPARATORS and position + 1 < len(text) and _is_alnum(text[position + 1])):
                break
            position += 1
        if len(body) != length - 4 or (position < len(text) and _is_alnum(text[position])):
            continue  # too short, or the characters run on: not an IBAN of this country
        bban = "".join(body).upper()
        if not shape.fullmatch(bban):
            continue
        compact = country + match.group(2) + bban
        if stdnum_iban.is_valid(compact):
            runs.append(_IbanRun(match.start(), position, valid=True))
        elif stdnum_iban.is_valid(
            compact[:2] + stdnum_iban.calc_check_digits(compact) + compact[4:], check_country=False
        ):
            runs.append(_IbanRun(match.start(), position, valid=False))  # an IBAN with a typo
    return runs


def _ibans(text: str) -> list[Finding]:
    return [Finding("iban", run.start, run.end, text[run.start : run.end]) for run in _iban_runs(text) if run.valid]


def _bsns(text: str) -> list[Finding]:
    found = []
    for match in _NINE_DIGITS.finditer(text):
        if text[max(0, match.start() - 8) : match.start()].rstrip().endswith("€"):
            continue  # an amount such as € 123.456.789
        compact = re.sub(r"[ .]", "", match.group())
        if stdnum_bsn.is_valid(compact):
            found.append(Finding("bsn", match.start(), match.end(), match.group()))
    return found


def _inside(runs: list[_IbanRun], starts: list[int], start: int, end: int) -> bool:
    """Whether [start, end) overlaps one of `runs` (sorted and apart; `starts` are their starts)."""
    index = bisect.bisect_left(starts, end) - 1
    return index >= 0 and runs[index].end > start


def _phones(text: str) -> list[Finding]:
    found = []
    ibans = _iban_runs(text)
    iban_starts = [run.start for run in ibans]
    for match in _PHONE.finditer(text):
        value = match.group()
        digits = re.sub(r"\D", "", value)
        if value.startswith("(") and len(digits) != 10:
            continue
        if _DATE_LIKE.match(value):
            continue  # 01-02-2023 10 … is a date followed by a number
        if _inside(ibans, iban_starts, match.start(), match.end()):
            continue  # part of an IBAN (with a typo, or a valid one found before), not a phone number
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
    kept: list[Finding] = []  # sorted by start, apart from each other
    starts: list[int] = []
    # Earlier detectors win an overlap: an e-mail address may contain digits, a birth date is no phone.
    for detector in (_emails, _ibans, _bsns, _birthdates, _phones, _addresses):
        for finding in detector(text):
            index = bisect.bisect_left(starts, finding.start)
            before = kept[index - 1] if index > 0 else None
            after = kept[index] if index < len(kept) else None
            if (before and before.end > finding.start) or (after and after.start < finding.end):
                continue
            kept.insert(index, finding)
            starts.insert(index, finding.start)
    return kept


def blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.blocking]


# --- the guard every service calls before it stores free text -------------------------------------

BLOCKED = "{label} bevat een {kinds}. Haal dat weg: zo kan het niet worden opgeslagen. Uw tekst blijft staan."
CONFIRM = (
    "{label} lijkt persoonsgegevens te bevatten ({kinds}). Haal ze weg, of bevestig dat ze niet naar een "
    "inwoner te herleiden zijn."
)


class PersonalDataBlocked(DomainError):
    """A BSN or IBAN in the text: never stored."""


class NeedsConfirmation(DomainError):
    """Other personal data (phone, e-mail, address, birth date): stored only after the user confirms."""

    def __init__(self, message: str, findings: list[Finding]) -> None:
        super().__init__(message)
        self.findings = findings


def check(texts: dict[str, str | None], *, confirmed: bool = False) -> None:
    """The server-side privacy check for free text where case details may land (contributions, action
    titles and notes, 'waarom niet', effect, evaluation remarks, notes): `texts` maps a Dutch field label
    to its text. Raises PersonalDataBlocked for a BSN or IBAN, NeedsConfirmation for other personal data
    unless `confirmed`. The message is short (it shows on a phone); the caller keeps what was typed."""
    soft: list[Finding] = []
    soft_labels: list[str] = []
    for label, text in texts.items():
        findings = scan(text or "")
        hard = blocking(findings)
        if hard:
            kinds = " en ".join(sorted({KIND_LABELS[f.kind] for f in hard}))
            raise PersonalDataBlocked(BLOCKED.format(label=label, kinds=kinds))
        if findings:
            soft += findings
            soft_labels.append(label)
    if soft and not confirmed:
        kinds = ", ".join(dict.fromkeys(KIND_LABELS[f.kind] for f in soft))
        raise NeedsConfirmation(CONFIRM.format(label=" en ".join(soft_labels), kinds=kinds), soft)
