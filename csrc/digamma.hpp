// The digamma function for positive arguments (the k-NN estimators only ever need it at
// counts >= 1), accurate to a few ulp: upward recurrence to x >= 10, then the asymptotic
// series psi(x) = ln x - 1/(2x) - sum B_2j / (2j x^2j).
#pragma once

#include <cmath>
#include <limits>

namespace fastit {

inline double digamma(double x) {
    if (!(x > 0.0)) return std::numeric_limits<double>::quiet_NaN();
    double shift = 0.0;
    while (x < 10.0) {
        shift -= 1.0 / x;
        x += 1.0;
    }
    const double inv = 1.0 / x, inv2 = inv * inv;
    const double series =
        inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 / 132))));
    return shift + std::log(x) - 0.5 * inv - series;
}

}  // namespace fastit
