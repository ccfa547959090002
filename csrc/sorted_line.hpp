// One-dimensional neighbour queries on sorted values: the k-th nearest distance and the
// number of points within a radius, by galloping outward from the query's own position.
//
// Every decision compares a computed difference with the radius, exactly as a brute-force
// |x_j - x_i| < r does. Searching for x_i - r and x_i + r instead is not the same: those
// sums round, and on a million Gaussian points a few hundred counts come out different.
// Rounding is monotone, so x_j - x_i is non-decreasing along the sorted array and the
// points inside the radius still form one contiguous run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "sort.hpp"
#include "variable.hpp"

namespace fastit {

class SortedLine {
   public:
    // fill(i) gives the value of item i, for i in [0, n).
    template <class Fill>
    SortedLine(std::size_t n, const Fill& fill) : values_(n) {
        for (std::size_t i = 0; i < n; ++i) values_[i] = fill(i);
        radix_argsort(values_, order_);
    }

    std::size_t size() const { return values_.size(); }
    std::uint32_t original(std::size_t pos) const { return order_[pos]; }
    double value(std::size_t pos) const { return values_[pos]; }

    bool has_ties() const {
        for (std::size_t p = 1; p < values_.size(); ++p)
            if (values_[p] == values_[p - 1]) return true;
        return false;
    }

    // A hash of the sorted values: the same for any order of the same items.
    std::uint64_t content_hash() const {
        std::uint64_t h = splitmix64(values_.size());
        for (double v : values_) h = splitmix64(h ^ order_key(v));
        return h;
    }

    // Distance from the item at sorted position pos to its k-th nearest other item.
    double kth_distance(std::size_t pos, int k) const {
        const double v = values_[pos];
        const double inf = std::numeric_limits<double>::infinity();
        std::size_t left = pos, right = pos + 1;  // next candidates: left - 1 and right
        double d = 0.0;
        for (int t = 0; t < k; ++t) {
            double dl = left > 0 ? v - values_[left - 1] : inf;
            double dr = right < values_.size() ? values_[right] - v : inf;
            if (dl <= dr) {
                d = dl;
                --left;
            } else {
                d = dr;
                ++right;
            }
        }
        return d;
    }

    // Number of other items j with |x_j - x_pos| < r (strict) or <= r.
    std::size_t count(std::size_t pos, double r, bool strict) const {
        const double v = values_[pos];
        const double* x = values_.data();
        const std::size_t n = values_.size();
        if (strict) {
            return run_length(pos, n - 1 - pos, [&](std::size_t t) { return x[pos + t] - v < r; }) +
                   run_length(pos, pos, [&](std::size_t t) { return v - x[pos - t] < r; });
        }
        return run_length(pos, n - 1 - pos, [&](std::size_t t) { return x[pos + t] - v <= r; }) +
               run_length(pos, pos, [&](std::size_t t) { return v - x[pos - t] <= r; });
    }

   private:
    // Largest t in [0, limit] with inside(1..t) all true, for a predicate that is true up
    // to some offset and false after: gallop out to bracket it, then halve branch-free
    // (the comparisons are unpredictable, the galloping ones are not).
    template <class Inside>
    static std::size_t run_length(std::size_t /*pos*/, std::size_t limit, const Inside& inside) {
        std::size_t known = 0, step = 1;  // inside(known) holds (0 trivially)
        while (step <= limit - known && inside(known + step)) {
            known += step;
            step *= 2;
        }
        // The answer is in [known, min(known + step, limit + 1)).
        std::size_t len = std::min(step, limit + 1 - known);
        while (len > 1) {
            const std::size_t half = len / 2;
            known = inside(known + half) ? known + half : known;
            len -= half;
        }
        return known;
    }

    std::vector<double> values_;
    std::vector<std::uint32_t> order_;
};

}  // namespace fastit
