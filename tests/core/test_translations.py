"""The Chinese catalogue is complete, and the committed .mo says what the .po says."""

import ast
import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"
# What `make messages` leaves out of the catalogue (keep the two lists the same): code that users never see.
NOT_TRANSLATED = (".venv", "tests", "benchmarks", "scripts", "artifacts", "var", "media", "node_modules")


def _entries(catalogue: Path = CATALOGUE):
    text = (catalogue / "django.po").read_text(encoding="utf-8")
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


def test_every_string_of_the_sources_is_in_the_catalogue_and_translated(tmp_path):
    """Extract the strings from the templates and Python sources now (makemessages, into a copy of the project),
    so a string added without running `make messages` fails here, not in front of a Chinese-speaking user."""
    assert shutil.which("xgettext"), "the check extracts strings with GNU gettext: apt-get install gettext"
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT, copy, ignore=shutil.ignore_patterns(*NOT_TRANSLATED, ".git", "__pycache__", "*.sqlite3", ".hypothesis")
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "-v", "0"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    extracted = list(_entries(copy / "locale" / "zh_Hans" / "LC_MESSAGES"))
    assert len(extracted) >= len(list(_entries()))
    assert [msgid for msgid, msgstr, _ in extracted if not msgstr] == [], "run `make messages` and translate"
    assert [msgid for msgid, _, flags in extracted if "fuzzy" in flags] == [], "run `make messages` and translate"


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
