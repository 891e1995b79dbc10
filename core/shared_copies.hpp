#pragma once
// One immutable copy of each distinct value for everything that holds an
// equal one (beds of a ward mostly run the same profile and rules
// unchanged). Copies are kept only while someone holds them.
#include <algorithm>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace vigil::core {

template <class T>
class SharedCopies {
 public:
  // The kept copy that `same` accepts, or a new one made from `source` and
  // kept. Locked: beds are made on the core thread, but tests and tools
  // make them on others too.
  template <class Source, class Same>
  std::shared_ptr<const T> find_or_make(Source&& source, Same same) {
    const std::lock_guard lock{mutex_};
    std::erase_if(kept_, [](const std::weak_ptr<const T>& w) { return w.expired(); });
    for (const auto& weak : kept_)
      if (auto copy = weak.lock(); copy && same(*copy)) return copy;
    auto copy = std::make_shared<const T>(std::forward<Source>(source));
    kept_.push_back(copy);
    return copy;
  }

 private:
  std::mutex mutex_;
  std::vector<std::weak_ptr<const T>> kept_;
};

}  // namespace vigil::core
