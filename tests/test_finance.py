"""costmodel.finance against published values the code did not compute.

Sources are named in each test; tolerances follow the printed digits.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy_financial as npf
import pytest

from costmodel import finance


def test_npv_numpy_financial_docstring_example():
    # numpy/numpy-financial, numpy_financial/_financial.py, npv docstring:
    # npv(0.08, [-40000, 5000, 8000, 12000, 30000]) == 3065.22267 (first value at t = 0)
    flows = [-40_000, 5_000, 8_000, 12_000, 30_000]
    assert finance.present_value(flows, 0.08, np.arange(5)) == pytest.approx(3065.22267, abs=5e-6)


def test_excel_npv_documentation_example():
    # Microsoft support, "NPV function", example 1: rate 10 %; -10,000 at the end of
    # year 1, then 3,000, 4,200, 6,800 -> 1,188.44 (Excel's NPV puts v1 at t = 1).
    assert finance.present_value([-10_000, 3_000, 4_200, 6_800], 0.10, [1, 2, 3, 4]) == pytest.approx(1188.44, abs=0.005)


def test_timing_conventions_numpy_financial_vs_excel():
    # reference-values.md: the same flows at 5 % give 122.89 with t = 0..5
    # (numpy-financial) and 117.04 with t = 1..6 (Excel); Excel's =A1+NPV(r, B1:..) idiom
    # equals numpy-financial.
    flows = np.array([-15_000, 1_500, 2_500, 3_500, 4_500, 6_000], dtype=float)
    at_zero = finance.present_value(flows, 0.05, np.arange(6))
    at_one = finance.present_value(flows, 0.05, np.arange(1, 7))
    assert at_zero == pytest.approx(122.89, abs=0.005)
    assert at_one == pytest.approx(117.04, abs=0.005)
    assert at_zero == pytest.approx(npf.npv(0.05, flows), rel=1e-12)
    # Excel idiom: first flow undiscounted plus NPV of the rest from t = 1
    assert at_zero == pytest.approx(flows[0] + finance.present_value(flows[1:], 0.05, np.arange(1, 6)), rel=1e-12)
    # end-of-year value = start-of-year value discounted one more year
    assert at_one == pytest.approx(at_zero / 1.05, rel=1e-12)


def test_nrel_manual_npv_example():
    # Short, Packey & Holt (1995), NREL/TP-462-5173, p. 41: 12 %, flows at t = 0..5 -> 13,572.
    flows = [-10_000, 7_274, 6_558, 6_223, 6_087, 6_259]
    assert finance.present_value(flows, 0.12, np.arange(6)) == pytest.approx(13_572, abs=0.5)


def test_green_book_discount_factor():
    # HM Treasury Green Book, Annex A6: DF(1) at 3.5 % = 0.9662.
    assert finance.discount_factor(0.035, 1) == pytest.approx(0.9662, abs=5e-5)


def test_fisher_femp_2024():
    # US FEMP 2024 (reference-values.md): real 3.0 %, inflation 1.2 % -> nominal 4.2 %.
    assert finance.nominal_rate_from_real(0.03, 0.012) == pytest.approx(0.042, abs=5e-4)
    # exact Fisher, written out: 1.03 * 1.012 - 1
    assert finance.nominal_rate_from_real(0.03, 0.012) == pytest.approx(1.03 * 1.012 - 1, rel=1e-15)
    assert finance.real_rate_from_nominal(1.03 * 1.012 - 1, 0.012) == pytest.approx(0.03, rel=1e-12)


def test_irr_excel_example_is_a_root_of_present_value():
    # Microsoft support, "IRR function": -70,000, 12,000, 15,000, 18,000, 21,000, 26,000 -> 8.66 %
    # (0.0866309480). The PV at that rate must be zero.
    flows = [-70_000, 12_000, 15_000, 18_000, 21_000, 26_000]
    assert finance.present_value(flows, 0.0866309480, np.arange(6)) == pytest.approx(0.0, abs=1e-3)
    assert npf.irr(flows) == pytest.approx(0.0866309480, abs=1e-9)


def test_numpy_financial_irr_docstring_example():
    # numpy-financial irr docstring: irr([-100, 39, 59, 55, 20]) = 0.28095
    assert finance.present_value([-100, 39, 59, 55, 20], 0.28095, np.arange(5)) == pytest.approx(0.0, abs=5e-3)


def test_xnpv_excel_example_with_actual_365_times():
    # Microsoft support, "XNPV function": 9 %, actual/365 -> 2,086.65 (2086.647602031535)
    dates = [dt.date(2008, 1, 1), dt.date(2008, 3, 1), dt.date(2008, 10, 30), dt.date(2009, 2, 15), dt.date(2009, 4, 1)]
    flows = [-10_000, 2_750, 4_250, 3_250, 2_750]
    t = [(d - dates[0]).days / 365 for d in dates]
    assert finance.present_value(flows, 0.09, t) == pytest.approx(2086.647602031535, abs=1e-6)


def test_capital_recovery_factor_against_pmt():
    # numpy-financial docstring: pmt(0.075/12, 12*15, 200000) = -1854.0247200054619;
    # CRF(r, n) * PV is the level payment, so -pmt == PV * CRF.
    r, n = 0.075 / 12, 12 * 15
    assert 200_000 * finance.capital_recovery_factor(r, n) == pytest.approx(1854.0247200054619, rel=1e-12)
    # Excel PMT example: 8 %/12, 10 months, 10,000 -> -1,037.03
    assert 10_000 * finance.capital_recovery_factor(0.08 / 12, 10) == pytest.approx(1037.03, abs=0.005)
    # numpy-financial test suite: pmt(0.08/12, 5*12, 15000) = -304.145914
    assert 15_000 * finance.capital_recovery_factor(0.08 / 12, 60) == pytest.approx(304.145914, abs=5e-7)


def test_capital_recovery_factor_zero_rate_is_one_over_n():
    assert finance.capital_recovery_factor(0.0, 5) == pytest.approx(0.2)
    assert finance.equivalent_annual_cost(1000.0, 0.0, 4) == pytest.approx(250.0)


def test_crf_closed_form_hand_calculation():
    # 8 %, 5 years: 0.08 / (1 - 1.08 ** -5); 1.08 ** 5 = 1.4693280768
    expected = 0.08 / (1 - 1 / 1.4693280768)
    assert finance.capital_recovery_factor(0.08, 5) == pytest.approx(expected, rel=1e-9)
    assert finance.capital_recovery_factor(0.08, 5) == pytest.approx(0.250456, abs=5e-7)


def test_airr_formula_10_cfr_436():
    # AIRR = (1 + d) * SIR ** (1/N) - 1 (10 CFR 436.22): d = 3 %, SIR = 2, N = 20
    # 2 ** (1/20) = 1.0352649238 -> 1.03 * 1.0352649238 - 1 = 0.0663228715
    assert finance.adjusted_internal_rate_of_return(2.0, 0.03, 20) == pytest.approx(0.0663228715, abs=1e-9)
    # AIRR equals d exactly when SIR = 1
    assert finance.adjusted_internal_rate_of_return(1.0, 0.07, 12) == pytest.approx(0.07)
    assert np.isnan(finance.adjusted_internal_rate_of_return(0.0, 0.07, 12))
    assert np.isnan(finance.adjusted_internal_rate_of_return(-1.0, 0.07, 12))


def test_sir_undefined_without_added_investment():
    assert finance.savings_to_investment_ratio(100.0, 50.0) == pytest.approx(2.0)
    assert np.isnan(finance.savings_to_investment_ratio(100.0, 0.0))
    assert np.isnan(finance.savings_to_investment_ratio(100.0, -5.0))


def test_payback_must_stay_paid_back():
    years = [2024, 2025, 2026, 2027]
    # cumulative -100, -40, 20, -10: positive in 2026 but negative again in 2027 -> none
    assert np.isnan(finance.payback_year(years, [-100, 60, 60, -30]))
    # cumulative -100, -40, 20, 10 -> 2026
    assert finance.payback_year(years, [-100, 60, 60, -10]) == 2026
    # never negative -> the first year
    assert finance.payback_year(years, [0, 0, 0, 0]) == 2024
    # rounding noise within the tolerance counts as zero
    assert finance.payback_year(years, [-100, 100 - 1e-7, 0, 0], tolerance=1e-6) == 2025


def test_discount_factor_broadcasts_over_draws_and_years():
    rates = np.array([[0.05], [0.10]])
    t = np.array([1.0, 2.0])
    got = finance.discount_factor(rates, t)
    assert got.shape == (2, 2)
    assert got[1, 1] == pytest.approx(1 / 1.21)
    pv = finance.present_value(np.array([[100.0, 100.0], [100.0, 100.0]]), rates, t)
    assert pv.tolist() == pytest.approx([100 / 1.05 + 100 / 1.05**2, 100 / 1.1 + 100 / 1.21])


def test_bad_rates_and_timing_are_refused():
    with pytest.raises(ValueError, match="> -1"):
        finance.discount_factor(-1.0, 1)
    with pytest.raises(ValueError, match="timing"):
        finance.time_in_years([2024], 2024, "middle")
    with pytest.raises(ValueError, match="n must"):
        finance.capital_recovery_factor(0.05, 0)
