"""The projector board's fit: text that shrinks with the content to the room's minimum, newest first."""

from __future__ import annotations

from lib.live.capture import BoardItem, GroupBoard
from lib.models import ContributionKind
from lib.ui import board

KINDS = [ContributionKind.OBSTACLE, ContributionKind.HELPER]


def group(number: int, count: int, length: int = 60) -> GroupBoard:
    items = tuple(
        BoardItem(
            id=number * 100 + i,
            kind=KINDS[i % 2],
            text=f"punt {i + 1} " + "x" * (length - 8),
            hidden=False,
            author_key=None,
        )
        for i in range(count)
    )
    return GroupBoard(group_id=number, number=number, name=f"Groep {number}", case_title="", items=items)


def test_a_sparse_board_shows_everything_in_larger_text():
    fit = board.fit_board([group(1, 2), group(2, 1), group(3, 0)], KINDS)
    assert fit.font_vw > board.MIN_VW
    assert all(k.earlier == 0 for _g, kinds in fit.groups for k in kinds)


def test_a_full_room_shows_the_newest_items_at_the_minimum_size_and_counts_the_rest():
    boards = [group(n, 10) for n in range(1, 7)]
    for large, minimum in ((True, board.MIN_VW_LARGE), (False, board.MIN_VW)):
        fit = board.fit_board(boards, KINDS, large=large)
        assert fit.font_vw == minimum and (fit.columns, fit.rows) == (3, 2)
        for source, kinds in fit.groups:
            for kind_fit in kinds:
                everything = [i for i in reversed(source.items) if i.kind == kind_fit.kind]
                assert list(kind_fit.shown) == everything[: len(kind_fit.shown)]  # newest first, no gaps
                assert len(kind_fit.shown) + kind_fit.earlier == len(everything) == 5
        assert sum(k.earlier for _g, kinds in fit.groups for k in kinds) > 0


def test_the_board_markup_counts_earlier_items_and_never_sizes_below_the_minimum():
    markup = board.board_html([group(n, 10) for n in range(1, 7)], yields_solutions=False)
    assert "eerdere</p>" in markup
    assert "--fs-large: max(24px," in markup and "--fs-small: max(20px," in markup
    assert markup.count('class="ls-card ls-group"') == 6


def test_user_text_on_the_board_is_inert():
    item = BoardItem(
        id=1, kind=ContributionKind.OBSTACLE, text="<img src=x onerror=alert(1)>", hidden=False, author_key=None
    )
    markup = board.board_html(
        [GroupBoard(group_id=1, number=1, name="<b>Groep</b>", case_title="", items=(item,))], yields_solutions=False
    )
    assert "<img" not in markup and "<b>" not in markup and "&lt;img" in markup


def test_a_solutions_round_gives_the_solutions_the_room():
    solutions = tuple(
        BoardItem(
            id=i, kind=ContributionKind.SOLUTION, text="Een vast aanspreekpunt " * 3, hidden=False, author_key=None
        )
        for i in range(3)
    )
    boards = [GroupBoard(group_id=n, number=n, name=f"Groep {n}", case_title="", items=solutions) for n in range(6)]
    assert board.board_kinds(boards, yields_solutions=True) == [ContributionKind.SOLUTION]
    markup = board.board_html(boards, yields_solutions=True)
    assert "Wat belemmert" not in markup and markup.count("<li") >= 6  # at least the newest of every group
