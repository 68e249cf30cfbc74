"""The public methodology page: how the index is computed, with the method version and its parameters."""

from django.views.generic import TemplateView

from indices import method, selectors


class MethodologyView(TemplateView):
    template_name = "indices/methodology.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            version=method.METHOD_VERSION,
            scale=method.SCALE,
            suppress_below=method.SUPPRESS_BELOW,
            targets=sorted(selectors.TARGETS.items()),
            **kwargs,
        )
