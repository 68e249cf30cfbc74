"""The public course list (search and filters) and a course's page with its sessions and the enrol button; "My
training", the enterprise's people's training, the organisers' pages (courses and sessions of their area, the
forms, the attendance sheet), the training figures, and the certificate of completion as a PDF."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.models import User
from core.exceptions import DomainError, NotPermitted
from core.forms import add_errors, report_errors
from enterprises.models import Region
from enterprises.selectors import enterprise_of
from training import selectors, services
from training.certificate_pdf import render_completion_pdf
from training.forms import AttendanceForm, CourseForm, EnrolForm, SessionForm
from training.models import Audience, Course, CourseStatus, Enrolment, Session, SessionMode


def _filters(params) -> dict:
    return {
        "search": params.get("q", "").strip()[:100],
        "audience": params.get("audience", ""),
        "mode": params.get("mode", ""),
    }


class CourseListView(TemplateView):
    template_name = "training/course_list.html"

    def get_context_data(self, **kwargs):
        filters = _filters(self.request.GET)
        courses = list(selectors.course_list(self.request.user, **filters)[:300])
        upcoming = selectors.upcoming_sessions().filter(course__in=[c.pk for c in courses])
        if filters["mode"] in SessionMode.values:
            upcoming = upcoming.filter(mode=filters["mode"])
        return super().get_context_data(
            courses=courses,
            upcoming=list(upcoming.select_related("course")[:50]),
            filters=filters,
            audiences=Audience.choices,
            modes=SessionMode.choices,
            may_organise=services.may_organise(self.request.user),
            **kwargs,
        )


def _enterprise_people(user):
    """The people of the enterprise ``user`` administers (for enrolling them), or None."""
    enterprise_id = selectors.admin_enterprise_id(user)
    if enterprise_id is None:
        return None
    return User.objects.filter(
        memberships__enterprise_id=enterprise_id, memberships__is_active=True, is_active=True
    ).order_by("username")


class CourseDetailView(TemplateView):
    template_name = "training/course_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        course = selectors.course_get(user, kwargs["pk"])
        sessions = list(selectors.course_sessions(course))
        mine = set()
        if user.is_authenticated:
            mine = set(
                Enrolment.objects.filter(person=user, session__course=course, status="enrolled").values_list(
                    "session_id", flat=True
                )
            )
        enterprise_people = _enterprise_people(user) if user.is_authenticated else None
        people = list(enterprise_people) if enterprise_people is not None else None
        taken: dict[int, set[int]] = {}  # session → the administrator's people already enrolled in it
        if people:
            for session_id, person_id in Enrolment.objects.filter(
                session__course=course, status="enrolled", person__in=people
            ).values_list("session_id", "person_id"):
                taken.setdefault(session_id, set()).add(person_id)
        now = timezone.now()
        for session in sessions:
            session.enrolled = session.pk in mine
            session.past = session.starts_at <= now
            session.may_enrol = session.status == "open" and not session.past and session.places_left > 0
            session.people_free = [p for p in people if p.pk not in taken.get(session.pk, ())] if people else []
            if people is not None and not session.people_free:
                session.may_enrol = False  # everyone the administrator may enrol has a place
        return super().get_context_data(
            course=course,
            methods=course.methods.all(),
            attachments=course.attachments.all(),
            sessions=sessions,
            enrol_form=EnrolForm(people=enterprise_people) if enterprise_people is not None else None,
            may_edit=services.may_edit_course(user, course),
            may_organise=services.may_organise(user),
            **kwargs,
        )


class CourseFormView(LoginRequiredMixin, TemplateView):
    """Create (no ``pk``) or change a course, with one more file if given."""

    template_name = "training/course_form.html"

    def _course(self):
        pk = self.kwargs.get("pk")
        user = self.request.user
        if pk is None:
            services.require_may_organise(user)
            return None
        course = selectors.course_get(user, pk)
        services.require_may_edit_course(user, course)
        return course

    def get_context_data(self, **kwargs):
        course = kwargs.pop("course", None) if "course" in kwargs else self._course()
        form = kwargs.pop("form", None) or CourseForm(instance=course)
        return super().get_context_data(form=form, course=course, **kwargs)

    def post(self, request, **kwargs):
        course = self._course()
        form = CourseForm(request.POST, request.FILES, instance=Course.objects.get(pk=course.pk) if course else None)
        if form.is_valid():
            values = {field: form.cleaned_data[field] for field in services.COURSE_FIELDS}
            try:
                course = services.course_save(
                    values=values,
                    by=request.user,
                    course=course,
                    methods=form.cleaned_data["methods"],
                    upload=form.cleaned_data.get("attachment"),
                    request=request,
                )
            except (ValidationError, DomainError) as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The course is saved."))
                return redirect("training:course_detail", pk=course.pk)
        return self.render_to_response(self.get_context_data(form=form, course=course))


class AttachmentDownloadView(View):
    """A course's file, for whoever may read the course (everyone unless it is a draft)."""

    def get(self, request, pk, attachment_pk):
        course = selectors.course_get(request.user, pk)
        item = get_object_or_404(course.attachments, pk=attachment_pk)
        return FileResponse(
            item.file.open("rb"), as_attachment=True, filename=item.original_name, content_type=item.content_type
        )


class EnrolView(LoginRequiredMixin, View):
    """Enrol oneself, or (an enterprise administrator) one of the enterprise's people; the result as a message."""

    http_method_names = ["post"]

    def post(self, request, pk):
        session = get_object_or_404(Session.objects.filter(course__in=selectors.course_list(request.user)), pk=pk)
        people = _enterprise_people(request.user)
        form = EnrolForm(request.POST, people=people)
        person = request.user
        if people is not None:
            if not form.is_valid():
                report_errors(request, form.errors)
                return redirect("training:course_detail", pk=session.course_id)
            person = form.cleaned_data["person"]
        try:
            services.enrol(session=session, person=person, by=request.user, request=request)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("{person} is enrolled.").format(person=person))
        return redirect("training:course_detail", pk=session.course_id)


class EnrolmentCancelView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        enrolment = get_object_or_404(Enrolment, pk=pk)
        try:
            services.enrolment_cancel(enrolment=enrolment, by=request.user, request=request)
        except NotPermitted as exc:  # someone else's place: its existence is not confirmed
            raise Http404 from exc
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The place is given up."))
        return redirect("training:my_training")


class CertificateView(LoginRequiredMixin, View):
    """The certificate of completion as a PDF: the person, their enterprise's administrator, the organiser (the
    session's area) and MIIT; not found for anyone else."""

    def get(self, request, pk):
        enrolment = selectors.enrolment_for_certificate(request.user, pk)
        response = HttpResponse(render_completion_pdf(enrolment), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{enrolment.certificate_number}.pdf"'
        return response


class MyTrainingView(LoginRequiredMixin, TemplateView):
    template_name = "training/my_training.html"

    def get_context_data(self, **kwargs):
        enrolments = list(selectors.my_enrolments(self.request.user))
        return super().get_context_data(
            enrolments=enrolments,
            hours=sum(e.hours_credited for e in enrolments if e.completed_on),
            now=timezone.now(),
            **kwargs,
        )


class EnterpriseTrainingView(LoginRequiredMixin, TemplateView):
    """The training of the enterprise's people, for its administrator and members."""

    template_name = "training/enterprise_training.html"

    def get_context_data(self, **kwargs):
        enterprise = enterprise_of(self.request.user)
        if enterprise is None:
            raise NotPermitted(_("Only an enterprise's administrator and members see its people's training."))
        enrolments = list(selectors.enterprise_enrolments(enterprise.pk)[:1000])
        completed = [e for e in enrolments if e.completed_on]
        return super().get_context_data(
            enterprise=enterprise,
            enrolments=enrolments,
            people=len({e.person_id for e in enrolments}),
            completions=len(completed),
            hours=sum(e.hours_credited for e in completed),
            is_admin=selectors.admin_enterprise_id(self.request.user) == enterprise.pk,
            **kwargs,
        )


class OrganiserView(LoginRequiredMixin, TemplateView):
    """MIIT staff and authorities: the courses they publish and the sessions of their area."""

    template_name = "training/organiser.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        services.require_may_organise(user)
        return super().get_context_data(
            courses=list(selectors.organiser_courses(user)[:300]),
            sessions=list(selectors.organiser_sessions(user)[:300]),
            **kwargs,
        )


def _regions_for(user):
    condition = selectors.area_q(user, field="code")
    return Region.objects.all() if condition is None else Region.objects.filter(condition)


def _courses_for(user):
    own = selectors.organiser_courses(user)
    return Course.objects.filter(Q(status=CourseStatus.PUBLISHED) | Q(pk__in=own.values("pk"))).order_by("title_zh")


class SessionFormView(LoginRequiredMixin, TemplateView):
    template_name = "training/session_form.html"

    def _session(self):
        user = self.request.user
        services.require_may_organise(user)
        pk = self.kwargs.get("pk")
        return None if pk is None else selectors.organiser_session_get(user, pk)

    def _form(self, session, data=None):
        user = self.request.user
        initial = {}
        if session is None and "course" in self.request.GET:
            initial["course"] = self.request.GET["course"][:12]
        instance = Session.objects.get(pk=session.pk) if session else None
        return SessionForm(
            data, instance=instance, initial=initial, courses=_courses_for(user), regions=_regions_for(user)
        )

    def get_context_data(self, **kwargs):
        session = kwargs.pop("session", None) if "session" in kwargs else self._session()
        form = kwargs.pop("form", None) or self._form(session)
        return super().get_context_data(form=form, session=session, **kwargs)

    def post(self, request, **kwargs):
        session = self._session()
        form = self._form(session, request.POST)
        if form.is_valid():
            values = {field: form.cleaned_data[field] for field in services.SESSION_FIELDS}
            try:
                saved = services.session_save(values=values, by=request.user, session=session, request=request)
            except (ValidationError, DomainError) as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The session is saved."))
                return redirect("training:course_detail", pk=saved.course_id)
        return self.render_to_response(self.get_context_data(form=form, session=session))


class AttendanceView(LoginRequiredMixin, TemplateView):
    """The organiser's attendance sheet: one form for the session's list of enrolled people."""

    template_name = "training/attendance.html"

    def _session(self):
        user = self.request.user
        services.require_may_organise(user)
        return selectors.organiser_session_get(user, self.kwargs["pk"])  # another area's session: not found

    def _enrolments(self, session):
        return list(session.enrolments.filter(status="enrolled").select_related("person", "enterprise"))

    def get_context_data(self, **kwargs):
        session = kwargs.pop("session", None) or self._session()
        enrolments = self._enrolments(session)
        form = kwargs.pop("form", None) or AttendanceForm(enrolments=enrolments)
        return super().get_context_data(session=session, form=form, rows=form.rows(), **kwargs)

    def post(self, request, **kwargs):
        session = self._session()
        form = AttendanceForm(request.POST, enrolments=self._enrolments(session))
        if form.is_valid():
            try:
                result = services.attendance_record(
                    session=session, marks=form.marks(), by=request.user, request=request
                )
            except (ValidationError, DomainError) as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Attendance saved: {changed} changed, {completed} completed.").format(**result),
                )
                return redirect("training:attendance", pk=session.pk)
        return self.render_to_response(self.get_context_data(session=session, form=form))


class FiguresView(LoginRequiredMixin, TemplateView):
    """Training figures by year: an authority's area, or the country with a by-province table for MIIT."""

    template_name = "training/figures.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        national = selectors.is_national(user)
        authorities = user.authorities
        if not national and not authorities:
            raise NotPermitted(_("Only MIIT staff and the authorities see the training figures."))
        authority = None if national else authorities[0]
        years = selectors.figure_years(authority)
        this_year = timezone.localdate().year
        if this_year not in years:
            years = [this_year, *years]
        # One of the years offered (with sessions, or this one); anything else, e.g. 100000, shows this year.
        year = next((y for y in years if str(y) == self.request.GET.get("year")), this_year)
        return super().get_context_data(
            authority=authority,
            year=year,
            years=years,
            figures=selectors.figures(authority, year),
            provinces=selectors.figures_by_province(year) if national else None,
            **kwargs,
        )


class CertificateVerifyView(TemplateView):
    """Public: whether a certificate of completion is genuine, from its number and its holder's name (both as
    printed on it); the PDF's QR code opens this page with the number filled in."""

    template_name = "training/certificate_verify.html"

    def get_context_data(self, **kwargs):
        number = self.request.GET.get("number", "").strip()[:40]
        name = self.request.GET.get("name", "").strip()[:150]
        checked = bool(number and name)
        return super().get_context_data(
            number=number,
            name=name,
            checked=checked,
            enrolment=selectors.certificate_check(number=number, name=name) if checked else None,
            **kwargs,
        )
