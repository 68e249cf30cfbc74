from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from core.admin import AuditedModelAdmin
from evaluations import model_file
from evaluations.forms import ModelImportForm
from evaluations.models import (
    ConflictDeclaration,
    Evaluation,
    EvaluationModel,
    Institution,
    Qualification,
    StatusChange,
)
from evaluations.services import evaluation_model_import


@admin.register(EvaluationModel)
class EvaluationModelAdmin(AuditedModelAdmin):
    """Model versions are imported from files, never edited field by field: a version is immutable."""

    list_display = ["code", "version", "name_zh", "is_active", "imported_at"]
    fields = ["code", "version", "name_zh", "name_en", "threshold", "is_active", "imported_at", "imported_by"]
    readonly_fields = ["code", "version", "name_zh", "name_en", "threshold", "imported_at", "imported_by"]
    change_list_template = "admin/evaluations/evaluationmodel/change_list.html"

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        extra = [
            path("import/", self.admin_site.admin_view(self.import_view), name="evaluations_evaluationmodel_import"),
            path(
                "<int:pk>/workbook/",
                self.admin_site.admin_view(self.workbook_view),
                name="evaluations_evaluationmodel_workbook",
            ),
        ]
        return extra + super().get_urls()

    def import_view(self, request):
        # admin_view only asks for staff; importing a version is the platform administrator's (separation of duties).
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = ModelImportForm(request.POST or None, request.FILES or None)
        problems = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                data = model_file.read(upload.read(), upload.name)
                model = evaluation_model_import(data=data, by=request.user)
            except model_file.ModelFileError as exc:
                problems = exc.problems
            else:
                messages.success(request, _("Imported {model}.").format(model=model))
                return redirect("admin:evaluations_evaluationmodel_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "problems": problems,
            "title": _("Import an evaluation model"),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/evaluations/evaluationmodel/import.html", context)

    def workbook_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        model = EvaluationModel.objects.get(pk=pk)
        response = HttpResponse(
            model_file.write_workbook(model.source),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{model.code}-{model.version}.xlsx"'
        return response


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "at", "by", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Evaluation)
class EvaluationAdmin(AuditedModelAdmin):
    list_display = ["enterprise", "cycle", "status", "self_level", "self_score"]
    list_filter = ["status", "cycle"]
    readonly_fields = [
        "enterprise",
        "model",
        "cycle",
        "status",
        "started_by",
        "submitted_at",
        "self_level",
        "self_score",
        "self_result",
    ]
    inlines = [StatusChangeInline]


@admin.register(Institution)
class InstitutionAdmin(AuditedModelAdmin):
    list_display = ["name_zh", "credit_code", "accredited_from", "accredited_until"]
    search_fields = ["name_zh", "name_en", "credit_code"]
    filter_horizontal = ["accredited_regions", "accredited_industries"]


@admin.register(Qualification)
class QualificationAdmin(AuditedModelAdmin):
    list_display = ["assessor", "industry", "grade", "valid_until", "training_hours"]
    list_filter = ["grade", "industry"]
    raw_id_fields = ["assessor"]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(AuditedModelAdmin):
    list_display = ["assessor", "kind", "enterprise", "started", "ended"]
    raw_id_fields = ["assessor", "enterprise"]
