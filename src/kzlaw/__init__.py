"""kzlaw: what was in force, when, and why — Kazakhstan's counterterrorism, counter-extremism
and religion laws as versioned measures with dated effects.

    >>> import kzlaw
    >>> corpus = kzlaw.load()                      # the bundled corpus
    >>> state = corpus.at("2012-06-01")
    >>> state.status("prohibition", "prayer-in-workplace")
    'in-force'
"""

__version__ = "0.1.0"

from .corpus import Corpus, load  # noqa: E402
from .problems import KzlawError  # noqa: E402

__all__ = ["Corpus", "KzlawError", "load", "__version__"]
