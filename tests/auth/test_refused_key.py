"""A key fogbank issued but refuses (RefusedKey from the lookup) never falls back to a default key."""

from __future__ import annotations

import pytest

from fogbank.auth.credentials import Credential, RefusedKey, resolve
from fogbank.errors import ServiceError

INACTIVE = "AKIAINACTIVEKEY00001"


def _refusing(access_key: str) -> Credential | None:
    if access_key == INACTIVE:
        raise RefusedKey(access_key)
    return None


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize(
    ("flavour", "code"),
    [
        ("query", "InvalidClientTokenId"),
        ("s3", "InvalidAccessKeyId"),
        ("json", "UnrecognizedClientException"),
        ("ec2", "AuthFailure"),
    ],
)
def test_refused_key_is_invalid_whatever_strict_says(strict: bool, flavour: str, code: str) -> None:
    with pytest.raises(ServiceError) as error:
        resolve(INACTIVE, strict=strict, lookup=_refusing, flavour=flavour)  # type: ignore[arg-type]
    assert error.value.code == code


def test_other_keys_are_unaffected_by_a_refusing_lookup() -> None:
    credential = resolve("AKIAMADEUPBYCALLER01", strict=False, lookup=_refusing)
    assert credential.principal.kind == "root" and not credential.verified
