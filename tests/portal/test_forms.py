"""portal.forms.form_errors_add: a service's ValidationError on the page's forms."""

from django import forms
from django.core.exceptions import ValidationError

from portal.forms import form_errors_add


class MainForm(forms.Form):
    title = forms.CharField(required=False)
    password1 = forms.CharField(required=False)


class OtherForm(forms.Form):
    username = forms.CharField(required=False)
    p_days = forms.CharField(required=False)


def bound(form_class):
    form = form_class({})
    assert form.is_valid()
    return form


def test_a_keyed_message_lands_at_its_field_and_an_unknown_key_on_top():
    form = bound(MainForm)
    form_errors_add(form, ValidationError({"title": ["太长。", "有空格。"], "year": "年度不对。"}))
    assert form.errors["title"] == ["太长。", "有空格。"]
    assert form.non_field_errors() == ["年度不对。"]


def test_an_error_without_keys_goes_on_top():
    form = bound(MainForm)
    form_errors_add(form, ValidationError(["已被他人处理。", "请刷新。"]))
    assert form.non_field_errors() == ["已被他人处理。", "请刷新。"]


def test_a_key_of_another_form_lands_there_the_main_form_first():
    form, other = bound(MainForm), bound(OtherForm)
    form_errors_add(form, ValidationError({"username": "已被占用。"}), others=[other])
    assert other.errors["username"] == ["已被占用。"]
    assert not form.errors


def test_a_route_renames_a_key_on_the_main_form_or_sends_it_to_another():
    form, other = bound(MainForm), bound(OtherForm)
    exc = ValidationError({"password": "太简单。", "days": "天数过多。"})
    form_errors_add(form, exc, route={"password": "password1", "days": (other, "p_days")})
    assert form.errors["password1"] == ["太简单。"]
    assert other.errors["p_days"] == ["天数过多。"]


def test_a_route_to_a_field_the_form_lacks_goes_on_top():
    form = bound(MainForm)
    form_errors_add(
        form, ValidationError({"first_year": "请选择年度。"}), route={"first_year": "year"}
    )
    assert form.non_field_errors() == ["请选择年度。"]
