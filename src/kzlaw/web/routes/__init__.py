"""One module per resource; each lists its views (pages and their JSON twins)."""

from . import changes, facts, measures, search, sources

VIEWS = facts.VIEWS + changes.VIEWS + measures.VIEWS + sources.VIEWS + search.VIEWS
