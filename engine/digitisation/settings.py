"""What the engine needs to know for digitisation, payment and the portal, from config."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.definitions.paper_types import PaperTypeCatalogue, load_paper_types

from .payments import HmacGateway, PaymentGateway

if TYPE_CHECKING:
    from engine.config import Config

__all__ = ["DigitisationSettings", "settings_from_config"]


@dataclass(frozen=True)
class DigitisationSettings:
    paper_types: PaperTypeCatalogue | None = None  # None: any well-formed type code is taken
    gateway: PaymentGateway | None = None  # None: no online payment
    payment_notify_url: str = ""  # where the gateway sends its signed notices (our endpoint)
    payment_return_url: str = ""  # where the citizen lands after paying
    file_link_base: str = "http://127.0.0.1:8000/api/v1/papers"  # + /<public id>/file

    def file_link(self, public_id: str) -> str:
        return f"{self.file_link_base.rstrip('/')}/{public_id}/file"


def settings_from_config(config: Config) -> DigitisationSettings:
    """The catalogue file, the gateway (when configured) and the links the portal gets."""
    catalogue_file = config.path(config.paths.paper_types)
    catalogue = load_paper_types(catalogue_file) if catalogue_file.is_file() else None
    payment = config.payment
    gateway = None
    if payment.gateway_url:
        gateway = HmacGateway(
            payment.gateway_url,
            payment.merchant_id,
            payment.secret,
            name=payment.gateway_name,
            timeout=payment.timeout_seconds,
            tolerance_seconds=payment.tolerance_seconds,
        )
    base = config.web.public_base_url.rstrip("/")
    return DigitisationSettings(
        paper_types=catalogue,
        gateway=gateway,
        payment_notify_url=payment.notify_url or f"{base}/api/v1/payments/callback",
        payment_return_url=payment.return_url or f"{base}/tra-cuu",
        file_link_base=f"{base}/api/v1/papers",
    )
