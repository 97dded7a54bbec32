"""DEQAR-ready report objects (reference/deqar.md): build.py turns a published decision into a Submission API v2
report, rules.py checks it as DEQAR would (fields.py holds the field checks, vocabulary.py DEQAR's value lists)."""
