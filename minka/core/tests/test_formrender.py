"""The Python-written widgets give exactly Django's markup, escaped the same way."""

from __future__ import annotations

from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import SimpleTestCase

from minka.core.formrender import FastRenderer

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
