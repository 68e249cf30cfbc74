"""The public library (search and filters), a document's page with its files, the publishers' form, and file
downloads through a view that checks who may read the document."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.exceptions import DomainError
from core.forms import add_errors
from enterprises.models import Industry
from knowledge import selectors, services
from knowledge.forms import DocumentForm, QuestionAnswerForm, QuestionSubmitForm
from knowledge.models import DocumentKind, DocumentStatus, MethodKind, Question, QuestionCategory, Topic
from selections.selectors import case_list
from training import selectors as training_selectors


def _filters(params) -> dict:
    return {
        "search": params.get("q", "").strip()[:100],
        "kind": params.get("kind", ""),
        "status": params.get("status", ""),
        "topic": params.get("topic", ""),
        "industry": params.get("industry", "")[:4],
    }


class DocumentListView(TemplateView):
    template_name = "knowledge/document_list.html"

    def get_context_data(self, **kwargs):
        filters = _filters(self.request.GET)
        return super().get_context_data(
            documents=list(selectors.document_list(self.request.user, **filters).select_related("authority")[:500]),
            filters=filters,
            kinds=DocumentKind.choices,
            statuses=DocumentStatus.choices,
            topics=Topic.choices,
            industries=Industry.objects.all(),
            may_publish=services.may_publish(self.request.user),
            **kwargs,
        )


class DocumentDetailView(TemplateView):
    template_name = "knowledge/document_detail.html"

    def get_context_data(self, **kwargs):
        document = selectors.document_get(self.request.user, kwargs["pk"])
        return super().get_context_data(
            document=document,
            attachments=document.attachments.all(),
            supersedes=document.supersedes.exclude(status=DocumentStatus.DRAFT),
            may_edit=services.may_edit(self.request.user, document),
            **kwargs,
        )


class DocumentFormView(LoginRequiredMixin, TemplateView):
    """Create (no ``pk``) or change a document, with one more file if given."""

    template_name = "knowledge/document_form.html"

    def _document(self):
        pk = self.kwargs.get("pk")
        user = self.request.user
        if pk is None:
            services.require_may_publish(user)
            return None
        document = selectors.document_get(user, pk)
        services.require_may_edit(user, document)
        return document

    def get_context_data(self, **kwargs):
        document = kwargs.pop("document", None) if "document" in kwargs else self._document()
        form = kwargs.pop("form", None) or DocumentForm(instance=document)
        return super().get_context_data(form=form, document=document, **kwargs)

    def post(self, request, **kwargs):
        document = self._document()
        form = DocumentForm(request.POST, request.FILES, instance=document)
        if form.is_valid():
            values = {field: form.cleaned_data[field] for field in services.FIELDS}
            try:
                document = services.document_save(
                    values=values,
                    by=request.user,
                    document=document,
                    industries=form.cleaned_data["industries"],
                    upload=form.cleaned_data.get("attachment"),
                    request=request,
                )
            except (ValidationError, DomainError) as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The document is saved."))
                return redirect("knowledge:document_detail", pk=document.pk)
        return self.render_to_response(self.get_context_data(form=form, document=document))


class AttachmentDownloadView(View):
    """A document's file, for whoever may read the document (everyone unless it is a draft)."""

    def get(self, request, pk, attachment_pk):
        document = selectors.document_get(request.user, pk)
        item = get_object_or_404(document.attachments, pk=attachment_pk)
        return FileResponse(
            item.file.open("rb"), as_attachment=True, filename=item.original_name, content_type=item.content_type
        )


class QuestionListView(TemplateView):
    """The published Q&A, grouped by category in order, with search and a category filter; each question carries
    its anchor as HTML id."""

    template_name = "knowledge/question_list.html"

    def get_context_data(self, **kwargs):
        filters = {
            "search": self.request.GET.get("q", "").strip()[:100],
            "category": self.request.GET.get("category", "")[:40],
        }
        questions = list(selectors.question_list(**filters)[:500])
        groups: dict = {}
        for question in questions:
            groups.setdefault(question.category, []).append(question)
        return super().get_context_data(
            groups=list(groups.items()),
            count=len(questions),
            filters=filters,
            categories=QuestionCategory.objects.all(),
            may_answer=services.may_answer(self.request.user),
            **kwargs,
        )


class QuestionSubmitView(TemplateView):
    """Anyone, signed in or not, asks a question; it is kept until MIIT staff answer it."""

    template_name = "knowledge/question_submit.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", QuestionSubmitForm())
        return super().get_context_data(**kwargs)

    def post(self, request, **kwargs):
        form = QuestionSubmitForm(request.POST)
        if form.is_valid():
            try:
                services.question_submit(
                    text=form.cleaned_data["text"], email=form.cleaned_data["email"], by=request.user, request=request
                )
            except (ValidationError, DomainError) as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Thank you: your question is received and will be answered."))
                return redirect("knowledge:question_list")
        return self.render_to_response(self.get_context_data(form=form))


class QuestionQueueView(LoginRequiredMixin, TemplateView):
    """MIIT staff: the submitted questions waiting for an answer."""

    template_name = "knowledge/question_queue.html"

    def get_context_data(self, **kwargs):
        services.require_may_answer(self.request.user)
        return super().get_context_data(questions=list(selectors.question_queue()[:200]), **kwargs)


class QuestionAnswerView(LoginRequiredMixin, TemplateView):
    """MIIT staff answer a question and publish it, or decline it."""

    template_name = "knowledge/question_answer.html"

    def _question(self):
        services.require_may_answer(self.request.user)
        return get_object_or_404(Question, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        question = kwargs.pop("question", None) or self._question()
        form = kwargs.pop("form", None) or QuestionAnswerForm(instance=question)
        return super().get_context_data(form=form, question=question, **kwargs)

    def post(self, request, **kwargs):
        question = self._question()
        form = QuestionAnswerForm(request.POST, instance=Question.objects.get(pk=question.pk))
        publish = "decline" not in request.POST
        if form.is_valid() or not publish:
            values = {f: form.cleaned_data[f] for f in form.fields if f in form.cleaned_data} if publish else {}
            try:
                services.question_answer(
                    question=question, values=values, by=request.user, publish=publish, request=request
                )
            except (ValidationError, DomainError) as exc:
                add_errors(form, exc)
            else:
                if publish:
                    messages.success(request, _("The answer is published."))
                else:
                    messages.success(request, _("The question is declined."))
                return redirect("knowledge:question_queue")
        return self.render_to_response(self.get_context_data(form=form, question=question))


class MethodListView(TemplateView):
    """The methods toolbox: search in both languages and a kind filter."""

    template_name = "knowledge/method_list.html"

    def get_context_data(self, **kwargs):
        filters = {"search": self.request.GET.get("q", "").strip()[:100], "kind": self.request.GET.get("kind", "")}
        return super().get_context_data(
            methods=list(selectors.method_list(**filters)), filters=filters, kinds=MethodKind.choices, **kwargs
        )


class MethodDetailView(TemplateView):
    """A method: what it is for, when to use it, its steps, a worked example, the requirements of the evaluation
    model it helps to meet and the typical cases that used it."""

    template_name = "knowledge/method_detail.html"
    CASES_SHOWN = 6

    def get_context_data(self, **kwargs):
        method = selectors.method_get(kwargs["code"])
        cases = list(case_list(method=method)[: self.CASES_SHOWN + 1])
        requirements = selectors.method_requirements(method)
        indicators: dict = {}
        for requirement in requirements:
            indicators.setdefault(requirement.indicator, []).append(requirement)
        return super().get_context_data(
            method=method,
            indicators=list(indicators.items()),
            courses=training_selectors.courses_teaching(method),
            cases=cases[: self.CASES_SHOWN],
            more_cases=len(cases) > self.CASES_SHOWN,
            **kwargs,
        )
