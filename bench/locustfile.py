"""The users of ``bench/load.py`` (locust): visitors and signed-in members.

``bench/load.py`` starts the servers, signs the members in, writes what the users need (the
server's address, the members' session cookies, public ids of meetings, minutes, documents
and upcoming meetings, search words) to a JSON file named by ``MINKA_BENCH_PARAMS``, and runs
``locust -f bench/locustfile.py --headless``. Run alone, it needs that file too.

The server runs as in production behind a TLS proxy (``MINKA_BEHIND_PROXY``): every request
says ``X-Forwarded-Proto: https``, as nginx would, and the secure ``__Host-`` cookies are
kept and sent although the hop to gunicorn is plain HTTP (a cookie policy that allows it).
Each request is named by its page, so the statistics are per page, not per URL.
"""

from __future__ import annotations

import json
import os
import random
import sys
import uuid
from pathlib import Path
from typing import Any

# Locust comes from requirements/bench.lock, which `make test` does not install.
from locust import HttpUser, between, task  # type: ignore[import-not-found,unused-ignore]

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # locust runs this file alone
from bench.load import send_secure_cookies_over_http

PARAMS: dict[str, Any] = {}
if os.environ.get("MINKA_BENCH_PARAMS"):
    PARAMS = json.loads(Path(os.environ["MINKA_BENCH_PARAMS"]).read_text(encoding="utf-8"))
send_secure_cookies_over_http()
THINK = PARAMS.get("think", [0.5, 2.5])


class Visitor(HttpUser):
    """Someone not signed in: home, meetings, minutes, directory, search, repository,
    commitments."""

    weight = PARAMS.get("visitor_weight", 3)
    wait_time = between(*THINK)
    scope = "public"

    def on_start(self) -> None:
        self.client.headers.update({"X-Forwarded-Proto": "https"})
        self.ids: dict[str, list[str]] = PARAMS.get(self.scope, {})

    def pick(self, kind: str) -> str:
        return random.choice(self.ids[kind])  # noqa: S311 -- traffic, not secrets.

    def get(self, url: str, name: str) -> None:
        self.client.get(url, name=name)

    @task(5)
    def home(self) -> None:
        self.get("/", "home")

    @task(3)
    def meetings(self) -> None:
        self.get("/reuniones/", "meetings list")

    @task(4)
    def meeting(self) -> None:
        self.get(f"/reuniones/{self.pick('meetings')}/", "meeting page")

    @task(3)
    def minutes(self) -> None:
        self.get(f"/reuniones/{self.pick('minutes')}/acta/", "minutes")

    @task(2)
    def directory(self) -> None:
        self.get("/directorio/", "directory (organizations)")

    @task(1)
    def people(self) -> None:
        self.get("/directorio/personas/", "directory (people)")

    @task(3)
    def search(self) -> None:
        self.get(f"/buscar/?q={random.choice(PARAMS['queries'])}", "search")  # noqa: S311

    @task(3)
    def documents(self) -> None:
        self.get("/repositorio/", "documents list")

    @task(3)
    def document(self) -> None:
        self.get(f"/repositorio/{self.pick('documents')}/", "document page")

    @task(2)
    def commitments(self) -> None:
        self.get("/acuerdos/", "commitments dashboard")


class Member(Visitor):
    """A signed-in member (session from ``bench/load.py``): the same pages, members-only
    content among them, plus answering "¿Asistirá?" and uploading a small file."""

    weight = PARAMS.get("member_weight", 2)
    scope = "members"
    _next = 0

    def on_start(self) -> None:
        super().on_start()
        accounts = PARAMS["sessions"]
        account = accounts[Member._next % len(accounts)]
        Member._next += 1
        for name, value in account.items():
            self.client.cookies.set(name, value, domain=PARAMS["cookie_domain"], path="/")
        self.origin = PARAMS["origin"]

    def csrf(self) -> str:
        for cookie in self.client.cookies:
            if cookie.name.endswith("csrftoken"):
                return str(cookie.value)
        return ""

    def post(self, url: str, name: str, **kwargs: Any) -> None:
        with self.client.post(
            url,
            name=name,
            headers={
                "Origin": self.origin,
                "Referer": self.origin + url,
                "X-CSRFToken": self.csrf(),
            },
            allow_redirects=False,
            catch_response=True,
            **kwargs,
        ) as response:
            if response.status_code in (200, 302, 303):
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}")

    @task(1)
    def rsvp(self) -> None:
        url = f"/reuniones/{self.pick('upcoming')}/"
        self.get(url, "meeting page (upcoming)")
        answer = random.choice(["yes", "no", "maybe"])  # noqa: S311
        self.post(
            url + "respuesta/",
            "RSVP (POST)",
            data={"answer": answer, "csrfmiddlewaretoken": self.csrf()},
        )

    @task(1)
    def upload(self) -> None:
        self.get("/repositorio/subir/", "upload form")
        body = f"Nota de prueba de carga {uuid.uuid4()}.\n\nTexto breve de un aporte.\n"
        self.post(
            "/repositorio/subir/",
            "upload (POST)",
            data={
                "csrfmiddlewaretoken": self.csrf(),
                "title": "Aporte de prueba de carga",
                "kind": "other",
                "language": "es",
                "license": "cc-by-4.0",
                "visibility": "members",
            },
            files={"uploads": ("aporte.txt", body.encode(), "text/plain")},
        )
