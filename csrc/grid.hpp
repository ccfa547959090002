// An exact max-norm neighbour grid for 2-D points: square cells of side h, chosen so that a
// random point's cell holds about 2.5 points (8 for large inputs, to save memory), with points stored cell by cell (counting
// sort). Each row of cells keeps only the span between its first and last occupied cell,
// so a band of strongly dependent data or a round blob costs memory in proportion to the
// points, not to their bounding box. A k-NN query scans square rings of cells around
// the query's cell and stops once the next ring is no nearer than the current k-th
// distance: usually the 3 x 3 block is all it reads, a fraction of a kd-tree descent, and
// the build is a few linear passes.
//
// Where the density is too uneven for any one cell size (heavy tails, far outliers), the
// spans grow too long; `balanced()` then says no and the caller uses the kd-tree.
//
// Cell indices are computed in floating point, so cell borders are only approximately
// where x0 + c * h says. Every stopping decision keeps a margin far larger than that
// rounding; the point distances themselves are exact.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "nearest_list.hpp"
#include "parallel.hpp"
#include "sort.hpp"

namespace fastit {

class ChebyshevGrid2D {
   public:
    // fill(i, out) writes the two coordinates of item i, for i in [0, n).
    template <class Fill>
    ChebyshevGrid2D(std::size_t n, const Fill& fill, const Parallel& par) : n_(n) {
        if (n < 64 || n >= (std::size_t{1} << 31)) return;
        // Contiguous chunks of samples, one per thread; every pass below gives the same
        // result for any number of chunks (the scatter is a stable counting sort). For lean
        // inputs the counting sort takes one chunk, which saves the other chunks' cursors
        // (2 bytes a cell each); large inputs also take fuller cells.
        const bool large = n > large_input_threshold();
        const std::size_t n_chunks = std::min<std::size_t>(std::max(par.n_threads, 1), 4);
        const std::size_t sort_chunks = n > lean_input_threshold() ? 1 : n_chunks;
        const double target_occupancy = large ? 8.0 : 2.5;
        auto chunk_begin = [&](std::size_t t) { return t * n / n_chunks; };
        auto sort_chunk_begin = [&](std::size_t t) { return t * n / sort_chunks; };
        // fill() is cheap and deterministic: calling it in each pass saves a copy of the data.
        std::vector<std::array<double, 4>> extent(n_chunks);
        par.run(n_chunks, [&](std::size_t t) {
            const double inf = std::numeric_limits<double>::infinity();
            std::array<double, 4> e{inf, inf, -inf, -inf};
            double p[2];
            for (std::size_t i = chunk_begin(t); i < chunk_begin(t + 1); ++i) {
                fill(i, p);
                e = {std::min(e[0], p[0]), std::min(e[1], p[1]), std::max(e[2], p[0]), std::max(e[3], p[1])};
            }
            extent[t] = e;
        });
        double lo[2] = {extent[0][0], extent[0][1]}, hi[2] = {extent[0][2], extent[0][3]};
        for (const auto& e : extent) {
            lo[0] = std::min(lo[0], e[0]);
            lo[1] = std::min(lo[1], e[1]);
            hi[0] = std::max(hi[0], e[2]);
            hi[1] = std::max(hi[1], e[3]);
        }
        const double wx = hi[0] - lo[0], wy = hi[1] - lo[1];
        // Degenerate, or so wide that the extent overflows (or a coordinate is not finite):
        // leave unbalanced, for the kd-tree.
        if (!(wx > 0.0 && wy > 0.0 && std::isfinite(wx) && std::isfinite(wy))) return;
        x0_ = lo[0];
        y0_ = lo[1];

        // A first cell size from the bounding box, then rescaled so that the mean occupancy
        // of a random point's cell (which grows as h^2) comes out near the target. A sample
        // of the points estimates the occupancy well enough for that.
        double h = std::sqrt(wx * wy * 2.0 / static_cast<double>(n));
        if (!std::isnormal(h))  // the product under- or overflowed: factor by factor
            h = std::sqrt(wx) * std::sqrt(wy) * std::sqrt(2.0 / static_cast<double>(n));
        if (!set_cell_size(h, wx, wy)) return;
        {
            constexpr std::size_t kEvery = 8;
            // About n / 2 cells by the choice of h; never more than n plus the sides.
            if (gx_ * gy_ > n + gx_ + gy_) return;
            std::vector<std::uint32_t> count(gx_ * gy_, 0);
            double p[2];
            for (std::size_t i = 0; i < n; i += kEvery) {
                fill(i, p);
                ++count[cell_y(p[1]) * gx_ + cell_x(p[0])];
            }
            const double m = static_cast<double>((n + kEvery - 1) / kEvery);
            double sum = 0.0;
            for (std::uint32_t c : count) sum += static_cast<double>(c) * (static_cast<double>(c) - 1.0);
            const double occupancy = 1.0 + sum / m * static_cast<double>(kEvery);
            if (occupancy > target_occupancy &&
                !set_cell_size(h_ * std::sqrt(target_occupancy / occupancy), wx, wy))
                return;
        }

        // Occupied span of every row, then the cells of all spans back to back.
        std::vector<std::vector<std::uint32_t>> first(n_chunks), last(n_chunks);
        par.run(n_chunks, [&](std::size_t t) {
            first[t].assign(gy_, static_cast<std::uint32_t>(gx_));
            last[t].assign(gy_, 0);
            double p[2];
            for (std::size_t i = chunk_begin(t); i < chunk_begin(t + 1); ++i) {
                fill(i, p);
                const std::size_t cy = cell_y(p[1]);
                const auto cx = static_cast<std::uint32_t>(cell_x(p[0]));
                first[t][cy] = std::min(first[t][cy], cx);
                last[t][cy] = std::max(last[t][cy], cx);
            }
        });
        row_first_.assign(gy_, gx_);
        row_last_.assign(gy_, 0);
        row_offset_.assign(gy_ + 1, 0);
        for (std::size_t y = 0; y < gy_; ++y) {
            for (std::size_t t = 0; t < n_chunks; ++t) {
                row_first_[y] = std::min<std::size_t>(row_first_[y], first[t][y]);
                row_last_[y] = std::max<std::size_t>(row_last_[y], last[t][y]);
            }
            const std::size_t span = row_first_[y] <= row_last_[y] ? row_last_[y] - row_first_[y] + 1 : 0;
            row_offset_[y + 1] = row_offset_[y] + span;
        }
        const std::size_t n_cells = row_offset_[gy_];
        if (n_cells > kMaxCellsPerPoint * n) return;

        // Counting sort by cell: counts per chunk, then each chunk scatters its samples after
        // those of the chunks before it. Counts and cursors are 16-bit offsets within a
        // block of cells (see cell_start): a count that wraps shows in the total.
        auto cell_of = [&](const double* p) {
            const std::size_t cy = cell_y(p[1]);
            return row_offset_[cy] + cell_x(p[0]) - row_first_[cy];
        };
        std::vector<std::vector<std::uint16_t>> cursor(sort_chunks);
        par.run(sort_chunks, [&](std::size_t t) {
            cursor[t].assign(n_cells, 0);
            double p[2];
            for (std::size_t i = sort_chunk_begin(t); i < sort_chunk_begin(t + 1); ++i) {
                fill(i, p);
                ++cursor[t][cell_of(p)];
            }
        });
        block_start_.assign((n_cells >> kBlockBits) + 1, 0);
        within_block_.assign(n_cells + 1, 0);
        std::size_t placed = 0;  // samples in the cells before c
        double occupancy = 0.0;
        for (std::size_t c = 0; c < n_cells; ++c) {
            if ((c & kBlockMask) == 0) block_start_[c >> kBlockBits] = static_cast<std::uint32_t>(placed);
            const std::size_t before = placed - block_start_[c >> kBlockBits];
            within_block_[c] = static_cast<std::uint16_t>(before);
            std::size_t in_cell = 0;
            for (std::size_t t = 0; t < sort_chunks; ++t) {
                const std::size_t here = cursor[t][c];
                cursor[t][c] = static_cast<std::uint16_t>(before + in_cell);  // chunk t's first in c
                in_cell += here;
            }
            placed += in_cell;
            // A block holding 2^16 samples or more: no grid (only a dense cluster in a few
            // cells of a large input passes the occupancy test and gets here).
            if (placed - block_start_[c >> kBlockBits] > 0xffff) return;
            occupancy += static_cast<double>(in_cell) * static_cast<double>(in_cell);
        }
        if (placed != n) return;  // a count wrapped: as above
        // The end of the last cell, from the block it falls in.
        if ((n_cells & kBlockMask) == 0) block_start_[n_cells >> kBlockBits] = static_cast<std::uint32_t>(n);
        within_block_[n_cells] = static_cast<std::uint16_t>(n - block_start_[n_cells >> kBlockBits]);
        if (occupancy / static_cast<double>(n) > kMaxOccupancy * target_occupancy) return;
        coords_.resize(2 * n);
        index_.resize(n);
        par.run(sort_chunks, [&](std::size_t t) {
            double p[2];
            for (std::size_t i = sort_chunk_begin(t); i < sort_chunk_begin(t + 1); ++i) {
                fill(i, p);
                const std::size_t c = cell_of(p);
                const std::size_t dst = block_start_[c >> kBlockBits] + cursor[t][c]++;
                coords_[2 * dst] = p[0];
                coords_[2 * dst + 1] = p[1];
                index_[dst] = static_cast<std::uint32_t>(i);
            }
        });
        balanced_ = true;
    }

    bool balanced() const { return balanced_; }
    std::size_t size() const { return n_; }
    const double* point(std::size_t pos) const { return &coords_[2 * pos]; }
    std::uint32_t original(std::size_t pos) const { return index_[pos]; }

    // Same contract as ChebyshevTree::knn.
    void knn(std::size_t pos, int k, double* dist, std::uint32_t* nbr) const {
        std::fill(dist, dist + k, std::numeric_limits<double>::infinity());
        std::fill(nbr, nbr + k, std::uint32_t(0));
        // Locals, not members: the writes to dist and nbr may alias members as far as the
        // compiler knows, which would reload them for every point scanned.
        const double* c = coords_.data();
        const double qx = c[2 * pos], qy = c[2 * pos + 1];
        double worst = std::numeric_limits<double>::infinity();
        visit_rings(c + 2 * pos, [&](double ring_bound) { return ring_bound >= worst; },
                    [&](std::size_t begin, std::size_t end) {
                        for (std::size_t j = begin; j < end; ++j) {
                            const double dj = std::max(std::abs(c[2 * j] - qx), std::abs(c[2 * j + 1] - qy));
                            if (dj < worst && j != pos) {
                                insert_nearest(dist, nbr, k, dj, j);
                                worst = dist[k - 1];
                            }
                        }
                    });
    }

    // Number of stored points within r of q (< r if strict, else <=), q itself included.
    std::size_t count_within(const double* q, double r, bool strict) const {
        std::size_t count = 0;
        const double* c = coords_.data();
        const double qx = q[0], qy = q[1];
        visit_rings(q, [&](double ring_bound) { return strict ? ring_bound >= r : ring_bound > r; },
                    [&](std::size_t begin, std::size_t end) {
                        for (std::size_t j = begin; j < end; ++j) {
                            const double dj = std::max(std::abs(c[2 * j] - qx), std::abs(c[2 * j + 1] - qy));
                            count += strict ? (dj < r) : (dj <= r);
                        }
                    });
        return count;
    }

   private:
    std::size_t n_;
    bool balanced_ = false;
    double x0_ = 0, y0_ = 0, h_ = 1, inv_h_ = 1, margin_ = 0;
    std::size_t gx_ = 0, gy_ = 0;
    std::vector<double> coords_;
    std::vector<std::uint32_t> index_;
    // Row y holds cells row_first_[y]..row_last_[y], numbered from row_offset_[y];
    // the points of cell c are [cell_start(c), cell_start(c + 1)).
    std::vector<std::size_t> row_first_, row_last_, row_offset_;
    // Where each cell's points start, in 2 bytes a cell rather than 4 (most cells of a
    // round or banded point set are empty): the start of its block of 64 cells plus its
    // offset within the block.
    static constexpr int kBlockBits = 6;
    static constexpr std::size_t kBlockMask = (std::size_t{1} << kBlockBits) - 1;
    std::vector<std::uint32_t> block_start_;
    std::vector<std::uint16_t> within_block_;
    std::size_t cell_start(std::size_t c) const { return block_start_[c >> kBlockBits] + within_block_[c]; }

    // Give up on the grid when a random point's cell holds this many times the target.
    static constexpr double kMaxOccupancy = 5.0;
    static constexpr std::size_t kMaxCellsPerPoint = 4;

    // Sets cells of side h, at most 2^16 a side; false (no grid) where the extents are so
    // small that the side or its inverse is not a normal number.
    bool set_cell_size(double h, double wx, double wy) {
        h_ = std::max({h, wx / 65536.0, wy / 65536.0});
        inv_h_ = 1.0 / h_;
        if (!(std::isnormal(h_) && std::isnormal(inv_h_))) return false;
        const double cells_x = wx * inv_h_, cells_y = wy * inv_h_;
        if (!(cells_x < 65537.0 && cells_y < 65537.0)) return false;  // not for finite inputs
        gx_ = static_cast<std::size_t>(cells_x) + 1;
        gy_ = static_cast<std::size_t>(cells_y) + 1;
        margin_ = 1e-6 * h_;
        return true;
    }

    // Cell of a coordinate at offset v - x0 from the grid's corner; a non-finite coordinate
    // (which only a direct caller can pass) lands in an edge cell instead of overflowing.
    static std::size_t cell_index(double offset, double inv_h, std::size_t cells) {
        const double c = offset * inv_h;
        if (!(c > 0.0)) return 0;
        return c < static_cast<double>(cells - 1) ? static_cast<std::size_t>(c) : cells - 1;
    }
    std::size_t cell_x(double v) const { return cell_index(v - x0_, inv_h_, gx_); }
    std::size_t cell_y(double v) const { return cell_index(v - y0_, inv_h_, gy_); }

    // Scans rings t = 0, 1, ... of cells around q's cell, handing each run of consecutive
    // cells to scan(begin, end). Before ring t it asks done(bound), bound being a lower
    // limit on the distance from q to any point in ring t or beyond.
    template <class Done, class Scan>
    void visit_rings(const double* q, const Done& done, const Scan& scan) const {
        const auto cx = static_cast<std::ptrdiff_t>(cell_x(q[0]));
        const auto cy = static_cast<std::ptrdiff_t>(cell_y(q[1]));
        // Offsets from the grid's corner, so that the cell borders c * h below round no more
        // than the cell indices do (x0 + c * h would round to the precision of x0, which is
        // coarser than h where the data sit far from 0).
        const double qx = q[0] - x0_, qy = q[1] - y0_;
        const auto gx = static_cast<std::ptrdiff_t>(gx_), gy = static_cast<std::ptrdiff_t>(gy_);
        const std::ptrdiff_t last_ring = std::max({cx, gx - 1 - cx, cy, gy - 1 - cy});
        for (std::ptrdiff_t t = 0; t <= last_ring; ++t) {
            if (t > 0) {
                // Distance from q to the outside of the block of rings < t.
                const double inner = static_cast<double>(t - 1);
                const double bound =
                    std::min({qx - (static_cast<double>(cx) - inner) * h_,
                              (static_cast<double>(cx) + inner + 1.0) * h_ - qx,
                              qy - (static_cast<double>(cy) - inner) * h_,
                              (static_cast<double>(cy) + inner + 1.0) * h_ - qy}) -
                    margin_;
                if (done(bound)) return;
            }
            const std::ptrdiff_t y_lo = std::max<std::ptrdiff_t>(cy - t, 0);
            const std::ptrdiff_t y_hi = std::min<std::ptrdiff_t>(cy + t, gy - 1);
            for (std::ptrdiff_t y = y_lo; y <= y_hi; ++y) {
                const auto first = static_cast<std::ptrdiff_t>(row_first_[y]);
                const auto last = static_cast<std::ptrdiff_t>(row_last_[y]);
                const std::size_t base = row_offset_[y];
                // Cells [a, b] of row y, clipped to its occupied span.
                auto run = [&](std::ptrdiff_t a, std::ptrdiff_t b) {
                    a = std::max(a, first);
                    b = std::min(b, last);
                    if (a <= b) scan(cell_start(base + (a - first)), cell_start(base + (b - first) + 1));
                };
                if (y == cy - t || y == cy + t) {
                    run(cx - t, cx + t);
                } else {
                    run(cx - t, cx - t);
                    run(cx + t, cx + t);
                }
            }
        }
    }
};

}  // namespace fastit
