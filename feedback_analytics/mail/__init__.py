"""Mail with customers: the dedicated mailbox read (inbox), and the messages the policy promises
them sent (outbox), each through the company's own mail servers.

A feedback's number, as the customer sees it in our messages and may quote in a reply's subject,
is "FB-<id>" (the id of the Record page).
"""

from __future__ import annotations

import re
import ssl

# A feedback's number in a subject: "FB-123", also "[FB-123]" or "fb 123".
_REFERENCE = re.compile(r"(?<![A-Za-z0-9])FB[\s-]?(\d{1,12})(?![0-9])", re.IGNORECASE)


def feedback_reference(feedback_id: int) -> str:
    """Return the number a customer knows a feedback by: FB-<id>."""
    return f"FB-{feedback_id}"


def referenced_feedback(subject: str) -> int | None:
    """Return the feedback id a subject names by its number (the first one), else None."""
    found = _REFERENCE.search(subject or "")
    return int(found.group(1)) if found else None


def certificate_refused(exc: BaseException, host_setting: str) -> str | None:
    """Return why a server's certificate was refused and what to check, or None when `exc` is
    not a refused certificate."""
    if not isinstance(exc, ssl.SSLCertVerificationError):
        return None
    reason = exc.verify_message or "not trusted"
    return (
        f"its certificate was refused ({reason}). Set FEEDBACK_MAIL_CA_FILE to the PEM file of "
        "the certificate authority that signed it (unset, only the system's authorities are "
        f"trusted), and check that {host_setting} is a name the certificate is for"
    )


def ca_file_problem(ca_file: str | None) -> str | None:
    """Return why the CA file (FEEDBACK_MAIL_CA_FILE) cannot be used, in words, or None when it
    can or is unset."""
    if not ca_file:
        return None
    try:
        ssl.create_default_context(cafile=ca_file)
    except OSError as exc:  # ssl.SSLError included: a file that holds no certificate
        reason = exc.strerror or " ".join(str(exc).split())
        return (
            f"FEEDBACK_MAIL_CA_FILE ({ca_file}) cannot be read as certificates ({reason}): set "
            "it to the PEM file of the certificate authority that signed the mail servers' "
            "certificates, or unset it to trust the system's authorities"
        )
    return None
