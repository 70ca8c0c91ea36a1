"""Who may do what: the roles, the pages each may open and the rights each holds.

The one permission matrix of the app (README, "Roles"). Pages and commands ask `may_open` and
`can`; what a viewer sees of personal data is decided from these rights in
`feedback_analytics.privacy`.

| right / page        | admin | manager | quality | staff |
|---------------------|:-----:|:-------:|:-------:|:-----:|
| Home                |   x   |    x    |    x    |   x   |
| Overview (monthly)  |   x   |    x    |         |       |
| Intake              |   x   |    x    |    x    |       |
| Processing and SLA  |   x   |    x    |         |       |
| Satisfaction        |   x   |    x    |    x    |       |
| SLA settings        |   x   |    x    |         |       |
| Survey entry        |   x   |         |         |   x   |
| New feedback        |   x   |         |         |   x   |
| Categories          |   x   |    x    |    x    |       |
| Review queue        |   x   |         |    x    |       |
| Classifier          |   x   |         |    x    |       |
| Import              |   x   |         |         |   x   |
| Record              |   x   |    x    |    x    |   x   |
| Users, Audit log    |   x   |         |         |       |
| contact data shown  |   x   |         |         |   x   |
| reveal with reason  |   x   |    x    |         |       |
| change categories   |   x   |         |    x    |       |
| handle (status)     |   x   |    x    |         |   x   |
| enter surveys       |   x   |         |         |   x   |
| train and activate  |   x   |         |    x    |       |
| download records    |   x   |    x    |    x    |   x   |
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

ADMIN: Final = "admin"
MANAGER: Final = "manager"
QUALITY: Final = "quality"
STAFF: Final = "staff"
ROLES: tuple[str, ...] = (ADMIN, MANAGER, QUALITY, STAFF)

# Page (its url_path in ui.navigation.PAGES) -> the roles that may open it.
PAGE_ROLES: dict[str, frozenset[str]] = {
    "": frozenset(ROLES),
    "monthly": frozenset({ADMIN, MANAGER}),
    "intake": frozenset({ADMIN, MANAGER, QUALITY}),
    "sla": frozenset({ADMIN, MANAGER}),
    "satisfaction": frozenset({ADMIN, MANAGER, QUALITY}),
    "sla-settings": frozenset({ADMIN, MANAGER}),
    "survey": frozenset({ADMIN, STAFF}),
    "new": frozenset({ADMIN, STAFF}),
    "categories": frozenset({ADMIN, MANAGER, QUALITY}),
    "review": frozenset({ADMIN, QUALITY}),
    "classifier": frozenset({ADMIN, QUALITY}),
    "import": frozenset({ADMIN, STAFF}),
    "record": frozenset(ROLES),
    "users": frozenset({ADMIN}),
    "audit": frozenset({ADMIN}),
    "mail-templates": frozenset({ADMIN}),
}

# Rights beyond opening a page.
CONTACT = "contact"  # sees customers' names, phones, emails, addresses and the texts as typed
REVEAL = "reveal"  # may reveal one masked record, stating a reason (logged)
LABEL = "label"  # gives records a human category
HANDLE = "handle"  # acknowledges, promises, assigns, resolves and answers feedback
SURVEY = "survey"  # enters and corrects customers' satisfaction survey responses
TRAIN = "train"  # trains and activates classifier models
DOWNLOAD = "download"  # downloads records (under the same masking as the screen)
MANAGE_USERS = "users"
READ_AUDIT = "audit"

RIGHTS: dict[str, frozenset[str]] = {
    CONTACT: frozenset({ADMIN, STAFF}),
    REVEAL: frozenset({ADMIN, MANAGER}),
    LABEL: frozenset({ADMIN, QUALITY}),
    HANDLE: frozenset({ADMIN, MANAGER, STAFF}),
    SURVEY: frozenset({ADMIN, STAFF}),
    TRAIN: frozenset({ADMIN, QUALITY}),
    DOWNLOAD: frozenset(ROLES),
    MANAGE_USERS: frozenset({ADMIN}),
    READ_AUDIT: frozenset({ADMIN}),
}


@dataclass(frozen=True)
class Viewer:
    """The signed-in person a page is shown to."""

    user_id: int
    email: str
    name: str
    role: str
    method: str = "password"  # or "sso"

    @property
    def actor(self) -> str:
        """Return how the audit log names this person."""
        return self.email


def may_open(role: str | None, url_path: str) -> bool:
    """Return True when `role` may open the page at `url_path` (an unknown page: no one)."""
    return role is not None and role in PAGE_ROLES.get(url_path, frozenset())


def can(role: str | None, right: str) -> bool:
    """Return True when `role` holds `right` (an unknown right: no one)."""
    return role is not None and role in RIGHTS.get(right, frozenset())
