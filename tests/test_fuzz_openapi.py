"""No input reaches a 500: schemathesis generates requests for every operation in /openapi.json and
sends them, signed with an admin's API key, to the app on both backends (inside the test's
rolled-back transaction). A few examples per operation keep the run to a minute or two.

Excluded: the routes that would end the run's own access (revoking API keys, editing users).
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from sqlalchemy.orm import Session

from zhili.auth import keys
from zhili.auth.models import ApiKey, Role, User

EXCLUDED = ("/api/api-keys/{key_id}", "/api/users/{user_id}")
EXAMPLES = 3


def admin_key(session: Session) -> str:
    """An admin's key, made without argon2 (fast): the account has no password at all."""
    user = User(username="fuzz_admin", display_name="fuzz", role=Role.admin, password_hash=None)
    session.add(user)
    session.flush()
    clear = keys.new_api_key()
    key = ApiKey(name="fuzz", prefix=keys.key_prefix(clear), key_hash=keys.key_digest(clear), user_id=user.id)
    session.add(key)
    session.commit()
    return clear


def test_no_input_reaches_a_server_error(app: Any, session: Session) -> None:
    key = admin_key(session)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app).exclude(path=list(EXCLUDED))
    errors: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 100

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
        )
        def exercise(case: Any) -> None:
            try:
                response = case.call(headers={"X-API-Key": key})
            except Exception as exc:  # the in-process client re-raises what the server did not handle
                errors.append(f"{case.method} {case.formatted_path} {case.query or ''}: {type(exc).__name__}")
                return
            if response.status_code >= 500:
                errors.append(
                    f"{case.method} {case.formatted_path} {case.query or ''}: {response.text[:160]}"
                )

        exercise()
    assert sorted(set(errors)) == []
