"""A feedback's number, as customers see it and quote it back."""

import pytest

from feedback_analytics.mail import feedback_reference, referenced_feedback


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Re: [FB-123] Chúng tôi đã nhận góp ý của quý khách", 123),
        ("RE: fb-7 received", 7),
        ("Trả lời: FB 42", 42),
        ("Re: feedback about WiFi", None),
        ("Order REFB-9 invoice", None),
        ("", None),
    ],
)
def test_referenced_feedback(subject, expected):
    assert referenced_feedback(subject) == expected


def test_feedback_reference_is_read_back():
    assert referenced_feedback(f"Re: [{feedback_reference(9001)}]") == 9001
