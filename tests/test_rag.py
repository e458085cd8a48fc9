import pytest
from pydantic import ValidationError

from analysis.aggregate import Figure, share
from analysis.rag import GREY, Target, Targets, load_targets, rate

RESPONSE = Target(green=0.60, amber=0.40)


@pytest.mark.parametrize(("count", "colour"), [(6, "green"), (7, "green"), (5, "amber"), (4, "amber"), (3, "red"), (0, "red")])
def test_a_share_is_rated_against_its_target_at_the_boundaries(count, colour):
    assert rate(share("Response rate", count, 10), RESPONSE).colour == colour  # 60% green, 40% amber


def test_every_rating_has_words_so_colour_is_not_the_only_signal():
    assert rate(share("x", 3, 10), RESPONSE).words == "Below 40%"
    assert rate(share("x", 6, 10), RESPONSE).words == "On target (60%+)"


def test_a_suppressed_figure_is_grey_not_a_colour():
    assert rate(share("x", 4, 4), RESPONSE) == GREY
    hidden = rate(Figure("x", "share", None, suppressed="secondary"), RESPONSE)
    # enough people answered: it is hidden to protect a smaller group, not for want of answers
    assert (hidden.colour, hidden.words) == ("grey", "Hidden to protect a small group")


def test_packaged_targets_match_the_defaults():
    assert load_targets() == Targets()


def test_a_targets_file_may_override_some_targets(tmp_path):
    path = tmp_path / "targets.yaml"
    path.write_text("response_rate: {green: 0.7, amber: 0.5}\nalert_ack_minutes: 15\n")
    targets = load_targets(path)
    assert targets.response_rate == Target(green=0.7, amber=0.5) and targets.alert_ack_minutes == 15
    assert targets.satisfaction == Targets().satisfaction


@pytest.mark.parametrize("text", ["response_rate: {green: 0.4, amber: 0.6}", "response_rate: {green: 60, amber: 40}",
                                  "responce_rate: {green: 0.6, amber: 0.4}"])
def test_a_bad_targets_file_is_refused(tmp_path, text):
    path = tmp_path / "targets.yaml"
    path.write_text(text)
    with pytest.raises(ValidationError):
        load_targets(path)
