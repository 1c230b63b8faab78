//===- agent/src/control.cc - The agent's control socket ------------------===//

#include "kiln/agent/control.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace kiln::agent {

namespace {

/// A request is small; anything larger is not one of ours.
constexpr size_t MaxRequestBytes = 64 * 1024;

Expected<sockaddr_un> addressOf(const std::string &Path) {
  sockaddr_un A{};
  A.sun_family = AF_UNIX;
  if (Path.size() >= sizeof(A.sun_path))
    return Error::make(ErrorKind::Usage,
                       Path + ": socket path longer than " +
                           std::to_string(sizeof(A.sun_path) - 1) +
                           " bytes (use a shorter --state-dir)");
  std::memcpy(A.sun_path, Path.c_str(), Path.size() + 1);
  return A;
}

bool writeAll(int Fd, const std::string &S) {
  size_t Done = 0;
  while (Done < S.size()) {
    ssize_t N = ::send(Fd, S.data() + Done, S.size() - Done, MSG_NOSIGNAL);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      return false;
    Done += size_t(N);
  }
  return true;
}

/// Reads until "\n\n" (a request) or the end (a reply), up to a bound.
std::string readUntil(int Fd, bool StopAtBlankLine) {
  std::string S;
  char Buf[4096];
  while (S.size() < MaxRequestBytes || !StopAtBlankLine) {
    if (StopAtBlankLine && S.size() >= 2 &&
        (S == "\n" || S.compare(S.size() - 2, 2, "\n\n") == 0))
      break;
    ssize_t N = ::recv(Fd, Buf, sizeof(Buf), 0);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      break;
    S.append(Buf, size_t(N));
  }
  return S;
}

std::vector<std::string> splitLines(const std::string &S) {
  std::vector<std::string> Out;
  size_t Start = 0;
  while (Start < S.size()) {
    size_t End = S.find('\n', Start);
    if (End == std::string::npos)
      End = S.size();
    if (End == Start)
      break; // the blank line that ends a request
    Out.push_back(S.substr(Start, End - Start));
    Start = End + 1;
  }
  return Out;
}

} // namespace

Expected<std::unique_ptr<ControlServer>>
ControlServer::listen(const std::string &Path, ControlHandler Handler) {
  Expected<sockaddr_un> A = addressOf(Path);
  if (!A)
    return A.takeError();
  std::unique_ptr<ControlServer> S(new ControlServer());
  S->Path = Path;
  S->Handler = std::move(Handler);
  S->Fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (S->Fd < 0)
    return Error::make(ErrorKind::Io,
                       std::string("socket: ") + std::strerror(errno));
  // A socket file left by an agent that was killed: nobody listens on it.
  if (::connect(S->Fd, reinterpret_cast<sockaddr *>(&*A), sizeof(*A)) == 0)
    return Error::make(ErrorKind::Usage,
                       Path + ": another agent is running on this state "
                              "directory");
  ::close(S->Fd);
  S->Fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ::unlink(Path.c_str());
  if (::bind(S->Fd, reinterpret_cast<sockaddr *>(&*A), sizeof(*A)) != 0 ||
      ::listen(S->Fd, 8) != 0)
    return Error::make(ErrorKind::Io, "cannot listen on " + Path + ": " +
                                          std::strerror(errno));
  S->Bound = true;
  ::chmod(Path.c_str(), 0600); // the agent's owner only
  if (::pipe2(S->WakeFd, O_CLOEXEC) != 0)
    return Error::make(ErrorKind::Io,
                       std::string("pipe: ") + std::strerror(errno));
  S->Thread = std::thread([Raw = S.get()] { Raw->serve(); });
  return S;
}

ControlServer::~ControlServer() {
  if (WakeFd[1] >= 0)
    (void)!::write(WakeFd[1], "x", 1);
  if (Thread.joinable())
    Thread.join();
  for (int F : {Fd, WakeFd[0], WakeFd[1]})
    if (F >= 0)
      ::close(F);
  if (Bound)
    ::unlink(Path.c_str());
}

void ControlServer::serve() {
  prctl(PR_SET_NAME, "kiln-control", 0, 0, 0);
  for (;;) {
    pollfd P[2] = {{Fd, POLLIN, 0}, {WakeFd[0], POLLIN, 0}};
    if (::poll(P, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      return;
    }
    if (P[1].revents)
      return;
    int C = ::accept4(Fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (C < 0)
      continue;
    // A client that sends nothing must not hold the agent's control forever.
    timeval Tv{5, 0};
    ::setsockopt(C, SOL_SOCKET, SO_RCVTIMEO, &Tv, sizeof(Tv));
    std::string Req = readUntil(C, true);
    ControlReply R;
    if (Req.size() >= MaxRequestBytes)
      R = {false, "request too large"};
    else
      R = Handler(splitLines(Req));
    writeAll(C, std::string(R.Ok ? "ok\n" : "error\n") + R.Text);
    ::close(C);
  }
}

Expected<ControlReply>
controlRequest(const std::string &Path, const std::vector<std::string> &Words) {
  Expected<sockaddr_un> A = addressOf(Path);
  if (!A)
    return A.takeError();
  std::string Req;
  for (const std::string &W : Words) {
    if (W.empty() || W.find('\n') != std::string::npos)
      return Error::make(ErrorKind::Usage,
                         "an argument is empty or holds a newline");
    Req += W + "\n";
  }
  Req += "\n";
  int Fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (Fd < 0)
    return Error::make(ErrorKind::Io,
                       std::string("socket: ") + std::strerror(errno));
  if (::connect(Fd, reinterpret_cast<sockaddr *>(&*A), sizeof(*A)) != 0) {
    int Err = errno;
    ::close(Fd);
    return Error::make(ErrorKind::Io, "no agent answers on " + Path + ": " +
                                          std::strerror(Err));
  }
  bool Sent = writeAll(Fd, Req);
  std::string Reply = Sent ? readUntil(Fd, false) : "";
  ::close(Fd);
  size_t Nl = Reply.find('\n');
  std::string Head = Reply.substr(0, Nl);
  if (Head != "ok" && Head != "error")
    return Error::make(ErrorKind::Io,
                       "the agent on " + Path +
                           " closed the connection without an answer");
  return ControlReply{Head == "ok",
                      Nl == std::string::npos ? "" : Reply.substr(Nl + 1)};
}

} // namespace kiln::agent
