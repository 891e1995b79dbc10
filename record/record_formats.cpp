#include "record/record_formats.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/bounded_file.hpp"

namespace vigil::record {

std::optional<Format> format_from_name(std::string_view name) {
  if (name == "json") return Format::json;
  if (name == "csv") return Format::csv;
  if (name == "html") return Format::html;
  if (name == "pdf") return Format::pdf;
  return std::nullopt;
}

core::Result<std::size_t> write_record(const InfusionRecord& r, Format format, const std::string& path) {
  std::string bytes;
  switch (format) {
    case Format::json:
      bytes = record_json(r);
      break;
    case Format::csv:
      bytes = record_csv(r);
      break;
    case Format::html:
      bytes = record_html(r);
      break;
    case Format::pdf: {
      auto pdf = record_pdf(r);
      if (!pdf) return pdf.failure();
      bytes = std::move(pdf.value());
      break;
    }
  }
  return write_file(path, bytes);
}

core::Result<std::size_t> write_file(const std::string& path, const std::string& bytes) {
  const auto cannot = [&](const std::string& why) {
    return core::Error{"cannot write " + path + ": " + why, "output", core::ErrorCode::unavailable};
  };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return cannot("it is a folder");
  // The rename below would put a regular file in place of a FIFO, a device
  // node (/dev/null, as root) or a socket, and whoever reads from it would wait on.
  if (const auto why = core::special_file(path); !why.empty())
    return core::Error{"cannot write " + why, "output", core::ErrorCode::unavailable};
  const auto folder = std::filesystem::path{path}.parent_path();
  std::string temp = (folder.empty() ? std::string{"."} : folder.string()) + "/.vigil-record-XXXXXX";
  const int fd = mkstemp(temp.data());
  if (fd < 0) return cannot(std::strerror(errno));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      std::remove(temp.c_str());
      return cannot(why);
    }
    done += static_cast<std::size_t>(n);
  }
  // mkstemp makes it 0600; the record gets the mode any file written here would.
  const mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  if (::fsync(fd) != 0 || ::close(fd) != 0 || std::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(temp.c_str());
    return cannot(why);
  }
  return bytes.size();
}

}  // namespace vigil::record
