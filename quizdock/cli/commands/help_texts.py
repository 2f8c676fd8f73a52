"""The help of the commands whose modules load only when they run (cli.LAZY_COMMANDS).

One text per command, read by the command itself (its help screen) and by `quizdock --help`,
which lists its first sentence without importing the command's module. Messages of the
catalogue; nothing but `N_` is imported here.
"""

from __future__ import annotations

from quizdock.i18n import N_

STATS = N_(
    "Show your progress: today, streak, a year of reviews, the 30-day forecast, retention, card states.\n"
    "\n"
    "A day is your local day. Streak: consecutive days with an answer, ending today, or yesterday\n"
    "while nothing is answered yet today. Retention: the share of first answers to a card on a day\n"
    "graded 3 or more (same-day repeats do not count), over all cards and over mature ones, for\n"
    "the last 7 and 30 days. States: new (never reviewed), learning (last answer failed), young\n"
    "(interval under 21 days), mature (21 days or more), suspended, retired (gone from its deck file)."
)
LEECHES = N_(
    "List the leeches: cards that lapsed 8 times or more (graded below 3 after being learned).\n"
    "\n"
    "Review suspends a card at its 8th lapse (and, once unsuspended, at every 4th lapse after\n"
    "that); rework it, then bring it back with `quizdock unsuspend ID`."
)
OPTIMIZE = N_(
    "Fit FSRS's parameters to your review log, show them with the change in workload, and save them.\n"
    "\n"
    "Anki's optimizer (the same engine) learns from every answer given a day or more after the\n"
    "card's previous one; it needs 400 of them. The workload is the reviews of the next 30 days,\n"
    "simulated for your studied cards with the parameters before and the fitted ones. FSRS uses\n"
    'the saved parameters when scheduler = "fsrs" (config.toml or QUIZDOCK_SCHEDULER).'
)
SIMULATE = N_(
    "Compare the next days of reviews under SM-2 and under FSRS for your studied cards.\n"
    "\n"
    "Your memory is FSRS's model with your parameters (`quizdock optimize`; else the defaults):\n"
    "each review is recalled with the model's probability, and each scheduler sets the next day\n"
    "by its own rules. Shows the reviews, the reviews a day and the share recalled."
)
SUSPEND = N_("Suspend a card: it stays out of every review (its schedule is kept) until `quizdock unsuspend ID`.")
UNSUSPEND = N_("Bring a suspended card (a leech, or one you suspended) back into the reviews.")
CARDS = N_(
    "List the cards: id, deck, kind, question, next review, E-Factor and lapses, in deck order.\n"
    "\n"
    "TEXT keeps the cards whose id, question or answer holds it (either language, any case).\n"
    "States: new (never reviewed), due (to review today), learning (last answer failed),\n"
    "suspended, buried (until a later day), leech (8 lapses or more). Then `quizdock card ID`."
)
CARD = N_("Show one card whole: its texts, where it stands in the schedule, and every answer given to it.")
UNBURY = N_("Bring a buried card back into today's reviews (without ID: every buried card).")
CHALLENGE = N_("Practical challenges, graded by the state of your Docker daemon.")
LAB = N_("Your private lab: a Docker engine of quizdock's own where challenges run.")
EXPORT = N_("Export the decks for Anki: a package (.apkg) or a text file.")
DECK_TEST = N_("Prove every challenge in a lab of its own: fails after setup, passes after its solution, cleans up.")
COMPLETION = N_(
    "Print the script that makes your shell complete quizdock's commands and options.\n"
    "\n"
    'bash: add  eval "$(quizdock completion bash)"  to ~/.bashrc.  zsh: add\n'
    'eval "$(quizdock completion zsh)"  to ~/.zshrc (after compinit).  fish: run\n'
    "quizdock completion fish > ~/.config/fish/completions/quizdock.fish  once."
)
