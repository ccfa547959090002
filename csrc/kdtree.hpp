// An exact max-norm (Chebyshev) kd-tree over n points in d dimensions.
//
// Layout: points are stored in tree order, so every node owns a contiguous range; within a
// leaf they are stored column by column, so a leaf scan reads each coordinate contiguously
// and vectorises across points (rows are gathered when a whole point is needed). Nodes split their range at its middle position (a median split on the widest
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
#include <type_traits>
#include <utility>
#include <vector>

#include "nearest_list.hpp"
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
        if (leaf_size < 1 || leaf_size > kMaxLeaf / 2)
            throw std::invalid_argument("leaf_size must be in [1, 64]");
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
        to_leaf_columns(par);
    }

    std::size_t size() const { return n_; }
    int dim() const { return d_; }
    std::uint32_t original(std::size_t pos) const { return index_[pos]; }

    // Writes the d coordinates of the point at tree position pos to out.
    void copy_point(std::size_t pos, double* out) const {
        std::size_t node, lo, hi;
        leaf_of(pos, node, lo, hi);
        gather(pos, lo, hi, out);
    }

    // The k nearest other points of the point at tree position pos: distances ascending in
    // dist[0..k), their tree positions in nbr[0..k). Ties at the k-th distance are broken
    // by traversal order; the distances themselves are exact.
    void knn(std::size_t pos, int k, double* dist, std::uint32_t* nbr) const {
        with_dim([&](auto D) { knn_impl<decltype(D)::value>(pos, k, dist, nbr); });
    }

    // The same count around the stored point at tree position pos, starting from the
    // smallest subtree whose box holds the whole ball instead of from the root.
    std::size_t count_around(std::size_t pos, double r, bool strict) const {
        std::size_t count = 0;
        with_dim([&](auto D) {
            constexpr int kD = decltype(D)::value;
            std::size_t node, lo, hi;
            leaf_of(pos, node, lo, hi);
            PointBuffer qbuf(d_);
            const double* q = qbuf.data;
            gather(pos, lo, hi, qbuf.data);
            int level = depth_;
            // Walk up until the ball lies in the node's box. For <= counts a point of another
            // subtree may sit exactly on the box's side, at distance exactly r: demand a gap.
            while (level > 0 && !ball_inside<kD>(q, r, node, !strict)) {
                node = (node - 1) / 2;
                --level;
            }
            range_of(node, level, lo, hi);
            count = count_node<kD>(q, r, strict, node, lo, hi, level);
        });
        return count;
    }

   private:
    std::size_t n_;
    int d_;
    int depth_ = 0;
    std::vector<double> coords_;
    std::vector<std::uint32_t> index_;
    std::vector<double> boxes_;  // per node: lower corner, then upper corner

    // Runs f with the dimension as a compile-time constant for common small dimensions
    // (0 means "read d_"): fixed-size loops unroll and vectorise in the hot paths.
    template <class F>
    void with_dim(const F& f) const {
        switch (d_) {
            case 2: f(std::integral_constant<int, 2>{}); break;
            case 3: f(std::integral_constant<int, 3>{}); break;
            case 4: f(std::integral_constant<int, 4>{}); break;
            case 5: f(std::integral_constant<int, 5>{}); break;
            case 6: f(std::integral_constant<int, 6>{}); break;
            case 8: f(std::integral_constant<int, 8>{}); break;
            default: f(std::integral_constant<int, 0>{}); break;
        }
    }
    template <int D>
    int dims() const {
        return D ? D : d_;
    }

    template <int D>
    void knn_impl(std::size_t pos, int k, double* dist, std::uint32_t* nbr) const {
        const double inf = std::numeric_limits<double>::infinity();
        std::fill(dist, dist + k, inf);
        std::fill(nbr, nbr + k, std::uint32_t(0));
        // The query's own leaf: it sets a tight bound before anything else is visited.
        std::size_t node, lo, hi;
        leaf_of(pos, node, lo, hi);
        PointBuffer qbuf(d_);
        const double* q = qbuf.data;
        gather(pos, lo, hi, qbuf.data);
        scan_leaf<D>(q, pos, lo, hi, k, dist, nbr);
        // Walk up: visit each sibling subtree that may hold a nearer point, and stop as soon
        // as the ball of the current k-th distance lies inside the node's box (every point
        // outside the subtree is then at least that far away).
        for (int level = depth_; level > 0; --level) {
            if (ball_inside<D>(q, dist[k - 1], node)) break;
            const std::size_t sibling = node % 2 ? node + 1 : node - 1;
            if (min_dist<D>(q, sibling) < dist[k - 1]) {
                std::size_t slo, shi;
                range_of(sibling, level, slo, shi);
                knn_descend<D>(q, pos, sibling, slo, shi, level, k, dist, nbr);
            }
            node = (node - 1) / 2;
        }
    }

    const double* box_lo(std::size_t node) const { return &boxes_[node * 2 * d_]; }
    const double* box_hi(std::size_t node) const { return &boxes_[node * 2 * d_ + d_]; }

    template <int D>
    double min_dist(const double* q, std::size_t node) const {
        const double* lo = box_lo(node);
        const double* hi = box_hi(node);
        double m = 0.0;
        for (int c = 0; c < dims<D>(); ++c) m = std::max(m, std::max(lo[c] - q[c], q[c] - hi[c]));
        return m;
    }
    template <int D>
    double max_dist(const double* q, std::size_t node) const {
        const double* lo = box_lo(node);
        const double* hi = box_hi(node);
        double m = 0.0;
        for (int c = 0; c < dims<D>(); ++c) m = std::max(m, std::max(q[c] - lo[c], hi[c] - q[c]));
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

    // Selection on rows [lo, hi) by one coordinate (Floyd and Rivest, 1975): afterwards row
    // nth holds the value that belongs there in sorted order, with no larger value before it
    // and no smaller one after. A pivot taken from a small sample around nth makes one pass
    // over the range nearly always enough.
    void select(std::size_t lo, std::size_t hi, std::size_t nth, int axis) {
        select_inclusive(static_cast<std::ptrdiff_t>(lo), static_cast<std::ptrdiff_t>(hi) - 1,
                         static_cast<std::ptrdiff_t>(nth), axis);
    }

    void select_inclusive(std::ptrdiff_t left, std::ptrdiff_t right, std::ptrdiff_t nth, int axis) {
        while (right > left) {
            if (right - left > 600) {
                const double n = static_cast<double>(right - left + 1);
                const double i = static_cast<double>(nth - left + 1);
                const double z = std::log(n);
                const double s = 0.5 * std::exp(2.0 * z / 3.0);
                const double sd = 0.5 * std::sqrt(z * s * (n - s) / n) * (i - n / 2 < 0 ? -1.0 : 1.0);
                const auto sample_left = std::max(left, static_cast<std::ptrdiff_t>(nth - i * s / n + sd));
                const auto sample_right =
                    std::min(right, static_cast<std::ptrdiff_t>(nth + (n - i) * s / n + sd));
                select_inclusive(sample_left, sample_right, nth, axis);
            }
            const double t = key(nth, axis);
            std::ptrdiff_t i = left, j = right;
            swap_rows(left, nth);
            if (key(right, axis) > t) swap_rows(right, left);
            while (i < j) {
                swap_rows(i, j);
                ++i;
                --j;
                while (key(i, axis) < t) ++i;
                while (key(j, axis) > t) --j;
            }
            if (key(left, axis) == t) {
                swap_rows(left, j);
            } else {
                ++j;
                swap_rows(j, right);
            }
            if (j <= nth) left = j + 1;
            if (nth <= j) right = j - 1;
        }
    }

    template <int D>
    void scan_leaf(const double* q, std::size_t self, std::size_t lo, std::size_t hi, int k,
                   double* dist, std::uint32_t* nbr) const {
        const int d = dims<D>();
        const std::size_t m = hi - lo;
        const double* column = &coords_[lo * d_];
        double dj[2 * kMaxLeaf];
        for (std::size_t j = 0; j < m; ++j) dj[j] = std::abs(column[j] - q[0]);
        for (int c = 1; c < d; ++c)
            for (std::size_t j = 0; j < m; ++j)
                dj[j] = std::max(dj[j], std::abs(column[c * m + j] - q[c]));
        for (std::size_t j = 0; j < m; ++j)
            if (dj[j] < dist[k - 1] && lo + j != self) insert_nearest(dist, nbr, k, dj[j], lo + j);
    }

    template <int D>
    void knn_descend(const double* q, std::size_t self, std::size_t node, std::size_t lo,
                     std::size_t hi, int level, int k, double* dist, std::uint32_t* nbr) const {
        if (level == depth_) {
            scan_leaf<D>(q, self, lo, hi, k, dist, nbr);
            return;
        }
        const std::size_t mid = lo + (hi - lo) / 2;
        const std::size_t left = 2 * node + 1, right = left + 1;
        const double dl = min_dist<D>(q, left), dr = min_dist<D>(q, right);
        if (dl <= dr) {
            if (dl < dist[k - 1]) knn_descend<D>(q, self, left, lo, mid, level + 1, k, dist, nbr);
            if (dr < dist[k - 1]) knn_descend<D>(q, self, right, mid, hi, level + 1, k, dist, nbr);
        } else {
            if (dr < dist[k - 1]) knn_descend<D>(q, self, right, mid, hi, level + 1, k, dist, nbr);
            if (dl < dist[k - 1]) knn_descend<D>(q, self, left, lo, mid, level + 1, k, dist, nbr);
        }
    }

    // Leaves hold at most this many points (see the constructor); leaf scans use it to
    // size their stack buffers.
    static constexpr std::size_t kMaxLeaf = 128;

    // A point's coordinates copied out of its leaf (on the stack for d <= 64).
    struct PointBuffer {
        double local[64];
        std::vector<double> heap;
        double* data;
        explicit PointBuffer(int d) : data(local) {
            if (d > 64) {
                heap.resize(d);
                data = heap.data();
            }
        }
    };

    void leaf_of(std::size_t pos, std::size_t& node, std::size_t& lo, std::size_t& hi) const {
        node = 0;
        lo = 0;
        hi = n_;
        for (int level = 0; level < depth_; ++level) {
            const std::size_t mid = lo + (hi - lo) / 2;
            node = 2 * node + (pos < mid ? 1 : 2);
            (pos < mid ? hi : lo) = mid;
        }
    }

    // Coordinates of the point at pos, which lies in the leaf [lo, hi).
    void gather(std::size_t pos, std::size_t lo, std::size_t hi, double* out) const {
        const std::size_t m = hi - lo;
        const double* column = &coords_[lo * d_] + (pos - lo);
        for (int c = 0; c < d_; ++c) out[c] = column[c * m];
    }

    // Rewrites every leaf from rows to columns, once the build no longer swaps rows.
    void to_leaf_columns(const Parallel& par) {
        const std::size_t leaves = std::size_t{1} << depth_;
        Blocks blocks{leaves, 1024};
        par.run(blocks.count(), [&](std::size_t b) {
            std::vector<double> rows;
            for (std::size_t leaf = blocks.begin(b); leaf < blocks.end(b); ++leaf) {
                std::size_t lo, hi;
                range_of(leaves - 1 + leaf, depth_, lo, hi);
                const std::size_t m = hi - lo;
                rows.assign(coords_.begin() + lo * d_, coords_.begin() + hi * d_);
                for (std::size_t j = 0; j < m; ++j)
                    for (int c = 0; c < d_; ++c) coords_[lo * d_ + c * m + j] = rows[j * d_ + c];
            }
        });
    }

    // The position range of a node at a given level, from the root's halvings.
    void range_of(std::size_t node, int level, std::size_t& lo, std::size_t& hi) const {
        lo = 0;
        hi = n_;
        for (int l = level - 1; l >= 0; --l) {
            const std::size_t ancestor_child = ((node + 1) >> l) - 1;  // node's ancestor at level-l
            const std::size_t mid = lo + (hi - lo) / 2;
            if (ancestor_child % 2)
                hi = mid;
            else
                lo = mid;
        }
    }

    // True when no point outside the node can be nearer than r: the ball of radius r around
    // q lies in the node's box (distances to the box sides computed as point distances are).
    template <int D>
    bool ball_inside(const double* q, double r, std::size_t node, bool with_gap = false) const {
        const double* lo = box_lo(node);
        const double* hi = box_hi(node);
        for (int c = 0; c < dims<D>(); ++c) {
            const double below = q[c] - lo[c], above = hi[c] - q[c];
            if (below < r || above < r || (with_gap && (below == r || above == r))) return false;
        }
        return true;
    }

    template <int D>
    std::size_t count_node(const double* q, double r, bool strict, std::size_t node,
                           std::size_t lo, std::size_t hi, int level) const {
        const double near = min_dist<D>(q, node);
        if (strict ? near >= r : near > r) return 0;
        const double far = max_dist<D>(q, node);
        if (strict ? far < r : far <= r) return hi - lo;
        if (level == depth_) {
            const int d = dims<D>();
            const std::size_t m = hi - lo;
            const double* column = &coords_[lo * d_];
            std::size_t count = 0;
            for (std::size_t j = 0; j < m; ++j) {
                double dj = std::abs(column[j] - q[0]);
                for (int c = 1; c < d; ++c) dj = std::max(dj, std::abs(column[c * m + j] - q[c]));
                count += strict ? (dj < r) : (dj <= r);
            }
            return count;
        }
        const std::size_t mid = lo + (hi - lo) / 2;
        return count_node<D>(q, r, strict, 2 * node + 1, lo, mid, level + 1) +
               count_node<D>(q, r, strict, 2 * node + 2, mid, hi, level + 1);
    }
};

}  // namespace fastit
