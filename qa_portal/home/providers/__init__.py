"""Fill "My work" sections from the domains: one module per domain, each registering its providers.

home sits downstream of every domain, so it may import them; no domain imports home."""
from qa_portal.home.providers import accounts  # noqa: F401
from qa_portal.home.providers import standards  # noqa: F401,E402
from qa_portal.home.providers import pilots  # noqa: F401,E402
from qa_portal.home.providers import calls  # noqa: F401,E402
from qa_portal.home.providers import reviews  # noqa: F401,E402
from qa_portal.home.providers import panels  # noqa: F401,E402
from qa_portal.home.providers import decisions  # noqa: F401,E402
from qa_portal.home.providers import appeals  # noqa: F401,E402
from qa_portal.home.providers import follow_up  # noqa: F401,E402
