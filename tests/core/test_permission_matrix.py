"""The permission matrix: every route x every user kind x GET/POST (and the write verbs) → what they get.

One table, ``MATRIX``, says for each URL name what each demo user gets from a GET and from a POST:

    ok   the page or file (2xx, or a redirect that is not to the login page)
    L    a redirect to the login page
    403  refused (a page that names the refusal; the API's "not authenticated"/"permission denied")
    404  not found: the object is outside the user's scope, so its existence is not confirmed
    405  the method is not accepted
    400  the request is refused as malformed (an empty form the view cannot read)

A route with no row fails ``test_every_route_has_a_row``. A row ending in ``@outside`` repeats a route with an
object outside every demo user's scope except the whole country's (another province's enterprise, another
assessor's workbook, another user's export): the object-scope (IDOR) sweep over pages, API and downloads.
PUT, PATCH and DELETE are refused on every route except the API routes that list them in ``WRITE_VERBS``.

Each request runs in a savepoint rolled back afterwards, so a POST that works (an empty form that is accepted, a
logout) changes nothing for the next one. Run with ``MATRIX_PRINT=1`` to print the table as it is observed.
"""

import os
import time
from http.cookies import SimpleCookie

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import User
from tests.core.matrix_world import USERS, build_world

# fmt: off
# Each route: (URL kwargs, where "$name" is the world's object of that name; the GET row; the POST row). Columns:
#   an anonymous, ap applicant (no role), ea/em enterprise admin/member, as assessor, la lead assessor,
#   ia institution admin, gd/sz authority of Guangdong/Shenzhen, mi MIIT, ex expert, ad platform (system) admin,
#   sa security admin, aa audit admin
#        an  ap  ea  em  as  la  ia  gd  sz  mi  ex  ad  sa  aa
MATRIX: dict[str, tuple[dict, str, str]] = {
    "accounts:audit_log": (
        {},
        "  L 403 403 403 403 403 403 403 403 403 403 403 403  ok",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "accounts:login": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    ),
    "accounts:logout": (
        {},
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    ),
    "accounts:mfa_enrol": (
        {},
        "  L  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "  L  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    ),
    "accounts:mfa_settings": (
        {},
        "  L  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "  L  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    ),
    "accounts:mfa_verify": (
        {},
        "  L  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "  L  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    ),
    "accounts:password_change": (
        {},
        "  L  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "  L  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    ),
    "api:api-root": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:application-detail": (
        {"pk": "$application"},
        "403 404 404 404 404 404 404  ok 404  ok  ok  ok 404 404",
        "403 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:application-list": (
        {},
        "403  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "403 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:auth_token": (
        {},
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "400 400 400 400 400 400 400 400 400 400 400 400 400 400",
    ),
    "api:authority-detail": (
        {"pk": "GD"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:authority-list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:brand-detail": (
        {"pk": "$brand_entry"},
        "404 404 404 404 404 404 404 404 404 404 404 404 404 404",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:brand-list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:call-detail": (
        {"pk": "$call"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:call-list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:case-detail": (
        {"pk": "$case"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:case-list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:certificate-detail": (
        {"number": "$certificate"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:docs": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:enterprise-detail": (
        {"pk": "$home"},
        "403 404  ok  ok 404  ok  ok  ok  ok  ok 404  ok 404 404",
        "403 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:enterprise-detail@outside": (
        {"pk": "$outside"},
        "403 404 404 404 404 404 404 404 404  ok 404  ok 404 404",
        "403 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:enterprise-list": (
        {},
        "403  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "403 403 403 403 403 403 403 400 400 400 403 400 403 403",
    ),
    "api:evaluation-detail": (
        {"pk": "$home_evaluation"},
        "403 404  ok  ok 404  ok  ok  ok  ok  ok 404  ok 404 404",
        "403 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:evaluation-detail@outside": (
        {"pk": "$outside_evaluation"},
        "403 404 404 404 404 404 404 404 404  ok 404  ok 404 404",
        "403 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:evaluation-list": (
        {},
        "403  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "403 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:evaluation-model-detail": (
        {"code": "QMC-2024"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:evaluation-model-list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:evaluation-ratings": (
        {"pk": "$onsite"},
        "403 404 404 404  ok  ok  ok  ok 404  ok 404  ok 404 404",
        "403 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:evaluation-ratings@outside": (
        {"pk": "$outside_evaluation"},
        "403 404 404 404 404 404 404 404 404  ok 404  ok 404 404",
        "403 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:evaluation-result": (
        {"pk": "$home_evaluation"},
        "403 404  ok  ok 404  ok  ok  ok  ok  ok 404  ok 404 404",
        "403 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:evaluation-result@outside": (
        {"pk": "$outside_evaluation"},
        "403 404 404 404 404 404 404 404 404  ok 404  ok 404 404",
        "403 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:evaluation_answer": (
        {"pk": "$home_evaluation"},
        "403 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "403 404 400 400 404 400 400 400 400 400 404 400 404 404",
    ),
    "api:evaluation_answer@outside": (
        {"pk": "$outside_evaluation"},
        "403 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "403 404 404 404 404 404 404 404 404 400 404 400 404 404",
    ),
    "api:evaluation_eligibility": (
        {"pk": "$home_evaluation"},
        "403 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "403 404 400 400 404 400 400 400 400 400 404 400 404 404",
    ),
    "api:evaluation_eligibility@outside": (
        {"pk": "$outside_evaluation"},
        "403 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "403 404 404 404 404 404 404 404 404 400 404 400 404 404",
    ),
    "api:index_cells": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:index_industries": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:index_kpis": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:index_trend": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:industry-detail": (
        {"pk": "39"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:industry-list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:inspection-detail": (
        {"pk": "$inspection_result"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:inspection-list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:lab-detail": (
        {"pk": "$lab"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:lab-list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:method-detail": (
        {"code": "fmea"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:method-list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:policy-document-detail": (
        {"pk": "$policy"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:policy-document-detail@draft": (
        {"pk": "$policy_draft"},
        "404 404 404 404 404 404 404  ok 404  ok 404 404 404 404",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:policy-document-list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:question-detail": (
        {"pk": "$question_published"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:question-detail@outside": (
        {"pk": "$question_submitted"},
        "404 404 404 404 404 404 404 404 404 404 404 404 404 404",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:question-list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:pilot-platform-detail": (
        {"pk": "$platform"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:pilot-platform-list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:region-detail": (
        {"pk": "440300"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:region-list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:result-list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:schema": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "api:scoring_preview": (
        {},
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "400 400 400 400 400 400 400 400 400 400 400 400 400 400",
    ),
    "brands:assessment_detail": (
        {"pk": "$brand_assessment"},
        "  L 404  ok  ok 404 404 404  ok  ok  ok 404  ok 404 404",
        "  L 404 400 400 404 404 404 403 403 403 404 403 404 404",
    ),
    "brands:assessment_list": (
        {},
        "  L  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "  L 404  ok  ok 404 404 404 404 404 404 404 404 404 404",
    ),
    "brands:assessment_result": (
        {"pk": "$brand_assessment"},
        "  L 404  ok  ok 404 404 404  ok  ok  ok 404  ok 404 404",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "brands:entry_download": (
        {"kind": "csv"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "brands:entry_list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "  L 404 404 404 404 404 404 404 404 404 404 404 404 404",
    ),
    "core:export_detail": (
        {"pk": "$job"},
        "  L 404  ok 404 404 404 404 404 404 404 404 404 404 404",
        "  L 404  ok 404 404 404 404 404 404 404 404 404 404 404",
    ),
    "core:export_detail@outside": (
        {"pk": "$outside_job"},
        "  L 404 404 404 404 404 404 404 404  ok 404 404 404 404",
        "  L 404 404 404 404 404 404 404 404  ok 404 404 404 404",
    ),
    "core:export_list": (
        {},
        "  L  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "  L  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    ),
    "core:export_start": (
        {},
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "  L 404 404 404 404 404 404 404 404 404 404 404 404 404",
    ),
    "core:job_download": (
        {"pk": "$job"},
        "  L 404  ok 404 404 404 404 404 404 404 404 404 404 404",
        "  L 404  ok 404 404 404 404 404 404 404 404 404 404 404",
    ),
    "core:job_download@outside": (
        {"pk": "$outside_job"},
        "  L 404 404 404 404 404 404 404 404  ok 404 404 404 404",
        "  L 404 404 404 404 404 404 404 404  ok 404 404 404 404",
    ),
    "core:job_status": (
        {"pk": "$job"},
        "  L 404  ok 404 404 404 404 404 404 404 404 404 404 404",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "core:job_status@outside": (
        {"pk": "$outside_job"},
        "  L 404 404 404 404 404 404 404 404  ok 404 404 404 404",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "enterprises:claim_decide": (
        {"pk": "$claim"},
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "  L 404 404 404 404 404 404  ok 404  ok 404  ok 404 404",
    ),
    "enterprises:claim_list": (
        {},
        "  L 403  ok 403 403 403 403  ok  ok  ok 403 403 403 403",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "enterprises:enterprise_detail": (
        {"pk": "$home"},
        "  L 404  ok  ok 404  ok  ok  ok  ok  ok 404  ok 404 404",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "enterprises:enterprise_detail@outside": (
        {"pk": "$outside"},
        "  L 404 404 404 404 404 404 404 404  ok 404  ok 404 404",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "enterprises:enterprise_edit": (
        {"pk": "$home"},
        "  L 404  ok 403 404 403 403 403 403 403 404 403 404 404",
        "  L 404 400 403 404 403 403 403 403 403 404 403 404 404",
    ),
    "enterprises:enterprise_edit@outside": (
        {"pk": "$outside"},
        "  L 404 404 404 404 404 404 404 404 403 404 403 404 404",
        "  L 404 404 404 404 404 404 404 404 403 404 403 404 404",
    ),
    "enterprises:enterprise_list": (
        {},
        "  L  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "enterprises:enterprise_register": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "400 400 400 400 400 400 400 400 400 400 400 400 400 400",
    ),
    "enterprises:public_profile": (
        {"pk": "$outside"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "enterprises:supplierlink_create": (
        {"pk": "$home"},
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "  L 404 400 400 404 400 400 400 400 400 404 400 404 404",
    ),
    "enterprises:supplierlink_create@outside": (
        {"pk": "$outside"},
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "  L 404 404 404 404 404 404 404 404 400 404 400 404 404",
    ),
    "enterprises:supplierlink_delete": (
        {"pk": "$home", "link_pk": "$link"},
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "  L 404  ok 403 404 404 404 403 403 403 404 403 404 404",
    ),
    "enterprises:supplierlink_delete@outside": (
        {"pk": "$outside_link_leading", "link_pk": "$outside_link"},
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "  L 404 404 404 404 404 404 403 404 403 404 403 404 404",
    ),
    "enterprises:supplierlink_respond": (
        {"pk": "$home", "link_pk": "$link"},
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "  L 404 404 404 404 404 404 404 404 404 404 404 404 404",
    ),
    "enterprises:supplierlink_respond@outside": (
        {"pk": "$outside_link_leading", "link_pk": "$outside_link"},
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "  L 404 404 404 404 404 404 404 404 404 404 404 404 404",
    ),
    "enterprises:supply_chain": (
        {"pk": "$home"},
        "  L 404  ok  ok 404 403 403 403 403 403 404 403 404 404",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "enterprises:supply_chain@outside": (
        {"pk": "$outside"},
        "  L 404 404 404 404 404 404 404 404 403 404 403 404 404",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "evaluations:assessor_ratings": (
        {"pk": "$onsite", "assessor_pk": "$team_member"},
        "  L 404 404 404  ok 404 404 404 404 404 404 404 404 404",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "evaluations:calibration": (
        {},
        "  L 403 403 403 403 403  ok  ok  ok  ok 403 403 403 403",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "evaluations:certificate_pdf": (
        {"number": "$certificate"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "evaluations:certificate_search": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "evaluations:certificate_verify": (
        {"number": "$certificate"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "evaluations:consensus": (
        {"pk": "$onsite"},
        "  L 404 404 404 404 404 404 404 404 404 404 404 404 404",
        "  L 404 404 404 403  ok 403 403 404 403 404 403 404 404",
    ),
    "evaluations:consensus@outside": (
        {"pk": "$outside_evaluation"},
        "  L 404 404 404 404 404 404 404 404  ok 404  ok 404 404",
        "  L 404 404 404 404 404 404 404 404 403 404 403 404 404",
    ),
    "evaluations:decision_list": (
        {},
        "  L 403 403 403 403 403 403  ok  ok  ok 403 403 403 403",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "evaluations:evaluation_assign": (
        {"pk": "$home_evaluation"},
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "  L 404  ok  ok 404  ok  ok  ok  ok  ok 404  ok 404 404",
    ),
    "evaluations:evaluation_assign@outside": (
        {"pk": "$outside_evaluation"},
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "  L 404 404 404 404 404 404 404 404  ok 404  ok 404 404",
    ),
    "evaluations:evaluation_decide": (
        {"pk": "$home_evaluation"},
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "  L 404 403 403 404 403 403  ok  ok  ok 404 403 404 404",
    ),
    "evaluations:evaluation_decide@outside": (
        {"pk": "$outside_evaluation"},
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "  L 404 404 404 404 404 404 404 404  ok 404 403 404 404",
    ),
    "evaluations:evaluation_decision": (
        {"pk": "$home_evaluation"},
        "  L 403 403 403 403 403 403  ok  ok  ok 403 403 403 403",
        "  L 403 403 403 403 403 403  ok  ok  ok 403 403 403 403",
    ),
    "evaluations:evaluation_decision@outside": (
        {"pk": "$outside_evaluation"},
        "  L 403 403 403 403 403 403 404 404  ok 403 403 403 403",
        "  L 403 403 403 403 403 403 404 404  ok 403 403 403 403",
    ),
    "evaluations:evaluation_detail": (
        {"pk": "$home_evaluation"},
        "  L 404  ok  ok 404  ok  ok  ok  ok  ok 404  ok 404 404",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "evaluations:evaluation_detail@outside": (
        {"pk": "$outside_evaluation"},
        "  L 404 404 404 404 404 404 404 404  ok 404  ok 404 404",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "evaluations:evaluation_list": (
        {},
        "  L  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "  L 404  ok  ok 404 404 404 404 404 404 404 404 404 404",
    ),
    "evaluations:evaluation_queue": (
        {},
        "  L 403 403 403 403 403 403  ok  ok  ok 403 403 403 403",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "evaluations:evaluation_result": (
        {"pk": "$home_evaluation"},
        "  L 404  ok  ok 404  ok  ok  ok  ok  ok 404  ok 404 404",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "evaluations:evaluation_result@outside": (
        {"pk": "$outside_evaluation"},
        "  L 404 404 404 404 404 404 404 404  ok 404  ok 404 404",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "evaluations:evaluation_review": (
        {"pk": "$home_evaluation"},
        "  L 404  ok  ok 404  ok  ok  ok  ok  ok 404  ok 404 404",
        "  L 404  ok  ok 404 403 403 403 403 403 404 403 404 404",
    ),
    "evaluations:evaluation_review@outside": (
        {"pk": "$outside_evaluation"},
        "  L 404 404 404 404 404 404 404 404  ok 404  ok 404 404",
        "  L 404 404 404 404 404 404 404 404 403 404 403 404 404",
    ),
    "evaluations:evidence_download": (
        {"pk": "$home_evaluation", "evidence_pk": "$evidence"},
        "  L 404  ok  ok 404  ok  ok  ok  ok  ok 404  ok 404 404",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "evaluations:evidence_download@outside": (
        {"pk": "$outside_evaluation", "evidence_pk": "$outside_evidence"},
        "  L 404 404 404 404 404 404 404 404  ok 404  ok 404 404",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "evaluations:evidence_upload": (
        {"pk": "$home_evaluation"},
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "  L 404  ok  ok 404  ok  ok  ok  ok  ok 404  ok 404 404",
    ),
    "evaluations:evidence_upload@outside": (
        {"pk": "$outside_evaluation"},
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "  L 404 404 404 404 404 404 404 404  ok 404  ok 404 404",
    ),
    "evaluations:institution_detail": (
        {"pk": "$institution"},
        "  L 404 404 404  ok  ok  ok  ok  ok  ok 404  ok 404 404",
        "  L 404 404 404 404 404 404 404 404 404 404 404 404 404",
    ),
    "evaluations:institution_list": (
        {},
        "  L  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "evaluations:model_detail": (
        {"code": "QMC-2024"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "evaluations:notice_list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "evaluations:objection_create": (
        {"pk": "$outside_evaluation"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    ),
    "evaluations:onsite": (
        {"pk": "$onsite"},
        "  L 404 404 404  ok  ok  ok  ok 404  ok 404  ok 404 404",
        "  L 404 404 404 403 403 403 403 404 403 404 403 404 404",
    ),
    "evaluations:onsite@outside": (
        {"pk": "$outside_evaluation"},
        "  L 404 404 404 404 404 404 404 404 404 404 404 404 404",
        "  L 404 404 404 404 404 404 404 404 403 404 403 404 404",
    ),
    "evaluations:rating_sheet": (
        {"pk": "$onsite"},
        "  L 404 404 404  ok  ok 404 404 404 404 404 404 404 404",
        "  L 404 404 404  ok  ok 404 404 404 404 404 404 404 404",
    ),
    "evaluations:rating_sheet@outside": (
        {"pk": "$outside_evaluation"},
        "  L 404 404 404 404 404 404 404 404 404 404 404 404 404",
        "  L 404 404 404 404 404 404 404 404 404 404 404 404 404",
    ),
    "evaluations:results_inquiry": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "evaluations:self_diagnosis": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "400 400 400 400 400 400 400 400 400 400 400 400 400 400",
    ),
    "evaluations:workbook_batch_template": (
        {},
        "  L 403 403 403  ok  ok 403 403 403 403 403 403 403 403",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "evaluations:workbook_detail": (
        {"pk": "$upload"},
        "  L 404 404 404 404  ok 404 404 404 404 404 404 404 404",
        "  L 404 404 404 404  ok 404 404 404 404 404 404 404 404",
    ),
    "evaluations:workbook_detail@outside": (
        {"pk": "$outside_upload"},
        "  L 404 404 404 404 404 404 404 404 404 404 404 404 404",
        "  L 404 404 404 404 404 404 404 404 404 404 404 404 404",
    ),
    "evaluations:workbook_template": (
        {"pk": "$onsite"},
        "  L 404 404 404  ok  ok 403 403 404 403 404 403 404 404",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "evaluations:workbook_template@outside": (
        {"pk": "$outside_evaluation"},
        "  L 404 404 404 404 404 404 404 404 403 404 403 404 404",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "evaluations:workbook_upload": (
        {},
        "  L 403 403 403  ok  ok 403 403 403 403 403 403 403 403",
        "  L 403 403 403 400 400 403 403 403 403 403 403 403 403",
    ),
    "geo_maritime": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "geo_province_cities": (
        {"code": "440000"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "geo_provinces": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "healthz": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "home": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    ),
    "indices:dashboard": (
        {},
        "  L 403 403 403 403 403 403  ok  ok  ok 403  ok 403 403",
        "  L 403 403 403 403 403 403 403 403  ok 403 403 403 403",
    ),
    "indices:dashboard_csv": (
        {},
        "  L 403 403 403 403 403 403  ok  ok  ok 403  ok 403 403",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "indices:dashboard_xlsx": (
        {},
        "  L 403 403 403 403 403 403  ok  ok  ok 403  ok 403 403",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "indices:methodology": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "indices:public_map": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "indices:warning_detail": (
        {"pk": "$warning"},
        "  L 403 403 403 403 403 403  ok 404  ok 403  ok 403 403",
        "  L 403 403 403 403 403 403  ok 404  ok 403  ok 403 403",
    ),
    "indices:warning_detail@outside": (
        {"pk": "$outside_warning"},
        "  L 403 403 403 403 403 403 404 404  ok 403  ok 403 403",
        "  L 403 403 403 403 403 403 404 404  ok 403  ok 403 403",
    ),
    "indices:warning_list": (
        {},
        "  L 403 403 403 403 403 403  ok  ok  ok 403  ok 403 403",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "knowledge:document_attachment": (
        {"pk": "$policy", "attachment_pk": "$policy_attachment"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "knowledge:document_attachment@draft": (
        {"pk": "$policy_draft", "attachment_pk": "$policy_draft_attachment"},
        "404 404 404 404 404 404 404  ok 404  ok 404 404 404 404",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "knowledge:document_create": (
        {},
        "  L 403 403 403 403 403 403  ok  ok  ok 403 403 403 403",
        "  L 403 403 403 403 403 403  ok  ok  ok 403 403 403 403",
    ),
    "knowledge:document_detail": (
        {"pk": "$policy"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "knowledge:document_detail@draft": (
        {"pk": "$policy_draft"},
        "404 404 404 404 404 404 404  ok 404  ok 404 404 404 404",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "knowledge:document_edit": (
        {"pk": "$policy"},
        "  L 403 403 403 403 403 403 403 403  ok 403 403 403 403",
        "  L 403 403 403 403 403 403 403 403  ok 403 403 403 403",
    ),
    "knowledge:document_edit@draft": (
        {"pk": "$policy_draft"},
        "  L 404 404 404 404 404 404  ok 404  ok 404 404 404 404",
        "  L 404 404 404 404 404 404  ok 404  ok 404 404 404 404",
    ),
    "knowledge:document_list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "knowledge:method_detail": (
        {"code": "fmea"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "knowledge:method_list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "knowledge:question_answer": (
        {"pk": "$question_submitted"},
        "  L 403 403 403 403 403 403 403 403  ok 403 403 403 403",
        "  L 403 403 403 403 403 403 403 403  ok 403 403 403 403",
    ),
    "knowledge:question_list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "knowledge:question_queue": (
        {},
        "  L 403 403 403 403 403 403 403 403  ok 403 403 403 403",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "knowledge:question_submit": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    ),
    "labs:lab_detail": (
        {"pk": "$lab"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "  L 403 403 403 403 403 403 403 403 403 403 403 403 403",
    ),
    "labs:lab_download": (
        {"kind": "csv"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "labs:lab_list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "pilots:platform_detail": (
        {"pk": "$platform"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "  L  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    ),
    "pilots:platform_download": (
        {"kind": "csv"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "pilots:platform_list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "pilots:request_list": (
        {},
        "  L  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "  L 404 404 404 404 404 404 404 404 404 404 404 404 404",
    ),
    "pilots:scenario_detail": (
        {"pk": "$scenario"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "pilots:scenario_download": (
        {"kind": "xlsx"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "pilots:scenario_list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "products:entry_download": (
        {"kind": "csv"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "products:entry_list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "products:grading_download": (
        {"kind": "csv"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "products:grading_list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "products:inspection_detail": (
        {"pk": "$inspection"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "  L 403 403 403 403 403 403 403 403  ok 403 403 403 403",
    ),
    "products:inspection_download": (
        {"kind": "csv"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "products:inspection_import": (
        {},
        "  L 403 403 403 403 403 403  ok  ok  ok 403 403 403 403",
        "  L 403 403 403 403 403 403 400 400 400 403 403 403 403",
    ),
    "products:inspection_job": (
        {"pk": "$job"},
        "  L 404 404 404 404 404 404 404 404 404 404 404 404 404",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "products:inspection_list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "products:inspection_template": (
        {},
        "  L 403 403 403 403 403 403  ok  ok  ok 403 403 403 403",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "selections:application_detail": (
        {"pk": "$application"},
        "  L 404 404 404 404 404 404  ok 404  ok  ok  ok 404 404",
        "  L 404 404 404 404 404 404  ok 404  ok  ok  ok 404 404",
    ),
    "selections:attachment_download": (
        {"pk": "$application", "attachment_pk": "$application_attachment"},
        "  L 404 404 404 404 404 404  ok 404  ok  ok  ok 404 404",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "selections:call_attachment": (
        {"pk": "$call", "attachment_pk": "$call_attachment"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "selections:call_create": (
        {},
        "  L 403 403 403 403 403 403  ok  ok  ok 403 403 403 403",
        "  L 403 403 403 403 403 403  ok  ok  ok 403 403 403 403",
    ),
    "selections:call_detail": (
        {"pk": "$call"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "  L 403  ok  ok 403 403 403 403 403 403 403 403 403 403",
    ),
    "selections:call_edit": (
        {"pk": "$call"},
        "  L 403 403 403 403 403 403 403 403  ok 403 403 403 403",
        "  L 403 403 403 403 403 403 403 403  ok 403 403 403 403",
    ),
    "selections:call_list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "selections:case_detail": (
        {"pk": "$case"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "selections:case_file": (
        {"pk": "$case", "attachment_pk": "$case_attachment"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "selections:case_list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "selections:notice": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    ),
    "selections:recommend": (
        {"pk": "$application_call"},
        "  L 403 403 403 403 403 403  ok  ok 403 403 403 403 403",
        "  L 403 403 403 403 403 403  ok  ok 403 403 403 403 403",
    ),
    "selections:review": (
        {"pk": "$review"},
        "  L 404 404 404 404 404 404 404 404 404  ok 404 404 404",
        "  L 404 404 404 404 404 404 404 404 404  ok 404 404 404",
    ),
    "set_language": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    ),
    "summaries:attachment": (
        {"year": 2025, "code": "GD", "pk": "$summary_attachment"},
        "  L 404 404 404 404 404 404  ok 404  ok 404  ok 404 404",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "summaries:attachment_add": (
        {"year": 2025, "code": "GD"},
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "  L 404 404 404 404 404 404 400 404 400 404 400 404 404",
    ),
    "summaries:attachment_remove": (
        {"year": 2025, "code": "GD", "pk": "$summary_attachment"},
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "  L 404 404 404 404 404 404  ok 404 403 404 403 404 404",
    ),
    "summaries:board": (
        {"year": 2025},
        "  L 403 403 403 403 403 403 403 403  ok 403  ok 403 403",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "summaries:detail": (
        {"year": 2025, "code": "GD"},
        "  L 404 404 404 404 404 404  ok 404  ok 404  ok 404 404",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "summaries:detail@outside": (
        {"year": 2025, "code": "BJ"},
        "  L 404 404 404 404 404 404 404 404  ok 404  ok 404 404",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "summaries:export": (
        {"year": 2025},
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "  L 403 403 403 403 403 403 403 403 404 403 404 403 403",
    ),
    "summaries:index": (
        {},
        "  L 403 403 403 403 403 403  ok  ok  ok 403  ok 403 403",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "summaries:review": (
        {"year": 2025, "code": "GD"},
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "  L 404 404 404 404 404 404 400 404 400 404 400 404 404",
    ),
    "summaries:save": (
        {"year": 2025, "code": "GD"},
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "  L 404 404 404 404 404 404  ok 404 403 404 403 404 404",
    ),
    "summaries:save@outside": (
        {"year": 2025, "code": "BJ"},
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "  L 404 404 404 404 404 404 404 404 403 404 403 404 404",
    ),
    "summaries:template_create": (
        {},
        "  L 403 403 403 403 403 403 403 403  ok 403 403 403 403",
        "  L 403 403 403 403 403 403 403 403 400 403 403 403 403",
    ),
    "summaries:template_edit": (
        {"year": 2025},
        "  L 403 403 403 403 403 403 403 403  ok 403 403 403 403",
        "  L 403 403 403 403 403 403 403 403 400 403 403 403 403",
    ),
    "training:attendance": (
        {"pk": "$training_session"},
        "  L 403 403 403 403 403 403  ok  ok  ok 403 403 403 403",
        "  L 403 403 403 403 403 403  ok  ok  ok 403 403 403 403",
    ),
    "training:attendance@outside": (
        {"pk": "$training_session_outside"},
        "  L 403 403 403 403 403 403 404 404  ok 403 403 403 403",
        "  L 403 403 403 403 403 403 404 404  ok 403 403 403 403",
    ),
    "training:certificate": (
        {"pk": "$training_certificate"},
        "  L 404  ok  ok 404 404 404  ok  ok  ok 404 404 404 404",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "training:certificate@outside": (
        {"pk": "$training_certificate_outside"},
        "  L 404 404 404 404 404 404 404 404  ok 404 404 404 404",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "training:certificate_verify": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "training:course_attachment": (
        {"pk": "$training_course", "attachment_pk": "$training_course_attachment"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "training:course_create": (
        {},
        "  L 403 403 403 403 403 403  ok  ok  ok 403 403 403 403",
        "  L 403 403 403 403 403 403  ok  ok  ok 403 403 403 403",
    ),
    "training:course_detail": (
        {"pk": "$training_course"},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "training:course_detail@draft": (
        {"pk": "$training_course_draft"},
        "404 404 404 404 404 404 404  ok 404  ok 404 404 404 404",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "training:course_edit": (
        {"pk": "$training_course"},
        "  L 403 403 403 403 403 403 403 403  ok 403 403 403 403",
        "  L 403 403 403 403 403 403 403 403  ok 403 403 403 403",
    ),
    "training:course_edit@draft": (
        {"pk": "$training_course_draft"},
        "  L 404 404 404 404 404 404  ok 404  ok 404 404 404 404",
        "  L 404 404 404 404 404 404  ok 404  ok 404 404 404 404",
    ),
    "training:course_list": (
        {},
        " ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "training:enrolment_cancel": (
        {"pk": "$training_enrolment"},
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "  L 404  ok  ok 404 404 404  ok  ok  ok 404 404 404 404",
    ),
    "training:enterprise_training": (
        {},
        "  L 403  ok  ok 403 403 403 403 403 403 403 403 403 403",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "training:figures": (
        {},
        "  L 403 403 403 403 403 403  ok  ok  ok 403 403 403 403",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "training:my_training": (
        {},
        "  L  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "training:organiser": (
        {},
        "  L 403 403 403 403 403 403  ok  ok  ok 403 403 403 403",
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ),
    "training:session_create": (
        {},
        "  L 403 403 403 403 403 403  ok  ok  ok 403 403 403 403",
        "  L 403 403 403 403 403 403  ok  ok  ok 403 403 403 403",
    ),
    "training:session_edit": (
        {"pk": "$training_session"},
        "  L 403 403 403 403 403 403  ok  ok  ok 403 403 403 403",
        "  L 403 403 403 403 403 403  ok  ok  ok 403 403 403 403",
    ),
    "training:session_edit@outside": (
        {"pk": "$training_session_outside"},
        "  L 403 403 403 403 403 403 404 404  ok 403 403 403 403",
        "  L 403 403 403 403 403 403 404 404  ok 403 403 403 403",
    ),
    "training:session_enrol": (
        {"pk": "$training_session"},
        "  L 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "  L  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    ),
}
# fmt: on

# Routes that accept PUT, PATCH or DELETE for someone (none do: the API's writes are POSTs).
WRITE_VERBS: dict[str, set[str]] = {}


def _route_names(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the Django admin guards itself (staff only); tests/core/test_admin.py covers it
            yield from _route_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_route_has_a_row():
    rows = {name.split("@")[0] for name in MATRIX}
    assert sorted(set(_route_names()) - rows) == []
    assert sorted(rows - set(_route_names())) == []


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo world, built once for the module inside a transaction rolled back at its end. Its files go to the
    module's media folder: override_settings tells the file storage, which caches its location (an earlier
    test's folder otherwise)."""
    media = tmp_path_factory.mktemp("matrix-media")
    with override_settings(MEDIA_ROOT=str(media)), django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def _kwargs(spec: dict, world: dict) -> dict:
    return {
        key: world[value[1:]] if isinstance(value, str) and value.startswith("$") else value
        for key, value in spec.items()
    }


def _outcome(response) -> str:
    code = response.status_code
    if code in (301, 302, 303):
        return "L" if response.url.startswith(reverse("accounts:login")) else "ok"
    if 200 <= code < 300:
        return "ok"
    return str(code)


def _request(client, method: str, url: str):
    cookies = SimpleCookie(client.cookies)
    try:
        with transaction.atomic():
            response = getattr(client, method)(url)
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("user", USERS)
def test_every_user_gets_what_the_matrix_says(client, world, settings, user):
    settings.MEDIA_ROOT = settings.MEDIA_ROOT  # the module's media folder
    if user != "anonymous":
        client.force_login(User.objects.get(pk=world["users"][user]))
    column = USERS.index(user)
    printing = os.environ.get("MATRIX_PRINT")
    wrong = []
    observed = {}
    only = os.environ.get("MATRIX_ROUTES", "")  # with MATRIX_PRINT: only routes starting with one of these
    for name in sorted(n for n in MATRIX if not printing or n.startswith(tuple(only.split(",")))):
        spec, get_row, post_row = MATRIX.get(name, ({}, "", ""))
        url = reverse(name.split("@")[0], kwargs=_kwargs(spec, world))
        started = time.perf_counter()
        got = {method: _outcome(_request(client, method, url)) for method in ("get", "post")}
        got["ms"] = round((time.perf_counter() - started) * 1000)
        observed[name] = got
        if printing:
            continue
        for method, row in (("get", get_row), ("post", post_row)):
            expected = row.split()[column]
            if got[method] != expected:
                wrong.append(f"{method.upper()} {name} {url}: expected {expected}, got {got[method]}")
        for verb in ("put", "patch", "delete"):
            outcome = _outcome(_request(client, verb, url))
            if outcome == "ok" and verb not in WRITE_VERBS.get(name, set()):
                wrong.append(f"{verb.upper()} {name} {url}: accepted")
    if printing:
        print(f"\n### {user}")  # noqa: T201 - MATRIX_PRINT: the observed table, to paste after a deliberate change
        for name, got in observed.items():
            print(f"{name}\t{got['get']}\t{got['post']}\t{got['ms']}")  # noqa: T201
    assert wrong == [], "\n".join(wrong)


@pytest.mark.django_db
def test_assessors_read_their_assignments_not_the_rest_of_the_enterprises_business(world):
    """Found by the matrix: an assessor (and the institution) on an evaluation of an enterprise could read that
    enterprise's selection applications and their files, which have nothing to do with the assignment."""
    from accounts.scoping import scope
    from enterprises.models import Enterprise
    from evaluations.models import Evaluation
    from selections.models import Application, ApplicationAttachment

    for username in ("lead_assessor", "institution_admin"):
        user = User.objects.get(pk=world["users"][username])
        assessed = scope(user, Evaluation.objects.all())
        application = Application.objects.filter(enterprise__in=assessed.values("enterprise")).first()
        assert application is not None  # the demo has such an enterprise: the case this test is about
        assert scope(user, Enterprise.objects.filter(pk=application.enterprise_id)).exists()
        assert not scope(user, Application.objects.filter(pk=application.pk), published=False).exists()
        assert not scope(user, ApplicationAttachment.objects.filter(application=application), published=False).exists()
