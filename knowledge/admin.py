from django.contrib import admin

from core.admin import AuditedModelAdmin
from knowledge.models import Method, MethodLink, PolicyAttachment, PolicyDocument, Question, QuestionCategory


class AttachmentInline(admin.TabularInline):
    model = PolicyAttachment
    extra = 0
    can_delete = False
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # files come in through the library's form, checked by content


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(AuditedModelAdmin):
    list_display = ["number", "title_zh", "kind", "status", "issued_on", "authority"]
    list_filter = ["kind", "status", "topic"]
    search_fields = ["number", "title_zh", "title_en"]
    readonly_fields = ["created_by"]
    inlines = [AttachmentInline]


@admin.register(QuestionCategory)
class QuestionCategoryAdmin(AuditedModelAdmin):
    list_display = ["code", "name_zh", "name_en", "order"]


@admin.register(Question)
class QuestionAdmin(AuditedModelAdmin):
    list_display = ["question_zh", "question_en", "category", "order", "status", "anchor"]
    list_filter = ["status", "category"]
    search_fields = ["question_zh", "question_en", "answer_zh", "answer_en"]
    readonly_fields = ["asked_by", "asker_email", "answered_by", "answered_at"]


class MethodLinkInline(admin.TabularInline):
    model = MethodLink
    extra = 1


@admin.register(Method)
class MethodAdmin(AuditedModelAdmin):
    list_display = ["code", "name_zh", "name_en", "kind", "order"]
    list_filter = ["kind"]
    search_fields = ["code", "name_zh", "name_en", "keywords"]
    inlines = [MethodLinkInline]
