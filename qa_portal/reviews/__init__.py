"""Review cases: opened when a pilot selection completes; the SER, panel, desk review, site visit and panel report
stages. The app factory imports reviews.subscribers at start (signal receivers and the stages' workflow rules)."""
