// An exact max-norm (Chebyshev) kd-tree over n points in d dimensions.
//
// Layout: points are stored row-major in tree order, so every node owns a contiguous
// range. Nodes split their range at its middle position (a median split on the widest
// side of the node's bounding box), which makes the tree implicit: node t has children
// 2t+1 and 2t+2 and all leaves sit at the same depth. Every node keeps its tight bounding
// box, which gives both pruning bounds the queries need:
//   - nearest neighbours skip a node whose box is no nearer than the current k-th distance;
//   - radius counts skip a node entirely outside the radius and take the size of a node
//     entirely inside it without visiting its points.
// Box distances are computed coordinate by coordinate as the point distances are, and
// rounding is monotone, so the bounds never contradict the exact point comparisons.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

#include "parallel.hpp"

namespace fastit {

class ChebyshevTree {
   public:
    // fill(i, out) writes the d coordinates of item i, for i in [0, n).
    template <class Fill>
    ChebyshevTree(std::size_t n, int d, const Fill& fill, const Parallel& par,
                  std::size_t leaf_size = 16)
        : n_(n), d_(d) {
        if (d < 1) throw std::invalid_argument("a tree needs at least one dimension");
        while ((n_ >> depth_) > leaf_size) ++depth_;
        coords_.resize(n_ * d_);
        index_.resize(n_);
        boxes_.resize(((std::size_t{2} << depth_) - 1) * 2 * d_);

        Blocks blocks{n_, 1 << 14};
        par.run(blocks.count(), [&](std::size_t b) {
            for (std::size_t i = blocks.begin(b); i < blocks.end(b); ++i) {
                fill(i, &coords_[i * d_]);
                index_[i] = static_cast<std::uint32_t>(i);
            }
        });

        // Split the top levels here, then hand whole subtrees to the threads.
        struct Pending {
            std::size_t node, lo, hi;
            int level;
        };
        std::vector<Pending> frontier{{0, 0, n_, 0}};
        while (frontier.size() < static_cast<std::size_t>(std::max(par.n_threads, 1)) &&
               frontier[0].level < depth_) {
            std::vector<Pending> next;
            for (const Pending& p : frontier) {
                std::size_t mid = split_node(p.node, p.lo, p.hi);
                next.push_back({2 * p.node + 1, p.lo, mid, p.level + 1});
                next.push_back({2 * p.node + 2, mid, p.hi, p.level + 1});
            }
            frontier.swap(next);
        }
        par.run(frontier.size(), [&](std::size_t t) {
            const Pending& p = frontier[t];
            build(p.node, p.lo, p.hi, p.level);
        });
    }

    std::size_t size() const { return n_; }
    int dim() const { return d_; }
    const double* point(std::size_t pos) const { return &coords_[pos * d_]; }
    std::uint32_t original(std::size_t pos) const { return index_[pos]; }

    // The k nearest other points of the point at tree position pos: distances ascending in
    // dist[0..k), their tree positions in nbr[0..k). Ties at the k-th distance are broken
    // by traversal order; the distances themselves are exact.
    void knn(std::size_t pos, int k, double* dist, std::uint32_t* nbr) const {
        const double inf = std::numeric_limits<double>::infinity();
        std::fill(dist, dist + k, inf);
        std::fill(nbr, nbr + k, std::uint32_t(0));
        const double* q = point(pos);
        // Start from the query's own leaf: it gives a tight bound before the descent.
        std::size_t node = 0, lo = 0, hi = n_;
        for (int level = 0; level < depth_; ++level) {
            std::size_t mid = lo + (hi - lo) / 2;
            if (pos < mid) {
                node = 2 * node + 1;
                hi = mid;
            } else {
                node = 2 * node + 2;
                lo = mid;
            }
        }
        scan_leaf(q, pos, lo, hi, k, dist, nbr);
        knn_descend(q, pos, node, 0, 0, n_, 0, k, dist, nbr);
    }

    // Number of stored points p with max_c |p_c - q_c| < r (strict) or <= r, q itself
    // included if it is stored.
    std::size_t count_within(const double* q, double r, bool strict) const {
        return count_node(q, r, strict, 0, 0, n_, 0);
    }

   private:
    std::size_t n_;
    int d_;
    int depth_ = 0;
    std::vector<double> coords_;
    std::vector<std::uint32_t> index_;
    std::vector<double> boxes_;  // per node: lower corner, then upper corner

    const double* box_lo(std::size_t node) const { return &boxes_[node * 2 * d_]; }
    const double* box_hi(std::size_t node) const { return &boxes_[node * 2 * d_ + d_]; }

    double min_dist(const double* q, std::size_t node) const {
        const double* lo = box_lo(node);
        const double* hi = box_hi(node);
        double m = 0.0;
        for (int c = 0; c < d_; ++c) m = std::max(m, std::max(lo[c] - q[c], q[c] - hi[c]));
        return m;
    }
    double max_dist(const double* q, std::size_t node) const {
        const double* lo = box_lo(node);
        const double* hi = box_hi(node);
        double m = 0.0;
        for (int c = 0; c < d_; ++c) m = std::max(m, std::max(q[c] - lo[c], hi[c] - q[c]));
        return m;
    }

    // Computes the node's box and, for inner nodes, partitions its range at the middle.
    std::size_t split_node(std::size_t node, std::size_t lo, std::size_t hi) {
        double* blo = &boxes_[node * 2 * d_];
        double* bhi = blo + d_;
        for (int c = 0; c < d_; ++c) blo[c] = bhi[c] = coords_[lo * d_ + c];
        for (std::size_t i = lo + 1; i < hi; ++i) {
            const double* p = &coords_[i * d_];
            for (int c = 0; c < d_; ++c) {
                blo[c] = std::min(blo[c], p[c]);
                bhi[c] = std::max(bhi[c], p[c]);
            }
        }
        int axis = 0;
        for (int c = 1; c < d_; ++c)
            if (bhi[c] - blo[c] > bhi[axis] - blo[axis]) axis = c;
        std::size_t mid = lo + (hi - lo) / 2;
        select(lo, hi, mid, axis);
        return mid;
    }

    void build(std::size_t node, std::size_t lo, std::size_t hi, int level) {
        if (level == depth_) {
            split_node_box_only(node, lo, hi);
            return;
        }
        std::size_t mid = split_node(node, lo, hi);
        build(2 * node + 1, lo, mid, level + 1);
        build(2 * node + 2, mid, hi, level + 1);
    }

    void split_node_box_only(std::size_t node, std::size_t lo, std::size_t hi) {
        double* blo = &boxes_[node * 2 * d_];
        double* bhi = blo + d_;
        for (int c = 0; c < d_; ++c) blo[c] = bhi[c] = coords_[lo * d_ + c];
        for (std::size_t i = lo + 1; i < hi; ++i)
            for (int c = 0; c < d_; ++c) {
                blo[c] = std::min(blo[c], coords_[i * d_ + c]);
                bhi[c] = std::max(bhi[c], coords_[i * d_ + c]);
            }
    }

    double key(std::size_t row, int axis) const { return coords_[row * d_ + axis]; }
    void swap_rows(std::size_t a, std::size_t b) {
        std::swap_ranges(&coords_[a * d_], &coords_[a * d_] + d_, &coords_[b * d_]);
        std::swap(index_[a], index_[b]);
    }

    // Quickselect on rows [lo, hi) by one coordinate: afterwards row nth holds the value
    // that belongs there in sorted order, with no larger value before it and no smaller after.
    void select(std::size_t lo, std::size_t hi, std::size_t nth, int axis) {
        while (hi - lo > 16) {
            // Median of three moved to lo; Hoare partition around it.
            std::size_t m = lo + (hi - lo) / 2;
            if (key(m, axis) < key(lo, axis)) swap_rows(m, lo);
            if (key(hi - 1, axis) < key(lo, axis)) swap_rows(hi - 1, lo);
            if (key(hi - 1, axis) < key(m, axis)) swap_rows(hi - 1, m);
            swap_rows(lo, m);  // lo now holds the median of the three
            const double pivot = key(lo, axis);
            std::size_t i = lo - 1, j = hi;  // wraps for lo == 0, incremented before use
            while (true) {
                do ++i; while (key(i, axis) < pivot);
                do --j; while (key(j, axis) > pivot);
                if (i >= j) break;
                swap_rows(i, j);
            }
            // Rows [lo, j] <= pivot <= rows [j + 1, hi), with lo <= j < hi - 1.
            if (nth <= j)
                hi = j + 1;
            else
                lo = j + 1;
        }
        for (std::size_t i = lo + 1; i < hi; ++i)
            for (std::size_t j = i; j > lo && key(j, axis) < key(j - 1, axis); --j)
                swap_rows(j, j - 1);
    }

    void scan_leaf(const double* q, std::size_t self, std::size_t lo, std::size_t hi, int k,
                   double* dist, std::uint32_t* nbr) const {
        for (std::size_t j = lo; j < hi; ++j) {
            if (j == self) continue;
            const double* p = &coords_[j * d_];
            const double bound = dist[k - 1];
            double dj = 0.0;
            int c = 0;
            for (; c < d_; ++c) {
                dj = std::max(dj, std::abs(p[c] - q[c]));
                if (dj >= bound) break;
            }
            if (c < d_) continue;
            int t = k - 1;
            while (t > 0 && dist[t - 1] > dj) {
                dist[t] = dist[t - 1];
                nbr[t] = nbr[t - 1];
                --t;
            }
            dist[t] = dj;
            nbr[t] = static_cast<std::uint32_t>(j);
        }
    }

    void knn_descend(const double* q, std::size_t self, std::size_t skip, std::size_t node,
                     std::size_t lo, std::size_t hi, int level, int k, double* dist,
                     std::uint32_t* nbr) const {
        if (level == depth_) {
            if (node != skip) scan_leaf(q, self, lo, hi, k, dist, nbr);
            return;
        }
        const std::size_t mid = lo + (hi - lo) / 2;
        const std::size_t left = 2 * node + 1, right = left + 1;
        const double dl = min_dist(q, left), dr = min_dist(q, right);
        if (dl <= dr) {
            if (dl < dist[k - 1]) knn_descend(q, self, skip, left, lo, mid, level + 1, k, dist, nbr);
            if (dr < dist[k - 1]) knn_descend(q, self, skip, right, mid, hi, level + 1, k, dist, nbr);
        } else {
            if (dr < dist[k - 1]) knn_descend(q, self, skip, right, mid, hi, level + 1, k, dist, nbr);
            if (dl < dist[k - 1]) knn_descend(q, self, skip, left, lo, mid, level + 1, k, dist, nbr);
        }
    }

    std::size_t count_node(const double* q, double r, bool strict, std::size_t node,
                           std::size_t lo, std::size_t hi, int level) const {
        const double near = min_dist(q, node);
        if (strict ? near >= r : near > r) return 0;
        const double far = max_dist(q, node);
        if (strict ? far < r : far <= r) return hi - lo;
        if (level == depth_) {
            std::size_t count = 0;
            for (std::size_t j = lo; j < hi; ++j) {
                const double* p = &coords_[j * d_];
                double dj = 0.0;
                for (int c = 0; c < d_; ++c) dj = std::max(dj, std::abs(p[c] - q[c]));
                count += strict ? (dj < r) : (dj <= r);
            }
            return count;
        }
        const std::size_t mid = lo + (hi - lo) / 2;
        return count_node(q, r, strict, 2 * node + 1, lo, mid, level + 1) +
               count_node(q, r, strict, 2 * node + 2, mid, hi, level + 1);
    }
};

}  // namespace fastit
