"""SECURITY.md tells the truth about who may do what: its roles table is the policy table."""

from __future__ import annotations

from scripts import security_table


def test_security_md_shows_the_policy_table_as_it_is():
    text = security_table.SECURITY.read_text(encoding="utf-8")
    assert security_table.rendered(text) == text, "run: python scripts/security_table.py"


def test_every_rule_is_a_row_with_its_roles():
    table = security_table.table()
    assert table.count("\n| ") == len(security_table.POLICY)
    assert "| het auditlog lezen en exporteren |  |  |  | ✔ | `audit.read` |" in table
