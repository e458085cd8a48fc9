"""Safeguarding screen: does an answer need a duty worker, now or today?

Tuned for recall: a missed disclosure costs far more than a worker reading a false alarm. Two
layers, both run on every sentence (and on overlapping windows of a long unpunctuated one), so a
long friendly answer cannot dilute one worrying line:

1. **Rules**: regular expressions for the plain ways people say it ("my stepdad hits me"),
   anchored on the person themselves so talk about course content does not fire. A rule hit is
   explained by its category alone.
2. **Meaning**: each sentence is embedded with wordllama (static embeddings shipped in its
   wheel, so it works offline) and scored by a small logistic regression trained, on first use,
   on the exemplar banks in `safeguarding_banks.yaml`, with the cosine to the nearest exemplar
   of every category as extra features. It catches wording nobody listed; its reason names the
   nearest exemplar so a worker can see why. A sentence nearest one of a category's review
   exemplars (vague worry, harm told as over) goes to the review tier: when in doubt, a person
   reads it today rather than nobody.

Cues from the same YAML then adjust a hit: idioms are removed before screening ("my mum will
kill me if"), course content with nothing personal in it drops a hit, and harm told as over and
dealt with ("that was years ago, it's all sorted now") moves it to the review tier, never to
nothing. Everyday talk (praise, sport and games, a sentence an idiom came from, a few-word answer)
needs a stronger semantic score, and a victim recounting the offence the process dealt with raises
no alert about that offence, unless something says the danger is here now. Separate from sentiment
on purpose: a disclosure can come with a happy emoji.

Rules read the normalised answer (lower case, apostrophes removed: "they'd" reads "theyd"), with
common text-speak spelled out ("some1" reads "someone").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from analysis.language import WELSH_UNREAD, looks_welsh
from analysis.patterns import normalise
from analysis.softmax import softmax, train_softmax

BANKS_PATH = Path(__file__).with_name("safeguarding_banks.yaml")


class Category(StrEnum):
    """What a disclosure is about, most urgent first (the order a reason lists them in)."""

    SELF_HARM = "self_harm_suicide"
    SEXUAL_ABUSE = "sexual_abuse"
    HARM_AT_HOME = "abuse_at_home"
    SEXUAL_EXPLOITATION = "grooming_sexual_exploitation"
    IMAGE_ABUSE = "image_abuse_sextortion"
    DOMESTIC_ABUSE = "domestic_abuse_partner"
    CHILD_TO_PARENT = "child_to_parent_violence"
    CRIMINAL_EXPLOITATION = "criminal_exploitation_drug_debt"
    WEAPON_FEAR = "weapon_carrying_fear"
    THREATS = "threats_violence"
    VICTIM_INTIMIDATION = "victim_witness_intimidation"
    NEGLECT = "neglect"
    HELP_SEEKING = "help_seeking"

    @property
    def label(self) -> str:
        """What the duty worker reads."""
        return _LABELS[self]


_LABELS = {
    Category.SELF_HARM: "self-harm or suicide",
    Category.SEXUAL_ABUSE: "sexual abuse",
    Category.HARM_AT_HOME: "harm at home",
    Category.SEXUAL_EXPLOITATION: "sexual exploitation or grooming",
    Category.IMAGE_ABUSE: "image abuse or sextortion",
    Category.DOMESTIC_ABUSE: "domestic abuse",
    Category.CHILD_TO_PARENT: "violence from a child to a parent",
    Category.CRIMINAL_EXPLOITATION: "criminal exploitation or drug debt",
    Category.WEAPON_FEAR: "carrying a weapon for protection",
    Category.THREATS: "threats or violence",
    Category.VICTIM_INTIMIDATION: "victim intimidation",
    Category.NEGLECT: "neglect",
    Category.HELP_SEEKING: "asking for help",
}


class Tier(StrEnum):
    URGENT = "urgent"  # the person is shown help now; the duty worker gets an alert now
    REVIEW = "review"  # a worker reads it the same day


URGENT, REVIEW = Tier.URGENT.value, Tier.REVIEW.value


@dataclass(frozen=True)
class Screen:
    tier: str | None  # URGENT (help now, duty worker now), REVIEW (read today) or None
    reason: str | None  # categories hit, most urgent first, and what fired them
    matched: tuple[str, ...]  # the words or exemplars that fired

    @property
    def flagged(self) -> bool:
        return self.tier is not None


# --- the banks (YAML), validated on load ------------------------------------------------------

class BankError(ValueError):
    """The banks file is wrong; the message says where and how."""


class _CategoryBank(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tier: Tier
    exemplars: list[str] = Field(min_length=5)
    # Vague worry, or harm told as over: a sentence nearest one of these goes to the review tier.
    review_exemplars: list[str] = Field(default_factory=list)

    @field_validator("exemplars", "review_exemplars")
    @classmethod
    def _no_blank_exemplars(cls, exemplars: list[str]) -> list[str]:
        if any(not str(text).strip() for text in exemplars):
            raise ValueError("an exemplar is empty")
        return exemplars


class _Cues(BaseModel):
    model_config = ConfigDict(extra="forbid")
    past_resolved: list[str] = Field(min_length=1)
    still_happening: list[str] = Field(min_length=1)
    course_content: list[str] = Field(min_length=1)
    idioms: list[str] = Field(min_length=1)
    everyday_context: list[str] = Field(min_length=1)
    offence_dealt_with: list[str] = Field(min_length=1)
    current_risk: list[str] = Field(min_length=1)

    @field_validator("*")
    @classmethod
    def _each_cue_is_a_regex(cls, cues: list[str]) -> list[str]:
        for cue in cues:
            try:
                re.compile(cue)
            except re.error as error:
                raise ValueError(f"cue {cue!r} is not a valid pattern: {error}") from None
        return cues


class Banks(BaseModel):
    model_config = ConfigDict(extra="forbid")
    categories: dict[Category, _CategoryBank]
    negatives: list[str] = Field(min_length=20)
    cues: _Cues

    @field_validator("categories")
    @classmethod
    def _every_category_has_a_bank(cls, banks: dict[Category, _CategoryBank]) -> dict[Category, _CategoryBank]:
        missing = [category.value for category in Category if category not in banks]
        if missing:
            raise ValueError(f"no bank for: {', '.join(missing)}")
        return banks


def load_banks(path: Path = BANKS_PATH) -> Banks:
    """Read and check the banks; any mistake raises BankError naming the file and the place."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as error:
        raise BankError(f"{path}: cannot read it: {error}") from None
    try:
        return Banks.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
                             for problem in error.errors())
        raise BankError(f"{path}: {problems}") from None


# --- rules ------------------------------------------------------------------------------------

_ME = r"(?:me|us|my|him|her|them)"
_CARER = (r"(?:step ?dad|step ?father|dad|daddy|father|step ?mum|step ?mom|mum|mummy|mom|mam|mammy|ma|mother|brother|sister|uncle|"
          r"aunt(?:ie|y)?|nan|grandad|grandma|carer|foster \w+|"
          r"(?:mums|dads|moms|mams) (?:new )?(?:boyfriend|girlfriend|partner|fella|bf|gf))")
_PARTNER = r"(?:partner|husband|wife|boyfriend|girlfriend|bf|gf|ex|ex partner|ex husband|fella)"
_CHILD = r"(?:son|daughter|lad|boy|girl|child|kid|teenager|grandson|granddaughter)"
_HITS = (r"(?:hit|hits|hitting|beat|beats|beating|punch\w*|kick\w*|slap\w*|hurt|hurts|hurting|chok\w*|strangl\w*|"
         r"attack\w*|batter\w*|smack\w*|throttl\w*|burn\w*|thump\w*|headbutt\w*|whack\w*|leather\w*|spat at|spit\w* at|"
         r"(?:threw|throws|throwing|chuck\w*|lob\w*|hurl\w*) (?:a |the |his |her |their |my )?\w+ at)")
_WEAPON = r"(?:knife|knives|blade|shank|nank|machete|gun|strap|weapon|ting)"
# "hit me with a pillow", "got hit by the ball": play and sport, not harm
_PLAYFUL = r"(?! (?:with|by) (?:a |the |his |her )?(?:pillow|cushion|ball|football|snowball|water balloon|nerf|paintball|sock|towel))"
# "my dad beat me at pool again", "she beats me to it": a game won, not a beating
_GAME = (r"(?! (?:at|in) (?:a |the )?(?:pool|snooker|darts|chess|draughts|cards|scrabble|monopoly|uno|ludo|fifa|fortnite|"
         r"cod|warzone|mario kart|football|footy|tennis|ping pong|table tennis|bowling|golf|arm wrestling|\w+ (?:games?|race|quiz)|"
         r"(?:the |a )?(?:game|race|quiz|match)|everything|it)\b| to it\b)")
# "help me with my cv": an everyday task, not a plea
_TASK = (r"(?:(?:with|find|get|apply for|write|fill in|choose|look for|sort) (?:a |an |my |the |some )?(?:cv|college|"
         r"course|job|jobs|homework|application|form|forms|coursework|revision|maths|english|interview|bus pass|"
         r"apprenticeship|uni|placement|benefits|housing form)s?\b)")
_PEOPLE = r"(?:mum|mam|dad|brother|sister|family|nan|mate|mates|bro|cousin|kids|son|daughter|boy|girl|little \w+)"

# (category, regex source, topic word?, tier): topic-word rules are skipped in course context;
# rules whose words are often innocent raise the review tier only.
_RULES: tuple[tuple[Category, str, bool, Tier], ...] = (
    (Category.SELF_HARM, r"\b(?:kill\w*|hurt\w*|harm\w*|cut\w*|burn\w*|starv\w*|hang\w*) (?:my ?self|meself|myslf|himself|herself|themselves)\b", False, Tier.URGENT),
    (Category.SELF_HARM, r"\bk ?m ?s\b|\bunalive\w*", False, Tier.URGENT),
    (Category.HELP_SEEKING, r"^(?:help|help me|pls help|please help|sos|(?:i )?(?:really |just )?need (?:some )?help(?: (?:now|please|pls|plz|asap|right now|today|quick))?)$", False, Tier.URGENT),  # the whole answer
    (Category.SELF_HARM, r"\bself[ -]?harm\w*|\bsuicid\w*|\boverdos\w*|\boded\b|\b(?:i|he|she|they|ive|nearly|almost|had|has|have) odd\b(?! (?:one|ones|job|jobs|time|times|bit|thing|things|argument|day|days|few|couple|moment|occasion|feeling|sock)\b)|\bodd (?:on|last night|again)\b", True, Tier.URGENT),
    (Category.SELF_HARM, r"\b(?:want|wants|wanted|wanting|wanna|going|gonna|gunna|try|tried|trying)(?: to)? (?:die|end it|end my life|disappear|not wake up|not be here)\b", False, Tier.URGENT),
    (Category.SELF_HARM, r"\bend(?:ing)? (?:it all|my life|his life|her life|their life|my own life|things\b(?! with))\b|\bwant\w* to end it\b", False, Tier.URGENT),
    (Category.SELF_HARM, r"\bwish (?:i|id) (?:was|were|wasnt|werent|was never|had never been|could) ?(?:dead|born|alive|here|gone|disappear)", False, Tier.URGENT),
    (Category.SELF_HARM, r"\b(?:dont|do not|didnt|dont really|never) (?:want|wanna) (?:to )?(?:be alive|live|wake up|exist|be here (?:anymore|any more|no more)|be here$)", False, Tier.URGENT),
    (Category.SELF_HARM, r"\bno (?:point|reason) (?:in |to |of )?(?:anything|living|life|live|going on|carrying on|being here|being alive|it all|me being here)\b", False, Tier.URGENT),
    (Category.SELF_HARM, r"\b(?:cant|dont) see the point (?:of|in) (?:living|life|anything|going on|being here)\b|\bwhats (?:even )?the point (?:of|in) (?:me|waking|living|life|being|going on|carrying on)\b", False, Tier.URGENT),
    (Category.SELF_HARM, r"(?<!nothing i )(?<!nothing we )(?<!nothing you )(?<!nothing she )(?<!nothing he )\b(?:cant|can not|cannot) (?:go on|carry on|cope|take it)(?: anymore| any more| like this)?\b", False, Tier.URGENT),
    (Category.SELF_HARM, r"\bbetter off (?:without me|if i was(?:nt| not)? (?:here|dead|gone|around))\b|\bbetter off dead\b", False, Tier.URGENT),
    (Category.SELF_HARM, r"\b(?:happier|easier|relieved|better|fine|care|notice)\b(?: \w+){0,2} (?:without me|if i (?:was|were)(?:nt| not)? (?:gone|dead|here|around|alive|not here|not around|never born))\b", False, Tier.URGENT),
    (Category.SELF_HARM, r"\b(?:nobody|no one|noone) would (?:care|notice|miss me)\b", False, Tier.URGENT),
    (Category.SELF_HARM, r"\b(?:took|take|taking|swallowed|necked|saving|stockpil\w*|hoard\w*) (?:a lot of |loads of |all my |all of my |some |up )?(?:my )?(?:tablets|pills|paracetamol|meds|medication)\b", False, Tier.URGENT),
    (Category.SELF_HARM, r"\b(?:cut\w*|burn\w*|scratch\w*|hurt\w*) (?:my|his|her|their) (?:arms?|legs?|wrists?|thighs?|skin)\b", False, Tier.URGENT),
    (Category.SELF_HARM, r"\bcutting (?:again|myself)\b|\b(?:been|started|start|keep|still|back to) cutting\b(?! (?:hair|down|back|grass|wood))", False, Tier.URGENT),
    (Category.SELF_HARM, r"\b(?:wish i was|wanna be|want to be|rather be|should be) dead\b", False, Tier.URGENT),
    (Category.HARM_AT_HOME, rf"\b{_CARER}\b(?: \w+){{0,3}} (?:{_HITS}(?: \w+)? {_ME}|lock\w* (?:me|us) (?:out|in))\b{_PLAYFUL}{_GAME}", False, Tier.URGENT),
    (Category.HARM_AT_HOME, r"\b(?:scared|afraid|frightened|terrified|dread\w*|bricking it) (?:to go|of going|going|to be) (?:back )?(?:home|at home)\b|\bnot safe (?:at|going) home\b|\bdont (?:want to|feel safe) (?:go )?home\b", False, Tier.URGENT),
    (Category.HARM_AT_HOME, r"\b(?:i|we) (?:get|got|keep getting) (?:hurt|hit|beaten|battered|slapped|punched|kicked|whacked|leathered|smacked|(?:a |the )?(?:slap|smack|beating|hiding|battering|kicking|belt|whack|clip round the ear))\b" + _PLAYFUL, False, Tier.URGENT),
    (Category.HARM_AT_HOME, r"\babus\w* (?:me|us)\b|\b(?:i|we) (?:am|are|was|were|get|got|being) abused\b", False, Tier.URGENT),
    (Category.DOMESTIC_ABUSE, r"\bdomestic (?:abuse|violence)\b", True, Tier.URGENT),
    (Category.DOMESTIC_ABUSE, rf"\bmy {_PARTNER}\b(?: \w+){{0,3}} (?:{_HITS}(?: \w+)? (?:me|us|my mum|mum)|strangled|throttled)\b", False, Tier.URGENT),
    (Category.DOMESTIC_ABUSE, rf"\b(?:mums|mams|moms) (?:new )?{_PARTNER} (?:\w+ ){{0,2}}(?:hits|hit|beats|beat|punched|hurts|attacked|strangled|chokes|choked) (?:her|my mum|mum)\b", False, Tier.URGENT),
    (Category.CHILD_TO_PARENT, rf"\bmy {_CHILD}\b(?: \w+){{0,4}} (?:{_HITS}(?: \w+)? (?:me|us|his dad|her dad|his mum|her mum))\b{_GAME}", False, Tier.URGENT),
    (Category.CHILD_TO_PARENT, rf"\b(?:scared|afraid|frightened|terrified) of (?:my|our) (?:own )?{_CHILD}\b", False, Tier.URGENT),
    (Category.CHILD_TO_PARENT, r"\bi (?:hit|punch|kick|attack|hurt)\w* my (?:mum|mam|mom|dad|nan|gran)\b", False, Tier.URGENT),
    (Category.THREATS, rf"\b(?:stab|shank|shoot|merk|wet|kill|murder|batter|jump|slash|ching|bang) (?:me|us|my {_PEOPLE})\b(?! (?:good|proud|up|out|a favour|in laughing)| (?:a |an )?(?:text|message|msg|dm|email|line|call|link|pic|reminder|quick)\b| at (?:ping pong|table tennis|pool|snooker|darts|chess|cards|fifa|fortnite|cod|warzone|the game|football|footy|boxing|sparring|paintball|laser tag|dodgeball|wrestling|\w+ games?))", False, Tier.URGENT),
    (Category.THREATS, r"\b(?:theyll|theyd|hell|hed|shell|will|would|gonna|gunna|going to|threatened to|threatening to) (?:hurt|get|beat up|do in|come for|sort out) (?:me|us|my \w+)\b", False, Tier.URGENT),
    (Category.THREATS, r"\b(?:looking for|coming for|out for|hunting|(?:people|they|theyre|lads|opps|someone) (?:are |is )?after) me\b", False, Tier.URGENT),
    (Category.THREATS, rf"\b(?:pull\w*|flash\w*|had|got|waved|held) (?:a |his |their )?{_WEAPON} (?:on|at|to) (?:me|us|my)\b", False, Tier.URGENT),
    (Category.THREATS, rf"\bthreatened (?:me )?with (?:a )?{_WEAPON}\b|\bthreat\w* (?:me|us|my)\b", False, Tier.URGENT),
    (Category.THREATS, r"\b(?:i|we|me|my \w+|im|ive|weve)\b(?: \w+){0,2} threatened\b(?! with (?:exclusion|eviction|being excluded|court|a fine|detention))", False, Tier.URGENT),
    (Category.WEAPON_FEAR, rf"(?<!\bif )\b(?:i|we) (?:still |have to |got to |need to |always |keep |now )?(?:carry|carried|carrying|keep|have|got) (?:a )?{_WEAPON}\b", False, Tier.URGENT),
    (Category.WEAPON_FEAR, rf"\b(?:carry\w*|keep\w*|bring\w*) (?:a |my )?{_WEAPON} (?:for|to) (?:protection|protect|be safe)\b", False, Tier.URGENT),
    (Category.THREATS, r"\b(?:price|hit|green light) on my head\b|\bhit out on me\b", False, Tier.URGENT),
    (Category.THREATS, r"(?:^|\b(?:i|ive|we|me|im) )(?:got|been|was|get|keep getting|keep|(?:got|been) (?:proper|properly|badly|nearly|almost|just|literally|actually|fully)) (?:stabbed|shanked|shot|jumped|robbed|attacked|beaten up|battered|chinged|slashed|rushed|merked|mugged|glassed)\b(?! on\b| (?:by|with|in) (?:a |the |some |my )?(?:paintball|paintballs|nerf|water|ball|pellet|bb|geese|goose|swan|swans|dog|cat|seagull|bees?|wasps?|little|cousins|baby|nephew|niece|sister|brother|mates? in|zombies?|game|fifa|fortnite|warzone|cod))", False, Tier.URGENT),
    (Category.CRIMINAL_EXPLOITATION, r"\b(?:make|makes|made|making|force\w*|forcing|pressur\w*|got) (?:me|us) (?:to )?(?:hold|carry|sell|run|deal|shot|drop|move|stash|keep|deliver|answer|go (?:country|cunch|county|up|out)|work)\b", False, Tier.URGENT),
    (Category.CRIMINAL_EXPLOITATION, r"\b(?:being|been|was|im|i am|am|were) (?:forced|made|told|pressured) to (?:shot|sell|deal|carry|run|hold|stash|deliver|work)\b", False, Tier.URGENT),
    (Category.CRIMINAL_EXPLOITATION, r"\b(?:i|we) (?:still )?(?:owe|owed) (?:them|him|em|money|a debt|people|the (?:olders|elders|mandem|gang|lads|man))\b|\bsay(?:s|ing)? i owe\b|\bsaid i owe\b|\b(?:when|if|once|cos|because|while) (?:you|ya|i|we|he|she|they) (?:still )?(?:owe|owes|owed)\b(?! (?:me|you|us|rent|tax|council tax|the council|on (?:rent|bills)))", False, Tier.URGENT),
    (Category.CRIMINAL_EXPLOITATION, r"\b(?:got|have|in|owe) (?:a )?(?:drug )?debt\b(?! (?:letter|advice|advisor|adviser|plan|management|charity|helpline|collector))|\bwork (?:it|the debt) off\b", False, Tier.URGENT),
    (Category.CRIMINAL_EXPLOITATION, r"\b(?:have|got|had|has) to (?:sell|shot|run|deal|carry|hold|go country|go up county|work|do runs) for\b", False, Tier.URGENT),
    (Category.CRIMINAL_EXPLOITATION, r"\b(?:sell\w*|shot\w*|runs?|running|deal\w*|hold\w*|carry\w*|country|county|cunch|line\w*|stash\w*|driv\w*)(?: (?:stuff|things|drugs|packages|bits|food|it))? for (?:them|him|em|the olders|olders|my elders|the elders|a gang)\b", False, Tier.URGENT),
    (Category.CRIMINAL_EXPLOITATION, r"\b(?:going|go|goes|went|sent|sending|send|sends|out|up|to) (?:country|cunch|county|ots|out of town)\b(?! (?:court|council|hall|show|cup|championship|team))", False, Tier.URGENT),
    (Category.CRIMINAL_EXPLOITATION, r"\b(?:use|uses|using|used|took over|taken over|deal\w* from|sell\w* from) (?:my|our) (?:flat|house|place|home|mums house|nans house)\b", False, Tier.URGENT),
    (Category.CRIMINAL_EXPLOITATION, r"\b(?:take|takes|took) my phone and\b|\banswer the (?:line|phone) for\b", False, Tier.URGENT),
    (Category.SEXUAL_ABUSE, r"\braped?\b|\bmolest\w*|\bsexual(?:ly)? (?:abus\w*|assault\w*)|\babus\w* (?:me|him|her|them) sexually\b", True, Tier.URGENT),
    (Category.SEXUAL_ABUSE, r"\b(?:touches|touching|keeps touching|tries to touch|tried to touch)(?: me| my)\b|\btouched (?:me|my) (?:up|inappropriate\w*|where|when|private\w*)", False, Tier.URGENT),
    (Category.SEXUAL_ABUSE, r"\b(?:made|make|makes|making|forc\w*|pressur\w*) (?:me|us) (?:to )?(?:have sex|do sexual|touch him|touch her)\b", False, Tier.URGENT),
    (Category.SEXUAL_EXPLOITATION, r"\bgroom\w*|\bsexual exploit\w*", True, Tier.URGENT),
    (Category.SEXUAL_EXPLOITATION, r"\b(?:made|make|makes|making|forc\w*|pressur\w*) (?:me|us) (?:to )?(?:sleep with|do stuff|do things|go to parties|meet (?:men|older))\b", False, Tier.URGENT),
    (Category.SEXUAL_EXPLOITATION, r"\b(?:ask\w*|want\w*|beg\w*)(?: me)? (?:to send |for |send )(?:some |my )?(?:nudes|pics|pictures|photos|images|videos|vids)\b", False, Tier.URGENT),
    (Category.SEXUAL_EXPLOITATION, r"\bolder (?:man|men|guy|guys|bloke|blokes|boyfriend|woman|women)\b", False, Tier.REVIEW),
    (Category.SEXUAL_EXPLOITATION, r"\bmy (?:bf|boyfriend|gf|girlfriend|fella|man) (?:is|whos|who is) (?:1[89]|[2-6]\d)\b", False, Tier.URGENT),
    (Category.IMAGE_ABUSE, r"\b(?:share|post|leak|send|spread|show)\w* (?:my|our|his|her) (?:photos|pics|pictures|nudes|videos|vids)\b", False, Tier.URGENT),
    (Category.IMAGE_ABUSE, r"\b(?:made|make|makes|making|forc\w*|pressur\w*) (?:me|us) (?:to )?(?:send|take) (?:some |more )?(?:nudes|pics|pictures|photos|videos)\b", False, Tier.URGENT),
    (Category.IMAGE_ABUSE, r"\b(?:videos?|vids?|pics?|pictures?|photos?|images?) of me\b(?: \w+){0,3} (?:going round|passed round|being passed|shared|posted|sent round|sent to|leaked|online)\b", False, Tier.URGENT),
    (Category.IMAGE_ABUSE, r"\bnudes?\b|\bsextort\w*|\bsexting\b", True, Tier.URGENT),
    (Category.VICTIM_INTIMIDATION, r"\b(?:turned up|turn up|turns up|turning up|came|come|comes|coming|hanging around|hangs around|hang about|waiting|wait\w*|shouting|knock\w*) (?:at|outside|near|round|by|on) (?:my|our) (?:door|house|home|flat|work|school|street|road|window|car|van|gate|drive|driveway|workplace|office)\b", False, Tier.URGENT),
    (Category.VICTIM_INTIMIDATION, r"\b(?:following|followed|follow|follows|stalk\w*) (?:me|us)\b", False, Tier.URGENT),
    (Category.VICTIM_INTIMIDATION, r"\b(?:drive|drives|driving|drove|walk\w*|hang\w*|park\w*|sit\w*) (?:past|round|around|outside|by|opposite) (?:my|our) (?:house|home|flat|door|work|street|road)\b", False, Tier.URGENT),
    (Category.VICTIM_INTIMIDATION, r"\b(?:tell\w*|told|saying|said|warn\w*)(?: me| us)? (?:to )?(?:drop it|drop the charges|keep quiet|keep my mouth shut|not to (?:go|speak|tell|give)|withdraw|back off)\b", False, Tier.URGENT),
    (Category.VICTIM_INTIMIDATION, r"\b(?:regret|pay for|sorry for) (?:going to|talking to|speaking to|telling|ringing|calling) the (?:police|feds|court|coppers)\b|\bsnitch\w*|(?<!wouldnt )(?<!wont )(?<!never )(?<!not )\bgrass(?:ed)? on\b(?<!\bdont grass on)|\bcall\w* me a grass\b", False, Tier.URGENT),
    (Category.VICTIM_INTIMIDATION, r"\b(?:smash\w*|broke|broken|damag\w*|egg\w*|key\w*|graffiti\w*|slash\w*|put through) (?:my|our) (?:window\w*|car|door|house|fence|tyres|letterbox)\b", False, Tier.URGENT),
    (Category.VICTIM_INTIMIDATION, r"\bintimidat(?:e|es|ed|ion|ions)\b(?! by the (?:panel|meeting|room|court|process|judge|building|office))|\bintimidating (?:me|us|my|her|him|them|witness\w*|people|the family)\b|\bharass\w*", True, Tier.URGENT),
    (Category.VICTIM_INTIMIDATION, r"\btold (?:me |us )?to (?:think (?:carefully|twice)|be careful|watch (?:myself|my back|out))\b|\b(?:feel|feeling|being|am|im) (?:\w+ )?watched\b", False, Tier.URGENT),
    (Category.VICTIM_INTIMIDATION, r"\b(?:shout\w*|swear\w*|spat|spit\w*|sworn) at (?:me|us)\b", False, Tier.REVIEW),
    (Category.HELP_SEEKING, rf"\b(?:please|pls|plz) help\b(?! (?:me )?{_TASK})|(?<!didnt )(?<!doesnt )(?<!did not )(?<!does not )(?<!to )\bhelp me\b(?! {_TASK}| one bit| at all| much| a lot| loads| so much| massively| to (?:understand|see|realise|learn|get|stay|keep|think|change|calm|cope|manage))|\bi need help\b(?! (?:with|to|getting|for|on))", False, Tier.URGENT),
    (Category.HELP_SEEKING, r"\bi(?:m| am) not safe\b|\b(?:get|take) me out of here\b", False, Tier.URGENT),
    (Category.HELP_SEEKING, r"\b(?:im |i am |i\'m )?not coping\b|\bdont know (?:who|where) (?:to|i can|else to|else i can) (?:tell|talk to|turn to|go to|turn)\b", False, Tier.URGENT),
    (Category.IMAGE_ABUSE, r"\b(?:or|unless|else|otherwise) (?:they|he|she|theyll|hell|shell|they will|he will|she will)(?: \w+)? (?:post|share|send|leak|put up|show)\w*\b", False, Tier.URGENT),
    (Category.NEGLECT, r"\b(?:electric|electricity|gas|heating|meter)\w* (?:ran out|run out|runs out|is off|been off|cut off|went off)\b|\bno (?:electric|gas|heating|food) (?:in|at) (?:the house|home|ours)\b", False, Tier.URGENT),
    (Category.NEGLECT, r"\b(?:havent|hasnt|not) (?:had|got|been given) (?:clean clothes|a proper meal|proper food|any food|a meal|tea|dinner)\b", False, Tier.URGENT),
    (Category.SELF_HARM, r"\bused to (?:cut|self harm|hurt myself|burn myself)\b(?! (?:my |his |her |the )?(?:hair|grass|hedge|wood|class|lessons|school))", False, Tier.REVIEW),
    (Category.DOMESTIC_ABUSE, r"\bviolent (?:relationship|partner|ex|marriage|husband|boyfriend)\b|\b(?:partner|ex|husband|boyfriend|wife|girlfriend) (?:was|were|got|is|can be|has been) violent\b", False, Tier.URGENT),
    # Added with dev sets 3 to 7: plain wordings the meaning layer was unsure of.
    (Category.SELF_HARM, r"\b(?:disappear\w*|vanish\w*|be gone) (?:for good|forever|for ever|permanently)\b", False, Tier.URGENT),
    (Category.SELF_HARM, r"\b(?:cant|can not|cannot) be (?:arsed|bothered) (?:with|to) (?:living|life|be alive|being alive|wake up|exist\w*)\b", False, Tier.URGENT),
    (Category.SELF_HARM, r"\b(?:looked|look|looking|searched|googled|checked|wonder\w*) (?:up )?how (?:high|tall|far down|deep)\b|\bhow many (?:tablets|pills|paracetamol)\b", False, Tier.URGENT),
    (Category.SEXUAL_ABUSE, r"\b(?:touching|tickling|naughty) games?\b|\b(?:secret|special) games? (?:with|that)\b", False, Tier.URGENT),
    (Category.HARM_AT_HOME, r"\b(?:sore|bruised|bruises?|marks?|hurts|hurting|swollen)\b(?: \w+){0,4} (?:where|cos|because|after|when) (?:he|she|they|my \w+) (?:\w+ )?(?:twisted|grabbed|pinned|squeezed|yanked|dragged|shoved|pushed|threw|hit|punched|kicked|slapped|bit|stood on|strangled)\b", False, Tier.URGENT),
    (Category.HARM_AT_HOME, r"\b(?:home|house|ours|my place|at mine)\b(?: \w+){0,5} (?:warzone|war zone|nightmare|hell|unbearable|toxic|scary|frightening)\b", False, Tier.REVIEW),
    (Category.VICTIM_INTIMIDATION, r"\b(?:brick|stone|rock|bottle|firework|something|petrol|paint) (?:came |was thrown |thrown |got thrown |went |put )?through (?:my|our|the) (?:window|letterbox|door)\b", False, Tier.URGENT),
    (Category.SELF_HARM, r"\b(?:dont see (?:myself|me)|dont think (?:i|ill|i will|im gonna)|(?:i|ill) (?:wont|will not|aint gonna|am not gonna|never)|doubt (?:i|ill)|not gonna)\b(?: \w+){0,3} (?:make it|making it|be (?:here|alive|around)|live|living|last|lasting|see) (?:to|till|until|past|by|for) (?:1\d|[2-9]0|my (?:\w+ )?birthday|christmas|next (?:year|week|month)|the (?:weekend|summer|new year|end of the \w+)|new year|summer)\b", False, Tier.URGENT),
    (Category.THREATS, r"\b(?:he|she|they|someone|somebody|my \w+)\b(?: \w+){0,2} (?:broke|broken|fractured|cracked|bust|busted|split|smashed) (?:\w+ ){0,2}(?:of )?my (?:ribs?|nose|jaw|wrist|arm|fingers?|lip|eye socket|cheek ?bone|skull|head in|teeth|tooth)\b", False, Tier.URGENT),
    (Category.VICTIM_INTIMIDATION, r"\b(?:withheld|silent|anonymous|private number|no caller id|unknown number)s? ?(?:calls?|phone calls|numbers? (?:calling|ringing))|\bheavy breathing\b|\b(?:calls|rings|texts) (?:from|off) (?:a )?(?:withheld|private|unknown|hidden) (?:number|no)", False, Tier.URGENT),
    (Category.SEXUAL_ABUSE, r"\b(?:hand|hands|fingers) (?:down|in|inside|up|under) (?:my|her|his|their) (?:pants|knickers|trousers|top|skirt|shorts|boxers|bra|pyjamas|joggers|dress)\b", False, Tier.URGENT),
    (Category.SELF_HARM, r"\b(?:wrote|written|writing|write|left|leaving) (?:a |my |me )?(?:goodbye|suicide note|goodbye (?:letter|note|message|text)s?)\b", False, Tier.URGENT),
    (Category.SELF_HARM, r"\b(?:dark|bad|horrible|scary|suicidal) thoughts\b|\bin a (?:really )?dark place\b", False, Tier.REVIEW),
    (Category.HELP_SEEKING, r"\bneed to (?:get|be got) (?:out|away) (?:of here|from here|from (?:him|her|them|home|this house))\b", False, Tier.URGENT),
    (Category.NEGLECT, r"\b(?:run|ran|running) out of (?:my )?(?:meds|medication|medicine|inhaler|insulin|tablets)\b|\bforgets? to (?:feed|get|give|pick up|collect) (?:me|us|my)\b", False, Tier.REVIEW),
    (Category.THREATS, r"\b(?:stab|shank|wet|slash|ching|merk|bore|duppy) (?:me|us|him|her) up\b|\b(?:petrol bomb|fire ?bomb|molotov)\w*", False, Tier.URGENT),
    (Category.SEXUAL_EXPLOITATION, r"\b(?:picked up|collected|driven (?:around|about|off)|taken (?:away|off)|given lifts) (?:\w+ ){0,4}by (?:older|grown|adult|different) (?:men|man|lads|blokes|guys|males)\b", False, Tier.URGENT),
    (Category.HARM_AT_HOME, r"\b(?:too|so) (?:scared|frightened|afraid|terrified) to (?:say no|tell (?:him|her|them) no|say anything|speak up)\b", False, Tier.URGENT),
    (Category.VICTIM_INTIMIDATION, r"\b(?:for|because|cos|since) (?:i (?:went|spoke|talked|told)|going|talking|speaking|telling|grassing|giving (?:a )?statement) (?:to )?(?:the )?(?:police|feds|coppers|court|old bill)\b|\b(?:will|gonna|going to|would) (?:pay|suffer) for (?:what|this|it|that|telling|speaking)\b", False, Tier.URGENT),
    (Category.SELF_HARM, r"\b(?:has|have|got|made|making) a (?:plan|date)\b(?: \w+){0,3} (?:and a (?:date|plan|time)|to (?:end|kill|do it|die))\b", False, Tier.URGENT),
    (Category.THREATS, r"\bworr(?:y|ied|ies) (?:about )?what (?:he|she|they|my \w+) (?:might|will|could|would) do\b", False, Tier.REVIEW),
    (Category.HELP_SEEKING, r"\bneed (?:to|2) (?:speak|talk|tlk) (?:to|2|with) (?:someone|somebody|some1|anyone|any1|a worker|my worker)\b(?! about (?:\w+ ){0,2}(?:appointment|time|session|order|hours|bus|meeting|plan|course|job))", False, Tier.URGENT),
    (Category.HELP_SEEKING, r"\b(?:ring|call|phone|cal) (?:me|us) (?:asap|as soon as|now|right now|urgent\w*|today|tonight|please|pls|plz)\b", False, Tier.URGENT),
    (Category.HELP_SEEKING, r"\b(?:pls|please|plz) (?:can (?:you|someone|somebody) )?(?:ring|call|phone|contact|cal) (?:me|us)\b(?! (?:about|to (?:discuss|talk about|sort|arrange|change|move)|re|regarding|when (?:convenient|you can|you get)|back about))", False, Tier.URGENT),
    # Added in round 4 (dev sets A-D read row by row): kinds of wording, not rows.
    # "im not ok" as a whole sentence: not "im not ok with the times".
    (Category.HELP_SEEKING, r"^(?:honestly |to be honest |not gonna lie )?(?:im|i am|am)(?: just| really| so| honestly| genuinely)? not (?:ok|okay|alright|all right|doing ok|doing okay|doing well|coping|good|safe)(?: at all| really| to be honest| right now| anymore| any more)?$", False, Tier.URGENT),
    # hiding an injury: "a black eye and didnt want people asking", "long sleeves to cover the bruises"
    (Category.HARM_AT_HOME, r"\b(?:black eye|bruis\w*|split lip|fat lip|marks? on my|cuts? on my)\b(?: \w+){0,6} (?:didnt want|dont want|so (?:no one|nobody|people dont)|cover\w*|hid\w*|hide|make ?up|sleeves|asking questions)\b", False, Tier.URGENT),
    # a threat with a condition: "if i give evidence ill regret it", "told me to drop it or else"
    (Category.THREATS, r"\bif (?:i|we|you|u|my \w+)\b(?: \w+){0,8} (?:ill|youll|you will|ull|well|we will|i will|theyll|they will) (?:regret|be sorry|pay for|get (?:hurt|it|done|what))\b", False, Tier.URGENT),
    (Category.THREATS, r"\b(?:told|tell\w*|said|says|saying|warn\w*|messag\w*|text\w*|threat\w*)\b(?: \w+){0,8} or else\b", False, Tier.URGENT),
    # saying they will hurt someone: "im gonna stab him", "ill smash someones head in"
    (Category.THREATS, r"\b(?:im|i am|ill|i will|imma|i swear ill|i could)(?: \w+)?(?: gonna| going to| gunna)? (?:stab|shank|kill|merk|wet|murder|batter|glass|slash|do in)\b (?:him|her|them|someone|somebody|that \w+|the (?!next)\w+|his \w+|her \w+)\b(?! (?:at|on|in) (?:fifa|fortnite|cod|warzone|the game))|\b(?:smash|kick|cave|punch|knock) (?:\w+ ){0,2}(?:head|face|teeth) in\b", False, Tier.URGENT),
    # goodbye letters: "written my letters to mam and our kid"
    (Category.SELF_HARM, r"\b(?:written|wrote|writing|left|done) (?:all )?(?:my |me )?(?:letters|notes|goodbyes) (?:to|for) (?:my |me |our )?(?:mam|mum|mom|dad|family|everyone|nan|kids|brother|sister|kid|mates)\b", False, Tier.URGENT),
    (Category.SELF_HARM, r"\b(?:wont|will not|not gonna|aint gonna|not going to) (?:be )?(?:around|here|alive) (?:for )?(?:much|that much|a lot|very much) longer\b", False, Tier.URGENT),
    (Category.SELF_HARM, r"\bnothing (?:really |even )?matters (?:now|anymore|any more)\b", False, Tier.REVIEW),
    # a drug run gone wrong: "came back short", "got done over"
    (Category.CRIMINAL_EXPLOITATION, r"\b(?:came|come|coming|was|went|got) back short\b|\b(?:lost|got robbed of) (?:the|their|his) (?:stuff|food|bag|package|pack|money|p)\b", False, Tier.URGENT),
    (Category.THREATS, r"\b(?:i|ive|i have|we)\b(?: \w+)? (?:got|get|been|getting) done over\b", False, Tier.URGENT),
    (Category.NEGLECT, r"(?:^|\b(?:we|weve|we have|we got|weve got|theres|there is|theres been|got|havent got|have) )(?:no|nae) (?:electric|electricity|gas|heating|hot water|lights|power|food in)\b|\b(?:lights|electric|electricity|power|gas|heating|hot water) (?:got |been |was |were |has been |have been )?(?:cut off|turned off|switched off)\b(?: (?:at|in) (?:home|ours|the house|the flat))?(?! (?:at|in) (?:the )?(?:centre|office|school|college|gym|building))|\busing candles\b", False, Tier.URGENT),
    # hiding self-harm: "her arms are covered again", "wearing hoodies in this heat so i wont see"
    (Category.SELF_HARM, r"\b(?:arms?|legs?|wrists?|thighs?)\b (?:are |is |were |was )?(?:all )?(?:covered|marked|cut|scratched|scarred)(?: up)? again\b|\b(?:wearing|wears|wear|keeps?) (?:hoodies|long sleeves|a hoodie|her sleeves down|his sleeves down|sleeves down)\b(?: \w+){0,4} (?:heat|hot|boiling|summer|so (?:i|we|nobody|no one|people) (?:wont|cant|dont|cannot) see)\b", False, Tier.URGENT),
    (Category.HARM_AT_HOME, r"\b(?:throws?|threw|throwing|chucks?|chucked|chucking|lobs?|lobbed) (?:stuff|things|plates|cups|mugs|shoes|bottles|glasses|the remote|chairs) at (?:me|us|my \w+)\b", False, Tier.REVIEW),
    (Category.HARM_AT_HOME, r"\b(?:chair|wedge|bed|wardrobe|drawers|lock|bolt) (?:against|on|under|behind|up against) (?:my|the) (?:bedroom )?door\b", False, Tier.URGENT),
    (Category.THREATS, r"\b(?:he|she|they|my \w+)\b(?: \w+){0,2} (?:grabbed|grabs|grabbing|twisted|twists|yanked|pinned|squeezed) (?:me|my) (?:by the |round the )?(?:wrist|wrists|arm|arms|neck|throat|hair|face|collar)\b|\b(?:he|she|they|my \w+)\b(?: \w+){0,2} (?:lash\w* out at|went for|goes for|turned on|flew at) (?:me|us|my \w+)\b", False, Tier.URGENT),
    # after the offence: "comments from his family in the street", "grief off his cousins"
    (Category.VICTIM_INTIMIDATION, r"\b(?:comments|grief|hassle|abuse|aggro|remarks|threats|trouble|bother|looks|name calling|dirty looks)\b (?:\w+ ){0,3}(?:from|off|by) (?:his|her|their|the (?:lads?|boys?|girls?)s?) (?:family|friends|mates|cousins|lot|brothers?|sisters?|dad|mum|relatives|crew|gang|pals)\b", False, Tier.REVIEW),
    (Category.VICTIM_INTIMIDATION, r"\b(?:walk\w*|driv\w*|hang\w*) (?:past|round|outside|by) (?:my|our) (?:shop|car|school|workplace|window|kids school)\b", False, Tier.REVIEW),
    (Category.CRIMINAL_EXPLOITATION, r"\b(?:be|been|im|was|stay|am|kept) on (?:the|their|his) (?:line|phone|ting|lines) (?:till|until|all night|all day|24|every)\b|\b(?:made|make|makes|making|forc\w*) (?:me|us|him|her) (?:to )?(?:plug|bottle|keister|stash it)\b", False, Tier.URGENT),
    (Category.SEXUAL_ABUSE, r"\bsends? (?:me|my \w+) (?:pics|pictures|photos|videos|vids|snaps) of (?:his|her|their) (?:bits|privates|willy|dick|cock|body|junk|thing)\b|\btouched (?:me|my \w+) in the (?:changing rooms?|toilets?|showers?|dark|car|bed)\b", False, Tier.URGENT),
    (Category.HELP_SEEKING, r"\bneed (?:someone|somebody|you|u|a worker|my worker|anyone) to (?:call|ring|phone|come (?:and )?get|pick up|come for|come round to) (?:me|us)\b(?! (?:about|back about|to (?:arrange|sort|change|move)|re|regarding|when))", False, Tier.URGENT),
    # wanting to tell, but not here
    (Category.HELP_SEEKING, r"\b(?:dont|do not|cant|rather not|wont) (?:want to |wanna |really want to )?(?:say|tell|type|write|put|explain) (?:it |this |what |much )?(?:on here|in (?:a )?text|over text|in writing|in this|on this|on the survey|on a survey|in a message)\b|\b(?:something|summat|sumthin|stuff) (?:ive been |i been |i have been |i )?(?:meaning|wanting|want|need|needing|have|wanted) (?:to )?(?:tell|say to|talk to|ask|talk about with) (?:my worker|you|someone|somebody|my yot|a worker|\w+ on my own)\b", False, Tier.REVIEW),
    (Category.HARM_AT_HOME, r"\b(?:dont|do not|hate|cant stand) (?:really )?(?:like )?being (?:at )?home\b(?! (?:on|at) (?:the )?(?:weekends?|saturdays?|sundays?))", False, Tier.REVIEW),
    (Category.NEGLECT, r"\b(?:need|needs|needed|using|use|used|referral|referred|voucher|vouchers|nearest|where is|wheres|rely on|relying on) (?:\w+ ){0,3}food ?banks?\b|\bcrackers for (?:tea|dinner)\b|\b(?:cereal|toast|nothing) for (?:tea|dinner) (?:again|every)\b", False, Tier.REVIEW),
    # someone reading a person's post or phone: coercive control (review: a parent checking a phone is not it)
    (Category.DOMESTIC_ABUSE, r"\b(?:he|she|they|my (?:ex|partner|husband|wife|boyfriend|girlfriend))\b(?: \w+)? (?:reads|opens|checks|goes through|read|opened|went through) (?:all )?my (?:post|letters|mail|messages|emails|bank)\b", False, Tier.REVIEW),
    # an ex, or anyone a court order is against, turning up again
    (Category.DOMESTIC_ABUSE, r"\b(?:my ex|ex partner|ex husband|ex wife|ex boyfriend|ex girlfriend|my (?:kids|childrens) (?:dad|father|mum|mother))\b(?: \w+){0,3} (?:turning up|turns up|turned up|showing up|shows up|hanging around|waiting|coming round|came round|been round)\b", False, Tier.URGENT),
    (Category.VICTIM_INTIMIDATION, r"\b(?:non ?mol\w*|non molestation|restraining order|injunction|bail conditions?|no contact order)\b(?: \w+){0,6} (?:breach\w*|broke|broken|ignor\w*|again)\b|\b(?:again|still|keeps?|breach\w*|ignor\w*)\b(?: \w+){0,6} (?:non ?mol\w*|non molestation|restraining order|injunction|bail conditions?|no contact order)\b", False, Tier.URGENT),
    (Category.SEXUAL_EXPLOITATION, r"\b(?:bf|boyfriend|gf|girlfriend|fella|man|bloke)\b (?:is|whos|who is|hes|is like|is about|is nearly) (?:like |about |nearly |around |literally )?(?:2\d|3\d|4\d|5\d)\b", False, Tier.URGENT),
    # Added in round 5 (set E read row by row): kinds of wording, not rows.
    # strangling or choking, at any age and in any relationship, told now or as over
    (Category.DOMESTIC_ABUSE, r"\b(?:he|she|they|my \w+)\b(?: \w+){0,2} (?:chok\w*|strangl\w*|throttl\w*)(?: \w+)? (?:me|us|her|him)\b(?! up\b)|\b(?:hands?|arm) (?:round|around|on|over) my (?:neck|throat)\b", False, Tier.URGENT),
    # the offender's family or friends coming to a victim's work
    (Category.VICTIM_INTIMIDATION, r"\b(?:he|she|they|(?:his|her|their) (?:\w+ )?(?:mum|mam|dad|family|mates|friends|brothers?|sisters?|cousins?|lot|relatives?|mother|father|partner|girlfriend|boyfriend))\b(?: \w+)? (?:came|come|comes|coming|turned up|turns up|showed up|shows up|went|goes|been) (?:to|into|in|round) (?:my|our) (?:work|workplace|office|job|shop|kids school)\b", False, Tier.URGENT),
    # a whole answer saying only that someone is back: understated, so a person reads it today
    (Category.THREATS, r"^(?:hes|shes|theyre|he is|she is|they are|hes been|hes come|shes come) back(?: again| now| around| round here)?$", False, Tier.REVIEW),
    # a plea to be talked to: "can someone talk to me please"
    (Category.HELP_SEEKING, r"\b(?:can|could|will|pls|please|plz) (?:someone|somebody|anyone|anybody|you|u) (?:please |pls |plz )?(?:talk|speak|tlk|chat) (?:to|2|with) (?:me|us)\b(?! about (?:\w+ ){0,2}(?:appointment|time|times|session|order|hours|bus|meeting|plan|course|job|college|form))", False, Tier.URGENT),
    # a way to die named: "thinking of stepping in front of a train" (never "jumped off the bridge into the river")
    (Category.SELF_HARM, r"\b(?:jump\w*|step\w*|walk\w*|throw\w* (?:myself|himself|herself)) (?:out )?in front of (?:a|the) (?:bus|train|car|lorry|truck|van|tram|motorway)\b|\b(?:thinking|thought|think|thinks) (?:of|about) (?:jumping|throwing (?:myself|himself|herself)) off\b(?!(?: \w+){0,5} (?:into|in) (?:the )?(?:river|water|sea|lake|canal|pool|quarry))", False, Tier.URGENT),
    # doubting one will still be here, with no everyday reason given ("not sure ill be around for the next one")
    (Category.SELF_HARM, r"\b(?:not sure|dont know if|doubt|dont think|not certain) (?:that )?(?:ill|i will|id|i would|im going to|im gonna) (?:still )?(?:be )?(?:around|here|alive)\b(?!(?: \w+){0,8} (?:because|cos|as (?:im|we|i)|moving|move|holiday|away|working|shifts|exams|college|uni|job))", False, Tier.URGENT),
    # an injury's cover story taken back: "the marks werent from the fall like i said"
    (Category.HARM_AT_HOME, r"\b(?:marks?|bruis\w*|cuts?|scars?|burns?|black eye|injur\w*|scratches|lumps?)\b(?: \w+){0,4} (?:werent|wasnt|were not|was not|didnt come|did not come|never came|arent|isnt) (?:really |actually |even )?(?:from|off|cos of|because of)\b", False, Tier.URGENT),
    # name calling after the process, or in the street: a worker reads it today
    (Category.VICTIM_INTIMIDATION, r"\b(?:name calling|called me names|calling me names|shouted abuse|shouting abuse|abuse shouted)\b(?: \w+){0,6} (?:after|since|near|outside|in the street|round|on the estate)\b", True, Tier.REVIEW),
    (Category.HELP_SEEKING, r"\b(?:can|could|will|would|pls|please|plz) (?:u |you |someone |somebody |anyone |my worker |a worker )?(?:ring|call|phone|contact|cal) (?:me|us)\b(?! (?:about|to (?:discuss|talk about|sort|arrange|change|move)|re|regarding|when (?:convenient|you can|you get)|back about))", False, Tier.REVIEW),
)

# --- Cymraeg: Welsh help-seeking and harm words -------------------------------------------------
# The semantic layer reads English only, so Welsh leans on these rules, and on a person: an answer
# that looks Welsh and that nothing here flags goes to the review queue (see `screen`). Welsh
# mutates the start of words after "fy" (my/me): taro -> nharo, brifo -> mrifo, curo -> nghuro.
# Written without a Welsh speaker's review; docs/safeguarding.md says how to add words.
_CY_CARER = r"(?:mam|dad|nhad|nhad i|tad|llystad|llysfam|mrawd|brawd|chwaer|ewythr|nain|taid|mamgu|tadcu)"
_CY_HITS_ME = r"(?:nharo|mrifo|nghuro|nghicio|nghamdrin|ngham drin|ngham-drin|taro fi|brifo fi|curo fi|cicio fi)"
_WELSH_RULES: tuple[tuple[Category, str, bool, Tier], ...] = (
    (Category.HELP_SEEKING, r"\bhelpwch fi\b|\bhelp fi\b|\b(?:dwi|dw i|rwy|rydw i|rwyn|dwin) angen help\b|\bhelpu fi plis\b", False, Tier.URGENT),
    (Category.HELP_SEEKING, r"\b(?:dwi|dw i|dydw i|rwy|dwin) ddim yn (?:saff|ddiogel)\b|\bddim yn (?:saff|ddiogel) (?:adref|adra|gartref|gartra|yn y tŷ)\b", False, Tier.URGENT),
    (Category.SELF_HARM, r"\b(?:lladd|ladd|brifo|frifo|niweidio|torri|dorri|llosgi) fy hun\b|\bhunan ?-?(?:niweidio|anafu)\b|\bhunanladdiad\b", False, Tier.URGENT),
    (Category.SELF_HARM, r"\b(?:eisiau|isio|moyn|mo?yn) marw\b|\bdim pwynt (?:byw|bod yma|mynd ymlaen)\b|\bdim eisiau byw\b", False, Tier.URGENT),
    (Category.HARM_AT_HOME, rf"\b{_CY_CARER}\b(?: \w+){{0,4}} (?:yn )?(?:fy )?{_CY_HITS_ME}\b", False, Tier.URGENT),
    (Category.HARM_AT_HOME, r"\bofn mynd adref\b|\bofn mynd adra\b|\bofn mynd gartref\b", False, Tier.URGENT),
    (Category.THREATS, r"\b(?:trywanu|drywanu|saethu|lladd|ladd) fi\b|\b(?:bygwth|mygwth|fygwth)\b|\bar fy ôl i\b", False, Tier.URGENT),
    (Category.WEAPON_FEAR, r"\b(?:cario|cadw|gario) (?:cyllell|gyllell|arf)\b", False, Tier.URGENT),
    (Category.SEXUAL_ABUSE, r"\b(?:treisio|dreisio|threisio|treisiwyd)\w*|\bcam ?-?drin rhywiol\b|\bcyffwrdd (?:â |a )?fi\b", False, Tier.URGENT),
    (Category.DOMESTIC_ABUSE, r"\bcam ?-?drin domestig\b|\btrais domestig\b", True, Tier.URGENT),
    (Category.CRIMINAL_EXPLOITATION, r"\bdyled (?:cyffuriau|gyffuriau)\b|\bgwerthu (?:cyffuriau|gyffuriau) (?:iddyn|i)\b|\bgorfod (?:gwerthu|cario|dal)\b", False, Tier.URGENT),
    (Category.VICTIM_INTIMIDATION, r"\b(?:dilyn|nilyn) (?:fi|ni)\b|\btu allan (?:i|ir) (?:tŷ|ty|nhŷ|nhy)\b", False, Tier.URGENT),
    (Category.NEGLECT, r"\bdim bwyd (?:yn y tŷ|yn y ty|adref|gartref|adra)\b", False, Tier.URGENT),
)

_COMPILED_RULES = tuple((category, re.compile(source), topic, tier)
                        for category, source, topic, tier in _RULES + _WELSH_RULES)


# --- the semantic layer -----------------------------------------------------------------------

_NONE = "none"
_WINDOW, _STRIDE, _LONG = 8, 4, 12  # words per window, step between windows, longest unwindowed sentence
_FEWEST_WORDS = 3  # shorter fragments carry too little meaning to embed; the rules still read them
_SENTENCE_BREAK = re.compile(r"[.!?;\n]+|\s[-–]\s|,? but |,? tho(?:ugh)? ")
# Thresholds on the classifier's "this is a disclosure" probability; chosen on the dev sets.
URGENT_AT, REVIEW_AT = 0.65, 0.36
# How much nearer a hard negative than its nearest exemplar a segment may be and still raise a
# semantic hit (urgent, any tier): chosen on the dev sets and sets A-D (round 4).
URGENT_NEGATIVE_MARGIN, NEGATIVE_MARGIN = 0.1, 0.1
# A sentence that reads as everyday talk (praise or thanks, sport and games, what a session
# covered) must be much nearer a disclosure before meaning alone raises it: these share words
# with harm far more often than they hide it. Rules still read such sentences as usual.
EVERYDAY_URGENT_AT, EVERYDAY_REVIEW_AT = 0.8, 0.7
_IDIOM = "idiomremoved"  # stands where an idiom was taken out, until the sentence is split
_EVERYDAY_SENTENCE = 24  # up to this many words a sentence's everyday cue covers its windows too
# An answer of a few words ("none of it", "cant think of anything") is judged on too little.
_FRAGMENT, FRAGMENT_URGENT_AT, FRAGMENT_REVIEW_AT = 4, 0.8, 0.5
# What a victim's offence is about: told as dealt with (an apology accepted, repairs paid for),
# with nothing saying it goes on, it is the process they are giving feedback on, not a disclosure.
_OFFENCE_CATEGORIES = frozenset({
    Category.THREATS, Category.VICTIM_INTIMIDATION, Category.CHILD_TO_PARENT, Category.HARM_AT_HOME,
    Category.CRIMINAL_EXPLOITATION, Category.WEAPON_FEAR, Category.IMAGE_ABUSE, Category.SEXUAL_EXPLOITATION,
    Category.NEGLECT,
})
# Text-speak the embedder reads poorly and the rules would each have to spell out: expanded first.
_TEXT_SPEAK = {
    "some1": "someone", "sum1": "someone", "any1": "anyone", "no1": "no one", "every1": "everyone",
    "tlk": "talk", "tlkin": "talking", "u": "you", "ur": "your", "r": "are", "idk": "i dont know",
    "dk": "dont know", "rn": "right now", "atm": "at the moment", "bout": "about", "abt": "about",
    "wiv": "with", "wen": "when", "wot": "what", "wat": "what", "nuff": "enough", "ppl": "people",
    "bc": "because", "cus": "because", "coz": "because", "cuz": "because", "cos": "because",
    "tmrw": "tomorrow", "2nite": "tonight", "tnite": "tonight", "gna": "gonna",
    "n": "and", "2day": "today", "rly": "really", "srsly": "seriously", "ngl": "not gonna lie",
    "tbh": "to be honest", "fr": "for real", "dnt": "dont", "cnt": "cant", "wnt": "want", "wna": "wanna",
    "meself": "myself", "mesen": "myself",
    # Scots: "a dinnae want tae say" reads "a dont want to say"
    "tae": "to", "dinnae": "dont", "cannae": "cant", "didnae": "didnt", "wouldnae": "wouldnt",
    "couldnae": "couldnt", "isnae": "isnt", "wasnae": "wasnt", "havenae": "havent", "disnae": "doesnt",
    "naebody": "nobody", "hame": "home", "nae": "no",
}
_TEXT_SPEAK_WORD = re.compile(r"\b(?:" + "|".join(word for word, full in _TEXT_SPEAK.items() if word != full) + r")\b")
# A dropped g ("been cuttin again", "hes threatenin me"): every rule and exemplar says "-ing". Only
# verbs that matter here, listed, since many words end in "in" (begin, cousin, violin).
_DROPPED_G = re.compile(
    r"\b(cutt|hurt|burn|harm|scratch|hitt|beat|punch|kick|slapp|chok|strangl|stabb|shank|robb|threaten|follow|"
    r"stalk|watch|wait|sell|deal|carry|hold|runn|send|tak|mak|forc|touch|groom|shout|scream|cry|"
    r"starv|drink|smok|feel|go|do|say|tell|try|talk|think|get|gett|com|leav|hid|lock|ow|pay|"
    r"sleep|eat|stay|stopp|start|keep|want|need|noth|someth|anyth|everyth|kill|dy|liv|hat|lov)in\b")


def _plain(text: str) -> str:
    """The normalised answer with common text-speak spelled out ("can some1 tlk 2 me" -> "can someone talk 2 me")."""
    spelled = _TEXT_SPEAK_WORD.sub(lambda match: _TEXT_SPEAK[match.group(0)], normalise(text))
    return _DROPPED_G.sub(lambda match: match.group(1) + "ing", spelled)


_PERSONAL = re.compile(r"\b(?:i|me|my|myself|mine|im|ive|id|us|our)\b")


@dataclass(frozen=True)
class _Model:
    embed: object  # str list -> normalised float32 matrix
    classes: tuple[str, ...]  # Category values, then "none"
    bank_vectors: np.ndarray  # every exemplar and negative, normalised
    bank_texts: tuple[str, ...]
    bank_classes: np.ndarray  # class index of each bank row
    bank_review: np.ndarray  # True where the row is a review exemplar (its hits go to review)
    weights: np.ndarray
    bias: np.ndarray


@dataclass(frozen=True)
class _Cues:
    past: re.Pattern[str]
    still: re.Pattern[str]
    course: re.Pattern[str]
    idioms: re.Pattern[str]
    everyday: re.Pattern[str]
    dealt_with: re.Pattern[str]
    current_risk: re.Pattern[str]
    tiers: dict[Category, Tier]


def _cue_regex(patterns: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(rf"\b(?:{pattern})\b" for pattern in patterns))


@cache
def _banks() -> Banks:
    return load_banks()


@cache
def _cues() -> _Cues:
    banks = _banks()
    cues = banks.cues
    return _Cues(_cue_regex(cues.past_resolved), _cue_regex(cues.still_happening),
                 _cue_regex(cues.course_content), _cue_regex(cues.idioms), _cue_regex(cues.everyday_context),
                 _cue_regex(cues.offence_dealt_with), _cue_regex(cues.current_risk),
                 {category: bank.tier for category, bank in banks.categories.items()})


@cache
def _model() -> _Model:
    """Load the embedder (analysis/embeddings.py) and train on the banks, once."""
    from analysis.embeddings import embedder  # imported here: the rules work, and import fast, without it

    embed = embedder()

    banks = _banks()
    classes = tuple(category.value for category in Category) + (_NONE,)
    texts, labels, review = [], [], []
    for category in Category:
        bank = banks.categories[category]
        for exemplar, is_review in [(text, False) for text in bank.exemplars] + [(text, True) for text in bank.review_exemplars]:
            texts.append(_plain(exemplar))
            labels.append(classes.index(category.value))
            review.append(is_review)
    for negative in banks.negatives:
        texts.append(_plain(negative))
        labels.append(classes.index(_NONE))
        review.append(False)
    vectors = embed(texts)
    bank_classes = np.asarray(labels)
    similarities = vectors @ vectors.T
    np.fill_diagonal(similarities, -1.0)  # leave-one-out: an exemplar is not its own neighbour
    features = np.hstack([vectors, _nearest_by_class(similarities, bank_classes, len(classes))])
    weights, bias = _train_softmax(features, bank_classes, len(classes))
    return _Model(embed, classes, vectors, tuple(texts), bank_classes, np.asarray(review), weights, bias)


def _nearest_by_class(similarities: np.ndarray, bank_classes: np.ndarray, n_classes: int) -> np.ndarray:
    """For each row, its cosine to the nearest bank sentence of each class (the bank is grouped by class)."""
    starts = np.searchsorted(bank_classes, np.arange(n_classes))
    return np.maximum.reduceat(similarities, starts, axis=1)


def _train_softmax(features: np.ndarray, labels: np.ndarray, n_classes: int, *, steps: int = 300,
                   rate: float = 0.1, l2: float = 1e-4) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression by full-batch Adam.

    The last class ("none") weighs as much as all the others together, and the others equally, so
    "is this a disclosure at all" is a balanced question however big each bank is.
    """
    n = features.shape[0]
    onehot = np.eye(n_classes, dtype=np.float32)[labels]
    counts = onehot.sum(axis=0)
    class_weight = np.full(n_classes, 0.5 / (n_classes - 1), dtype=np.float32)
    class_weight[-1] = 0.5
    row_weight = (n * class_weight[labels] / counts[labels])[:, None].astype(np.float32) / n
    return train_softmax(features, onehot, row_weight, steps=steps, rate=rate, l2=l2)


@dataclass(frozen=True)
class _Hit:
    category: Category
    tier: Tier
    evidence: str  # the words a rule matched, or the nearest exemplar
    semantic: bool
    past: bool


def _sentences(plain: str) -> list[str]:
    return [" ".join(sentence.split()) for sentence in _SENTENCE_BREAK.split(plain) if sentence.split()]


def _segments(sentences: Sequence[str]) -> list[tuple[int, str]]:
    """(sentence index, text): each sentence, plus overlapping windows of a long one, so one
    worrying line stands alone however long the answer around it."""
    pieces: list[tuple[int, str]] = []
    for index, sentence in enumerate(sentences):
        pieces.append((index, sentence))
        words = sentence.split()
        if len(words) > _LONG:
            pieces.extend((index, " ".join(words[start:start + _WINDOW]))
                          for start in range(0, len(words) - _WINDOW + _STRIDE, _STRIDE))
    return pieces


def _semantic_hits(segments: Sequence[str], skip: Sequence[bool]) -> list[tuple[int, Category, float, str, bool, float]]:
    """(segment index, category, probability, nearest exemplar, is it a review exemplar, margin) for
    each worrying segment. The margin is how much nearer the segment is to that exemplar than to the
    nearest hard negative: below zero, it reads more like ordinary talk the banks list."""
    wanted = [index for index, skipped in enumerate(skip) if not skipped]
    if not wanted:
        return []
    model = _model()
    vectors = model.embed([segments[index] for index in wanted])
    similarities = vectors @ model.bank_vectors.T
    nearest = _nearest_by_class(similarities, model.bank_classes, len(model.classes))
    probabilities = softmax(np.hstack([vectors, nearest]) @ model.weights + model.bias)
    hits = []
    for row, index in enumerate(wanted):
        concern = 1.0 - float(probabilities[row, -1])
        if concern < REVIEW_AT:
            continue
        best = int(np.argmax(probabilities[row, :-1]))
        in_class = np.flatnonzero(model.bank_classes == best)
        closest = in_class[int(np.argmax(similarities[row, in_class]))]
        margin = float(similarities[row, closest] - nearest[row, -1])
        hits.append((index, Category(model.classes[best]), concern, model.bank_texts[closest],
                     bool(model.bank_review[closest]), margin))
    return hits


def screen(text: str, audience: str | None = None, *, semantic: bool = True) -> Screen:
    """Screen one answer. `audience` decides whether a threat is reported as victim intimidation.

    `semantic=False` runs the rules alone (the baseline `python -m analysis.evaluate` reports).
    """
    cues = _cues()
    # An idiom is taken out, and the sentence it was in is then read as everyday talk: what is
    # left ("my mum will ... my hair") is a fragment the model would otherwise over-read.
    marked = _sentences(cues.idioms.sub(f" {_IDIOM} ", _plain(text)))
    idiomatic = [_IDIOM in sentence for sentence in marked]
    sentences = [" ".join(sentence.replace(_IDIOM, " ").split()) for sentence in marked]
    hits: list[_Hit] = []
    ruled = [False] * len(sentences)
    for index, sentence in enumerate(sentences):
        for category, pattern, topic, tier in _COMPILED_RULES:
            for match in pattern.finditer(sentence):
                if (topic or not _personal(sentence, cues)) and _is_course_content(sentence):
                    continue
                ruled[index] = True
                hits.append(_Hit(_for_audience(category, audience), tier, match.group(0).strip(), False,
                                 _told_as_past(sentences, index, cues)))
    if semantic:
        # A sentence a rule explained keeps the rule's plainer reason; a sentence about course
        # content with nothing personal in it is left alone, windows and all.
        segments = _segments(sentences)
        course = [bool(cues.course.search(sentence)) and not _personal(sentence, cues) for sentence in sentences]
        # What is left of a short sentence once its idiom is out ("got ... last night") is too
        # little to read.
        leftover = [idiom and len(sentence.split()) <= _FRAGMENT for idiom, sentence in zip(idiomatic, sentences)]
        skip = [ruled[index] or course[index] or leftover[index] or len(segment.split()) < _FEWEST_WORDS
                for index, segment in segments]
        for row, category, concern, exemplar, review, margin in _semantic_hits([segment for _, segment in segments], skip):
            index = segments[row][0]
            urgent_at, review_at = _thresholds(segments[row][1], sentences[index], idiomatic[index], cues)
            # Much nearer a listed ordinary sentence than any disclosure: the classifier's guess
            # has nothing to show a worker, so it is left alone.
            if concern < review_at or margin < -NEGATIVE_MARGIN:
                continue
            # Nearest a review exemplar (vague worry, harm told as over), or nearer ordinary talk
            # than the disclosure it resembles: a person reads it today.
            urgent = concern >= urgent_at and not review and margin >= -URGENT_NEGATIVE_MARGIN
            tier = min(cues.tiers[category], Tier.URGENT if urgent else Tier.REVIEW, key=_rank)
            hits.append(_Hit(_for_audience(category, audience), tier, exemplar, True,
                             _told_as_past(sentences, index, cues)))
    if audience == "victim" and _offence_told_as_dealt_with(" ".join(sentences), cues):
        hits = [hit for hit in hits if hit.category not in _OFFENCE_CATEGORIES]
    result = _summarise(hits)
    if not result.flagged and looks_welsh(text):
        return Screen(Tier.REVIEW.value, WELSH_UNREAD, ())  # a person reads what the screen cannot
    return result


def _thresholds(segment: str, sentence: str, idiomatic: bool, cues: _Cues) -> tuple[float, float]:
    """(urgent, review) thresholds for a segment: higher for everyday talk (or a sentence an idiom was
    taken from) with no sign of risk now, and for a fragment of a few words, which carries too
    little to go on."""
    context = sentence if len(sentence.split()) <= _EVERYDAY_SENTENCE else segment
    if (idiomatic or cues.everyday.search(context)) and not cues.current_risk.search(segment):
        return EVERYDAY_URGENT_AT, EVERYDAY_REVIEW_AT
    if len(segment.split()) <= _FRAGMENT:
        return FRAGMENT_URGENT_AT, FRAGMENT_REVIEW_AT
    return URGENT_AT, REVIEW_AT


def _offence_told_as_dealt_with(plain: str, cues: _Cues) -> bool:
    """A victim recounting the offence the process dealt with ("he wrote me a letter and I accepted
    it"), with nothing in the answer saying the danger goes on."""
    return bool(cues.dealt_with.search(plain)) and not cues.current_risk.search(plain)


def _summarise(hits: Sequence[_Hit]) -> Screen:
    if not hits:
        return Screen(None, None, ())
    tier_of: dict[Category, Tier] = {}
    for hit in hits:
        tier = Tier.REVIEW if hit.past else hit.tier
        tier_of[hit.category] = max(tier_of.get(hit.category, tier), tier, key=_rank)
    order = sorted(tier_of, key=lambda category: (-_rank(tier_of[category]), list(Category).index(category)))
    parts = []
    for category in order:
        part = category.label
        near = next((hit.evidence for hit in hits if hit.category == category and hit.semantic), None)
        if near and not any(hit.category == category and not hit.semantic for hit in hits):
            part += f" (near: '{near}')"
        if tier_of[category] is Tier.REVIEW and all(hit.past for hit in hits if hit.category == category):
            part += " (told as in the past)"
        parts.append(part)
    tier = max(tier_of.values(), key=_rank)
    matched = tuple(dict.fromkeys(hit.evidence for hit in hits))
    return Screen(tier.value, "; ".join(parts), matched)


def _rank(tier: Tier) -> int:
    return 2 if tier is Tier.URGENT else 1


def _told_as_past(sentences: Sequence[str], index: int, cues: _Cues) -> bool:
    """Is the harm told as over: a past cue in this sentence or one beside it, and nothing in this
    sentence saying it goes on?"""
    if cues.still.search(sentences[index]):
        return False
    return any(cues.past.search(neighbour) for neighbour in sentences[max(index - 1, 0):index + 2])


def _personal(segment: str, cues: _Cues) -> bool:
    """Does the sentence say anything about the person, beyond the words about the session?"""
    return bool(_PERSONAL.search(cues.course.sub(" ", segment)))


def _for_audience(category: Category, audience: str | None) -> Category:
    """Threats against a victim are intimidation; a child being followed home is a threat to them."""
    if audience == "victim" and category is Category.THREATS:
        return Category.VICTIM_INTIMIDATION
    if audience not in (None, "victim") and category is Category.VICTIM_INTIMIDATION:
        return Category.THREATS
    return category


def _is_course_content(segment: str) -> bool:
    """Is the topic word part of talk about a session ("we did a session on self harm")?"""
    return bool(_cues().course.search(segment))
