// The k nearest neighbours found so far, kept sorted: distances ascending in dist[0..k),
// positions in nbr[0..k), dist[k - 1] being the bound a search prunes with.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fastit {

// Inserts a candidate at distance d (the caller has checked d < dist[k - 1]).
inline void insert_nearest(double* dist, std::uint32_t* nbr, int k, double d, std::size_t pos) {
    int t = k - 1;
    while (t > 0 && dist[t - 1] > d) {
        dist[t] = dist[t - 1];
        nbr[t] = nbr[t - 1];
        --t;
    }
    dist[t] = d;
    nbr[t] = static_cast<std::uint32_t>(pos);
}

}  // namespace fastit
