"""Outcome schemes ship as data: the Pilot and ANQA 2025 schemes, loaded idempotently."""
from sqlalchemy import func, select

from qa_portal.extensions import db
from qa_portal.pilots.models import DeqarDecision, Outcome, OutcomeKind, OutcomeScheme
from qa_portal.pilots.services.outcome_schemes import load_outcome_schemes


def _scheme(code: str) -> OutcomeScheme:
    return db.session.scalar(select(OutcomeScheme).where(OutcomeScheme.code == code))


def test_outcome_schemes_loader_creates_pilot_and_anqa_schemes(app):
    """The loader ships "Pilot" (3 outcomes) and "ANQA 2025" (4 outcomes) with DEQAR values."""
    assert load_outcome_schemes() is True
    pilot = _scheme("pilot")
    assert [(o.code, o.kind, o.deqar_decision) for o in pilot.outcomes] == [
        ("positive", OutcomeKind.POSITIVE, DeqarDecision.POSITIVE),
        ("positive_with_conditions", OutcomeKind.CONDITIONAL, DeqarDecision.POSITIVE_WITH_CONDITIONS),
        ("negative", OutcomeKind.NEGATIVE, DeqarDecision.NEGATIVE),
    ]
    anqa = _scheme("anqa-2025")
    assert [(o.max_validity_years, o.conditions_required, o.max_condition_window_months) for o in anqa.outcomes] == [
        (6, False, None), (4, False, None), (4, True, 24), (None, False, None),
    ]
    assert anqa.outcomes[2].deqar_decision.value == "positive with conditions or restrictions"
    assert all(o.label_hy for o in anqa.outcomes)


def test_outcome_schemes_loader_is_idempotent(app):
    """Loading twice creates nothing the second time."""
    load_outcome_schemes()
    db.session.commit()
    assert load_outcome_schemes() is False
    assert db.session.scalar(select(func.count(Outcome.id))) == 7


def test_outcome_negative_with_validity_is_refused_by_the_database(app):
    """The database refuses a negative outcome with a validity period."""
    import pytest
    from sqlalchemy.exc import IntegrityError

    scheme = OutcomeScheme(code="custom", name_en="Custom")
    scheme.outcomes.append(Outcome(code="no", label_en="No", label_hy="Ոչ", kind=OutcomeKind.NEGATIVE,
                                   max_validity_years=3, deqar_decision=DeqarDecision.NEGATIVE))
    db.session.add(scheme)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_outcome_schemes_cli_command_loads_them(app):
    """`flask pilots load-outcome-schemes` loads the schemes and says so."""
    runner = app.test_cli_runner()
    result = runner.invoke(args=["pilots", "load-outcome-schemes"])
    assert result.exit_code == 0, result.output
    assert "loaded" in result.output.lower()
    again = runner.invoke(args=["pilots", "load-outcome-schemes"])
    assert "already" in again.output.lower()
