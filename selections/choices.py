from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CallKind(models.TextChoices):
    """What a call selects; a published application becomes an entry of that registry (ARCHITECTURE §8)."""

    LAB = "lab", _("Quality-control and technical-evaluation laboratory")
    LAB_REASSESSMENT = "lab_reassessment", _("Laboratory re-assessment")
    PILOT_PLATFORM = "pilot_platform", _("Pilot-scale platform")
    PILOT_SCENARIO = "pilot_scenario", _("Pilot-scale scenario")
    BRAND = "brand", _("Brand list")
    TYPICAL_CASE = "typical_case", _("Typical case")


class CallScope(models.TextChoices):
    NATIONAL = "national", _("National (MIIT)")
    PROVINCIAL = "provincial", _("Provincial (one authority)")


class ApplicationStatus(models.TextChoices):
    """draft -> submitted -> recommended -> in review -> shortlisted -> notice -> selected -> published."""

    DRAFT = "draft", pgettext_lazy("application status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("application status", "Submitted")
    NOT_RECOMMENDED = "not_recommended", pgettext_lazy("application status", "Not recommended")
    RECOMMENDED = "recommended", pgettext_lazy("application status", "Recommended")
    IN_REVIEW = "in_review", pgettext_lazy("application status", "In expert review")
    SHORTLISTED = "shortlisted", pgettext_lazy("application status", "Shortlisted")
    NOTICE = "notice", pgettext_lazy("application status", "In public notice")
    SELECTED = "selected", pgettext_lazy("application status", "Selected")
    NOT_SELECTED = "not_selected", pgettext_lazy("application status", "Not selected")
    PUBLISHED = "published", pgettext_lazy("application status", "Published")


# The public sees an application's name and status from its public notice on.
PUBLIC_STATUSES = frozenset({ApplicationStatus.NOTICE, ApplicationStatus.SELECTED, ApplicationStatus.PUBLISHED})


class FieldType(models.TextChoices):
    """The kinds of answer a call's application form asks for."""

    TEXT = "text", _("Text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    CHOICE = "choice", _("Choice")
    MULTI_CHOICE = "multi_choice", _("Several choices")
    DATE = "date", _("Date")


class CaseTheme(models.TextChoices):
    """What a typical case shows."""

    QUALITY_IMPROVEMENT = "quality_improvement", _("Quality improvement")
    RELIABILITY = "reliability", _("Reliability")
    DIGITAL_QUALITY = "digital_quality", _("Digital quality management")
    BRAND_CREATION = "brand_creation", _("Brand creation")
    PILOT = "pilot", _("Pilot-scale verification")


# The vocabularies of the kinds' application forms, which the registries keep too (selections.kinds renders them
# in both languages for a call's form).


class KeyField(models.TextChoices):
    RAW_MATERIALS = "raw_materials", _("Raw materials")
    EQUIPMENT = "equipment", _("Equipment manufacturing")
    CONSUMER_GOODS = "consumer_goods", _("Consumer goods")
    ELECTRONICS = "electronics", _("Electronics and information")
    NEW_ENERGY = "new_energy", _("New energy")
    BIOMEDICINE = "biomedicine", _("Biomedicine")


class ConstructionMode(models.TextChoices):
    ENTERPRISE = "enterprise", _("Built by an enterprise")
    ALLIANCE = "alliance", _("Industry, university and research together")
    CLUSTER = "cluster", _("Built by a park or cluster")
    INSTITUTE = "institute", _("Built by a research institute")
    PUBLIC_SERVICE = "public_service", _("Built by a public service body")
    GOVERNMENT_GUIDED = "government_guided", _("Government-guided, market-run")


class Service(models.TextChoices):
    """The validation services a platform offers (and an enterprise asks for)."""

    DESIGN = "design", _("Design validation")
    PERFORMANCE = "performance", _("Function and performance validation")
    PROCESS = "process", _("Process validation")
    ADAPTATION = "adaptation", _("Adaptation validation")
    PRODUCTION = "production", _("Production validation")


class BrandType(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise brand")
    PRODUCT = "product", _("Product brand")
    CLUSTER = "cluster", _("Regional cluster brand")


class BrandCategory(models.TextChoices):
    HISTORIC_CLASSIC = "historic_classic", _("Historic classic")
    CONTEMPORARY_QUALITY = "contemporary_quality", _("Contemporary quality")
    TRENDY_NEWCOMER = "trendy_newcomer", _("Trendy newcomer")
