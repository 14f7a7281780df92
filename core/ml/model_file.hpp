#pragma once
/// Versioned model files. The file is one CBOR document (RFC 8949; nlohmann::json::to_cbor) with
/// the keys listed in docs/ml.md: format "xasforge-model", version, model kind, task, classes,
/// feature dataset name and grid, normalization, and the forest (trees as XFTREE01 byte strings)
/// or network (layer sizes, parameters as little-endian f64 bytes).
#include <string>

#include "core/ml/model.hpp"

namespace xasforge::ml {

/// 2: optional `calibration`, `reduction` and `augmentation` keys (docs/ml.md); version 1 files
/// still load (uncalibrated, reduction unknown).
inline constexpr int kModelFileVersion = 2;

/// Throws InputError naming the path if the file cannot be written.
void save_model(const std::string& path, const Model& model);
/// Throws InputError naming the path on a missing/corrupt file, another format, or a newer version.
Model load_model(const std::string& path);

/// The same document in memory (for tests and for broadcasting a model).
std::string model_to_bytes(const Model& model);
Model model_from_bytes(const std::string& bytes, const std::string& where);

}  // namespace xasforge::ml
