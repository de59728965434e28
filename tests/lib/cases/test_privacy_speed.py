"""The privacy check runs in linear time: the worst inputs we could find (long runs that almost look
like an e-mail address, a street, an IBAN, a BSN or a phone number) take milliseconds, not seconds.

The bound is generous on purpose (a shared test machine): each input is 20,000 characters, where the
quadratic patterns this replaces needed 10-20 s, and the linear check needs well under 0.1 s."""

from __future__ import annotations

import contextlib
import time

import pytest

from lib.cases import privacy

LENGTH = 20_000
UNITS = [
    "AB12 ",  # country code and check digits, over and over
    "NL02 ",
    "NL02A",
    "NL 02 ABNA ",
    "1",  # one long number: local part of an e-mail, BSN, phone
    "1 ",
    "1.",
    "1.1 ",
    "a",  # one long word: e-mail local part, street name
    "a.",
    "a-",
    "a@",
    "a@b.",
    "'-",  # apostrophes and dashes: street names
    "abcdefghijstraat",
    "Kerkstraat 1 ",
    "1234 AB ",
    "+31 ",
    "0 6",
    "(0",
    "geboren ",
    "geboren 1-1-",
    "06-1234567",
    " ",
    "\t1",
]


@pytest.mark.parametrize("unit", UNITS)
def test_the_worst_inputs_are_scanned_in_linear_time(unit):
    text = (unit * (LENGTH // len(unit) + 1))[:LENGTH]
    started = time.process_time()
    privacy.scan(text)
    with contextlib.suppress(privacy.PersonalDataBlocked):
        privacy.check({"Tekst": text}, confirmed=True)
    assert time.process_time() - started < 2.0, f"{unit!r} × {LENGTH // len(unit)} is not linear"


def test_many_findings_do_not_slow_the_merge_down():
    text = "bel 06-12345678 of mail a@b.nl, " * 600  # 1,200 findings
    started = time.process_time()
    findings = privacy.scan(text)
    assert len(findings) == 1200
    assert time.process_time() - started < 2.0
