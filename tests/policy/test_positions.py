"""Statement positions in a policy's text, as the simulator reports them."""

from __future__ import annotations

from fogbank.policy.positions import statement_spans

POLICY = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"},
    {
      "Effect": "Deny",
      "Action": "s3:PutObject",
      "Resource": "*"
    }
  ]
}"""


def test_spans_of_a_statement_list() -> None:
    assert statement_spans(POLICY) == [((4, 5), (4, 61)), ((5, 5), (9, 5))]


def test_span_of_a_single_statement_object() -> None:
    text = '{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}, "Version": "2012-10-17"}'
    assert statement_spans(text) == [((1, 15), (1, 65))]


def test_keys_before_statement_with_nested_values_are_skipped() -> None:
    text = '{"Id": "x", "Extra": {"Statement": []}, "Statement": [{"Effect": "Deny"}]}'
    assert statement_spans(text) == [((1, 55), (1, 72))]


def test_not_a_policy() -> None:
    assert statement_spans("[1, 2]") == []
    assert statement_spans("{not json") == []
    assert statement_spans('{"Version": "2012-10-17"}') == []
