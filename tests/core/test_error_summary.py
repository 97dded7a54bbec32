"""An error summary at the top of every form (the GOV.UK pattern): every problem listed, each linked to its field."""
from wtforms import StringField
from wtforms.validators import DataRequired

from flask import render_template_string

from qa_portal.core.forms import FlaskForm


class _TitleForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Enter a title.")])
    code = StringField("Code", validators=[DataRequired("Enter a code.")])


def test_the_summary_lists_each_field_error_linked_to_the_field(app):
    with app.test_request_context(method="POST", data={"title": "", "code": ""}):
        form = _TitleForm(meta={"csrf": False})
        assert not form.validate()
        form.form_errors.append("The version changed meanwhile.")
        html = render_template_string('{% from "_forms.html" import form_errors %}{{ form_errors(form) }}', form=form)
    assert 'role="alert"' in html and "data-error-summary" in html and "There is a problem" in html
    assert '<a href="#title">Title: Enter a title.</a>' in html and '<a href="#code">Code: Enter a code.</a>' in html
    assert "The version changed meanwhile." in html


def test_no_summary_without_problems(app):
    with app.test_request_context():
        form = _TitleForm(meta={"csrf": False})
        html = render_template_string('{% from "_forms.html" import form_errors %}{{ form_errors(form) }}', form=form)
    assert html.strip() == ""


def test_a_failed_specification_save_starts_with_the_summary_linking_to_each_field(app, client):
    """The 4,300 px specification form: the problems are listed before the first field, each linked to a field
    that exists on the page."""
    import re

    from qa_portal.auth.models import Role
    from tests.factories import login, make_institution, make_user
    from tests.pilots.test_spec_versions import _form

    institution = make_institution()
    login(client, make_user(Role.HEI, institution=institution))
    response = client.post("/specifications/new", data=_form({"title_en": "", "ects": "six"},
                                                              institution_id=str(institution.id)))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    summary_at = page.index("data-error-summary")
    assert summary_at < page.index('id="title_en"')
    summary = page[summary_at:page.index("</div>", summary_at)]
    anchors = re.findall(r'href="#([^"]+)"', summary)
    assert {"title_en", "ects"} <= set(anchors)
    assert all(f'id="{anchor}"' in page for anchor in anchors)
    assert "Enter the title in English." in summary
