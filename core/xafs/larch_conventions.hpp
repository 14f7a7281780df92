#pragma once
/// Conventions shared by the Larch-faithful reduction code (docs/physics.md §6).
#include <cstddef>
#include <vector>

namespace xasforge::xafs {

/// Larch 0.9.58's k² = kLarchEtok·(E − E0) [Å⁻² per eV]: 1/KTOE with KTOE = 1e20 ħ²/(2 m_e e)
/// from scipy.constants (CODATA 2018) = 3.8099821161548597 eV Å². Differs from units::kEtok
/// (CODATA 2014, FEFF) by 5e-7 relative; matching Larch to 1e-8 needs Larch's own value.
inline constexpr double kLarchEtok = 1.0 / 3.8099821161548597;

/// Larch's index_of: the last index i with a[i] <= value; 0 when value < min(a).
std::size_t index_of(const std::vector<double>& a, double value);

/// Larch's index_nearest: argmin |a[i] − value| (first one on ties).
std::size_t index_nearest(const std::vector<double>& a, double value);

/// numpy.gradient: centred differences inside, one-sided at the two ends.
std::vector<double> gradient(const std::vector<double>& y);

/// Larch's remove_dups(arr, tiny=1e-7, frac=1e-6): a value not above its predecessor by at least
/// `tiny` is replaced by predecessor + max(tiny, frac·|value − predecessor|). Applies to repeated
/// and to decreasing energies alike. Returns the number of values changed through `n_changed`.
std::vector<double> remove_duplicates(const std::vector<double>& a, std::size_t* n_changed = nullptr);

}  // namespace xasforge::xafs
