"""Online payment of invoices through payment-service providers (Stripe, Mollie).

The provider adapters (:mod:`encaisse.payments.providers`) speak each
provider's documented HTTP API; :mod:`encaisse.payments.services` starts a
checkout for an invoice's open amount and turns the provider's confirmed
webhook into a ledger receipt allocated to the invoice. See docs/payments.md.
"""
