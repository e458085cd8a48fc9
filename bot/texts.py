"""Every sentence the bot and the preview say to a person, per language, in one place.

Keys are dotted by area ("problem.", "preview."); wording uses {placeholders} filled by
`t`. A language with a missing key falls back to English, so Welsh can be added bit by bit.
"""

from __future__ import annotations

from surveys.schema import NUMBER_RANGES, Question

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        # Problems the survey engine reports, said kindly.
        "problem.not_a_number": "Please send a number from {low} to {high}, or tap a button.",
        "problem.out_of_range": "That number is not on this scale. Please pick from {low} to {high}.",
        "problem.not_an_option":
            "I could not find that in the list. Please tap a button, or send a number from 1 to {count}.",
        "problem.not_yes_or_no": "Please answer yes or no, or tap a button.",
        "problem.required": "We need an answer to this one before we go on. Thank you.",
        "problem.empty": "That message looked empty. Please type your answer, or skip this one.",
        "problem.finished": "You have already finished. Thank you for your answers!",
        "problem.cannot_go_back": "This is the first question, so there is nothing to go back to.",
        "problem.stale_button": "That button was for a different question. This is the one we are on now.",
        # The staff terminal preview.
        "preview.heading": "Preview of {title} ({survey_id}, version {version})",
        "preview.question": "Question {number} of {total}",
        "preview.scale5": "Send a number from 1 to 5:  {faces}",
        "preview.journey10": "Send a number from 1 (low) to 10 (high).",
        "preview.yesno": "Send yes or no.",
        "preview.choice": "Send one number:",
        "preview.multi": "Send the numbers of all that fit, like 1, 3:",
        "preview.text": "Type your answer.",
        "preview.commands": "You can also send: {commands}",
        "preview.quit": "Preview stopped. Nothing was saved.",
        "preview.summary": "Answers:",
        "preview.skipped": "(skipped)",
        "preview.callback": "(would like a call back)",
        "answer.yes": "Yes",
        "answer.no": "No",
    },
}


def t(key: str, lang: str = "en", **values: object) -> str:
    """The wording for `key` in `lang` (English if missing there), with values filled in."""
    wording = TEXTS.get(lang, {}).get(key) or TEXTS["en"][key]
    return wording.format(**values)


def problem_text(problem: str, question: Question, lang: str = "en") -> str:
    """An engine problem key as a kind sentence naming the range this question accepts."""
    low, high = NUMBER_RANGES.get(question.type, (1, len(question.options)))
    return t(f"problem.{problem}", lang, low=low, high=high, count=len(question.options))
