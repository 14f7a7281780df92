#pragma once
/// Internal units of xasforge: Å, eV, Å⁻¹, K, amu, fs, radians. Conversions are named as ratios
/// and are used only at the edge of adapters (e.g. the FEFF adapter), never inside a formula.
/// Values: CODATA 2014, the set FEFF 8.5L and docs/physics.md §0 use.

namespace xasforge::units {

inline constexpr double kAngstromPerBohr = 0.52917721067;   // CODATA 2014 Bohr radius
inline constexpr double kBohrPerAngstrom = 1.0 / kAngstromPerBohr;
inline constexpr double kEvPerHartree = 27.21138602;        // CODATA 2014 (FEFF: 2 x 13.60569301)
inline constexpr double kHartreePerEv = 1.0 / kEvPerHartree;
/// Larch's ETOK = 2 m_e e / hbar^2 * 1e-20: k^2 [Å⁻²] = kEtok * (E - E0) [eV].
inline constexpr double kEtok = 0.2624682917;
inline constexpr double kBoltzmannEvPerK = 8.6173303e-5;    // CODATA 2014
inline constexpr double kPi = 3.14159265358979323846;

}  // namespace xasforge::units
