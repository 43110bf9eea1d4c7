from textsieve.cli import entry

entry()
