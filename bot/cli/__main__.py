"""`python -m bot.cli`: the same as the `heard` command."""

from bot.cli import main

main()
