import random

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from enterprises import credit_code
from enterprises.validators import validate_credit_code

# Published codes: the standard's worked example and three well-known registrations.
VALID = ["91350100M000100Y43", "91110000600037341L", "91440300708461136T", "11100000000013127D"]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass(code):
    assert credit_code.is_valid(code)
    validate_credit_code(code)


@pytest.mark.parametrize("position", range(18))
def test_every_single_mistyped_position_is_caught(position):
    code = VALID[0]
    for replacement in credit_code.ALPHABET:
        if replacement == code[position]:
            continue
        mistyped = code[:position] + replacement + code[position + 1 :]
        assert not credit_code.is_valid(mistyped), mistyped


def test_wrong_check_character_names_the_expected_one():
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code("91350100M000100Y44")
    (message,) = excinfo.value.messages
    assert "'3'" in message
    assert "'4'" in message
    assert excinfo.value.error_list[0].code == "credit_code_check"


def test_lowercase_is_rejected_with_its_position_and_normalised_for_people():
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code("91350100m000100Y43")
    assert "9" in excinfo.value.messages[0]
    assert excinfo.value.error_list[0].code == "credit_code_lowercase"
    assert credit_code.normalize(" 91350100m000100y43 ") == "91350100M000100Y43"


@pytest.mark.parametrize("code", ["", "91350100M000100Y4", "91350100M000100Y433", "9135 0100"])
def test_wrong_length_is_rejected(code):
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(code)
    assert excinfo.value.error_list[0].code == "credit_code_length"
    assert str(len(code)) in excinfo.value.messages[0]


@pytest.mark.parametrize("bad", ["I", "O", "S", "V", "Z", "-", "中"])
def test_characters_outside_the_alphabet_are_named(bad):
    code = "91350100" + bad + "000100Y43"
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(code)
    assert excinfo.value.error_list[0].code == "credit_code_character"
    assert bad in excinfo.value.messages[0]


@given(st.text(alphabet=credit_code.ALPHABET, min_size=17, max_size=17))
def test_adding_the_check_character_always_gives_a_valid_code(first17):
    assert credit_code.is_valid(credit_code.with_check_character(first17))


def test_transposed_neighbours_are_caught():
    rng = random.Random(1)
    caught = total = 0
    for _ in range(300):
        code = credit_code.with_check_character("".join(rng.choice(credit_code.ALPHABET) for _ in range(17)))
        i = rng.randrange(16)
        if code[i] == code[i + 1]:
            continue
        swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
        total += 1
        caught += not credit_code.is_valid(swapped)
    assert caught == total
