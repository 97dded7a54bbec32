"""The council's decision page leads with the panel's recommendation and the decision-rule check; the full panel
report follows below, collapsible."""
from tests.decisions.factories import council_member, pending_case
from tests.factories import login


def test_the_council_page_leads_with_the_recommendation_and_folds_the_full_report(app, client):
    case = pending_case()
    login(client, council_member(case))
    page = client.get(f"/cases/{case.id}/decision").get_data(as_text=True)
    recommendation = page.index('id="recommendation"')
    assert recommendation < page.index("decision-form") < page.index('id="full-report"')
    lead = page[recommendation:page.index("decision-form")]
    assert "Positive" in lead and "The decision rule on the panel’s consensus" in lead
    assert "every mandatory criterion is fully or substantially compliant" in lead
    assert '<details class="card decision-report" id="full-report">' in page
