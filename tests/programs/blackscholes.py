"""Black-Scholes option pricing with a cumulative normal written as a helper function."""
import math
import numpy as np
from _backend import numba

RISKFREE = 0.02
VOLATILITY = 0.30


@numba.njit
def cnd(d):
    A1, A2, A3, A4, A5 = 0.31938153, -0.356563782, 1.781477937, -1.821255978, 1.330274429
    RSQRT2PI = 0.39894228040143267793994605993438
    K = 1.0 / (1.0 + 0.2316419 * math.fabs(d))
    ret = RSQRT2PI * math.exp(-0.5 * d * d) * (K * (A1 + K * (A2 + K * (A3 + K * (A4 + K * A5)))))
    if d > 0:
        ret = 1.0 - ret
    return ret


@numba.njit
def black_scholes(stock, strike, years, call, put):
    S, X, T = stock, strike, years
    R, V = RISKFREE, VOLATILITY
    for i in range(len(S)):
        sqrtT = math.sqrt(T[i])
        d1 = (math.log(S[i] / X[i]) + (R + 0.5 * V * V) * T[i]) / (V * sqrtT)
        d2 = d1 - V * sqrtT
        expRT = math.exp(-R * T[i])
        call[i] = S[i] * cnd(d1) - X[i] * expRT * cnd(d2)
        put[i] = X[i] * expRT * (1.0 - cnd(d2)) - S[i] * (1.0 - cnd(d1))


def main():
    rng = np.random.default_rng(3)
    n = 2000
    S = rng.uniform(5.0, 30.0, n)
    X = rng.uniform(1.0, 100.0, n)
    T = rng.uniform(0.25, 10.0, n)
    call = np.zeros(n)
    put = np.zeros(n)
    black_scholes(S, X, T, call, put)
    return {"call": call, "put": put}
