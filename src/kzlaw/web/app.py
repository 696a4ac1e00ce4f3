"""The ASGI app: ``create_app(corpus)`` serves one compiled corpus from memory, read-only.

Each view (``routes/``) is one call of ``kzlaw.documents``: the JSON API returns the document
itself, a page renders it through one template. A bad question answers 400 and an unknown id
404, with the command line's one-line messages; every response carries a strict
Content-Security-Policy (one stylesheet and one script of our own; no inline script or style,
nothing from elsewhere)."""

from __future__ import annotations

import gzip
import os
from collections import OrderedDict
from datetime import date
from typing import Iterable, Optional

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from .. import chart, paging
from ..corpus import to_day
from ..model import ATTRIBUTES, FACT_KINDS
from ..names import KIND_TITLES, SINGULAR
from ..queries import DIFF_GROUPS
from ..report import date_words, event_text, failing_words, status_word, when_text
from ..problems import KzlawError
from . import openapi
from .links import LINKS
from .params import MAX_PATH, MAX_QUERY, parse
from .routes import VIEWS
from .views import View, with_query

HERE = os.path.dirname(os.path.abspath(__file__))
CSP = ("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
_SECURITY_NAMES = frozenset(name for name, _ in SECURITY_HEADERS)
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".svg": "image/svg+xml"}
ANSWERS_KEPT = 2048           # answers kept, at most ...
ANSWER_BYTES = 64 * 2 ** 20   # ... and this many bytes of them
GZIP_FROM = 1024              # a kept answer this long is also kept compressed
MESSAGES = {404: "no such page", 405: "only GET and HEAD: this server changes nothing",
            414: "the address is too long", 421: "this server answers for its own host name only"}


class AppState:
    """The corpus, and the answers already given: the corpus never changes while it is served,
    so an answer is computed once and kept (least recently used first out, bounded in count and
    bytes, so memory stays flat however many questions are asked)."""

    def __init__(self, corpus, max_answers: int = ANSWERS_KEPT, max_bytes: int = ANSWER_BYTES):
        self.corpus = corpus
        self.max_answers, self.max_bytes = max_answers, max_bytes
        self._answers: OrderedDict = OrderedDict()
        self._bytes = 0
        self._charts: dict = {}  # kind (None: all) -> chart.Chart

    def chart(self, day: str, kind: Optional[str] = None, only: Optional[list] = None) -> str:
        """The timeline chart (hand-written SVG, escaped by ``kzlaw.chart``) of every fact or of
        one kind's, laid out once per kind (a handful), with the day marked; or of the facts
        ``only`` (a page of a day's facts: laid out for the page, which is kept as an answer)."""
        if only is not None:
            return chart.Chart(self.corpus, only).render(to_day(day))
        laid_out = self._charts.get(kind)
        if laid_out is None:
            only = None if kind is None else [k for k in self.corpus.compiled.segments
                                               if k[0] == kind]
            laid_out = self._charts[kind] = chart.Chart(self.corpus, only)
        return laid_out.render(to_day(day))

    def __len__(self) -> int:
        return len(self._answers)

    @property
    def bytes_kept(self) -> int:
        return self._bytes

    def answer(self, key, gzipped: bool = False):
        """``(headers, body)`` of the answer kept for ``key`` (compressed when the client takes
        gzip and the answer is worth compressing), or None."""
        found = self._answers.get(key)
        if found is None:
            return None
        self._answers.move_to_end(key)
        plain, packed = found
        return packed if gzipped and packed is not None else plain

    def keep(self, key, response: Response) -> None:
        body = response.body
        if len(body) > self.max_bytes // 8:
            return  # one huge answer must not push out all the others
        headers = [h for h in response.raw_headers if h[0] not in _SECURITY_NAMES]
        plain = (headers + SECURITY_HEADERS, body)
        packed = None
        if len(body) >= GZIP_FROM:
            small = gzip.compress(body, compresslevel=6, mtime=0)
            packed = ([h for h in headers if h[0] != b"content-length"]
                      + [(b"content-length", str(len(small)).encode()),
                         (b"content-encoding", b"gzip"), (b"vary", b"accept-encoding")]
                      + SECURITY_HEADERS, small)
            plain = ([(b"vary", b"accept-encoding")] + plain[0], body)
        self._answers[key] = (plain, packed)
        self._bytes += len(body) + (len(packed[1]) if packed else 0)
        while len(self._answers) > self.max_answers or self._bytes > self.max_bytes:
            _, ((_, old), old_packed) = self._answers.popitem(last=False)
            self._bytes -= len(old) + (len(old_packed[1]) if old_packed else 0)


def answer_key(scope) -> tuple:
    """The same address asks the same question; today's date is part of the key, since "/"
    and a fact without ?at= answer for today."""
    return (date.today().toordinal(), scope["path"], scope.get("query_string", b""))


def _environment(corpus) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.join(HERE, "templates")),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.globals.update(LINKS)
    env.globals.update(FACT_KINDS=FACT_KINDS, ATTRIBUTES=ATTRIBUTES, DIFF_GROUPS=DIFF_GROUPS,
                       KIND_TITLES=KIND_TITLES, SINGULAR=SINGULAR, pick=_pick,
                       any_key=_any_key)
    env.filters["when"] = when_text
    env.filters["status_word"] = status_word
    env.filters["event"] = event_text
    env.filters["date_words"] = date_words
    env.tests["web_url"] = _is_web_url
    env.filters["plain"] = _plain
    env.filters["number"] = "{:,}".format  # 19,138: as the pager writes counts
    citation = corpus.citation()  # once: the commit is found with git, not per request
    env.globals["citation"] = citation
    env.globals["corpus_title"] = citation.get("title") or "kzlaw"
    env.globals["today"] = lambda: date.today().isoformat()
    env.globals["twin"] = None  # a page with a JSON twin sets it
    env.globals["by_label"] = lambda ref: _by_label(corpus, ref)
    env.globals["failing_words"] = failing_words
    env.globals["id_label"] = corpus.names.label
    env.globals["page_url"] = page_url
    env.globals["shown"] = paging.shown
    return env


def page_url(path: str, query: dict, offset: int) -> str:
    """The address of another page of the same answer: the same question, another offset."""
    return with_query(path, **{**query, "offset": offset or None})


def _by_label(corpus, ref: str) -> str:
    """What a ``by`` link reads: the title of the measure whose effect it is (its id, to
    cite, is the link's title and on the measure's page)."""
    m = corpus.measures.get(str(ref).partition("#")[0])
    return m.title if m is not None else str(ref)


def _pick(mapping: dict, names) -> dict:
    return {n: mapping[n] for n in names if mapping.get(n) is not None}


def _is_web_url(value) -> bool:
    """Only http(s) addresses become links; anything else a corpus holds is shown as text."""
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def _any_key(rows, *names) -> bool:
    """Whether any row has a value for one of ``names`` (an empty column is left out)."""
    return any(row.get(n) for row in rows for n in names)


def _plain(value) -> str:
    """An attribute's value in a diff: absent, one value, or the values the readings allow."""
    if value is None:
        return "(none)"
    if isinstance(value, (list, tuple)):
        return " or ".join(str(x) for x in value)
    return str(value)


def _static_files() -> dict[str, tuple[bytes, str]]:
    """Every file of ``static/``, read once: a request names a key of this dict, never a path,
    so no request can reach another file."""
    folder = os.path.join(HERE, "static")
    out = {}
    for name in sorted(os.listdir(folder)):
        ext = os.path.splitext(name)[1]
        if ext in STATIC_TYPES:
            with open(os.path.join(folder, name), "rb") as f:
                out[name] = (f.read(), STATIC_TYPES[ext])
    return out


def _lines(error: KzlawError) -> list[str]:
    return [" ".join(str(p).split()) for p in error.problems]


def _not_found(view: View, values: dict, error: KzlawError) -> bool:
    """An unknown id the path or query named: 404; any other bad question: 400."""
    named = [repr(values[p.name]) for p in view.params if p.is_id and values.get(p.name)]
    return any(p.message.startswith("unknown") and any(n in p.message for n in named)
               for p in error.problems)


def create_app(corpus, allowed_hosts: Optional[Iterable[str]] = None) -> Starlette:
    """The app serving ``corpus`` (a loaded ``kzlaw.Corpus``). With ``allowed_hosts``, requests
    naming another Host are refused (a guard against DNS rebinding when bound to localhost)."""
    _ = corpus.measures  # a corpus from the compiled cache reads its lazy part now, not mid-request
    state = AppState(corpus)
    env = _environment(corpus)
    static = _static_files()
    api_document = openapi.document(VIEWS)

    def page(request: Request, code: int, template: str, **context) -> Response:
        html = env.get_template(template).render(request_path=request.url.path, **context)
        return HTMLResponse(html, status_code=code)

    def error(request: Request, status: int, lines: list[str]) -> Response:
        if request.url.path.startswith("/api/") or request.url.path == "/api":
            return JSONResponse({"status": status, "errors": lines}, status_code=status)
        return page(request, status, "error.html", status=status, lines=lines)

    def endpoint(view: View):
        async def answer(request: Request) -> Response:
            response = compute(request)
            if response.status_code == 200 and request.method == "GET":
                state.keep(answer_key(request.scope), response)
            return response

        def compute(request: Request) -> Response:
            values: dict = {}
            try:
                values = parse(view.params, request.path_params,
                               request.query_params.multi_items())
                if view.redirect is not None:
                    target = view.redirect(values)
                    if target is not None:
                        return RedirectResponse(target, status_code=303)
                doc = view.data(corpus, values)
                if view.is_api:
                    return JSONResponse(doc)
                context = view.context(state, values, doc) if view.context else {}
                query = {p.name: values[p.name] for p in view.params
                         if p.where == "query" and values.get(p.name) is not None}
                return page(request, 200, view.template, doc=doc, v=values, query=query,
                            twin=view.twin(values) if view.twin else None, **context)
            except KzlawError as e:
                return error(request, 404 if _not_found(view, values, e) else 400, _lines(e))
        answer.__name__ = "view_" + view.path.strip("/").replace("/", "_")
        return answer

    async def openapi_json(request: Request) -> Response:
        return JSONResponse(api_document)

    async def static_file(request: Request) -> Response:
        found = static.get(request.path_params["name"])
        if found is None:
            return error(request, 404, [MESSAGES[404]])
        body, media_type = found
        return Response(body, media_type=media_type,
                        headers={"cache-control": "public, max-age=3600"})

    async def http_error(request: Request, exc: HTTPException) -> Response:
        return error(request, exc.status_code, [MESSAGES.get(exc.status_code, exc.detail)])

    async def internal_error(request: Request, exc: Exception) -> Response:
        line = (f"kzlaw: internal error (a bug in kzlaw, please report it with the address): "
                f"{type(exc).__name__}")
        return error(request, 500, [line])

    routes = [Route(v.path, endpoint(v), methods=["GET"]) for v in VIEWS]
    routes += [Route("/api/openapi.json", openapi_json, methods=["GET"]),
               Route("/static/{name}", static_file, methods=["GET"])]
    app = Starlette(routes=routes,
                    exception_handlers={HTTPException: http_error, Exception: internal_error})
    app.state.kzlaw = state
    return Guard(app, state, allowed_hosts, error_app=lambda status: _plain_error(status))


def _plain_error(status: int) -> Response:
    return JSONResponse({"status": status, "errors": [MESSAGES[status]]}, status_code=status)


class Guard:
    """The outermost layer: security headers on every response, a refusal of over-long
    addresses and (optionally) of foreign Host headers before any routing, and the answers
    already given sent again without asking the app."""

    def __init__(self, app, state: AppState, allowed_hosts, error_app):
        self.app = app
        self.app_state = state
        self.allowed = None if allowed_hosts is None else {h.lower() for h in allowed_hosts}
        self.error_app = error_app

    def __getattr__(self, name):  # tests and uvicorn see the Starlette app's attributes
        return getattr(self.app, name)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", [])
                           if h[0].lower() not in _SECURITY_NAMES]
                message = {**message, "headers": headers + SECURITY_HEADERS}
            await send(message)

        refusal = None
        raw_path = (scope.get("raw_path") or scope["path"].encode()).split(b"?", 1)[0]
        if len(raw_path) > MAX_PATH or \
                len(scope.get("query_string", b"")) > MAX_QUERY:
            refusal = 414
        elif self.allowed is not None and _host(scope) not in self.allowed:
            refusal = 421
        if refusal is not None:
            return await self.error_app(refusal)(scope, receive, send_with_headers)
        if scope["method"] == "GET":
            kept = self.app_state.answer(answer_key(scope), _takes_gzip(scope))
            if kept is not None:
                headers, body = kept
                await send({"type": "http.response.start", "status": 200, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        return await self.app(scope, receive, send_with_headers)


def _takes_gzip(scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"accept-encoding":
            return b"gzip" in value
    return False


def _host(scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"host":
            host = value.decode("latin-1").lower()
            if host.startswith("["):
                return host.split("]")[0] + "]"
            return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return ""
