"""Helpers of the volunteers tests: the frozen "now" of the rules' tests, an application and a training."""

from __future__ import annotations

from outreach.extensions import db
from outreach.volunteers.models import Training
from tests.helpers import PASSWORD, local

#: Monday 2 March 2026, 10:00 in Liling: the ``frozen`` clock of the volunteers' conftest.
NOW = local(2026, 3, 2, 10)


def application(**overrides) -> dict:
    values = {
        "name": "刘晓燕", "email": "xiaoyan@example.org", "password": PASSWORD, "phone": "138 1234 5678",
        "skills": "书法、讲故事", "languages": "普通话、English", "availability": {"sat": ["am"]},
        "motivation": "想为家乡的孩子做点事", "emergency_contact": "刘先生 13912345678", "consent": True,
    }
    return {**values, **overrides}


def make_training(topic: str = "消防安全") -> Training:
    training = Training(title="消防安全培训", title_en="Fire safety", topic=topic,
                        starts_at=local(2026, 3, 1, 9), ends_at=local(2026, 3, 1, 11))
    db.session.add(training)
    db.session.commit()
    return training
