"""Public evaluation pages: the model browser and the self-diagnosis quick test."""

from django.conf import settings
from django.http import Http404
from django.views.generic import TemplateView

from evaluations import selectors
from evaluations.diagnosis import diagnose


class ModelDetailView(TemplateView):
    """Public: the structure of an evaluation model, level by level."""

    template_name = "evaluations/model_detail.html"

    def get_context_data(self, **kwargs):
        model = selectors.model_latest(code=kwargs["code"])
        if model is None:
            raise Http404
        return super().get_context_data(
            model=selectors.model_structure(model=model),
            # the quick test (and the self-assessment it prefills) is for the QMC model only
            offers_diagnosis=model.code == settings.EVALUATION_MODEL_CODE,
            **kwargs,
        )


class SelfDiagnosisView(TemplateView):
    """Public quick test: one question per indicator; the estimate is computed and shown, nothing is stored."""

    template_name = "evaluations/self_diagnosis.html"

    def get_context_data(self, **kwargs):
        model = selectors.model_latest(code=self.request.GET.get("model") or "QMC-2024")
        if model is None:
            raise Http404
        return super().get_context_data(model=selectors.model_structure(model=model), **kwargs)

    def post(self, request):
        context = self.get_context_data()
        model = context["model"]
        choices = {key.removeprefix("q-"): value for key, value in request.POST.items() if key.startswith("q-")}
        outcome = diagnose(model=model, spec=selectors.model_spec(model=model), choices=choices)
        if outcome["missing"]:
            context["missing"] = outcome["missing"]
            context["chosen"] = choices
            return self.render_to_response(context, status=400)
        context.update(outcome=outcome, chosen=choices)
        return self.render_to_response(context)
