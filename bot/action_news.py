"""'You said, we did' back to the people themselves: a short message once a quarter to those who asked.

The dispatcher calls :func:`send_action_news` inside the send window. Claims happen in one short
transaction, the sending outside it, and each send is recorded in its own. People who take their
surveys by SMS or email get it the same way, through GOV.UK Notify, once Notify is set up.
"""

from __future__ import annotations

import logging
from functools import cache
from html import escape

from telegram import Bot
from telegram.error import Forbidden, RetryAfter, TelegramError

from analysis.actions import claim_action_news, news_not_sent, news_sent, theme_labels
from bot.context import Heard
from bot.notify import Message, NotifyFailure, sender_for
from bot.texts import for_audience, t
from surveys.hearing_back import Reach

log = logging.getLogger(__name__)


def news_message(items: list[tuple[str, str]], lang: str = "en") -> str:
    lines = [t("news.intro", lang)]
    lines += [t("news.item", lang, said=escape(label), did=escape(text)) for label, text in items]
    lines.append(t("news.outro", lang))
    return "\n\n".join(lines)


def news_text_message(items: list[tuple[str, str]], lang: str, audience: str) -> Message:
    """The same news as plain text for SMS or email (no HTML, no emoji, nothing a lock screen should not show)."""
    lines = "\n".join(t("notify.news_item", lang, said=label, did=text) for label, text in items)
    return Message(t("notify.news_subject", lang), t(for_audience("notify.news", audience), lang, items=lines))


async def send_action_news(bot: Bot, h: Heard) -> int:
    """Send the quarter's "you said, we did" message to everyone who asked for it and has not had it."""
    notify = sender_for(h)  # None until Notify is set up: SMS and email people wait for it
    due = await h.transaction(claim_action_news, h.service_id, now=h.now(), zone=h.settings.zone,
                              year_start_month=h.settings.year_start_month, labels=_labels(),
                              by_notify=notify is not None)
    if due is None:
        return 0
    sent = 0
    for news_id, to, lang, audience in due.people:
        try:
            await _send(bot, notify, to, news_id, due.items, lang, audience)
        except (Forbidden, _KeepClaim):
            continue  # blocked the bot, a number Notify cannot use, or Notify may have it: not tried again this quarter
        except (RetryAfter, TelegramError, NotifyFailure) as error:
            log.warning("you-said-we-did message not sent, will retry: %s", type(error).__name__)
            await h.transaction(news_not_sent, news_id)
            continue
        await h.transaction(news_sent, news_id, now=h.now())
        sent += 1
    if sent:
        log.info("you-said-we-did messages sent: %d", sent)
    return sent


class _KeepClaim(Exception):
    """Notify refused for good (a bad number or address), or gave no answer and may have sent it:
    trying again this quarter cannot help, or would send it twice."""


async def _send(bot: Bot, notify, to: Reach, news_id: int, items, lang: str, audience: str) -> None:
    if to.chat_id is not None:
        await bot.send_message(int(to.chat_id), news_message(items, lang))
        return
    try:
        await notify.send(to.channel, to.address, news_text_message(items, lang, audience), reference=f"heard-news-{news_id}")
    except NotifyFailure as failure:
        if failure.permanent or failure.uncertain:
            log.warning("you-said-we-did message by %s: %s", to.channel.value, failure.reason)
            raise _KeepClaim() from None
        raise


@cache
def _labels() -> dict[str, str]:
    return theme_labels()  # the codebook is read once per process
