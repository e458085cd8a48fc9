"""Safeguarding screen: does an answer need a duty worker today?

Tuned for recall: a missed disclosure costs far more than a worker reading a false alarm. So the
rules are broad, but anchored on the person themselves ("me", "my", "i") so that talk about
course content ("we learned about county lines") does not fire, and common idioms ("my mum will
kill me if i'm late", "died laughing") are removed before the rules run. Separate from sentiment
on purpose: a disclosure can come with a happy emoji.

Rules are regular expressions over the normalised answer (lower case, apostrophes removed:
"they'd" reads "theyd"). Each rule belongs to one category; the reason lists every category hit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.patterns import normalise

SELF_HARM = "self-harm or suicide"
HARM_AT_HOME = "harm at home"
THREATS = "threats or violence"
EXPLOITATION = "exploitation"
SEXUAL_EXPLOITATION = "sexual exploitation"
VICTIM_INTIMIDATION = "victim intimidation"

_ME = r"(?:me|us|my|him|her|them)"
_FAMILY = (r"(?:step ?dad|step ?father|dad|father|step ?mum|step ?mom|mum|mom|mam|mother|brother|sister|uncle|"
           r"aunt(?:ie|y)?|nan|grandad|grandma|carer|foster \w+|partner|husband|wife|boyfriend|girlfriend|"
           r"(?:mums|dads|moms|mams) (?:new )?(?:boyfriend|girlfriend|partner|fella|bf|gf))")
_HITS = (r"(?:hit|hits|hitting|beat|beats|beating|punch\w*|kick\w*|slap\w*|hurt|hurts|hurting|chok\w*|strangl\w*|"
         r"attack\w*|batter\w*|smack\w*|throttl\w*|burn\w*|thump\w*)")
_WEAPON = r"(?:knife|knives|blade|shank|nank|machete|gun|strap|weapon|ting)"
_SOMEONE_HOSTILE = r"(?:they|theyre|theyll|theyd|he|hes|she|people|someone|some \w+|the opps|opps|his \w+|lads|a gang)"

# Idioms and figures of speech that use dangerous words harmlessly; removed before the rules run.
_IDIOMS = re.compile("|".join([
    r"\b(?:kill|murder|batter|strangle|slaughter|ground|disown)(?:s)? (?:me|us) if\b",  # mum will kill me if...
    r"\b(?:died|dying|dead|die) (?:laughing|of laughter|of boredom|of embarrassment|of shame|to|for)\b",
    r"\bkill(?:ing|ed)? it\b", r"\bkill(?:ing)? time\b", r"\bkiller\b", r"\bkilled me\b", r"\bcrying laughing\b",
    r"\blife ?saver\b", r"\bdead (?:good|nice|funny|boring|bad|easy|hard|long|interesting|sound|safe)\b",
]))

# Talk about the programme rather than the person: only topic-word rules check for it.
_COURSE_CONTEXT = re.compile(
    r"\b(?:learn\w*|taught|talk\w* about|discuss\w*|session|course|workshop|video|film|watch\w*|group work|"
    r"awareness|quiz|leaflet|about|what (?:is|to do)|how to|the signs)\b")

# (category, regex source, is_topic_word): topic-word rules are skipped in course context.
_RULES: tuple[tuple[str, str, bool], ...] = (
    (SELF_HARM, r"\b(?:kill\w*|hurt\w*|harm\w*|cut\w*|burn\w*|starv\w*|hang\w*) (?:my ?self|meself|myslf|himself|herself|themselves)\b", False),
    (SELF_HARM, r"\bk ?m ?s\b", False),
    (SELF_HARM, r"\bself[ -]?harm\w*|\bsuicid\w*|\boverdos\w*|\bod(?:d|ed)\b", True),
    (SELF_HARM, r"\b(?:want|wants|wanted|wanna|going|gonna|gunna|try|tried|trying)(?: to)? (?:die|end it|end my life|disappear|not wake up|not be here)\b", False),
    (SELF_HARM, r"\bend(?:ing)? (?:it all|my life|his life|her life|their life|my own life|things)\b|\bwant\w* to end it\b", False),
    (SELF_HARM, r"\bwish (?:i|id) (?:was|were|wasnt|werent|was never|had never been|could) ?(?:dead|born|alive|here|gone|disappear)", False),
    (SELF_HARM, r"\b(?:dont|do not|didnt|dont really|never) want to (?:be alive|live|wake up|exist|be here (?:anymore|any more|no more)|be here$)", False),
    (SELF_HARM, r"\bno (?:point|reason) (?:in |to |of )?(?:anything|living|life|live|going on|carrying on|being here|being alive|it all|me being here)\b", False),
    (SELF_HARM, r"\b(?:cant|dont) see the point (?:of|in) (?:living|life|anything|going on|being here)\b", False),
    (SELF_HARM, r"\b(?:cant|can not|cannot) (?:go on|carry on|cope|take it)(?: anymore| any more| like this)?\b", False),
    (SELF_HARM, r"\bbetter off (?:without me|if i was(?:nt| not)? (?:here|dead|gone|around))\b|\bbetter off dead\b", False),
    (SELF_HARM, r"\b(?:nobody|no one|noone) would (?:care|notice|miss me)\b", False),
    (SELF_HARM, r"\b(?:took|take|taking|swallowed) (?:a lot of |loads of |all my |some )?(?:tablets|pills|paracetamol)\b", False),
    (SELF_HARM, r"\b(?:cut\w*|burn\w*|scratch\w*|hurt\w*) (?:my|his|her|their) (?:arms?|legs?|wrists?|thighs?|skin)\b", False),
    (SELF_HARM, r"\bcutting (?:again|myself)\b|\b(?:been|started|start|keep|still|back to) cutting\b(?! (?:hair|down|back|grass|wood))", False),
    (SELF_HARM, r"\b(?:wish i was|wanna be|want to be|rather be|should be) dead\b", False),
    (HARM_AT_HOME, rf"\b{_FAMILY}\b(?: \w+){{0,3}} (?:{_HITS}(?: \w+)? {_ME}|lock\w* (?:me|us) (?:out|in))\b", False),
    (HARM_AT_HOME, r"\b(?:scared|afraid|frightened|terrified) (?:to go|of going|to be) (?:back )?(?:home|at home)\b|\bnot safe (?:at|going) home\b|\bdont (?:want to|feel safe) (?:go )?home\b", False),
    (HARM_AT_HOME, r"\b(?:i|we) (?:get|got|keep getting) (?:hurt|hit|beaten|battered|slapped|punched|kicked)\b", False),
    (HARM_AT_HOME, r"\bdomestic (?:abuse|violence)\b|\babus\w* (?:me|us)\b|\b(?:i|we) (?:am|are|was|were|get|got|being) abused\b", True),
    (THREATS, r"\b(?:stab|shank|shoot|merk|wet|kill|murder|batter|jump|finish|slash|ching|rush|do|bang|smoke) (?:me|us|my \w+)\b(?! (?:good|proud|up|out|a favour|in laughing))", False),
    (THREATS, r"\b(?:theyll|theyd|hell|hed|shell|will|would|gonna|gunna|going to|threatened to|threatening to) (?:hurt|get|beat up|do in|come for|sort out) (?:me|us|my \w+)\b", False),
    (THREATS, r"\b(?:after|looking for|coming for|out for|hunting|waiting for) me\b", False),
    (THREATS, rf"\b(?:pull\w*|flash\w*|had|got|waved|held) (?:a |his |their )?{_WEAPON} (?:on|at|to) (?:me|us|my)\b", False),
    (THREATS, rf"\bthreatened (?:me )?with (?:a )?{_WEAPON}\b|\bthreat\w* (?:me|us|my|to)\b", False),
    (THREATS, r"\b(?:i|we|me|my \w+|im|ive|weve)\b(?: \w+){0,2} threatened\b(?! with (?:exclusion|eviction|being excluded|court|a fine|detention))", False),
    (THREATS, rf"\b(?:i|we) (?:still |have to |got to |need to |always |keep |now )?(?:carry|carried|carrying|keep|have|got) (?:a )?{_WEAPON}\b", False),
    (THREATS, r"\b(?:price|hit|green light) on my head\b|\bhit out on me\b", False),
    (THREATS, r"(?<!who )(?<!that )\b(?:i |ive |we |me )?(?:got|been|was|get|keep getting) (?:stabbed|shanked|shot|jumped|robbed|attacked|beaten up|battered|chinged|slashed|rushed|merked|mugged|glassed)\b", False),
    (EXPLOITATION, r"\b(?:make|makes|made|making|force\w*|forcing|pressur\w*|got) (?:me|us) (?:to )?(?:hold|carry|sell|run|deal|shot|drop|move|stash|keep|deliver|answer|go (?:country|cunch|county|up|out)|work)\b", False),
    (EXPLOITATION, r"\b(?:being|been|was|im|i am|am|were) (?:forced|made|told|pressured) to (?:shot|sell|deal|carry|run|hold|stash|deliver|work)\b", False),
    (EXPLOITATION, r"\b(?:i|we) (?:still )?(?:owe|owed) (?:them|him|em|money|a debt|people|the \w+)\b|\bsay(?:s|ing)? i owe\b|\bsaid i owe\b", False),
    (EXPLOITATION, r"\b(?:got|have|in|owe) (?:a )?(?:drug )?debt\b|\bwork (?:it|the debt) off\b|\bpay (?:it|them|him) back\b", False),
    (EXPLOITATION, r"\b(?:have|got|had|has) to (?:sell|shot|run|deal|carry|hold|go country|go up county|work|do runs) for\b", False),
    (EXPLOITATION, r"\b(?:sell\w*|shot\w*|runs?|running|deal\w*|hold\w*|carry\w*|country|county|cunch|line\w*|stash\w*|driv\w*)(?: (?:stuff|things|drugs|packages|bits|food|it))? for (?:them|him|em|the olders|olders|my elders|the elders|a gang)\b", False),
    (EXPLOITATION, r"\b(?:going|go|goes|went|sent|sending|send|sends|out|up|to) (?:country|cunch|county|ots|out of town)\b", False),
    (EXPLOITATION, r"\b(?:use|uses|using|used|took over|taken over|deal\w* from|sell\w* from) (?:my|our) (?:flat|house|place|home|mums house|nans house)\b", False),
    (EXPLOITATION, r"\b(?:take|takes|took) my phone and\b|\banswer the (?:line|phone) for\b", False),
    (SEXUAL_EXPLOITATION, r"\bnudes?\b|\bnaked\b|\bsexting\b|\bsexual\w*|\bsex\b|\braped?\b|\bmolest\w*|\bgroom\w*", True),
    (SEXUAL_EXPLOITATION, r"\b(?:ask\w*|want\w*|made|make\w*|pressur\w*|forc\w*|beg\w*)(?: me)? (?:to send |to take |for |send )(?:some |my )?(?:pics|pictures|photos|images|videos|vids)\b", False),
    (SEXUAL_EXPLOITATION, r"\b(?:made|make|makes|making|forc\w*|pressur\w*) (?:me|us) (?:to )?(?:sleep with|have sex|do stuff|do things|go to parties|meet (?:men|older))\b", False),
    (SEXUAL_EXPLOITATION, r"\b(?:share|post|leak|send|spread)\w* (?:my|our) (?:photos|pics|pictures|nudes|videos|vids)\b", False),
    (SEXUAL_EXPLOITATION, r"\bolder (?:man|men|guy|guys|bloke|blokes|boyfriend|woman|women)\b", False),
    (SEXUAL_EXPLOITATION, r"\b(?:touches|touching|keeps touching|tries to touch|tried to touch)(?: me| my)\b|\btouched (?:me|my) (?:up|inappropriate\w*|where|when|private\w*)", False),
    (VICTIM_INTIMIDATION, r"\b(?:turned up|turn up|turns up|turning up|came|come|comes|coming|hanging around|hangs around|hang about|waiting|wait\w*|shouting|knock\w*) (?:at|outside|near|round|by|on) (?:my|our) (?:door|house|home|flat|work|school|street|road|window)\b", False),
    (VICTIM_INTIMIDATION, r"\b(?:following|followed|follow|follows|stalk\w*) (?:me|us)\b", False),
    (VICTIM_INTIMIDATION, r"\b(?:drive|drives|driving|drove|walk\w*|hang\w*|park\w*) (?:past|round|around|outside|by) (?:my|our) (?:house|home|flat|door|work|street|road)\b", False),
    (VICTIM_INTIMIDATION, r"\b(?:tell\w*|told|saying|said|warn\w*)(?: me| us)? (?:to )?(?:drop it|drop the charges|keep quiet|keep my mouth shut|shut up|not to (?:go|speak|tell|give)|withdraw|back off)\b", False),
    (VICTIM_INTIMIDATION, r"\b(?:regret|pay for|sorry for) (?:going to|talking to|speaking to|telling|ringing|calling) the (?:police|feds|court|coppers)\b|\bsnitch\w*|\bgrass(?:ed|ing)?\b", False),
    (VICTIM_INTIMIDATION, r"\b(?:smash\w*|broke|broken|damag\w*|egg\w*|key\w*|graffiti\w*|slash\w*|put through) (?:my|our) (?:window\w*|car|door|house|fence|tyres|letterbox)\b", False),
    (VICTIM_INTIMIDATION, r"\bintimidat\w*|\bharass\w*", True),
    (VICTIM_INTIMIDATION, r"\b(?:shout\w*|swear\w*|spat|spit\w*|sworn) at (?:me|us)\b", False),
)

_COMPILED = tuple((category, re.compile(source), topic) for category, source, topic in _RULES)
_CATEGORY_ORDER = (SELF_HARM, SEXUAL_EXPLOITATION, HARM_AT_HOME, EXPLOITATION, VICTIM_INTIMIDATION, THREATS)


URGENT, REVIEW = "urgent", "review"


@dataclass(frozen=True)
class Screen:
    tier: str | None  # URGENT (help now, duty worker now), REVIEW (read today) or None
    reason: str | None  # categories hit, most urgent first, and what fired them
    matched: tuple[str, ...]  # the words or exemplars that fired

    @property
    def flagged(self) -> bool:
        return self.tier is not None


def screen(text: str, audience: str | None = None) -> Screen:
    """Screen one answer; `audience` decides whether a threat is reported as victim intimidation."""
    plain = _IDIOMS.sub(" ", normalise(text))
    categories: set[str] = set()
    matched: list[str] = []
    for category, pattern, topic in _COMPILED:
        for hit in pattern.finditer(plain):
            if topic and _is_course_content(plain, hit.start()):
                continue
            categories.add(_for_audience(category, audience))
            matched.append(hit.group(0).strip())
    if not categories:
        return Screen(None, None, ())
    reason = "; ".join(category for category in _CATEGORY_ORDER if category in categories)
    return Screen(URGENT, reason, tuple(dict.fromkeys(matched)))


def _for_audience(category: str, audience: str | None) -> str:
    """Threats against a victim are intimidation; a child being followed home is a threat to them."""
    if audience == "victim" and category == THREATS:
        return VICTIM_INTIMIDATION
    if audience not in (None, "victim") and category == VICTIM_INTIMIDATION:
        return THREATS
    return category


def _is_course_content(plain: str, start: int) -> bool:
    """Is the topic word part of talk about a session ("we did a session on self harm")?"""
    sentence_start = max(plain.rfind(mark, 0, start) for mark in ".!?") + 1
    return bool(_COURSE_CONTEXT.search(plain, sentence_start, start))
