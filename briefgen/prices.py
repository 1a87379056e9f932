"""What model calls cost in money: a price per model (US dollars per million input and output
tokens), the built-in table of OpenAI's prices, and the cost of a run's tokens.

The built-in prices are OpenAI's list prices for its API, as published on
https://openai.com/api/pricing/ (PRICES_DATE); they apply only to OpenAI's own API (no
`base_url`, or one at api.openai.com). Any other server (a local llama.cpp or vLLM, another
provider, a proxy) is priced only by the `prices` setting, which also overrides or adds to the
built-in table: a model with no price there has an *unknown* cost, never a guessed one.

Not modelled, so a figure is an upper bound: OpenAI's discount on cached input tokens (the
tokens are counted as plain input). The Batch API's half price is (`BATCH_FACTOR`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

PRICES_DATE = "2025-08"  # when the built-in figures were taken from OpenAI's pricing page
PRICES_SOURCE = f"OpenAI's list prices of {PRICES_DATE}"
BATCH_FACTOR = 0.5  # the Batch API bills half the live price, input and output
OPENAI_HOST = "api.openai.com"


class Price(BaseModel):
    """A model's price in US dollars per million tokens."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input: float = Field(ge=0, description="USD per million input (prompt) tokens.")
    output: float = Field(ge=0, description="USD per million output (completion) tokens.")


def _p(input: float, output: float) -> Price:
    return Price(input=input, output=output)


# OpenAI's standard (not Batch, not Priority, not Flex) prices per million tokens, PRICES_DATE.
DEFAULT_PRICES: dict[str, Price] = {
    "gpt-5": _p(1.25, 10.00),
    "gpt-5-mini": _p(0.25, 2.00),
    "gpt-5-nano": _p(0.05, 0.40),
    "gpt-4.1": _p(2.00, 8.00),
    "gpt-4.1-mini": _p(0.40, 1.60),
    "gpt-4.1-nano": _p(0.10, 0.40),
    "gpt-4o": _p(2.50, 10.00),
    "gpt-4o-2024-05-13": _p(5.00, 15.00),  # the first gpt-4o snapshot kept its launch price
    "gpt-4o-mini": _p(0.15, 0.60),
    "o4-mini": _p(1.10, 4.40),
    "o3": _p(2.00, 8.00),
    "o3-mini": _p(1.10, 4.40),
    "o1": _p(15.00, 60.00),
    "gpt-4-turbo": _p(10.00, 30.00),
    "gpt-3.5-turbo": _p(0.50, 1.50),
}

# A dated snapshot (`gpt-4o-mini-2024-07-18`, `gpt-3.5-turbo-0125`) costs what its model does,
# unless the table names the snapshot itself.
_SNAPSHOT = re.compile(r"-(?:\d{4}-\d{2}-\d{2}|\d{4})$")


def is_openai(base_url: str | None) -> bool:
    """True for OpenAI's own API: no base URL, or one whose host is api.openai.com."""
    if not base_url:
        return True
    return (urlsplit(base_url).hostname or "").lower() == OPENAI_HOST


def price_for(
    model: str, base_url: str | None, own: Mapping[str, Price] | None = None
) -> tuple[Price, str] | None:
    """The model's price and where it comes from ('the prices setting' or PRICES_SOURCE), or
    None when it is unknown: the built-in table only for OpenAI's API."""
    for name in (model, _SNAPSHOT.sub("", model)):
        if own and name in own:
            return own[name], "the prices setting"
    if is_openai(base_url):
        for name in (model, _SNAPSHOT.sub("", model)):
            if name in DEFAULT_PRICES:
                return DEFAULT_PRICES[name], PRICES_SOURCE
    return None


def cost(price: Price, input_tokens: int, output_tokens: int, *, batch: bool = False) -> float:
    """US dollars for these tokens at this price (at the Batch API's half price if `batch`)."""
    usd = (input_tokens * price.input + output_tokens * price.output) / 1_000_000
    return usd * BATCH_FACTOR if batch else usd


def money(usd: float | None) -> str:
    """'$0.0042', '$0.42', '$12.50', 'cost unknown' for None."""
    if usd is None:
        return "cost unknown"
    if usd == 0:
        return "$0.00"
    if usd < 0.0001:
        return "<$0.0001"
    if usd < 1:  # cents, or four places where a cent is too coarse: $0.25, $0.0036
        places = f"{usd:.4f}".rstrip("0")
        return "$" + places.ljust(len(places.split(".")[0]) + 3, "0")
    return f"${usd:,.2f}"


def per_million(price: float) -> str:
    """'$0.15', '$0.60', '$0.075': a price per million tokens, at least to the cent."""
    return money(price) if price < 1 and price >= 0.0001 else f"${price:,.2f}"
