from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from enterprises.models import Region
from training.models import Course, Session
from training.services import COURSE_FIELDS, SESSION_FIELDS


def _at_least_one(field: forms.IntegerField) -> None:
    field.min_value = 1
    field.validators.append(MinValueValidator(1))
    field.widget.attrs["min"] = 1


class CourseForm(forms.ModelForm):
    attachment = forms.FileField(
        label=_("Attach a file"), required=False, help_text=_("PDF, an image, or an Office document.")
    )

    class Meta:
        model = Course
        fields = [*COURSE_FIELDS, "methods"]  # what the service saves, and the methods it sets
        widgets = {
            "methods": forms.CheckboxSelectMultiple,
            "summary_zh": forms.Textarea(attrs={"rows": 3}),
            "summary_en": forms.Textarea(attrs={"rows": 3}),
            "material_zh": forms.Textarea(attrs={"rows": 8}),
            "material_en": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title_zh"].required = False  # at least one language: the service checks
        _at_least_one(self.fields["hours"])


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = list(SESSION_FIELDS)
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }

    def __init__(self, *args, courses=None, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if courses is not None:
            self.fields["course"].queryset = courses
        self.fields["region"].queryset = regions if regions is not None else Region.objects.all()
        _at_least_one(self.fields["capacity"])


class EnrolForm(forms.Form):
    """An enterprise administrator picks one of the enterprise's people; anyone else enrols themselves."""

    person = forms.ModelChoiceField(label=_("Person"), queryset=None, required=False)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is None:
            del self.fields["person"]
        else:
            self.fields["person"].queryset = people
            self.fields["person"].required = True


ATTENDED_CHOICES = [("", _("Not recorded")), ("yes", _("Attended")), ("no", _("Absent"))]


class AttendanceForm(forms.Form):
    """One form for a session's list: per enrolment, attended (yes / no / not recorded) and completed."""

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolments = enrolments
        for enrolment in enrolments:
            initial = {True: "yes", False: "no"}.get(enrolment.attended, "")
            self.fields[f"attended_{enrolment.pk}"] = forms.ChoiceField(
                label=_("Attended: {person}").format(person=enrolment.person),
                choices=ATTENDED_CHOICES,
                required=False,
                initial=initial,
            )
            completed = forms.BooleanField(
                label=_("Completed: {person}").format(person=enrolment.person),
                required=False,
                initial=enrolment.completed_on is not None,
            )
            if enrolment.completed_on is not None:
                completed.disabled = True
                self.fields[f"attended_{enrolment.pk}"].disabled = True
            self.fields[f"completed_{enrolment.pk}"] = completed

    def rows(self) -> list[tuple]:
        return [(e, self[f"attended_{e.pk}"], self[f"completed_{e.pk}"]) for e in self.enrolments]

    def marks(self) -> dict[int, tuple[bool | None, bool]]:
        attended = {"yes": True, "no": False, "": None}
        return {
            e.pk: (attended[self.cleaned_data[f"attended_{e.pk}"]], self.cleaned_data[f"completed_{e.pk}"])
            for e in self.enrolments
            if e.completed_on is None
        }
