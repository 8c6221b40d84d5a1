"""Wildcard matching (actions, resource ARNs, strings) and which principals a statement names.

`*` matches any run of characters and `?` any one character. Actions are compared lower-cased (AWS
matches them case-insensitively); ARNs and strings are case-sensitive. In an ARN pattern the wildcards
stay inside the colon-separated segment they are written in, except that a `*` ending a segment may run
on past colons (so `arn:aws:iam::111:*` covers every IAM resource of 111, and `*` covers every ARN),
and the sixth segment, the resource, is matched whole: `arn:aws:s3:::b/*` covers `arn:aws:s3:::b/a/b`.

A list of patterns is one `Glob`. When none of its patterns has a policy variable it is compiled at
parse time into one regular expression; otherwise each request renders and compiles it (memoized).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from fogbank.policy.variables import ONE, Resolve, Token, Variable, Wildcard, has_variables

__all__ = ["Glob", "PrincipalSpec", "Grant", "glob_source", "principal_grant", "not_principal_applies"]

_ARN_SEGMENTS = 5  # colons that separate arn:partition:service:region:account:resource


Source = tuple[str | Variable, ...]  # regular-expression fragments, and the variables between them


def glob_source(tokens: tuple[Token, ...], *, arn: bool) -> Source:
    """One pattern as regular-expression fragments; its variables are left for each request to fill."""
    out: list[str | Variable] = []
    segment = 0
    for index, token in enumerate(tokens):
        if isinstance(token, Variable):
            out.append(token)
            continue
        if isinstance(token, Wildcard):
            bounded = arn and segment < _ARN_SEGMENTS
            if token is ONE:
                fragment = "[^:]" if bounded else "."
            elif bounded and not _ends_segment(tokens, index):
                fragment = "[^:]*"
            else:
                fragment = ".*"
        elif arn and segment < _ARN_SEGMENTS and ":" in token:
            pieces = token.split(":", _ARN_SEGMENTS - segment)
            segment += len(pieces) - 1
            fragment = ":".join(re.escape(piece) for piece in pieces)
        else:
            fragment = re.escape(token)
        if out and isinstance(out[-1], str):
            out[-1] += fragment
        else:
            out.append(fragment)
    return tuple(out)


def _ends_segment(tokens: tuple[Token, ...], index: int) -> bool:
    if index + 1 == len(tokens):
        return True
    following = tokens[index + 1]
    return isinstance(following, str) and not isinstance(following, Wildcard) and following[:1] == ":"


def _fill(source: Source, resolve: Resolve) -> re.Pattern[str] | None:
    """The pattern for one request; None when a variable of it has no value (and no default)."""
    parts: list[str] = []
    for part in source:
        if isinstance(part, Variable):
            value = resolve(part.key)
            if value is None:
                value = part.default
            if value is None:
                return None
            parts.append(re.escape(value))
        else:
            parts.append(part)
    return _compiled("".join(parts))


def _literal_prefix(tokens: tuple[Token, ...]) -> str:
    prefix = []
    for token in tokens:
        if isinstance(token, Variable | Wildcard):
            break
        prefix.append(token)
    return "".join(prefix)


@lru_cache(maxsize=4096)
def _compiled(source: str) -> re.Pattern[str]:
    return re.compile(source, re.DOTALL)


@dataclass(frozen=True, slots=True)
class Glob:
    """One or more patterns, any of which may match. `patterns` keeps them as the policy wrote them.

    The patterns without variables are compiled into one expression, `static`; those with variables are
    kept as `dynamic` sources, filled in and compiled (memoized) per request.
    """

    patterns: tuple[str, ...]
    sources: tuple[Source, ...]
    static: re.Pattern[str] | None
    dynamic: tuple[tuple[str, Source], ...]  # with the literal text every match starts with

    @classmethod
    def build(cls, patterns: tuple[str, ...], tokens: tuple[tuple[Token, ...], ...], *, arn: bool) -> Glob:
        sources = tuple(glob_source(each, arn=arn) for each in tokens)
        fixed: list[str] = []
        dynamic: list[tuple[str, Source]] = []
        for source, each in zip(sources, tokens, strict=True):
            if has_variables(each):
                dynamic.append((_literal_prefix(each), source))
            else:
                fixed.append(source[0] if source else "")
        static = re.compile("|".join(f"(?:{f})" for f in fixed), re.DOTALL) if fixed else None
        return cls(patterns, sources, static, tuple(dynamic))

    def match(self, value: str, resolve: Resolve) -> bool:
        if self.static is not None and self.static.fullmatch(value) is not None:
            return True
        for prefix, source in self.dynamic:
            if not value.startswith(prefix):
                continue  # most values are told apart by the text before the first variable
            pattern = _fill(source, resolve)
            if pattern is not None and pattern.fullmatch(value) is not None:
                return True
        return False

    def which(self, value: str, resolve: Resolve) -> str | None:
        """The first pattern (as written) that matches `value`, for explanations."""
        for written, source in zip(self.patterns, self.sources, strict=True):
            pattern = _fill(source, resolve)
            if pattern is not None and pattern.fullmatch(value) is not None:
                return written
        return None


# How a resource-based policy names a principal, which decides what its Allow is worth:
# "direct" names the caller itself (its user or session ARN, its service, its provider, or everyone);
# "role" names the role behind a session; "account" names the caller's account, which delegates the
# decision to that account's identity-based policies.
Grant = str


@dataclass(frozen=True, slots=True)
class PrincipalSpec:
    everyone: bool  # "*" or {"AWS": "*"}
    aws: frozenset[str]  # ARNs; account ids are already arn:aws:iam::ID:root
    service: frozenset[str]  # lower-cased
    federated: frozenset[str]
    canonical: frozenset[str]
    written: tuple[str, ...]  # every value as written, for explanations


def _root_arn(arn: str, account: str) -> str:
    partition = arn.split(":", 2)[1] if arn.startswith("arn:") else "aws"
    return f"arn:{partition}:iam::{account}:root"


def principal_grant(spec: PrincipalSpec, principal: _Caller) -> Grant | None:
    if spec.everyone:
        return "direct"
    if principal.service and principal.service.lower() in spec.service:
        return "direct"
    if principal.federated and principal.federated in spec.federated:
        return "direct"
    if principal.arn in spec.aws:
        return "direct"
    if principal.role_arn and principal.role_arn in spec.aws:
        return "role"
    if principal.account and _root_arn(principal.arn, principal.account) in spec.aws:
        return "direct" if principal.kind == "root" else "account"
    return None


def not_principal_applies(spec: PrincipalSpec, principal: _Caller) -> bool:
    """A NotPrincipal statement applies unless every identity the caller acts as is listed.

    AWS checks the caller, the role behind a session and the caller's account one by one, which is
    why excluding a session takes its session ARN, its role ARN and its account's ARN together.
    """
    if spec.everyone:
        return False
    identities = [principal.arn]
    if principal.role_arn:
        identities.append(principal.role_arn)
    if principal.account:
        identities.append(_root_arn(principal.arn, principal.account))
    listed = spec.aws
    if principal.service:
        return principal.service.lower() not in spec.service
    if principal.federated:
        return principal.federated not in spec.federated
    return any(identity not in listed for identity in identities)


class _Caller(Protocol):
    """What principal matching reads of a PrincipalContext."""

    @property
    def arn(self) -> str: ...
    @property
    def account(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def role_arn(self) -> str | None: ...
    @property
    def service(self) -> str | None: ...
    @property
    def federated(self) -> str | None: ...
