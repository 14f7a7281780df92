#include "core/scattering/phase_shift_cache.hpp"

#include "core/scattering/feff_phase_provider.hpp"

namespace xasforge::scattering {

PhaseShifts PhaseShiftCache::get_or_compute(const structure::Structure& structure, std::size_t absorber_site,
                                            const PhaseSettings& settings,
                                            const std::function<PhaseShifts(const feff::FeffCluster&)>& make) {
  const feff::FeffCluster cluster = feff::make_feff_cluster(structure, absorber_site, settings.cluster_radius_A);
  const std::string key = structure_hash(structure) + "|" + absorber_class_key(cluster) + "|" + settings_key(settings);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(key);
    if (it != entries_.end()) {
      ++hits_;
      return *it->second;
    }
  }
  auto result = std::make_shared<const PhaseShifts>(make(cluster));
  ++computed_;
  std::lock_guard<std::mutex> lock(mutex_);
  return *entries_.emplace(key, result).first->second;
}

std::size_t PhaseShiftCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

void PhaseShiftCache::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.clear();
}

}  // namespace xasforge::scattering
