// The k-NN information estimators, in nats. Each returns the mean of its per-sample
// ("local") values and writes those values to `local` when it is not null.
// Neighbour distances are max-norm distances in the joint space of the variables.
#pragma once

#include <cstdint>

#include "parallel.hpp"
#include "variable.hpp"

namespace fastit {

// Kraskov-Stoegbauer-Grassberger mutual information, algorithm 1 or 2.
double ksg_mutual_info(Variable& x, Variable& y, int k, int algorithm, const Parallel& par,
                       double* local);

// Frenzel-Pompe conditional mutual information I(X; Y | Z).
double frenzel_pompe_cmi(Variable& x, Variable& y, Variable& z, int k, const Parallel& par,
                         double* local);

// Kozachenko-Leonenko differential entropy (max-norm balls).
double kozachenko_leonenko_entropy(Variable& x, int k, const Parallel& par, double* local);

// Ross (2014) mutual information between continuous x and labels in [0, n_labels).
// Samples whose label occurs once are left out (local value NaN), as in scikit-learn.
double ross_mutual_info(Variable& x, const std::int64_t* labels, std::int64_t n_labels, int k,
                        const Parallel& par, double* local);

// Gao, Kannan, Oh, Viswanath (2017) mutual information for discrete-continuous mixtures.
double gao_mixed_mutual_info(Variable& x, Variable& y, int k, const Parallel& par,
                             double* local);

// Per column of x, rows of out (4 x d): mean, standard deviation (ddof=0), max |x - mean|
// and max |x|; in two parallel passes, summed in fixed blocks (the same for any n_jobs).
void column_stats(const Variable& x, const Parallel& par, double* out);

// Max-norm distance from every point to its k-th nearest other point.
void knn_distances(Variable& x, int k, const Parallel& par, double* out);

// KSG estimates (algorithm 1 or 2, as ksg_mutual_info) of I(X; Y) with the samples of x
// reordered by each of m permutations: out[r] uses the pairs (x[perms[r n + i]], y[i]). The
// ties are settled and the marginal indexes built once; per permutation only the joint
// k-NN is redone, one permutation per thread. Without jitter (no ties), out[r] equals
// ksg_mutual_info on the permuted x bit for bit (the same sums in the same order).
void ksg_permutation_null(Variable& x, Variable& y, int k, int algorithm,
                          const std::int64_t* perms, std::size_t m, const Parallel& par,
                          double* out);

// scikit-learn's KSG counts for many 1-D columns against one 1-D y, one column per
// thread: for column j and sample i, eps = nextafter(k-th max-norm distance in (x_j, y), 0),
// nx[j n + i] = others within eps in x_j (<=), ny[j n + i] likewise in y. The data are
// used as they are (no jitter); y's sorted line is built once for all columns.
void ksg_counts_columns(const std::vector<Variable>& columns, Variable& y, int k,
                        const Parallel& par, std::int64_t* nx, std::int64_t* ny);

// For every point, the number of other points within radii[i]: < radii[i] if strict, else <=.
void count_neighbors(Variable& x, const double* radii, bool strict, const Parallel& par,
                     std::int64_t* out);

// The tie-breaking jitter the estimators add to x (row-major n x d, zero in columns without
// ties): what another implementation needs to see exactly the values the estimators see,
// (data - shift) * scale + jitter. Each column's tie counts are left in x.columns.
void tie_jitter(Variable& x, const Parallel& par, double* out);

}  // namespace fastit
