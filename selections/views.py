"""Selection pages: calls (public), an application (its participants), the authority's ranking, the expert's
review, the public notice. Views stay thin: each form is one service call."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.choices import Role
from accounts.models import User
from core.exceptions import DomainError, NotPermitted
from core.forms import add_errors, run_step
from enterprises.models import Industry, Region
from enterprises.selectors import authority_of, enterprise_of
from indices.registry_map import Place, map_context
from knowledge.models import Method
from selections import form_schema, selectors, services
from selections.choices import ApplicationStatus, CallKind, CallScope, CaseTheme
from selections.forms import ApplicationForm, CallForm, CriterionFormSet, FieldFormSet, choices_text
from selections.models import ApplicationObjection, Review


class CallListView(TemplateView):
    template_name = "selections/call_list.html"

    def get_context_data(self, **kwargs):
        calls = selectors.calls_visible(self.request.user)
        kind = self.request.GET.get("kind", "")
        if kind in CallKind.values:
            calls = calls.filter(kind=kind)
        reviews = []
        if self.request.user.is_authenticated and self.request.user.has_role(Role.EXPERT):
            reviews = selectors.reviews_of(self.request.user)
        user = self.request.user
        may_open = user.is_authenticated and user.has_role(Role.NATIONAL, Role.AUTHORITY)
        return super().get_context_data(
            calls=calls,
            kinds=CallKind.choices,
            kind=kind,
            today=timezone.localdate(),
            reviews=reviews,
            may_open=may_open,
            **kwargs,
        )


class CallCreateView(LoginRequiredMixin, TemplateView):
    """MIIT staff open a national call, an authority a provincial one for its own area; announced separately."""

    template_name = "selections/call_form.html"

    def _scope(self):
        user = self.request.user
        if user.has_role(Role.NATIONAL):
            return CallScope.NATIONAL, None
        authority = authority_of(user)
        if authority is None:
            raise NotPermitted(_("Only MIIT staff open national calls, and an authority its own provincial calls."))
        return CallScope.PROVINCIAL, authority

    def get_context_data(self, **kwargs):
        scope, authority = self._scope()
        form = kwargs.pop("form", None) or CallForm(initial={"year": timezone.localdate().year})
        return super().get_context_data(form=form, scope=scope, authority=authority, **kwargs)

    def post(self, request):
        scope, authority = self._scope()
        form = CallForm(request.POST)
        if form.is_valid():
            try:
                call = services.call_create(
                    by=request.user, scope=scope, authority=authority, request=request, **form.cleaned_data
                )
            except (ValidationError, DomainError) as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request, _("The call is saved with the default form and criteria; announce it when ready.")
                )
                return redirect("selections:call_detail", pk=call.pk)
        return self.render_to_response(self.get_context_data(form=form))


def _kept(formset) -> list:
    """The filled rows of a valid formset that are not marked for deletion (empty extra rows are left out)."""
    return [form for form in formset.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]


class CallEditView(LoginRequiredMixin, TemplateView):
    """The organiser changes a call's application form and review criteria until it is announced. The fields
    the registry reads keep their type and options (only their labels change); every other question can be
    changed, removed or added, and the criteria replaced (their weights adding up to 1)."""

    template_name = "selections/call_edit.html"
    LOCKED = ("key", "type", "required", "choices", "DELETE")

    def _call(self, pk):
        call = selectors.call_get(self.request.user, pk)
        if not services.is_organiser(self.request.user, call):
            raise NotPermitted(_("Only the call's organiser changes its form and criteria."))
        return call

    def _formsets(self, call, data=None):
        fields = FieldFormSet(
            data,
            prefix="fields",
            initial=[
                {**field, "choices": choices_text(field), "order": (position + 1) * 10}
                for position, field in enumerate(call.form)
            ],
        )
        criteria = CriterionFormSet(
            data,
            prefix="criteria",
            initial=list(call.criteria.values("code", "name_zh", "name_en", "weight", "max_score")),
        )
        locked = services.locked_fields(call.kind)
        for form in fields.forms:
            if form.initial.get("key") in locked:
                for name in self.LOCKED:
                    form.fields[name].disabled = True
                form.locked = True
        return fields, criteria

    def get(self, request, pk):
        call = self._call(pk)
        if call.announced_at is not None:
            messages.error(request, _("The call is announced: its form and criteria can no longer change."))
            return redirect("selections:call_detail", pk=pk)
        fields, criteria = self._formsets(call)
        return self.render_to_response(self.get_context_data(call=call, fields=fields, criteria=criteria))

    def post(self, request, pk):
        call = self._call(pk)
        fields, criteria = self._formsets(call, request.POST)
        problems = []
        if fields.is_valid() and criteria.is_valid():
            stored = {field["key"]: field for field in call.form}
            kept = sorted(_kept(fields), key=lambda form: form.cleaned_data["order"])
            definition = [form.definition(stored.get(form.initial.get("key"))) for form in kept]
            rows = [form.cleaned_data for form in _kept(criteria)]
            try:
                services.call_configure(call=call, form=definition, criteria=rows, by=request.user, request=request)
            except ValidationError as exc:
                problems = exc.messages
            except DomainError as exc:
                problems = [exc.message]
            else:
                messages.success(request, _("The form and criteria are saved."))
                return redirect("selections:call_detail", pk=pk)
        return self.render_to_response(
            self.get_context_data(call=call, fields=fields, criteria=criteria, problems=problems)
        )


class CallDetailView(TemplateView):
    """A call: what it asks, its dates and criteria, its published list; an enterprise member starts an
    application here; the organiser and the authorities see the applications they deal with."""

    template_name = "selections/call_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        call = selectors.call_get(user, kwargs["pk"])
        context = {
            "call": call,
            "criteria": call.criteria.all(),
            "documents": call.attachments.all(),
            "published": selectors.published_of(call),
        }
        if user.is_authenticated:
            own = selectors.own_application(user, call)
            context |= {
                "own": own,
                "may_apply": own is None and user.has_role(Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_MEMBER),
                "is_organiser": services.is_organiser(user, call),
                "applications": selectors.applications_of_call(user, call)
                if user.has_role(Role.AUTHORITY, Role.NATIONAL)
                else [],
                "authorities": user.authorities if user.is_authenticated else [],
            }
        context["form"] = kwargs.pop("form", None) or ApplicationForm(fields=call.form)
        return super().get_context_data(**context, **kwargs)

    def post(self, request, pk):
        if not request.user.is_authenticated:
            return redirect("accounts:login")
        call = selectors.call_get(request.user, pk)
        action = request.POST.get("action")
        if action == "announce":
            run_step(
                request, lambda: services.call_announce(call=call, by=request.user, request=request) and _("Announced.")
            )
            return redirect("selections:call_detail", pk=pk)
        if action in ("attach", "detach"):
            run_step(request, lambda: getattr(self, f"_{action}")(request, call))
            return redirect("selections:call_detail", pk=pk)
        enterprise = enterprise_of(request.user)
        form = ApplicationForm(request.POST, fields=call.form)
        if enterprise is None:
            raise NotPermitted(_("Only the enterprise's own members apply on its behalf."))
        if form.is_valid():
            try:
                application = services.application_save(
                    call=call,
                    enterprise=enterprise,
                    title=form.cleaned_data["title"],
                    data=form.answers(),
                    by=request.user,
                    request=request,
                )
            except (ValidationError, DomainError) as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Saved as a draft. Submit it when every required answer is in."))
                return redirect("selections:application_detail", pk=application.pk)
        return self.render_to_response(self.get_context_data(pk=pk, form=form))

    def _attach(self, request, call) -> str:
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": [_("Choose a file to attach.")]})
        attachment = services.call_attachment_add(call=call, upload=upload, by=request.user, request=request)
        return _("{name} is attached.").format(name=attachment.original_name)

    def _detach(self, request, call) -> str:
        attachment = get_object_or_404(call.attachments, pk=request.POST.get("attachment") or 0)
        services.call_attachment_remove(attachment=attachment, by=request.user, request=request)
        return _("{name} was removed.").format(name=attachment.original_name)


class ApplicationView(LoginRequiredMixin, TemplateView):
    """One application for the people taking part; the buttons are the steps the reader may take now."""

    template_name = "selections/application_detail.html"
    HANDLERS = frozenset(
        {
            "save",
            "submit",
            "attach",
            "detach",
            "return",
            "assign",
            "shortlist",
            "reject",
            "notice",
            "resolve",
            "select",
            "publish",
        }
    )

    def get_context_data(self, **kwargs):
        user = self.request.user
        application = selectors.application_get(user, kwargs["pk"], request=self.request)
        actions = services.allowed_actions(user, application)
        organiser = services.is_organiser(user, application.call)
        form = kwargs.pop("form", None) or ApplicationForm(
            initial={"title": application.title, **{f"data.{k}": v for k, v in application.data.items()}},
            fields=application.call.form,
        )
        reviews = list(application.reviews.select_related("expert").prefetch_related("scores__criterion"))
        return super().get_context_data(
            application=application,
            call=application.call,
            form=form,
            actions=actions,
            organiser=organiser,
            editable=application.status == ApplicationStatus.DRAFT and "submit" in actions,
            answers=form_schema.answers_for_display(application.call.form, application.data),
            reviews=reviews if organiser else [],
            own_review=next((r for r in reviews if r.expert_id == user.pk), None),
            experts=User.objects.filter(memberships__role=Role.EXPERT, memberships__is_active=True).distinct()
            if organiser
            else [],
            objections=application.objections.all() if organiser else [],
            history=application.history.select_related("by"),
            attachments=application.attachments.all(),
            today=timezone.localdate(),
            **kwargs,
        )

    def post(self, request, pk):
        application = selectors.application_get(request.user, pk, request=request)
        action = request.POST.get("action", "")
        if action not in self.HANDLERS:
            messages.error(request, _("Unknown action."))
            return redirect("selections:application_detail", pk=pk)
        if action == "save":
            form = ApplicationForm(request.POST, fields=application.call.form)
            if form.is_valid():
                try:
                    services.application_save(
                        call=application.call,
                        enterprise=application.enterprise,
                        title=form.cleaned_data["title"],
                        data=form.answers(),
                        by=request.user,
                        request=request,
                    )
                except (ValidationError, DomainError) as exc:
                    add_errors(form, exc)
                else:
                    messages.success(request, _("Draft saved."))
                    return redirect("selections:application_detail", pk=pk)
            return self.render_to_response(self.get_context_data(pk=pk, form=form))
        run_step(request, lambda: getattr(self, f"_{action}")(request, application))
        return redirect("selections:application_detail", pk=pk)

    def _attach(self, request, application) -> str:
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": [_("Choose a file to attach.")]})
        attachment = services.attachment_add(
            application=application,
            upload=upload,
            by=request.user,
            public=request.POST.get("public") == "on",
            request=request,
        )
        return _("{name} is attached.").format(name=attachment.original_name)

    def _detach(self, request, application) -> str:
        attachment = get_object_or_404(application.attachments, pk=request.POST.get("attachment") or 0)
        services.attachment_remove(attachment=attachment, by=request.user, request=request)
        return _("{name} was removed.").format(name=attachment.original_name)

    def _submit(self, request, application) -> str:
        services.application_submit(application=application, by=request.user, request=request)
        return _("Submitted. Your authority ranks its area's applications next.")

    def _return(self, request, application) -> str:
        reason = request.POST.get("reason", "")
        services.application_return(application=application, reason=reason, by=request.user, request=request)
        return _("The application went back to the applicant with your reason.")

    def _assign(self, request, application) -> str:
        expert = get_object_or_404(User, pk=request.POST.get("expert") or 0)
        services.review_assign(application=application, expert=expert, by=request.user, request=request)
        return _("{expert} reviews this application.").format(expert=expert)

    def _shortlist(self, request, application) -> str:
        services.application_shortlist(application=application, by=request.user, request=request)
        return _("Shortlisted.")

    def _reject(self, request, application) -> str:
        reason = request.POST.get("reason", "")
        services.application_reject(application=application, reason=reason, by=request.user, request=request)
        return _("Not selected; the applicant reads your reason.")

    def _notice(self, request, application) -> str:
        application = services.application_notice(application=application, by=request.user, request=request)
        return _("In public notice until {day}.").format(day=application.notice_until.isoformat())

    def _resolve(self, request, application) -> str:
        objection = get_object_or_404(
            ApplicationObjection, application=application, pk=request.POST.get("objection") or 0
        )
        uphold = request.POST.get("decision") == "uphold"
        services.objection_resolve(
            objection=objection,
            uphold=uphold,
            resolution=request.POST.get("resolution", ""),
            by=request.user,
            request=request,
        )
        return _("Objection upheld: the application is not selected.") if uphold else _("Objection dismissed.")

    def _select(self, request, application) -> str:
        services.application_select(application=application, by=request.user, request=request)
        return _("Selected.")

    def _publish(self, request, application) -> str:
        services.application_publish(application=application, by=request.user, request=request)
        return _("Published on the call's list.")


class RecommendView(LoginRequiredMixin, TemplateView):
    """The authority ranks its area's submitted applications to a call, within its quota."""

    template_name = "selections/recommend.html"

    def _authority(self):
        authority = authority_of(self.request.user)
        if authority is None:
            raise NotPermitted(_("Only an authority recommends applications."))
        return authority

    def get_context_data(self, **kwargs):
        call = selectors.call_get(self.request.user, kwargs["pk"])
        authority = self._authority()
        return super().get_context_data(
            call=call,
            authority=authority,
            queue=selectors.recommend_queue(call, authority.pk),
            quota=services.quota_for(call, authority),
            **kwargs,
        )

    def post(self, request, pk):
        call = selectors.call_get(request.user, pk)
        authority = self._authority()
        queue = {application.pk: application for application in selectors.recommend_queue(call, authority.pk)}
        ranks, errors = {}, []
        for application_pk, application in queue.items():
            value = request.POST.get(f"rank-{application_pk}", "").strip()
            if not value:
                continue
            if not value.isdigit() or int(value) < 1:
                errors.append(_("{title}: the rank must be a whole number from 1.").format(title=application.title))
            else:
                ranks[application_pk] = int(value)
        if len(set(ranks.values())) != len(ranks):
            errors.append(_("Two applications have the same rank."))
        if errors:
            for error in errors:
                messages.error(request, error)
            return redirect("selections:recommend", pk=pk)
        ranked = [queue[application_pk] for application_pk in sorted(ranks, key=ranks.get)]
        if run_step(
            request,
            lambda: (
                services.applications_recommend(
                    call=call, authority=authority, ranked=ranked, by=request.user, request=request
                )
                and _("Your recommendations are recorded.")
            ),
        ):
            return redirect("selections:call_detail", pk=pk)
        return redirect("selections:recommend", pk=pk)


class ReviewView(LoginRequiredMixin, TemplateView):
    """An expert scores every criterion of an assigned application, with a comment each."""

    template_name = "selections/review.html"

    def _review(self) -> Review:
        return get_object_or_404(
            Review.objects.select_related("application__call", "application__enterprise"),
            pk=self.kwargs["pk"],
            expert=self.request.user,
        )

    def get_context_data(self, **kwargs):
        review = self._review()
        criteria = list(review.application.call.criteria.all())
        given = {s.criterion_id: s for s in review.scores.all()}
        posted = kwargs.pop("posted", {})
        rows = [
            {
                "criterion": c,
                "score": posted.get(c.code, {}).get("score", given[c.pk].score if c.pk in given else ""),
                "comment": posted.get(c.code, {}).get("comment", given[c.pk].comment if c.pk in given else ""),
                "errors": kwargs.get("errors", {}).get(f"scores.{c.code}", []),
            }
            for c in criteria
        ]
        application = review.application
        return super().get_context_data(review=review, application=application, rows=rows, **kwargs)

    def post(self, request, pk):
        review = self._review()
        scores = {
            c.code: {
                "score": request.POST.get(f"score-{c.code}", ""),
                "comment": request.POST.get(f"comment-{c.code}", ""),
            }
            for c in review.application.call.criteria.all()
        }
        try:
            services.review_submit(review=review, scores=scores, by=request.user, request=request)
        except ValidationError as exc:
            messages.error(request, _("The review was not saved: correct the scores marked below."))
            return self.render_to_response(self.get_context_data(pk=pk, posted=scores, errors=exc.message_dict))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Review submitted."))
        return redirect("selections:review", pk=pk)


class NoticeView(TemplateView):
    """Applications in public notice; anyone may object while a notice runs."""

    template_name = "selections/notice.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(applications=selectors.in_notice(), **kwargs)

    def post(self, request):
        application = next((a for a in selectors.in_notice() if str(a.pk) == request.POST.get("application")), None)
        if application is None:
            messages.error(request, _("This application is not in public notice; objections are closed."))
            return redirect("selections:notice")
        run_step(
            request,
            lambda: (
                services.objection_raise(
                    application=application,
                    name=request.POST.get("name", ""),
                    contact=request.POST.get("contact", ""),
                    text=request.POST.get("text", ""),
                    request=request,
                )
                and _("Your objection was received; the organiser answers it in writing.")
            ),
        )
        return redirect("selections:notice")


class CaseListView(TemplateView):
    """The public library of typical cases: search and filter by theme, industry and province."""

    template_name = "selections/case_list.html"

    def get_context_data(self, **kwargs):
        params = self.request.GET
        filters = {
            "search": params.get("q", "").strip()[:100],
            "theme": params.get("theme", "") if params.get("theme", "") in CaseTheme.values else "",
            "industry": params.get("industry", "") if params.get("industry", "").isdigit() else "",
            "province": params.get("province", "") if params.get("province", "").isdigit() else "",
        }
        methods = list(Method.objects.all())
        method = next((m for m in methods if m.code == params.get("method")), None)
        cases = list(selectors.case_list(**filters, method=method)[:500])
        places = (
            Place(c.region_id, c.region.name, c.title, reverse("selections:case_detail", args=[c.pk])) for c in cases
        )
        return super().get_context_data(
            cases=cases,
            registry_map=map_context(places, title=_("Typical cases"), file_name="typical-cases"),
            filters=filters,
            methods=methods,
            method=method,
            themes=CaseTheme.choices,
            industries=Industry.objects.order_by("code"),
            provinces=Region.objects.filter(level="province").order_by("code"),
            **kwargs,
        )


class CaseDetailView(TemplateView):
    template_name = "selections/case_detail.html"

    def get_context_data(self, **kwargs):
        case = get_object_or_404(selectors.case_list(), pk=kwargs["pk"])
        files = case.application.attachments.filter(public=True)
        return super().get_context_data(case=case, files=files, **kwargs)


class CaseFileView(View):
    """A file the applicant agreed to publish with its case; anyone may read it once the case is published."""

    def get(self, request, pk, attachment_pk):
        case = get_object_or_404(selectors.case_list(), pk=pk)
        item = get_object_or_404(case.application.attachments.filter(public=True), pk=attachment_pk)
        return FileResponse(
            item.file.open("rb"), as_attachment=True, filename=item.original_name, content_type=item.content_type
        )


class AttachmentDownloadView(LoginRequiredMixin, View):
    """An application's file, for the people taking part in it only (never from a public media URL)."""

    def get(self, request, pk, attachment_pk):
        application = selectors.application_get(request.user, pk, request=request)
        item = get_object_or_404(application.attachments, pk=attachment_pk)
        return FileResponse(
            item.file.open("rb"), as_attachment=True, filename=item.original_name, content_type=item.content_type
        )


class CallAttachmentDownloadView(View):
    """A call's document, for whoever may see the call (everyone once it is announced)."""

    def get(self, request, pk, attachment_pk):
        call = selectors.call_get(request.user, pk)
        item = get_object_or_404(call.attachments, pk=attachment_pk)
        return FileResponse(
            item.file.open("rb"), as_attachment=True, filename=item.original_name, content_type=item.content_type
        )
