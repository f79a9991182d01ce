"""The home page and the sign-up page say what a public account is for; the home page tells
how an organization asks to join the network (the application form, and the contact of
``MINKA_NETWORK_CONTACT``) and what is open to take part in."""

from __future__ import annotations

from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.core.tests.base import RoleTestCase
from minka.core.tests.test_deploy import run_minka

HOME = reverse("site:home")
PUBLIC_ACCOUNT = gettext_lazy(
    "A public account lets you follow the public meetings and answer whether you will attend "
    "them. It does not make you a member of the network."
)
JOIN = gettext_lazy("Join the network")
APPLY = reverse("participation:application-create")


@override_settings(LANGUAGE_CODE="en")
class HomeJoinTests(RoleTestCase):
    def test_visitor_reads_what_an_account_is_for_and_how_to_join(self) -> None:
        """Anonymous: the sign-up link comes with what a public account is for; the way to
        join is the application form; without a contact configured, no contact is named."""
        response = self.as_("anon").get(HOME)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, reverse("account_signup"))
        self.assertContains(response, PUBLIC_ACCOUNT)
        self.assertContains(response, JOIN)
        self.assertContains(response, f'href="{APPLY}"')
        self.assertNotContains(response, "mailto:")

    @override_settings(
        NETWORK_CONTACT="coordinacion@example.org",
        NETWORK_CONTACT_URL="mailto:coordinacion@example.org",
    )
    def test_an_email_contact_is_a_mail_link(self) -> None:
        """With an email address configured, visitors and public accounts get a mail link."""
        for persona in ("anon", "reg"):
            with self.subTest(persona):
                response = self.as_(persona).get(HOME)
                self.assertContains(
                    response,
                    '<a href="mailto:coordinacion@example.org">coordinacion@example.org</a>',
                    html=True,
                )
                self.assertContains(response, f'href="{APPLY}"')

    @override_settings(
        NETWORK_CONTACT="https://red.example.org/unirse?a=1&b=2",
        NETWORK_CONTACT_URL="https://red.example.org/unirse?a=1&b=2",
    )
    def test_a_web_contact_is_a_link_escaped(self) -> None:
        """An address is linked as it is, escaped like any other value."""
        response = self.as_("anon").get(HOME)
        self.assertContains(response, 'href="https://red.example.org/unirse?a=1&amp;b=2"')

    def test_public_account_is_told_it_is_not_a_member(self) -> None:
        """A signed-in public account sees its kind and the way to join, not the sign-up."""
        response = self.as_("reg").get(HOME)
        self.assertContains(response, _("You are signed in with a public account."))
        self.assertContains(response, JOIN)
        self.assertNotContains(response, PUBLIC_ACCOUNT)

    def test_members_coordinators_and_admins_are_not_asked_to_join(self) -> None:
        """Those already in the network see neither the sign-up nor the way to join."""
        for persona in ("mem_a", "coord", "admin"):
            with self.subTest(persona):
                response = self.as_(persona).get(HOME)
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, JOIN)
                self.assertNotContains(response, f'href="{APPLY}"')
                self.assertNotContains(response, reverse("account_signup"))

    def test_sign_up_page_says_what_a_public_account_is_for(self) -> None:
        """The sign-up page lists what the account is for and that it is no membership."""
        response = self.as_("anon").get(reverse("account_signup"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, _("What a public account is for"))
        self.assertContains(
            response,
            _(
                "A public account does not make you or your organization a member of the "
                "network. Member organizations and their representatives are invited by the "
                "network's coordination."
            ),
        )
        for persona in ("reg", "mem_a", "coord", "admin"):
            with self.subTest(persona):
                self.assertEqual(self.as_(persona).get(reverse("account_signup")).status_code, 302)


class NetworkContactSettingTests(SimpleTestCase):
    def test_contact_is_an_email_or_a_web_address(self) -> None:
        """``MINKA_NETWORK_CONTACT``: an email address becomes a mail link, an http(s) address
        stays; anything else stops the start with a message naming the variable."""
        show = "from django.conf import settings; print(settings.NETWORK_CONTACT_URL)"
        for value, expected in (
            ("coordinacion@example.org", "mailto:coordinacion@example.org"),
            ("https://red.example.org/unirse", "https://red.example.org/unirse"),
        ):
            with self.subTest(value):
                result = run_minka(
                    "shell", "-c", show, MINKA_DEBUG="true", MINKA_NETWORK_CONTACT=value
                )
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertEqual(result.stdout.strip().splitlines()[-1], expected)
        for bad in ("javascript:alert(1)", "escriba a la coordinación"):
            with self.subTest(bad):
                result = run_minka("check", MINKA_DEBUG="true", MINKA_NETWORK_CONTACT=bad)
                self.assertNotEqual(result.returncode, 0)
                self.assertIn("MINKA_NETWORK_CONTACT", result.stderr)


@override_settings(LANGUAGE_CODE="en")
class HomeTakePartTests(RoleTestCase):
    """What is open to take part in, as each persona may see it."""

    def setUp(self) -> None:
        from minka.core.visibility import Visibility
        from minka.participation.applications.tests.factories import verified
        from minka.participation.polls.tests.factories import DatePollFactory
        from minka.participation.proposals.tests.factories import ProposalFactory

        ProposalFactory.create(title="Propuesta abierta al público", organizations=[self.org_a])
        ProposalFactory.create(title="Propuesta interna de la red", visibility=Visibility.MEMBERS)
        DatePollFactory.create(title="Fecha de la reunión de marzo")
        verified()

    def test_proposals_awaiting_support_as_each_persona_may_see_them(self) -> None:
        """Everyone sees the public proposal; only members and above the internal one."""
        for persona in ("anon", "reg", "mem_a", "coord", "admin"):
            with self.subTest(persona):
                response = self.as_(persona).get(HOME)
                self.assertContains(response, "Propuesta abierta al público")
                if persona in {"anon", "reg"}:
                    self.assertNotContains(response, "Propuesta interna de la red")
                else:
                    self.assertContains(response, "Propuesta interna de la red")
                self.assertContains(response, reverse("participation:index"))

    def test_members_are_asked_about_the_dates_others_are_not(self) -> None:
        """An internal date poll is listed for members and above only."""
        for persona, shown in (("anon", False), ("reg", False), ("mem_b", True), ("coord", True)):
            with self.subTest(persona):
                response = self.as_(persona).get(HOME)
                if shown:
                    self.assertContains(response, "Fecha de la reunión de marzo")
                    self.assertContains(response, _("Not answered yet"))
                else:
                    self.assertNotContains(response, "Fecha de la reunión de marzo")

    def test_coordinators_are_told_of_applications_awaiting_a_decision(self) -> None:
        """A verified application is counted for coordinators, linked to their queue."""
        queue = reverse("participation:application-list")
        for persona in ("coord", "admin"):
            with self.subTest(persona):
                response = self.as_(persona).get(HOME)
                self.assertContains(response, "1 membership application awaits a decision.")
                self.assertContains(response, f'href="{queue}"')
        for persona in ("anon", "reg", "mem_a"):
            with self.subTest(persona):
                response = self.as_(persona).get(HOME)
                self.assertNotContains(response, "awaits a decision")
                self.assertNotContains(response, f'href="{queue}"')
