"""``kzlaw serve``: the tracker in a browser and a JSON API, as an ASGI app (Starlette, Jinja2,
uvicorn; the ``web`` extra). Every page is one document of ``kzlaw.documents`` rendered through
one template, and the same document is served as JSON at ``/api/...``.

Importing this package needs nothing outside kzlaw; ``kzlaw.web.app`` needs the extra."""

# The modules the web extra provides: the command line names the extra when one is missing.
EXTRA_MODULES = ("starlette", "uvicorn", "jinja2", "markupsafe", "anyio", "h11", "click")
INSTALL_HINT = "pip install 'kzlaw[web]' (or, in a checkout, pip install '.[web]')"
