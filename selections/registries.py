"""What a published application becomes: each registry app (labs, pilots, brands) registers, in its own
``registry`` module, the function that turns a published application of a call kind into its registry entry.
``application_publish`` calls ``entry_publish`` in the publication's transaction, so the list and the registry
never disagree."""

from collections.abc import Callable

from django.utils.module_loading import autodiscover_modules

from selections.models import Application

Publisher = Callable[[Application], object]
_PUBLISHERS: dict[str, Publisher] = {}


def register(kind: str) -> Callable[[Publisher], Publisher]:
    """Register ``function`` as what publishing an application of call ``kind`` creates or changes."""

    def decorator(function: Publisher) -> Publisher:
        _PUBLISHERS[kind] = function
        return function

    return decorator


def entry_publish(application: Application) -> object | None:
    """The registry entry the publication creates or changes (None for kinds without a registry yet)."""
    kind = application.call.kind
    if kind not in _PUBLISHERS:
        autodiscover_modules("registry")
    publisher = _PUBLISHERS.get(kind)
    return publisher(application) if publisher else None
