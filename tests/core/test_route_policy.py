"""Every route of the project is declared here with what an anonymous visitor gets.

A new route without a line here fails the test, so nobody adds a page and forgets its protection. (The full
role-by-route matrix comes with the security issue; this is its anonymous row.)
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PUBLIC, LOGIN, API_DENIED, METHOD = "public", "login", "api_denied", "method"
# A public route whose example object does not exist: the visitor gets the 404 page, not the login page.
MISSING = "missing"

# url name → (kwargs, what an anonymous GET gets)
POLICY = {
    "home": ({}, PUBLIC),
    "healthz": ({}, PUBLIC),
    "set_language": ({}, PUBLIC),
    "accounts:login": ({}, PUBLIC),
    "accounts:logout": ({}, METHOD),
    "accounts:password_change": ({}, LOGIN),
    "accounts:audit_log": ({}, LOGIN),
    "enterprises:enterprise_list": ({}, LOGIN),
    "enterprises:enterprise_register": ({}, PUBLIC),
    "enterprises:claim_list": ({}, LOGIN),
    "enterprises:claim_decide": ({"pk": 1}, LOGIN),
    "enterprises:enterprise_detail": ({"pk": 1}, LOGIN),
    "enterprises:enterprise_edit": ({"pk": 1}, LOGIN),
    "enterprises:supplierlink_create": ({"pk": 1}, LOGIN),
    "enterprises:supplierlink_delete": ({"pk": 1, "link_pk": 1}, LOGIN),
    "enterprises:supplierlink_respond": ({"pk": 1, "link_pk": 1}, LOGIN),
    "enterprises:supply_chain": ({"pk": 1}, LOGIN),
    "evaluations:evaluation_list": ({}, LOGIN),
    "indices:methodology": ({}, PUBLIC),
    "geo_provinces": ({}, PUBLIC),
    "geo_maritime": ({}, PUBLIC),
    "geo_province_cities": ({"code": "440000"}, PUBLIC),
    "indices:warning_list": ({}, LOGIN),
    "indices:warning_detail": ({"pk": 1}, LOGIN),
    "evaluations:self_diagnosis": ({}, PUBLIC),
    "evaluations:evaluation_queue": ({}, LOGIN),
    "evaluations:calibration": ({}, LOGIN),
    "evaluations:institution_list": ({}, LOGIN),
    "evaluations:institution_detail": ({"pk": 1}, LOGIN),
    "evaluations:evaluation_decide": ({"pk": 1}, LOGIN),
    "evaluations:evaluation_assign": ({"pk": 1}, LOGIN),
    "evaluations:model_detail": ({"code": "QMC-2024"}, PUBLIC),
    "evaluations:results_inquiry": ({}, PUBLIC),
    "evaluations:notice_list": ({}, PUBLIC),
    "evaluations:objection_create": ({"pk": 1}, PUBLIC),
    "evaluations:certificate_search": ({}, PUBLIC),
    "evaluations:certificate_verify": ({"number": "QP-2026-44-000001"}, MISSING),
    "evaluations:certificate_pdf": ({"number": "QP-2026-44-000001"}, MISSING),
    "evaluations:decision_list": ({}, LOGIN),
    "evaluations:evaluation_decision": ({"pk": 1}, LOGIN),
    "evaluations:evaluation_detail": ({"pk": 1}, LOGIN),
    "evaluations:evidence_upload": ({"pk": 1}, LOGIN),
    "evaluations:evidence_download": ({"pk": 1, "evidence_pk": 1}, LOGIN),
    "evaluations:evaluation_review": ({"pk": 1}, LOGIN),
    "evaluations:evaluation_result": ({"pk": 1}, LOGIN),
    "evaluations:onsite": ({"pk": 1}, LOGIN),
    "evaluations:rating_sheet": ({"pk": 1}, LOGIN),
    "evaluations:assessor_ratings": ({"pk": 1, "assessor_pk": 1}, LOGIN),
    "evaluations:consensus": ({"pk": 1}, LOGIN),
    "evaluations:workbook_template": ({"pk": 1}, LOGIN),
    "evaluations:workbook_batch_template": ({}, LOGIN),
    "evaluations:workbook_upload": ({}, LOGIN),
    "evaluations:workbook_detail": ({"pk": 1}, LOGIN),
    "core:job_status": ({"pk": 1}, LOGIN),
    # exports: started by a POST from a list, watched and downloaded by the person who asked
    "core:export_list": ({}, LOGIN),
    "core:export_start": ({}, METHOD),
    "core:export_detail": ({"pk": 1}, LOGIN),
    "core:job_download": ({"pk": 1}, LOGIN),
    "api:api-root": ({}, PUBLIC),
    "api:region-list": ({}, PUBLIC),
    "api:region-detail": ({"pk": "440300"}, PUBLIC),
    "api:industry-list": ({}, PUBLIC),
    "api:industry-detail": ({"pk": "39"}, PUBLIC),
    "api:authority-list": ({}, PUBLIC),
    "api:authority-detail": ({"pk": "GD"}, PUBLIC),
    "api:enterprise-list": ({}, API_DENIED),
    "api:enterprise-detail": ({"pk": 1}, API_DENIED),
    "api:evaluation-model-list": ({}, PUBLIC),
    "api:evaluation-model-detail": ({"code": "QMC-2024"}, PUBLIC),
    "api:certificate-detail": ({"number": "QP-2026-44-000001"}, MISSING),
    "api:result-list": ({}, PUBLIC),
    "api:auth_token": ({}, METHOD),
    "api:scoring_preview": ({}, METHOD),
    "api:evaluation_answer": ({"pk": 1}, API_DENIED),
    "api:evaluation-list": ({}, API_DENIED),
    "api:evaluation-detail": ({"pk": 1}, API_DENIED),
    "api:evaluation-ratings": ({"pk": 1}, API_DENIED),
    "api:evaluation-result": ({"pk": 1}, API_DENIED),
    "api:evaluation_eligibility": ({"pk": 1}, API_DENIED),
    "indices:dashboard": ({}, LOGIN),
    "indices:dashboard_csv": ({}, LOGIN),
    "indices:dashboard_xlsx": ({}, LOGIN),
    "indices:public_map": ({}, PUBLIC),
    "api:index_cells": ({}, PUBLIC),
    "api:index_industries": ({}, PUBLIC),
    "api:index_trend": ({}, PUBLIC),
    "api:index_kpis": ({}, PUBLIC),
    "api:call-list": ({}, PUBLIC),
    "api:call-detail": ({"pk": 1}, MISSING),
    "api:application-list": ({}, API_DENIED),
    "api:application-detail": ({"pk": 1}, API_DENIED),
    "pilots:platform_list": ({}, PUBLIC),
    "pilots:platform_download": ({"kind": "csv"}, PUBLIC),
    "pilots:platform_detail": ({"pk": 1}, MISSING),
    "pilots:request_list": ({}, LOGIN),
    "pilots:scenario_list": ({}, PUBLIC),
    "pilots:scenario_download": ({"kind": "xlsx"}, PUBLIC),
    "pilots:scenario_detail": ({"pk": 1}, MISSING),
    "api:pilot-platform-list": ({}, PUBLIC),
    "api:pilot-platform-detail": ({"pk": 1}, MISSING),
    "labs:lab_list": ({}, PUBLIC),
    "labs:lab_download": ({"kind": "csv"}, PUBLIC),
    "labs:lab_detail": ({"pk": 1}, MISSING),
    "api:lab-list": ({}, PUBLIC),
    "api:lab-detail": ({"pk": 1}, MISSING),
    "selections:call_list": ({}, PUBLIC),
    "selections:call_create": ({}, LOGIN),
    "selections:call_detail": ({"pk": 1}, MISSING),
    "selections:call_edit": ({"pk": 1}, LOGIN),
    "selections:call_attachment": ({"pk": 1, "attachment_pk": 1}, MISSING),
    "selections:recommend": ({"pk": 1}, LOGIN),
    "selections:application_detail": ({"pk": 1}, LOGIN),
    "selections:attachment_download": ({"pk": 1, "attachment_pk": 1}, LOGIN),
    "selections:review": ({"pk": 1}, LOGIN),
    "selections:notice": ({}, PUBLIC),
    "selections:case_list": ({}, PUBLIC),
    "brands:entry_list": ({}, PUBLIC),
    "brands:entry_download": ({"kind": "csv"}, PUBLIC),
    # brand self-evaluation
    "brands:assessment_list": ({}, LOGIN),
    "brands:assessment_detail": ({"pk": 1}, LOGIN),
    "brands:assessment_result": ({"pk": 1}, LOGIN),
    "api:brand-list": ({}, PUBLIC),
    "api:brand-detail": ({"pk": 1}, MISSING),
    "selections:case_detail": ({"pk": 1}, MISSING),
    "selections:case_file": ({"pk": 1, "attachment_pk": 1}, MISSING),
    "api:case-list": ({}, PUBLIC),
    "api:case-detail": ({"pk": 1}, MISSING),
    # products
    "products:entry_list": ({}, PUBLIC),
    "products:entry_download": ({"kind": "csv"}, PUBLIC),
    "products:grading_list": ({}, PUBLIC),
    "products:grading_download": ({"kind": "csv"}, PUBLIC),
    "products:inspection_list": ({}, PUBLIC),
    "products:inspection_download": ({"kind": "csv"}, PUBLIC),
    "products:inspection_detail": ({"pk": 1}, MISSING),
    "products:inspection_import": ({}, LOGIN),
    "products:inspection_template": ({}, LOGIN),
    "products:inspection_job": ({"pk": 1}, LOGIN),
    "enterprises:public_profile": ({"pk": 1}, MISSING),
    "api:inspection-list": ({}, PUBLIC),
    "api:inspection-detail": ({"pk": 1}, MISSING),
    "api:schema": ({}, PUBLIC),
    "api:docs": ({}, PUBLIC),
    # annual work summaries (authorities and MIIT only)
    "summaries:index": ({}, LOGIN),
    "summaries:template_create": ({}, LOGIN),
    "summaries:template_edit": ({"year": 2025}, LOGIN),
    "summaries:board": ({"year": 2025}, LOGIN),
    "summaries:export": ({"year": 2025}, LOGIN),
    "summaries:detail": ({"year": 2025, "code": "GD"}, LOGIN),
    "summaries:save": ({"year": 2025, "code": "GD"}, LOGIN),
    "summaries:review": ({"year": 2025, "code": "GD"}, LOGIN),
    "summaries:attachment_add": ({"year": 2025, "code": "GD"}, LOGIN),
    "summaries:attachment": ({"year": 2025, "code": "GD", "pk": 1}, LOGIN),
    "summaries:attachment_remove": ({"year": 2025, "code": "GD", "pk": 1}, LOGIN),
}


def _route_names(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the Django admin guards itself (staff only)
            yield from _route_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_route_has_a_policy():
    assert set(_route_names()) - set(POLICY) == set()


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POLICY))
def test_anonymous_visitors_get_what_the_policy_says(client, name):
    kwargs, expected = POLICY[name]
    response = client.get(reverse(name, kwargs=kwargs))
    if expected == PUBLIC:
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert "/accounts/login/" not in response.url
    elif expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    elif expected == MISSING:
        assert response.status_code == 404
    elif expected == API_DENIED:
        assert response.status_code == 403
        assert response.json()["code"] == "not_authenticated"
    else:
        assert response.status_code == 405
