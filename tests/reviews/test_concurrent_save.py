"""Two saves of one SER entry or of the SER texts at the same moment: the later one gets the conflict page (409) with
both texts, never a server error, and the earlier one's text is what stays saved."""
import pytest
from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session

from qa_portal.extensions import db
from qa_portal.reviews.models import SelfEvaluation, SerEntry
from tests.factories import login
from tests.reviews.factories import criteria_of, first_level, hei_user_for, make_case, make_evidence, write_entry

pytestmark = pytest.mark.committing  # a competing save commits from another connection mid-request


@pytest.fixture
def competing_save():
    """Arm a competing save committed from another connection just before the request's first flush: the moment
    between the version check and the UPDATE in which a colleague's simultaneous save lands."""
    armed = []

    def before_flush(session, _context, _instances):
        if armed:
            statement = armed.pop()
            with db.engine.begin() as connection:
                connection.execute(statement)

    event.listen(Session, "before_flush", before_flush)
    yield armed.append
    event.remove(Session, "before_flush", before_flush)


def _save_my_entry(client, case, criterion, version: str):
    """Post "My text." as the criterion's entry; assert the conflict page shows both texts and theirs stays saved."""
    response = client.post(f"/cases/{case.id}/ser/criteria/{criterion.id}",
                           data={"version": version, "narrative": "My text.", "level": str(first_level(case).id)})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Colleague&#39;s text." in page and "My text.</textarea>" in page
    assert _entry(case, criterion).narrative == "Colleague's text."


def _entry(case, criterion):
    db.session.expire_all()
    return db.session.scalar(select(SerEntry).where(SerEntry.case_id == case.id, SerEntry.criterion_id == criterion.id))


def test_ser_entry_simultaneous_save_is_a_conflict_page_with_both_texts(app, client, competing_save):
    """The colleague's save commits between our version check and our UPDATE: 409 with both texts, theirs kept."""
    case = make_case()
    criterion = criteria_of(case)[0]
    write_entry(case, criterion, narrative="Original text.")
    make_evidence(case, [criterion])
    entry = _entry(case, criterion)
    login(client, hei_user_for(case))
    competing_save(update(SerEntry).where(SerEntry.id == entry.id)
                   .values(narrative="Colleague's text.", version=entry.version + 1))
    _save_my_entry(client, case, criterion, str(entry.version))


def test_ser_entry_simultaneous_first_save_is_a_conflict_page_with_both_texts(app, client, competing_save):
    """Both write the criterion's first entry at once: the second INSERT meets the unique key — 409, not a 500."""
    case = make_case()
    criterion = criteria_of(case)[0]
    login(client, hei_user_for(case))
    competing_save(insert(SerEntry).values(case_id=case.id, criterion_id=criterion.id, narrative="Colleague's text.",
                                           justification="", version=1))
    _save_my_entry(client, case, criterion, "")


def test_ser_texts_simultaneous_save_is_a_conflict_page_with_both_texts(app, client, competing_save):
    """The same race on the SER summary texts: 409 with both summaries, the colleague's kept."""
    case = make_case()
    db.session.add(SelfEvaluation(case_id=case.id, summary="First summary."))
    db.session.commit()
    ser_id = db.session.scalar(select(SelfEvaluation.id).where(SelfEvaluation.case_id == case.id))
    login(client, hei_user_for(case))
    competing_save(update(SelfEvaluation).where(SelfEvaluation.id == ser_id)
                   .values(summary="Colleague's summary.", version=2))
    response = client.post(f"/cases/{case.id}/ser/texts", data={"version": "1", "summary": "My summary."})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Colleague&#39;s summary." in page and "My summary." in page
