#pragma once
/// Defaults of a single-structure spectrum, defined once: the path finder and compute_spectrum
/// (core), the campaign schema (scattering.*, scattering.debye_waller.temperature and
/// .debye_temperature) and `xasforge spectrum` all take them from here
/// (docs/architecture.md, "Where defaults live"). Snapshot averages (`xasforge average`, ensemble
/// members) use the cheaper expansion of ensemble::SnapshotChiOptions instead, defined there.
namespace xasforge::scattering::defaults {

inline constexpr double kRmax_A = 6.0;            ///< longest half path length (FEFF RPATH)
inline constexpr int kMaxLegs = 4;                ///< FEFF NLEG
inline constexpr double kCritpwPercent = 2.5;     ///< FEFF CRITERIA, plane-wave cut
inline constexpr double kClusterRadius_A = 8.0;   ///< atoms given to the potentials and the path finder
inline constexpr double kS02 = 1.0;               ///< amplitude reduction factor
inline constexpr double kTemperature_K = 300.0;   ///< sample temperature of the σ² models
/// Θ_D of the correlated Debye model when none is given. One value for every element (a
/// placeholder of the right size: 343 K is Cu's, 300 K the round figure the campaign files used
/// first); give the material's own Θ_D for a real comparison.
inline constexpr double kDebyeTemperature_K = 300.0;

}  // namespace xasforge::scattering::defaults
