// A variable's samples as the estimators see them: an (n, d) row-major float64 array
// viewed through a per-column affine map and, where a column has repeated values,
// a tiny seeded jitter that breaks the ties:
//
//     value(i, c) = (data[i, c] - shift[c]) * scale[c] + amplitude[c] * u(seed, stream[c], i)
//
// u is a counter-based hash in [-1, 1), so the jitter of sample i never depends on the
// thread that computes it or on the order of computation. The caller gives every column
// its own stream (fastit/_columns.py: one per variable of a call and column), never one
// derived from the values: two columns that hold the same values must still get
// independent jitter, or they look dependent. Nothing here copies the data: the
// estimators read values straight into their own structures.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace fastit {

inline std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// Uniform in [-1, 1), a pure function of (seed, stream, i).
inline double jitter_unit(std::uint64_t seed, std::uint64_t stream, std::uint64_t i) {
    std::uint64_t h = splitmix64(seed ^ splitmix64(stream ^ splitmix64(i)));
    return static_cast<double>(h >> 11) * 0x1.0p-52 - 1.0;
}

struct Column {
    double shift = 0.0, scale = 1.0;
    double amplitude = 0.0;      // jitter size if the column turns out to have ties
    std::uint64_t stream = 0;    // jitter stream of the column
    bool jittered = false;       // set once ties were found
    // Set where the column was searched for ties (-1: not searched): samples that share
    // their value with another sample, and distinct values.
    std::int64_t tied = -1, distinct = -1;
};

struct Variable {
    const double* data = nullptr;
    std::size_t n = 0;
    int d = 0;
    std::vector<Column> columns;
    std::uint64_t seed = 0;

    Variable() = default;
    Variable(const double* data_, std::size_t n_, int d_) : data(data_), n(n_), d(d_), columns(d_) {}

    double raw(std::size_t i, int c) const { return data[i * d + c]; }
    double value(std::size_t i, int c) const {
        const Column& col = columns[c];
        double v = (data[i * d + c] - col.shift) * col.scale;
        if (col.jittered) v += col.amplitude * jitter_unit(seed, col.stream, i);
        return v;
    }
};

// One column of a variable, flattened for the hot loops that read coordinates.
struct ColumnView {
    const double* data;
    std::size_t stride;
    double shift, scale, amplitude;
    std::uint64_t seed, stream;
    bool jittered;

    double value(std::size_t i) const {
        double v = (data[i * stride] - shift) * scale;
        if (jittered) v += amplitude * jitter_unit(seed, stream, i);
        return v;
    }
};

// The columns of several variables side by side (the joint space of x and y, say).
// Built after the variables' jitter has been settled.
struct JointSpace {
    std::vector<ColumnView> columns;
    std::size_t n = 0;
    int d = 0;

    explicit JointSpace(const std::vector<const Variable*>& parts) {
        if (parts.empty()) throw std::invalid_argument("a joint space needs at least one variable");
        n = parts[0]->n;
        for (const Variable* p : parts) {
            if (p->n != n) throw std::invalid_argument("variables have different numbers of samples");
            for (int c = 0; c < p->d; ++c) {
                const Column& col = p->columns[c];
                columns.push_back({p->data + c, static_cast<std::size_t>(p->d), col.shift, col.scale,
                                   col.amplitude, p->seed, col.stream, col.jittered});
            }
        }
        d = static_cast<int>(columns.size());
    }
    // Writes the d coordinates of sample i to out.
    void fill(std::size_t i, double* out) const {
        for (const ColumnView& c : columns) *out++ = c.value(i);
    }
};

}  // namespace fastit
