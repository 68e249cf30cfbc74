"""The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, the last a check character.

Pure Python, no Django: the model-field validator, forms, API and demo-data generator all use these functions.
"""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18
_VALUE = {char: index for index, char in enumerate(ALPHABET)}


def normalize(raw: str) -> str:
    """What a person meant to type: surrounding and inner spaces dropped, letters in upper case."""
    return "".join(raw.split()).upper()


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (each must be in ``ALPHABET``)."""
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def problems(code: str) -> list[tuple[str, dict]]:
    """Everything wrong with ``code``, as (error code, parameters) pairs; empty when the code is valid."""
    if len(code) != LENGTH:
        return [("length", {"length": len(code)})]
    found = []
    for position, char in enumerate(code, start=1):
        if char.islower() and char.upper() in _VALUE:
            found.append(("lowercase", {"position": position, "char": char}))
        elif char not in _VALUE:
            found.append(("character", {"position": position, "char": char}))
    if found:
        return found
    expected = check_character(code[:17])
    if code[17] != expected:
        return [("check", {"expected": expected, "given": code[17]})]
    return []


def is_valid(code: str) -> bool:
    return not problems(code)


def with_check_character(first17: str) -> str:
    return first17 + check_character(first17)
