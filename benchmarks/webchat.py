"""The web chat under load: many people press their first answer at the same moment.

The server (heard's web chat over SQLite, the real analyser, the real engine) runs in a child
process, as in production; each simulated person is a browser with its own cookie jar in this
process. Everyone opens their link, chooses English and agrees first (not timed); then all of
them send their first answer at once. The time of one answer runs from sending the form to the
redirect coming back, which the server sends only after the answer is committed. The baseline is
the same server answering a form post with a redirect and touching no database: the transport's
ceiling on this machine.

    python -m benchmarks.webchat [--people 200] [--any-core]

The server keeps to one CPU core, as `heard run` does with HEARD_CPU set (docs/going-live.md);
``--any-core`` leaves it to the kernel, for the figure without that setting.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import re
import socket
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp

from benchmarks.fixtures import process_cpu_seconds

TARGET_P95_MS = 200.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _people_csv(count: int) -> str:
    rows = ["case_ref,audience,disposal,locality,intervention_start,intervention_end,age,gender,ethnicity,send"]
    rows += [f"YJ-B-{n:05d},young_person,Referral Order,North,2026-03-02,2026-11-30,15,Female,White British,no"
             for n in range(count)]
    return "\n".join(rows) + "\n"


def _prepare(url: str, count: int) -> list[str]:
    """A database with ``count`` young people, each with a survey due and a fresh web link. Returns the codes."""
    from benchmarks.fixtures import settings_for
    from bot.app import build_heard
    from surveys.enrol import create_invite, import_rows, parse_csv
    from surveys.invitations import create_manual
    from sqlmodel import select

    from surveys.models import Participant
    from surveys.store import session_scope

    h = build_heard(settings_for(url), analyse=lambda *_: None)
    codes = []
    with session_scope(h.engine) as session:
        import_rows(session, h.service_id, parse_csv(_people_csv(count)), now=h.now())
        for participant in session.exec(select(Participant).order_by(Participant.id)).all():
            create_manual(session, participant, h.definitions["yp_exit"], now=h.now())
            codes.append(create_invite(session, participant, now=h.now(), days=30))
    h.engine.dispose()
    return codes


def _serve(url: str, port: int, ready, core: int | None) -> None:
    """The child process: heard's web chat on 127.0.0.1, plus a do-nothing form endpoint for the baseline."""
    from aiohttp import web

    from bot.cli.run import keep_to_core

    if core is not None:
        keep_to_core(core)

    from benchmarks.fixtures import settings_for
    from bot.app import build_heard
    from webchat.server import WebChat, add_routes

    h = build_heard(settings_for(url))
    app = web.Application()
    add_routes(app, WebChat(h, None, secure_cookie=False))

    async def echo(request: web.Request) -> web.Response:
        await request.post()
        return web.Response(status=303, headers={"Location": "/healthz"})

    async def healthz(_request):
        return web.Response(text="ok")

    app.router.add_post("/echo", echo)
    app.router.add_get("/healthz", healthz)
    ready.set()
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def _field(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


async def _get_ready(base: str, code: str) -> tuple[aiohttp.ClientSession, dict]:
    """Open the link, choose English, agree: the person now sees question 1."""
    client = aiohttp.ClientSession(base, cookie_jar=aiohttp.CookieJar(unsafe=True))
    page = await (await client.get(f"/s/{code}")).text()
    page = await (await client.post(f"/s/{code}", data={"form_token": _field(page, "form_token")})).text()
    for act in ("lang:en", "consent:yes"):
        page = await (await client.post("/chat", data={"csrf": _field(page, "csrf"), "act": act})).text()
    first = re.search(r'name="act" value="(choose:[^"]+)"', page).group(1)
    return client, {"csrf": _field(page, "csrf"), "q": _field(page, "q"), "i": _field(page, "i"), "act": first}


async def _at_once(clients, forms, path: str, spread: float = 0.0) -> list[float]:
    """Everyone sends at the same instant (``spread`` 0), or at even steps across ``spread`` seconds."""
    start = asyncio.Event()

    async def one(client, form, delay: float) -> float:
        await start.wait()
        if delay:
            await asyncio.sleep(delay)
        began = time.perf_counter()
        async with client.post(path, data=form, allow_redirects=False) as response:
            await response.read()
            assert response.status == 303, response.status
        return (time.perf_counter() - began) * 1000

    step = spread / max(1, len(clients))
    tasks = [asyncio.create_task(one(c, f, n * step)) for n, (c, f) in enumerate(zip(clients, forms))]
    await asyncio.sleep(0.05)
    start.set()
    return await asyncio.gather(*tasks)


def _figures(latencies: list[float]) -> dict:
    ordered = sorted(latencies)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"n": len(ordered), "p50_ms": round(statistics.median(ordered), 1), "p95_ms": round(pick(0.95), 1),
            "max_ms": round(ordered[-1], 1)}


def _cpu(pid: int | None) -> float | None:
    return process_cpu_seconds(pid) if pid else None


def _cpu_ms_each(before: float | None, after: float | None, count: int) -> float | None:
    return None if before is None or after is None else round(1000 * (after - before) / count, 2)


async def _load(base: str, codes: list[str], server_pid: int | None = None) -> dict:
    """The burst (everyone in the same instant) is the target's test; then the second answers of the
    same people, spread over one second, show the wait when 200 people are answering at once but
    not to the millisecond."""
    ready = await asyncio.gather(*[_get_ready(base, code) for code in codes])
    clients, forms = [c for c, _ in ready], [f for _, f in ready]
    try:
        before_baseline = _cpu(server_pid)
        baseline = await _at_once(clients, forms, "/echo")
        before_answers = _cpu(server_pid)
        answers = await _at_once(clients, forms, "/chat")
        after_answers = _cpu(server_pid)
        seconds = await asyncio.gather(*[_next_form(client) for client in clients])
        spread = await _at_once(clients, seconds, "/chat", spread=1.0)
    finally:
        await asyncio.gather(*[client.close() for client in clients])
    return {"first_answer": _figures(answers), "second_answer_over_1s": _figures(spread),
            "baseline_form_redirect": _figures(baseline),
            # The server's CPU per request in the burst (ms): the answers', and the do-nothing form's.
            "server_cpu_ms_per_first_answer": _cpu_ms_each(before_answers, after_answers, len(forms)),
            "server_cpu_ms_per_baseline_form": _cpu_ms_each(before_baseline, before_answers, len(forms))}


async def _next_form(client: aiohttp.ClientSession) -> dict:
    """The form for the question now shown: its first button, or Skip."""
    page = await (await client.get("/chat")).text()
    button = re.search(r'name="act" value="(choose:[^"]+)"', page)
    return {"csrf": _field(page, "csrf"), "q": _field(page, "q"), "i": _field(page, "i"),
            "act": button.group(1) if button else "skip"}


def last_core() -> int:
    return max(os.sched_getaffinity(0))


def run(people: int = 200, core: int | None = None) -> dict:
    from benchmarks.fixtures import settings_for
    from surveys.models import Answer
    from surveys.store import make_engine

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'web.db'}"
        codes = _prepare(url, people)
        port = _free_port()
        context = multiprocessing.get_context("spawn")
        ready = context.Event()
        server = context.Process(target=_serve, args=(url, port, ready, core), daemon=True)
        server.start()
        try:
            ready.wait(120)
            base = f"http://127.0.0.1:{port}"
            asyncio.run(_wait_up(base))
            result = asyncio.run(_load(base, codes, server.pid))
        finally:
            server.terminate()
            server.join(10)
        engine = make_engine(url, hash_key=settings_for(url).hash_key.get_secret_value())
        with engine.connect() as connection:
            stored = connection.execute(Answer.__table__.select()).fetchall()
        engine.dispose()
    result["people"] = people
    result["server_core"] = core  # None: the kernel chose (--any-core)
    result["load_average_1min"] = round(os.getloadavg()[0], 2)  # other work on the machine skews every figure
    result["answers_stored"] = len(stored)
    result["correct"] = len(stored) == 2 * people  # every first and second answer stored, none twice
    result["target_p95_ms"] = TARGET_P95_MS
    result["met"] = result["correct"] and result["first_answer"]["p95_ms"] <= TARGET_P95_MS
    return result


async def _wait_up(base: str) -> None:
    async with aiohttp.ClientSession() as client:
        for _ in range(200):
            try:
                async with client.get(f"{base}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the web chat server did not start")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--any-core", action="store_true", help="let the kernel place the server's threads")
    args = parser.parse_args(argv)
    result = run(args.people, None if args.any_core else last_core())
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
