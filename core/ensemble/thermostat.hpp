#pragma once
/// Thermostats for NVT sampling with velocity Verlet.
///  * Langevin in the BAOAB splitting (Leimkuhler & Matthews, Appl. Math. Res. Express 2013, 34):
///    the friction/noise step is the exact Ornstein–Uhlenbeck update v ← c₁v + √((1−c₁²) k_BT/m) ξ,
///    c₁ = e^{−γΔt}, applied between the two half drifts.
///  * Bussi stochastic velocity rescaling (Bussi, Donadio & Parrinello, J. Chem. Phys. 126,
///    014101 (2007), Eq. (A7)): the kinetic energy follows the canonical distribution with
///    relaxation time τ; momentum is conserved.
#include <string_view>

namespace xasforge::ensemble {

enum class ThermostatKind { kNone, kLangevin, kBussi };

/// "none" | "nve", "langevin", "bussi"; InputError listing the names otherwise.
ThermostatKind parse_thermostat(std::string_view name);

}  // namespace xasforge::ensemble
