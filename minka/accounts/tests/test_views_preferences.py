from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from minka.core.tests.base import RoleTestCase


@override_settings(LANGUAGE_CODE="en")
class PreferencesViewTests(RoleTestCase):
    url = reverse("accounts:preferences")

    def test_visitor_is_sent_to_sign_in(self) -> None:
        self.assertEqual(self.as_("anon").get(self.url).status_code, 302)

    def test_every_signed_in_role_edits_only_their_own_name_and_language(self) -> None:
        for persona in ("reg", "mem_a", "mem_b", "coord", "admin"):
            with self.subTest(persona=persona):
                client = self.as_(persona)
                response = client.post(
                    self.url,
                    {
                        "full_name": f"Nuevo {persona}",
                        "language": "en",
                        "role": "admin",
                        "email": "x@evil.example",
                    },
                )
                self.assertRedirects(response, self.url, fetch_redirect_response=False)
                user = getattr(self, persona)
                user.refresh_from_db()
                self.assertEqual(user.full_name, f"Nuevo {persona}")
                self.assertEqual(user.language, "en")
                self.assertNotEqual(user.email, "x@evil.example")
                self.assertEqual(response.cookies["minka_language"].value, "en")
        self.mem_a.refresh_from_db()
        self.assertEqual(self.mem_a.role, "member")  # extra fields are ignored

    def test_bad_input_keeps_the_data_and_says_why(self) -> None:
        response = self.as_("mem_a").post(self.url, {"full_name": "", "language": "xx"})
        self.assertContains(response, "There is a problem", status_code=400)
        self.mem_a.refresh_from_db()
        self.assertEqual(self.mem_a.full_name, "Miembro A")

    def test_lists_the_organizations_the_member_represents(self) -> None:
        self.assertContains(self.as_("mem_a").get(self.url), self.org_a.name)
        self.assertNotContains(self.as_("mem_a").get(self.url), self.org_b.name)


class LanguageSwitchTests(RoleTestCase):
    url = reverse("accounts:set-language")

    def test_visitor_switches_to_english_with_a_cookie(self) -> None:
        response = self.as_("anon").post(self.url, {"language": "en", "next": "/privacidad/"})
        self.assertRedirects(response, "/privacidad/", fetch_redirect_response=False)
        self.assertEqual(response.cookies["minka_language"].value, "en")
        page = self.client.get("/", HTTP_COOKIE="minka_language=en")
        self.assertContains(page, '<html lang="en">')

    def test_signed_in_choice_is_remembered_on_the_account(self) -> None:
        self.as_("mem_a").post(self.url, {"language": "en", "next": "/"})
        self.mem_a.refresh_from_db()
        self.assertEqual(self.mem_a.language, "en")

    def test_preference_applies_on_a_new_device_without_cookie(self) -> None:
        self.mem_a.language = "en"
        self.mem_a.save()
        response = self.as_("mem_a").get("/")
        self.assertContains(response, '<html lang="en">')
        self.assertEqual(response.cookies["minka_language"].value, "en")

    def test_unknown_language_changes_nothing(self) -> None:
        response = self.as_("mem_a").post(self.url, {"language": "fr", "next": "//evil.example"})
        self.assertEqual(response["Location"], "/")
        self.mem_a.refresh_from_db()
        self.assertEqual(self.mem_a.language, "")

    def test_get_is_not_allowed(self) -> None:
        self.assertEqual(self.as_("anon").get(self.url).status_code, 405)


@override_settings(LANGUAGE_CODE="en")
class AccessReviewViewTests(RoleTestCase):
    url = reverse("accounts:access-review")

    def test_only_admins_see_the_report(self) -> None:
        self.assertEqual(self.as_("anon").get(self.url).status_code, 302)
        for persona in ("reg", "mem_a", "mem_b", "coord"):
            self.assertEqual(self.as_(persona).get(self.url).status_code, 403)

    def test_lists_privileged_people_with_grant_and_second_factor(self) -> None:
        from minka.accounts import services

        services.user_set_role(actor=self.admin, user=self.mem_b, role="coordinator")
        client = self.as_("admin")
        client.get(self.url)
        with self.assertNumQueries(4):
            response = client.get(self.url)
        body = response.content.decode()
        self.assertIn(self.coord.email, body)
        self.assertIn(self.mem_a.email, body)
        self.assertNotIn(self.reg.email, body)  # public accounts hold no privilege
        row = body.split(self.mem_b.email)[1].split("</tr>")[0]
        self.assertIn(str(self.admin), row)  # granted by
        self.assertIn("<strong>No</strong>", row)  # the new coordinator has no second factor yet


class DefaultLanguageTests(RoleTestCase):
    def test_spanish_even_when_the_browser_asks_for_english(self) -> None:
        """Spanish first: English is a choice (cookie or preference), not a browser default."""
        response = self.client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        self.assertContains(response, '<html lang="es">')

    def test_an_unknown_cookie_value_falls_back_to_spanish(self) -> None:
        response = self.client.get("/", HTTP_COOKIE="minka_language=xx")
        self.assertContains(response, '<html lang="es">')
