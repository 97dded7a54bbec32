"""Home services: "My work" — its sections and registry of providers (work.py) and one module per domain, each
registering the providers that fill its sections.

home sits downstream of every domain, so it may import them; no domain imports home."""
from qa_portal.home.services import accounts  # noqa: F401
from qa_portal.home.services import standards  # noqa: F401,E402
from qa_portal.home.services import pilots  # noqa: F401,E402
from qa_portal.home.services import calls  # noqa: F401,E402
from qa_portal.home.services import reviews  # noqa: F401,E402
from qa_portal.home.services import panels  # noqa: F401,E402
from qa_portal.home.services import decisions  # noqa: F401,E402
from qa_portal.home.services import appeals  # noqa: F401,E402
from qa_portal.home.services import follow_up  # noqa: F401,E402
