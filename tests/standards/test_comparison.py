"""Word-level comparison of two versions."""
from qa_portal.extensions import db
from qa_portal.standards import services
from qa_portal.standards.services.comparison import compare_versions, word_diff
from qa_portal.standards.models import VersionStatus
from tests.standards.factories import make_version


def test_word_diff_marks_removed_and_added_words():
    """Changed words are wrapped in <del> and <ins>; unchanged words stay plain."""
    html = str(word_diff("workload in ECTS are stated", "workload in ECTS, or in hours, are stated"))
    assert html == "workload in ECTS<ins>, or in hours,</ins> are stated"


def test_word_diff_escapes_html():
    """Text from the database is escaped, even inside the markers."""
    html = str(word_diff("<b>old</b> & same", "<script>x</script> & same"))
    assert "<script>" not in html and "<b>" not in html
    assert "<ins>script</ins>" in html and "<del>old</del>" in html and "&amp; same" in html


def test_word_diff_of_equal_texts_has_no_markers():
    """Identical texts produce no <ins> or <del>."""
    assert "<ins>" not in str(word_diff("same text", "same text"))


def test_compare_versions_lists_added_removed_and_changed(app):
    """Standards and criteria are matched by code: added, removed and changed ones are reported."""
    first = make_version(VersionStatus.APPROVED, standards=3, criteria=2)
    first.decision_rule = "Positive when all are met."
    db.session.commit()
    second = services.start_new_version(None, first.standard_set)
    by_code = {s.code: s for s in second.standards}
    services.update_standard(None, by_code["S1"], "S1", "Standard 1 title", "A new statement of standard 1.",
                              "", ["1.1"], [1])
    services.delete_criterion(None, by_code["S2"].criteria[1])
    services.delete_standard(None, by_code["S3"])
    services.add_standard(None, second, "S4", "Fourth", "Statement four.")
    services.update_version_details(None, second, "Positive when most are met.", "")
    db.session.commit()
    comparison = compare_versions(first, second)
    statuses = {item.code: item.status for item in comparison.standards}
    assert statuses == {"S1": "changed", "S2": "unchanged", "S3": "removed", "S4": "added"}
    s1 = next(item for item in comparison.standards if item.code == "S1")
    assert [change.name for change in s1.changes] == ["Statement"]
    assert str(s1.changes[0].html) == "<del>Statement</del><ins>A new statement</ins> of standard 1."
    s2 = next(item for item in comparison.standards if item.code == "S2")
    assert [(child.code, child.status) for child in s2.children] == [("C2.1", "unchanged"), ("C2.2", "removed")]
    assert s2.has_changes
    assert comparison.count("removed") == 4  # S3, its two criteria, and C2.2
    assert "<del>all</del><ins>most</ins>" in str(comparison.decision_rule)
