from textsieve.cli import main

main()
