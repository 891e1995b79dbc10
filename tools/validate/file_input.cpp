#include "tools/validate/file_input.hpp"

#include "core/bounded_file.hpp"

namespace vigil::validate {

std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path) {
  const auto text = read_file_text(path);
  return {text.begin(), text.end()};
}

std::string read_file_text(const std::filesystem::path& path) {
  auto text = core::read_bounded_file(path.string(), kMaxRecordingFileBytes);
  if (!text) throw FormatError("cannot read " + text.error());
  return std::move(text.value());
}

std::filesystem::path record_file(const std::filesystem::path& stem, const char* suffix) {
  return std::filesystem::path(stem.string() + suffix);
}

}  // namespace vigil::validate
