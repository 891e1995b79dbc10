#include "journal/intent_log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace vigil::journal {
namespace v1 = vigil::v1;
namespace {

// Protobuf's wire format by hand for the record's four fields, so the
// caller's messages are serialized once, into the record, and never copied.
enum Wire : std::uint32_t { varint_type = 0, length_type = 2 };

void put_varint(std::uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_tag(std::uint32_t field, Wire type, std::string& out) {
  put_varint((field << 3) | type, out);
}

void put_message(std::uint32_t field, const google::protobuf::MessageLite& m, std::string& out) {
  put_tag(field, length_type, out);
  put_varint(m.ByteSizeLong(), out);
  m.AppendToString(&out);
}

void put_u32(std::uint32_t v, char* at) {
  for (int i = 0; i < 4; ++i) at[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

std::uint32_t get_u32(const char* at) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(at[i])) << (8 * i);
  return v;
}

std::uint32_t checksum(std::string_view bytes) {
  return static_cast<std::uint32_t>(
      ::crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

std::string system_error(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

}  // namespace

void encode_intent(const std::string& bed, std::int64_t time_us, const std::vector<v1::BusMessage>& messages,
                   const v1::journal::BedState& state, std::string& out) {
  const auto& fields = *v1::journal::IntentRecord::descriptor();
  auto number = [&](const char* name) {
    return static_cast<std::uint32_t>(fields.FindFieldByName(name)->number());
  };
  static const std::uint32_t bed_field = number("bed"), time_field = number("time_us"),
                             messages_field = number("messages"), state_field = number("state");
  put_tag(bed_field, length_type, out);
  put_varint(bed.size(), out);
  out += bed;
  put_tag(time_field, varint_type, out);
  put_varint(static_cast<std::uint64_t>(time_us), out);
  for (const auto& m : messages) put_message(messages_field, m, out);
  put_message(state_field, state, out);
}

void frame_intent(std::string_view payload, std::string& out) {
  const auto at = out.size();
  out.resize(at + kIntentHeader);
  put_u32(static_cast<std::uint32_t>(payload.size()), out.data() + at);
  put_u32(checksum(payload), out.data() + at + 4);
  out += payload;
}

IntentLogContents read_intent_log(std::string_view bytes) {
  IntentLogContents c;
  std::size_t at = 0;
  while (at < bytes.size()) {
    const auto left = bytes.size() - at;
    if (left < kIntentHeader) {
      c.problem = "a record cut short at byte " + std::to_string(at) + " (" + std::to_string(left) +
                  " bytes of its header)";
      break;
    }
    const auto length = get_u32(bytes.data() + at);
    const auto expected = get_u32(bytes.data() + at + 4);
    if (length > kMaxIntentRecord) {
      c.problem = "a record at byte " + std::to_string(at) + " says it is " + std::to_string(length) +
                  " bytes long, more than a record can be";
      break;
    }
    if (left - kIntentHeader < length) {
      c.problem = "a record cut short at byte " + std::to_string(at) + " (" +
                  std::to_string(left - kIntentHeader) + " of its " + std::to_string(length) + " bytes)";
      break;
    }
    const auto payload = bytes.substr(at + kIntentHeader, length);
    if (checksum(payload) != expected) {
      c.problem = "a record at byte " + std::to_string(at) + " fails its checksum";
      break;
    }
    auto& record = c.records.emplace_back();
    if (!record.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
      c.records.pop_back();
      c.problem = "a record at byte " + std::to_string(at) + " passes its checksum but does not parse";
      break;
    }
    at += kIntentHeader + length;
    c.whole_bytes = at;
  }
  return c;
}

IntentLog::IntentLog(std::string path, std::size_t whole_bytes) : path_{std::move(path)} {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error{system_error("cannot open the intent log", path_)};
  // A torn record at the end would hide every record appended after it.
  if (::ftruncate(fd_, static_cast<off_t>(whole_bytes)) != 0) {
    const auto problem = system_error("cannot cut back the intent log", path_);
    ::close(fd_);
    throw std::runtime_error{problem};
  }
  size_ = whole_bytes;
  // A file rotate() made and a crash kept from taking the log's name.
  ::unlink(next_path().c_str());
}

IntentLog::~IntentLog() {
  if (fd_ >= 0) ::close(fd_);
}

bool IntentLog::append(std::string_view payload) {
  frame_.clear();
  frame_intent(payload, frame_);
  const auto written = ::pwrite(fd_, frame_.data(), frame_.size(), static_cast<off_t>(size_));
  if (written == static_cast<ssize_t>(frame_.size())) {
    size_ += frame_.size();
    problem_.clear();
    return true;
  }
  problem_ = written < 0 ? system_error("cannot write the intent log", path_)
                         : "cannot write the intent log " + path_ + ": only " + std::to_string(written) +
                               " of " + std::to_string(frame_.size()) + " bytes written (disk full?)";
  // The part that was written goes, so the next record follows a whole one.
  if (written > 0 && ::ftruncate(fd_, static_cast<off_t>(size_)) != 0)
    problem_ += "; " + system_error("and it cannot be cut back", path_);
  return false;
}

bool IntentLog::truncate() {
  if (::ftruncate(fd_, 0) != 0) {
    problem_ = system_error("cannot empty the intent log", path_);
    return false;
  }
  size_ = 0;
  return true;
}

int open_next_intent_file(const std::string& log_path, std::string& problem) {
  const auto next = IntentLog::next_path_for(log_path);
  const int fd = ::open(next.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) problem = system_error("cannot start a new intent log", next);
  return fd;
}

int IntentLog::rotate(int next_fd) {
  const auto next = next_path();
  const int fd = next_fd >= 0 ? next_fd : open_next_intent_file(path_, problem_);
  if (fd < 0) return -1;
  if (::rename(next.c_str(), path_.c_str()) != 0) {
    problem_ = system_error("cannot put a new intent log in the place of", path_);
    ::close(fd);
    ::unlink(next.c_str());
    return -1;
  }
  size_ = 0;
  return std::exchange(fd_, fd);
}

std::string read_intent_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return {};
    throw std::runtime_error{system_error("cannot open the intent log", path)};
  }
  std::string bytes;
  char chunk[65536];
  for (;;) {
    const auto n = ::read(fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      const auto problem = system_error("cannot read the intent log", path);
      ::close(fd);
      throw std::runtime_error{problem};
    }
    if (n == 0) break;
    bytes.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return bytes;
}

}  // namespace vigil::journal
