"""The READ rule family (being written; see its issue)."""

RULES: list = []
