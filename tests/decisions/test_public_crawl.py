"""Nothing unpublished is reachable without login (issue 7): an anonymous visitor crawls /register and /catalogue
breadth-first, following every same-site link (pages and PDFs) and every choice of their GET filter forms. Each
answer is 200 or a redirect to sign-in, never an error, and every object met — decision, specification version,
case, institution, call — belongs to published data. Unpublished objects answer 404 (or sign-in) at their own
addresses and are never linked."""
import io
import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

from pypdf import PdfReader
from sqlalchemy import select

from qa_portal.decisions.services.council import record_decision
from qa_portal.extensions import db
from qa_portal.pilots.models import Call, CallStatus, SpecificationVersion
from qa_portal.pilots.services.specifications import update_specification
from qa_portal.reviews.models import CaseSpecification
from tests.decisions.appeal_factories import STATEMENT, lodged
from tests.decisions.factories import council_member, pending_case, published_case, valid_input
from tests.factories import make_institution
from tests.pilots.calls_factories import make_application, make_call
from tests.pilots.factories import complete_data, make_specification
from tests.reviews.factories import make_case

MAX_PAGES = 400
CASE_REFERENCE = re.compile(r"MC-TEST-\d+")


@dataclass
class World:
    """What the crawl may meet (published) and what it must never meet (unpublished)."""

    published_decision_ids: set = field(default_factory=set)
    published_references: set = field(default_factory=set)
    public_versions: set = field(default_factory=set)          # (micro_credential_id, number)
    public_institution_ids: set = field(default_factory=set)
    public_call_ids: set = field(default_factory=set)
    secrets: list = field(default_factory=list)                 # text of unpublished objects
    hidden_urls: list = field(default_factory=list)             # their own addresses


def _link(case, version) -> None:
    db.session.add(CaseSpecification(case_id=case.id, specification_version_id=version.id))
    db.session.commit()


def build_world() -> World:
    """Data in every state: published decisions (positive covering a published specification with a newer draft
    version, conditional from a call, negative under appeal); a decided but unpublished decision from a draft call
    reviewing a frozen draft specification; a case pending decision; a case in SER preparation; a draft-only
    specification; a published specification outside any case."""
    world = World()
    positive, positive_decision = published_case(institution=make_institution(name_en="Ararat Published University"))
    covered = make_specification(positive.institution, published=True, title_en="Open data for officials")
    _link(positive, covered)
    update_specification(None, covered.micro_credential, complete_data(title_en="Unreleased second version"))
    db.session.commit()
    conditional, conditional_decision = published_case("positive_with_conditions")
    open_call = make_call(title="Open pilot call with a decision", version=conditional.standard_version)
    conditional.application_id = make_application(open_call, conditional.institution, []).id
    appeal = lodged("negative")
    standalone = make_specification(make_institution(name_en="Catalogue Only College"), published=True,
                                    title_en="Published standalone course")

    undecided = pending_case(institution=make_institution(name_en="Hidden Decided University"))
    unpublished = record_decision(council_member(undecided), undecided,
                                  valid_input(undecided, reasons="Reasons not yet published."))
    draft_call = make_call(CallStatus.DRAFT, title="Call still in draft", version=undecided.standard_version)
    undecided.application_id = make_application(draft_call, undecided.institution, []).id
    under_review = make_specification(undecided.institution, frozen=True, title_en="Course under review (draft)")
    _link(undecided, under_review)
    pending = pending_case(institution=make_institution(name_en="Pending Review University"))
    early = make_case(institution=make_institution(name_en="Early Stage University"))
    draft_only = make_specification(make_institution(name_en="Draft Only Institute"), title_en="Draft only course")
    db.session.commit()

    for case, decision in ((positive, positive_decision), (conditional, conditional_decision),
                           (appeal.case, appeal.decision)):
        world.published_decision_ids.add(decision.id)
        world.published_references.add(case.reference)
        world.public_institution_ids.add(case.institution_id)
    world.public_institution_ids.add(standalone.micro_credential.institution_id)
    world.public_versions = {(version.micro_credential_id, version.number) for version in
                             db.session.scalars(select(SpecificationVersion)) if version.is_public}
    world.public_call_ids = set(db.session.scalars(select(Call.id).where(Call.status != CallStatus.DRAFT)))
    world.secrets = ["Hidden Decided University", "Pending Review University", "Early Stage University",
                     "Draft Only Institute", "Reasons not yet published.", "Call still in draft",
                     "Course under review (draft)", "Draft only course", "Unreleased second version", STATEMENT,
                     undecided.reference, pending.reference, early.reference]
    world.hidden_urls = [
        f"/register/{unpublished.id}", f"/register/{unpublished.id}/letter.pdf",
        f"/register/{unpublished.id}/report.pdf",
        f"/catalogue/{draft_only.micro_credential_id}", f"/catalogue/{draft_only.micro_credential_id}/v1",
        f"/catalogue/{under_review.micro_credential_id}/v1", f"/catalogue/{covered.micro_credential_id}/v2",
        f"/open-calls/{draft_call.id}",
        f"/cases/{undecided.id}", f"/cases/{undecided.id}/decision", f"/cases/{undecided.id}/report.pdf",
        f"/cases/{pending.id}", f"/appeals/{appeal.id}", f"/institutions/{undecided.institution_id}",
    ]
    return world


class _Page(HTMLParser):
    """The links of a page and the choices of its GET forms (one URL per option of each select)."""

    def __init__(self, url: str):
        super().__init__()
        self.url, self.links, self.choices, self.options = url, [], [], {}
        self._form, self._select = None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(urljoin(self.url, attrs["href"]))
        elif tag == "form" and (attrs.get("method") or "get").lower() == "get":
            self._form = urljoin(self.url, attrs.get("action") or urlsplit(self.url).path)
        elif tag == "select" and self._form:
            self._select = attrs.get("name")
        elif tag == "option" and self._form and self._select and attrs.get("value"):
            self.options.setdefault(self._select, set()).add(attrs["value"])
            self.choices.append(f"{self._form}?{urlencode({self._select: attrs['value']})}")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _same_site(url: str) -> str | None:
    """The path and query of an address on this site (not static files), or None."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost") or parts.path.startswith("/static/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _is_login_redirect(response) -> bool:
    return response.status_code in (301, 302, 303) and urlsplit(response.headers["Location"]).path == "/login"


def _pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def crawl(client, starts) -> tuple[dict, set, dict]:
    """Breadth-first over same-site links and filter choices: {url: text of the answer}, every URL linked, and the
    option values offered per select name."""
    texts, linked, options = {}, set(), {}
    queue, seen = deque(starts), set(starts)
    while queue:
        url = queue.popleft()
        assert len(texts) < MAX_PAGES, "the crawl did not finish within its bound"
        response = client.get(url)
        if response.status_code in (301, 302, 303):
            if _is_login_redirect(response):
                texts[url] = ""
                continue
            targets = [urljoin(url, response.headers["Location"])]
        else:
            assert response.status_code == 200, f"{url} answered {response.status_code}"
            if response.mimetype == "application/pdf":
                texts[url] = _pdf_text(response.data)
                continue
            texts[url] = response.get_data(as_text=True)
            page = _Page(url)
            page.feed(texts[url])
            linked.update(filter(None, map(_same_site, page.links)))
            for name, values in page.options.items():
                options.setdefault(name, set()).update(values)
            targets = page.links + page.choices
        for target in filter(None, map(_same_site, targets)):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return texts, linked, options


def test_anonymous_crawl_of_register_and_catalogue_reaches_only_published_objects(app, client):
    """Every page reached from /register and /catalogue answers 200 or sends to sign-in; every decision,
    specification version, case reference, institution and call it shows is published; nothing unpublished is
    named or linked."""
    world = build_world()
    texts, linked, options = crawl(client, ["/register", "/catalogue"])

    decision_ids = {int(match) for url in linked for match in re.findall(r"^/register/(\d+)", url)}
    assert decision_ids == world.published_decision_ids
    versions = {(int(c), int(n)) for url in linked for c, n in re.findall(r"^/catalogue/(\d+)/v(\d+)", url)}
    assert versions and versions <= world.public_versions
    credentials = {int(c) for url in linked for c in re.findall(r"^/catalogue/(\d+)(?:/|$|\?)", url)}
    assert credentials <= {credential for credential, _number in world.public_versions}
    calls = {int(c) for url in linked for c in re.findall(r"^/open-calls/(\d+)", url)}
    assert calls <= world.public_call_ids
    assert {int(value) for value in options.get("institution", ())} <= world.public_institution_ids
    assert {int(value) for value in options.get("call", ())} <= world.public_call_ids

    everything = "\n".join(texts.values())
    assert set(CASE_REFERENCE.findall(everything)) == world.published_references
    for secret in world.secrets:
        assert secret not in everything, secret
    for url in world.hidden_urls:
        assert url not in linked, url
    for decision_id in world.published_decision_ids:
        for suffix in ("", "/letter.pdf", "/report.pdf"):
            assert f"/register/{decision_id}{suffix}" in texts, f"the crawl missed /register/{decision_id}{suffix}"


def test_unpublished_objects_answer_404_or_sign_in_at_their_own_addresses(app, client):
    """The unpublished decision (page, letter, report), draft specification versions, the draft call and the
    internal pages of unpublished cases answer an anonymous visitor 404 or a redirect to sign-in, never 200."""
    world = build_world()
    for url in world.hidden_urls:
        response = client.get(url)
        assert response.status_code == 404 or _is_login_redirect(response), f"{url} answered {response.status_code}"
