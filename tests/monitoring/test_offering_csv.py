"""Offerings by CSV: the template downloads, a good file imports every row, a file with row errors saves nothing
and names each row and column, and a file in another layout is refused as a whole."""
import io

from qa_portal.auth.models import Role
from qa_portal.extensions import db
from qa_portal.monitoring.models import Offering
from qa_portal.monitoring.services import offering_csv
from qa_portal.monitoring.services.offering_csv import TEMPLATE_COLUMNS
from tests.factories import login, make_institution, make_user
from tests.monitoring.factories import csv_row, offerings_csv, published_credential


def upload(client, content: bytes, name: str = "offerings.csv"):
    return client.post("/monitoring/offerings/upload", data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def hei_of(version):
    return make_user(Role.HEI, institution=version.micro_credential.institution)


def test_template_download_is_the_header_row(client):
    """The template is a CSV whose only row is the import's columns."""
    login(client, make_user(Role.OFFICER))
    response = client.get("/monitoring/offerings/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.get_data(as_text=True).strip() == ",".join(TEMPLATE_COLUMNS)


def test_good_file_imports_every_row(client):
    """Every row of a valid file becomes an offering of the micro-credential's published version."""
    version = published_credential()
    login(client, hei_of(version))
    content = offerings_csv([csv_row(version.micro_credential_id),
                             csv_row(version.micro_credential_id, enrolled=10, completed=10, age_under_25=0,
                                     age_25_34=3, gender_female=1, prior_bachelor=2, employed_at_enrolment=6,
                                     satisfaction_mean="4.5",
                                     satisfaction_respondents=8, employed_after=9)])
    response = upload(client, content)
    assert response.status_code == 302
    offerings = db.session.query(Offering).order_by(Offering.id).all()
    assert [(o.enrolled, o.completed, o.employed_after) for o in offerings] == [(20, 16, None), (10, 10, 9)]
    assert all(o.specification_version_id == version.id for o in offerings)


def test_file_with_row_errors_saves_nothing_and_names_each_row(client):
    """A file with bad rows is refused whole; each problem is listed with its row number and column."""
    version = published_credential()
    login(client, hei_of(version))
    content = offerings_csv([csv_row(version.micro_credential_id),
                             csv_row(version.micro_credential_id, completed=30),
                             csv_row(version.micro_credential_id, enrolled="twenty"),
                             csv_row(version.micro_credential_id, mode="by post")])
    response = upload(client, content)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was saved: 3 problems in the file." in page
    assert "<td>3</td><td><code>completed</code></td><td>Completed (30) cannot exceed enrolled (20).</td>" in page
    assert "<td>4</td><td><code>enrolled</code></td><td>not a whole number</td>" in page
    assert "<td>5</td><td><code>mode</code></td>" in page
    assert db.session.query(Offering).count() == 0


def test_wrong_template_is_refused_with_the_columns_that_differ(client):
    """A file with other columns is refused before any row is read, naming missing and unknown columns."""
    version = published_credential()
    login(client, hei_of(version))
    header = [column for column in TEMPLATE_COLUMNS if column != "completed"] + ["learner_name"]
    response = upload(client, offerings_csv([csv_row(version.micro_credential_id)[:-1]], header=header))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "does not follow the offerings template" in page and "completed" in page and "learner_name" in page
    assert db.session.query(Offering).count() == 0


def test_institution_cannot_import_another_institutions_micro_credential(client):
    """A row naming another institution's micro-credential is a row error."""
    foreign = published_credential()
    login(client, make_user(Role.HEI, institution=make_institution()))
    response = upload(client, offerings_csv([csv_row(foreign.micro_credential_id)]))
    assert response.status_code == 400 and "of your institution" in response.get_data(as_text=True)


def test_oversized_empty_and_non_utf8_files_are_refused(client, monkeypatch):
    """The read is bounded; an empty or non-UTF-8 file gets a clear message, never a 500."""
    monkeypatch.setattr(offering_csv, "MAX_BYTES", 2048)
    login(client, hei_of(published_credential()))
    assert "larger than 2 KB" in upload(client, b"a" * 3000).get_data(as_text=True)
    response = upload(client, b" ")
    assert response.status_code == 400 and "The file is empty." in response.get_data(as_text=True)
    response = upload(client, ",".join(TEMPLATE_COLUMNS).encode("utf-16"))
    assert response.status_code == 400 and "UTF-8" in response.get_data(as_text=True)


def test_formula_cells_in_a_file_are_data_not_formulas(client):
    """A cell like =HYPERLINK(...) is just a bad number: refused as a row error, never evaluated."""
    version = published_credential()
    login(client, hei_of(version))
    response = upload(client, offerings_csv([csv_row(version.micro_credential_id, enrolled='=HYPERLINK("x")')]))
    assert response.status_code == 400 and "not a whole number" in response.get_data(as_text=True)
