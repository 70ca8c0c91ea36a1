"""The record filters of the pages."""

from __future__ import annotations

import pandas as pd
import pytest

from feedback_analytics.filters import Filters

RECORDS = pd.DataFrame(
    {
        "channel": pd.Categorical(["email", "hotline", "web_form", "email"]),
        "category": ["VPN", None, "VPN", "Billing"],
        "priority": ["high", "low", "high", "normal"],
        "department": [None, "Support", "Network", None],
        "product": ["FW", "FW", "VPN Client", None],
    }
)


@pytest.mark.parametrize(
    ("chosen", "kept"),
    [
        ({}, None),
        ({"channel": ["email"]}, [True, False, False, True]),
        ({"channel": ["email", "web_form"], "category": ["VPN"]}, [True, False, True, False]),
        ({"department": ["Support"]}, [False, True, False, False]),
        ({"product": ["nothing"]}, [False, False, False, False]),
        ({"priority": []}, None),
        # "": the records without a value (a chart's bar of those), alone or with others.
        ({"department": [""]}, [True, False, False, True]),
        ({"department": ["", "Network"]}, [True, False, True, True]),
        ({"category": [""], "channel": ["email"]}, [False, False, False, False]),
    ],
)
def test_mask(chosen: dict[str, list[str]], kept: list[bool] | None) -> None:
    mask = Filters.of(chosen).mask(RECORDS)
    assert (mask is None and kept is None) or list(mask) == kept  # type: ignore[arg-type]


def test_filters_are_sorted_and_deduplicated_so_equal_choices_share_a_cache_key() -> None:
    assert Filters.of({"channel": ["web_form", "email", "email"]}) == Filters.of(
        {"channel": ["email", "web_form"]}
    )
    assert hash(Filters.of({"channel": ["email"]})) == hash(Filters(channel=("email",)))
    assert Filters.of({"channel": ["email"], "product": []}).active == {"channel": ("email",)}


def test_an_unknown_dimension_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown filter"):
        Filters.of({"customer_name": ["x"]})
