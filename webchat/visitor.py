"""A made-up person using the web chat over HTTP, for `heard demo` (the Telegram people are bot/demo.py's Sitting).

Each visitor has its own cookie jar, reads the page it was given, and sends one form per round,
exactly as a browser with JavaScript off would.
"""

from __future__ import annotations

import html
import re

import aiohttp

from surveys import engine


def _field(page: str, name: str) -> str | None:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else None


def web_form(question, actions: list[tuple[str, str]]) -> dict:
    """The one form that does what a Telegram person's presses and typing would (bot/demo.answer_actions).

    Typing at a button question becomes the button it means; words the engine cannot read are dropped,
    since the page offers no text box there.
    """
    ticks: list[str] = []
    labels = {option.label.get("en"): option.value for option in question.options}
    for verb, what in actions:
        if verb == "press" and what.startswith("Skip"):
            return {"act": "skip"}
        if str(question.type) == "text" and verb == "text":
            return {"act": "send", "text": what}
        if str(question.type) == "multi":
            if verb == "press" and what in labels:
                ticks.append(labels[what])
            elif verb == "press":  # Done
                return {"act": "done", "tick": ticks}
            continue
        if verb == "text":
            try:
                return {"act": f"choose:{engine.normalise(question, what)}"}
            except engine.InputProblem:
                continue  # an unclear message: they tap a button instead
        value = labels.get(what) or {"Yes": "yes", "No": "no"}.get(what) or what
        return {"act": f"choose:{value}"}
    return {"act": "skip"} if not question.required else {"act": "choose:" + (question.option_values() or ["3"])[0]}


class WebVisitor:
    """One browser: a cookie jar and the last page it was shown."""

    def __init__(self, base_url: str):
        self.client = aiohttp.ClientSession(base_url, cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.page = ""

    async def open_link(self, code: str) -> None:
        self.page = await (await self.client.get(f"/s/{code}")).text()
        token = _field(self.page, "form_token")
        if token is not None:
            self.page = await (await self.client.post(f"/s/{code}", data={"form_token": token})).text()

    async def look(self) -> None:
        self.page = await (await self.client.get("/chat")).text()

    async def send(self, form: dict) -> None:
        data = [("csrf", _field(self.page, "csrf") or "")]
        if _field(self.page, "q"):
            data += [("q", _field(self.page, "q")), ("i", _field(self.page, "i") or "")]
        for key, value in form.items():
            data += [(key, item) for item in value] if isinstance(value, list) else [(key, value)]
        self.page = await (await self.client.post("/chat", data=data)).text()

    def question_id(self) -> str | None:
        return _field(self.page, "q")

    async def close(self) -> None:
        await self.client.close()


class WebSitting:
    """The web twin of bot/demo.Sitting: a script (joining, stopping), one survey, or a script then a
    survey (a link tapped in a text message), one form per round."""

    def __init__(self, visitor: WebVisitor, person, *, script: list[tuple[str, object]] | None = None,
                 definition=None, plan=None, choose=None):
        self.visitor, self.person, self.script = visitor, person, script
        self.definition, self.plan, self.choose = definition, plan, choose  # choose(question) -> actions
        self.done = False
        self.answered = 0
        self.looked = False

    async def act(self) -> None:
        if self.script:  # a script first (opening a link, agreeing), then the survey if there is one
            verb, what = self.script.pop(0)
            if verb == "open":
                await self.visitor.open_link(what)
            elif verb == "look":
                await self.visitor.look()
            else:
                await self.visitor.send(what)
            return
        if self.definition is None:
            self.done = True
            return
        if not self.looked:  # they open the page: that is when the survey is "sent"
            self.looked = True
            await self.visitor.look()
            return
        question_id = self.visitor.question_id()
        if question_id is None or (self.plan.stop_after is not None and self.answered >= self.plan.stop_after):
            self.done = True
            return
        question = next(q for q in self.definition.questions if q.id == question_id)
        self.answered += 1
        await self.visitor.send(web_form(question, self.choose(question)))
