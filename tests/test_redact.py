import pytest

from analysis.redact import redact


@pytest.mark.parametrize("text, expected", [
    ("Jade was sound, she never judged me", "[name] was sound, she never judged me"),
    ("thanks to Connor and Aisha", "thanks to [name] and [name]"),
    ("a worker called Priya sorted it", "a worker called [name] sorted it"),
    ("my worker is Bex and she is great", "my worker is [name] and she is great"),
    ("Will helped me loads", "[name] helped me loads"),
    ("I met Will and May at the panel", "I met [name] and [name] at the panel"),
])
def test_names(text, expected):
    assert redact(text) == expected


def test_known_names_are_redacted_in_any_case():
    assert redact("kez and DANNI were the best", known_names=["Kez", "Danni"]) == "[name] and [name] were the best"


@pytest.mark.parametrize("text, expected", [
    ("text me on 07700 900123", "text me on [phone]"),
    ("ring +44 7700 900456 after 5", "ring [phone] after 5"),
    ("office is 0161 496 0000", "office is [phone]"),
    ("call (020) 7946 0018", "call [phone]"),
])
def test_uk_phone_numbers(text, expected):
    assert redact(text) == expected


def test_emails():
    assert redact("my email is sam.k+yot@example.co.uk thanks") == "my email is [email] thanks"


@pytest.mark.parametrize("text, expected", [
    ("we live at 14 Elm Road now", "we live at [address] now"),
    ("it happened on Mill Lane", "it happened on [address]"),
    ("flat 3, 22b Kings Court", "flat 3, [address]"),
    ("postcode M14 5TQ", "postcode [postcode]"),
    ("postcode sw1a 1aa", "postcode [postcode]"),
])
def test_addresses_and_postcodes(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("back at Parkside Academy", "back at [school]"),
    ("got moved to St Anne's School", "got moved to [school]"),
    ("started at Riverside High School in september", "started at [school] in september"),
    ("doing plumbing at Trafford College", "doing plumbing at [school]"),
])
def test_school_names(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("case YJ-1234 is closed", "case [case ref] is closed"),
    ("ref YOT/2026/0042", "ref [case ref]"),
    ("ref ABC12345", "ref [case ref]"),
])
def test_case_references(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "my worker was amazing and listened",
    "It was in May. Will they call me?",
    "the review is on 3 May",
    "See you by May 2026",
    "I will keep going to school",
    "Hope you are well",
    "I got called names at school",
    "Childline is 0800 1111",
    "got 5 GCSEs and a CSCS card",
    "the rose garden at the allotment",
    "the CAMHS worker rang back",
])
def test_ordinary_words_months_and_verbs_are_left_alone(text):
    assert redact(text) == text


@pytest.mark.parametrize("text, expected", [
    ("Mr Patel was fair with me", "[name] was fair with me"),
    ("ask Mrs O'Brien at the desk", "ask [name] at the desk"),
    ("thanks to Bethany Clarke for everything", "thanks to [name] for everything"),
    ("message me on snap: kai_2009", "message me on [handle]"),
    ("follow @bigmandee on insta", "follow [handle] on insta"),
    ("my dob is 14/03/2010", "my dob is [date of birth]"),
    ("I was born on 3rd May 2009", "I was [date of birth]"),
    ("we live on the Broadwater Farm estate", "we live on the [address]"),
    ("Gwendolyn sorted my bus pass", "[name] sorted my bus pass"),
])
def test_titles_surnames_handles_dates_of_birth_estates_and_census_names(text, expected):
    assert redact(text) == expected


def test_the_staff_tables_names_are_removed_with_their_surnames():
    assert redact("the duty worker Okonkwo rang back", known_names=["Okonkwo"]) == "the duty worker [name] rang back"


@pytest.mark.parametrize("text", [
    "We went to Paris on a school trip in June",
    "I support Leeds United and play on a Sunday",
    "the Rich Tea biscuits were nice",
    "got my Maths and English at college",
])
def test_census_names_that_are_ordinary_words_are_left_alone(text):
    assert redact(text) == text
