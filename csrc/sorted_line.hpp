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
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

#include "parallel.hpp"
#include "sort.hpp"
#include "variable.hpp"

namespace fastit {

class SortedLine {
   public:
    // value(i) gives the value of item i, for i in [0, n).
    template <class Value>
    SortedLine(std::size_t n, const Value& value, const Parallel& par) : n_(n) {
        // -0.0 + 0.0 is +0.0: the two zeros are one value, as they are to a distance.
        auto normalised = [&](std::size_t i) { return value(i) + 0.0; };
        if (n <= large_input_threshold()) {
            radix_argsort(n, normalised, values_, order_);
            view(values_.data(), sizeof(double), order_.data(), sizeof(std::uint32_t));
        } else {
            compact_argsort(n, normalised, par, records_);
            view(&records_[0].value, sizeof(SortRecord), &records_[0].index, sizeof(SortRecord));
        }
    }
    SortedLine(const SortedLine&) = delete;
    SortedLine& operator=(const SortedLine&) = delete;

    std::size_t size() const { return n_; }
    double value(std::size_t pos) const {
        double v;
        std::memcpy(&v, value_bytes_ + pos * value_stride_, sizeof v);
        return v;
    }
    std::uint32_t original(std::size_t pos) const {
        std::uint32_t i;
        std::memcpy(&i, order_bytes_ + pos * order_stride_, sizeof i);
        return i;
    }

    // Samples whose value another sample shares, and the number of distinct values.
    std::pair<std::size_t, std::size_t> tie_counts() const {
        std::size_t tied = 0, distinct = n_ > 0 ? 1 : 0, run = 1;
        for (std::size_t p = 1; p <= n_; ++p) {
            if (p < n_ && value(p) == value(p - 1)) {
                ++run;
                continue;
            }
            if (run > 1) tied += run;
            if (p < n_) ++distinct;
            run = 1;
        }
        return {tied, distinct};
    }

    // Distance from the item at sorted position pos to its k-th nearest other item.
    double kth_distance(std::size_t pos, int k) const {
        const double v = value(pos);
        const double inf = std::numeric_limits<double>::infinity();
        std::size_t left = pos, right = pos + 1;  // next candidates: left - 1 and right
        double d = 0.0;
        for (int t = 0; t < k; ++t) {
            double dl = left > 0 ? v - value(left - 1) : inf;
            double dr = right < n_ ? value(right) - v : inf;
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
        const double v = value(pos);
        if (strict) {
            return run_length(n_ - 1 - pos, [&](std::size_t t) { return value(pos + t) - v < r; }) +
                   run_length(pos, [&](std::size_t t) { return v - value(pos - t) < r; });
        }
        return run_length(n_ - 1 - pos, [&](std::size_t t) { return value(pos + t) - v <= r; }) +
               run_length(pos, [&](std::size_t t) { return v - value(pos - t) <= r; });
    }

   private:
    // Largest t in [0, limit] with inside(1..t) all true, for a predicate that is true up
    // to some offset and false after: gallop out to bracket it, then halve branch-free
    // (the comparisons are unpredictable, the galloping ones are not).
    template <class Inside>
    static std::size_t run_length(std::size_t limit, const Inside& inside) {
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

    void view(const void* values, std::size_t value_stride, const void* order, std::size_t order_stride) {
        value_bytes_ = static_cast<const unsigned char*>(values);
        order_bytes_ = static_cast<const unsigned char*>(order);
        value_stride_ = value_stride;
        order_stride_ = order_stride;
    }

    std::size_t n_;
    // Either separate arrays (radix sort) or packed records (compact sort), read through
    // byte views so both layouts share the query code.
    std::vector<double> values_;
    std::vector<std::uint32_t> order_;
    std::vector<SortRecord> records_;
    const unsigned char* value_bytes_ = nullptr;
    const unsigned char* order_bytes_ = nullptr;
    std::size_t value_stride_ = 0, order_stride_ = 0;
};

}  // namespace fastit
