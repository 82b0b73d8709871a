"""Settings for the fault scripts: production settings, unchanged except for
what a throwaway run on one machine needs (each override is named here and
in docs/faults.md).

- STATIC_ROOT: the run's own temporary folder (collectstatic writes there), so
  the scripts never touch the checkout's staticfiles/.
- EMAIL_BACKEND: FAULTS_EMAIL_BACKEND, to slow sending down (faults.slow_email).
- Broker visibility timeout: FAULTS_VISIBILITY_TIMEOUT seconds instead of 15
  minutes, so a message held by a worker killed with SIGKILL comes back within
  the run (with production's value it comes back after 15 minutes).
"""

from portal.settings_production import *  # noqa: F403
from portal.settings_production import CELERY_BROKER_TRANSPORT_OPTIONS, EMAIL_BACKEND, env

STATIC_ROOT = env.path("FAULTS_STATIC_ROOT")
EMAIL_BACKEND = env.str("FAULTS_EMAIL_BACKEND", default=EMAIL_BACKEND)

_visibility = env.int("FAULTS_VISIBILITY_TIMEOUT", default=0)
if _visibility:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "visibility_timeout": _visibility,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
