// Argsort of float64 values, two ways with the same result (ascending values, equal values
// in original order):
//   - LSD radix sort on order-preserving integer keys: O(n) and several times faster than a
//     comparison sort, but it needs 24 bytes a value while it runs;
//   - for inputs too large for that, an in-place parallel comparison sort of packed
//     12-byte (value, index) records, which needs half as much.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "parallel.hpp"

namespace fastit {

// Inputs above this many samples are "large": the estimators trade speed for memory there
// (compact sorts, sorted marginals rebuilt rather than kept). A variable so that tests can
// exercise the large-input paths on small data.
inline std::size_t& large_input_threshold() {
    static std::size_t threshold = std::size_t{1} << 25;
    return threshold;
}

// Maps a double to an unsigned key with the same order (-0.0 sorts just before +0.0).
inline std::uint64_t order_key(double v) {
    std::uint64_t u;
    std::memcpy(&u, &v, sizeof u);
    return (u >> 63) ? ~u : (u | 0x8000000000000000ULL);
}

inline double from_order_key(std::uint64_t k) {
    std::uint64_t u = (k >> 63) ? (k & 0x7fffffffffffffffULL) : ~k;
    double v;
    std::memcpy(&v, &u, sizeof v);
    return v;
}

// value(i) for i in [0, n) -> values ascending, order[p] = index of the p-th smallest.
template <class Value>
void radix_argsort(std::size_t n, const Value& value, std::vector<double>& values,
                   std::vector<std::uint32_t>& order) {
    constexpr int kBits = 8, kPasses = 8;
    constexpr std::size_t kBuckets = std::size_t{1} << kBits;
    std::vector<std::uint64_t> keys(n), keys_tmp(n);
    std::vector<std::uint32_t> idx_tmp(n);
    order.resize(n);
    std::vector<std::array<std::size_t, kBuckets>> hist(kPasses);
    for (auto& h : hist) h.fill(0);
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t k = order_key(value(i));
        keys[i] = k;
        order[i] = static_cast<std::uint32_t>(i);
        for (int p = 0; p < kPasses; ++p) ++hist[p][(k >> (p * kBits)) & (kBuckets - 1)];
    }
    for (int p = 0; p < kPasses; ++p) {
        auto& h = hist[p];
        // A digit shared by every key leaves the order unchanged: skip the pass.
        if (n == 0 || h[(keys[0] >> (p * kBits)) & (kBuckets - 1)] == n) continue;
        std::size_t sum = 0;
        for (auto& c : h) {
            const std::size_t t = c;
            c = sum;
            sum += t;
        }
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t dst = h[(keys[i] >> (p * kBits)) & (kBuckets - 1)]++;
            keys_tmp[dst] = keys[i];
            idx_tmp[dst] = order[i];
        }
        keys.swap(keys_tmp);
        order.swap(idx_tmp);
    }
    std::vector<std::uint64_t>().swap(keys_tmp);
    std::vector<std::uint32_t>().swap(idx_tmp);
    values.resize(n);
    for (std::size_t i = 0; i < n; ++i) values[i] = from_order_key(keys[i]);
}

#pragma pack(push, 4)
struct SortRecord {
    double value;
    std::uint32_t index;
    bool operator<(const SortRecord& o) const {
        return value < o.value || (value == o.value && index < o.index);
    }
};
#pragma pack(pop)
static_assert(sizeof(SortRecord) == 12, "records must be packed");

// Same order as radix_argsort, as packed (value, index) records, at most 18 bytes a value
// while it runs: chunks sorted in parallel, then merged in place.
template <class Value>
void compact_argsort(std::size_t n, const Value& value, const Parallel& par,
                     std::vector<SortRecord>& records) {
    records.resize(n);
    const std::size_t chunks = std::max(1, par.n_threads);
    std::vector<std::size_t> bound(chunks + 1);
    for (std::size_t c = 0; c <= chunks; ++c) bound[c] = c * n / chunks;
    par.run(chunks, [&](std::size_t c) {
        for (std::size_t i = bound[c]; i < bound[c + 1]; ++i)
            records[i] = {value(i), static_cast<std::uint32_t>(i)};
        std::sort(records.begin() + bound[c], records.begin() + bound[c + 1]);
    });
    for (std::size_t width = 1; width < chunks; width *= 2) {
        std::vector<std::size_t> firsts;
        for (std::size_t c = 0; c + width < chunks; c += 2 * width) firsts.push_back(c);
        par.run(firsts.size(), [&](std::size_t t) {
            const std::size_t c = firsts[t];
            std::inplace_merge(records.begin() + bound[c], records.begin() + bound[c + width],
                               records.begin() + bound[std::min(c + 2 * width, chunks)]);
        });
    }
}

}  // namespace fastit
