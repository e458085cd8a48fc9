import pytest

from analysis.themes import CODEBOOK_PATH, CodebookError, best_theme, code, load_codebook

THEME_IDS = ["listened_to", "worker_relationship", "explained_clearly", "consequences_victims",
             "education_school", "emotional_wellbeing", "family_support", "safety_exploitation",
             "substance_use", "fairness_speed", "activities_skills", "practical_access",
             "victim_support", "feeling_safer", "apology_remorse", "restorative_process"]


def themes_of(text, audience=None):
    return [match.theme_id for match in code(text, audience)]


def test_codebook_has_exactly_the_agreed_themes_each_described():
    codebook = load_codebook()
    assert [theme.id for theme in codebook] == THEME_IDS
    assert all(theme.label and theme.description and theme.patterns for theme in codebook)


@pytest.mark.parametrize("text, audience, expected", [
    ("she lisened to me and explaned everything", "young_person", ["listened_to", "explained_clearly"]),
    ("helped me get back into skool", "young_person", ["education_school"]),
    ("got me a place at collage", "young_person", ["education_school"]),
    ("they got me away from the mandem and off county lines", "young_person", ["safety_exploitation"]),
    ("stopped smoking zoots", "young_person", ["substance_use"]),
    ("it took months and appointments kept getting cancelled", "parent_carer", ["fairness_speed", "practical_access"]),
    ("the apology letter felt genuine", "victim", ["apology_remorse"]),
    ("I feel safer walking to work now", "victim", ["feeling_safer"]),
    ("the victim worker rang me every week", "victim", ["victim_support"]),
    ("the conference face to face gave me closure", "victim", ["restorative_process"]),
])
def test_codes_answers_to_themes(text, audience, expected):
    assert themes_of(text, audience) == expected


def test_matches_show_the_words_that_matched_once_each_in_order():
    [match] = code("listened, properly listened, and gave me a say", "young_person")
    assert match.theme_id == "listened_to"
    assert match.matched == ("listened", "a say")


def test_wildcards_match_inflections_but_not_other_words():
    assert themes_of("she was listening") == ["listened_to"]
    assert themes_of("I went for a run in the park") == []


def test_victim_themes_are_only_looked_for_in_victims_answers():
    assert "apology_remorse" in themes_of("the letter was sorry enough", "victim")
    assert "apology_remorse" not in themes_of("the letter was sorry enough", "young_person")
    assert "apology_remorse" in themes_of("the letter was sorry enough")  # audience unknown: look everywhere


def test_an_answer_with_no_theme_codes_to_nothing():
    assert code("ok") == []


def write_codebook(tmp_path, body):
    path = tmp_path / "codebook.yaml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize("body, message", [
    ("themes:\n  - {id: a, label: A, description: d, patterns: [x], colour: red}\n", r"unknown key.*colour"),
    ("themes:\n  - {id: a, label: A, description: d, patterns: []}\n", r"'a'.*patterns must be a non-empty list"),
    ("themes:\n  - {id: a, label: A, description: d, patterns: ['*']}\n", r"pattern '\*' is empty"),
    ("themes:\n  - {id: a, label: A, description: d, patterns: [no]}\n", r"not text \(quote yes/no"),
    ("themes:\n  - {id: a, label: A, description: d, patterns: [x]}\n"
     "  - {id: a, label: B, description: d, patterns: [y]}\n", r"'a' is used twice"),
    ("themes:\n  - {id: a, label: A, patterns: [x]}\n", r"missing \['description'\]"),
    ("themes:\n  - {id: a, label: A, description: d, patterns: [x], audiences: [judge]}\n", r"audiences"),
    ("theme:\n  - {id: a}\n", r"top-level key 'themes'"),
    ("themes: [\n", r"cannot read codebook"),
])
def test_load_codebook_rejects_mistakes_with_a_clear_message(tmp_path, body, message):
    with pytest.raises(CodebookError, match=message):
        load_codebook(write_codebook(tmp_path, body))


def test_an_edited_codebook_is_used_without_code_changes(tmp_path):
    path = write_codebook(tmp_path, "themes:\n  - {id: pets, label: Pets, description: Animals, patterns: [dog*]}\n")
    assert code("the therapy dogs were great", codebook=load_codebook(path))[0].matched == ("dogs",)


def test_the_shipped_codebook_file_exists_for_staff_to_edit():
    assert CODEBOOK_PATH.read_text(encoding="utf-8").startswith("# The heard codebook")


def test_every_answer_has_at_most_one_best_theme_the_one_it_fits_most():
    matches = code("it took months and appointments kept getting cancelled", "parent_carer")
    assert [m.theme_id for m in matches] == ["fairness_speed", "practical_access"]
    assert [m.theme_id for m in matches if m.best] == ["fairness_speed"]
    assert best_theme(matches) == "fairness_speed"
    assert best_theme(code("ok")) is None


def test_waiting_for_contact_is_not_feeling_safer():
    assert "feeling_safer" not in themes_of("I waited weeks before anyone contacted me", "victim")


def test_parents_and_carers_answers_reach_every_theme_meant_for_them():
    for text, theme in (("he trusted his worker", "worker_relationship"),
                        ("he understands the consequences now", "consequences_victims"),
                        ("they got him away from the gang", "safety_exploitation")):
        assert theme in themes_of(text, "parent_carer")


def test_every_theme_has_exemplars_and_every_audience_named_is_one_the_import_knows():
    from surveys.models import Audience
    for theme in load_codebook():
        assert len(theme.exemplars) >= 6
        assert theme.audiences is None or theme.audiences <= {a.value for a in Audience}


def test_an_exemplar_shows_why_a_theme_was_chosen_by_meaning():
    [match] = [m for m in code("I got a say in my plan", "young_person") if m.theme_id == "listened_to"]
    assert match.similar_to is not None and match.closeness > 0.5
