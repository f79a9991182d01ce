"""Registrations of the proposals area in the apps below.

Imported by ``ParticipationConfig.ready``: kinds of event, the search type, the ``/propuestas``
bot command, the sections of a person's data export, and the organization-merge hook.
"""

from minka.participation.proposals import bot, hooks, notifications, portability, search_index

notifications.register()
search_index.register()
bot.register()
portability.register()
hooks.register()
