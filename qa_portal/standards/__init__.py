"""Standards drafting: versioned QA standard sets, consultation, comparison, publication and PDF."""
