//===- kiln/agent/control.h - The agent's control socket ---------*- C++ -*-===//
//
// `kiln ctl` talks to a running agent over a Unix socket in its state
// directory (only local users with access to the directory can reach it).
// One request per connection: the words of the command, each ended by a
// newline, then an empty line. The answer is "ok" or "error" on the first
// line, then the text to show; the agent closes the connection after it.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_AGENT_CONTROL_H
#define KILN_AGENT_CONTROL_H

#include "kiln/error.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace kiln::agent {

struct ControlReply {
  bool Ok = true;
  std::string Text;
};

using ControlHandler =
    std::function<ControlReply(const std::vector<std::string> &Words)>;

/// Serves requests on a thread of its own, one at a time, until destroyed.
class ControlServer {
public:
  static Expected<std::unique_ptr<ControlServer>>
  listen(const std::string &SocketPath, ControlHandler Handler);
  ~ControlServer();

private:
  ControlServer() = default;
  void serve();
  int Fd = -1;
  int WakeFd[2] = {-1, -1}; // a pipe that ends serve() when written
  std::string Path;
  bool Bound = false; // the socket file is ours to remove
  ControlHandler Handler;
  std::thread Thread;
};

/// Sends one request and returns the agent's reply.
Expected<ControlReply> controlRequest(const std::string &SocketPath,
                                      const std::vector<std::string> &Words);

} // namespace kiln::agent

#endif // KILN_AGENT_CONTROL_H
