"""'You said, we did' back to the people themselves: a short message once a quarter to those who asked.

The dispatcher calls :func:`send_action_news` inside the send window. Claims happen in one short
transaction, the sending outside it, and each send is recorded in its own.
"""

from __future__ import annotations

import logging
from functools import cache
from html import escape

from telegram import Bot
from telegram.error import Forbidden, RetryAfter, TelegramError

from analysis.actions import claim_action_news, news_not_sent, news_sent, theme_labels
from bot.context import Heard
from bot.texts import t

log = logging.getLogger(__name__)


def news_message(items: list[tuple[str, str]], lang: str = "en") -> str:
    lines = [t("news.intro", lang)]
    lines += [t("news.item", lang, said=escape(label), did=escape(text)) for label, text in items]
    lines.append(t("news.outro", lang))
    return "\n\n".join(lines)


async def send_action_news(bot: Bot, h: Heard) -> int:
    """Send the quarter's "you said, we did" message to everyone who asked for it and has not had it."""
    due = await h.transaction(claim_action_news, h.service_id, now=h.now(), zone=h.settings.zone,
                              year_start_month=h.settings.year_start_month, labels=_labels())
    if due is None:
        return 0
    sent = 0
    for news_id, chat_id, lang in due.people:
        try:
            await bot.send_message(int(chat_id), news_message(due.items, lang))
        except Forbidden:
            continue  # they blocked the bot: the claim stays, so we never try this quarter again
        except (RetryAfter, TelegramError) as error:
            log.warning("you-said-we-did message not sent, will retry: %s", type(error).__name__)
            await h.transaction(news_not_sent, news_id)
            continue
        await h.transaction(news_sent, news_id, now=h.now())
        sent += 1
    if sent:
        log.info("you-said-we-did messages sent: %d", sent)
    return sent


@cache
def _labels() -> dict[str, str]:
    return theme_labels()  # the codebook is read once per process
