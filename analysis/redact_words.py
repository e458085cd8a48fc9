"""Word lists and lexicons that `analysis.redact` and `analysis.redact_general` share: first names
(ours and the US census lists in the `names` package), words that are not names, countries
(pycountry), and TextBlob's lexicon and spelling list, read to tell an English word from a name."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources


COMMON_FIRST_NAMES = frozenset("""
aaliyah aaron abdul abigail adam adele adrian ahmed aidan aiden aimee aisha alex alexander alfie ali alice
alisha amber amelia amir amy andrew andy angela anna annie archie arthur ava ayesha bailey ben benjamin
bethany billy bradley brandon caitlin callum cameron carl caroline charlie charlotte chantelle chloe chris
christopher ciara claire connor courtney craig daisy daniel danielle darren david dean declan demi dylan
eden elijah elizabeth ella ellie emily emma ethan evie faith fatima finley finn freddie freya gary gemma
george georgia grace gracie hannah harley harrison harry harvey hayley heidi holly hope isaac isabella
isla jack jacob jade jake james jamie jasmine jason jay jayden jeff jenna jennifer jessica joe joel john
jordan joseph josh joshua joy jude julie kai karen kate katie kayden kayleigh keeley kelly kerry kevin
kian kieran kyle lacey laura lauren layla leah lee leo leon lewis liam lily lola louis louise lucas lucy
luke mark marcus maria martin mason matthew maya megan mia michael michelle millie mohammed mohammad
molly muhammad nathan niamh nicola noah oliver olivia omar oscar owen paige patrick paul peter phoebe
poppy rachel reece rebecca reggie rhys riley robert ruby ryan sadie sam samuel sana sarah scarlett
scott sean shannon sophie stacey stephen steven summer tanya taylor theo thomas tia tom tommy toby tyler
tyrone victoria will william yusuf zac zak zara zain
""".split())


# Names common in UK families that the US census lists miss, and the short forms people type.
MORE_FIRST_NAMES = frozenset("""
aled alun aneurin angharad bethan bleddyn bronwen carys catrin cerys dafydd dai delyth dewi dylan eira
eirian eleri elin emrys ffion gareth geraint gethin glyn gruffydd gwen gwenllian gwyn hywel idris ieuan
iestyn iolo llinos llyr lowri mared megan meinir meirion morgan nia osian owain rhian rhiannon rhodri
rhys seren sian siân sioned steffan sion tegan teleri trystan wyn
aoife caoimhe ciaran cian clodagh colm darragh dervla eoin grainne niall oisin orla padraig roisin
saoirse seamus siobhan sinead tadhg
aarav abdullah adil afzal akash alia amaan amina amrit anika anil anjali arjun asad asif asma ayaan
bilal deepak dev faisal farah farhan fatimah fiza habib hamid hamza hana haris harpreet hassan ibrahim
imran irfan ishaan jaspreet kabir kamal karan kiran kulvinder laila mahmood manpreet mariam mehmet
mohsin nadia naveed nazia neha nikhil noor parveen pooja priya rahul raj rajesh ravi rehan reza rizwan
rohan ruksana sabrina sadia saima salma samir sanjay shabnam shahid shanice sunil tahir tanvir tariq
usman waqas yasmin zainab zahra zeeshan zoya
abdi abena adaeze ade adebayo adeola ama amara ayo babajide chidi chinedu chioma dami deji ebony efua
emeka femi folake ife ikenna jamal jerome kemi kwabena kwame kofi lamar malik marcia nkechi nia obi
olu olumide oluwaseun segun shaquille shanice tayo temi tiwa tobi tunde uche yaw zeke deshawn tyrese
tayla kaya kacey keisha keziah leroy marlon nathaniel reuben tremaine winston delroy desmond jermaine
aleksandra agnieszka bartek bartosz dominika filip jakub janusz jolanta kacper kasia katarzyna krzysztof
lukasz maciej magda marcin mateusz michal oskar piotr szymon tomasz wojciech zofia zuzanna
ahmad aliyah amani aziz fadumo faisal halima hodan idil khadija layla mustafa omar samira warsame
yasin yousef
bex kez danni shaz tash jess jaz jazz kaz dom rob robbie nat nats mo jo jas gaz baz daz del lisa
terri toni tony vicky becca becky soph liv livvy ellie-mae lacey-mae millie-rose dave davey dan danny
sandra lorraine angela marcia bernadette graham wayne jean pam sue jackie tracey debbie dawn
ed al li bo di vi ty cy
""".split())


ALL_CURATED_NAMES = COMMON_FIRST_NAMES | MORE_FIRST_NAMES


# First names that are also ordinary English words: only redacted with more evidence.
AMBIGUOUS_NAMES = frozenset({"will", "may", "hope", "grace", "faith", "joy", "summer", "holly", "mark",
                             "amber", "ruby", "jade", "bill", "rose", "dawn", "sky", "jack", "dev", "nat",
                             "mo", "dom", "rob", "del", "dai", "ade", "ama", "sue", "pam", "nia", "wyn",
                             "deji", "jazz", "temi", "kiran", "noor", "amani", "raj", "ravi", "dean",
                             "glyn", "sunny", "rich", "jay", "sian",
                             # virtue names, common in Nigerian, Ghanaian, Zimbabwean and Caribbean families
                             "blessing", "precious", "justice", "honour", "favour", "destiny", "gift", "peace",
                             "mercy", "patience", "charity", "harmony", "unity", "trinity", "serenity", "promise",
                             "comfort", "treasure", "marvel", "miracle", "prince", "princess", "godswill",
                             "goodness", "innocent", "memory", "loveth", "divine", "victory", "wisdom", "hero"})


COMMON_FIRST_NAMES |= AMBIGUOUS_NAMES


_MONTHS_AND_DAYS = frozenset("""january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday jan feb mar apr jun jul aug sep sept oct nov dec
mon tue tues wed thu thur thurs fri sat sun""".split())


ORDINARY_WORD_COUNT = 40  # in TextBlob's spelling list, a word this common is an English word first


# Capitalised words people write that are not people or places: brands, organisations, subjects,
# games, festivals. Only needed for words TextBlob's lexicon does not know.
KNOWN_NOT_NAMES = frozenset("""
yot yos camhs nhs gp ae a&e cps dwp hmrc dvla nspcc rspca ymca ywca barnardos barnardo nacro catch22 mind
childline samaritans kooth shelter crisis prince princes trust youthscape connexions jobcentre jobcentreplus
universal credit ofsted ucas gcse gcses btec btecs nvq cscs sia esol mcdonald mcdonalds maccies mcdees kfc nandos
greggs tesco tescos asda aldi lidl morrisons sainsbury sainsburys waitrose iceland spar coop primark jd argos boots
superdrug poundland wilko costa starbucks subway dominos timpsons halfords screwfix wetherspoons spoons
playstation ps4 ps5 xbox nintendo switch fifa fortnite roblox minecraft cod gta netflix youtube spotify
tiktok snapchat snap insta instagram whatsapp facebook fb twitter discord telegram iphone android samsung
nike adidas puma gucci uber deliveroo amazon ebay google microsoft apple lego
maths english science welsh cymraeg art pe re ict dt btec cv ysgol coleg comp
christmas xmas easter eid ramadan diwali hanukkah halloween bonfire jummah
arsenal chelsea spurs tottenham villa wolves everton liverpool celtic rangers
mum dad nan grandad lol omg tbh idk ngl fr innit wagwan bruv fam peng peak mint safe waz wuz woz kl brill
footy luv thx ty wiv dat dis da nuff gr8 m8 bare proper sound lush tidy calm dead jokes long mid
shes hes im ive id dont didnt cant wont wasnt isnt thats whats theyre youre ur u r n ya yh ye yea nah bruh cos coz
cus gonna wanna gotta dunno init aint doesnt couldnt wouldnt shouldnt havent hasnt wouldve couldve theres wheres
diolch croeso shwmae hwyl iawn plis ydw nac bore nos helo
inshallah insha'allah mashallah alhamdulillah wallahi wallah habibi habibti bismillah subhanallah ameen amen yalla
yallah wahala abeg oya shukran salaam salam salaams wagwarn wah gwaan tbf lmk imo idc ofc obvs defo deffo prolly tho
becuz becos bcoz bcuz coz cuz nuttin nuffin nothin sumtin sumfin somethin summat owt nowt bruvva bruv bredrin wivout
wiv wivin finna tryna boutta gonna shoulda coulda woulda skeng skengs opp opps deadass ting tings wasteman mandem
gyaldem tekkers bait peak allow wavey leng bussin gassed moist shook peng ends yard yardie yardies dench dun
fam mandem gyaldem dem yall ppl peeps bro bredrin blud bredda fella geezer yute yutes
yh cba smh ikr rn wbu hbu pls plz thnx tnx sry soz ffs omd wtf lmao lmfao rofl bae bestie hun babe
jesus god allah christ lord christian christians muslim muslims sikh sikhs hindu hindus jewish jew catholic
protestant buddhist islam islamic roma romani gypsy traveller travellers irish welsh scottish english british
polish romanian punjabi urdu bengali gujarati somali arabic kurdish turkish albanian portuguese spanish french
italian german lithuanian latvian russian ukrainian nigerian ghanaian jamaican pakistani indian bangladeshi
eritrean sudanese syrian afghan iraqi iranian chinese vietnamese filipino asian african caribbean
""".split())


NATIONALITIES = frozenset("""irish welsh scottish english british polish romanian punjabi urdu bengali gujarati somali
arabic kurdish turkish albanian portuguese spanish french italian german lithuanian latvian russian ukrainian nigerian
ghanaian jamaican pakistani indian bangladeshi eritrean sudanese syrian afghan iraqi iranian chinese vietnamese
filipino asian african caribbean christian muslim sikh hindu jewish catholic""".split())


@cache
def census_names() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(first names, surnames, names that are also ordinary words), lower case, from the `names` package."""
    def read(name: str, limit: int | None = None) -> list[str]:
        lines = resources.files("names").joinpath(name).read_text(encoding="utf-8").splitlines()
        return [line.split()[0].lower() for line in lines[:limit] if line.strip()]
    first = {n for n in read("dist.male.first") + read("dist.female.first") if len(n) >= 3}
    surnames = {n for n in read("dist.all.last", 20000) if len(n) >= 3}
    ordinary = {n for n in first | surnames | MORE_FIRST_NAMES if is_english_word(n)} | _MONTHS_AND_DAYS
    return frozenset(first | MORE_FIRST_NAMES), frozenset(surnames), frozenset(ordinary - COMMON_FIRST_NAMES)


@cache
def countries() -> tuple[frozenset[str], re.Pattern[str]]:
    """(one-word country names in lower case, a pattern for the longer ones), from pycountry's ISO 3166
    data (shipped in its wheel): "from Poland", "moved here from Sierra Leone" are not people or towns."""
    import pycountry

    names = {"england", "scotland", "wales", "britain", "uk", "usa", "america", "europe", "africa", "asia",
             "caribbean", "congo", "kurdistan", "palestine", "kosovo", "cymru", "turkey", "holland"}
    longer = {"northern ireland", "great britain", "ivory coast", "united states", "south america",
              "north america", "middle east"}
    for country in pycountry.countries:
        for attribute in ("name", "common_name"):
            name = getattr(country, attribute, None)
            if name and "," not in name and "(" not in name:
                (names if " " not in name else longer).add(name.lower())
    pattern = re.compile(r"\b(?i:" + "|".join(sorted(map(re.escape, longer), key=len, reverse=True)) + r")\b")
    return frozenset(names), pattern


@cache
def _all_first_names() -> frozenset[str]:
    return census_names()[0] | ALL_CURATED_NAMES


@cache
def _english_word_counts() -> dict[str, int]:
    counts = {}
    for line in resources.files("textblob").joinpath("en", "en-spelling.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith(";"):
            word, _, count = line.partition(" ")
            counts[word] = int(count or 0)
    return counts


@cache
def _lexicon_words() -> tuple[frozenset[str], frozenset[str]]:
    """(words TextBlob's tagger knows in lower case, every word it knows lower-cased)."""
    lower, every = set(), set()
    for line in resources.files("textblob").joinpath("en", "en-lexicon.txt").read_text(encoding="utf-8").splitlines():
        word = line.split(" ", 1)[0]
        if not word:
            continue
        every.add(word.lower())
        if word.islower():
            lower.add(word)
    return frozenset(lower), frozenset(every)


@cache
def _proper_nouns_only() -> frozenset[str]:
    """Words TextBlob's lexicon knows only as proper nouns (NNP), never in lower case: "Hamish",
    "Zbigniew", "Paris". Known words, but known as names of someone or somewhere."""
    tags: dict[str, set[str]] = {}
    for line in resources.files("textblob").joinpath("en", "en-lexicon.txt").read_text(encoding="utf-8").splitlines():
        word, _, tag = line.partition(" ")
        if word:
            tags.setdefault(word.lower(), set()).add(tag.strip() if word[0].isupper() else "lower")
    return frozenset(word for word, found in tags.items() if found <= {"NNP", "NNPS"})


def _proper_noun_only(word: str) -> bool:
    word = word.lower()
    return word in _proper_nouns_only() and _english_word_counts().get(word, 0) < 5 \
        and word not in KNOWN_NOT_NAMES and word not in countries()[0]


def is_english_word(word: str) -> bool:
    """A word written in lower case in ordinary English ("reading", "grace", "bill"), not only a name."""
    word = word.lower()
    return (word in _lexicon_words()[0] or _english_word_counts().get(word, 0) >= ORDINARY_WORD_COUNT
            or word in _MONTHS_AND_DAYS)


def _known_word(word: str) -> bool:
    """Anything TextBlob knows, in any case, or a word we list as not a name."""
    word = word.lower()
    return word in _lexicon_words()[1] or word in KNOWN_NOT_NAMES or _english_word_counts().get(word, 0) > 0


_SENTENCE_END = re.compile(r"(?:^|[.!?:;]\s*|\n\s*|[\"“]\s*)$")


_PERSON_NOUNS = frozenset({"eldest", "youngest", "oldest", "middle", "son", "daughter", "boy", "girl", "lad",
                           "worker", "mentor", "officer", "teacher", "mate", "friend", "brother", "sister",
                           "cousin", "nan", "mum", "dad", "partner", "girlfriend", "boyfriend", "baby", "kid",
                           "child", "grandson", "granddaughter", "nephew", "niece", "neighbour", "carer",
                           "keyworker", "caseworker", "manager", "boss", "coach", "little", "oldest", "twin",
                           "supervisor", "nurse", "volunteer", "practitioner", "counsellor", "therapist",
                           "psychologist", "advocate", "solicitor", "lawyer", "tutor", "lady", "woman", "bloke",
                           "guy", "fella", "receptionist", "interpreter", "translator", "chaplain", "instructor",
                           "trainer", "copper", "headteacher", "assistant", "senco", "doctor", "midwife",
                           "paramedic", "cook", "chef", "driver", "nan", "gran", "aunty", "auntie", "uncle",
                           "husband", "wife", "fiance", "fiancé", "fiancee", "stepdad", "stepmum", "stepson",
                           "stepdaughter", "grandma", "grandad", "granddad", "grandfather", "grandmother", "mother",
                           "father", "mam", "bro", "sis", "cuz", "bestie", "bestmate", "pal", "ex", "wifey", "hubby",
                           "foster", "mentee", "sibling", "stepbrother", "stepsister", "godmother", "godfather"})


_HOME_NOUNS = frozenset({"house", "flat", "room", "place", "phone", "car", "bike", "birthday", "mam", "idea",
                         "family", "parents", "stepdad", "stepmum", "grandma", "grandad", "nana", "uncle", "aunty",
                         "auntie", "wife", "husband", "kids", "children"})


@cache
def _made_of_words(word: str) -> bool:
    """Typed words that are not names though no list holds them: two words run together ("lowkey",
    "facetime", "eggshells") or a word without its apostrophe ("weve", "hasnt")."""
    lower, counts = _lexicon_words()[0], _english_word_counts()

    def plain_word(part: str) -> bool:  # "len", "em": too rare or short to prove a compound
        return len(part) >= 3 and part in lower and (len(part) >= 4 or counts.get(part, 0) >= 8)

    for i in range(1, len(word)):
        if (word[:i] + "'" + word[i:]) in lower or (word[:i] + "’" + word[i:]) in lower:
            return True
        if plain_word(word[:i]) and plain_word(word[i:]):
            return True
    return (word.endswith("nt") and word[:-2] in _AUXILIARIES) or (
        any(word.endswith(end) and word[: -len(end)] in _PRONOUNS for end in ("ve", "re", "ll", "d", "m")))


_AUXILIARIES = frozenset({"is", "was", "do", "does", "did", "have", "has", "had", "could", "would", "should", "ca",
                          "wo", "are", "were", "must", "might", "need", "ai", "wasn", "don", "didn"})


_PRONOUNS = frozenset({"i", "we", "you", "they", "he", "she", "it", "there", "that", "who", "what", "u", "ya"})


# Words that name a feeling or a modal before they name a person: "Hope is all we have", "Will do".
_ABSTRACT_NAMES = frozenset({"will", "may", "hope", "faith", "grace", "joy", "patience", "mark", "bill", "rich",
                             "summer", "dawn", "sky", "rose", "jazz", "sunny", "justice", "honour", "peace",
                             "mercy", "charity", "comfort", "goodness", "promise", "memory", "wisdom", "victory",
                             "unity", "harmony", "gift", "favour", "treasure", "divine", "innocent", "hero",
                             "miracle", "prince", "princess"})


@cache
def lexicon_tags() -> dict[str, str]:
    """TextBlob's tag for each word it knows in lower case ("cards" NNS, "helped" VBD, "you" PRP)."""
    tags = {}
    for line in resources.files("textblob").joinpath("en", "en-lexicon.txt").read_text(encoding="utf-8").splitlines():
        word, _, tag = line.partition(" ")
        if word and word.islower():
            tags[word] = tag.strip()
    return tags


# Text-speak and dialect no dictionary holds: never taken for a name by the unknown-word pass.
TEXT_SPEAK = frozenset("""
gud gd dnt wot wat wen wer hmu shud shld wud cud coz cos seh boi bruv bruh fam innit init peng mandem gyal ting
wagwan dun dunno dno idk idc idek tbh tbf ngl imo omg omd lol lmao lmfao rofl smh frfr istg btw brb ttyl gr8 l8r
ur urs kk oki okie pls plz plez thx thnx tnx thanx soz hun luv wiv wivout hav ave fink fing nuffin nothin sumthin
summat owt nowt aye nah naa yeh yea yep yup nope buzzin reyt gonna wanna gotta kinda sorta lemme gimme aint
hols mams mam exs dob alot fab craic uni tho thru cya lush cwtch bara brith cawl diolch iawn hiya ffs wtf stfu
bmx ps4 ps5 xbox fifa cba cud've shudnt wudnt cudnt dint didnt wasnt isnt wont cant dont doesnt havent hasnt
realise realised apologise apologised organise organised recognise recognised criticise prioritise
asf kmt madd tmrw tmw tmoz tmoro wana wanna hw hwk reg pru hmp hmyoi yoi yot yos camhs asbo gcse gcses nvq btec ehcp senco dbs
yano yknow ya yous youse ye mi meself wee bairn lass lassie hen pet duck mardy nesh
""".split())


@cache
def _spelling_frequencies() -> dict[str, int]:
    """pyspellchecker's English word frequencies (160,000 words, shipped in its wheel): a far longer
    list of words people write than TextBlob's, to tell a rare word from a name."""
    from spellchecker import SpellChecker

    return SpellChecker(language="en").word_frequency.dictionary


def in_long_word_list(word: str) -> bool:
    """A word common enough in English writing that, not being a listed given name, it is a word."""
    return _spelling_frequencies().get(word.lower(), 0) >= 100 and word.lower() not in _all_first_names()


def replace_group(match: re.Match[str], group: int, placeholder: str) -> str:
    """The match with one of its groups replaced: "thanks to [name]" keeps "thanks to"."""
    whole, start = match.group(0), match.start(group) - match.start(0)
    return whole[:start] + placeholder + whole[start + len(match.group(group)):]
