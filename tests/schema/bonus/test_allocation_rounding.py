"""The pure allocation: a pool split to the cent adds up to the pool exactly."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.bonus.allocation import Claim, allocate, largest_remainder

D = Decimal


def test_the_left_over_cents_go_to_the_largest_remainders() -> None:
    # 100.00 in thirds: 33.33 each and one cent left, to the first of the equal remainders.
    assert largest_remainder(D("100.00"), [D(1), D(1), D(1)]) == [
        D("33.34"),
        D("33.33"),
        D("33.33"),
    ]
    # 10000.01 by 12000 : 20000 -> 3750.003125 and 6250.005208...: the second takes the cent.
    assert largest_remainder(D("10000.01"), [D(12000), D(20000)]) == [D("3750.00"), D("6250.01")]
    assert largest_remainder(D("0.00"), [D(1), D(2)]) == [D("0.00"), D("0.00")]


def test_refuses_what_cannot_be_split() -> None:
    with pytest.raises(ValueError):
        largest_remainder(D("1.001"), [D(1)])
    with pytest.raises(ValueError):
        largest_remainder(D(1), [D(0), D(0)])
    with pytest.raises(ValueError):
        largest_remainder(D(-1), [D(1)])


def test_without_a_pool_each_amount_is_base_times_coefficient_half_up() -> None:
    claims = [Claim(D("10000"), D("1.2")), Claim(D("333.335"), D(1)), Claim(None, D(1))]
    assert allocate(claims, None) == [D("12000.00"), D("333.34"), None]


def test_a_pool_nobody_can_share_stays_undistributed() -> None:
    assert allocate([Claim(None, D(1)), Claim(D(0), D(1))], D(100)) == [None, D("0.00")]


money = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)
weight = st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False, allow_infinity=False)


@settings(deadline=None)  # a loaded machine must not fail a correct split
@given(pool=money, weights=st.lists(weight, min_size=1, max_size=40))
def test_the_amounts_add_up_to_the_pool_and_stay_within_a_cent(pool, weights) -> None:
    if not any(w > 0 for w in weights):
        weights = [*weights, D(1)]
    amounts = largest_remainder(pool, weights)
    assert sum(amounts) == pool
    whole = sum(Fraction(w) for w in weights)
    for amount, w in zip(amounts, weights, strict=True):
        exact = Fraction(pool) * Fraction(w) / whole
        assert amount >= 0 and amount == amount.quantize(D("0.01"))
        assert abs(Fraction(amount) - exact) < Fraction(1, 100)


@settings(deadline=None)
@given(
    pool=money,
    claims=st.lists(
        st.tuples(st.one_of(st.none(), money), st.one_of(st.none(), weight)), max_size=30
    ),
)
def test_allocate_with_a_pool_sums_to_it_whenever_anyone_shares(pool, claims) -> None:
    found = allocate([Claim(b, c) for b, c in claims], pool)
    weights = [b * c for b, c in claims if b is not None and c is not None]
    if any(w > 0 for w in weights):
        assert sum(a for a in found if a is not None) == pool
    assert [a is None for a in found] == [b is None or c is None for b, c in claims]
