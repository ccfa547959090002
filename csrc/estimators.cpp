#include "estimators.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "digamma.hpp"
#include "neighbour_index.hpp"

namespace fastit {
namespace {

// How far ahead to prefetch per-sample values read in another order than the loop's.
constexpr std::size_t kPrefetch = 16;

// Looks for repeated values in every column that may be jittered (and in every 1-D
// variable), records what it found in the column, and switches the jitter on where there
// are ties. Returns, per variable, its sorted line when the variable is 1-D and small
// enough to keep (ready for the marginal counts), else null.
std::vector<std::unique_ptr<SortedLine>> break_ties(const std::vector<Variable*>& vars,
                                                    const Parallel& par) {
    struct Job {
        std::size_t var;
        int col;
    };
    std::vector<Job> jobs;
    for (std::size_t v = 0; v < vars.size(); ++v)
        for (int c = 0; c < vars[v]->d; ++c)
            if (vars[v]->columns[c].amplitude > 0.0 || vars[v]->d == 1) jobs.push_back({v, c});

    std::vector<std::unique_ptr<SortedLine>> lines(vars.size());
    const std::size_t n = vars.empty() ? 0 : vars[0]->n;
    // For large inputs the sorted marginals made while looking for ties are dropped and
    // sorted again later, so they never sit in memory beside the joint index.
    const bool keep = n <= large_input_threshold();
    // Sorting columns side by side doubles the peak memory: only for small inputs.
    Parallel outer = par;
    if (!keep) outer.n_threads = 1;
    outer.run(jobs.size(), [&](std::size_t t) {
        Variable& v = *vars[jobs[t].var];
        const int c = jobs[t].col;
        auto column = [&](std::size_t i) { return v.value(i, c); };
        auto line = std::make_unique<SortedLine>(v.n, column, par);
        const auto [tied, distinct] = line->tie_counts();
        Column& col = v.columns[c];
        col.tied = static_cast<std::int64_t>(tied);
        col.distinct = static_cast<std::int64_t>(distinct);
        if (col.amplitude > 0.0 && tied > 0) {
            col.jittered = true;
            // Freed first: the unjittered line and its rebuild never sit side by side.
            line.reset();
            if (v.d == 1 && keep) line = std::make_unique<SortedLine>(v.n, column, par);
        }
        if (v.d == 1 && keep) lines[jobs[t].var] = std::move(line);
    });
    return lines;
}

// A neighbour index over the joint space of some variables, reusing a sorted line if given.
std::unique_ptr<NeighbourIndex> index_of(const std::vector<const Variable*>& parts,
                                         std::unique_ptr<SortedLine> line, const Parallel& par,
                                         Query use) {
    if (line) return std::make_unique<NeighbourIndex>(std::move(line));
    JointSpace space(parts);
    return std::make_unique<NeighbourIndex>(
        space.n, space.d, [&](std::size_t i, double* out) { space.fill(i, out); }, par, use);
}

// Sum over the items of term(i, count), count = others within radii[i] in the space.
template <class Term>
double sum_over_counts(const NeighbourIndex& index, const double* radii, bool strict,
                       const Parallel& par, const Term& term) {
    return blocked_sum(index.size(), par, [&](std::size_t begin, std::size_t end) {
        double s = 0.0;
        for (std::size_t pos = begin; pos < end; ++pos) {
            // radii is in another order than the index: fetch ahead, or every read misses.
            if (pos + kPrefetch < end) __builtin_prefetch(&radii[index.original(pos + kPrefetch)]);
            const std::uint32_t i = index.original(pos);
            s += term(i, index.count_others(pos, radii[i], strict));
        }
        return s;
    });
}

void fill_local(double* local, std::size_t n, double value) {
    if (local) std::fill(local, local + n, value);
}

}  // namespace

double ksg_mutual_info(Variable& x, Variable& y, int k, int algorithm, const Parallel& par,
                       double* local) {
    const std::size_t n = x.n;
    auto lines = break_ties({&x, &y}, par);
    // For lean inputs nothing that can be rebuilt sits beside the joint index: the tie
    // check's sorted marginals are dropped (and sorted again for the counts), and the
    // search keeps only the neighbour that sets each radius (4 bytes a sample, where a
    // distance takes 8), the radii being computed after.
    const bool lean = n > lean_input_threshold();
    if (lean)
        for (auto& line : lines) line.reset();

    // KSG 1: one radius per sample, the joint k-th neighbour distance.
    // KSG 2: per marginal, the largest marginal distance among the k joint neighbours.
    std::vector<double> radius_x, radius_y;  // radius_y for KSG 2 only
    std::vector<std::uint32_t> far_x, far_y;
    {
        auto joint = index_of({&x, &y}, nullptr, par, Query::nearest);
        // Allocated after the index, whose build needs its peak memory first.
        const std::size_t n_y = algorithm == 2 ? n : 0;
        if (lean) {
            far_x.resize(n);
            far_y.resize(n_y);
        } else {
            radius_x.resize(n);
            radius_y.resize(n_y);
        }
        // Sample i's radii are ex, set by the neighbour at position jx, and ey (jy).
        auto record = [&](std::uint32_t i, double ex, std::uint32_t jx, double ey, std::uint32_t jy) {
            if (lean) {
                far_x[i] = joint->original(jx);
                if (algorithm == 2) far_y[i] = joint->original(jy);
            } else {
                radius_x[i] = ex;
                if (algorithm == 2) radius_y[i] = ey;
            }
        };
        const int dx = x.d, d = x.d + y.d;
        blocked_sum(n, par, [&](std::size_t begin, std::size_t end) {
            KnnScratch s(k);
            std::vector<double> q(d), p(d);
            for (std::size_t pos = begin; pos < end; ++pos) {
                if (pos + kPrefetch < end) {
                    const std::uint32_t ahead = joint->original(pos + kPrefetch);
                    __builtin_prefetch(lean ? static_cast<const void*>(&far_x[ahead]) : &radius_x[ahead], 1);
                    if (algorithm == 2)
                        __builtin_prefetch(lean ? static_cast<const void*>(&far_y[ahead]) : &radius_y[ahead], 1);
                }
                joint->knn(pos, k, s);
                const std::uint32_t i = joint->original(pos);
                if (algorithm == 1) {
                    record(i, s.dist[k - 1], s.nbr[k - 1], 0.0, 0);
                    continue;
                }
                joint->copy_point(pos, q.data());
                double ex = -1.0, ey = -1.0;
                std::uint32_t jx = 0, jy = 0;
                for (int t = 0; t < k; ++t) {
                    joint->copy_point(s.nbr[t], p.data());
                    double tx = 0.0, ty = 0.0;
                    for (int c = 0; c < dx; ++c) tx = std::max(tx, std::abs(p[c] - q[c]));
                    for (int c = dx; c < d; ++c) ty = std::max(ty, std::abs(p[c] - q[c]));
                    if (tx > ex) {
                        ex = tx;
                        jx = s.nbr[t];
                    }
                    if (ty > ey) {
                        ey = ty;
                        jy = s.nbr[t];
                    }
                }
                record(i, ex, jx, ey, jy);
            }
            return 0.0;
        });
    }

    // KSG 1 counts strictly inside the radius and uses psi(n + 1); KSG 2 counts on the
    // radius too and uses psi(n).
    const bool strict = algorithm == 1;
    const double shift = algorithm == 1 ? 1.0 : 0.0;
    const double base = digamma(k) + digamma(static_cast<double>(n)) - (algorithm == 2 ? 1.0 / k : 0.0);
    fill_local(local, n, base);
    auto term = [&](std::uint32_t i, std::size_t count) {
        const double t = digamma(static_cast<double>(count) + shift);
        if (local) local[i] -= t;
        return t;
    };
    // One marginal at a time: its radii, its sorted line, its counts.
    if (lean) {
        radius_x = algorithm == 1 ? distances_to(JointSpace({&x, &y}), far_x, par)
                                  : distances_to(JointSpace({&x}), far_x, par);
        std::vector<std::uint32_t>().swap(far_x);
    }
    const double sx =
        sum_over_counts(*index_of({&x}, std::move(lines[0]), par, Query::count), radius_x.data(), strict, par, term);
    if (algorithm == 2 && lean) {
        std::vector<double>().swap(radius_x);
        radius_y = distances_to(JointSpace({&y}), far_y, par);
        std::vector<std::uint32_t>().swap(far_y);
    }
    const double* ry = algorithm == 1 ? radius_x.data() : radius_y.data();
    const double sy = sum_over_counts(*index_of({&y}, std::move(lines[1]), par, Query::count), ry, strict, par, term);
    return base - (sx + sy) / static_cast<double>(n);
}

double frenzel_pompe_cmi(Variable& x, Variable& y, Variable& z, int k, const Parallel& par,
                         double* local) {
    const std::size_t n = x.n;
    auto lines = break_ties({&x, &y, &z}, par);
    std::vector<double> radius(n);
    {
        auto joint = index_of({&x, &y, &z}, nullptr, par, Query::nearest);
        blocked_sum(n, par, [&](std::size_t begin, std::size_t end) {
            KnnScratch s(k);
            for (std::size_t pos = begin; pos < end; ++pos)
                radius[joint->original(pos)] = joint->kth_distance(pos, k, s);
            return 0.0;
        });
    }
    const double base = digamma(k);
    fill_local(local, n, base);
    auto term = [&](double sign) {
        return [&, sign](std::uint32_t i, std::size_t count) {
            const double t = digamma(static_cast<double>(count) + 1.0);
            if (local) local[i] -= sign * t;
            return t;
        };
    };
    const double sxz = sum_over_counts(*index_of({&x, &z}, nullptr, par, Query::count), radius.data(), true, par, term(1.0));
    const double syz = sum_over_counts(*index_of({&y, &z}, nullptr, par, Query::count), radius.data(), true, par, term(1.0));
    const double sz = sum_over_counts(*index_of({&z}, std::move(lines[2]), par, Query::count), radius.data(), true, par, term(-1.0));
    return base - (sxz + syz - sz) / static_cast<double>(n);
}

double kozachenko_leonenko_entropy(Variable& x, int k, const Parallel& par, double* local) {
    const std::size_t n = x.n;
    auto lines = break_ties({&x}, par);
    auto index = index_of({&x}, std::move(lines[0]), par, Query::nearest);
    // H = psi(n) - psi(k) + d <ln(2 eps)>: a max-norm ball of radius eps has volume (2 eps)^d.
    const double base = digamma(static_cast<double>(n)) - digamma(k);
    const double d = x.d;
    constexpr double kHalfMax = std::numeric_limits<double>::max() / 2, kLn2 = 0.69314718055994530942;
    const double total = blocked_sum(n, par, [&](std::size_t begin, std::size_t end) {
        KnnScratch s(k);
        double sum = 0.0;
        for (std::size_t pos = begin; pos < end; ++pos) {
            const double eps = index->kth_distance(pos, k, s);
            // 2 eps overflows for eps above DBL_MAX / 2; its logarithm does not.
            const double t = d * (eps <= kHalfMax ? std::log(2.0 * eps) : kLn2 + std::log(eps));
            if (local) local[index->original(pos)] = base + t;
            sum += t;
        }
        return sum;
    });
    return base + total / static_cast<double>(n);
}

double ross_mutual_info(Variable& x, const std::int64_t* labels, std::int64_t n_labels, int k,
                        const Parallel& par, double* local) {
    const std::size_t n = x.n;
    break_ties({&x}, par);
    std::vector<std::size_t> label_count(static_cast<std::size_t>(n_labels), 0);
    for (std::size_t i = 0; i < n; ++i) ++label_count[labels[i]];

    // Samples grouped by label (counting sort), and the samples whose label repeats.
    std::vector<std::size_t> start(n_labels + 1, 0);
    for (std::int64_t c = 0; c < n_labels; ++c) start[c + 1] = start[c] + label_count[c];
    std::vector<std::uint32_t> grouped(n);
    {
        std::vector<std::size_t> next(start.begin(), start.end() - 1);
        for (std::size_t i = 0; i < n; ++i) grouped[next[labels[i]]++] = static_cast<std::uint32_t>(i);
    }
    std::vector<std::uint32_t> kept;
    kept.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        if (label_count[labels[i]] > 1) kept.push_back(static_cast<std::uint32_t>(i));
    const double n_kept = static_cast<double>(kept.size());

    // Radius: distance to the k-th nearest sample with the same label (k capped at count - 1).
    std::vector<double> radius(n, 0.0);
    for (std::int64_t c = 0; c < n_labels; ++c) {
        const std::size_t m = label_count[c];
        if (m < 2) continue;
        const std::uint32_t* members = &grouped[start[c]];
        const int kc = static_cast<int>(std::min<std::size_t>(k, m - 1));
        NeighbourIndex index(m, x.d,
                             [&](std::size_t j, double* out) {
                                 for (int col = 0; col < x.d; ++col) out[col] = x.value(members[j], col);
                             },
                             par, Query::nearest);
        blocked_sum(m, par, [&](std::size_t begin, std::size_t end) {
            KnnScratch s(kc);
            for (std::size_t pos = begin; pos < end; ++pos)
                radius[members[index.original(pos)]] = index.kth_distance(pos, kc, s);
            return 0.0;
        });
    }

    // m_i: samples of any label within the radius, on it included (Ross's definition).
    if (local) std::fill(local, local + n, std::numeric_limits<double>::quiet_NaN());
    NeighbourIndex all(kept.size(), x.d,
                       [&](std::size_t j, double* out) {
                           for (int col = 0; col < x.d; ++col) out[col] = x.value(kept[j], col);
                       },
                       par, Query::count);
    const double psi_n = digamma(n_kept);
    const double total = blocked_sum(kept.size(), par, [&](std::size_t begin, std::size_t end) {
        double sum = 0.0;
        for (std::size_t pos = begin; pos < end; ++pos) {
            const std::uint32_t i = kept[all.original(pos)];
            const std::size_t m = label_count[labels[i]];
            const double kc = static_cast<double>(std::min<std::size_t>(k, m - 1));
            const double mi = static_cast<double>(all.count_others(pos, radius[i], false));
            const double t = psi_n + digamma(kc) - digamma(static_cast<double>(m)) - digamma(mi);
            if (local) local[i] = t;
            sum += t;
        }
        return sum;
    });
    return total / n_kept;
}

double gao_mixed_mutual_info(Variable& x, Variable& y, int k, const Parallel& par, double* local) {
    const std::size_t n = x.n;
    // rho: joint k-th neighbour distance. Where it is 0 the sample sits on a discrete atom:
    // k becomes the number of exact joint copies and the marginal counts become counts of
    // exact marginal copies. Counts include the sample itself and enter through digamma, as
    // in the authors' reference code; the paper's ln(n + 1) form is biased low when counts
    // stay small, which is exactly the discrete case.
    std::vector<double> radius(n);
    std::vector<double> psi_k(n);
    {
        auto joint = index_of({&x, &y}, nullptr, par, Query::nearest);
        const double psi_default = digamma(k);
        blocked_sum(n, par, [&](std::size_t begin, std::size_t end) {
            KnnScratch s(k);
            for (std::size_t pos = begin; pos < end; ++pos) {
                const std::uint32_t i = joint->original(pos);
                const double rho = joint->kth_distance(pos, k, s);
                // "< smallest positive double" is "== 0": one strict rule covers both cases.
                radius[i] = rho > 0.0 ? rho : std::numeric_limits<double>::denorm_min();
                psi_k[i] = rho > 0.0 ? psi_default
                                     : digamma(static_cast<double>(joint->count_others(pos, 0.0, false)) + 1.0);
            }
            return 0.0;
        });
    }
    const double log_n = std::log(static_cast<double>(n));
    if (local)
        for (std::size_t i = 0; i < n; ++i) local[i] = psi_k[i] + log_n;
    double sum_k = 0.0;
    for (double v : psi_k) sum_k += v;
    auto term = [&](std::uint32_t i, std::size_t count) {
        const double t = digamma(static_cast<double>(count) + 1.0);
        if (local) local[i] -= t;
        return t;
    };
    const double sx = sum_over_counts(*index_of({&x}, nullptr, par, Query::count), radius.data(), true, par, term);
    const double sy = sum_over_counts(*index_of({&y}, nullptr, par, Query::count), radius.data(), true, par, term);
    return log_n + (sum_k - sx - sy) / static_cast<double>(n);
}

void column_stats(const Variable& x, const Parallel& par, double* out) {
    // Three passes over fixed blocks: the largest magnitude, then mean and variance of the
    // column divided by it, so squares neither overflow (|x| ~ 1e200) nor underflow
    // (|x| ~ 1e-200).
    const int d = x.d;
    const double n = static_cast<double>(x.n);
    Blocks blocks{x.n, 1 << 14};
    std::vector<double> partial(blocks.count() * d);
    auto per_block = [&](const auto& reduce_block) {
        par.run(blocks.count(), [&](std::size_t b) {
            for (int c = 0; c < d; ++c) partial[b * d + c] = reduce_block(b, c);
        });
    };
    std::vector<double> magnitude(d, 0.0), mean(d, 0.0), var(d, 0.0), deviation(d, 0.0);
    per_block([&](std::size_t b, int c) {
        double m = 0.0;
        for (std::size_t i = blocks.begin(b); i < blocks.end(b); ++i) m = std::max(m, std::abs(x.raw(i, c)));
        return m;
    });
    for (std::size_t b = 0; b < blocks.count(); ++b)
        for (int c = 0; c < d; ++c) magnitude[c] = std::max(magnitude[c], partial[b * d + c]);
    std::vector<double> unit(d);
    for (int c = 0; c < d; ++c) unit[c] = magnitude[c] > 0.0 ? magnitude[c] : 1.0;

    per_block([&](std::size_t b, int c) {
        double s = 0.0;
        for (std::size_t i = blocks.begin(b); i < blocks.end(b); ++i) s += x.raw(i, c) / unit[c];
        return s;
    });
    for (std::size_t b = 0; b < blocks.count(); ++b)
        for (int c = 0; c < d; ++c) mean[c] += partial[b * d + c];
    for (int c = 0; c < d; ++c) mean[c] /= n;  // in units of unit[c]

    per_block([&](std::size_t b, int c) {
        double s = 0.0;
        for (std::size_t i = blocks.begin(b); i < blocks.end(b); ++i) {
            const double e = x.raw(i, c) / unit[c] - mean[c];
            s += e * e;
        }
        return s;
    });
    for (std::size_t b = 0; b < blocks.count(); ++b)
        for (int c = 0; c < d; ++c) var[c] += partial[b * d + c];
    per_block([&](std::size_t b, int c) {
        double m = 0.0;
        const double centre = mean[c] * unit[c];
        for (std::size_t i = blocks.begin(b); i < blocks.end(b); ++i)
            m = std::max(m, std::abs(x.raw(i, c) - centre));
        return m;
    });
    for (std::size_t b = 0; b < blocks.count(); ++b)
        for (int c = 0; c < d; ++c) deviation[c] = std::max(deviation[c], partial[b * d + c]);
    for (int c = 0; c < d; ++c) {
        out[c] = mean[c] * unit[c];
        out[d + c] = std::sqrt(var[c] / n) * unit[c];
        out[2 * d + c] = deviation[c];
        out[3 * d + c] = magnitude[c];
    }
}

void tie_jitter(Variable& x, const Parallel& par, double* out) {
    break_ties({&x}, par);
    const int d = x.d;
    par.run(d, [&](std::size_t c) {
        const Column& col = x.columns[c];
        for (std::size_t i = 0; i < x.n; ++i)
            out[i * d + c] = col.jittered ? col.amplitude * jitter_unit(x.seed, col.stream, i) : 0.0;
    });
}

void knn_distances(Variable& x, int k, const Parallel& par, double* out) {
    auto index = index_of({&x}, nullptr, par, Query::nearest);
    blocked_sum(x.n, par, [&](std::size_t begin, std::size_t end) {
        KnnScratch s(k);
        for (std::size_t pos = begin; pos < end; ++pos)
            out[index->original(pos)] = index->kth_distance(pos, k, s);
        return 0.0;
    });
}

void ksg_permutation_null(Variable& x, Variable& y, int k, int algorithm,
                          const std::int64_t* perms, std::size_t m, const Parallel& par,
                          double* out) {
    const std::size_t n = x.n;
    auto lines = break_ties({&x, &y}, par);
    auto x_index = index_of({&x}, std::move(lines[0]), par, Query::count);
    auto y_index = index_of({&y}, std::move(lines[1]), par, Query::count);
    const bool strict = algorithm == 1;
    const double shift = algorithm == 1 ? 1.0 : 0.0;
    const double base = digamma(k) + digamma(static_cast<double>(n)) - (algorithm == 2 ? 1.0 / k : 0.0);
    const int dx = x.d, d = x.d + y.d;
    Parallel serial;  // one permutation per worker
    par.run(m, [&](std::size_t r) {
        const std::int64_t* perm = perms + r * n;
        std::vector<double> radius_x(n), radius_y(algorithm == 2 ? n : 0);
        {
            NeighbourIndex joint(
                n, d,
                [&](std::size_t i, double* p) {
                    for (int c = 0; c < dx; ++c) p[c] = x.value(static_cast<std::size_t>(perm[i]), c);
                    for (int c = dx; c < d; ++c) p[c] = y.value(i, c - dx);
                },
                serial, Query::nearest);
            KnnScratch s(k);
            std::vector<double> q(d), p(d);
            for (std::size_t pos = 0; pos < n; ++pos) {
                joint.knn(pos, k, s);
                const std::uint32_t i = joint.original(pos);
                if (algorithm == 1) {
                    radius_x[i] = s.dist[k - 1];
                    continue;
                }
                joint.copy_point(pos, q.data());
                double ex = 0.0, ey = 0.0;
                for (int t = 0; t < k; ++t) {
                    joint.copy_point(s.nbr[t], p.data());
                    for (int c = 0; c < dx; ++c) ex = std::max(ex, std::abs(p[c] - q[c]));
                    for (int c = dx; c < d; ++c) ey = std::max(ey, std::abs(p[c] - q[c]));
                }
                radius_x[i] = ex;
                radius_y[i] = ey;
            }
        }
        // The x index holds x's items in their own order: item j is paired with the sample
        // i that has perm[i] = j.
        std::vector<std::uint32_t> sample_of(n);
        for (std::size_t i = 0; i < n; ++i) sample_of[static_cast<std::size_t>(perm[i])] = static_cast<std::uint32_t>(i);
        auto term = [&](std::size_t count) { return digamma(static_cast<double>(count) + shift); };
        const double sx = blocked_sum(n, serial, [&](std::size_t begin, std::size_t end) {
            double sum = 0.0;
            for (std::size_t pos = begin; pos < end; ++pos)
                sum += term(x_index->count_others(pos, radius_x[sample_of[x_index->original(pos)]], strict));
            return sum;
        });
        const double* ry = algorithm == 1 ? radius_x.data() : radius_y.data();
        const double sy = blocked_sum(n, serial, [&](std::size_t begin, std::size_t end) {
            double sum = 0.0;
            for (std::size_t pos = begin; pos < end; ++pos)
                sum += term(y_index->count_others(pos, ry[y_index->original(pos)], strict));
            return sum;
        });
        out[r] = base - (sx + sy) / static_cast<double>(n);
    });
}

void ksg_counts_columns(const std::vector<Variable>& columns, Variable& y, int k,
                        const Parallel& par, std::int64_t* nx, std::int64_t* ny) {
    const std::size_t n = y.n;
    auto y_line = index_of({&y}, nullptr, par, Query::count);
    Parallel serial;  // each column runs on one worker; the workers share y's line
    par.run(columns.size(), [&](std::size_t j) {
        const Variable& x = columns[j];
        std::vector<double> radius(n);
        {
            auto joint = index_of({&x, &y}, nullptr, serial, Query::nearest);
            KnnScratch s(k);
            for (std::size_t pos = 0; pos < n; ++pos)
                radius[joint->original(pos)] = std::nextafter(joint->kth_distance(pos, k, s), 0.0);
        }
        auto x_line = index_of({&x}, nullptr, serial, Query::count);
        const std::pair<const NeighbourIndex*, std::int64_t*> marginals[] = {
            {x_line.get(), nx + j * n}, {y_line.get(), ny + j * n}};
        for (const auto& [index, out] : marginals)
            sum_over_counts(*index, radius.data(), false, serial,
                            [out = out](std::uint32_t i, std::size_t count) {
                                out[i] = static_cast<std::int64_t>(count);
                                return 0.0;
                            });
    });
}

void count_neighbors(Variable& x, const double* radii, bool strict, const Parallel& par,
                     std::int64_t* out) {
    auto index = index_of({&x}, nullptr, par, Query::count);
    sum_over_counts(*index, radii, strict, par, [&](std::uint32_t i, std::size_t count) {
        out[i] = static_cast<std::int64_t>(count);
        return 0.0;
    });
}

}  // namespace fastit
