#include "station/users_file_watch.hpp"

#include "core/bounded_file.hpp"

namespace vigil::station {

UsersFileWatch::UsersFileWatch(std::string path, UserHashes users, core::TimePoint now)
    : path_{std::move(path)}, users_{std::move(users)}, next_poll_{now + kEvery} {}

UsersFileNews UsersFileWatch::poll(core::TimePoint now) {
  if (now < next_poll_) return {};
  next_poll_ = now + kEvery;
  auto bytes = core::read_bounded_file(path_);
  const std::string seen = bytes ? "=" + bytes.value() : "!" + bytes.error();
  if (seen == applied_) {
    refused_.clear();  // back as it was: the same mistake made again is said again
    return {};
  }
  if (seen != pending_) {
    pending_ = seen;
    return {};
  }
  if (seen == refused_) return {};
  std::string problem;
  UserHashes users;
  if (!bytes) {
    problem = "cannot be read: " + bytes.error();
  } else if (auto parsed = parse_users(bytes.value(), path_); !parsed) {
    problem = parsed.error();
  } else if (parsed->empty()) {
    problem = "it lists nobody";
  } else {
    users = std::move(parsed.value());
  }
  if (!problem.empty()) {
    refused_ = seen;
    UsersFileNews news;
    news.problem = "users_file " + path_ + " NOT USED: " + problem + "; the " +
                   std::to_string(users_.size()) + " user(s) read before stay in force";
    return news;
  }
  applied_ = seen;
  refused_.clear();
  if (users == users_) return {};
  UsersFileNews news;
  news.reloaded = true;
  news.summary = std::to_string(users.size()) + " user(s); " + users_change(users_, users);
  users_ = std::move(users);
  return news;
}

std::string users_change(const UserHashes& before, const UserHashes& after) {
  std::string added, removed, changed;
  auto add = [](std::string& list, const std::string& name) { list += (list.empty() ? "" : ", ") + name; };
  for (const auto& [name, hash] : after) {
    const auto was = before.find(name);
    if (was == before.end())
      add(added, name);
    else if (was->second != hash)
      add(changed, name);
  }
  for (const auto& [name, hash] : before)
    if (!after.contains(name)) add(removed, name);
  std::string out;
  auto part = [&](const char* what, const std::string& names) {
    if (!names.empty()) out += (out.empty() ? "" : "; ") + std::string{what} + names;
  };
  part("added ", added);
  part("removed ", removed);
  part("new password for ", changed);
  return out;
}

}  // namespace vigil::station
