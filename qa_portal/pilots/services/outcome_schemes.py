"""The outcome schemes QA Portal ships, as data, and their idempotent loader (demo and CLI)."""
from sqlalchemy import select

from qa_portal.audit.services import record
from qa_portal.extensions import db
from qa_portal.pilots.models import DeqarDecision, Outcome, OutcomeKind, OutcomeScheme

# code, label_en, label_hy, kind, max_validity_years, conditions_required, max_condition_window_months, DEQAR value
SHIPPED_SCHEMES = [
    {
        "code": "pilot",
        "name_en": "Pilot",
        "name_hy": "Փորձնական",
        "description": "The Micro-GEAR pilot default: positive, positive with conditions, or negative.",
        "outcomes": [
            ("positive", "Positive", "Դրական", OutcomeKind.POSITIVE, 5, False, None, DeqarDecision.POSITIVE),
            ("positive_with_conditions", "Positive with conditions", "Դրական՝ պայմաններով",
             OutcomeKind.CONDITIONAL, 5, True, 12, DeqarDecision.POSITIVE_WITH_CONDITIONS),
            ("negative", "Negative", "Բացասական", OutcomeKind.NEGATIVE, None, False, None, DeqarDecision.NEGATIVE),
        ],
    },
    {
        "code": "anqa-2025",
        "name_en": "ANQA 2025",
        "name_hy": "ՈԱԱԿ 2025",
        "description": "The ANQA 2025 accreditation regime: 6 years, 4 years, 4 years with conditions, or rejected.",
        "outcomes": [
            ("accredited_6_years", "Accredited for 6 years", "Հավատարմագրված 6 տարով",
             OutcomeKind.POSITIVE, 6, False, None, DeqarDecision.POSITIVE),
            ("accredited_4_years", "Accredited for 4 years", "Հավատարմագրված 4 տարով",
             OutcomeKind.POSITIVE, 4, False, None, DeqarDecision.POSITIVE),
            ("accredited_4_years_conditions", "Accredited for 4 years with conditions (due within 2 years)",
             "Հավատարմագրված 4 տարով՝ պայմաններով (կատարման ժամկետը՝ 2 տարի)",
             OutcomeKind.CONDITIONAL, 4, True, 24, DeqarDecision.POSITIVE_WITH_CONDITIONS),
            ("rejected", "Accreditation rejected", "Հավատարմագրումը մերժված է",
             OutcomeKind.NEGATIVE, None, False, None, DeqarDecision.NEGATIVE),
        ],
    },
]


def load_outcome_schemes(actor=None) -> bool:
    """Create the shipped schemes and any of their outcomes that are missing; never alters existing rows."""
    created = False
    for data in SHIPPED_SCHEMES:
        changed = False
        scheme = db.session.scalar(select(OutcomeScheme).where(OutcomeScheme.code == data["code"]))
        if scheme is None:
            scheme = OutcomeScheme(code=data["code"], name_en=data["name_en"], name_hy=data["name_hy"],
                                   description=data["description"])
            db.session.add(scheme)
            changed = True
        existing = {outcome.code for outcome in scheme.outcomes}
        for position, (code, label_en, label_hy, kind, years, conditions, window, deqar) in enumerate(data["outcomes"]):
            if code in existing:
                continue
            scheme.outcomes.append(Outcome(
                position=position, code=code, label_en=label_en, label_hy=label_hy, kind=kind,
                max_validity_years=years, conditions_required=conditions, max_condition_window_months=window,
                deqar_decision=deqar,
            ))
            changed = True
        db.session.flush()
        if changed:
            created = True
            record(actor, "outcome_scheme.load", scheme, f"Loaded outcome scheme {scheme.code}",
                   {"outcomes": [outcome.code for outcome in scheme.outcomes]})
    return created
