"""Notifications: events, people's preferences and follows, the outbox, and the channels
(email, Telegram, webhooks) that deliver it; Atom feeds' shared base.

Apps above this one announce what happened with :func:`minka.notifications.services.notify`
in the transaction of the change; they register the kinds of event they raise and how
each message is rendered (:mod:`minka.notifications.kinds`). The outbox worker
(``minka outbox``) delivers each message at most once per recipient and channel.
"""
