"""The case page speaks to its viewer (issue 16 item 6): the officer is not offered Close the case while conditions
are open without the reason, and the institution gets no dead-end "Lodge an appeal" button on the case page."""
from tests.decisions.factories import published_case
from tests.decisions.test_follow_up import in_follow_up
from tests.factories import login
from tests.reviews.factories import hei_user_for


def test_close_the_case_is_disabled_with_the_reason_while_conditions_are_open(app, client):
    case, _decision, officer = in_follow_up()
    login(client, officer)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'disabled aria-describedby="blocked-close_case"' in page
    assert "The case cannot be closed yet: 2 condition(s) of the decision are not met yet." in page
    assert f"/cases/{case.id}/actions/close_case" not in page


def test_the_case_page_has_no_dead_end_appeal_button_and_says_where_things_stand(app, client):
    case, _decision = published_case()
    login(client, hei_user_for(case))
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/cases/{case.id}/actions/lodge_appeal" not in page
    assert "Lodge an appeal</button>" not in page
    assert "The decision is published; nothing is waiting on you." in page
