"""The platform's e-mails: one message in Chinese and then English (the reader may be either), with links to the
site (``core.links.site_url``). Sending is the caller's: in a batch (``mailers.default.send_messages``) or after
a commit."""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

EMAIL_LANGUAGES = ("zh-hans", "en")
SEPARATOR = "\n\n----------------------------------------\n\n"


def bilingual_email(
    *, subject: Callable[[], str], template: str, context: dict | Callable[[], dict], to: Iterable[str]
) -> EmailMessage:
    """A message to ``to`` whose subject (``subject()``) and body (``template`` rendered with ``context``, or with
    ``context()`` where the values themselves depend on the language) are written in each of
    ``EMAIL_LANGUAGES`` in turn: the subjects joined by " / ", the bodies by a rule."""
    subjects, bodies = [], []
    for language in EMAIL_LANGUAGES:
        with translation.override(language):
            subjects.append(str(subject()))
            bodies.append(render_to_string(template, context() if callable(context) else context).strip())
    return EmailMessage(
        subject=" / ".join(subjects),
        body=SEPARATOR.join(bodies) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=sorted(set(to)),
    )
