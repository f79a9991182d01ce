"""Outgoing webhooks: coordinators register a URL per event type, and Minka POSTs a signed
JSON payload there when the event happens (issue 18; SECURITY.md §1.8).

- :mod:`.signing`: Standard Webhooks v1 signatures (``webhook-id``, ``webhook-timestamp``,
  ``webhook-signature``; HMAC-SHA256 with a secret per endpoint, rotatable).
- The requests themselves go through :mod:`minka.core.outbound`, the one hardened HTTP helper:
  https only, no private, loopback, link-local or metadata addresses (checked after DNS
  resolution, connecting to the checked address), no redirects, 10 s overall. A stored URL that
  the server calls later is an SSRF sink (Indico CVE-2026-25738, Decidim CVE-2026-45573), so
  the URL is checked when it is registered and again on every delivery.
"""
