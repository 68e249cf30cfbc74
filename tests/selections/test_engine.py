"""The selection engine from call to published list (ARCHITECTURE §8): every step allowed and refused, quotas,
deadlines, experts' conflicts of interest, the panel score, objections, history and scope."""

import pytest
from django.core.exceptions import ValidationError

from accounts.choices import Role
from accounts.scoping import scope
from core.exceptions import NotPermitted
from evaluations.models import ConflictDeclaration
from selections import services
from selections.choices import ApplicationStatus, CallKind, CallScope
from selections.models import Application, ApplicationChange, Quota, Review
from tests.factories import EnterpriseFactory, UserFactory, grant
from tests.selections.data import ANSWERS, DAY, GOOD, TODAY

pytestmark = pytest.mark.django_db


def _experts(count: int) -> list:
    return [grant(UserFactory(username=f"expert{n}"), Role.EXPERT) for n in range(count)]


def _submitted(call, user, enterprise, title="Pilot line"):
    application = services.application_save(call=call, enterprise=enterprise, title=title, data=ANSWERS, by=user)
    return services.application_submit(application=application, by=user)


def _in_review(call, user, enterprise, officer, miit, experts):
    application = _submitted(call, user, enterprise)
    services.applications_recommend(
        call=call, authority=officer.active_memberships[0].authority, ranked=[application], by=officer
    )
    for expert in experts:
        services.review_assign(application=application, expert=expert, by=miit)
    return Application.objects.get(pk=application.pk)


def test_a_national_call_from_application_to_the_published_list(
    call, alice, shenzhen_enterprise, shenzhen_officer, miit_officer
):
    experts = _experts(5)
    application = _in_review(call, alice, shenzhen_enterprise, shenzhen_officer, miit_officer, experts)
    assert application.authority_id == "SZ"  # Shenzhen's own authority, not Guangdong's, recommends it
    assert (application.status, application.rank) == (ApplicationStatus.IN_REVIEW, 1)
    for expert, score in zip(experts, (40, 78, 80, 82, 99), strict=True):
        review = Review.objects.get(application=application, expert=expert)
        scores = {code: {"score": score, "comment": "Explained."} for code in ("C1", "C2", "C3")}
        services.review_submit(review=review, scores=scores, by=expert)
    application.refresh_from_db()
    assert float(application.panel_score) == pytest.approx(80.0)  # 40 and 99 left out
    assert application.disagreement is True  # 59 points apart

    services.application_shortlist(application=application, by=miit_officer)
    services.application_notice(application=application, by=miit_officer)
    application.refresh_from_db()
    assert application.notice_until > TODAY
    with pytest.raises(services.SelectionError, match="public notice runs until"):
        services.application_select(application=application, by=miit_officer)
    after_notice = application.notice_until + DAY
    services.application_select(application=application, by=miit_officer, today=after_notice)
    services.application_publish(application=application, by=miit_officer)

    steps = list(ApplicationChange.objects.filter(application=application).values_list("to_status", flat=True))
    assert steps == ["draft", "submitted", "recommended", "in_review", "shortlisted", "notice", "selected", "published"]
    assert scope(None, Application.objects.all()).get() == application  # the public sees the published list


def test_an_enterprise_outside_a_provincial_call_cannot_apply(guangdong_officer, alice, beijing_enterprise):
    call = services.call_create(
        by=guangdong_officer,
        kind=CallKind.TYPICAL_CASE,
        year=TODAY.year,
        scope=CallScope.PROVINCIAL,
        authority=guangdong_officer.active_memberships[0].authority,
        title_zh="广东省质量典型案例",
        title_en="Guangdong typical cases",
        opens_on=TODAY,
        closes_on=TODAY,
        recommend_by=TODAY,
    )
    call = services.call_announce(call=call, by=guangdong_officer)
    carol = grant(UserFactory(username="carol"), Role.ENTERPRISE_ADMIN, enterprise=beijing_enterprise)
    with pytest.raises(services.SelectionError, match="not open to enterprises of your region"):
        services.application_save(call=call, enterprise=beijing_enterprise, title="Case", data={}, by=carol)
    application = services.application_save(
        call=call, enterprise=alice.active_memberships[0].enterprise, title="Case", data={}, by=alice
    )
    assert application.status == ApplicationStatus.DRAFT


def test_only_the_organiser_opens_a_call(guangdong_officer, alice):
    with pytest.raises(NotPermitted):
        services.call_create(
            by=guangdong_officer,
            kind=CallKind.LAB,
            year=TODAY.year,
            scope=CallScope.NATIONAL,
            title_zh="实验室",
            title_en="Labs",
            opens_on=TODAY,
            closes_on=TODAY,
            recommend_by=TODAY,
        )


def test_a_call_with_dates_out_of_order_or_bad_criteria_is_refused_whole(miit_officer):
    with pytest.raises(ValidationError) as refused:
        services.call_create(
            by=miit_officer,
            kind=CallKind.LAB,
            year=TODAY.year,
            scope=CallScope.NATIONAL,
            title_zh="实验室",
            title_en="Labs",
            opens_on=TODAY,
            closes_on=TODAY - DAY,
            recommend_by=TODAY,
            criteria=[{"code": "C1", "name_zh": "甲", "name_en": "A", "weight": "0.5", "max_score": 100}],
        )
    assert set(refused.value.message_dict) == {"closes_on", "criteria"}
    assert not services.Call.objects.exists()


def test_a_half_filled_application_is_kept_as_a_draft_and_cannot_be_submitted(call, alice, shenzhen_enterprise):
    draft = services.application_save(
        call=call, enterprise=shenzhen_enterprise, title="Pilot line", data={"summary": "Half done."}, by=alice
    )
    with pytest.raises(ValidationError) as refused:
        services.application_submit(application=draft, by=alice)
    assert "data.contact_name" in refused.value.message_dict
    draft.refresh_from_db()
    assert (draft.status, draft.data) == (ApplicationStatus.DRAFT, {"summary": "Half done."})


def test_a_bad_answer_is_refused_and_the_saved_draft_is_unchanged(call, alice, shenzhen_enterprise):
    draft = services.application_save(
        call=call, enterprise=shenzhen_enterprise, title="Pilot line", data=ANSWERS, by=alice
    )
    with pytest.raises(ValidationError) as refused:
        services.application_save(
            call=call,
            enterprise=shenzhen_enterprise,
            title="Pilot line",
            data={**ANSWERS, "equipment_value": "-5"},
            by=alice,
        )
    assert refused.value.message_dict == {"data.equipment_value": ["Pilot equipment value (10,000 yuan): At least 0."]}
    draft.refresh_from_db()
    assert draft.data["equipment_value"] == "3200"


def test_applications_close_on_the_calls_closing_day(call, alice, shenzhen_enterprise):
    draft = services.application_save(
        call=call, enterprise=shenzhen_enterprise, title="Pilot line", data=ANSWERS, by=alice
    )
    with pytest.raises(services.SelectionError, match="closed on"):
        services.application_submit(application=draft, by=alice, today=call.closes_on + DAY)
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


def test_an_unannounced_call_takes_no_applications(miit_officer, alice, shenzhen_enterprise):
    call = services.call_create(
        by=miit_officer,
        kind=CallKind.BRAND,
        year=TODAY.year,
        scope=CallScope.NATIONAL,
        title_zh="品牌",
        title_en="Brands",
        opens_on=TODAY,
        closes_on=TODAY,
        recommend_by=TODAY,
    )
    with pytest.raises(services.SelectionError, match="not open for applications yet"):
        services.application_save(call=call, enterprise=shenzhen_enterprise, title="Brand", data={}, by=alice)


def test_the_authority_ranks_within_its_quota_and_the_rest_are_not_recommended(call, guangdong_officer, miit_officer):
    users = []
    for n in range(3):
        enterprise = EnterpriseFactory(region_id="440100")
        users.append((grant(UserFactory(username=f"gz{n}"), Role.ENTERPRISE_ADMIN, enterprise=enterprise), enterprise))
    applications = [_submitted(call, user, enterprise) for user, enterprise in users]
    guangdong = guangdong_officer.active_memberships[0].authority
    with pytest.raises(ValidationError, match="Your quota is 2; you ranked 3"):
        services.applications_recommend(call=call, authority=guangdong, ranked=applications, by=guangdong_officer)
    assert not Application.objects.exclude(status=ApplicationStatus.SUBMITTED).exists()

    Quota.objects.create(call=call, authority=guangdong, slots=1)
    services.applications_recommend(call=call, authority=guangdong, ranked=[applications[2]], by=guangdong_officer)
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses == {
        applications[0].pk: ApplicationStatus.NOT_RECOMMENDED,
        applications[1].pk: ApplicationStatus.NOT_RECOMMENDED,
        applications[2].pk: ApplicationStatus.RECOMMENDED,
    }
    assert "Not among the applications" in Application.objects.get(pk=applications[0].pk).feedback


def test_recommendations_close_on_their_day_and_belong_to_the_applicants_authority(
    call, bob, guangzhou_enterprise, guangdong_officer, shenzhen_officer
):
    application = _submitted(call, bob, guangzhou_enterprise)
    guangdong = guangdong_officer.active_memberships[0].authority
    with pytest.raises(NotPermitted):
        services.applications_recommend(call=call, authority=guangdong, ranked=[application], by=shenzhen_officer)
    with pytest.raises(services.SelectionError, match="Recommendations to this call closed"):
        services.applications_recommend(
            call=call, authority=guangdong, ranked=[application], by=guangdong_officer, today=call.recommend_by + DAY
        )
    with pytest.raises(NotPermitted):
        services.application_return(application=application, reason="Incomplete.", by=shenzhen_officer)
    services.application_return(application=application, reason="Attach the equipment list.", by=guangdong_officer)
    application.refresh_from_db()
    assert (application.status, application.feedback) == (ApplicationStatus.DRAFT, "Attach the equipment list.")


def test_an_expert_with_a_tie_to_the_applicants_group_or_a_member_of_it_is_refused(
    call, alice, shenzhen_enterprise, shenzhen_officer, miit_officer
):
    parent = EnterpriseFactory(region_id="440300")
    shenzhen_enterprise.parent = parent
    shenzhen_enterprise.save(update_fields=["parent"])
    application = _in_review(call, alice, shenzhen_enterprise, shenzhen_officer, miit_officer, _experts(1))
    consultant, colleague, former = (grant(UserFactory(username=n), Role.EXPERT) for n in ("dan", "eve", "fay"))
    ConflictDeclaration.objects.create(
        assessor=consultant, enterprise=parent, kind="consulting", started=TODAY - 400 * DAY
    )
    ConflictDeclaration.objects.create(
        assessor=former, enterprise=parent, kind="employment", started=TODAY - 3000 * DAY, ended=TODAY - 1200 * DAY
    )
    grant(colleague, Role.ENTERPRISE_MEMBER, enterprise=shenzhen_enterprise)
    for expert, why in ((consultant, "consults"), (colleague, "is a member")):
        with pytest.raises(ValidationError, match=why):
            services.review_assign(application=application, expert=expert, by=miit_officer)
    services.review_assign(application=application, expert=former, by=miit_officer)  # ended over three years ago
    assert application.reviews.count() == 2


def test_an_expert_scoring_out_of_range_or_without_a_comment_changes_nothing(
    call, alice, shenzhen_enterprise, shenzhen_officer, miit_officer
):
    experts = _experts(1)
    application = _in_review(call, alice, shenzhen_enterprise, shenzhen_officer, miit_officer, experts)
    review = application.reviews.get()
    bad = {**GOOD, "C2": {"score": 120, "comment": "Too good."}, "C3": {"score": 50, "comment": " "}}
    with pytest.raises(ValidationError) as refused:
        services.review_submit(review=review, scores=bad, by=experts[0])
    assert set(refused.value.message_dict) == {"scores.C2", "scores.C3"}
    review.refresh_from_db()
    assert (review.submitted_at, review.scores.count()) == (None, 0)
    with pytest.raises(NotPermitted):
        services.review_submit(review=review, scores=GOOD, by=miit_officer)
    services.review_submit(review=review, scores=GOOD, by=experts[0])
    with pytest.raises(services.SelectionError, match="frozen"):
        services.review_submit(review=review, scores=GOOD, by=experts[0])


def test_shortlisting_needs_three_submitted_reviews(call, alice, shenzhen_enterprise, shenzhen_officer, miit_officer):
    experts = _experts(3)
    application = _in_review(call, alice, shenzhen_enterprise, shenzhen_officer, miit_officer, experts)
    for expert in experts[:2]:
        services.review_submit(review=application.reviews.get(expert=expert), scores=GOOD, by=expert)
    with pytest.raises(services.SelectionError, match="2 of 3 in"):
        services.application_shortlist(application=application, by=miit_officer)
    application.refresh_from_db()
    assert (application.status, application.panel_score) == (ApplicationStatus.IN_REVIEW, None)


def test_an_upheld_objection_ends_the_application_and_a_dismissed_one_lets_it_through(
    call, alice, shenzhen_enterprise, shenzhen_officer, miit_officer, bob, guangzhou_enterprise, guangdong_officer
):
    noticed = []
    for user, enterprise, officer in (
        (alice, shenzhen_enterprise, shenzhen_officer),
        (bob, guangzhou_enterprise, guangdong_officer),
    ):
        experts = [grant(UserFactory(username=f"{user.username}-x{n}"), Role.EXPERT) for n in range(3)]
        application = _in_review(call, user, enterprise, officer, miit_officer, experts)
        for expert in experts:
            services.review_submit(review=application.reviews.get(expert=expert), scores=GOOD, by=expert)
        services.application_shortlist(application=application, by=miit_officer)
        noticed.append(services.application_notice(application=application, by=miit_officer))
    upheld = services.objection_raise(
        application=noticed[0], name="Li", contact="li@example.com", text="The equipment value is overstated."
    )
    dismissed = services.objection_raise(
        application=noticed[1], name="Wu", contact="wu@example.com", text="I do not like this company."
    )
    after = noticed[1].notice_until + DAY
    with pytest.raises(services.SelectionError, match="Resolve the open objections"):
        services.application_select(application=noticed[1], by=miit_officer, today=after)
    with pytest.raises(ValidationError):
        services.objection_resolve(objection=upheld, uphold=True, resolution=" ", by=miit_officer)
    services.objection_resolve(objection=upheld, uphold=True, resolution="Checked: overstated.", by=miit_officer)
    services.objection_resolve(objection=dismissed, uphold=False, resolution="No grounds given.", by=miit_officer)
    first = Application.objects.get(pk=noticed[0].pk)
    assert first.status == ApplicationStatus.NOT_SELECTED
    assert "overstated" in first.feedback
    services.application_select(application=noticed[1], by=miit_officer, today=after)
    with pytest.raises(services.SelectionError, match="objections are closed"):
        services.objection_raise(
            application=noticed[1], name="Li", contact="li@example.com", text="Too late for this one."
        )


def test_each_role_sees_only_its_applications(
    call, alice, shenzhen_enterprise, shenzhen_officer, miit_officer, bob, guangzhou_enterprise, guangdong_officer
):
    experts = _experts(1)
    mine = _in_review(call, alice, shenzhen_enterprise, shenzhen_officer, miit_officer, experts)
    theirs = _submitted(call, bob, guangzhou_enterprise)
    visible = lambda user: set(scope(user, Application.objects.all()).values_list("pk", flat=True))  # noqa: E731
    assert visible(alice) == {mine.pk}
    assert visible(bob) == {theirs.pk}
    assert visible(experts[0]) == {mine.pk}
    assert visible(shenzhen_officer) == {mine.pk}
    assert visible(guangdong_officer) == {mine.pk, theirs.pk}  # Guangdong's area holds Shenzhen
    assert visible(miit_officer) == {mine.pk, theirs.pk}
    assert visible(None) == set()  # nothing is public before the notice


def test_steps_out_of_order_or_by_the_wrong_role_are_refused(
    call, alice, shenzhen_enterprise, shenzhen_officer, miit_officer
):
    application = _submitted(call, alice, shenzhen_enterprise)
    with pytest.raises(NotPermitted):
        services.application_publish(application=application, by=alice)
    with pytest.raises(NotPermitted):
        services.application_shortlist(application=application, by=shenzhen_officer)  # not the organiser
    with pytest.raises(services.SelectionError, match="the application is Submitted"):
        services.application_publish(application=application, by=miit_officer)
    with pytest.raises(services.SelectionError, match="recommended applications only"):
        services.review_assign(application=application, expert=_experts(1)[0], by=miit_officer)
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED
