from textsieve.console import entry

entry()
