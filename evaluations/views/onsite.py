"""The on-site evaluation pages: team assignment (institution) and overrides (authority), each assessor's own
rating sheet, one assessor's ratings (blind until you submit yours), the lead's consensus and findings."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from accounts.choices import Role
from accounts.models import User
from accounts.scoping import scope
from core.exceptions import DomainError, NotPermitted
from core.forms import report_errors
from evaluations import selectors, services
from evaluations.choices import CONFLICT_LABELS, FindingKind, TeamRole
from evaluations.models import ConflictOverride, Evaluation, Qualification
from evaluations.ratings import CONDITION_VALUES, REQUIREMENT_VALUES, spread


def _roles_on(user, evaluation: Evaluation) -> dict:
    member = next((m for m in selectors.team_of(evaluation=evaluation) if m.assessor_id == user.pk), None)
    return {
        "member": member,
        "is_lead": member is not None and member.role == TeamRole.LEAD,
        "is_institution_admin": any(
            m.role == Role.INSTITUTION_ADMIN and m.institution_id == evaluation.institution_id
            for m in user.active_memberships
        ),
        "is_authority": user.has_role(Role.AUTHORITY, Role.NATIONAL)
        and scope(user, Evaluation.objects.filter(pk=evaluation.pk), published=False).exists(),
    }


def _candidates(evaluation: Evaluation) -> list[dict]:
    """The institution's assessors with what the conflict-of-interest check says about each."""
    people = User.objects.filter(
        memberships__institution=evaluation.institution_id, memberships__role=Role.ASSESSOR, memberships__is_active=True
    ).order_by("username")
    overridden = {o.assessor_id: o for o in ConflictOverride.objects.filter(evaluation=evaluation)}
    grades = dict(
        Qualification.objects.filter(assessor__in=people, industry=evaluation.enterprise.industry_id).values_list(
            "assessor_id", "grade"
        )
    )
    rows = []
    for person in people:
        found = services.conflict_check(assessor=person, enterprise=evaluation.enterprise, evaluation=evaluation)
        rows.append(
            {
                "person": person,
                "grade": grades.get(person.pk, ""),
                "conflicts": [CONFLICT_LABELS[c.code] for c in found],
                "override": overridden.get(person.pk),
            }
        )
    return rows


def _outcome(request, action, success: str):
    """Run a service call; report its refusal as page messages, or the success message."""
    try:
        action()
    except ValidationError as exc:
        report_errors(request, exc)
        return False
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


class OnSiteView(LoginRequiredMixin, View):
    """The on-site evaluation at a glance: team, progress, history; the forms for whoever acts next."""

    def get(self, request, pk):
        evaluation = selectors.evaluation_get(user=request.user, pk=pk, request=request)
        if evaluation.institution_id is None:
            raise Http404
        roles = _roles_on(request.user, evaluation)
        show_candidates = evaluation.status == "assigned" and (roles["is_institution_admin"] or roles["is_authority"])
        return render(
            request,
            "evaluations/onsite.html",
            {
                "evaluation": evaluation,
                "team": selectors.team_of(evaluation=evaluation),
                "history": evaluation.history.select_related("by"),
                "candidates": _candidates(evaluation) if show_candidates else [],
                "findings": evaluation.findings.select_related("indicator"),
                **roles,
            },
        )

    def post(self, request, pk):
        evaluation = selectors.evaluation_get(user=request.user, pk=pk, request=request)
        posted_ids = [*request.POST.getlist("members"), request.POST.get("lead", ""), request.POST.get("assessor", "")]
        people = {str(u.pk): u for u in User.objects.filter(pk__in=[v for v in posted_ids if v.isdigit()])}
        action = request.POST.get("action")
        if action == "team":
            lead = people.get(request.POST.get("lead", ""))
            if lead is None:
                messages.error(request, _("Choose the lead assessor."))
            else:
                members = [people[v] for v in request.POST.getlist("members") if v in people]
                _outcome(
                    request,
                    lambda: services.team_assign(
                        evaluation=evaluation, lead=lead, members=members, by=request.user, request=request
                    ),
                    _("The team is assigned; the assessors can rate on site now."),
                )
        elif action == "override":
            assessor = people.get(request.POST.get("assessor", ""))
            if assessor is None:
                raise Http404
            _outcome(
                request,
                lambda: services.conflict_override(
                    evaluation=evaluation,
                    assessor=assessor,
                    reason=request.POST.get("reason", ""),
                    by=request.user,
                    request=request,
                ),
                _("The conflict is overridden for {user}; the institution can assign them.").format(user=assessor),
            )
        else:
            raise NotPermitted(_("Unknown action."))
        return redirect("evaluations:onsite", pk=evaluation.pk)


def _sheet(evaluation: Evaluation, *, mine: dict, extra: dict | None = None) -> list[dict]:
    """The model's items in order, grouped by dimension and indicator, with the self-assessment answer and the
    given ratings by item code (``mine``) and whatever per-item extras the page needs."""
    model = selectors.model_structure(model=evaluation.model)
    answers = {a.requirement_id: a for a in evaluation.answers.all()}
    extra = extra or {}
    groups = []
    for dimension in model.dimensions.all():
        for indicator in dimension.indicators.all():
            rows = [
                {
                    "item": requirement,
                    "self": answers.get(requirement.pk),
                    "rating": mine.get(requirement.code),
                    **extra.get(requirement.code, {}),
                }
                for requirement in indicator.requirements.all()
            ]
            groups.append({"dimension": dimension, "indicator": indicator, "rows": rows})
    conditions = [
        {"item": condition, "rating": mine.get(condition.code), **extra.get(condition.code, {})}
        for condition in model.conditions.all()
    ]
    return groups, conditions


def _field_state(saved: dict, posted: dict, errors: dict, *, text: str) -> dict[str, dict]:
    """What each item's inputs show: what was just posted (when the post was refused) or what is saved."""
    state = {code: {"value": row.value, "text": getattr(row, text)} for code, row in saved.items()}
    for code, (value, note) in posted.items():
        state[code] = {"value": value, "text": note}
    for code, error in errors.items():
        state.setdefault(code, {})["error"] = error
    return state


def _posted_entries(request, codes, note_field: str) -> dict[str, tuple[str, str]]:
    return {code: (request.POST.get(f"v:{code}", ""), request.POST.get(f"{note_field}:{code}", "")) for code in codes}


class RatingSheetView(LoginRequiredMixin, View):
    """An assessor's own ratings of every requirement and condition; saved as a whole, then submitted once."""

    def _context(self, request, evaluation, errors=None, posted=None):
        mine = {
            (r.requirement or r.condition).code: r
            for r in selectors.ratings_visible(request.user, evaluation).filter(assessor=request.user)
        }
        state = _field_state(mine, posted or {}, errors or {}, text="comment")
        groups, conditions = _sheet(evaluation, mine=mine, extra=state)
        member = evaluation.team.filter(assessor=request.user).first()
        return {
            "evaluation": evaluation,
            "groups": groups,
            "conditions": conditions,
            "member": member,
            "editable": member is not None and member.ratings_submitted_at is None and evaluation.status == "on_site",
            "requirement_values": REQUIREMENT_VALUES,
            "condition_values": list(CONDITION_VALUES),
            "errors": errors or {},
            "posted": posted or {},
            "rated": len(mine),
            "total": sum(len(g["rows"]) for g in groups) + len(conditions),
        }

    def _own_sheet(self, request, pk) -> Evaluation:
        """The evaluation, for a member of its team; a 404 for everyone else, reading or writing."""
        evaluation = selectors.evaluation_get(user=request.user, pk=pk, request=request)
        if not evaluation.team.filter(assessor=request.user).exists():
            raise Http404
        return evaluation

    def get(self, request, pk):
        evaluation = self._own_sheet(request, pk)
        return render(request, "evaluations/rating_sheet.html", self._context(request, evaluation))

    def post(self, request, pk):
        evaluation = self._own_sheet(request, pk)
        codes = [key[2:] for key in request.POST if key.startswith("v:")]
        entries = _posted_entries(request, codes, "c")
        try:
            if entries:
                services.ratings_save(evaluation=evaluation, entries=entries, by=request.user)
            if request.POST.get("action") == "submit":
                services.ratings_submit(evaluation=evaluation, by=request.user, request=request)
                messages.success(request, _("Your ratings are submitted. You can now see your colleagues' ratings."))
                return redirect("evaluations:onsite", pk=evaluation.pk)
        except ValidationError as exc:
            errors = {code: messages_[0] for code, messages_ in exc.message_dict.items()}
            messages.error(request, _("{count} ratings need attention; nothing was saved.").format(count=len(errors)))
            context = self._context(request, evaluation, errors=errors, posted=entries)
            return render(request, "evaluations/rating_sheet.html", context, status=400)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your ratings are saved."))
        return redirect("evaluations:rating_sheet", pk=evaluation.pk)


class AssessorRatingsView(LoginRequiredMixin, View):
    """One team member's ratings, read only; hidden (404) from colleagues who have not submitted their own."""

    def get(self, request, pk, assessor_pk):
        evaluation = selectors.evaluation_get(user=request.user, pk=pk, request=request)
        ratings = selectors.ratings_of(request.user, evaluation, assessor_pk, request=request)
        groups, conditions = _sheet(evaluation, mine=ratings, extra=_field_state(ratings, {}, {}, text="comment"))
        member = evaluation.team.select_related("assessor").get(assessor_id=assessor_pk)
        return render(
            request,
            "evaluations/rating_sheet.html",
            {
                "evaluation": evaluation,
                "groups": groups,
                "conditions": conditions,
                "member": member,
                "editable": False,
                "readonly_of": member,
            },
        )


class ConsensusView(LoginRequiredMixin, View):
    """The lead's consensus: every assessor's rating per item, the spread, the agreed rating and its note;
    findings; submitting the result."""

    def _context(self, request, evaluation, errors=None, posted=None):
        team = selectors.team_of(evaluation=evaluation)
        by_item: dict[str, dict] = {}
        for rating in selectors.ratings_visible(request.user, evaluation):
            by_item.setdefault((rating.requirement or rating.condition).code, {})[rating.assessor_id] = rating.value
        agreed = {
            (c.requirement or c.condition).code: c
            for c in evaluation.consensus.select_related("requirement", "condition")
        }
        extra = _field_state(agreed, posted or {}, errors or {}, text="note")
        for code, values in by_item.items():
            extra.setdefault(code, {}).update(
                team=[values.get(m.assessor_id, "—") for m in team], spread=spread(list(values.values()))
            )
        groups, conditions = _sheet(evaluation, mine=agreed, extra=extra)
        return {
            "evaluation": evaluation,
            "team": team,
            "groups": groups,
            "conditions": conditions,
            "errors": errors or {},
            "posted": posted or {},
            "requirement_values": REQUIREMENT_VALUES,
            "condition_values": list(CONDITION_VALUES),
            "finding_kinds": FindingKind.choices,
            "findings": evaluation.findings.select_related("indicator"),
            "agreed": len(agreed),
            "total": sum(len(g["rows"]) for g in groups) + len(conditions),
            **_roles_on(request.user, evaluation),
        }

    def get(self, request, pk):
        evaluation = selectors.evaluation_get(user=request.user, pk=pk, request=request)
        if evaluation.status != "consensus" and not evaluation.consensus.exists():
            raise Http404
        return render(request, "evaluations/consensus.html", self._context(request, evaluation))

    def post(self, request, pk):
        evaluation = selectors.evaluation_get(user=request.user, pk=pk, request=request)
        services.require_lead(request.user, evaluation)  # before anything, so nobody else is told "saved"
        action = request.POST.get("action", "save")
        if action == "finding":
            _outcome(
                request,
                lambda: services.finding_add(
                    evaluation=evaluation,
                    kind=request.POST.get("kind", ""),
                    text=request.POST.get("text", ""),
                    indicator_code=request.POST.get("indicator", ""),
                    by=request.user,
                ),
                _("The finding is recorded."),
            )
            return redirect("evaluations:consensus", pk=evaluation.pk)
        codes = [key[2:] for key in request.POST if key.startswith("v:")]
        entries = _posted_entries(request, codes, "n")
        try:
            if entries:
                services.consensus_save_many(evaluation=evaluation, entries=entries, by=request.user)
            if action == "submit":
                services.result_submit(evaluation=evaluation, by=request.user, request=request)
                messages.success(request, _("The result is submitted to the authority for approval."))
                return redirect("evaluations:onsite", pk=evaluation.pk)
        except ValidationError as exc:
            errors = {code: messages_[0] for code, messages_ in exc.message_dict.items()}
            messages.error(request, _("{count} items need attention; nothing was saved.").format(count=len(errors)))
            context = self._context(request, evaluation, errors=errors, posted=entries)
            return render(request, "evaluations/consensus.html", context, status=400)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The consensus is saved."))
        return redirect("evaluations:consensus", pk=evaluation.pk)
