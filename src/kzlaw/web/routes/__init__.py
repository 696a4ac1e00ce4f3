"""One module per resource; each lists its views (pages and their JSON twins)."""

from . import changes, facts, measures

VIEWS = facts.VIEWS + changes.VIEWS + measures.VIEWS
