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
        # --- survey messages (Telegram)
        "survey.counter": "Question {number} of {total}",
        "survey.type_answer": "✏️ Type your answer and send it.",
        "button.done": "Done ✔️",
        "button.back": "⬅️ Back",
        "button.skip": "Skip ⏭",
        "survey.answered": "✅ You said: {answer}",
        "survey.typed": "✅ Got your answer, thank you.",
        "survey.skipped": "⏭ Skipped",
        "survey.going_back": "↩️ Going back to change this.",
        "survey.old_button": "That button is old now. Here is where you are.",
        "survey.closed": "This survey has closed. Thank you anyway!",
        "survey.contact_noted_child": "OK. We have asked your worker to get in touch with you.",
        "survey.contact_noted_adult": "Thank you. We have let your victim worker know, and they will contact you.",
        "survey.edited": "I saw you changed a message. I keep the answer you sent first. To change an answer, tap ⬅️ Back.",
        "reminder.new": "Hi! Just a reminder about this one:\n<b>{title}</b>\nIt only takes a few minutes, and you can skip anything.",
        "reminder.started": "Hi! You started this one:\n<b>{title}</b>\nWant to finish it? You can carry on from where you stopped.",
        "survey.none_open": "Thanks for your message. There is no survey open for you right now, so nobody will read this here.\nIf you need to talk to your worker, please contact them in the usual way.",
        # --- first contact and consent
        "start.no_link": "Hi! I am a feedback bot for youth justice teams.\nTo use me, please tap the link your worker sent you. If you don't have one, ask your worker.",
        "start.welcome": "Hi, and welcome! 👋\nI ask short questions about how things went with your youth justice team.\n\n<b>Who sees your answers?</b> Your case worker and the team's admin. Reports to managers only add up answers and never use your name.\n<b>Skip anything.</b> Every question can be skipped.\n<b>Stop any time.</b> Send /stop. Send /delete to wipe your answers.\nSend /privacy to read more.",
        "consent.question": "Is it OK for us to send you a few questions now and then?",
        "consent.yes": "Yes, that's OK",
        "consent.no": "No thanks",
        "consent.given": "Thank you! 😊 I will send you questions when it is time.",
        "consent.declined": "That's fine. I won't send you any questions.\nIf you change your mind, send /start.",
        "consent.first": "Before we start, please tell me if it is OK to send you questions.",
        "start.hello_again": "Hi again! 👋",
        "start.already_linked": "You are already set up, so you don't need that link. 👍",
        "start.restarted": "Welcome back! 👋 I can send you questions again. Send /stop at any time.",
        "code.unknown": "Sorry, that link does not work. 😕\nPlease ask your worker for a new one.",
        "code.used": "That link has been used already. Each link works once.\nIf you are stuck, ask your worker for a new one.",
        "code.expired": "Sorry, that link is too old now. 😕\nPlease ask your worker for a new one.",
        "code.too_many_tries": "That was a lot of tries. Please wait 15 minutes, then tap the link from your worker again.",
        "chat.private_only": "Sorry, I only work in private chats. I am leaving this group now. 👋",
        # --- things we cannot read
        "cannot_read.voice": "Sorry, I can't listen to voice notes. 🙉 Could you type it instead?",
        "cannot_read.video": "Sorry, I can't watch videos. Could you type your answer instead?",
        "cannot_read.sticker": "Nice sticker! 😄 But I can only read words and button taps.",
        "cannot_read.photo": "Sorry, I can't look at pictures. Could you type your answer instead?",
        "cannot_read.document": "Sorry, I can't open files. Could you type your answer instead?",
        "cannot_read.location": "Please don't send your location. I don't need it, and I have not kept it.",
        "cannot_read.contact": "Please don't send contact details. I don't need them, and I have not kept them.",
        "cannot_read.caption": "Thanks! I can't look at pictures or files, so please type your answer as a message on its own.",
        "cannot_read.other": "Sorry, I can only read typed words and button taps.",
        "chat.unknown_command": "I don't know that command. Send /help to see what I can do.",
        # --- help, privacy, stop, delete
        "info.help": "<b>How this works</b>\nI send you a few short questions. Tap a button or type your answer.\n• <b>Skip</b> jumps a question.\n• <b>Back</b> lets you change your last answer.\n\n/privacy – who sees your answers\n/stop – stop getting questions\n/delete – wipe your answers\n\nNeed help right now? Call Childline free on 0800 1111, or 999 in an emergency.",
        "info.privacy": "<b>Your answers and your privacy</b>\n• Your case worker and the team's admin can read your answers, so they can make things better for you.\n• People who were hurt by a crime never see your answers. Your parent or carer does not see them either.\n• If you tell us something that makes us worried about your safety, the duty worker reads it and will get in touch to help. If they are busy, a manager reads it too.\n• Reports for managers add up everyone's answers. They never use your name.\n• After a set time we delete what you typed and anything that shows who you are. Only button answers stay, with no name.\n• Send /delete to wipe your answers now. Send /stop to stop getting questions.",
        "stop.question": "Do you want to stop getting questions from me?",
        "stop.confirm": "Yes, stop",
        "stop.done": "OK, I won't send you anything else. 👋\nIf you change your mind, send /start.",
        "stop.kept": "OK, nothing has changed.",
        "stop.nothing_held": "You are not getting any questions from me, so there is nothing to stop.",
        "delete.question": "Do you want me to delete all your answers? This can't be undone.",
        "delete.confirm": "Yes, delete them",
        "delete.done": "Done. Your answers are deleted, and this chat is no longer linked to your team. 👋",
        "delete.kept": "OK, nothing was deleted.",
        "delete.nothing_held": "I don't have any answers from you, so there is nothing to delete.",
        "confirm.keep_going": "No, go back",
        "chat.error": "Sorry, something went wrong on my side. 😕 Your answers so far are safe. Please try again in a minute.",
        # --- safeguarding
        "safeguarding.help_child": "Thank you for telling us. You did the right thing. 💙\nSomeone from your team will get in touch with you soon.\n\n<b>Want to talk to someone now?</b>\n• Childline: call free on <b>0800 1111</b>, day or night\n• If you are in danger right now, call <b>999</b>",
        "safeguarding.review_child": "Thank you for telling us that. 💙 Someone from your team will read it.\n\n<b>If you ever want to talk to someone:</b>\n• Childline: call free on <b>0800 1111</b>, day or night\n• If you are in danger right now, call <b>999</b>",
        "safeguarding.help_adult": "Thank you for telling us. We have passed this to a member of the team, who will contact you soon.\n\n<b>If you need support now:</b>\n• Samaritans: free on <b>116 123</b>, any time\n• Victim Support: free on <b>08 08 16 89 111</b>\n• If you are in danger, call <b>999</b>",
        "safeguarding.review_adult": "Thank you for sharing this. A member of the team will read it.\n\n<b>If you would like support at any time:</b>\n• Samaritans: free on <b>116 123</b>, any time\n• Victim Support: free on <b>08 08 16 89 111</b>\n• If you are in danger, call <b>999</b>",
        "safeguarding.help_anyone": "Thank you for telling us. Someone from the team will get in touch.\n\n<b>If you need help now:</b>\n• Under 18? Childline: free on <b>0800 1111</b>\n• Samaritans: free on <b>116 123</b>, any time\n• If you are in danger, call <b>999</b>",
        "safeguarding.help_unknown_person": "Thank you for telling me. 💙 I don't know who you are yet, so I can't ask a worker to contact you.\nPlease tell an adult you trust, or your worker.\n\n<b>If you need help now:</b>\n• Childline: call free on <b>0800 1111</b> (any time)\n• Samaritans: call free on <b>116 123</b> (any time)\n• In an emergency, call <b>999</b>",
        # --- commands menu
        "command.start": "Start or carry on",
        "command.help": "How this works",
        "command.privacy": "Who sees your answers",
        "command.stop": "Stop getting questions",
        "command.delete": "Delete your answers",
        # --- staff (plain English for adults)
        "staff.alert": "🚨 <b>Possible safeguarding disclosure</b>\nCase: <b>{case_ref}</b> ({audience})\nSurvey: {survey}\nQuestion: {question}\nFlagged as: {reason}\nAt: {at}\n\nWhat they wrote:\n<blockquote>{text}</blockquote>\nThey have been shown where to get help now (Childline and 999 for a young person; Samaritans, Victim Support and 999 for an adult). Please follow your safeguarding procedure today.",
        "staff.alert_escalated": "⏰ <b>Nobody has taken this alert yet.</b>",
        "staff.no_survey": "(a message sent outside a survey)",
        "staff.ack_button": "I'm dealing with this",
        "staff.alert_taken": "✅ Taken by {name} at {time}.",
        "staff.someone": "a colleague",
        "staff.you_took_it": "Thank you. It is yours now.",
        "staff.more": "…and {count} more. Use heard due on the command line for the full list.",
        "staff.nothing": "Nothing.",
        "staff.invite_usage": "Use: /invite CASE_REF AUDIENCE [PARTICIPANT_REF]\nAUDIENCE is young_person, parent_carer, victim or placement. Add force at the end to move someone already linked to a new Telegram account.",
        "staff.victims_only": "Victim workers can invite victims only.",
        "staff.no_such_person": "I can't find {who}. Check the case reference, or import the case first.",
        "staff.invite_link": "One-time link (works once, for {days} days):\n{link}\nShow the QR code or send the link. Only the newest link works.",
        "staff.due": "<b>Going out in the next 7 days</b>\n{soon}\n\n<b>Due, but their link has expired or was never made</b> (make a new one to reach them)\n{needs_link}\n\n<b>Sent but not answered</b>\n{waiting}",
        "staff.followup_usage": "Use: /followup CASE_REF [PARTICIPANT_REF]",
        "staff.followup_queued": "The follow-up is on its way (inside the send window).",
        "staff.followup_waiting": "The follow-up is ready. It will go as soon as the victim taps their link and agrees.",
        "staff.report_usage": ("Use: /report 2026-27-Q3 for a financial quarter (October to December 2026), "
                               "/report 2026-27 for a financial year, /report 2026-Q3 for a calendar quarter, "
                               "or /report on its own for the last full quarter."),
        "staff.report_wait": "Making the feedback report for {period}. This can take a minute…",
        "staff.report_ready": "Feedback report for {period}. Counts under 5 are hidden; no names are in it.",
        "staff.contact_request": "📞 <b>Please get in touch</b>\nRequest #{id}\nCase: <b>{who}</b> ({audience})\nWhy: {reason}\nSurvey: {survey}\nAt: {at}\n\nWhen you have tried, press Mark done and say how it went. /callbacks lists everyone waiting.",
        "staff.alert_not_stored": "🚨 <b>A possible safeguarding disclosure ({tier}) has just arrived, but the database could not save it.</b>\nheard keeps trying and will send the full alert once it is saved. If it has not come within a few minutes, check the bot and its database now.",
        "staff.review_heading": "<b>Waiting to be read today ({count})</b>\nOldest first. Open one to read it and take it.",
        "staff.review_empty": "Nothing is waiting for review. 👍",
        "staff.review_open": "Open #{id}",
        "staff.more_review": "…and {count} more. heard alerts list shows them all.",
        "staff.callbacks": "<b>Asked for contact</b> (oldest first)\n{calls}\n\n<b>Safeguarding alerts nobody has taken</b>\n{alerts}",
        # --- alert delivery (safeguarding alerts to staff: long texts, escalation, digest, reachability)
        "alert.more_text": "<i>({count} more characters: press Show full text)</i>",
        "alert.full_text_button": "Show full text",
        "alert.full_text_part": "Full text of the alert for case {case_ref}, part {number} of {total}:\n\n{text}",
        "alert.full_text_gone": "The text of this alert is no longer kept (it was erased).",
        "alert.full_text_refused": "Sorry, this button only works for the duty team.",
        "alert.escalation": "⏰ <b>Nobody has taken this alert yet.</b> Reminder {number}: please take it, or make sure a colleague does.",
        "alert.digest_one": "📋 <b>1 safeguarding alert is waiting for review</b>",
        "alert.digest_many": "📋 <b>{count} safeguarding alerts are waiting for review</b>",
        "alert.digest_category": "• {category}: {count}",
        "alert.digest_action": "Please read them today: send /review.",
        "alert.reach_yes": "the bot can reach them",
        "alert.reach_never": "has not opened a chat with the bot yet: ask them to open {link} and press Start",
        "alert.reach_lost": "the bot could not reach them on {day} (they may have blocked it): ask them to open {link} and press Start",
        "alert.bot_link_unknown": "the bot in Telegram",
        # --- the staff loop: call-backs, victims' own wording, a worker's view of a case, roles, alert text
        "callback.done_button": "Mark done",
        "callback.ask_outcome": "How did it go with request #{id}?",
        "callback.outcome_called": "Called them",
        "callback.outcome_no_answer": "No answer, tried again",
        "callback.outcome_declined": "They declined",
        "callback.outcome_called_words": "called",
        "callback.outcome_no_answer_words": "no answer, tried again",
        "callback.outcome_declined_words": "declined",
        "callback.closed": "✅ Done: {outcome} (recorded by {name} at {time}).",
        "callback.already_closed": "This request was already marked done.",
        "callback.refused": "Sorry, only victim workers, managers and admins can mark a request done.",
        "callback.line": "#{id} · {who} · {reason} · waiting {waited}",
        "callback.mark_button": "Mark #{id} done",
        "callback.escalation": "⏰ <b>A request for contact has waited over 2 working days</b> (reminder {number})\nRequest #{id}\nCase: <b>{who}</b> ({audience})\nWhy: {reason}\nAsked: {at}\n\nPlease make sure someone calls today, then press Mark done.",
        "start.welcome_victim": "Hello, and welcome.\nThis is the victim service at your local youth justice team. From time to time we will ask a few short questions about the support you have had.\n\n<b>Who sees your answers?</b> Your victim worker and the service's admin. The young person and their workers never see them.\n<b>Every question is optional.</b> You can skip anything you would rather not answer.\n<b>You are in control.</b> Send /stop at any time, or /delete to remove your answers.\nSend /privacy for more detail.",
        "info.help_victim": "<b>How this works</b>\nWe send a few short questions: two weeks after your case closed, and again a few months later. Tap a button or type a reply.\n• <b>Skip</b> moves past a question.\n• <b>Back</b> lets you change your last answer.\n\n/privacy – who sees your answers\n/stop – stop receiving questions\n/delete – remove your answers\n\nIf you need support now: Victim Support, free on 08 08 16 89 111, or Samaritans on 116 123. In an emergency, call 999.",
        "info.privacy_victim": "<b>Your answers and your privacy</b>\n• Your victim worker and the service's admin can read your answers. The young person, their family and their workers never see them, and nothing you say is passed to them.\n• If you ask for a call, or tell us you feel less safe, your victim worker is told straight away, and a manager is told if nobody has called you within two working days.\n• If something you write suggests you or someone else may be at risk, the duty worker reads it so they can offer help. If they are busy, a manager reads it too.\n• Reports to managers and the board only show totals. Your name is never in them, and we hold no name, only a case reference.\n• After a set period we delete what you typed and anything that could identify you.\n• Send /delete to remove your answers now, or /stop to stop receiving questions.",
        "info.privacy_parent_carer": "<b>Your answers and your privacy</b>\n• Your child's case worker and the team's admin can read your answers. Your child does not see them, and nor does anyone harmed by the offence.\n• If something you write suggests someone may be at risk, the duty worker reads it so they can offer help. If they are busy, a manager reads it too.\n• Reports to managers and the board only show totals, never your name.\n• After a set period we delete what you typed and anything that could identify you.\n• Send /delete to remove your answers now, or /stop to stop receiving questions.",
        "start.moved_away": "This chat is no longer linked to the feedback service: your worker has moved it to another Telegram account. If you did not ask for that, please contact your worker.",
        "staff.invite_usage_force": "{who} is already linked to a Telegram account. To move them to a new one, send the same command with force at the end. Their current chat will be told it was moved.",
        "staff.not_your_audience": "Your role does not cover that group of people. Victims are invited by victim workers; young people and their families by case workers.",
        "staff.case_usage": "Use: /case CASE_REF",
        "staff.case_not_found": "There is no case {case_ref} here.",
        "staff.case_heading": "<b>Case {case_ref}</b> (this viewing is recorded)",
        "staff.case_more": "…more than fits here. heard case show {case_ref} on the command line shows it all.",
        "staff.alert_hidden": "🚨 <b>Possible safeguarding disclosure</b>\nCase: <b>{case_ref}</b> ({audience})\nSurvey: {survey}\nQuestion: {question}\nFlagged as: {reason}\nAt: {at}\n\nWhat they wrote is not shown in this chat. Press <b>Show text</b> to read it (each reading is recorded).\nThe person has been shown where to get help. Please follow your safeguarding procedure today.",
        "alert.show_text_button": "Show text",
        # --- board report (issue 14): "you said, we did" back to the people who asked to hear
        "news.intro": "🌱 <b>You said, we did</b>\nYou told us what you thought of the youth justice team. Here is what we changed because of what people said:",
        "news.item": "• <b>You said:</b> {said}\n<b>We did:</b> {did}",
        "news.outro": "Thank you for helping us do better. You do not need to reply. Send /stop if you don't want messages from us.",
    },
}


def for_audience(key: str, audience: str | None) -> str:
    """``key`` in the wording written for this audience when there is one (victims are adults, not children)."""
    return f"{key}_{audience}" if audience and f"{key}_{audience}" in TEXTS["en"] else key


def t(key: str, lang: str = "en", **values: object) -> str:
    """The wording for `key` in `lang` (English if missing there), with values filled in."""
    wording = TEXTS.get(lang, {}).get(key) or TEXTS["en"][key]
    return wording.format(**values)


def problem_text(problem: str, question: Question, lang: str = "en") -> str:
    """An engine problem key as a kind sentence naming the range this question accepts."""
    low, high = NUMBER_RANGES.get(question.type, (1, len(question.options)))
    return t(f"problem.{problem}", lang, low=low, high=high, count=len(question.options))
