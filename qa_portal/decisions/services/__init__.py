"""Decision services by area: council (declarations, recording a decision), rules (D1–D5), publication (D6),
register (the public register's queries), follow_up (conditions, D7–D8), appeals (A1–A3), complaints (A4) and
schemes (outcome-scheme administration). Each takes the actor explicitly, flushes and audits; none commits."""
