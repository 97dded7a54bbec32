"""reviews at app start: its stage services register their rules on the case workflow (importing them does it), and
it listens to upstream domains — a completed pilot selection opens one case per selected application."""
from qa_portal.pilots.signals import selection_completed
from qa_portal.reviews import services  # noqa: F401  (each stage registers its guards and effects on import)
from qa_portal.reviews.services.cases import open_case_for_application


@selection_completed.connect
def open_cases_for_selected_applications(call, actor=None, applications=(), **_extra):
    """Open a review case for every application the completed selection selected."""
    for application in applications:
        open_case_for_application(actor, application)
