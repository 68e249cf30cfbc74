"""Request-wide rules that belong to no one app."""

from django.http import HttpResponseNotAllowed

# The pages speak GET and POST (HEAD and OPTIONS come with GET); the API under /api/ answers for its own verbs.
PAGE_METHODS = frozenset({"GET", "HEAD", "POST", "OPTIONS"})


class PageMethodsMiddleware:
    """PUT, PATCH, DELETE and any other verb on a page are a 405 before any view runs.

    Django's form views treat PUT as POST and plain function views treat every verb as GET; neither is a way in
    anyone means to offer, so the permission matrix (tests/core/test_permission_matrix.py) expects a 405.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in PAGE_METHODS and not request.path_info.startswith("/api/"):
            return HttpResponseNotAllowed(sorted(PAGE_METHODS - {"OPTIONS"}))
        return self.get_response(request)
