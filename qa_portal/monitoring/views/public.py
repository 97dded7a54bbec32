"""The public pilot page (/pilot): the aggregate figures of the pilot in the visitor's language."""
from flask import render_template

from qa_portal.core.access import public
from qa_portal.monitoring.services.cache import cached
from qa_portal.monitoring.services.pilot_figures import pilot_figures
from qa_portal.monitoring.views import bp


@bp.route("/pilot")
@public
def pilot():
    """Institutions, micro-credentials reviewed, outcome mix, completion rate, median review duration."""
    return render_template("monitoring/pilot.html", figures=cached("pilot", pilot_figures))
