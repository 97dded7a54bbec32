"""Registry export API (SPEC §2.5): the read-only, public JSON API under /api/v1 that national registers and
DEQAR take published results from. It reads only published data; nothing imports this package."""
