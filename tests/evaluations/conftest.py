import copy

import pytest

from evaluations import model_file
from evaluations.management.commands.load_evaluation_model import DEFAULT
from evaluations.models import EvaluationModel
from evaluations.services import evaluation_start


@pytest.fixture
def shipped_data():
    return model_file.read(DEFAULT.read_bytes(), DEFAULT.name)


@pytest.fixture
def small_data(shipped_data):
    """A valid 10-requirement model: the shipped one cut to one indicator per dimension, every level still covered."""
    data = copy.deepcopy(shipped_data)
    data["code"], data["version"] = "SMALL", "1"
    keep = {"D1": {1, 2, 3}, "D2": {4, 5}, "D3": {1, 2}, "D4": {3, 4}}
    for dimension in data["dimensions"]:
        indicator = dimension["indicators"][0]
        indicator["weight"] = 1
        indicator["requirements"] = [r for r in indicator["requirements"] if r["level"] in keep[dimension["code"]]]
        dimension["indicators"] = [indicator]
    return data


@pytest.fixture
def qmc(db):
    return EvaluationModel.objects.get(code="QMC-2024")


@pytest.fixture
def draft(alice, shenzhen_enterprise, qmc):
    return evaluation_start(enterprise=shenzhen_enterprise, by=alice, cycle=2026)
