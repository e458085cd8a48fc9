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
    ("flat 3, 22b Kings Court", "[address]"),
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
    ("message me on snap: kai_2009", "message me on snap: [handle]"),
    ("follow @bigmandee on insta", "follow [handle] on insta"),
    ("my dob is 14/03/2010", "my dob is [birth date]"),
    ("I was born on 3rd May 2009", "I was born on [birth date]"),
    ("we live on the Broadwater Farm estate", "we live on [address]"),
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


# --- issue 12, second round: places, lower-case names, more forms (each form has a case here) ------

@pytest.mark.parametrize("text, expected", [
    ("i was living in Wythenshawe then moved to Sale", "i was living in [place] then moved to [place]"),
    ("everyone round Moss Side knows me", "everyone round [place] knows me"),
    ("moved from Splott to Ely last year", "moved from [place] to [place] last year"),
    ("everyone in Caerdydd knows the youth club", "everyone in [place] knows the youth club"),
    ("peckham boys was after me", "[place] boys was after me"),
    ("It was hard to get to Blackburn for the panel.", "It was hard to get to [place] for the panel."),
])
def test_towns_districts_and_welsh_places(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "I support Leeds United and City are rubbish",
    "He supports Liverpool and plays on a Sunday",
    "Reading was hard for me so they gave me pictures",
    "I took a bath and calmed down",
    "We went to Alton Towers on the trip",
    "I did Duke of Edinburgh bronze",
    "the Crown Court was scary",
    "I had a Bill to pay and they helped me sort it.",
    "Grace and patience is what I needed from them.",
    "Will do, thanks for asking.",
    "I hope it gets better. Hope is all we have.",
    "got a job at Greggs and Tesco",
    "did my Maths and English functional skills",
    "We did first aid with St John Ambulance",
    "My Nan is my rock",
    "it was peak having to miss footy for it",
    "brill",
])
def test_clubs_landmarks_words_and_organisations_stay(text):
    assert redact(text) == text


@pytest.mark.parametrize("text, expected", [
    ("my worker jess was sound", "my worker [name] was sound"),
    ("me and my mate kyle got lifted", "me and my mate [name] got lifted"),
    ("went to the gym with tyrese every tuesday", "went to the gym with [name] every tuesday"),
    ("tell bex i passed my theory", "tell [name] i passed my theory"),
    ("thanks to Nkechi for everything", "thanks to [name] for everything"),
    ("Ffion and Gethin were the best", "[name] and [name] were the best"),
    ("da worker waz kl", "da worker waz kl"),
])
def test_lower_case_and_less_common_names(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("mrs hughes at school hates me", "[name] at school hates me"),
    ("PC Jenkins took my statement", "[name] took my statement"),
    ("find me on facebook, Jodie Marsh-Wright", "find me on facebook, [name]"),
    ("add me on snap its jaykay_07", "add me on snap its [handle]"),
    ("my insta is @lil.reece if u want", "my insta is [handle] if u want"),
    ("my birthday is 12th june 2008", "my birthday is [birth date]"),
    ("i live on the meadowell estate", "i live on [address]"),
    ("on hollins lane by the chippy", "on [address] by the chippy"),
    ("i go to Coleg Gwent now", "i go to [school] now"),
    ("St Mary's was a joke", "[school] was a joke"),
    ("i was at Brookside Pupil Referral Unit", "i was at [school]"),
    ("He goes to St Joseph's RC High now.", "He goes to [school] now."),
    ("i live near Lewsey Farm", "i live near [address]"),
])
def test_titles_handles_dates_estates_streets_and_schools_in_more_forms(text, expected):
    assert redact(text) == expected


def test_the_development_set_meets_the_targets():
    """Our own development set (tests/data/redaction_dev.md): tuned on, so this guards regressions only."""
    from analysis.evaluate import DATA_DIR, read_redaction, redaction_scores

    items, removed, ordinary = redaction_scores(read_redaction(DATA_DIR / "redaction_dev.csv"))
    assert items >= 200
    assert removed >= 0.95
    assert ordinary <= 0.05


@pytest.mark.parametrize("text, expected", [
    ("Our address is 7 Llys Glas, Caerphilly", "Our address is [address], [place]"),
    ("my dad's in HMP Forest Bank", "my dad's in HMP [place]"),
    ("Jones from the YOT rang me", "[name] from the YOT rang me"),
    ("Mihai is my worker and he gets me", "[name] is my worker and he gets me"),
])
def test_welsh_streets_prisons_lone_surnames_and_unlisted_names(text, expected):
    assert redact(text) == expected


def test_each_part_of_a_staff_name_is_removed_but_not_english_words_in_it():
    staff = ["Priya Okonkwo", "Grace Brown"]
    assert redact("okonkwo rang me and priya okonkwo came", known_names=staff) == "[name] rang me and [name] came"
    assert redact("brown bread and grace under pressure", known_names=staff) == "brown bread and grace under pressure"


@pytest.mark.parametrize("text, expected", [
    ("They clamped my car, reg KX19 ABC, outside", "They clamped my car, reg [vehicle reg], outside"),
    ("My NI number is QQ 12 34 56 C", "My NI number is [NI number]"),
    ("she goes to Trinity Church of England High", "she goes to [school]"),
    ("i was sofa surfing at kayleighs", "i was sofa surfing at [name]"),
])
def test_vehicle_registrations_ni_numbers_long_school_names_and_someones_house(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("it was in Swiss Cottage near the station", "it was in [place] near the station"),
    ("we live in Kings Heath now", "we live in [place] now"),
    ("from Bromley Cross originally", "from [place] originally"),
])
def test_places_the_gazetteer_lacks_after_in_or_from(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "the worker from Youth Justice rang",
    "help from Victim Support was good",
    "in Year Nine I got excluded",
    "He grew up in North Wales",
    "we did a project in Black History Month",
    "met in Pizza Hut",
])
def test_capitalised_services_subjects_and_regions_after_in_or_from_stay(text):
    assert redact(text) == text


# --- issue 12, round 4: the first two blind sets became development data; each cause has a case ------

@pytest.mark.parametrize("text, expected", [
    ("Frank from reparation was a proper character", "[name] from reparation was a proper character"),
    ("Robin made the sessions fun", "[name] made the sessions fun"),
    ("Thank you Mark for your patience", "Thank you [name] for your patience"),
    ("Ask for Jack on reception, he knows my lad", "Ask for [name] on reception, he knows my lad"),
    ("Our Summer has come on so much this year", "Our [name] has come on so much this year"),
    ("Chelsea, my eldest, came to the group", "[name], my eldest, came to the group"),
    ("Precious, thank you for believing in him", "[name], thank you for believing in him"),
    ("Faith and Joy from the parenting group", "[name] and [name] from the parenting group"),
    ("Will's mum came to the panel", "[name]'s mum came to the panel"),
    ("Speak to Paddy, he's my support worker", "Speak to [name], he's my support worker"),
    ("April from the team was fab", "[name] from the team was fab"),
])
def test_names_that_are_words_when_the_sentence_says_person(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "April was a hard month for us",
    "Will never forget what they did",
    "Christmas Eve he got arrested and by Easter he was a different boy.",
    "We're a Christian family and they respected that.",
    "Leeds were playing so he was in a good mood",
    "my son headbutted me on sunday",
    "lowkey helped me",
    "I'm walking on eggshells, he's bigger than me now",
    "mum's boyfriend hurts us",
    "Face-to-face was better",
])
def test_months_festivals_religions_and_typed_words_stay(text):
    assert redact(text) == text


@pytest.mark.parametrize("text, expected", [
    ("seun is a legend fr", "[name] is a legend fr"),
    ("mo helped me loads with my reading", "[name] helped me loads with my reading"),
    ("our jaylen and his mate kofi were both on orders", "our [name] and his mate [name] were both on orders"),
    ("dani n jordan was my workers", "[name] n [name] was my workers"),
    ("mags my worker was lovely", "[name] my worker was lovely"),
    ("my mate deano was there", "my mate [name] was there"),
    ("i told shakira everything", "i told [name] everything"),
    ("Big T from the gym was a legend", "[name] from the gym was a legend"),
    ("Nanny Pat looks after him", "[name] looks after him"),
    ("Mr and Mrs Kaur have been very forgiving", "[name] have been very forgiving"),
    ("Rhodri ap Huw spoke to me in Welsh", "[name] spoke to me in Welsh"),
    ("Dean Fitzgerald wrote to me", "[name] wrote to me"),
    ("add me on snap: jaybird if u want", "add me on snap: [handle] if u want"),
])
def test_lower_case_names_nicknames_couples_and_lists(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("We used to live in Everton but moved", "We used to live in [place] but moved"),
    ("we live at 61 Lansdowne Road, Tottenham, and", "we live at [address], [place], and"),
    ("Moss Side is rough and they understood that", "[place] is rough and they understood that"),
    ("I am a shopkeeper in Alum Rock", "I am a shopkeeper in [place]"),
    ("my nan lives in Pen-y-graig", "my nan lives in [place]"),
    ("Flat 12, Kestrel House, Mandela Way is our new address", "[address] is our new address"),
    ("the boy from Number 9 across the road did it", "the boy from [address] across the road did it"),
    ("he was still 15 at court", "he was still 15 at court"),
    ("i did my reparation at Beechwood Care Home", "i did my reparation at [address]"),
    ("We live above the Duke of York", "We live above the [place]"),
    ("The flat's next to the Miners Arms", "The flat's next to the [place]"),
    ("He used to hang about by Raj's News", "He used to hang about by [place]"),
    ("He goes to Cardinal Newman now", "He goes to [name] now"),
    ("ysgol gyfun cwm rhymni took him back", "[school] took him back"),
    ("we got moved to the Broadwater Farm estate", "we got moved to [address]"),
])
def test_clubs_that_are_towns_flats_pubs_shops_and_schools(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("My family is from Poland originally", "My family is from Poland originally"),
    ("we came from Sierra Leone in 2015", "we came from Sierra Leone in 2015"),
    ("we went to Jordan last summer", "we went to Jordan last summer"),
    ("Jordan helped me loads", "[name] helped me loads"),
    ("Georgia was my worker", "[name] was my worker"),
])
def test_countries_stay_unless_they_are_people(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("i live in blakenhall", "i live in [place]"),
    ("we r from llanfrechfa", "we r from [place]"),
    ("Wrangthorpe is where I grew up", "[place] is where I grew up"),
    ("he lives up in Sutton-in-Craven", "he lives up in [place]"),
    ("i got kicked out of ysgol bryn hafren", "i got kicked out of [school]"),
    ("i go to hazelwood academy", "i go to [school]"),
    ("he goes to st bede's", "he goes to [school]"),
    ("JAYDEN WAS A LEGEND", "[name] WAS A LEGEND"),
    ("Respect to Mr B", "Respect to [name]"),
    ("he calls himself Scrappy", "he calls himself [name]"),
    ("Anwen's support was unreal", "[name]'s support was unreal"),
    ("Precious and Blessing came to court", "[name] and [name] came to court"),
    ("Honour was my victim worker", "[name] was my victim worker"),
    ("my lil bro tyreece looks up to me", "my lil bro [name] looks up to me"),
])
def test_unlisted_towns_lower_case_schools_capitals_initials_and_virtue_names(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "the high school was good",
    "THE NHS AND CAMHS WERE USELESS",
    "I LOVE MY WORKER SHE IS THE BEST",
    "Nottingham Forest lost",
    "My Mother-in-law came",
    "my older brother chokes me till i pass out",
])
def test_ordinary_schools_capitals_and_clubs_stay(text):
    assert redact(text) == text


@pytest.mark.parametrize("text, expected", [
    ("my ig is jaydenxo", "my ig is [handle]"),
    ("add me on tiktok its lilmo", "add me on tiktok its [handle]"),
    ("snap - kezzaa", "snap - [handle]"),
    ("insta is down", "insta is down"),
    ("tiktok is addictive", "tiktok is addictive"),
    ("she lives at no. 27 on Park Avenue", "she lives at [address] on [address]"),
    ("I said no. 27 times", "I said no. 27 times"),
])
def test_handles_with_no_digits_and_house_numbers(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Hamish and Morag were brilliant", "[name] and [name] were brilliant"),
    ("Hamish helped me", "[name] helped me"),
    ("Ed from the YOT was sound", "[name] from the YOT was sound"),
    ("Siddharth - legend", "[name] - legend"),
    ("Sunita! Thank you!!", "[name]! Thank you!!"),
    ("I bank with Barclays", "I bank with Barclays"),
    ("Diolch! Roedd o'n dda", "Diolch! Roedd o'n dda"),
])
def test_names_the_lexicon_knows_only_as_proper_nouns_short_names_and_names_called_out(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "Restorative Justice helped me understand",
    "We went bowling at Hollywood Bowl",
    "Summer holidays were hard",
    "Frank conversations helped",
    "Will definitely recommend",
])
def test_services_venues_and_words_that_start_a_sentence_stay(text):
    assert redact(text) == text


@pytest.mark.parametrize("text, expected", [
    ("Connor McDonald from the YOT was brilliant", "[name] from the YOT was brilliant"),
    ("Ask for Siobhan O'Neill at the office", "Ask for [name] at the office"),
    ("thanks to Jamie MacLeod", "thanks to [name]"),
    ("We had a McDonald's after", "We had a McDonald's after"),
    ("Mohammed's English has improved", "[name]'s English has improved"),
])
def test_mc_mac_and_o_surnames_and_a_possessive_before_a_subject(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("chillin wid kemar after school", "chillin wid [name] after school"),
    ("me and kemar got caught", "me and [name] got caught"),
    ("kemar and me got caught", "[name] and me got caught"),
    ("ask kemar he was there", "ask [name] he was there"),
    ("jaylos mum rang my mum", "[name] mum rang my mum"),
    ("love u jodie", "love u [name]"),
])
def test_lower_case_names_no_list_holds_after_a_cue(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "got chased by a car full of lads with balaclavas last night",
    "people on my street can be a bit dodgy and i dont always feel comfy",
    "my dad forgets to get my meds and i have run out",
    "we went go karting and i crashed into the wall lol",
])
def test_lower_case_words_after_the_same_cues_stay(text):
    assert redact(text) == text


@pytest.mark.parametrize("text, expected", [
    ("Baker was my worker", "[name] was my worker"),
    ("Court was my worst day", "Court was my worst day"),
    ("We live on the Council estate", "We live on the Council estate"),
    ("Nothing, you have been brilliant.", "Nothing, you have been brilliant."),
])
def test_a_surname_that_is_a_word_when_the_sentence_says_worker(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Ms Ní Bhriain was my teacher", "[name] was my teacher"),
    ("Thanks Dr Okonjo for the letter", "Thanks [name] for the letter"),
    ("I go to Ysgol Bro Teifi and it is ok", "I go to [school] and it is ok"),
    ("Mary-Kate been there for me since day one", "[name] been there for me since day one"),
    ("thanks to rosie-may and alfie-jo", "thanks to [name] and [name]"),
    ("me and daisy are still mates", "me and [name] are still mates"),
    ("thank u to honey she is the best", "thank u to [name] she is the best"),
    ("i think tez is a top bloke", "i think [name] is a top bloke"),
    ("ya boi DK out", "ya boi [name] out"),
    ("Ottilie the nurse checked on me", "[name] the nurse checked on me"),
    ("I am Latvian and Ilze translated for me", "I am Latvian and [name] translated for me"),
    ("Wei Ling from my class helped me", "[name] from my class helped me"),
    ("my tag said i couldnt go to Kings Norton", "my tag said i couldnt go to [place]"),
    ("i want to move to Westcliff on Sea", "i want to move to [place]"),
    ("got kicked out of st aldhelms so now im at the PRU", "got kicked out of [school] so now im at the PRU"),
    ("i live at flat 2 barnaby court", "i live at [address]"),
    ("The caseworker, Miss Gallacher, was professional.", "The caseworker, [name], was professional."),
])
def test_round_five_particles_hyphens_cues_each_side_districts_and_saints(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "Exams are in May and June so no sessions then please", "me and my mum are closer now",
    "thank u to everyone she is the best team", "dont use my name, its private", "Dr Who is my favourite show",
    "Christmas Market in town was good", "lol it is a legend of a place", "Ysgol was hard for me in Welsh",
])
def test_round_five_lookalikes_stay(text):
    assert redact(text) == text


# --- round 7: general mechanisms -----------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("got caught fighting at Barry Island in the summer", "got caught fighting at [place] in the summer"),
    ("The lads at Tonna Boxing Club have been a good influence.", "The lads at [name] have been a good influence."),
    ("I own Ravi's Off Licence and the lad has since apologised.", "I own [place] and the lad has since apologised."),
    ("Mr Van der Berg at school wrote a letter for me", "[name] at school wrote a letter for me"),
    ("i train at Ely Rangers on tuesdays", "i train at [place] on tuesdays"),
])
def test_the_rest_of_a_proper_noun_run_goes_with_its_redacted_part(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "it was outside [place] Mall",  # a facility after a place: the place identifies, not the facility
    "We came from Syria and [name]'s English is still improving.",  # languages stay out of a run
    "I support Leeds United and City are rubbish",  # a league club is not where someone lives
])
def test_runs_stop_at_facilities_languages_and_league_clubs(text):
    source = text.replace("[place]", "Stretford").replace("[name]", "Rami")
    assert redact(source) == text


@pytest.mark.parametrize("text, expected", [
    ("ellie mae from my school is the one who got me to go", "[name] from my school is the one who got me to go"),
    ("connor b and louis used to be my mates", "[name] and [name] used to be my mates"),
    ("mo and jj is my boys innit", "[name] and [name] is my boys innit"),
    ("DJ n Rhys came with me to the first session", "[name] n [name] came with me to the first session"),
])
def test_lower_case_runs_and_lists(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("kayden_x on insta is the one who set me up", "[handle] on insta is the one who set me up"),
    ("k2 and skeng22 was the ones who got me into it", "[handle] and [handle] was the ones who got me into it"),
    ("me and lil kev9 was on the same order", "me and [handle] was on the same order"),
    ("my mate big T from Toxteth said yot was a waste", "my mate [name] from [place] said yot was a waste"),
    ("i recorded a track with Skinny J at the studio", "i recorded a track with [name] at the studio"),
])
def test_handles_without_at_and_nicknames(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "gr8 session m8 see u l8r, im 6ft and in y10",
    "i had covid19 and my ps5 broke",
    "I go to the gym at 6am now and I'm in Year 10",
    "a big T-shirt and a lil bit of help",
])
def test_text_speak_units_and_school_years_are_not_handles(text):
    assert redact(text) == text


@pytest.mark.parametrize("text, expected", [
    ("DONNA WAS THE BEST WORKER EVER", "[name] WAS THE BEST WORKER EVER"),
    ("I LOVE MY WORKER SIOBHAN", "I LOVE MY WORKER [name]"),
    ("THANK YOU FOR EVERYTHING YOU DID FOR ME", "THANK YOU FOR EVERYTHING YOU DID FOR ME"),
    ("THE YOT WAS OK BUT THE POLICE WERE NOT", "THE YOT WAS OK BUT THE POLICE WERE NOT"),
])
def test_shouted_text_is_read_in_ordinary_case_and_given_back_in_capitals(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Frank, my husband, wasn't happy with the outcome", "[name], my husband, wasn't happy with the outcome"),
    ("miss Jenkins from the pru came to my panel", "[name] from the pru came to my panel"),
    ("ms o'brien helped me with my reading", "[name] helped me with my reading"),
    ("thanks to mrs adeyemi for not giving up on me", "thanks to [name] for not giving up on me"),
    ("i miss Jess loads", "i miss [name] loads"),  # "miss" as a verb stays
    ("my nan Eileen came", "my nan [name] came"),
])
def test_appositive_roles_and_lower_case_titles(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Jaydn (spelt wrong lol its Jayden) was my mentor", "[name] (spelt wrong lol its [name]) was my mentor"),
    ("Amadou you are a legend", "[name] you are a legend"),
    ("Realy good session", "Realy good session"),  # a typo of a word
    ("Sooo good honestly", "Sooo good honestly"),  # a word drawn out
    ("Inshallah he stays on the right path", "Inshallah he stays on the right path"),
    ("Diolch! Roedd o'n dda", "Diolch! Roedd o'n dda"),  # Welsh
])
def test_unknown_words_at_a_sentence_start(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("summer from yot came to my school every week", "[name] from yot came to my school every week"),
    ("dawn at the office always had biscuits lol", "[name] at the office always had biscuits lol"),
    ("sky was my sisters friend who i was with that night", "[name] was my sisters friend who i was with that night"),
    ("chase got me into boxing at the gym", "[name] got me into boxing at the gym"),
    ("shoutout tyreece ur a legend", "shoutout [name] ur a legend"),
    ("tobias got the same order as me", "[name] got the same order as me"),
])
def test_word_names_opening_an_answer_with_a_person_cue(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "Summer was when it all kicked off.",
    "Rocky was the film we watched in the group and it was motivating",
    "hope got me through it",
    "summer holidays were the hardest",
    "May was a tough month for us",
    "Chase the dream not the money my worker said",
    "Dawn raids by police scared my little brother",
    "mum's boyfriend hurts us",
])
def test_word_names_without_a_person_cue_stay(text):
    assert redact(text) == text


@pytest.mark.parametrize("text, expected", [
    ("J.B. and me got arrested together", "[name] and me got arrested together"),
    ("Bartłomiej was my cellmate", "[name] was my cellmate"),
    ("lexi-rae from my class started it", "[name] from my class started it"),
    ("Jade was the first person who listened", "[name] was the first person who listened"),
    ("I did P.E. and R.E. in the U.K.", "I did P.E. and R.E. in the U.K."),
    ("Dzień dobry, I am writing about my son", "Dzień dobry, I am writing about my son"),
    ("Autumn was the worst time for me", "Autumn was the worst time for me"),
])
def test_initials_with_stops_letters_beyond_ascii_pet_forms_and_their_not_names(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("The Police Were Rubbish But My Worker Was Good", "The Police Were Rubbish But My Worker Was Good"),
    ("Jess Hope You Are Well", "[name] Hope You Are Well"),
    ("I Live In Wrexham And Go To Ysgol Morgan Llwyd", "I Live In [place] And Go To [school]"),
    ("Thanks To Jade And The Team", "Thanks To [name] And The Team"),
])
def test_title_cased_text_is_read_in_ordinary_case_and_given_back_in_its_own(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("her name is destiny rose", "her name is [name]"),
    ("a girl called jess will be there", "a girl called [name] will be there"),
    ("sami g is my boy", "[name] is my boy"),
    ("i got called names", "i got called names"),
])
def test_a_name_the_sentence_gives_as_one(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Jujitsu classes were good", "Jujitsu classes were good"),  # a noun follows: an activity, not a person
    ("Zumba on Fridays at the centre", "Zumba on Fridays at the centre"),
    ("Brexit stuff confused me", "Brexit stuff confused me"),
    ("Kaelan started the fight", "[name] started the fight"),  # a verb follows
    ("Tiernan, thank you", "[name], thank you"),
])
def test_what_follows_an_unknown_word_at_a_sentence_start_decides(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("my probation officer mrs k was alright", "my probation officer [name] was alright"),
    ("auntie bisi looked after me", "auntie [name] looked after me"),
    ("i miss u", "i miss u"),
    ("my nan wasnt happy", "my nan wasnt happy"),
])
def test_lower_case_titles_with_an_initial_or_a_name_no_list_holds(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("he's in hmp parc now", "he's in hmp [place] now"),
    ("we live in penge now", "we live in [place] now"),
    ("i live in fear", "i live in fear"),
    ("we stayed in bed", "we stayed in bed"),
])
def test_lower_case_prisons_and_where_someone_lives(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("i was talking to sk8rboi99 online", "i was talking to [handle] online"),
    ("its on channel4", "its on channel4"),
    ("the m25 was closed and we took the a470", "the m25 was closed and we took the a470"),
])
def test_more_handle_shapes_and_not_handles(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("uncle ricardo got me a job", "uncle [name] got me a job"),  # as the labelled sets do: "aunty bev" -> bev
    ("ms fitzgerald was my maths teacher", "[name] was my maths teacher"),
])
def test_a_family_word_before_a_name_stays_a_title_goes(text, expected):
    assert redact(text) == expected


# Round 8: words no dictionary knows, places typed in lower case, word-names with a person cue.
@pytest.mark.parametrize("text, redacted", [
    ("me n kobi n zeph got lifts every week", "me n [name] n [name] got lifts every week"),
    ("tbh rhodri and tunde made it ok", "tbh [name] and [name] made it ok"),
    ("we always end up in penrhyndeudraeth on a friday", "we always end up in [place] on a friday"),
    ("bro lenno took me to the gym", "bro [name] took me to the gym"),
    ("the mentor is called jade and she is sound", "the mentor is called [name] and she is sound"),
    ("big thanks to ruby for the lifts", "big thanks to [name] for the lifts"),
    ("my nan lives on mill lane now", "my nan lives on [address] now"),
    ("the unit was on heol y deri near the shops", "the unit was on [address] near the shops"),
    ("it happened outside the chippy in st ives", "it happened outside the chippy in [place]"),
    ("we moved to ross-on-wye last year", "we moved to [place] last year"),
    ("used to stay at ty gwyn childrens home", "used to stay at [address] childrens home"),
])
def test_unknown_words_lower_case_places_and_cued_word_names_go(text, redacted):
    assert redact(text) == redacted


@pytest.mark.parametrize("text", [
    "gud session tbh, wot we did was mint and the skatepark trip was fab",
    "ty mate, ty so much for everything",
    "he reoffends when hes bored, we need more stuff on weekends",
    "my son headbutted me on sunday",
    "the road was busy and the main lane was shut",
    "Roedd y gweithiwr yn garedig iawn ac fe wnaeth hi wrando arna i bob tro",  # a Welsh answer keeps its words
    "im gonna try harder, hope that's ok",
    "mark my words it helped",
])
def test_typed_words_welsh_answers_and_word_names_without_a_cue_stay(text):
    assert redact(text) == text


@pytest.mark.parametrize("text", [
    "I wasn't told he'd been given a referral order",  # a pronoun after "told", not a name
    "Midwives were great",  # words the long word list knows, at a sentence's start
    "Outpatients ran smoothly",
])
def test_pronouns_with_an_apostrophe_and_words_opening_a_sentence_stay(text):
    assert redact(text) == text
