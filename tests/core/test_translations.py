"""The Chinese catalogue is complete, and the committed .mo says what the .po says."""

import ast
import gettext
import re
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"


def _entries():
    text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#|")]
        keyed: dict[str, list[str]] = {}
        key = None
        for line in lines:
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) (".*")$', line)
            if match:
                key = match.group(1)
                keyed[key] = [ast.literal_eval(match.group(2))]
            elif line.startswith('"') and key:
                keyed[key].append(ast.literal_eval(line))
        if "msgid" in keyed and "".join(keyed["msgid"]):
            flags = " ".join(line for line in lines if line.startswith("#,"))
            context = "".join(keyed["msgctxt"]) + "\x04" if "msgctxt" in keyed else ""  # gettext's context separator
            yield context + "".join(keyed["msgid"]), "".join(keyed.get("msgstr", keyed.get("msgstr[0]", [""]))), flags


def test_every_message_is_translated_and_none_is_fuzzy():
    entries = list(_entries())
    assert len(entries) > 200
    assert [msgid for msgid, msgstr, _ in entries if not msgstr] == []
    assert [msgid for msgid, _, flags in entries if "fuzzy" in flags] == []


def test_compiled_catalogue_matches_the_source():
    with (CATALOGUE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        msgid for msgid, msgstr, flags in _entries() if "plural" not in flags and compiled.gettext(msgid) != msgstr
    ]
    assert stale == [], "run `make messages` (or msgfmt) and commit django.mo"


def test_placeholders_survive_translation():
    pattern = re.compile(r"\{\w+\}|%\(\w+\)[sd]|\{\{ ?\w+ ?\}\}")
    broken = [
        msgid for msgid, msgstr, _ in _entries() if sorted(pattern.findall(msgid)) != sorted(pattern.findall(msgstr))
    ]
    assert broken == []
