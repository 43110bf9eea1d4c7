"""The ENC rule family (being written; see its issue)."""

RULES: list = []
