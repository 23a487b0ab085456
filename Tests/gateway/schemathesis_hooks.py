"""Schemathesis hooks for the gateway run (loaded through SCHEMATHESIS_HOOKS).

Path parameters: Schemathesis reads a path parameter as possibly escaped already (it unquotes, then quotes), so a
generated topic such as `%RETRY%0C` reaches the server as `%RETRY<form feed>`, which is not the valid name that
was generated. For positive cases whose value is a valid name only before unquoting, the hook escapes each `%`.
This is idempotent: the escaped value unquotes to the valid name, so a replayed case is left alone.

Long polls are valid up to the gateway's 30 s maximum, and generated `waitMs` values in that range would make an
empty-queue pull or pop wait that long. Valid waits are capped at 200 ms so the run stays short; values outside
the valid range are sent unchanged, so the negative cases still exercise `wait_too_long` and `invalid_parameter`.
"""

import re
from urllib.parse import unquote

import schemathesis
from schemathesis import GenerationMode

WAIT_CAP_MS = 200
MAX_WAIT_MS = 30_000
NAME = re.compile(r"[%|a-zA-Z0-9_-]+")


def _is_positive(case) -> bool:
    meta = getattr(case, "meta", None)
    generation = getattr(meta, "generation", None)
    return generation is None or generation.mode == GenerationMode.POSITIVE


@schemathesis.hook
def before_call(context, case, kwargs):
    parameters = case.path_parameters
    if isinstance(parameters, dict) and _is_positive(case):
        for name, value in parameters.items():
            if isinstance(value, str) and NAME.fullmatch(value) and not NAME.fullmatch(unquote(value)):
                parameters[name] = value.replace("%", "%25")
    query = case.query
    if not isinstance(query, dict):
        return
    wait = query.get("waitMs")
    if isinstance(wait, int) and not isinstance(wait, bool) and WAIT_CAP_MS < wait <= MAX_WAIT_MS:
        query["waitMs"] = WAIT_CAP_MS
