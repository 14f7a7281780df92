#include "core/scattering/phase_provider_factory.hpp"

#include "core/error.hpp"
#include "core/scattering/feff_phase_provider.hpp"
#include "core/scattering/native/native_phase_provider.hpp"

namespace xasforge::scattering {

const std::vector<std::string>& phase_provider_names() {
  static const std::vector<std::string> names{"feff", "native"};
  return names;
}

std::unique_ptr<PhaseShiftProvider> make_phase_provider(const std::string& name, const std::string& what) {
  if (name == "feff" || name == "feff8l") return std::make_unique<FeffPhaseProvider>();
  if (name == "native") return std::make_unique<native::NativePhaseProvider>();
  throw InputError(what + ": unknown phase-shift provider '" + name + "' (expected 'feff' (alias 'feff8l') or 'native')");
}

}  // namespace xasforge::scattering
