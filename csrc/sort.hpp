// Argsort of float64 values, two ways with the same result (ascending values, equal values
// in original order):
//   - radix sort on order-preserving integer keys, in place: O(n), several times faster than
//     a comparison sort, and nothing beyond its output (12 bytes a value) but a scratch
//     buffer of at most 12 MB; on one thread;
//   - for the largest inputs, a parallel comparison sort of packed 12-byte (value, index)
//     records, at most 18 bytes a value while it runs.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
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

// Above a quarter of that (2^23 samples) they also keep nothing they can rebuild beside
// their largest structure (the sorted marginals beside a joint index, say), which costs a
// little time; below it the memory is small and speed wins.
inline std::size_t lean_input_threshold() { return large_input_threshold() / 4; }

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

namespace detail {

// The radix sort keeps each value's order key in the slot of the value itself (the bits of
// a double, read and written through memcpy), so it needs no key array of its own.
inline std::uint64_t key_in(const double* slot) {
    std::uint64_t k;
    std::memcpy(&k, slot, sizeof k);
    return k;
}
inline void set_key_in(double* slot, std::uint64_t k) { std::memcpy(slot, &k, sizeof k); }

// Index (0 the most significant) of the first byte in which two keys that differ by the
// bits `differ` can differ; 8 when differ is 0.
inline int first_varying_byte(std::uint64_t differ) { return differ ? __builtin_clzll(differ) / 8 : 8; }

constexpr int byte_shift(int byte) { return 56 - 8 * byte; }

// Occurrences of each value of a byte over a range, and of each of the 8 key bytes. As
// size_t, not uint32_t: the passes' stores of 32-bit indices could otherwise alias the
// counts, which would serialise the passes.
using Counts = std::array<std::size_t, 256>;
using ByteCounts = std::array<Counts, 8>;

// Sorts (order key, index) pairs ascending, the keys held in the slots of `keys`. Ranges of
// up to kBucket pairs are sorted by LSD radix passes through a scratch buffer of that size;
// larger ranges are first split in place, one byte at a time from the most significant
// ("American flag sort", McIlroy, Bostic and McIlroy 1993), until their parts are that
// small. The splits do not keep the input order, so pairs with equal keys are then put in
// index order: the result is ascending (key, index) however the pairs moved.
class RadixArgsort {
   public:
    // Fills keys and order from value(i), i in [0, n), and sorts them.
    template <class Value>
    RadixArgsort(double* keys, std::uint32_t* order, std::size_t n, const Value& value)
        : keys_(keys), order_(order), scratch_keys_(std::min(n, kBucket)), scratch_order_(std::min(n, kBucket)) {
        if (n == 0) return;
        // One pass makes the keys, the counts of every byte and which bits vary.
        auto counts = std::make_unique<ByteCounts>();
        ByteCounts& count = *counts;
        const std::uint64_t first = order_key(value(0));
        std::uint64_t differ = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint64_t k = order_key(value(i));
            set_key_in(&keys[i], k);
            order[i] = static_cast<std::uint32_t>(i);
            for (int b = 0; b < 8; ++b) ++count[b][(k >> byte_shift(b)) & 0xff];
            differ |= k ^ first;
        }
        if (n <= kBucket) {
            // Never split: still in index order, which the stable passes keep.
            lsd_passes(0, n, count, false);
            return;
        }
        const int level = first_varying_byte(differ);
        if (level == 8) return;  // one key: already in index order
        split(0, level, count[level]);
    }

   private:
    static constexpr std::size_t kBucket = std::size_t{1} << 20;
    double* keys_;
    std::uint32_t* order_;
    std::vector<std::uint64_t> scratch_keys_;
    std::vector<std::uint32_t> scratch_order_;

    // Sorts [lo, hi), part of a split range, whose keys agree above byte `level`.
    void sort_part(std::size_t lo, std::size_t hi, int level) {
        if (hi - lo <= kBucket) {
            ByteCounts count{};
            for (std::size_t i = lo; i < hi; ++i) {
                const std::uint64_t k = key_in(&keys_[i]);
                for (int b = 0; b < 8; ++b) ++count[b][(k >> byte_shift(b)) & 0xff];
            }
            lsd_passes(lo, hi, count, true);
            return;
        }
        Counts count{};
        const std::uint64_t first = key_in(&keys_[lo]);
        std::uint64_t differ = 0;
        for (std::size_t i = lo; i < hi; ++i) {
            const std::uint64_t k = key_in(&keys_[i]);
            ++count[(k >> byte_shift(level)) & 0xff];
            differ |= k ^ first;
        }
        const int varying = first_varying_byte(differ);
        if (varying == 8) {  // one key across the range
            sort_indices(lo, hi);
        } else if (varying > level) {  // the same byte everywhere: skip to the first that is not
            sort_part(lo, hi, varying);
        } else {
            split(lo, level, count);
        }
    }

    // Splits the range from lo in place by key byte `level` (count: its occurrences, which
    // add up to the range's length) and sorts the parts.
    void split(std::size_t lo, int level, const Counts& count) {
        std::array<std::size_t, 257> start;
        start[0] = lo;
        for (int b = 0; b < 256; ++b) start[b + 1] = start[b] + count[b];
        // Every pair goes straight to its part by following cycles: the pair at a part's
        // write position is carried to the part of its byte, taking the pair there along,
        // until a pair of the first part comes back.
        const int shift = byte_shift(level);
        std::array<std::size_t, 256> next;
        std::copy(start.begin(), start.end() - 1, next.begin());
        for (unsigned b = 0; b < 256; ++b) {
            while (next[b] < start[b + 1]) {
                std::uint64_t k = key_in(&keys_[next[b]]);
                std::uint32_t x = order_[next[b]];
                auto d = static_cast<unsigned>((k >> shift) & 0xff);
                while (d != b) {
                    const std::size_t dst = next[d]++;
                    const std::uint64_t kd = key_in(&keys_[dst]);
                    set_key_in(&keys_[dst], k);
                    std::swap(x, order_[dst]);
                    k = kd;
                    d = static_cast<unsigned>((k >> shift) & 0xff);
                }
                set_key_in(&keys_[next[b]], k);
                order_[next[b]] = x;
                ++next[b];
            }
        }
        for (int b = 0; b < 256; ++b)
            if (count[b] > 1 && level < 7) {
                sort_part(start[b], start[b + 1], level + 1);
            } else if (count[b] > 1) {
                sort_indices(start[b], start[b + 1]);  // the whole key is equal
            }
    }

    // Stable LSD passes over [lo, hi), at most kBucket pairs, one per key byte that is not
    // the same for every pair (count: the byte counts of the range); then, for a range that
    // was split out of a larger one, runs of equal keys put in index order.
    void lsd_passes(std::size_t lo, std::size_t hi, ByteCounts& count, bool was_split) {
        const std::size_t m = hi - lo;
        bool in_scratch = false;  // where the pairs are between passes
        const std::uint64_t probe = key_in(&keys_[lo]);  // the constant bytes never move
        for (int b = 7; b >= 0; --b) {
            const int shift = byte_shift(b);
            auto& c = count[b];
            if (c[(probe >> shift) & 0xff] == m) continue;
            std::size_t sum = 0;
            for (auto& v : c) {
                const std::size_t t = v;
                v = sum;
                sum += t;
            }
            // Locals: the compiler need not reload the members after every store.
            double* keys = keys_ + lo;
            std::uint32_t* order = order_ + lo;
            std::uint64_t* scratch_keys = scratch_keys_.data();
            std::uint32_t* scratch_order = scratch_order_.data();
            if (in_scratch) {
                for (std::size_t j = 0; j < m; ++j) {
                    const std::uint64_t k = scratch_keys[j];
                    const std::size_t dst = c[(k >> shift) & 0xff]++;
                    set_key_in(&keys[dst], k);
                    order[dst] = scratch_order[j];
                }
            } else {
                for (std::size_t j = 0; j < m; ++j) {
                    const std::uint64_t k = key_in(&keys[j]);
                    const std::size_t dst = c[(k >> shift) & 0xff]++;
                    scratch_keys[dst] = k;
                    scratch_order[dst] = order[j];
                }
            }
            in_scratch = !in_scratch;
        }
        if (in_scratch) {
            for (std::size_t j = 0; j < m; ++j) {
                set_key_in(&keys_[lo + j], scratch_keys_[j]);
                order_[lo + j] = scratch_order_[j];
            }
        }
        if (!was_split) return;
        for (std::size_t i = lo; i + 1 < hi;) {
            const std::uint64_t k = key_in(&keys_[i]);
            std::size_t end = i + 1;
            bool ascending = true;
            for (; end < hi && key_in(&keys_[end]) == k; ++end) ascending = ascending && order_[end - 1] < order_[end];
            if (!ascending) sort_indices(i, end);
            i = end;
        }
    }

    // Sorts the indices in [lo, hi), whose keys are all equal: in place by their most
    // significant varying byte while the range exceeds the scratch, then LSD passes.
    void sort_indices(std::size_t lo, std::size_t hi) {
        std::uint32_t* x = order_ + lo;
        const std::size_t m = hi - lo;
        if (m <= 32) {
            for (std::size_t i = 1; i < m; ++i)
                for (std::size_t j = i; j > 0 && x[j - 1] > x[j]; --j) std::swap(x[j - 1], x[j]);
            return;
        }
        if (m > kBucket) {
            std::uint32_t differ = 0;
            for (std::size_t i = 0; i < m; ++i) differ |= x[i] ^ x[0];
            const int shift = 24 - 8 * (first_varying_byte(differ) - 4);  // differ < 2^32
            std::array<std::size_t, 257> start{};
            for (std::size_t i = 0; i < m; ++i) ++start[((x[i] >> shift) & 0xff) + 1];
            for (int b = 0; b < 256; ++b) start[b + 1] += start[b];
            std::array<std::size_t, 256> next;
            std::copy(start.begin(), start.end() - 1, next.begin());
            for (unsigned b = 0; b < 256; ++b)
                while (next[b] < start[b + 1]) {
                    std::uint32_t v = x[next[b]];
                    for (unsigned d = (v >> shift) & 0xff; d != b; d = (v >> shift) & 0xff) std::swap(v, x[next[d]++]);
                    x[next[b]++] = v;
                }
            for (int b = 0; b < 256; ++b)
                if (start[b + 1] - start[b] > 1) sort_indices(lo + start[b], lo + start[b + 1]);
            return;
        }
        std::uint32_t* tmp = scratch_order_.data();
        for (int shift = 0; shift < 32; shift += 8) {
            Counts c{};
            for (std::size_t i = 0; i < m; ++i) ++c[(x[i] >> shift) & 0xff];
            if (c[(x[0] >> shift) & 0xff] == m) continue;
            std::uint32_t sum = 0;
            for (auto& v : c) {
                const std::uint32_t t = v;
                v = sum;
                sum += t;
            }
            for (std::size_t i = 0; i < m; ++i) tmp[c[(x[i] >> shift) & 0xff]++] = x[i];
            std::copy(tmp, tmp + m, x);
        }
    }
};

}  // namespace detail

// value(i) for i in [0, n) -> values ascending, order[p] = index of the p-th smallest (equal
// values by index). In place: beyond its output (12 bytes a value) it needs a scratch buffer
// of at most 12 MB.
template <class Value>
void radix_argsort(std::size_t n, const Value& value, std::vector<double>& values,
                   std::vector<std::uint32_t>& order) {
    values.resize(n);
    order.resize(n);
    detail::RadixArgsort(values.data(), order.data(), n, value);
    for (std::size_t i = 0; i < n; ++i) values[i] = from_order_key(detail::key_in(&values[i]));
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
