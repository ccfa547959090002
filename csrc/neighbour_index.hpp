// Neighbour queries over one point set, by the fastest exact structure for its dimension:
// a sorted line in 1-D, a grid in 2-D when the density is even enough for one, the
// max-norm kd-tree otherwise. Positions run over the structure's
// own order (queries in that order touch memory sequentially); original(pos) maps back.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "grid.hpp"
#include "kdtree.hpp"
#include "parallel.hpp"
#include "sorted_line.hpp"

namespace fastit {

struct KnnScratch {
    std::vector<double> dist;
    std::vector<std::uint32_t> nbr;
    explicit KnnScratch(int k) : dist(k), nbr(k) {}
};

// What an index will mostly answer: the structures are tuned differently for each.
enum class Query { nearest, count };

class NeighbourIndex {
   public:
    // fill(i, out) writes the d coordinates of item i, for i in [0, n).
    template <class Fill>
    NeighbourIndex(std::size_t n, int d, const Fill& fill, const Parallel& par, Query use) {
        if (d == 1) {
            line_ = std::make_unique<SortedLine>(
                n,
                [&](std::size_t i) {
                    double v;
                    fill(i, &v);
                    return v;
                },
                par);
            return;
        }
        if (d == 2 && use == Query::nearest) {
            grid_ = std::make_unique<ChebyshevGrid2D>(n, fill, par);
            if (grid_->balanced()) return;
            grid_.reset();
        }
        // Measured on Gaussian data (4+4 KSG at n = 1e5): radius counts, which take whole
        // nodes inside the radius at once, prefer larger leaves than k-NN searches.
        const std::size_t leaf_size = use == Query::count ? 64 : 32;
        tree_ = std::make_unique<ChebyshevTree>(n, d, fill, par, leaf_size);
    }
    explicit NeighbourIndex(std::unique_ptr<SortedLine> line) : line_(std::move(line)) {}

    std::size_t size() const {
        return line_ ? line_->size() : grid_ ? grid_->size() : tree_->size();
    }
    std::uint32_t original(std::size_t pos) const {
        return line_ ? line_->original(pos) : grid_ ? grid_->original(pos) : tree_->original(pos);
    }
    // Writes the coordinates of the item at pos to out (not for the 1-D line).
    void copy_point(std::size_t pos, double* out) const {
        if (grid_) {
            out[0] = grid_->point(pos)[0];
            out[1] = grid_->point(pos)[1];
        } else {
            tree_->copy_point(pos, out);
        }
    }

    // The k nearest other items of the item at pos: distances ascending in s.dist, positions
    // in s.nbr (not for the 1-D line).
    void knn(std::size_t pos, int k, KnnScratch& s) const {
        if (grid_)
            grid_->knn(pos, k, s.dist.data(), s.nbr.data());
        else
            tree_->knn(pos, k, s.dist.data(), s.nbr.data());
    }

    // Distance to the k-th nearest other item of the item at pos.
    double kth_distance(std::size_t pos, int k, KnnScratch& s) const {
        if (line_) return line_->kth_distance(pos, k);
        knn(pos, k, s);
        return s.dist[k - 1];
    }

    // Other items within r of the item at pos: distance < r (strict) or <= r.
    std::size_t count_others(std::size_t pos, double r, bool strict) const {
        if (line_) return line_->count(pos, r, strict);
        // The item itself is at distance exactly 0.
        const std::size_t self = strict ? (r > 0.0) : 1;
        const std::size_t all = grid_ ? grid_->count_within(grid_->point(pos), r, strict)
                                      : tree_->count_around(pos, r, strict);
        return all - self;
    }

   private:
    std::unique_ptr<SortedLine> line_;
    std::unique_ptr<ChebyshevGrid2D> grid_;
    std::unique_ptr<ChebyshevTree> tree_;
};

// Max-norm distance over the columns of `space` from every item i to item far[i]. A
// neighbour search computes its distances from the same coordinates in the same way, so
// these are its distances to the bit: a caller may keep the neighbour's index while the
// search's structure is in memory (4 bytes an item, where the distance takes 8) and
// compute the distances afterwards.
inline std::vector<double> distances_to(const JointSpace& space, const std::vector<std::uint32_t>& far,
                                        const Parallel& par) {
    constexpr std::size_t kAhead = 16;  // far[i] is in random order: prefetch its rows
    std::vector<double> out(far.size());
    Blocks blocks{far.size(), 1 << 14};
    par.run(blocks.count(), [&](std::size_t b) {
        std::vector<double> p(space.d), q(space.d);
        for (std::size_t i = blocks.begin(b); i < blocks.end(b); ++i) {
            if (i + kAhead < blocks.end(b))
                for (const ColumnView& c : space.columns) __builtin_prefetch(c.data + far[i + kAhead] * c.stride);
            space.fill(i, q.data());
            space.fill(far[i], p.data());
            double r = std::abs(p[0] - q[0]);
            for (int c = 1; c < space.d; ++c) r = std::max(r, std::abs(p[c] - q[c]));
            out[i] = r;
        }
    });
    return out;
}

// Sum of body(begin, end) over fixed blocks of [0, n), added in block order: the same
// total for every thread count.
template <class Body>
double blocked_sum(std::size_t n, const Parallel& par, const Body& body) {
    Blocks blocks{n, 2048};
    std::vector<double> partial(blocks.count(), 0.0);
    par.run(blocks.count(),
            [&](std::size_t b) { partial[b] = body(blocks.begin(b), blocks.end(b)); });
    double total = 0.0;
    for (double p : partial) total += p;
    return total;
}

}  // namespace fastit
