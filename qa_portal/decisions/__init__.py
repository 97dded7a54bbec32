"""Decisions (SPEC §2.4): the council's decision on a final panel report, its publication, the public register, the
decision letter, follow-up of conditions, appeals and complaints. Reviews never imports this package: decisions
registers its rows of the case workflow and its page panels with reviews at app start (subscribers.py)."""
