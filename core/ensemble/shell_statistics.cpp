#include "core/ensemble/shell_statistics.hpp"

#include <algorithm>
#include <cmath>

#include "core/ensemble/md_system.hpp"
#include "core/ensemble/neighbor_list.hpp"
#include "core/error.hpp"
#include "core/units.hpp"

namespace xasforge::ensemble {

namespace {
// Every directed pair distance (i of z_center, j of z_neighbor) up to r_max, via the cell list.
template <class F>
void for_each_pair(const structure::Structure& s, int za, int zb, double r_max, F&& f) {
  if (!s.is_periodic()) throw InputError("shell statistics: structure '" + s.name + "' is not periodic");
  const MdSystem sys = from_structure(s);
  for (const auto& p : find_pairs(sys, r_max)) {
    const double r = (sys.position_A[p.j] + p.shift_A - sys.position_A[p.i]).norm();
    if (r > r_max) continue;
    if (sys.z[p.i] == za && sys.z[p.j] == zb) f(r);
    if (sys.z[p.j] == za && sys.z[p.i] == zb) f(r);
  }
}
}  // namespace

std::vector<ShellStatistics> shell_statistics(const structure::Structure& s, int z_center, int z_neighbor,
                                              const std::vector<std::pair<double, double>>& windows) {
  double r_max = 0;
  for (const auto& w : windows) r_max = std::max(r_max, w.second);
  std::vector<double> n(windows.size(), 0), sum(windows.size(), 0), sum2(windows.size(), 0);
  for_each_pair(s, z_center, z_neighbor, r_max, [&](double r) {
    for (std::size_t w = 0; w < windows.size(); ++w)
      if (r >= windows[w].first && r < windows[w].second) {
        n[w] += 1;
        sum[w] += r;
        sum2[w] += r * r;
      }
  });
  double n_center = 0;
  for (const auto& site : s.sites()) n_center += site.z == z_center;
  if (n_center == 0) throw InputError("shell statistics: no atom of Z = " + std::to_string(z_center));
  std::vector<ShellStatistics> out;
  for (std::size_t w = 0; w < windows.size(); ++w) {
    ShellStatistics st;
    st.r_lo_A = windows[w].first;
    st.r_hi_A = windows[w].second;
    st.coordination = n[w] / n_center;
    if (n[w] > 0) {
      st.mean_r_A = sum[w] / n[w];
      st.sigma2_A2 = std::max(0.0, sum2[w] / n[w] - st.mean_r_A * st.mean_r_A);
    }
    out.push_back(st);
  }
  return out;
}

std::vector<std::pair<double, double>> shell_windows(const structure::Structure& ideal, int z_center, int z_neighbor,
                                                     double r_max_A) {
  std::vector<double> d;
  std::size_t center = ideal.size();
  for (std::size_t i = 0; i < ideal.size(); ++i)
    if (ideal.site(i).z == z_center) {
      center = i;
      break;
    }
  if (center == ideal.size()) throw InputError("shell_windows: no atom of Z = " + std::to_string(z_center));
  const MdSystem sys = from_structure(ideal);
  for (const auto& p : find_pairs(sys, r_max_A)) {
    const double r = (sys.position_A[p.j] + p.shift_A - sys.position_A[p.i]).norm();
    if ((p.i == center && sys.z[p.j] == z_neighbor) || (p.j == center && sys.z[p.i] == z_neighbor)) d.push_back(r);
  }
  std::sort(d.begin(), d.end());
  std::vector<double> shells;
  for (double r : d)
    if (shells.empty() || r - shells.back() > 0.05) shells.push_back(r);
  std::vector<std::pair<double, double>> w;
  for (std::size_t i = 0; i < shells.size(); ++i) {
    const double lo = i == 0 ? 0.5 * shells[0] : 0.5 * (shells[i - 1] + shells[i]);
    const double hi = i + 1 < shells.size() ? 0.5 * (shells[i] + shells[i + 1]) : shells[i] + 0.5 * (shells[i] - (i ? shells[i - 1] : 0.0));
    w.emplace_back(lo, hi);
  }
  return w;
}

}  // namespace xasforge::ensemble
