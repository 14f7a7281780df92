#pragma once
/// The campaign YAML schema: every key, its type, default, allowed values and meaning, in ONE
/// table (campaign_schema.cpp). Validation, defaults and the reference in docs/campaign.md
/// (`xasforge validate --schema`) all come from it.
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace xasforge::workflows {

enum class ValueKind {
  kMap,          ///< nested keys (children)
  kString,
  kInt,
  kReal,
  kBool,
  kEnum,         ///< one of `allowed`
  kEnumList,     ///< list of distinct values from `allowed` (a single scalar is a one-element list)
  kElementList,  ///< list of element symbols (a single scalar is a one-element list)
  kPathList,     ///< a glob or a list of globs
  kRange,        ///< [low, high], two numbers within [min, max], low < high
  kInterval,     ///< "60s", "5min", "2h" or "100 items" (or "none"/0 where allowed)
};

struct SchemaNode {
  std::string key;
  ValueKind kind = ValueKind::kMap;
  std::string default_yaml;  ///< YAML text of the default; empty: no default
  bool required = false;
  double min = -std::numeric_limits<double>::infinity();  ///< inclusive bounds for numbers
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  std::vector<std::string> allowed;  ///< kEnum / kEnumList values; kInterval: "seconds", "items"
  std::string units;                 ///< "Å", "K", ...
  std::string doc;
  std::vector<SchemaNode> children;
};

/// The root of the schema (a map).
const SchemaNode& campaign_schema();

/// A validated campaign: the value of every leaf key ("scattering.rmax"), the user's or the
/// default, the 1-based line it came from (0 for defaults), and which sections were written.
struct ResolvedCampaign {
  std::string source;                         ///< file name used in messages
  std::map<std::string, YAML::Node> values;   ///< dotted key -> value
  std::map<std::string, int> lines;           ///< dotted key -> line (sections too)
  bool has(const std::string& key) const { return lines.count(key) > 0 && lines.at(key) > 0; }
  int line(const std::string& key) const;
  /// Throws InputError "<source>:<line>: <key>: <message>".
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
};

/// Checks `root` against the schema: unknown keys (with "did you mean"), types, ranges, allowed
/// values; fills in defaults. Throws InputError naming file, line and key.
ResolvedCampaign resolve_campaign(const YAML::Node& root, const std::string& source);

/// Markdown reference of every key (for docs/campaign.md).
std::string schema_reference_markdown();

/// Edit distance (for "did you mean").
std::size_t edit_distance(const std::string& a, const std::string& b);

}  // namespace xasforge::workflows
