"""Mail with customers: the dedicated mailbox read (inbox), and the messages the policy promises
them sent (outbox), each through the company's own mail servers.

A feedback's number, as the customer sees it in our messages and may quote in a reply's subject,
is "FB-<id>" (the id of the Record page).
"""

from __future__ import annotations

import re

# A feedback's number in a subject: "FB-123", also "[FB-123]" or "fb 123".
_REFERENCE = re.compile(r"(?<![A-Za-z0-9])FB[\s-]?(\d{1,12})(?![0-9])", re.IGNORECASE)


def feedback_reference(feedback_id: int) -> str:
    """Return the number a customer knows a feedback by: FB-<id>."""
    return f"FB-{feedback_id}"


def referenced_feedback(subject: str) -> int | None:
    """Return the feedback id a subject names by its number (the first one), else None."""
    found = _REFERENCE.search(subject or "")
    return int(found.group(1)) if found else None
