"""A hand-written Monte Carlo of ``scenarios/data-integration-center.toml``: the bar costmodel is measured against.

What a skilled analyst writes in numpy for this one scenario, without costmodel's
engine: every item folded by hand into a closed form — a per-draw factor times a
discounted year vector computed once — the inputs drawn in cache-sized chunks,
and the sums. It knows the scenario's structure (which items depend on which
uncertain input, and how); it reads the scenario's numbers (prices, dates,
drivers at their central values) from the loaded scenario so that it follows the
file's data, and refuses to run when the structure it was written for has changed.
It computes what ``costmodel.simulate`` keeps: every option's present value and
its spending in each year, for every draw.

Its inputs are drawn like costmodel's (six standard normals per draw in the
scenario's order, the copula on ``rent_factor`` and ``colo_factor``, PERT values
from an inverse-CDF table on an even grid, looked up by direct index), so with
the same seed it sees the same draws; ``tests/test_compiled.py`` checks that it
equals costmodel at the central values and on the same draws (1e-12 relative).

Run ``python benchmarks/reference_dic.py [DRAWS]`` for the whole program's time.
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "data-integration-center.toml"

#: The per-draw factor of each uncertain item, by (option, position): what the program was written for.
FACTORS = {
    ("rent", 2): ("rf_dem", "vcpu", {"rent_factor"}),
    ("rent", 3): ("rf_dem", "storage_tb", {"rent_factor"}),
    ("invest", 2): ("fx_modules", "vcpu", {"fx"}),
    ("invest", 3): ("fx_modules", "storage_tb", {"fx"}),
    ("invest", 6): ("pue_tariff", "it_kw", {"pue", "tariff"}),
    ("invest", 9): ("fx_dem", "vcpu", {"fx"}),
    ("hybrid", 2): ("fx_modules", "vcpu", {"fx"}),
    ("hybrid", 3): ("fx_modules", "storage_tb", {"fx"}),
    ("hybrid", 5): ("cf", "racks", {"colo_factor"}),
}
INPUTS = ("fx", "tariff", "pue", "rent_factor", "colo_factor", "demand")
TABLE_SIZE, Z_MAX = 8193, 8.5


class DicReference:
    """The hand-written program, set up from the loaded scenario (numbers only)."""

    def __init__(self, scenario):
        from scipy import special

        s = self.s = scenario
        if tuple(s.random_inputs) != INPUTS or s.correlation is None or s.correlation[0] != ("rent_factor", "colo_factor"):
            raise RuntimeError("the scenario's uncertain inputs are not the ones this program was written for")
        self.years = np.arange(s.start_year, s.end_year + 1)
        self.r = s.discount_rate
        central = {name: p.central for name, p in s.parameters.items()}
        # demand-driven drivers at demand = 1: the hand-written program multiplies them by the demand draw
        self.per_demand = {d: s.drivers[d].values / central["demand"] for d in ("vcpu", "storage_tb")}
        for d in ("it_kw", "racks"):
            if any(("driver", d, "values", str(y)) in s.inputs for y in self.years):
                raise RuntimeError(f"driver {d} was written as fixed")
        # the copula and the PERT tables
        rho = 2 * math.sin(math.pi * s.correlation[1][0, 1] / 6)
        self.chol = np.linalg.cholesky(np.array([[1.0, rho], [rho, 1.0]]))
        self.grid = np.linspace(-Z_MAX, Z_MAX, TABLE_SIZE)
        self.tables = []
        for name in INPUTS:
            p = s.parameters[name].dist.params
            lo, mo, hi = p["low"], p["mode"], p["high"]
            a, b = 1 + 4 * (mo - lo) / (hi - lo), 1 + 4 * (hi - mo) / (hi - lo)
            values = lo + (hi - lo) * special.betaincinv(a, b, special.ndtr(self.grid))
            self.tables.append((values, np.diff(values) / np.diff(self.grid)))
        # fold every item: fixed ones into one vector per option, uncertain ones per unit of their factor
        K, Y = len(s.options), len(self.years)
        self.fixed_nominal = np.zeros((K, Y))
        self.fixed_pv = np.zeros(K)
        self.vec = {}  # (option, factor) -> (nominal per unit (Y,), pv per unit)
        self.lots = {}  # (option, driver) -> (nominal per module-count matrix, pv per module-count vector)
        self.window = {}
        for k, opt in enumerate(s.options):
            for item in opt.items:
                key = (opt.id, item.position)
                if key in FACTORS:
                    self._fold_uncertain(k, opt.id, item, *FACTORS[key], central)
                else:
                    if (
                        ("item", opt.id, item.position, "price") in s.inputs
                        or isinstance(item.quantity, str)
                        and item.quantity
                        in (
                            "vcpu",
                            "storage_tb",
                        )
                    ):
                        raise RuntimeError(f"item {key} was written as fixed")
                    nominal, pv = self._fold(item, item.price * self._quantity(item))
                    self.fixed_nominal[k] += nominal
                    self.fixed_pv[k] += pv

    # -- folding items by hand (setup, once) ------------------------------------
    def _quantity(self, item) -> np.ndarray:
        if isinstance(item.quantity, str):
            return self.s.drivers[item.quantity].values.astype(float)
        return np.full(self.years.size, float(item.quantity))

    def _months(self, item) -> np.ndarray:
        y = self.years
        first = np.where(y == item.from_year, item.from_month, 1)
        last = np.where(y == item.to_year, item.to_month, 12)
        return np.where((y >= item.from_year) & (y <= item.to_year), np.maximum(last - first + 1, 0), 0)

    def _discount(self, item) -> np.ndarray:
        y, s = self.years, self.s
        asset = item.per in ("once", "added")
        f = np.where(y == item.from_year, item.from_month, 1)
        last_year, last_month = (s.end_year, 12) if asset else (item.to_year, item.to_month)
        lm = np.where(y == last_year, last_month, 12)
        offset = {"start": (f - 1) / 12, "mid": (f - 1 + lm) / 24, "end": lm / 12}[item.timing]
        return (1 + self.r) ** -((y - s.base_year) + offset)

    def _growth(self, item) -> np.ndarray:
        e = self.s.inflation if item.escalation_is_inflation else item.escalation
        return (1 + e) ** (self.years - self.s.base_year)

    def _residual_share(self, item, p: int, latest: int, first_lot: bool) -> float:
        if item.life is None or item.residual == "none":
            return 0.0
        if item.residual != "linear":
            return float(item.residual)
        month = item.from_month if first_lot else 1
        age = (self.s.end_year + 1 - self.years[latest]) * 12 - (month - 1)
        return max(0.0, (12 * item.life - age) / (12 * item.life))

    def _lot(self, item, p: int) -> tuple[np.ndarray, float]:
        """Paid per unit bought in year index ``p`` (with its replacements) and the residual credited per unit."""
        g, vat = self._growth(item), 1 + item.vat
        paid = np.zeros(self.years.size)
        paid[p] = 1.0
        latest = p
        if item.life:
            for again in range(p + item.life, self.years.size, item.life):
                paid[again] += 1.0
                latest = again
        first_lot = p == item.from_year - self.s.start_year
        credit = g[latest] * vat * self._residual_share(item, p, latest, first_lot)
        return paid * g * vat * (1 + item.contingency), credit

    def _fold(self, item, amount: np.ndarray) -> tuple[np.ndarray, float]:
        """Nominal per year and present value of an item paying ``amount`` (price x quantity) per period."""
        df = self._discount(item)
        df_end = (1 + self.r) ** -(self.s.end_year - self.s.base_year + 1)
        if item.per in ("month", "year"):
            periods = self._months(item) / (1 if item.per == "month" else 12)
            nominal = amount * periods * self._growth(item) * (1 + item.vat) * (1 + item.contingency)
            return nominal, float(nominal @ df)
        if item.per == "once":
            p = item.from_year - self.s.start_year
            paid, credit = self._lot(item, p)
            return amount[p] * paid, float(amount[p] * (paid @ df - credit * df_end))
        raise RuntimeError("added items are uncertain here")

    def _fold_uncertain(self, k, oid, item, factor, driver, names, central) -> None:
        inp = self.s.inputs.get(("item", oid, item.position, "price"))
        if inp is None or inp.kind != "expr" or set(inp.expr.names) != names or item.quantity != driver:
            raise RuntimeError(f"item ({oid}, {item.position}) is not the one this program was written for")
        at_central = math.prod(central[n] for n in names)
        unit_price = item.price / at_central  # e.g. 58.964 for "58.964 * fx"
        if factor == "fx_modules":
            first, last = item.from_year - self.s.start_year, item.to_year - self.s.start_year
            df = self._discount(item)
            df_end = (1 + self.r) ** -(self.s.end_year - self.s.base_year + 1)
            rows = [self._lot(item, p) for p in range(first, last + 1)]
            per_lot = np.array([paid for paid, _ in rows]) * unit_price * item.module
            pv_lot = np.array([paid @ df - credit * df_end for paid, credit in rows]) * unit_price * item.module
            # lots = module x (whole_j - whole_{j-1}): fold the differences into the matrices
            step = np.eye(len(rows)) - np.eye(len(rows), k=1)
            key = (oid, driver)
            self.lots[key] = (step @ per_lot, step @ pv_lot, item.module)
            self.window[driver] = (first, last)
            return
        per_unit = self.per_demand[driver] if driver in self.per_demand else self.s.drivers[driver].values.astype(float)
        nominal, pv = self._fold(item, unit_price * per_unit)
        old = self.vec.get((oid, factor), (0.0, 0.0))
        self.vec[(oid, factor)] = (old[0] + nominal, old[1] + pv)

    # -- the hot loop --------------------------------------------------------------
    def draw(self, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """Six uncertain inputs for ``n`` draws."""
        z = rng.standard_normal((n, 6))
        z[:, 3:5] = z[:, 3:5] @ self.chol.T
        z = z.T.copy()  # one contiguous row per input
        out = {}
        step = (TABLE_SIZE - 1) / (2 * Z_MAX)
        for j, name in enumerate(INPUTS):
            values, slopes = self.tables[j]
            x = np.clip(z[j], -Z_MAX, Z_MAX)
            i = np.minimum(((x + Z_MAX) * step).astype(np.intp), TABLE_SIZE - 2)
            out[name] = np.take(values, i) + np.take(slopes, i) * (x - np.take(self.grid, i))
        return out

    def design(self) -> None:
        """Per option: the factors it multiplies (in order) and their stacked year vectors and present values."""
        self.parts, self.vectors, self.pvs = {}, {}, {}
        for oid in ("rent", "invest", "hybrid"):
            parts, vectors, pvs = [], [], []
            for (o, name), (vec, per) in self.vec.items():
                if o == oid:
                    parts.append(("f", name))
                    vectors.append(np.atleast_2d(vec))
                    pvs.append(np.atleast_1d(per))
            for (o, d), (m, w, _) in self.lots.items():
                if o == oid:
                    parts.append(("lots", d))
                    vectors.append(m)
                    pvs.append(w)
            self.parts[oid] = parts
            self.vectors[oid] = np.ascontiguousarray(np.vstack(vectors).T)  # (years, factors)
            self.pvs[oid] = np.concatenate(pvs)
        self.modules = {d: next(m for (_, dd), (_, _, m) in self.lots.items() if dd == d) for d in self.window}
        self.buffers = {}

    def evaluate(self, x: dict[str, np.ndarray], pv: np.ndarray, nominal: np.ndarray) -> None:
        """Present value (3, n) and yearly spending (3, 5, n) for the drawn inputs (the draw on the last axis).

        Each option is its fixed costs plus its per-draw factors times their year
        vectors: a matrix of factors (one row per factor, four per module count,
        filled in place) times the stacked vectors.
        """
        if not hasattr(self, "parts"):
            self.design()
        fx, dem = x["fx"], x["demand"]
        n = fx.size
        f = {"rf_dem": x["rent_factor"] * dem, "fx_dem": fx * dem, "pue_tariff": x["pue"] * x["tariff"], "cf": x["colo_factor"]}
        fx_modules = {}
        for d, (first, last) in self.window.items():
            # whole modules held: ceil with the engine's 1e-9 tolerance (the need grows every year here)
            whole = np.multiply((self.per_demand[d][first : last + 1] / self.modules[d])[:, None], dem[None, :])
            whole -= 1e-9
            np.ceil(whole, out=whole)
            whole *= fx
            fx_modules[d] = whole
        for k, oid in enumerate(("rent", "invest", "hybrid")):
            rows = self.vectors[oid].shape[1]
            buffer = self.buffers.get(oid)
            if buffer is None or buffer.shape[1] < n:
                buffer = self.buffers[oid] = np.empty((rows, n))
            factors = buffer[:, :n]
            r = 0
            for kind, name in self.parts[oid]:
                if kind == "f":
                    factors[r] = f[name]
                    r += 1
                else:
                    block = fx_modules[name]
                    factors[r : r + block.shape[0]] = block
                    r += block.shape[0]
            np.matmul(self.vectors[oid], factors, out=nominal[k])
            nominal[k] += self.fixed_nominal[k][:, None]
            np.matmul(self.pvs[oid], factors, out=pv[k])
            pv[k] += self.fixed_pv[k]

    def run(self, draws: int, seed: int = 1, chunk: int = 16_384) -> tuple[np.ndarray, np.ndarray]:
        """``draws`` draws: present values (draws, 3) and yearly spending (draws, 3, 5), as views of draw-last arrays."""
        rng = np.random.default_rng(seed)
        pv = np.empty((3, draws))
        nominal = np.empty((3, self.years.size, draws))
        for lo in range(0, draws, chunk):
            hi = min(draws, lo + chunk)
            self.evaluate(self.draw(hi - lo, rng), pv[:, lo:hi], nominal[:, :, lo:hi])
        return pv.T, nominal.transpose(2, 0, 1)

    # -- the numbers the program needs, for a process that imports numpy alone ----------
    def constants(self) -> dict[str, np.ndarray]:
        """Every number of the hot loop, as arrays (what the analyst would have typed into the program)."""
        out = {
            "fixed_nominal": self.fixed_nominal,
            "fixed_pv": self.fixed_pv,
            "chol": self.chol,
            "grid": self.grid,
            "tables": np.array([t for t, _ in self.tables]),
            "slopes": np.array([s for _, s in self.tables]),
        }
        for (oid, factor), (vec, per) in self.vec.items():
            out[f"vec:{oid}:{factor}"] = np.asarray(vec)
            out[f"per:{oid}:{factor}"] = np.asarray(per)
        for (oid, d), (m, w, module) in self.lots.items():
            first, last = self.window[d]
            out[f"lots:{oid}:{d}"] = m
            out[f"lotpv:{oid}:{d}"] = w
            out[f"module:{oid}:{d}"] = np.array([module, first, last])
        for d, v in self.per_demand.items():
            out[f"demand:{d}"] = v
        return out


class Program:
    """The same hot loop from saved constants: what the hand-written program is once its numbers are typed in."""

    def __init__(self, c: dict[str, np.ndarray]):
        self.years = np.arange(c["fixed_nominal"].shape[1])
        self.fixed_nominal, self.fixed_pv = c["fixed_nominal"], c["fixed_pv"]
        self.chol, self.grid = c["chol"], c["grid"]
        self.tables = list(zip(c["tables"], c["slopes"], strict=True))
        self.vec = {tuple(k.split(":")[1:]): (c[k], float(c["per:" + k[4:]])) for k in c if k.startswith("vec:")}
        self.lots = {}
        self.window = {}
        for k in c:
            if k.startswith("lots:"):
                _, oid, d = k.split(":")
                module, first, last = c[f"module:{oid}:{d}"]
                self.lots[(oid, d)] = (c[k], c[f"lotpv:{oid}:{d}"], float(module))
                self.window[d] = (int(first), int(last))
        self.per_demand = {k.split(":")[1]: c[k] for k in c if k.startswith("demand:")}

    draw = DicReference.draw
    design = DicReference.design
    evaluate = DicReference.evaluate
    run = DicReference.run


def main() -> None:
    """``python reference_dic.py CONSTANTS.npz [DRAWS]``: the whole hand-written program (numpy only), timed.

    Without arguments, the constants are computed from the scenario (which imports costmodel).
    """
    t0 = time.perf_counter()
    if len(sys.argv) > 1 and sys.argv[1].endswith(".npz"):
        with np.load(sys.argv[1]) as f:
            program = Program(dict(f))
        draws = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    else:
        import costmodel

        program = DicReference(costmodel.load_scenario(SCENARIO))
        draws = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    t = time.perf_counter()
    pv, nominal = program.run(draws)
    elapsed = time.perf_counter() - t
    mean = pv.mean(axis=0)
    print(
        f"{draws:,} draws in {elapsed:.3f} s ({time.perf_counter() - t0:.3f} s with setup); mean present value: {mean.round(-6)}"
    )


if __name__ == "__main__":
    main()
