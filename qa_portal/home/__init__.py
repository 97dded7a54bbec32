"""The public landing page, the language switch and each user's "My work" page."""
