#include "hl7out/tls_module.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <system_error>

namespace vigil::hl7out {
namespace {

core::Result<const TlsModule*> load_tls_module() {
  std::error_code ec;
  const auto program = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return core::Error{"TLS is unavailable: cannot find this program's folder: " + ec.message()};
  const auto path =
      (program.parent_path() / VIGIL_TLS_MODULE_DIR / "vigil-tls.so").lexically_normal().string();
  const auto advice = std::string{"; it comes with vigild (reinstall the vigil package)"};
  // RTLD_NOW: a module that cannot be bound fails here, with its reason,
  // not at its first handshake.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) return core::Error{std::string{"TLS is unavailable: "} + dlerror() + advice};
  const auto* module = static_cast<const TlsModule*>(dlsym(handle, "vigil_tls_module"));
  if (!module) return core::Error{"TLS is unavailable: " + path + " is not vigil's TLS module" + advice};
  if (module->abi != TlsModule::kAbi)
    return core::Error{"TLS is unavailable: " + path + " is of another vigil build (interface " +
                       std::to_string(module->abi) + ", vigild's " + std::to_string(TlsModule::kAbi) + ")" +
                       advice};
  return module;
}

}  // namespace

core::Result<const TlsModule*> tls_module() {
  static const auto module = load_tls_module();
  return module;
}

}  // namespace vigil::hl7out
