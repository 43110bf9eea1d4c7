"""The VAG rule family (being written; see its issue)."""

RULES: list = []
