"""Post the admin's own forms: the data a browser would send back from an add or change page, unchanged."""

import json
from typing import Any

from django.forms import BaseForm, MultiWidget
from django.http import HttpResponse


def _encoded(form: BaseForm, name: str) -> dict[str, Any]:
    """What the browser sends for one field: its widget's name(s) and value(s)."""
    bound = form[name]
    key = form.add_prefix(name)
    value = bound.value()
    widget = bound.field.widget
    if isinstance(widget, MultiWidget):  # the admin's split date and time
        parts = widget.decompress(value) if value is not None and not isinstance(value, list) else value or []
        return {f"{key}_{i}": "" if part is None else str(part) for i, part in enumerate(parts)}
    if isinstance(value, bool):
        return {key: "on"} if value else {}
    if value is None:
        return {key: ""}
    if isinstance(value, list | tuple):
        return {key: [str(item) for item in value]}
    if isinstance(value, dict):
        return {key: json.dumps(value)}
    return {key: str(value)}


def form_data(form: BaseForm) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in form.fields:
        data.update(_encoded(form, name))
    return data


def admin_page_data(response: HttpResponse, *, with_inlines: bool = True) -> dict[str, Any]:
    """The data of an admin add or change page's form and inlines (the rows as shown, the blank ones empty);
    without inlines, each inline's management form says it has no rows."""
    context: Any = response.context  # type: ignore[attr-defined]
    data = form_data(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        management = form_data(formset.management_form)
        if not with_inlines:
            management[f"{formset.prefix}-TOTAL_FORMS"] = "0"
            management[f"{formset.prefix}-INITIAL_FORMS"] = "0"
            data.update(management)
            continue
        data.update(management)
        for form in formset.forms:
            if form.instance.pk is not None:
                data.update(form_data(form))
    if with_inlines:
        for inline in context["inline_admin_formsets"]:
            formset = inline.formset
            data[f"{formset.prefix}-TOTAL_FORMS"] = str(sum(1 for f in formset.forms if f.instance.pk is not None))
    return data
