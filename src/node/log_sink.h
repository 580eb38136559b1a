// Where a Node's log lines go. Lines above the sink's level are never formatted:
// call Logger::Enabled before building an expensive message.
//
// LogSink::Write is called from the node's threads and from host threads inside node
// calls; it must not call back into the node. Logger is thread-safe.

#ifndef BEAMCORE_NODE_LOG_SINK_H_
#define BEAMCORE_NODE_LOG_SINK_H_

#include <string>

namespace beam::node {

enum class LogLevel { kError = 1, kWarn = 2, kInfo = 3, kDebug = 4 };

class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual LogLevel max_level() const = 0;
  virtual void Write(LogLevel level, const std::string& line) = 0;
};

// A possibly absent sink with the level check in front.
class Logger {
 public:
  explicit Logger(LogSink* sink = nullptr) : sink_(sink) {}
  bool Enabled(LogLevel level) const {
    return sink_ != nullptr && static_cast<int>(level) <= static_cast<int>(sink_->max_level());
  }
  void Log(LogLevel level, const std::string& line) const {
    if (Enabled(level)) sink_->Write(level, line);
  }

 private:
  LogSink* const sink_;
};

}  // namespace beam::node

#endif  // BEAMCORE_NODE_LOG_SINK_H_
