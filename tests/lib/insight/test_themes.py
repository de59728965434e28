"""suggest_themes on a small Dutch corpus of obstacles: the groups a facilitator would make, and no
crash (and no nonsense) on bad input. Speed at 2,000 texts is measured in `make bench PART=themes`."""

from __future__ import annotations

import random

from lib.insight import themes
from lib.insight.themes import by_perspective_and_kind, match_themes, name_hint, suggest_themes

# Four themes (one of them said in two ways), and obstacles that are like no other.
WACHTLIJST = [
    "Lange wachtlijst voor de GGZ",
    "De wachtlijsten bij de jeugdhulp zijn te lang",
    "Wachttijd voor schuldhulp is maanden",
    "Inwoners staan maanden op een wachtlijst",
    "Wachtlijst voor beschermd wonen",
    "Te lange wachttijden bij de specialistische GGZ",
]
PRIVACY_INFORMATIE = [
    "Privacyregels maken informatie delen lastig",
    "Angst om privacygevoelige informatie te delen",
    "Onduidelijk wat de AVG toestaat bij het delen van informatie",
]
PRIVACY_GEGEVENS = [
    "De AVG belemmert het delen van gegevens tussen organisaties",
    "Geen toestemming van de cliënt om gegevens te delen",
]
OVERLEG = [
    "Geen overleg tussen de teams",
    "Teams werken langs elkaar heen, er is weinig overleg",
    "Overleg tussen wijkteam en GGZ-team ontbreekt",
    "Het overleg tussen de teams kost veel tijd",
    "Teams weten niet van elkaar wat ze doen",
]
INDICATIE = [
    "Herindicatie duurt te lang",
    "De indicatie moet elk jaar opnieuw worden aangevraagd",
    "Voor een herindicatie is opnieuw een heel dossier nodig",
    "Wachten op de indicatie van het CIZ",
    "Indicatiestelling is bureaucratisch en traag",
]
ALONE = [
    "De huurachterstand liep op tot drie maanden",
    "Niemand voelde zich eigenaar van de casus",
    "Tolk was niet beschikbaar bij het gesprek",
    "Vervoer naar de dagbesteding is niet geregeld",
]


def corpus() -> tuple[list[str], list[set[str]]]:
    """The texts shuffled (a fixed seed), and the groups expected, as sets of texts."""
    expected = [WACHTLIJST, PRIVACY_INFORMATIE, PRIVACY_GEGEVENS, OVERLEG, INDICATIE]
    texts = [t for group in expected for t in group] + ALONE
    random.Random(12).shuffle(texts)
    return texts, [set(group) for group in expected]


def as_texts(texts: list[str], groups: list[list[int]]) -> list[set[str]]:
    return [{texts[i] for i in group} for group in groups]


def test_the_corpus_falls_into_the_groups_a_facilitator_would_make():
    texts, expected = corpus()
    found = as_texts(texts, suggest_themes(texts))
    assert sorted(found, key=sorted) == sorted(expected, key=sorted)


def test_inflections_and_compounds_match_wachtlijst_wachtlijsten_wachttijd():
    texts = ["Wachtlijst", "Wachtlijsten", "Wachttijd", "Huurachterstand"]
    assert suggest_themes(texts) == [[0, 1, 2]]


def test_texts_like_no_other_are_left_out():
    texts, _ = corpus()
    grouped = {i for group in suggest_themes(texts) for i in group}
    assert {texts[i] for i in set(range(len(texts))) - grouped} == set(ALONE)


def test_groups_are_sorted_and_the_same_every_time():
    texts, _ = corpus()
    first = suggest_themes(texts)
    assert first == suggest_themes(list(texts))
    assert all(group == sorted(group) and len(group) >= 2 for group in first)
    assert first == sorted(first)


def test_the_order_of_the_texts_does_not_change_the_groups():
    texts, _ = corpus()
    reordered = list(reversed(texts))
    assert sorted(as_texts(texts, suggest_themes(texts)), key=sorted) == sorted(
        as_texts(reordered, suggest_themes(reordered)), key=sorted
    )


# --- bad input ------------------------------------------------------------------------------------


def test_no_texts_and_one_text_give_no_groups():
    assert suggest_themes([]) == []
    assert suggest_themes(["Lange wachtlijst voor de GGZ"]) == []


def test_identical_texts_form_one_group():
    assert suggest_themes(["Geen overleg"] * 4) == [[0, 1, 2, 3]]
    assert suggest_themes(["Geen overleg", "Huurachterstand", "geen OVERLEG!"]) == [[0, 2]]


def test_stop_words_emoji_digits_and_empty_texts_never_form_a_group():
    nothing = ["de het een", "en of maar", "😀😀", "😀😀", "🙈", "123", "123", "", "   "]
    texts = [*nothing, "Wachtlijst GGZ", "wachtlijst ggz"]
    assert suggest_themes(texts) == [[9, 10]]


def test_accents_do_not_split_a_theme():
    assert suggest_themes(["Coördinatie ontbreekt", "coordinatie ontbreekt", "Huur"]) == [[0, 1]]


def test_two_thousand_texts_give_groups_of_real_themes():
    """One round of a very large session: every group holds texts of one theme only."""
    rng = random.Random(3)
    labelled = [(t, name) for name, group in (("w", WACHTLIJST), ("o", OVERLEG), ("i", INDICATIE)) for t in group]
    texts, labels = [], []
    for n in range(2000):
        text, label = rng.choice(labelled)
        texts.append(f"{text} ({n})")
        labels.append(label)
    groups = suggest_themes(texts)
    assert groups and all(len({labels[i] for i in group}) == 1 for group in groups)
    assert sum(len(g) for g in groups) == 2000


# --- matching later texts to a confirmed theme, grouping per perspective and kind, names ------------


def test_a_later_text_matches_the_theme_it_repeats_and_nothing_else():
    confirmed = [WACHTLIJST[:3], OVERLEG[:3]]
    later = ["Weer een lange wachtlijst bij de GGZ", "Teams overleggen niet met elkaar", "Tolk ontbrak", "😀", ""]
    assert match_themes(later, confirmed) == [0, 1, None, None, None]
    assert match_themes([], confirmed) == []
    assert match_themes(later, []) == [None] * 5


def test_a_text_that_shares_one_word_with_a_theme_does_not_match_it():
    confirmed = [
        ["Intake schuldhulp duurt zes weken; de deurwaarder wacht niet", "Wachttijd voor schuldhulp is maanden"]
    ]
    later = ["Inwoners staan maanden op een wachtlijst", "Lange wachttijd bij schuldhulp, de deurwaarder wacht niet"]
    assert match_themes(later, confirmed) == [None, 0]


def test_groups_never_cross_a_perspective_or_a_kind():
    items = [
        (1, "systeem", "obstacle", "Lange wachtlijst"),
        (2, "systeem", "obstacle", "Wachtlijsten zijn lang"),
        (3, "professional", "obstacle", "Lange wachtlijst"),
        (4, "systeem", "helper", "Wachtlijst wordt korter"),
        (5, "professional", "obstacle", "Wachtlijst is lang"),
    ]
    assert by_perspective_and_kind(items) == [
        ("professional", "obstacle", [[3, 5]]),
        ("systeem", "obstacle", [[1, 2]]),
    ]


def test_a_name_hint_is_the_word_the_group_shares():
    assert name_hint([*WACHTLIJST[:2], "Wachtlijst voor beschermd wonen"]) == "Wachtlijst"
    assert name_hint(OVERLEG) == "Overleg"
    assert name_hint(["😀", "de"]) == ""


def test_words_leave_out_stop_words_but_keep_accents():
    assert themes.words("De privé-gegevens van de cliënt!") == ["privé", "gegevens", "cliënt"]
