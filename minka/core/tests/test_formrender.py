"""The Python-written widgets give exactly Django's markup, escaped the same way."""

from __future__ import annotations

from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import SimpleTestCase
from django.utils.translation import gettext

from minka.core.formrender import FastRenderer
from minka.core.widgets import CheckboxPicker

EVIL = '"><script>alert(1)</script>&'


class _Form(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Todos"), ("a", "Á"), (EVIL, EVIL)], required=False)
    grouped = forms.ChoiceField(
        choices=[("Grupo <b>", [("1", "uno"), ("2", "dos")]), ("3", "tres")],
        widget=forms.Select(attrs={"aria-describedby": "ayuda", "data-x": EVIL}),
    )
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)
    text = forms.CharField(max_length=20, required=False)
    search = forms.CharField(widget=forms.TextInput(attrs={"type": "search"}), required=False)
    number = forms.IntegerField(required=False)
    email = forms.EmailField(required=False)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)


class FastRendererTests(SimpleTestCase):
    def test_every_widget_renders_as_django_does(self) -> None:
        data = {
            "plain": EVIL,
            "grouped": "2",
            "many": ["x", "y"],
            "text": EVIL,
            "number": "12",
            "email": "a@b.pe",
            "day": "2026-12-05",
            "hidden": EVIL,
        }
        for bound in (None, data):
            fast, django = _Form(bound, renderer=FastRenderer()), _Form(bound)
            django.renderer = DjangoTemplates()
            for name in fast.fields:
                with self.subTest(name=name, bound=bool(bound)):
                    self.assertHTMLEqual(str(fast[name]), str(django[name]))
                    self.assertNotIn("<script>", str(fast[name]))


class _PickerForm(forms.Form):
    people = forms.MultipleChoiceField(
        choices=[("1", "Ana"), ("2", EVIL), ("3", "Óscar")],
        required=False,
        widget=CheckboxPicker(attrs={"id": "id_people"}),
    )
    nothing = forms.MultipleChoiceField(choices=[], required=False, widget=CheckboxPicker)


class CheckboxPickerTests(SimpleTestCase):
    """The checklist's items are built in Python (CheckboxPicker.get_context)."""

    def test_items_are_ticked_escaped_and_disabled_as_the_field_says(self) -> None:
        form = _PickerForm(data={"people": ["2", "3"]})
        html = str(form["people"])
        self.assertInHTML(
            '<li class="picker-option"><label for="id_people_0"><input type="checkbox"'
            ' name="people" value="1" id="id_people_0"> <span>Ana</span></label></li>',
            html,
        )
        self.assertInHTML(
            '<li class="picker-option"><label for="id_people_1"><input type="checkbox"'
            ' name="people" value="2" id="id_people_1" checked>'
            " <span>&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;</span></label></li>",
            html,
        )
        self.assertNotIn("<script>alert", html)
        self.assertEqual(html.count(" checked"), 2)
        self.assertNotIn(gettext("There is nothing to choose from."), html)
        form.fields["people"].disabled = True
        self.assertEqual(str(form["people"]).count(" disabled>"), 3)

    def test_an_empty_list_says_so(self) -> None:
        self.assertIn(gettext("There is nothing to choose from."), str(_PickerForm()["nothing"]))
