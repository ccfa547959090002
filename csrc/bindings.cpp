// fastit._core: the Python face of the compiled core. Only conversion, shape checks and
// GIL handling live here; the maths is in the headers beside this file. The Python layer
// (fastit/_validation.py) has already checked dtypes, finiteness and k; the checks here
// keep a direct caller from crashing the interpreter.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

#include "estimators.hpp"
#include "sort.hpp"

namespace py = pybind11;
using fastit::Parallel;
using fastit::Variable;

namespace {

using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;
using Labels = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

Variable variable_of(const Array& data, const char* name) {
    if (data.ndim() != 2)
        throw std::invalid_argument(std::string(name) + " must be 2-D (n_samples, n_dims)");
    const auto n = static_cast<std::size_t>(data.shape(0));
    const auto d = data.shape(1);
    if (n < 2) throw std::invalid_argument(std::string(name) + " needs at least 2 samples");
    if (n >= std::numeric_limits<std::uint32_t>::max())
        throw std::invalid_argument(std::string(name) + " has more than 2**32 - 2 samples");
    if (d < 1 || d > 4096)
        throw std::invalid_argument(std::string(name) + " must have between 1 and 4096 columns");
    return Variable(data.data(), n, static_cast<int>(d));
}

// params: (4, d) rows shift, scale, jitter amplitude (applied only to columns with ties)
// and jitter stream id (an integer below 2**53, distinct per variable and column).
Variable variable_of(const Array& data, const Array& params, std::uint64_t seed, const char* name) {
    Variable v = variable_of(data, name);
    if (params.ndim() != 2 || params.shape(0) != 4 || params.shape(1) != v.d)
        throw std::invalid_argument(std::string(name) +
                                    "_params must have shape (4, n_dims): shift, scale, jitter "
                                    "amplitude and stream id per column");
    auto p = params.unchecked<2>();
    for (int c = 0; c < v.d; ++c) {
        const double amplitude = p(2, c), id = p(3, c);
        if (!std::isfinite(p(0, c)) || !std::isfinite(p(1, c)) || !(amplitude >= 0.0) ||
            !std::isfinite(amplitude))
            throw std::invalid_argument(std::string(name) +
                                        "_params: shift and scale must be finite, the jitter "
                                        "amplitude finite and >= 0");
        if (!(id >= 0.0 && id < 0x1.0p53) || id != std::floor(id))
            throw std::invalid_argument(std::string(name) +
                                        "_params: stream ids must be integers in [0, 2**53)");
        v.columns[c].shift = p(0, c);
        v.columns[c].scale = p(1, c);
        v.columns[c].amplitude = amplitude;
        v.columns[c].stream = fastit::splitmix64(static_cast<std::uint64_t>(id));
    }
    v.seed = seed;
    return v;
}

// What the tie search found, (2, total columns): per column of the variables in turn,
// samples that share their value with another, and distinct values (-1: not searched).
py::array_t<std::int64_t> tie_report(std::initializer_list<const Variable*> vars) {
    py::ssize_t d = 0;
    for (const Variable* v : vars) d += v->d;
    py::array_t<std::int64_t> out({py::ssize_t{2}, d});
    auto r = out.mutable_unchecked<2>();
    py::ssize_t j = 0;
    for (const Variable* v : vars)
        for (const auto& col : v->columns) {
            r(0, j) = col.tied;
            r(1, j) = col.distinct;
            ++j;
        }
    return out;
}

void same_length(const Variable& a, const Variable& b, const char* name) {
    if (a.n != b.n)
        throw std::invalid_argument(std::string(name) + " must have as many samples as x");
}

void check_k(int k, std::size_t n) {
    if (k < 1 || static_cast<std::size_t>(k) >= n)
        throw std::invalid_argument("k must be in [1, n_samples - 1]");
}

Parallel parallel_of(int n_jobs) {
    if (n_jobs < 1) throw std::invalid_argument("n_jobs must be a positive number of threads");
    Parallel par;
    par.n_threads = n_jobs;
    // Called from the calling thread while the kernels run without the GIL: Ctrl-C stops them.
    par.interrupted = [] {
        py::gil_scoped_acquire acquire;
        return PyErr_CheckSignals() != 0;
    };
    return par;
}

// Runs a kernel with the GIL released (it touches no Python object); an interrupt becomes
// the KeyboardInterrupt that PyErr_CheckSignals left pending.
template <class F>
auto released(const F& kernel) {
    try {
        py::gil_scoped_release release;
        return kernel();
    } catch (const fastit::Interrupted&) {
        throw py::error_already_set();
    }
}

// Runs an estimator that returns its mean and optionally fills local values; with
// `ties`, returns (estimate, tie report of the variables) instead.
template <class F>
py::object estimate(std::size_t n, bool local, bool ties, std::initializer_list<const Variable*> vars,
                    const F& kernel) {
    py::object value;
    if (!local) {
        value = py::float_(released([&] { return kernel(nullptr); }));
    } else {
        py::array_t<double> out(static_cast<py::ssize_t>(n));
        double* buffer = out.mutable_data();
        released([&] { return kernel(buffer); });
        value = std::move(out);
    }
    if (!ties) return value;
    return py::make_tuple(value, tie_report(vars));
}

}  // namespace

PYBIND11_MODULE(_core, m) {
    m.doc() = "fastit's compiled core: max-norm neighbour search and k-NN estimators (nats).";

    m.def(
        "_set_large_input_threshold",
        [](std::size_t n) {
            const std::size_t old = fastit::large_input_threshold();
            fastit::large_input_threshold() = n;
            return old;
        },
        py::arg("n"),
        "For tests: inputs above n samples take the memory-saving paths. Returns the old value.");

    m.def(
        "column_stats",
        [](const Array& data, int n_jobs) {
            Variable v = variable_of(data, "x");
            Parallel par = parallel_of(n_jobs);
            py::array_t<double> out({py::ssize_t{4}, static_cast<py::ssize_t>(v.d)});
            double* buffer = out.mutable_data();
            released([&] { fastit::column_stats(v, par, buffer); return 0; });
            return out;
        },
        py::arg("data"), py::arg("n_jobs") = 1,
        "Per column: mean, standard deviation (ddof=0), max |x - mean| and max |x|.");

    m.def(
        "tie_jitter",
        [](const Array& data, const Array& params, std::uint64_t seed, int n_jobs) {
            Variable v = variable_of(data, params, seed, "x");
            Parallel par = parallel_of(n_jobs);
            py::array_t<double> out({static_cast<py::ssize_t>(v.n), static_cast<py::ssize_t>(v.d)});
            double* buffer = out.mutable_data();
            released([&] { fastit::tie_jitter(v, par, buffer); return 0; });
            py::array_t<bool> jittered(static_cast<py::ssize_t>(v.d));
            for (int c = 0; c < v.d; ++c) jittered.mutable_data()[c] = v.columns[c].jittered;
            return py::make_tuple(out, jittered, tie_report({&v}));
        },
        py::arg("data"), py::arg("params"), py::arg("seed"), py::arg("n_jobs") = 1,
        "The jitter the estimators add to each value of data (zero where a column has no "
        "ties), which columns get it, and the tie report (2, d): tied samples and distinct "
        "values per column.");

    m.def(
        "knn_distances",
        [](const Array& points, int k, int n_jobs) {
            Variable v = variable_of(points, "points");
            check_k(k, v.n);
            Parallel par = parallel_of(n_jobs);
            py::array_t<double> out(static_cast<py::ssize_t>(v.n));
            double* buffer = out.mutable_data();
            released([&] { fastit::knn_distances(v, k, par, buffer); return 0; });
            return out;
        },
        py::arg("points"), py::arg("k"), py::arg("n_jobs") = 1,
        "Max-norm distance from every point to its k-th nearest other point.");

    m.def(
        "ksg_permutation_null",
        [](const Array& x, const Array& x_params, const Array& y, const Array& y_params, int k,
           int algorithm, const Labels& perms, std::uint64_t seed, int n_jobs) {
            Variable vx = variable_of(x, x_params, seed, "x");
            Variable vy = variable_of(y, y_params, seed, "y");
            same_length(vx, vy, "y");
            check_k(k, vx.n);
            if (algorithm != 1 && algorithm != 2)
                throw std::invalid_argument("algorithm must be 1 or 2");
            if (perms.ndim() != 2 || static_cast<std::size_t>(perms.shape(1)) != vx.n)
                throw std::invalid_argument("perms must have shape (n_permutations, n_samples)");
            const auto m = static_cast<std::size_t>(perms.shape(0));
            const std::int64_t* p = perms.data();
            const auto n = static_cast<std::int64_t>(vx.n);
            std::vector<std::size_t> seen(vx.n, m);  // row that last used each index
            for (std::size_t r = 0; r < m; ++r)
                for (std::size_t i = 0; i < vx.n; ++i) {
                    const std::int64_t v = p[r * vx.n + i];
                    if (v < 0 || v >= n || seen[static_cast<std::size_t>(v)] == r)
                        throw std::invalid_argument("every row of perms must be a permutation of 0..n_samples-1");
                    seen[static_cast<std::size_t>(v)] = r;
                }
            Parallel par = parallel_of(n_jobs);
            py::array_t<double> out(static_cast<py::ssize_t>(m));
            double* buffer = out.mutable_data();
            released([&] {
                fastit::ksg_permutation_null(vx, vy, k, algorithm, p, m, par, buffer);
                return 0;
            });
            return out;
        },
        py::arg("x"), py::arg("x_params"), py::arg("y"), py::arg("y_params"), py::arg("k"),
        py::arg("algorithm"), py::arg("perms"), py::arg("seed"), py::arg("n_jobs"),
        "KSG estimates of I(x[perm]; y) for every row perm of perms, marginals built once.");

    m.def(
        "ksg_counts_columns",
        [](const Array& columns, const Array& y, int k, int n_jobs) {
            if (columns.ndim() != 2)
                throw std::invalid_argument("columns must have shape (n_columns, n_samples)");
            Variable vy = variable_of(y, "y");
            if (vy.d != 1) throw std::invalid_argument("y must have shape (n_samples, 1)");
            const auto n_columns = static_cast<std::size_t>(columns.shape(0));
            if (static_cast<std::size_t>(columns.shape(1)) != vy.n)
                throw std::invalid_argument("columns must have as many samples as y");
            check_k(k, vy.n);
            Parallel par = parallel_of(n_jobs);
            std::vector<Variable> xs;
            xs.reserve(n_columns);
            for (std::size_t j = 0; j < n_columns; ++j)
                xs.emplace_back(columns.data() + j * vy.n, vy.n, 1);
            py::array_t<std::int64_t> nx({n_columns, vy.n}), ny({n_columns, vy.n});
            std::int64_t* px = nx.mutable_data();
            std::int64_t* py_ = ny.mutable_data();
            released([&] { fastit::ksg_counts_columns(xs, vy, k, par, px, py_); return 0; });
            return py::make_tuple(nx, ny);
        },
        py::arg("columns"), py::arg("y"), py::arg("k"), py::arg("n_jobs") = 1,
        "scikit-learn's KSG marginal counts for every row of columns against y "
        "(radius nextafter(k-th max-norm distance, 0), counts with <=).");

    m.def(
        "count_neighbors",
        [](const Array& points, const Array& radii, bool strict, int n_jobs) {
            Variable v = variable_of(points, "points");
            if (radii.ndim() != 1 || static_cast<std::size_t>(radii.shape(0)) != v.n)
                throw std::invalid_argument("radii must have shape (n_samples,)");
            for (std::size_t i = 0; i < v.n; ++i)
                if (!(radii.data()[i] >= 0.0))
                    throw std::invalid_argument("radii must be >= 0 (and not NaN)");
            Parallel par = parallel_of(n_jobs);
            py::array_t<std::int64_t> out(static_cast<py::ssize_t>(v.n));
            std::int64_t* buffer = out.mutable_data();
            const double* r = radii.data();
            released([&] { fastit::count_neighbors(v, r, strict, par, buffer); return 0; });
            return out;
        },
        py::arg("points"), py::arg("radii"), py::arg("strict"), py::arg("n_jobs") = 1,
        "For every point, the number of other points at max-norm distance < radii[i] "
        "(strict) or <= radii[i].");

    m.def(
        "ksg",
        [](const Array& x, const Array& x_params, const Array& y, const Array& y_params, int k,
           int algorithm, std::uint64_t seed, int n_jobs, bool local, bool ties) {
            Variable vx = variable_of(x, x_params, seed, "x");
            Variable vy = variable_of(y, y_params, seed, "y");
            same_length(vx, vy, "y");
            check_k(k, vx.n);
            if (algorithm != 1 && algorithm != 2)
                throw std::invalid_argument("algorithm must be 1 or 2");
            Parallel par = parallel_of(n_jobs);
            return estimate(vx.n, local, ties, {&vx, &vy}, [&](double* out) {
                return fastit::ksg_mutual_info(vx, vy, k, algorithm, par, out);
            });
        },
        py::arg("x"), py::arg("x_params"), py::arg("y"), py::arg("y_params"), py::arg("k"),
        py::arg("algorithm"), py::arg("seed"), py::arg("n_jobs"), py::arg("local"),
        py::arg("ties") = false);

    m.def(
        "frenzel_pompe",
        [](const Array& x, const Array& x_params, const Array& y, const Array& y_params,
           const Array& z, const Array& z_params, int k, std::uint64_t seed, int n_jobs,
           bool local, bool ties) {
            Variable vx = variable_of(x, x_params, seed, "x");
            Variable vy = variable_of(y, y_params, seed, "y");
            Variable vz = variable_of(z, z_params, seed, "z");
            same_length(vx, vy, "y");
            same_length(vx, vz, "z");
            check_k(k, vx.n);
            Parallel par = parallel_of(n_jobs);
            return estimate(vx.n, local, ties, {&vx, &vy, &vz}, [&](double* out) {
                return fastit::frenzel_pompe_cmi(vx, vy, vz, k, par, out);
            });
        },
        py::arg("x"), py::arg("x_params"), py::arg("y"), py::arg("y_params"), py::arg("z"),
        py::arg("z_params"), py::arg("k"), py::arg("seed"), py::arg("n_jobs"), py::arg("local"),
        py::arg("ties") = false);

    m.def(
        "kozachenko_leonenko",
        [](const Array& x, const Array& x_params, int k, std::uint64_t seed, int n_jobs,
           bool local, bool ties) {
            Variable vx = variable_of(x, x_params, seed, "x");
            check_k(k, vx.n);
            Parallel par = parallel_of(n_jobs);
            return estimate(vx.n, local, ties, {&vx}, [&](double* out) {
                return fastit::kozachenko_leonenko_entropy(vx, k, par, out);
            });
        },
        py::arg("x"), py::arg("x_params"), py::arg("k"), py::arg("seed"), py::arg("n_jobs"),
        py::arg("local"), py::arg("ties") = false);

    m.def(
        "ross",
        [](const Array& x, const Array& x_params, const Labels& labels, int k,
           std::uint64_t seed, int n_jobs, bool local, bool ties) {
            Variable vx = variable_of(x, x_params, seed, "x");
            if (labels.ndim() != 1 || static_cast<std::size_t>(labels.shape(0)) != vx.n)
                throw std::invalid_argument("labels must have shape (n_samples,)");
            const std::int64_t* lab = labels.data();
            std::int64_t n_labels = 0;
            std::size_t repeated = 0;
            for (std::size_t i = 0; i < vx.n; ++i) {
                // Codes below n: the label table is sized by them (and + 1 cannot overflow).
                if (lab[i] < 0 || static_cast<std::size_t>(lab[i]) >= vx.n)
                    throw std::invalid_argument("labels must be codes in [0, n_samples)");
                n_labels = std::max(n_labels, lab[i] + 1);
            }
            {
                std::vector<std::size_t> count(static_cast<std::size_t>(n_labels), 0);
                for (std::size_t i = 0; i < vx.n; ++i) ++count[lab[i]];
                for (std::size_t c : count) repeated += c > 1 ? c : 0;
            }
            if (repeated < 2)
                throw std::invalid_argument("every label occurs only once: MI is undefined");
            if (k < 1) throw std::invalid_argument("k must be >= 1");
            Parallel par = parallel_of(n_jobs);
            return estimate(vx.n, local, ties, {&vx}, [&](double* out) {
                return fastit::ross_mutual_info(vx, lab, n_labels, k, par, out);
            });
        },
        py::arg("x"), py::arg("x_params"), py::arg("labels"), py::arg("k"), py::arg("seed"),
        py::arg("n_jobs"), py::arg("local"), py::arg("ties") = false);

    m.def(
        "gao_mixed",
        [](const Array& x, const Array& x_params, const Array& y, const Array& y_params, int k,
           int n_jobs, bool local) {
            // No tie breaking: the estimator is built for atoms; any jitter is ignored.
            Variable vx = variable_of(x, x_params, 0, "x");
            Variable vy = variable_of(y, y_params, 0, "y");
            for (auto* v : {&vx, &vy})
                for (auto& c : v->columns) c.amplitude = 0.0;
            same_length(vx, vy, "y");
            check_k(k, vx.n);
            Parallel par = parallel_of(n_jobs);
            return estimate(vx.n, local, false, {&vx, &vy}, [&](double* out) {
                return fastit::gao_mixed_mutual_info(vx, vy, k, par, out);
            });
        },
        py::arg("x"), py::arg("x_params"), py::arg("y"), py::arg("y_params"), py::arg("k"),
        py::arg("n_jobs"), py::arg("local"));
}
