"""Reference values for vanish's mean-field theory, computed independently with numpy and scipy.

Expectations over z ~ N(0, 1) use numpy's probabilists' Gauss-Hermite rule (hermegauss, 200 points,
weights divided by sqrt(2 pi)) and are checked against scipy's adaptive quadrature; roots use
scipy's brentq. Prints the numbers MeanFieldTheoryTests compares with.
"""
import numpy as np
from numpy.polynomial.hermite_e import hermegauss
from scipy import integrate, optimize

NODES, WEIGHTS = hermegauss(200)
WEIGHTS = WEIGHTS / np.sqrt(2 * np.pi)

PHI = {
    "tanh": (np.tanh, lambda h: 1 - np.tanh(h) ** 2),
    "relu": (lambda h: np.maximum(h, 0), lambda h: (h > 0).astype(float)),
    "sigmoid": (lambda h: 1 / (1 + np.exp(-h)), lambda h: (1 / (1 + np.exp(-h))) * (1 - 1 / (1 + np.exp(-h)))),
}


def gauss(f):
    return float(np.sum(WEIGHTS * f(NODES)))


def adaptive(f):
    density = lambda z: np.exp(-z * z / 2) / np.sqrt(2 * np.pi)
    return integrate.quad(lambda z: f(np.array([z]))[0] * density(z), -40, 40, limit=400, points=[0])[0]


def q_star(act, sw, sb):
    phi, _ = PHI[act]
    q = 1.0
    for _ in range(100000):
        nxt = sw * gauss(lambda z: phi(np.sqrt(q) * z) ** 2) + sb
        if abs(nxt - q) < 1e-15 * max(1, q):
            return nxt
        q = nxt
    return q


def chi1(act, sw, sb):
    _, dphi = PHI[act]
    q = q_star(act, sw, sb)
    return sw * gauss(lambda z: dphi(np.sqrt(q) * z) ** 2)


def chi1_adaptive(act, sw, sb):
    _, dphi = PHI[act]
    q = q_star(act, sw, sb)
    return sw * adaptive(lambda z: dphi(np.sqrt(q) * z) ** 2)


def correlation_fixed_point(act, sw, sb):
    phi, dphi = PHI[act]
    q = q_star(act, sw, sb)
    z1, z2 = np.meshgrid(NODES, NODES, indexing="ij")
    w = np.outer(WEIGHTS, WEIGHTS)

    def cmap(c):
        u1 = np.sqrt(q) * z1
        u2 = np.sqrt(q) * (c * z1 + np.sqrt(max(0.0, 1 - c * c)) * z2)
        return (sw * np.sum(w * phi(u1) * phi(u2)) + sb) / q

    def slope(c):
        u1 = np.sqrt(q) * z1
        u2 = np.sqrt(q) * (c * z1 + np.sqrt(max(0.0, 1 - c * c)) * z2)
        return sw * np.sum(w * dphi(u1) * dphi(u2))

    if chi1(act, sw, sb) <= 1:
        return 1.0, -1 / np.log(chi1(act, sw, sb))
    c = optimize.brentq(lambda c: cmap(c) - c, 0.0, 1 - 1e-9, xtol=1e-14)
    return c, -1 / np.log(slope(c))


if __name__ == "__main__":
    crit = optimize.brentq(lambda sw: chi1("tanh", sw, 0.05) - 1, 1.0, 3.0, xtol=1e-14)
    print(f"tanh critical sigma_w^2 at sigma_b^2 = 0.05: {crit:.10f}")
    crit0 = optimize.brentq(lambda sw: chi1("tanh", sw, 0.0) - 1, 0.5, 3.0, xtol=1e-14)
    print(f"tanh critical sigma_w^2 at sigma_b^2 = 0: {crit0:.10f}")
    for act, sw, sb in [("tanh", 1.5, 0.05), ("tanh", 2.5, 0.05), ("tanh", 3.5, 0.05), ("relu", 1.5, 0.05), ("sigmoid", 4.0, 0.05)]:
        print(f"{act} sw2={sw} sb2={sb}: q*={q_star(act, sw, sb):.12f} chi1={chi1(act, sw, sb):.12f} "
              f"(adaptive {chi1_adaptive(act, sw, sb):.12f})")
    for sw in [1.5, 2.5, 3.5]:
        c, xi = correlation_fixed_point("tanh", sw, 0.05)
        print(f"tanh sw2={sw} sb2=0.05: c*={c:.12f} xi_c={xi:.10f}")
