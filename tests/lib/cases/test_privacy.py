"""The privacy check finds Dutch personal data and leaves ordinary case text alone."""

from __future__ import annotations

import itertools
import time

import pytest

from lib.cases.privacy import Finding, blocking, scan

# text, the kind found, the exact text that is marked
POSITIVE = [
    ("Haar BSN is 111222333, dat staat in het dossier.", "bsn", "111222333"),
    ("bsn 123456782", "bsn", "123456782"),
    ("BSN: 111.222.333", "bsn", "111.222.333"),
    ("burgerservicenummer 1112 22 333 bekend", "bsn", "1112 22 333"),
    ("BSN 111 222 333.", "bsn", "111 222 333"),
    ("Huur wordt betaald van NL91ABNA0417164300.", "iban", "NL91ABNA0417164300"),
    ("Rekening NL91 ABNA 0417 1643 00 en verder", "iban", "NL91 ABNA 0417 1643 00"),
    ("iban nl91 abna 0417 1643 00", "iban", "nl91 abna 0417 1643 00"),
    ("Duitse rekening DE89 3704 0044 0532 0130 00.", "iban", "DE89 3704 0044 0532 0130 00"),
    ("IBAN NL 02 ABNA 0123 4567 89 graag", "iban", "NL 02 ABNA 0123 4567 89"),
    ("rekening nl02abna0123456789", "iban", "nl02abna0123456789"),
    ("rekening nl 02 abna 0123 4567 89.", "iban", "nl 02 abna 0123 4567 89"),
    ("Rekening NL02.ABNA.0123.4567.89.", "iban", "NL02.ABNA.0123.4567.89"),
    ("op NL02-ABNA-0123-4567-89 gestort", "iban", "NL02-ABNA-0123-4567-89"),
    ("betaalt via NL02 ABNA 012345 6789 elke maand", "iban", "NL02 ABNA 012345 6789"),
    ("Duitse rekening de 89 3704 0044 0532 0130 00", "iban", "de 89 3704 0044 0532 0130 00"),
    ("Moeder is bereikbaar op 06-12345678.", "phone", "06-12345678"),
    ("bel 0612345678 na vijven", "phone", "0612345678"),
    ("mobiel 06 1234 5678", "phone", "06 1234 5678"),
    ("mobiel 06 12 34 56 78", "phone", "06 12 34 56 78"),
    ("bel +31 6 12345678", "phone", "+31 6 12345678"),
    ("bel +31612345678", "phone", "+31612345678"),
    ("bel 0031 412 123456", "phone", "0031 412 123456"),
    ("bel +31 (0)412 123456", "phone", "+31 (0)412 123456"),
    ("Het wijkteam: 0412-123456.", "phone", "0412-123456"),
    ("huisarts 0412 123 456", "phone", "0412 123 456"),
    ("Rotterdam: 010-1234567", "phone", "010-1234567"),
    ("Amsterdam (020) 1234567", "phone", "(020) 1234567"),
    ("mail hem via j.jansen@example.nl of bel", "email", "j.jansen@example.nl"),
    ("Contact: priya.ramdin+werk@wijkteam-ruwaard.nl.", "email", "priya.ramdin+werk@wijkteam-ruwaard.nl"),
    ("Zij woont aan de Kruisstraat 12, 5341 AB Oss.", "address", "Kruisstraat 12, 5341 AB Oss"),
    ("Postcode 5341AB is bekend.", "address", "5341AB"),
    ("adres: Stationsweg 5a", "address", "Stationsweg 5a"),
    ("woont op de Raadhuislaan 2-14 sinds maart", "address", "Raadhuislaan 2-14"),
    ("Hij is geboren op 12-03-1985 in Oss.", "birthdate", "12-03-1985"),
    ("De jongen (geb. 3 mei 2007) woont bij zijn oom.", "birthdate", "3 mei 2007"),
    ("Geboortedatum: 01/02/1990", "birthdate", "01/02/1990"),
    ("geboren in Oss op 7 sept. 1975", "birthdate", "7 sept. 1975"),
    ("geboortedatum 1985-03-12", "birthdate", "1985-03-12"),
]

NEGATIVE = [
    "Dossiernummer 123456789 is aangemaakt.",  # nine digits that fail the 11-proef
    "Zaaknummer 111.222.334 staat open.",
    "De leersessie is op 12-03-2024 om 09:00.",
    "We zien elkaar op dinsdag 5 september 2016 in het gemeentehuis.",
    "Op 01-02-2023 10 mensen gesproken.",
    "De huurachterstand is € 1.250,00 en groeit.",
    "Een schuld van €123.456.789 is onwaarschijnlijk.",
    "Zij werkt 60% en valt 5 procent boven de norm.",
    "Een vrouw van 32 jaar met twee kinderen (4 en 7 jaar).",
    "Zij woont in postcodegebied 5343 in Ruwaard.",
    "Rekening NL91 ABNA 0417 1643 01 is ongeldig.",  # wrong IBAN check digits
    "Rekening NL 02 ABNA 0123 4567 88 is ongeldig.",  # a typo: an IBAN (warned by the bank), not a phone
    "De vergadering 12 maart ging over de wijk.",
    "Hij ging weg 3 dagen later.",
    "Op de woningmarkt 2024 is er weinig aanbod.",
    "De intake duurt 6 weken; de deurwaarder is ingeschakeld.",
    "Er zijn 1500 EUR aan kosten gemaakt.",  # not a postcode: three letters
    "Wet 2015 artikel 2.3 van de Wmo",
    "Hoe voorkomen we dat een huisuitzetting doorgaat terwijl de schuldhulp nog moet starten?",
    "Telefonisch spreekuur van 9.00 tot 12.00 uur.",
    "Er zijn 12 34 56 78 mensen.",
    "",
]


@pytest.mark.parametrize(("text", "kind", "marked"), POSITIVE, ids=[p[0][:40] for p in POSITIVE])
def test_personal_data_is_found_with_its_exact_position(text, kind, marked):
    findings = scan(text)
    assert [(f.kind, f.text) for f in findings] == [(kind, marked)]
    finding = findings[0]
    assert text[finding.start : finding.end] == marked


@pytest.mark.parametrize("text", NEGATIVE, ids=[n[:40] or "empty" for n in NEGATIVE])
def test_ordinary_case_text_is_not_flagged(text):
    assert scan(text) == []


def test_several_findings_come_in_text_order_without_overlap():
    text = (
        "Mevrouw (geb. 12-03-1985, BSN 111222333) woont op Kruisstraat 12, 5341 AB Oss; "
        "bereikbaar via 06-12345678 of m.jansen@example.nl. IBAN NL91ABNA0417164300."
    )
    findings = scan(text)
    assert [f.kind for f in findings] == ["birthdate", "bsn", "address", "phone", "email", "iban"]
    assert all(a.end <= b.start for a, b in itertools.pairwise(findings))
    assert [f.kind for f in blocking(findings)] == ["bsn", "iban"]


def test_only_bsn_and_iban_block_saving():
    assert Finding("bsn", 0, 9, "111222333").blocking
    assert Finding("iban", 0, 18, "NL91ABNA0417164300").blocking
    for kind in ("phone", "email", "address", "birthdate"):
        assert not Finding(kind, 0, 1, "x").blocking


@pytest.mark.parametrize(
    "written",
    ["NL 02 ABNA 0123 4567 89", "nl02abna0123456789", "NL02.ABNA.0123.4567.89", "Nl02 Abna 0123.4567.89"],
)
def test_a_valid_iban_blocks_saving_however_it_is_written(written):
    assert [(f.kind, f.blocking) for f in scan(f"Huur gaat van {written} af.")] == [("iban", True)]


@pytest.mark.parametrize(
    "text",
    [" ".join(["AB12"] * 1250), " ".join(["NL12"] * 1250), "AB12" * 1250, ".".join(["nl 12"] * 1000)],
    ids=["spaced", "country-spaced", "run-on", "dotted"],
)
def test_the_scan_stays_fast_on_long_iban_like_text(text):
    """A long paste that looks like IBAN groups must not hang the page (no quadratic scan)."""
    started = time.perf_counter()
    scan(text)
    assert time.perf_counter() - started < 0.5


def test_a_bsn_inside_a_longer_number_is_not_a_bsn():
    assert scan("Referentie 1111222333 en 11122233300") == []


def test_the_corpus_of_naughty_strings_does_not_break_the_scan():
    from tests.corpus import blns

    for text in blns():
        for finding in scan(text):
            assert text[finding.start : finding.end] == finding.text
