"""Decisions (SPEC §2.4): the council's decision on a final panel report, its publication, the public register
and the decision letter. Reviews never import this package at module level; its workflow hooks import it lazily."""
