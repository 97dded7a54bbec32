"""Compare two versions of a set: standards and criteria added, removed and changed, text diffed word by word."""
import difflib
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from qa_portal.standards.models import StandardVersion

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")  # words, spaces and single punctuation marks


def word_diff(old: str, new: str) -> Markup:
    """HTML of the new text with removed words in <del> and added words in <ins>; all text is escaped."""
    old_tokens, new_tokens = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    parts = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])
        if tag == "equal":
            parts.append(escape(added))
            continue
        if removed:
            parts.append(Markup("<del>{}</del>").format(removed))
        if added:
            parts.append(Markup("<ins>{}</ins>").format(added))
    return Markup("").join(parts)


@dataclass
class FieldChange:
    name: str
    html: Markup


@dataclass
class ItemDiff:
    """One standard, criterion or scale level: added, removed, changed or unchanged, with its changed fields."""

    code: str
    status: str
    title: str
    changes: list[FieldChange] = field(default_factory=list)
    children: list["ItemDiff"] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return self.status != "unchanged" or any(child.status != "unchanged" for child in self.children)


@dataclass
class VersionComparison:
    old: StandardVersion
    new: StandardVersion
    standards: list[ItemDiff]
    levels: list[ItemDiff]
    decision_rule: Markup | None

    def count(self, status: str) -> int:
        """How many standards and criteria have this status (added, removed, changed)."""
        items = [*self.standards, *(child for item in self.standards for child in item.children)]
        return sum(1 for item in items if item.status == status)


def _field_changes(old, new, fields: list[tuple[str, str]]) -> list[FieldChange]:
    changes = []
    for attribute, name in fields:
        before, after = getattr(old, attribute), getattr(new, attribute)
        if isinstance(before, list):
            before, after = ", ".join(map(str, before)), ", ".join(map(str, after))
        if isinstance(before, bool):
            before, after = str(before), str(after)
        if before != after:
            changes.append(FieldChange(name, word_diff(before, after)))
    return changes


def _diff_criteria(old_standard, new_standard) -> list[ItemDiff]:
    return _diff_items(old_standard.criteria if old_standard else [], new_standard.criteria if new_standard else [],
                       CRITERION_FIELDS, "text")


def _diff_items(old_items, new_items, fields, title_attr, with_criteria: bool = False) -> list[ItemDiff]:
    """Match items by code; keep the new version's order, then list removed items."""
    old_by_code = {item.code: item for item in old_items}
    new_codes = {item.code for item in new_items}
    result = []
    for item in new_items:
        previous = old_by_code.get(item.code)
        if previous is None:
            diff = ItemDiff(item.code, "added", getattr(item, title_attr))
            if with_criteria:
                diff.children = _diff_criteria(None, item)
        else:
            diff = ItemDiff(item.code, "unchanged", getattr(item, title_attr),
                            _field_changes(previous, item, fields))
            if diff.changes:
                diff.status = "changed"
            if with_criteria:
                diff.children = _diff_criteria(previous, item)
        result.append(diff)
    for item in old_items:
        if item.code not in new_codes:
            diff = ItemDiff(item.code, "removed", getattr(item, title_attr))
            if with_criteria:
                diff.children = _diff_criteria(item, None)
            result.append(diff)
    return result


STANDARD_FIELDS = [("title", _l("Title")), ("statement", _l("Statement")), ("guidelines", _l("Guidelines")),
                   ("esg_refs", _l("ESG Part 1")), ("principle_refs", _l("Principles"))]
CRITERION_FIELDS = [("text", _l("Text")), ("expected_evidence", _l("Expected evidence")),
                    ("mandatory", _l("Mandatory"))]
LEVEL_FIELDS = [("label", _l("Label")), ("description", _l("Description")),
                ("not_applicable", _l("Not applicable"))]


def compare_versions(old: StandardVersion, new: StandardVersion) -> VersionComparison:
    """What changed from `old` to `new`: standards (with their criteria), scale levels and the decision rule."""
    standards = _diff_items(old.standards, new.standards, STANDARD_FIELDS, "title", with_criteria=True)
    levels = _diff_items(old.levels, new.levels, LEVEL_FIELDS, "label")
    rule = word_diff(old.decision_rule, new.decision_rule) if old.decision_rule != new.decision_rule else None
    return VersionComparison(old, new, standards, levels, rule)
