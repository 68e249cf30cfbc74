from django.contrib import admin

from core.admin import AuditedModelAdmin
from training.models import Course, CourseAttachment, Enrolment, Session


class AttachmentInline(admin.TabularInline):
    model = CourseAttachment
    extra = 0
    can_delete = False
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # files come in through the course form, checked by content


@admin.register(Course)
class CourseAdmin(AuditedModelAdmin):
    list_display = ["title_zh", "audience", "hours", "counts_for_qualification", "status", "authority"]
    list_filter = ["status", "audience", "counts_for_qualification"]
    search_fields = ["title_zh", "title_en"]
    readonly_fields = ["created_by"]
    inlines = [AttachmentInline]


@admin.register(Session)
class SessionAdmin(AuditedModelAdmin):
    list_display = ["course", "mode", "starts_at", "region", "organiser", "capacity", "status"]
    list_filter = ["mode", "status"]
    readonly_fields = ["created_by"]


@admin.register(Enrolment)
class EnrolmentAdmin(AuditedModelAdmin):
    list_display = ["person", "session", "enterprise", "status", "attended", "completed_on", "certificate_number"]
    list_filter = ["status", "attended"]
    search_fields = ["person__username", "certificate_number"]
    readonly_fields = ["enrolled_by", "certificate_number", "hours_credited", "completed_on"]
