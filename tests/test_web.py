"""kzlaw serve through Starlette's test client: every route answers the command line's own
JSON document, every bad question the command line's own message (400, or 404 for an unknown
id), pages escape every corpus string, and nothing answers 500.

Needs the web extra (``pip install -e '.[test,web]'``); without it these tests skip, except in
CI (``KZLAW_REQUIRE_BROWSER=1``), where a missing extra is a failure."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import warnings
from datetime import date
from html.parser import HTMLParser

import pytest

from builder import measure, write_corpus

REQUIRED = os.environ.get("KZLAW_REQUIRE_BROWSER") == "1"
try:
    warnings.filterwarnings("ignore", message=".*httpx.*")
    from starlette.testclient import TestClient
    import kzlaw.web.app as web_app
except ImportError as e:  # pragma: no cover - depends on the machine
    if REQUIRED:
        raise
    pytest.skip(f"the web extra is not installed ({e}): pip install -e '.[web]'",
                allow_module_level=True)

import kzlaw
from kzlaw.cli import main as cli_main

pytestmark = pytest.mark.filterwarnings("ignore:.*httpx.*")


@pytest.fixture(scope="module")
def corpus():
    return kzlaw.load()


@pytest.fixture(scope="module")
def client(corpus):
    return TestClient(web_app.create_app(corpus))


def cli(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_main(list(argv))
    return code, out.getvalue(), err.getvalue()


# --- the API is the command line's JSON ------------------------------------------------------

AGREEMENT = [
    ("/api/in-force?date=2012-01-01", ["in-force", "2012-01-01"]),
    ("/api/in-force?date=2006-06-01&kind=designation",
     ["in-force", "2006-06-01", "--kind", "designation"]),
    ("/api/diff?from=2010-01-01&to=2012-06-01", ["diff", "2010-01-01", "2012-06-01"]),
    ("/api/diff?from=2012-06-01&to=2010-01-01", ["diff", "2012-06-01", "2010-01-01"]),
    ("/api/timeline", ["timeline"]),
    ("/api/timeline?from=2011-01-01&to=2011-12-31",
     ["timeline", "--from", "2011-01-01", "--to", "2011-12-31"]),
    ("/api/history/hizb-ut-tahrir", ["history", "hizb-ut-tahrir"]),
    ("/api/history/law-2011-religious-activity", ["history", "law-2011-religious-activity"]),
    ("/api/explain?kind=prohibition&target=prayer-in-workplace&at=2012-06-01",
     ["explain", "prohibition", "prayer-in-workplace", "--at", "2012-06-01"]),
    ("/api/explain?kind=prohibition&target=membership-in-banned-organization"
     "&about=hizb-ut-tahrir&at=2004-06-01",
     ["explain", "prohibition", "membership-in-banned-organization", "--about",
      "hizb-ut-tahrir", "--at", "2004-06-01"]),
    ("/api/measures/law-2011-religious-activity?at=2012-06-01",
     ["show", "law-2011-religious-activity", "--at", "2012-06-01"]),
    ("/api/measures/law-2011-religious-activity", ["show", "law-2011-religious-activity"]),
    ("/api/in-force?date=2012-01-01&status=uncertain", ["in-force", "2012-01-01", "--status",
                                                        "uncertain"]),
    ("/api/in-force?date=2012-01-01&about=hizb-ut-tahrir",
     ["in-force", "2012-01-01", "--about", "hizb-ut-tahrir"]),
    ("/api/in-force?date=2012-01-01&category=terrorism-related",
     ["in-force", "2012-01-01", "--category", "terrorism-related"]),
    ("/api/in-force?date=2030-01-01", ["in-force", "2030-01-01"]),  # past the horizon: warned
    ("/api/history/HT", ["history", "HT"]),  # an alias
    ("/api/search?q=hizb", ["search", "hizb"]),
    ("/api/search?q=hizb+tahrir", ["search", "hizb", "tahrir"]),
    ("/api/sources/almanac-fn4", ["source", "almanac-fn4"]),
]


@pytest.mark.parametrize("url, argv", AGREEMENT, ids=[a for a, _ in AGREEMENT])
def test_every_api_route_answers_the_document_the_command_line_prints(client, url, argv):
    code, out, err = cli(*argv, "--format", "json")
    assert code == 0, err
    r = client.get(url)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    assert r.json() == json.loads(out)


def test_a_fact_enters_the_api_on_its_first_day_and_not_the_day_before(client):
    # law-2011-religious-activity is in force on 2011-10-25 (a certain date).
    def targets(day):
        facts = client.get(f"/api/in-force?date={day}&kind=prohibition").json()["facts"]
        return {f["target"] for f in facts}
    assert "prayer-in-workplace" not in targets("2011-10-24")
    assert "prayer-in-workplace" in targets("2011-10-25")


ERRORS = [
    # (url, status, the command line that gives the same message, or None)
    ("/api/in-force?date=2012-02-30", 400, ["in-force", "2012-02-30"]),
    ("/api/in-force?date=2012-1-01", 400, ["in-force", "2012-1-01"]),
    ("/api/in-force?date=2012-01-01&kind=organisation", 400,
     ["in-force", "2012-01-01", "--kind", "organisation"]),
    ("/api/diff?from=2010-01-01&to=2012-13-01", 400, ["diff", "2010-01-01", "2012-13-01"]),
    ("/api/timeline?from=2012-01-01&to=2011-01-01", 400,
     ["timeline", "--from", "2012-01-01", "--to", "2011-01-01"]),
    ("/api/timeline?from=yesterday", 400, ["timeline", "--from", "yesterday"]),
    ("/api/history/hizb-ut-tahrr", 404, ["history", "hizb-ut-tahrr"]),
    ("/api/measures/law-2011-religious-activty", 404, ["show", "law-2011-religious-activty"]),
    ("/api/measures/law-2011-religious-activity?at=2012-06-31", 400,
     ["show", "law-2011-religious-activity", "--at", "2012-06-31"]),
    ("/api/explain?kind=prohibition&target=prayer-in-workplac&at=2012-06-01", 404,
     ["explain", "prohibition", "prayer-in-workplac", "--at", "2012-06-01"]),
    ("/api/explain?kind=prohibitio&target=prayer-in-workplace&at=2012-06-01", 400,
     ["explain", "prohibitio", "prayer-in-workplace", "--at", "2012-06-01"]),
    ("/api/explain?kind=prohibition&target=prayer-in-workplace&at=2012-02-30", 400,
     ["explain", "prohibition", "prayer-in-workplace", "--at", "2012-02-30"]),
    ("/api/in-force?date=2012-01-01&status=maybe", 400,
     ["in-force", "2012-01-01", "--status", "maybe"]),
    ("/api/in-force?date=2012-01-01&about=hizb-ut", 404,
     ["in-force", "2012-01-01", "--about", "hizb-ut"]),
    ("/api/in-force?date=2012-01-01&category=terror", 400,
     ["in-force", "2012-01-01", "--category", "terror"]),
    ("/api/sources/almanac-fn999", 404, ["source", "almanac-fn999"]),
    ("/api/search?q=+", 400, ["search", " "]),
]


@pytest.mark.parametrize("url, status, argv", ERRORS, ids=[u for u, _, _ in ERRORS])
def test_a_bad_question_answers_the_command_lines_message(client, url, status, argv):
    code, out, err = cli(*argv)
    assert code == 1 and not out
    r = client.get(url)
    assert r.status_code == status
    assert r.json() == {"status": status, "errors": err.splitlines()}


@pytest.mark.parametrize("url, message", [
    ("/api/in-force", "question: missing parameter 'date'"),
    ("/api/diff?from=2010-01-01", "question: missing parameter 'to'"),
    ("/api/explain?kind=prohibition&target=prayer-in-workplace",
     "question: missing parameter 'at'"),
    ("/api/in-force?dat=2012-01-01", "question: unknown parameter 'dat' (did you mean 'date'?)"),
    ("/api/in-force?date=2012-01-01&date=2013-01-01", "question: parameter 'date' is given twice"),
    ("/api/history/hizb-ut-tahrir?at=2012-01-01", "question: unknown parameter 'at'"),
    ("/api/search", "question: missing parameter 'q'"),
])
def test_parameters_are_checked_before_the_question_is_asked(client, url, message):
    r = client.get(url)
    assert r.status_code == 400
    assert r.json() == {"status": 400, "errors": [message]}


def test_a_parameter_of_200_characters_is_read_and_one_of_201_is_refused(client):
    ok = client.get("/api/history/" + "x" * 200)
    assert ok.status_code == 404  # read, and not found
    long = client.get("/api/history/" + "x" * 201)
    assert long.status_code == 400
    assert long.json()["errors"] == ["question: parameter 'id' is longer than 200 characters"]
    assert client.get("/api/search-nothing?q=" + "y" * 201).status_code == 404


def test_an_address_over_the_limits_is_refused_before_routing(client):
    from kzlaw.web.params import MAX_PATH, MAX_QUERY
    assert client.get("/" + "a" * (MAX_PATH - 1)).status_code == 404
    assert client.get("/" + "a" * MAX_PATH).status_code == 414
    query = "date=2012-01-01&kind=" + "k" * (MAX_QUERY - len("date=2012-01-01&kind="))
    assert client.get("/api/in-force?" + query).status_code == 400  # read: the kind is too long
    assert client.get("/api/in-force?" + query + "k").status_code == 414


@pytest.mark.parametrize("url", ["/nope", "/api/nope", "/api/in-force/2012-01-01", "/at",
                                 "/fact/prohibition", "/static/", "/static/nope.css",
                                 "/static/%2e%2e%2fapp.py", "/static/..%2Fapp.py",
                                 "/static/../app.py", "/%2e%2e/%2e%2e/etc/passwd",
                                 "/measure/..%2F..%2Fpyproject.toml"])
def test_unknown_routes_and_paths_outside_the_app_are_404(client, url):
    r = client.get(url)
    assert r.status_code == 404
    assert "Traceback" not in r.text and "[build-system]" not in r.text


def test_an_api_404_is_json_and_a_page_404_is_a_page(client):
    assert client.get("/api/nope").json() == {"status": 404, "errors": ["no such page"]}
    page = client.get("/nope")
    assert page.headers["content-type"].startswith("text/html") and "no such page" in page.text


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_nothing_can_be_written(client, method):
    for url in ("/api/in-force?date=2012-01-01", "/at/2012-01-01", "/static/kzlaw.css"):
        r = client.request(method, url)
        assert r.status_code == 405, (method, url)
        assert "only GET and HEAD" in r.text


def test_head_answers_like_get_without_a_body(client):
    r = client.head("/at/2012-01-01")
    assert r.status_code == 200 and r.content == b""


def test_every_response_carries_a_strict_content_security_policy(client):
    for url in ("/", "/api/in-force?date=2012-01-01", "/nope", "/static/kzlaw.css",
                "/api/history/nope"):
        h = client.get(url).headers
        csp = h["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert h["x-content-type-options"] == "nosniff"
        assert h["x-frame-options"] == "DENY"


def test_a_foreign_host_header_is_refused_when_serving_localhost(corpus):
    from kzlaw.web.serve import allowed_hosts
    guarded = TestClient(web_app.create_app(corpus, allowed_hosts=allowed_hosts("127.0.0.1")),
                         base_url="http://127.0.0.1:8000")
    assert guarded.get("/api/in-force?date=2012-01-01").status_code == 200
    assert guarded.get("/api/in-force?date=2012-01-01",
                       headers={"host": "localhost:8000"}).status_code == 200
    evil = guarded.get("/api/in-force?date=2012-01-01", headers={"host": "evil.example:8000"})
    assert evil.status_code == 421
    assert allowed_hosts("0.0.0.0") is None  # the user chose to serve the network


@pytest.mark.parametrize("host", ["LOCALHOST", "Localhost", "127.0.0.2", "0:0:0:0:0:0:0:1",
                                  "[0:0:0:0:0:0:0:1]", "::ffff:127.0.0.1"])
def test_a_loopback_address_however_written_keeps_the_host_guard(corpus, host):
    from kzlaw.web.serve import allowed_hosts, listen
    try:
        sock = listen(host, 0)
    except kzlaw.KzlawError:
        if ":" not in host:
            raise
        pytest.skip("no IPv6 loopback on this machine")
    try:
        allowed = allowed_hosts(host, sock.getsockname()[0])
    finally:
        sock.close()
    assert allowed is not None and "localhost" in allowed
    guarded = TestClient(web_app.create_app(corpus, allowed_hosts=allowed),
                         base_url="http://127.0.0.1:8000")
    assert guarded.get("/api/search?q=a").status_code == 200
    assert guarded.get("/api/search?q=a", headers={"host": "evil.example"}).status_code == 421


def test_a_network_address_is_served_to_any_host_name():
    from kzlaw.web.serve import allowed_hosts
    assert allowed_hosts("0.0.0.0", "0.0.0.0") is None
    assert allowed_hosts("::", "::") is None


def test_the_openapi_description_lists_every_api_route_with_its_parameters(client):
    doc = client.get("/api/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    from kzlaw.web.routes import VIEWS
    api = {v.path: v for v in VIEWS if v.is_api}
    assert set(doc["paths"]) == set(api)
    for path, view in api.items():
        names = [p["name"] for p in doc["paths"][path]["get"]["parameters"]]
        assert names == [p.name for p in view.params]
        for p in doc["paths"][path]["get"]["parameters"]:
            if p["in"] == "path":
                assert "{" + p["name"] + "}" in path
    assert {"/api/in-force", "/api/diff", "/api/explain", "/api/history/{id}",
            "/api/measures/{id}", "/api/timeline", "/api/search",
            "/api/sources/{id}"} <= set(api)


def test_an_answer_given_again_is_the_same_and_compressed_for_a_client_that_takes_gzip(corpus):
    import gzip
    client = TestClient(web_app.create_app(corpus))
    url = "/api/in-force?date=2009-06-01"
    first = client.get(url, headers={"accept-encoding": "identity"})
    again = client.get(url, headers={"accept-encoding": "identity"})
    assert again.content == first.content and "content-encoding" not in again.headers
    raw = client.get(url, headers={"accept-encoding": "gzip"}, extensions={})
    assert raw.headers["content-encoding"] == "gzip"
    assert raw.json() == first.json()  # httpx decompresses, as a browser does
    assert raw.headers["content-security-policy"] == first.headers["content-security-policy"]
    assert raw.headers["vary"] == "accept-encoding"


def test_a_bad_question_is_asked_again_not_answered_from_memory(corpus):
    client = TestClient(web_app.create_app(corpus))
    for _ in range(2):
        r = client.get("/api/in-force?date=2012-02-30")
        assert r.status_code == 400
    assert len(client.app.state.kzlaw) == 0


def test_the_answers_kept_are_bounded_in_count_and_bytes(corpus):
    client = TestClient(web_app.create_app(corpus))
    kept = client.app.state.kzlaw
    kept.max_answers, kept.max_bytes = 5, 200_000
    for day in range(1, 29):
        assert client.get(f"/api/in-force?date=2010-02-{day:02d}").status_code == 200
        assert len(kept) <= 5 and kept.bytes_kept <= 200_000
    assert len(kept) == 5  # the most recent ones
    assert kept.answer(web_app.answer_key({"path": "/api/in-force",
                                           "query_string": b"date=2010-02-28"})) is not None
    assert kept.answer(web_app.answer_key({"path": "/api/in-force",
                                           "query_string": b"date=2010-02-01"})) is None


# --- pages -------------------------------------------------------------------------------------

class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Tags:
    t = Tags()
    t.feed(html)
    return t


PAGES = ["/", "/at/2012-01-01", "/at/2006-06-01?kind=designation", "/diff",
         "/diff/2010-01-01/2012-06-01", "/timeline", "/timeline?from=2011-01-01&to=2011-12-31",
         "/fact/prohibition/prayer-in-workplace?at=2012-06-01",
         "/fact/prohibition/membership-in-banned-organization/hizb-ut-tahrir?at=2004-06-01",
         "/measure/law-2011-religious-activity?at=2012-06-01",
         "/measure/law-2011-religious-activity", "/history/hizb-ut-tahrir",
         "/history/law-2011-religious-activity", "/history/HT", "/source/almanac-fn4",
         "/source/almanac", "/search", "/search?q=hizb", "/search?q=law+religious"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders_with_no_script_but_ours_and_links_every_id(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.text[:500]
    tags = parse(r.text).tags
    scripts = [a for t, a in tags if t == "script"]
    assert scripts == [{"src": "/static/kzlaw.js", "defer": None}]
    assert [a["href"] for t, a in tags if t == "link" and a.get("rel") == "stylesheet"] == \
        ["/static/kzlaw.css"]
    assert not any(k.startswith("on") or k == "style" for _, a in tags for k in a)
    assert not any(t == "style" for t, _ in tags)
    hrefs = [a["href"] for t, a in tags if t == "a" and "href" in a]
    for href in hrefs:
        assert href.startswith(("/", "#", "http://", "https://")), href
    assert any(h.startswith("/api/") for h in hrefs)  # the JSON twin or the API


def test_the_json_twin_of_a_page_is_its_document(client):
    r = client.get("/diff/2010-01-01/2012-06-01")
    twin = [a["href"] for t, a in parse(r.text).tags if t == "a" and a.get("rel") == "alternate"]
    assert twin == ["/api/diff?from=2010-01-01&to=2012-06-01"]


def test_the_day_page_lists_each_fact_from_its_first_day_and_links_it(client):
    before = client.get("/at/2011-10-24").text
    on = client.get("/at/2011-10-25").text
    link = "/fact/prohibition/prayer-in-workplace?at=2011-10-25"
    assert 'href="%s"' % link in on
    assert "/fact/prohibition/prayer-in-workplace?" not in before


def test_the_home_page_shows_today_and_a_chosen_day_redirects_to_its_permalink(client):
    home = client.get("/")
    assert f"In force on <time datetime=\"{date.today().isoformat()}\">" in home.text
    r = client.get("/?date=2012-01-01&kind=designation", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/at/2012-01-01?kind=designation"
    r = client.get("/diff?from=2010-01-01&to=2012-06-01", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/diff/2010-01-01/2012-06-01"


def test_the_day_page_holds_the_chart_with_one_row_a_fact_and_the_day_marked(client, corpus):
    html = client.get("/at/2012-01-01").text
    rows = re.findall(r'<g class="fact-row"', html)
    assert len(rows) == len(corpus.compiled.segments)
    assert re.search(r'<g class="day-mark">.*?2012-01-01</text>', html)
    kinds = client.get("/at/2012-01-01?kind=power").text
    assert 0 < len(re.findall(r'<g class="fact-row" data-fact="power\|', kinds)) == \
        len(re.findall(r'<g class="fact-row"', kinds))


@pytest.mark.parametrize("url, status, needle", [
    ("/at/2012-02-30", 400, "question: &#39;2012-02-30&#39; is not a calendar day"),
    ("/history/hizb-ut-tahrr", 404, "question: unknown id &#39;hizb-ut-tahrr&#39;"),
    ("/measure/nope", 404, "unknown measure &#39;nope&#39;"),
    ("/fact/prohibition/nope?at=2012-01-01", 404, "unknown id &#39;nope&#39;"),
    ("/diff/2012-01-01/nope", 400, "question:"),
    ("/source/nope", 404, "unknown source"),
])
def test_a_bad_question_on_a_page_is_an_error_page_with_the_message(client, url, status, needle):
    r = client.get(url)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/html")
    assert needle in r.text


# --- a hostile corpus is shown as text ---------------------------------------------------------

SCRIPT = "<script>alert('x')</script>"
IMG = '"><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    vocabulary = {
        "acts": {"a": {"label": SCRIPT}, "membership": {"label": IMG}},
        "organizations": {"o": {"label": IMG + SCRIPT}},
        "institutions": {}, "powers": {}, "duties": {}, "penalties": {}, "categories": {},
    }
    sources = {"s1": {"citation": SCRIPT + IMG, "kind": "primary",
                      "url": "javascript:alert(1)"},
               "s2": {"citation": "fine", "kind": "press", "url": "https://example.org/" + IMG}}
    measures = [
        measure("m1", adopted="2000-01-01", title=SCRIPT, note=IMG,
                sources=[{"ref": "s1", "quote": IMG}],
                effects=[{"id": "e1", "prohibits": "a", "note": SCRIPT,
                          "sources": [{"ref": "s2", "quote": SCRIPT}]},
                         {"id": "e2", "designates": "o", "as": "extremist"}]),
    ]
    path = write_corpus(root, measures, vocabulary=vocabulary, sources=sources)
    return TestClient(web_app.create_app(kzlaw.load(path)))


@pytest.mark.parametrize("url", ["/at/2001-01-01", "/fact/prohibition/a?at=2001-01-01",
                                 "/fact/designation/o?at=2001-01-01", "/measure/m1?at=2001-01-01",
                                 "/history/o", "/history/m1", "/timeline", "/source/s1",
                                 "/source/s2", "/search?q=script", "/search?q=m1",
                                 "/diff/1999-01-01/2001-01-01"])
def test_a_corpus_holding_script_and_onerror_renders_them_as_text(hostile, url):
    r = hostile.get(url)
    assert r.status_code == 200, r.text[:300]
    parsed = parse(r.text)
    assert [a for t, a in parsed.tags if t == "script"] == [{"src": "/static/kzlaw.js",
                                                             "defer": None}]
    assert not any(t == "img" for t, _ in parsed.tags)
    assert not any(k.startswith("on") for _, a in parsed.tags for k in a)
    assert not any(v and v.strip().lower().startswith("javascript:")
                   for _, a in parsed.tags for v in a.values())
    assert "<script>alert" not in r.text and "<img src=x" not in r.text
    text = "".join(parsed.text)
    assert SCRIPT in text or IMG in text  # the hostile strings are there, as text


def test_a_hostile_corpus_through_the_api_is_plain_json(hostile):
    r = hostile.get("/api/measures/m1")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.json()["title"] == SCRIPT


# --- the command ------------------------------------------------------------------------------

def test_serve_refuses_an_address_it_cannot_listen_on_in_one_line():
    import socket
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        code, out, err = cli("serve", "--port", str(port))
    assert code == 1
    assert err == f"serve: cannot listen on 127.0.0.1:{port}: Address already in use\n"


def test_serve_without_the_web_extra_says_how_to_install_it(monkeypatch):
    import builtins
    real = builtins.__import__

    def no_starlette(name, *args, **kwargs):
        if name.split(".")[0] in ("starlette", "uvicorn"):
            raise ImportError(f"No module named {name!r}", name=name)
        return real(name, *args, **kwargs)

    import sys
    for mod in [m for m in sys.modules if m.startswith("kzlaw.web.")]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setattr(builtins, "__import__", no_starlette)
    code, out, err = cli("serve")
    assert code == 1 and not out
    assert err.count("\n") == 1
    assert "pip install 'kzlaw[web]'" in err and "web extra" in err


def test_the_load_benchmark_runs_a_real_server_and_counts_no_errors(capsys):
    from kzlaw.web import bench
    assert bench.main(["--sizes", "bundled", "--clients", "2", "--requests", "3"]) == 0
    out = capsys.readouterr().out
    assert "| bundled  | /api/in-force?date=D |" in out and "| bundled  | /at/D " in out
    rows = [line for line in out.splitlines() if line.startswith("| bundled")]
    assert [line.split("|")[3].strip() for line in rows] == ["6", "6"]   # requests
    assert [line.split("|")[4].strip() for line in rows] == ["0", "0"]   # errors


from hypothesis import given, strategies as st  # noqa: E402

ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
ROUTES = ["/at/{}", "/history/{}", "/measure/{}", "/source/{}", "/fact/prohibition/{}",
          "/fact/{}/prayer-in-workplace", "/diff/2010-01-01/{}", "/api/history/{}",
          "/api/measures/{}", "/api/sources/{}", "/api/in-force?date={}",
          "/api/in-force?date=2012-01-01&kind={}", "/api/explain?kind=prohibition&target={}&at=2012-01-01",
          "/api/timeline?from={}", "/api/search?q={}", "/search?q={}", "/?date={}"]


@given(route=st.sampled_from(ROUTES), value=ANY_TEXT)
def test_no_question_however_strange_gets_a_500_or_a_traceback(client, route, value):
    from urllib.parse import quote
    r = client.get(route.format(quote(value, safe="")), follow_redirects=False)
    assert r.status_code in (200, 303, 400, 404, 414), (route, value, r.text[:300])
    assert "Traceback" not in r.text
    if r.status_code in (400, 404):
        errors = (r.json()["errors"] if route.startswith("/api/")
                  else re.findall(r"<li><code>(.*?)</code></li>", r.text))
        assert errors and all("\n" not in e for e in errors)


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).split(" · ")[0]


@pytest.mark.parametrize("url, title", [
    ("/fact/designation/hizb-ut-tahrir?at=2012-01-01",
     "Designation: Hizb ut-Tahrir al-Islami on 2012-01-01"),
    ("/fact/prohibition/membership-in-banned-organization/hizb-ut-tahrir?at=2004-06-01",
     "Prohibition: Membership in (participation in the activities of) a banned organization "
     "(Hizb ut-Tahrir al-Islami) on 2004-06-01"),
    ("/history/HT", "History of Hizb ut-Tahrir al-Islami"),
    ("/history/law-2011-religious-activity",
     "History of Law &#34;On Religious Activity and Religious Associations&#34;"),
    ("/measure/law-2011-religious-activity",
     "Law &#34;On Religious Activity and Religious Associations&#34;"),
    ("/source/almanac-fn51", "Source almanac-fn51: Ibid. (fn 50, Peter Leonard, "
     "&#34;Kazakhstan Passes Restrictive Religion Law,&#34; Washington Times, October 13, 2011)"),
])
def test_a_page_is_titled_by_its_label_not_its_ids(client, url, title):
    """A browser tab, a bookmark and a search result show the <title>: it said
    'designation hizb-ut-tahrir on 2012-01-01' and 'law-2011-religious-activity'."""
    assert _title(client.get(url).text) == title


@pytest.mark.parametrize("url", ["/at/2012-01-01", "/fact/designation/hizb-ut-tahrir?at=2012-01-01",
                                 "/history/hizb-ut-tahrir",
                                 "/fact/prohibition/membership-in-banned-organization/"
                                 "hizb-ut-tahrir?at=2004-06-01"])
def test_a_status_reads_as_the_command_line_words(client, url):
    """The command line says 'in force'; the pages said the JSON's 'in-force'."""
    html = client.get(url).text
    shown = re.findall(r'<span class="status status-([a-z-]+)">([^<]*)</span>', html)
    assert shown
    words = {"in-force": "in force", "uncertain": "uncertain", "absent": "not in force"}
    assert all(text == words[value] for value, text in shown if value in words), shown
    assert {v for v, _ in shown} & {"in-force", "absent"}


@pytest.mark.parametrize("url", ["/timeline?from=2011-01-01&to=2011-12-31",
                                 "/timeline"])
def test_an_event_is_told_in_words_not_ids_on_a_page(client, url):
    cells = re.findall(r'<td data-label="Event">([^<]*)</td>', client.get(url).text)
    assert "repeals Institution: Committee for Religious Affairs" in cells, cells
    assert not any("#" in c or c.startswith("effect ") and c.endswith((" from", " until"))
                   for c in cells), cells


def test_a_measure_page_says_which_of_the_sources_dates_was_set_aside_and_why(client):
    """The command line's show says '2011-10-13 per web-ng-2011-religion-law (rejected: the
    act itself is dated 11 October 2011 ...)'; the page listed the date as if it stood."""
    html = client.get("/measure/law-2011-religious-activity").text
    dates = html[html.index("<dt>Adopted</dt>"):html.index("<dt>In force</dt>")]
    assert "web-ng-2011-religion-law</a> (rejected: the act itself is dated 11 October 2011" \
        in dates
    assert "vn-docslib-483-iv</a>;" in dates  # the date that stands has no such words


def test_a_timeline_links_each_measure_by_its_title_and_is_titled_by_its_days(client):
    html = client.get("/timeline?from=2011-01-01&to=2011-12-31").text
    assert _title(html) == "Timeline: 2011-01-01 to 2011-12-31"
    cells = re.findall(r'<td data-label="Measure">(.*?)</td>', html, re.S)
    assert cells
    links = [re.search(r"<a [^>]*>([^<]*)</a>", c).group(1) for c in cells]
    assert "Closure of all places of worship in prisons" in links
    assert not any(re.fullmatch(r"[a-z0-9#-]+", text) for text in links), links  # no id links
    assert all("<code>" in c for c in cells)  # the id is still shown, to cite


def test_an_effects_start_on_a_fact_page_is_not_told_with_its_measures_id_again(client):
    html = client.get("/fact/designation/hizb-ut-tahrir?at=2012-01-01").text
    starts = re.findall(r'<p class="when">Starts: ([^<]*)</p>', html)
    assert "adopted (in force): 2005-03-28" in starts, starts
    assert not any(s.startswith("court-2005-hizb-ut-tahrir-ban") for s in starts), starts


def test_a_measure_pages_effect_dates_read_like_the_command_lines(client):
    html = client.get("/measure/law-2005-countering-extremism").text
    cells = re.findall(r'<td data-label="From">([^<]*)</td>', html)
    assert "2005-02-18..2013-12-31" in cells and not any("[" in c for c in cells), cells


def test_a_day_page_of_one_kind_is_headed_in_words(client):
    html = client.get("/at/2012-01-01?kind=designation").text
    assert re.search(r"<h1>Designations in force on <time[^>]*>2012-01-01</time></h1>", html)
    assert _title(html) == "Designations in force on 2012-01-01"
    html = client.get("/at/2012-01-01").text  # every kind: as before
    assert re.search(r"<h1>In force on <time[^>]*>2012-01-01</time></h1>", html)


@pytest.mark.parametrize("url", ["/at/2012-01-01?kind=designation",
                                 "/fact/designation/hizb-ut-tahrir?at=2012-01-01",
                                 "/diff/2010-01-01/2012-06-01", "/history/hizb-ut-tahrir"])
def test_the_by_column_names_the_measure_by_its_title(client, url):
    """'By' read 'court-2005-hizb-ut-tahrir-ban#hizb-ut-tahrir'; the id stays on hover and on
    the measure's page."""
    cells = re.findall(r'<td data-label="By">(.*?)</td>', client.get(url).text, re.S)
    links = re.findall(r'<a href="/measure/[^"]*" title="([^"]*)">([^<]*)</a>', " ".join(cells))
    assert links
    from html import unescape
    links = [(ref, unescape(text)) for ref, text in links]
    assert all("#" in ref and "#" not in text and text != ref for ref, text in links), links
    assert not any(re.search(r"</a>, <a", c) for c in cells)  # titles hold commas: "; "
    if "hizb-ut-tahrir" in url:
        assert ("court-2005-hizb-ut-tahrir-ban#hizb-ut-tahrir",
                "Astana City Court decision banning Hizb ut-Tahrir as an extremist "
                "organization") in links


def test_a_history_page_names_its_type_and_lists_only_the_events_facts_about_it(client):
    """The page said '(organizations)' where the command line says 'organization', and its
    events listed every fact they start (all fifteen membership bans) where the command line
    lists those about the organization."""
    html = client.get("/history/hizb-ut-tahrir").text
    assert '<span class="type">(organization)</span>' in html
    events = html[html.index("<h2>Events</h2>"):]
    starts = re.findall(r'<td data-label="Starts">(.*?)</td>', events, re.S)
    facts = re.findall(r'<a href="[^"]*">([^<]*)</a>', " ".join(starts))
    assert "Designation: Hizb ut-Tahrir al-Islami" in facts
    assert facts and all("Hizb ut-Tahrir" in f for f in facts), facts
    html = client.get("/history/forfeiture-of-property").text
    assert '<span class="type">(penalty)</span>' in html


def test_why_a_rule_fails_on_a_page_names_its_premises_in_words(client):
    html = client.get("/fact/prohibition/membership-in-banned-organization/hizb-ut-tahrir"
                      "?at=2004-06-01").text
    why = re.findall(r'<p class="failing">Does not apply because: ([^<]*)</p>', html)
    assert why and why[0].startswith("Designation: Hizb ut-Tahrir al-Islami is not in force")
    assert not any("absent" in w for w in why), why


def test_a_filtered_day_page_says_what_it_leaves_out(client):
    """'/at/2012-01-01?about=hizb-ut-tahrir' said '1 facts in force, 0 uncertain.' as if that
    were all that was in force that day."""
    html = client.get("/at/2012-01-01?about=HT&status=in-force").text
    summary = " ".join(re.search(r'<p class="summary">(.*?)</p>', html, re.S).group(1).split())
    assert summary.startswith("1 fact in force, 0 uncertain, of the facts about ")
    assert "Hizb ut-Tahrir al-Islami" in summary and "in force only" in summary
    assert 'href="/at/2012-01-01"' in summary  # the whole day, one click away
    summary = re.search(r'<p class="summary">(.*?)</p>', client.get("/at/2012-01-01").text,
                        re.S).group(1)
    assert " of the facts" not in summary and "57 facts in force, 5 uncertain." in summary
