// ApiServer: serves one node's lean API and /metrics over HTTP (cpp-httplib) on
// 127.0.0.1:<port>, answering every request through beam_api_handle.

#ifndef BEAMCORE_EXAMPLES_DEVNET_API_SERVER_H_
#define BEAMCORE_EXAMPLES_DEVNET_API_SERVER_H_

#include <beamcore/beamcore.h>

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>

namespace httplib {
class Server;
}

namespace devnet {

// The node an ApiServer answers for; swapped (under the lock) while a node restarts,
// so no request ever reaches a destroyed node.
class ServedNode {
 public:
  void Set(beam_node* node) {
    std::unique_lock<std::shared_mutex> lock(mu_);
    node_ = node;
  }
  template <class Fn>
  void With(Fn fn) {
    std::shared_lock<std::shared_mutex> lock(mu_);
    fn(node_);
  }

 private:
  std::shared_mutex mu_;
  beam_node* node_ = nullptr;
};

class ApiServer {
 public:
  // Port 0: any free port (port() tells which, after Start).
  ApiServer(ServedNode* node, int port);
  ~ApiServer();  // stops and joins
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // False if the port could not be bound.
  bool Start(std::string* error);
  int port() const { return port_; }

 private:
  ServedNode* const node_;
  int port_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace devnet

#endif  // BEAMCORE_EXAMPLES_DEVNET_API_SERVER_H_
