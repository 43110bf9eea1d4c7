"""Built-in rules, one module per family; each module exports ``RULES``."""
