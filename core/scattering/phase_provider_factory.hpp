#pragma once
/// Choice of the phase-shift provider by name: "feff" (FEFF 8.5L's pot/xsph as child processes,
/// feff_phase_provider.hpp) or "native" (in-process potentials and phase shifts,
/// native/native_phase_provider.hpp; docs/scattering_native.md).
#include <memory>
#include <string>
#include <vector>

#include "core/scattering/phase_shift_provider.hpp"

namespace xasforge::scattering {

/// The provider names accepted by make_phase_provider, in documentation order.
const std::vector<std::string>& phase_provider_names();

/// The default provider ("feff": native does not yet meet R ≤ 0.01 on every fixture; see
/// docs/scattering_native.md §8).
inline constexpr const char* kDefaultPhaseProvider = "feff";

/// A new provider (each owns its own caches). InputError naming the value and the accepted names
/// otherwise; `what` says where the name came from (e.g. "--phases", "scattering.phases").
std::unique_ptr<PhaseShiftProvider> make_phase_provider(const std::string& name, const std::string& what = "phases");

}  // namespace xasforge::scattering
