"""A call's application form as data (selections.form_schema)."""

from selections import form_schema
from selections.kinds import default_form

FIELDS = [
    {"key": "name", "label_zh": "名称", "label_en": "Name", "type": "text", "required": True, "max_length": 10},
    {"key": "staff", "label_zh": "人数", "label_en": "Staff", "type": "number", "required": True, "min": 0},
    {
        "key": "field",
        "label_zh": "领域",
        "label_en": "Field",
        "type": "choice",
        "required": False,
        "choices": [{"value": "a", "label_zh": "甲", "label_en": "A"}],
    },
    {"key": "founded", "label_zh": "创立", "label_en": "Founded", "type": "date", "required": False},
]


def test_every_default_form_is_a_valid_definition():
    for kind in ("lab", "lab_reassessment", "pilot_platform", "pilot_scenario", "brand", "typical_case"):
        assert form_schema.definition_problems(default_form(kind)) == [], kind


def test_a_broken_definition_lists_every_problem():
    problems = form_schema.definition_problems(
        [{"key": "Bad Key", "type": "text"}, {"key": "x", "label_zh": "x", "label_en": "x", "type": "choice"}, "?"]
    )
    assert len(problems) == 4  # key, labels, choices missing, not an object


def test_a_draft_keeps_valid_answers_and_needs_no_required_ones():
    cleaned, errors = form_schema.clean_answers(FIELDS, {"staff": " 12 ", "field": ""}, complete=False)
    assert (cleaned, errors) == ({"staff": "12"}, {})


def test_submission_needs_every_required_answer_and_names_each_problem():
    data = {"name": "x" * 11, "field": "b", "founded": "2020-13-01", "extra": "1"}
    _cleaned, errors = form_schema.clean_answers(FIELDS, data, complete=True)
    assert set(errors) == {"name", "staff", "field", "founded", "extra"}
    assert errors["staff"] == "Staff: this field is required."
    assert errors["name"] == "Name: At most 10 characters."


def test_numbers_are_checked_against_their_range():
    _cleaned, errors = form_schema.clean_answers(FIELDS, {"staff": "-1"}, complete=False)
    assert errors == {"staff": "Staff: At least 0."}
    _cleaned, errors = form_schema.clean_answers(FIELDS, {"staff": "NaN"}, complete=False)
    assert errors == {"staff": "Staff: Enter a number."}


def test_several_choices_keep_the_forms_order_and_refuse_unknown_values():
    field = {
        "key": "services",
        "label_zh": "服务",
        "label_en": "Services",
        "type": "multi_choice",
        "required": True,
        "choices": [{"value": v, "label_zh": v, "label_en": v.title()} for v in ("design", "process", "production")],
    }
    assert form_schema.clean_answers([field], {"services": ["production", "design"]}, complete=True) == (
        {"services": ["design", "production"]},
        {},
    )
    assert form_schema.clean_answers([field], {"services": []}, complete=True)[1] == {
        "services": "Services: this field is required."
    }
    assert form_schema.clean_answers([field], {"services": ["design", "x"]}, complete=False)[1] == {
        "services": "Services: Choose among the options."
    }
    assert form_schema.answers_for_display([field], {"services": ["design", "production"]}) == [
        ("Services", "Design, Production")
    ]
