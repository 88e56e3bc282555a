"""One HTTP call to a provider's API with ``requests``, its failures turned into :class:`ProviderError`."""

from __future__ import annotations

import json
from typing import Any

import requests

from encaisse.payments import config
from encaisse.payments.providers.base import ProviderError, UnknownPayment


def call(
    method: str, url: str, *, key: str, provider: str, data: Any = None, json_body: Any = None,
    headers: dict[str, str] | None = None, describe_error: Any = None,
) -> dict[str, Any]:  # fmt: skip
    """The JSON answer of a 2xx response; 404 raises :class:`UnknownPayment`, others :class:`ProviderError`.

    5xx answers and network failures are *retryable* (the provider, or our
    webhook's caller, may try again); 4xx are not.
    """
    try:
        response = requests.request(
            method, url, data=data, json=json_body, timeout=config.HTTP_TIMEOUT,
            headers={"Authorization": f"Bearer {key}", "Accept": "application/json", **(headers or {})},
        )  # fmt: skip
    except requests.RequestException as exc:
        raise ProviderError(
            f"{provider} could not be reached: {type(exc).__name__}", retryable=True
        ) from None
    try:
        answer = response.json()
    except (ValueError, json.JSONDecodeError):
        answer = None
    if not 200 <= response.status_code < 300:
        detail = describe_error(answer) if describe_error and isinstance(answer, dict) else ""
        message = f"{provider} answered {response.status_code}" + (f": {detail}" if detail else "")
        if response.status_code == 404:
            raise UnknownPayment(message, status=404)
        raise ProviderError(message, status=response.status_code, retryable=response.status_code >= 500)
    if not isinstance(answer, dict):
        raise ProviderError(
            f"{provider} answered {response.status_code} without a JSON object", retryable=True
        )
    return answer
