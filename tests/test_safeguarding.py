import csv
import time
from pathlib import Path

import pytest

from analysis.safeguarding import BANKS_PATH, BankError, Category, load_banks, screen

DATA = Path(__file__).parent / "data"


def read_cases(name):
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def categories_in(reason):
    """The category labels a reason names, without the "(near: ...)" explanations."""
    return [part.split(" (")[0] for part in reason.split("; ")]


# The older case files use six broad categories; the screen now tells finer ones apart.
OLD_TO_NEW = {
    "self-harm or suicide": {Category.SELF_HARM},
    "harm at home": {Category.HARM_AT_HOME, Category.DOMESTIC_ABUSE, Category.CHILD_TO_PARENT},
    "threats or violence": {Category.THREATS, Category.WEAPON_FEAR},
    "exploitation": {Category.CRIMINAL_EXPLOITATION},
    "sexual exploitation": {Category.SEXUAL_ABUSE, Category.SEXUAL_EXPLOITATION, Category.IMAGE_ABUSE},
    "victim intimidation": {Category.VICTIM_INTIMIDATION},
}

CASES = read_cases("safeguarding_cases.csv")
POSITIVES = [case for case in CASES if case["flag"] == "1"]
NEGATIVES = [case for case in CASES if case["flag"] == "0"]


def test_case_file_has_enough_examples_each_way():
    assert len(POSITIVES) >= 60 and len(NEGATIVES) >= 60


@pytest.mark.parametrize("case", POSITIVES, ids=lambda case: case["text"])
def test_every_disclosure_is_flagged_with_its_category(case):
    result = screen(case["text"], case["audience"])
    assert result.flagged
    allowed = {category.label for category in OLD_TO_NEW[case["category"]]}
    assert allowed & set(categories_in(result.reason)), result.reason
    assert result.matched


def test_idioms_course_content_and_everyday_talk_are_almost_never_flagged_and_never_urgent():
    results = [screen(case["text"], case["audience"]) for case in NEGATIVES]
    assert sum(result.flagged for result in results) <= 3
    assert not any(result.tier == "urgent" for result in results)


def test_held_out_cases_written_before_tuning_are_screened_well():
    cases = read_cases("safeguarding_holdout.csv")
    positives = [case for case in cases if case["flag"] == "1"]
    negatives = [case for case in cases if case["flag"] == "0"]
    assert len(positives) >= 20 and len(negatives) >= 20
    caught = sum(screen(case["text"], case["audience"]).flagged for case in positives)
    false_alarms = sum(screen(case["text"], case["audience"]).flagged for case in negatives)
    assert caught == len(positives)
    assert false_alarms <= 1


def test_the_development_set_is_caught_at_the_figures_we_report():
    cases = read_cases("safeguarding_dev.csv")
    assert len(cases) >= 150
    disclosures = [case for case in cases if case["tier"] != "none"]
    ordinary = [case for case in cases if case["tier"] == "none"]
    caught = sum(screen(case["text"], case["audience"]).flagged for case in disclosures)
    false_alarms = sum(screen(case["text"], case["audience"]).flagged for case in ordinary)
    assert caught / len(disclosures) >= 0.93
    assert false_alarms / len(ordinary) <= 0.25


# --- tiers -------------------------------------------------------------------------------------

def test_a_current_disclosure_is_urgent():
    assert screen("my stepdad hits me", "young_person").tier == "urgent"


@pytest.mark.parametrize("text", ["please help me", "can someone ring me today please, i need to talk to someone",
                                  "i am not safe right now"])
def test_asking_for_help_is_urgent(text):
    result = screen(text, "young_person")
    assert result.tier == "urgent"
    assert "asking for help" in categories_in(result.reason)


@pytest.mark.parametrize("text", [
    "my dad used to hit me when i was little. that was years ago, its all sorted now",
    "i self harmed a few years ago but im fine now",
])
def test_harm_told_as_past_and_resolved_goes_to_review_not_to_nothing(text):
    result = screen(text, "young_person")
    assert result.tier == "review"
    assert "told as in the past" in result.reason


def test_past_harm_that_is_happening_again_stays_urgent():
    assert screen("my dad used to hit me and now hes started again", "young_person").tier == "urgent"


@pytest.mark.parametrize("text", ["we learned about county lines and how gangs get kids to sell",
                                  "the workshop was about self harm and where to get help",
                                  "we watched a film about knife crime"])
def test_course_content_is_not_flagged(text):
    assert screen(text, "young_person") == screen("", "young_person")


@pytest.mark.parametrize("text", ["my mum will kill me if i miss the bus", "i was dying of boredom",
                                  "you absolutely killed it today", "that quiz was a killer"])
def test_idioms_are_not_flagged(text):
    assert not screen(text, "young_person").flagged


def test_a_disclosure_told_about_a_session_is_still_flagged():
    assert screen("in the session i told my worker my stepdad hits me").tier == "urgent"


# --- fewer false alarms, nothing lost ------------------------------------------------------------

def test_a_victim_recounting_the_offence_the_process_dealt_with_is_not_an_alert():
    told = "the boy who threatened me at the bus stop wrote me a letter and I accepted his apology"
    assert not screen(told, "victim").flagged


def test_a_dealt_with_offence_with_danger_now_is_still_urgent_for_a_victim():
    told = ("the boy who threatened me at the bus stop wrote me a letter and I accepted his apology, "
            "but his mates still wait outside my house")
    assert screen(told, "victim").tier == "urgent"


def test_being_shot_in_a_video_game_is_not_being_shot():
    assert not screen("got shot loads on warzone last night", "young_person").flagged
    assert screen("i got shot last night", "young_person").tier == "urgent"


@pytest.mark.parametrize("text", ["hes gonna kill me when he finds me", "my stepdad nearly strangled her last night"])
def test_an_idiom_cue_never_swallows_a_real_threat(text):
    assert screen(text, "young_person").tier == "urgent"


def test_a_sentence_of_praise_needs_more_than_a_shared_word_to_raise_an_alert():
    assert not screen("the worker was patient with my son even when he was rude to her", "parent_carer").flagged
    assert screen("my worker was kind but i keep thinking everyone would be better off without me",
                  "young_person").tier == "urgent"


# --- per sentence --------------------------------------------------------------------------------

def test_one_worrying_line_in_a_long_friendly_answer_is_caught():
    friendly = ("my worker was really nice and always listened to me. the sessions were good and i liked "
                "the football and the cooking. i got onto a college course and my mum is proud of me. ")
    assert not screen(friendly * 3, "young_person").flagged
    buried = friendly + "some nights i just want to go to sleep and never wake up. " + friendly
    assert screen(buried, "young_person").tier in ("urgent", "review")
    assert screen(buried, "young_person").flagged


def test_one_worrying_line_in_long_unpunctuated_text_is_caught():
    chatter = "it was ok and the worker was sound and we did football and cooking and stuff and "
    text = chatter * 4 + "i been saving up my mums tablets in my room " + chatter * 4
    assert screen(text, "young_person").flagged


# --- reasons ---------------------------------------------------------------------------------------

def test_a_semantic_hit_names_the_exemplar_it_was_near():
    exemplars = set(load_banks().categories[Category.SELF_HARM].exemplars)
    result = screen("honestly some days i wish i could go to sleep and stay asleep forever", "young_person")
    assert result.tier == "urgent"
    label, near = result.reason.split(" (near: '", 1)
    assert label == "self-harm or suicide"
    assert near.split("')")[0] in exemplars


def test_all_categories_hit_are_listed_most_urgent_first():
    result = screen("i owe them money and sometimes i want to end it")
    assert categories_in(result.reason) == ["self-harm or suicide", "criminal exploitation or drug debt"]


def test_a_threat_to_a_victim_is_reported_as_intimidation():
    assert screen("his brother said they would get me", "victim").reason == "victim intimidation"
    assert screen("his brother said they would get me", "young_person").reason == "threats or violence"


def test_being_followed_home_is_a_threat_to_a_child():
    assert screen("a car keeps following me home", "young_person").reason == "threats or violence"


def test_a_parent_hurt_by_their_child_is_told_apart_from_a_child_hurt_at_home():
    assert categories_in(screen("my son punched me again last night", "parent_carer").reason) == [
        "violence from a child to a parent"]
    assert categories_in(screen("my mum punches me", "young_person").reason) == ["harm at home"]


def test_rules_alone_still_work_without_the_semantic_layer():
    assert screen("my stepdad hits me", semantic=False).tier == "urgent"
    assert not screen("honestly some days i wish i could go to sleep and stay asleep forever", semantic=False).flagged


# --- the banks file ----------------------------------------------------------------------------

def test_the_shipped_banks_cover_every_category():
    banks = load_banks()
    assert set(banks.categories) == set(Category)
    assert all(len(bank.exemplars) >= 10 for bank in banks.categories.values())


def _broken_copy(tmp_path, old, new):
    path = tmp_path / "banks.yaml"
    text = BANKS_PATH.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_bank_with_an_unknown_tier_is_refused_with_where_and_why(tmp_path):
    path = _broken_copy(tmp_path, "  neglect:\n    tier: urgent", "  neglect:\n    tier: whenever")
    with pytest.raises(BankError, match=r"categories\.neglect\.tier"):
        load_banks(path)


def test_a_missing_category_is_refused_by_name(tmp_path):
    path = _broken_copy(tmp_path, "  neglect:\n", "  neglekt:\n")
    with pytest.raises(BankError, match="neglekt"):
        load_banks(path)


def test_a_cue_that_is_not_a_pattern_is_refused(tmp_path):
    path = _broken_copy(tmp_path, '    - "years ago"', '    - "years (ago"')
    with pytest.raises(BankError, match=r"past_resolved.*not a valid pattern"):
        load_banks(path)


# --- speed -------------------------------------------------------------------------------------

def test_screening_is_fast_enough_to_run_on_every_message():
    texts = [case["text"] for case in read_cases("safeguarding_dev.csv")]
    screen(texts[0])  # the model loads and trains once, on first use
    start = time.perf_counter()
    for text in texts:
        screen(text)
    per_second = len(texts) / (time.perf_counter() - start)
    assert per_second >= 100  # a loose bound for a busy CI machine; the benchmark is >= 300 (evaluate)


@pytest.mark.parametrize(("text", "tier"), [
    ("im not coping and i dont know who to tell", "urgent"),
    ("the electric ran out on monday and its still off", "urgent"),
    ("i havent had clean clothes for ages and people at school say i smell", "urgent"),
    ("my ex is violent and he knows where we live now", "urgent"),
    ("i used to cut when i was 13 but i havent for ages", "review"),
    ("my partner was violent years ago but we separated and I have been safe since", "review"),
    ("i used to cut my hair really short", None),
])
def test_everyday_wording_of_help_seeking_neglect_and_harm_told_as_past(text, tier):
    assert screen(text, "parent_carer" if "partner" in text or "ex " in text else "young_person").tier == tier


# --- recall round 3 (branch screen): review exemplars, text-speak, narrower cues -------------------

@pytest.mark.parametrize("name", ["safeguarding_dev3.csv", "safeguarding_dev4.csv", "safeguarding_dev5.csv",
                                  "safeguarding_dev6.csv", "safeguarding_dev7.csv"])
def test_the_later_development_sets_are_caught_at_the_figures_we_report(name):
    cases = read_cases(name)
    disclosures = [case for case in cases if case["tier"] != "none"]
    ordinary = [case for case in cases if case["tier"] == "none"]
    assert len({case["category"] for case in disclosures}) == len(Category)  # every category
    caught = sum(screen(case["text"], case["audience"]).flagged for case in disclosures)
    false_alarms = sum(screen(case["text"], case["audience"]).flagged for case in ordinary)
    assert caught / len(disclosures) >= 0.95
    assert false_alarms / len(ordinary) <= 0.30  # these are mostly hard negatives, written to look alarming


@pytest.mark.parametrize("text", [
    "things at home are a bit rough and shouty at the moment, not sure if its normal",
    "could i maybe talk to my worker about some stuff thats been on my mind",
])
def test_vague_worry_goes_to_review_rather_than_to_nothing(text):
    assert screen(text, "young_person").tier == "review"


def test_a_sentence_nearest_a_review_exemplar_is_review_with_that_exemplar_named():
    result = screen("things at home are a bit rough and shouty at the moment", "young_person")
    assert result.tier == "review"
    assert "near: 'home is scary and shouty at the moment'" in result.reason


def test_review_exemplars_are_optional_but_never_blank(tmp_path):
    banks = load_banks()
    assert any(bank.review_exemplars for bank in banks.categories.values())
    path = _broken_copy(tmp_path, "    review_exemplars:\n", "    review_exemplars:\n      - ' '\n")
    with pytest.raises(BankError, match="review_exemplars"):
        load_banks(path)


@pytest.mark.parametrize("text", [
    "this account wants £200 or they post the video",  # no "me": the course cue once swallowed it
    "someone got my pics and says send more or they post the video",
    "he said hed kill me if i went to the police",  # a threat against telling, not an idiom
    "can some1 tlk 2 me pls",  # text-speak is spelled out first
    "help",  # the whole answer
    "dreading going home after this tbh",
    "my son threw a chair at me when i turned the wifi off",
    "i woke up and my cousin had his hand down my pants",
    "ive written my goodbye on my notes app",
])
def test_known_weak_spots_are_urgent(text):
    audience = "parent_carer" if "my son" in text else "young_person"
    assert screen(text, audience).tier == "urgent"


@pytest.mark.parametrize("text", [
    "we watched a video about grooming",
    "my little brother hit me with a pillow",
    "i got hit by the ball at football",
    "can someone help me find a college course",
    "i got a debt letter for my phone contract and my worker helped me sort it",
    "didnt help me one bit",
    "my mum will kill me if im late",
])
def test_rules_leave_play_everyday_tasks_and_idioms_alone(text):
    assert screen(text, "young_person", semantic=False).tier is None


def test_course_content_still_hides_topic_words_but_not_a_person_saying_i():
    assert not screen("we learned what grooming is", "young_person", semantic=False).flagged
    assert screen("i went through a stage of wanting to disappear", "young_person", semantic=False).flagged


# --- round 4: causes found reading sets A-D (tested in new words, not the sets' rows) -------------

def test_text_speak_spelled_out_never_becomes_an_idiom():
    # "tbh" reads "to be honest": "die to be honest" is not "dying to see it"
    assert screen("honestly just wanna die tbh", "young_person").tier == "urgent"
    assert screen("im dying to see the new film", "young_person").tier is None


def test_scots_words_are_read_and_a_is_not_a_course_talk():
    result = screen("can a speak tae somebody the day, a cannae cope", "young_person")
    assert result.tier == "urgent"


def test_life_going_through_a_bad_patch_is_not_course_content():
    result = screen("She went through a rough patch and took an overdose in the spring. She is much better now.",
                    "parent_carer")
    assert result.tier == "review" and "self-harm" in result.reason


def test_a_threat_made_after_the_restorative_meeting_keeps_the_victims_alert():
    result = screen("After the restorative meeting his brother messaged me to drop it or else. I'm really frightened.",
                    "victim")
    assert result.tier == "urgent"


@pytest.mark.parametrize("text", [
    "honestly im really not ok",
    "if my mum finds out im gonna stab him",
    "written my letters to my mum and my sister so",
    "the gas got cut off and we been using candles",
    "his arms are all cut up again and he wears hoodies in this heat so i wont see",
    "my ex has been turning up at the kids school again",
    "they made me plug it on the train",
])
def test_round_four_wordings_are_flagged(text):
    assert screen(text, "young_person").flagged


@pytest.mark.parametrize("text", [
    "i helped out at the food bank for my reparation and stacked the shelves",
    "my nan will kill me for swearing on here",
    "if i have to do one more worksheet im gonna scream",
    "she keeps cutting her own fringe lol",
])
def test_round_four_everyday_wordings_are_left_alone(text):
    assert not screen(text, "young_person").flagged


def test_a_semantic_guess_much_nearer_a_hard_negative_raises_nothing():
    # a hard negative from the banks, reworded: nearer it than any disclosure
    assert screen("me and my mum have arguments but its just normal things", "young_person").tier is None


# --- round 5: causes found reading set E (tested in new words, not the set's rows) ---------------

def test_a_dropped_g_is_spelled_out_for_verbs_only():
    from analysis.safeguarding import _plain
    assert _plain("hes threatenin me n followin me home") == "hes threatening me and following me home"
    assert _plain("my cousin said the session would begin at 4") == "my cousin said the session would begin at 4"
    assert screen("started cuttin again last week, nobody knows", "young_person").tier == "urgent"


@pytest.mark.parametrize("text", [
    "my stepdad beat me at cards on sunday",
    "my dad always beats me at darts",
    "my son beat me at monopoly again",
    "shoot me an email when its done",
    "dont grass on me to my mum but i skipped breakfast",
    "we jumped off the bridge into the river all summer",
    "not sure ill be around next week as im on holiday",
    "its hard to save when you owe rent",
])
def test_round_five_games_requests_and_plans_are_left_alone_by_the_rules(text):
    assert screen(text, "young_person", semantic=False).tier is None


@pytest.mark.parametrize(("text", "audience"), [
    ("he put his hands round my neck during a row", "young_person"),
    ("her brother came into my office shouting about the case", "victim"),
    ("his mate was waiting by my van after work", "victim"),
    ("really need help", "young_person"),
    ("cant stop now cos i owe", "young_person"),
    ("dont think ill still be here by the summer", "young_person"),
    ("the bruises werent really from falling down the stairs", "young_person"),
    ("keep thinking about walking in front of a lorry", "young_person"),
    ("my dad beat me at home last night", "young_person"),
    ("they said theyd shoot me", "young_person"),
])
def test_round_five_wordings_are_urgent_by_rule(text, audience):
    assert screen(text, audience, semantic=False).tier == "urgent"


@pytest.mark.parametrize(("text", "audience"), [
    ("she used to choke me when we were together but im away from her now", "young_person"),
    ("shes back again", "parent_carer"),
    ("there was a bit of name calling in the street since the trial", "victim"),
])
def test_round_five_understated_or_past_wordings_go_to_review(text, audience):
    assert screen(text, audience).tier == "review"


def test_an_event_dated_by_the_process_is_not_the_offence_dealt_with():
    result = screen("They apologised at the meeting. A week after the conference someone slashed my tyres.", "victim")
    assert result.tier == "urgent"
    result = screen("The conference went fine and he said sorry. Afterwards, she followed me to the bus stop.", "victim")
    assert result.tier == "urgent"


def test_a_talk_given_to_the_group_is_course_content():
    assert screen("the youth worker talked to us about suicide and who to call", "young_person").tier is None


@pytest.mark.parametrize("text", [
    "i nearly died when i saw the price of the bus",
    "could you take my number off your list",
    "im just cracking on with my life these days",
])
def test_round_five_everyday_wordings_are_left_alone(text):
    assert not screen(text, "young_person").flagged


def test_the_misses_tool_lists_set_e_but_never_the_sets_kept_blind():
    from analysis.tools.screen_misses import _rows
    assert _rows("blind_e")
    for name in ("blind_f", "blind3"):
        with pytest.raises(SystemExit, match="kept blind"):
            _rows(name)
