"""Site visit (issue 6, being built): placeholders for the workflow hooks."""


def skip_problems(case) -> list[str]:
    """Why the visit cannot be skipped yet (empty when it may)."""
    return []


def close_problems(case) -> list[str]:
    """Why the visit cannot be closed yet (empty when it may)."""
    return []
