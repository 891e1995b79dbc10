#include "tools/validate/file_input.hpp"

#include <fstream>

namespace vigil::validate {

namespace {

template <typename Container>
Container read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FormatError(path.string() + ": cannot open for reading");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) throw FormatError(path.string() + ": cannot tell the file size");
  in.seekg(0, std::ios::beg);
  Container data(static_cast<std::size_t>(size), {});
  if (size > 0 && !in.read(reinterpret_cast<char*>(data.data()), size))
    throw FormatError(path.string() + ": read error");
  return data;
}

}  // namespace

std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path) {
  return read_all<std::vector<std::uint8_t>>(path);
}

std::string read_file_text(const std::filesystem::path& path) {
  return read_all<std::string>(path);
}

}  // namespace vigil::validate
