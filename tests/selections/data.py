"""What the selection tests share: the day, and a complete set of answers to the pilot-platform form."""

import datetime

from django.utils import timezone

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
ANSWERS = {
    "summary": "A pilot line for power electronics modules.",
    "contact_name": "Zhang San",
    "contact_phone": "0755-12345678",
    "key_field": "electronics",
    "industry_direction": "Power semiconductors",
    "services": ["design", "process"],
    "construction_mode": "alliance",
    "equipment": "Two pilot lines for power modules.",
    "capacity": "2,000 modules a month.",
    "equipment_value": "3200",
    "services_last_year": "41",
}
GOOD = {code: {"score": score, "comment": "Well argued."} for code, score in (("C1", 80), ("C2", 85), ("C3", 90))}
