import csv
from pathlib import Path

import pytest

from analysis.safeguarding import screen

DATA = Path(__file__).parent / "data"


def read_cases(name):
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


CASES = read_cases("safeguarding_cases.csv")
POSITIVES = [case for case in CASES if case["flag"] == "1"]
NEGATIVES = [case for case in CASES if case["flag"] == "0"]


def test_case_file_has_enough_examples_each_way():
    assert len(POSITIVES) >= 60 and len(NEGATIVES) >= 60


@pytest.mark.parametrize("case", POSITIVES, ids=lambda case: case["text"])
def test_every_disclosure_is_flagged_with_its_category(case):
    result = screen(case["text"], case["audience"])
    assert result.flagged
    assert case["category"] in result.reason.split("; ")
    assert result.matched


@pytest.mark.parametrize("case", NEGATIVES, ids=lambda case: case["text"])
def test_idioms_course_content_and_everyday_talk_are_not_flagged(case):
    result = screen(case["text"], case["audience"])
    assert not result.flagged and result.reason is None and result.matched == ()


def test_held_out_cases_written_before_tuning_are_screened_well():
    cases = read_cases("safeguarding_holdout.csv")
    positives = [case for case in cases if case["flag"] == "1"]
    negatives = [case for case in cases if case["flag"] == "0"]
    assert len(positives) >= 20 and len(negatives) >= 20
    caught = sum(screen(case["text"], case["audience"]).flagged for case in positives)
    false_alarms = sum(screen(case["text"], case["audience"]).flagged for case in negatives)
    assert caught == len(positives)
    assert false_alarms <= 1


def test_a_threat_to_a_victim_is_reported_as_intimidation():
    assert screen("his brother said they would get me", "victim").reason == "victim intimidation"
    assert screen("his brother said they would get me", "young_person").reason == "threats or violence"


def test_being_followed_home_is_a_threat_to_a_child():
    assert screen("a car keeps following me home", "young_person").reason == "threats or violence"


def test_all_categories_hit_are_listed_most_urgent_first():
    result = screen("i owe them money and sometimes i want to end it")
    assert result.reason == "self-harm or suicide; exploitation"


def test_a_disclosure_told_about_a_session_is_still_flagged():
    assert screen("in the session i told my worker my stepdad hits me").flagged
