"""The models of every participation mechanism, defined in its sub-package and imported here
so that Django finds them in this app (label ``participation``)."""

from minka.participation.applications.models import *  # noqa: F403
from minka.participation.consultations.models import *  # noqa: F403
from minka.participation.polls.models import *  # noqa: F403
from minka.participation.proposals.models import *  # noqa: F403
