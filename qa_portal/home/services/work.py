"""What waits on a user, section by section, according to their roles."""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from qa_portal.auth.models import Role


@dataclass
class WorkItem:
    title: str
    url: str
    detail: str = ""
    due: str = ""
    overdue: bool = False


@dataclass
class WorkSection:
    key: str
    title: str
    empty_text: str
    items: list[WorkItem] = field(default_factory=list)


# Each role's sections, in the order the page shows them. Later stages fill `items`
# through the providers registered below; until then the empty text says what will appear.
ROLE_SECTIONS: dict[Role, list[tuple[str, str, str]]] = {
    Role.ADMIN: [
        ("accounts", _l("Accounts"), _l("Accounts waiting for their first password will appear here.")),
    ],
    Role.OFFICER: [
        ("standards", _l("Standards"), _l("Standard-set versions in draft or consultation will appear here.")),
        ("calls", _l("Pilot calls"), _l("Open calls and applications awaiting selection will appear here.")),
        ("cases", _l("My cases"), _l("Review cases you coordinate, with their deadlines, will appear here.")),
        ("follow_up", _l("Follow-up of conditions"),
         _l("Conditions reported by institutions, or overdue, will appear here.")),
    ],
    Role.COUNCIL: [
        ("decisions", _l("Decisions to take"), _l("Cases with a final panel report awaiting the council will appear here.")),
    ],
    Role.HEI: [
        ("specifications", _l("Our micro-credentials"),
         _l("Specifications that still miss mandatory elements will appear here.")),
        ("applications", _l("Applications"), _l("Your institution's applications to pilot calls will appear here.")),
        ("cases", _l("Our review cases"), _l("Your institution's review cases and their deadlines will appear here.")),
        ("follow_up", _l("Conditions to report on"),
         _l("Conditions of your decisions still to report on, with their due dates, will appear here.")),
    ],
    Role.EXPERT: [
        ("panels", _l("My panels"), _l("Cases whose panel you sit on, and what they need from you, will appear here.")),
    ],
    Role.APPEALS: [
        ("appeals", _l("Appeals"), _l("Admissible appeals awaiting the appeals body will appear here.")),
    ],
}

# A section shows at most this many items (read with LIMIT in SQL, one row more to know whether there are more); a
# last item then links to the full list, which counts them (counting here would read every matching row).
MAX_ITEMS = 20


def more_item(url: str) -> WorkItem:
    """The last item of a section cut at MAX_ITEMS, linked to the list that has them all."""
    return WorkItem(title=str(_l("See them all")), url=url)


# (role, section key) -> function(user) -> list[WorkItem]; one provider module per domain in home.services.
PROVIDERS: dict[tuple[Role, str], object] = {}


def work_sections(user) -> list[tuple[Role, list[WorkSection]]]:
    """The user's "My work" sections grouped by role, each filled by its provider if one exists."""
    grouped = []
    for role in Role:
        if not user.has_role(role):
            continue
        sections = []
        for key, title, empty_text in ROLE_SECTIONS[role]:
            provider = PROVIDERS.get((role, key))
            items = provider(user) if provider else []
            sections.append(WorkSection(key, str(title), str(empty_text), items))
        grouped.append((role, sections))
    return grouped
