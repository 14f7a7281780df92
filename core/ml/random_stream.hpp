#pragma once
/// Forwarding header: the learning code's random stream is the project's one generator,
/// core/numerics/random.hpp (keyed by (seed, stream index), never by MPI rank).
#include "core/numerics/random.hpp"

namespace xasforge::ml {

using random::mix64;
using RandomStream = random::Stream;

}  // namespace xasforge::ml
