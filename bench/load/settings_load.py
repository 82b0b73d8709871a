"""portal.settings_production for the loopback load test (bench/load/run.sh).

Production settings unchanged, except that STATIC_ROOT comes from the
environment: collectstatic writes to a temporary folder, not into the
checkout. HTTPS is what a TLS proxy would give: the load script sends
X-Forwarded-Proto: https, which the production settings already trust.
"""

from portal.settings import env
from portal.settings_production import *  # noqa: F403

STATIC_ROOT = env.path("STATIC_ROOT")
