#pragma once
// Reading whole files for the validation readers, and the one error they all
// throw: a message naming the file and the byte or line that was wrong, so a
// person can open the file and look.
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace vigil::validate {

class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws FormatError when the file cannot be opened or read.
std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path);
std::string read_file_text(const std::filesystem::path& path);

}  // namespace vigil::validate
