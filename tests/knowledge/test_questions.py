"""The "100 Questions" Q&A (issue 9, part 2): search in both languages, a visitor's question kept until MIIT staff
answer and publish it, only MIIT answers, a too-short question refused, the pages that link to their answers, and
a bounded list page."""

# ruff: noqa: RUF001 (Chinese questions end in a full-width question mark)

import socket

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.choices import Role
from accounts.models import AuditLog
from core.exceptions import NotPermitted
from evaluations.services import evaluation_start
from knowledge import services
from knowledge.demo import seed_questions
from knowledge.models import Question, QuestionCategory, QuestionStatus
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def qa(miit_officer):
    seed_questions(by=miit_officer)


def anchors_and_texts(client, **params) -> list[str]:
    response = client.get(reverse("knowledge:question_list"), params)
    assert response.status_code == 200
    return [q.question_en for _category, questions in response.context["groups"] for q in questions]


def test_search_finds_questions_in_chinese_and_in_english_and_filters_by_category(client, qa):
    assert anchors_and_texts(client, q="五个等级") == ["What do the five levels mean?"]
    assert anchors_and_texts(client, q="五个等级") == anchors_and_texts(client, q="FIVE LEVELS")
    assert anchors_and_texts(client, q="checked by content") == ["Which file types can evidence be?"]  # an answer
    assert anchors_and_texts(client, q="公示期") == [
        "How long does an evaluation take?",
        "What if we disagree with the result?",
    ]
    assert anchors_and_texts(client, q="no such thing") == []
    assert len(anchors_and_texts(client, category="levels")) == 3
    everything = client.get(reverse("knowledge:question_list"))
    # Grouped by category in order, each question with its anchor as HTML id; the submitted one is not public.
    assert [c.code for c, _q in everything.context["groups"]] == ["basics", "levels", "process", "tools"]
    assert 'id="levels"' in everything.text
    assert 'id="workbook"' in everything.text
    assert "中小企业" not in everything.text
    assert all(
        q.answer_zh.startswith("（演示）") and q.answer_en.startswith("(demo)")
        for q in Question.objects.filter(status="published")
    )
    with translation.override("zh-hans"):
        chinese = client.get(reverse("knowledge:question_list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "五个等级分别是什么意思？" in chinese


def test_a_visitors_question_waits_until_miit_answers_and_publishes_it(
    client, qa, miit_officer, mailoutbox, django_capture_on_commit_callbacks
):
    response = client.post(
        reverse("knowledge:question_submit"),
        {"text": "How are the dimension weights chosen?", "email": "v@example.com"},
    )
    assert response.status_code == 302
    question = Question.objects.get(question_en="How are the dimension weights chosen?")
    assert (question.status, question.asked_by, question.asker_email) == (
        QuestionStatus.SUBMITTED,
        None,
        "v@example.com",
    )
    assert "answered" in client.get(response.url).text  # the message says it will be answered
    assert "dimension weights" not in client.get(reverse("knowledge:question_list")).text
    # MIIT sees it in the queue, answers and publishes it.
    client.force_login(miit_officer)
    queue = client.get(reverse("knowledge:question_queue"))
    assert question in queue.context["questions"]
    url = reverse("knowledge:question_answer", args=[question.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "category": QuestionCategory.objects.get(code="basics").pk,
                "order": 20,
                "anchor": "weights",
                "question_zh": "维度权重如何确定？",
                "question_en": question.question_en,
                "answer_zh": "由评价模型规定。",
                "answer_en": "The evaluation model sets them.",
                "publish": "",
            },
        )
    assert response.status_code == 302, response.context["form"].errors
    question.refresh_from_db()
    assert (question.status, question.answered_by) == (QuestionStatus.PUBLISHED, miit_officer)
    # The visitor left an address: one e-mail, Chinese then English, with the answer and a link to it.
    [message] = mailoutbox
    assert message.to == ["v@example.com"]
    assert message.subject == "QualityPath：您的问题已答复 / QualityPath: your question is answered"
    assert message.body.index("由评价模型规定。") < message.body.index("The evaluation model sets them.")
    assert "维度权重如何确定？" in message.body
    assert message.body.count(f"{settings.SITE_URL}/knowledge/questions/#weights") == 2
    client.logout()
    page = client.get(reverse("knowledge:question_list"), {"q": "权重"})
    assert 'id="weights"' in page.text
    assert "The evaluation model sets them." in page.text
    assert AuditLog.objects.filter(object_type__icontains="question", object_id=str(question.pk)).count() == 2


def test_miit_declines_a_question_and_it_stays_unpublished(
    client, qa, miit_officer, mailoutbox, django_capture_on_commit_callbacks
):
    question = Question.objects.get(status=QuestionStatus.SUBMITTED)
    Question.objects.filter(pk=question.pk).update(asker_email="v@example.com")
    client.force_login(miit_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("knowledge:question_answer", args=[question.pk]), {"decline": ""})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.DECLINED
    assert question not in client.get(reverse("knowledge:question_queue")).context["questions"]
    assert mailoutbox == []  # a declined question is not announced


def test_a_mail_server_that_refuses_leaves_the_answer_published(
    qa, miit_officer, settings, django_capture_on_commit_callbacks, caplog
):
    """The real SMTP backend against a port nobody listens on: the answer is published all the same and the
    failure is logged."""
    with socket.socket() as probe:  # a free port, closed again: connecting to it is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 2},
        }
    }
    question = Question.objects.get(status=QuestionStatus.SUBMITTED)
    Question.objects.filter(pk=question.pk).update(asker_email="v@example.com")
    values = {"category": QuestionCategory.objects.first(), "answer_en": "Yes, by dimension."}
    with django_capture_on_commit_callbacks(execute=True):
        services.question_answer(question=question, values=values, by=miit_officer)
    question.refresh_from_db()
    assert (question.status, question.answer_en) == (QuestionStatus.PUBLISHED, "Yes, by dimension.")
    assert "Connection refused" in caplog.text  # logged by on_commit(robust=True)


def test_only_miit_staff_answer(client, qa, alice, guangdong_officer):
    question = Question.objects.get(status=QuestionStatus.SUBMITTED)
    for user in (alice, guangdong_officer):
        with pytest.raises(NotPermitted):
            services.question_answer(question=question, values={"answer_en": "x"}, by=user)
        client.force_login(user)
        assert client.get(reverse("knowledge:question_queue")).status_code == 403
        url = reverse("knowledge:question_answer", args=[question.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"answer_en": "Mine.", "publish": ""}).status_code == 403
    question.refresh_from_db()
    assert (question.status, question.answer_en) == (QuestionStatus.SUBMITTED, "")


@pytest.mark.parametrize("text", ["", "   ", "why?"], ids=["empty", "blank", "too-short"])
def test_a_too_short_question_is_refused_and_nothing_is_created(client, qa, text):
    before = Question.objects.count()
    response = client.post(reverse("knowledge:question_submit"), {"text": text})
    assert response.status_code == 200
    message = response.context["form"].errors["text"][0]
    assert message in response.content.decode()
    assert Question.objects.count() == before


def test_the_result_page_and_the_workbook_page_link_to_their_answers(client, qa, alice, shenzhen_enterprise):
    evaluation = evaluation_start(enterprise=shenzhen_enterprise, by=alice, cycle=2026)
    client.force_login(alice)
    result = client.get(reverse("evaluations:evaluation_result", kwargs={"pk": evaluation.pk}))
    assert reverse("knowledge:question_list") + "#levels" in result.text
    client.force_login(grant(UserFactory(), Role.ASSESSOR))
    workbooks = client.get(reverse("evaluations:workbook_upload"))
    assert reverse("knowledge:question_list") + "#workbook" in workbooks.text
    # ... and the anchors exist on the Q&A page.
    page = client.get(reverse("knowledge:question_list")).text
    assert 'id="levels"' in page
    assert 'id="workbook"' in page


def test_the_list_page_query_count_does_not_grow_with_questions(client, qa, django_assert_max_num_queries):
    category = QuestionCategory.objects.first()
    Question.objects.bulk_create(
        Question(category=category, question_en=f"Question {n}", answer_en="An answer", status=QuestionStatus.PUBLISHED)
        for n in range(40)
    )
    with django_assert_max_num_queries(4):
        assert client.get(reverse("knowledge:question_list"), {"q": "answer"}).status_code == 200
