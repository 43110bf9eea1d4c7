"""textsieve: a text-quality and duplication linter for corpora of prose.

The `linter/` directory is installed as the ``textsieve`` package and `rules/`
as ``textsieve.rules``. Keep this module import-free: ``textsieve --version``
must start fast.
"""

__version__ = "0.1.0"
