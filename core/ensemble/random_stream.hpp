#pragma once
/// Forwarding header: the ensemble code's random stream is the project's one generator,
/// core/numerics/random.hpp, keyed by (seed, purpose), never by rank or clock. Two streams with
/// the same key give the same numbers on every compiler (no std:: distribution is involved).
#include "core/numerics/random.hpp"

namespace xasforge::ensemble {

using RandomStream = random::Stream;

}  // namespace xasforge::ensemble
