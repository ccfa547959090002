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
        auto inside = [&](double diff) { return strict ? diff < r : diff <= r; };
        const std::size_t n = values_.size();

        // Right: last position (from pos) whose difference is inside, by galloping.
        std::size_t lo = pos, hi = n, step = 1;
        while (true) {
            std::size_t probe = lo + step;
            if (probe >= n) break;
            if (!inside(values_[probe] - v)) {
                hi = probe;
                break;
            }
            lo = probe;
            step *= 2;
        }
        while (hi - lo > 1) {
            std::size_t mid = lo + (hi - lo) / 2;
            if (inside(values_[mid] - v))
                lo = mid;
            else
                hi = mid;
        }
        const std::size_t n_right = lo - pos;

        // Left, mirrored: positions are counted as distances below pos.
        std::size_t lo_off = 0, hi_off = pos + 1;
        step = 1;
        while (true) {
            std::size_t probe = lo_off + step;
            if (probe > pos) break;
            if (!inside(v - values_[pos - probe])) {
                hi_off = probe;
                break;
            }
            lo_off = probe;
            step *= 2;
        }
        while (hi_off - lo_off > 1) {
            std::size_t mid = lo_off + (hi_off - lo_off) / 2;
            if (inside(v - values_[pos - mid]))
                lo_off = mid;
            else
                hi_off = mid;
        }
        return n_right + lo_off;
    }

   private:
    std::vector<double> values_;
    std::vector<std::uint32_t> order_;
};

}  // namespace fastit
