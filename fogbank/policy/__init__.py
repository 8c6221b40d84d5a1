"""The IAM policy language: parse and validate documents, match, evaluate, explain.

Pure: no I/O, no database, no clock reads. Callers gather the policies that apply to a request into a
PolicySet, describe the request as an AuthzRequest and get a Decision that can say why.
"""

from fogbank.policy.evaluate import (
    AuthzRequest,
    Decision,
    LabelledPolicy,
    PolicySet,
    PolicyTrace,
    PrincipalContext,
    StatementTrace,
    evaluate,
)
from fogbank.policy.explain import render
from fogbank.policy.grammar import Policy, PolicyError, PolicyKind, Statement, parse_policy

__all__ = [
    "PolicyKind",
    "Policy",
    "PolicyError",
    "Statement",
    "parse_policy",
    "PrincipalContext",
    "AuthzRequest",
    "LabelledPolicy",
    "PolicySet",
    "Decision",
    "PolicyTrace",
    "StatementTrace",
    "evaluate",
    "render",
]
