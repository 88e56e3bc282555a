"""Online-payment pages: the providers' webhook endpoints and the page the customer returns to.

Presentation only: :mod:`encaisse.payments.services` does the work. A webhook
answers 400 with no detail when it is not authentic, 503 when the provider
could not be asked back (so that it retries), 200 once the delivery is
recorded. The return page needs no account: the signed token in its link is
the proof, and it shows one payment only (anything else is a 404).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from encaisse.payments import services
from encaisse.payments.models import OnlinePayment, PaymentState


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, provider: str) -> HttpResponse:
    result = services.handle_webhook(provider, request.headers, request.body)
    if result.outcome == services.Outcome.REJECTED:
        return HttpResponse("invalid webhook", status=400, content_type="text/plain")
    if result.outcome == services.Outcome.UNAVAILABLE:
        raise Http404("no such webhook")
    return JsonResponse({"received": result.http_status == 200}, status=result.http_status)


@never_cache
@require_GET
def payment_return(request: HttpRequest, pk: int) -> HttpResponse:
    if services.payment_for_token(request.GET.get("t", "")) != pk:
        raise Http404("no such payment")
    payment = OnlinePayment.objects.select_related("invoice", "entity", "customer").filter(pk=pk).first()
    if payment is None:
        raise Http404("no such payment")
    payment = services.refresh_payment(payment)
    cancelled = request.GET.get("cancelled") == "1" and payment.status == PaymentState.PENDING
    language = payment.customer.language if payment.customer.language in ("en", "fr", "nl", "de") else "en"
    with translation.override(language):
        response = render(request, "payments/return.html", {
            "payment": payment, "invoice": payment.invoice, "entity": payment.entity, "cancelled": cancelled,
            "provider": services.provider_label(payment.provider), "language": language,
        })  # fmt: skip
    response["Referrer-Policy"] = "no-referrer"
    return response
