"""The admin's writes go through the apps' services, like every other door (HackSoft's admin examples).

Django's admin saves with `obj.save()`, `form.save_m2m()` and `formset.save()`: an edit there skipped
what the services do (a recommendation's fingerprint and search vector, the prebuilt files' rebuild), so a
later import no longer matched the edited text. A ModelAdmin built on `ServiceModelAdmin` says instead which
service creates, changes and deletes its records, and each inline built on `ServiceInline` says the same
for its rows:

1. The form validates as before (fields, the model's validators and named constraints), with the same
   messages beside the fields.
2. `save_model` calls the create or update service with the form's cleaned data; on an add, the object
   the admin goes on with (its inlines point at it) takes the saved row's values.
3. `save_related` leaves the many-to-many fields to the service (which got them in step 2) and hands
   each inline formset to its inline's services.
4. `delete_model`, and the "delete selected" action through `delete_queryset`, call the delete service
   once per record.

A rule only the service knows, broken after the form passed (a race), rolls the whole save back and
comes back as an error message on the form's page, never as a 500.
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.forms import BaseModelForm
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

# Keys of a form's cleaned data that are the formset's bookkeeping, not the record's fields.
_FORMSET_KEYS = {"id", "DELETE"}


def form_values(form: "BaseModelForm[Any]", *, leave_out: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
    """The form's cleaned values of the record's fields (a readonly field is not in the form)."""
    return {name: value for name, value in form.cleaned_data.items() if name not in leave_out | _FORMSET_KEYS}


def _take_saved_values(obj: Model, saved: Model) -> None:
    """Give the object the admin holds the values of the row a create service saved."""
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


class ServiceInline(admin.options.InlineModelAdmin):
    """An inline whose rows are written by services: override the three `service_*` methods (or
    `save_rows`, where the rows are one value of the parent, like a recommendation's themes)."""

    def service_create(self, request: HttpRequest, parent: Model, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def service_update(self, request: HttpRequest, obj: Model, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def service_delete(self, request: HttpRequest, obj: Model) -> None:
        raise NotImplementedError

    def save_rows(self, request: HttpRequest, parent: Model, formset: "BaseInlineFormSet[Any, Any, Any]") -> None:
        # save(commit=False) writes nothing; it fills new_objects, changed_objects and deleted_objects,
        # which the admin's change message reads.
        formset.save(commit=False)
        forms = {id(form.instance): form for form in formset.forms}
        parent_key = {formset.fk.name}
        for obj in formset.deleted_objects:
            self.service_delete(request, obj)
        for obj, _changed in formset.changed_objects:
            self.service_update(request, obj, form_values(forms[id(obj)], leave_out=parent_key))
        for obj in formset.new_objects:
            saved = self.service_create(request, parent, form_values(forms[id(obj)], leave_out=parent_key))
            _take_saved_values(obj, saved)


class ServiceModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose records are written by services: override the three `service_*` methods."""

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def service_update(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def service_delete(self, request: HttpRequest, obj: Any) -> None:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            self.service_update(request, obj, form_values(form))
        else:
            _take_saved_values(obj, self.service_create(request, form_values(form)))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # No form.save_m2m(): the service set the many-to-many fields from the same cleaned data.
        inlines = {inline.model: inline for inline in self.get_inline_instances(request, form.instance)}
        for formset in formsets:
            inline = inlines[formset.model]
            if not isinstance(inline, ServiceInline):
                raise TypeError(f"{type(inline).__name__} must be a ServiceInline: its rows would bypass the services")
            inline.save_rows(request, form.instance, formset)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.service_delete(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.service_delete(request, obj)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            # The view's transaction has rolled back: nothing of this save was written.
            self.message_user(
                request, _("Not saved: %(reason)s") % {"reason": " ".join(error.messages)}, messages.ERROR
            )
            return HttpResponseRedirect(request.get_full_path())
