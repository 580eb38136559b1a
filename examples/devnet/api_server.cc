#include "api_server.h"

#include <httplib.h>

#include <cstring>

namespace devnet {
namespace {

std::string Text(const beam_buffer& b) { return std::string(reinterpret_cast<const char*>(b.data), b.len); }

}  // namespace

ApiServer::ApiServer(ServedNode* node, int port) : node_(node), port_(port), server_(new httplib::Server) {
  // Every method and path goes to the library's router: it answers 404/405 itself.
  auto handler = [this](const httplib::Request& request, httplib::Response& response) {
    const std::string target = request.target.empty() ? request.path : request.target;
    node_->With([&](beam_node* node) {
      if (node == nullptr) {
        response.status = 503;
        response.set_content("{\"code\": 503, \"message\": \"the node is restarting\"}", "application/json");
        return;
      }
      beam_api_response out;
      std::memset(&out, 0, sizeof out);
      out.struct_size = sizeof out;
      const beam_status s = beam_api_handle(node, request.method.c_str(), target.c_str(),
                                            reinterpret_cast<const uint8_t*>(request.body.data()), request.body.size(),
                                            &out);
      if (s != BEAM_OK) {
        response.status = 500;
        response.set_content(std::string("{\"code\": 500, \"message\": \"") + beam_last_error() + "\"}",
                             "application/json");
        return;
      }
      response.status = out.status_code;
      if (out.allow.len > 0) response.set_header("Allow", Text(out.allow));
      response.set_content(Text(out.body), Text(out.content_type).c_str());
      beam_api_response_free(&out);
    });
  };
  server_->Get(".*", handler);
  server_->Post(".*", handler);
  server_->Put(".*", handler);
  server_->Delete(".*", handler);
  server_->Patch(".*", handler);
}

ApiServer::~ApiServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

bool ApiServer::Start(std::string* error) {
  if (port_ == 0) {
    port_ = server_->bind_to_any_port("127.0.0.1");
    if (port_ <= 0) {
      *error = "cannot bind any port on 127.0.0.1";
      return false;
    }
  } else if (!server_->bind_to_port("127.0.0.1", port_)) {
    *error = "cannot bind 127.0.0.1:" + std::to_string(port_);
    return false;
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return true;
}

}  // namespace devnet
