//===- agent/src/rt_locks.h - Locks fit for real-time tasks ------*- C++ -*-===//
//
// std::mutex and std::shared_mutex make no promise about priority: a
// low-priority task holding a module's lock could keep a high-priority one
// waiting behind every medium-priority thread (priority inversion), and a
// reader-preferring rwlock lets a stream of task runs starve an update.
// These two say what they do.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_AGENT_RT_LOCKS_H
#define KILN_AGENT_RT_LOCKS_H

#include <pthread.h>

namespace kiln::agent {

/// A mutex with priority inheritance: whoever holds it runs at the priority
/// of the highest thread waiting for it. Meets the Lockable requirements.
class PiMutex {
public:
  PiMutex() {
    pthread_mutexattr_t A;
    pthread_mutexattr_init(&A);
    pthread_mutexattr_setprotocol(&A, PTHREAD_PRIO_INHERIT);
    pthread_mutex_init(&M, &A);
    pthread_mutexattr_destroy(&A);
  }
  ~PiMutex() { pthread_mutex_destroy(&M); }
  PiMutex(const PiMutex &) = delete;
  PiMutex &operator=(const PiMutex &) = delete;
  void lock() { pthread_mutex_lock(&M); }
  void unlock() { pthread_mutex_unlock(&M); }
  bool try_lock() { return pthread_mutex_trylock(&M) == 0; }

private:
  pthread_mutex_t M;
};

/// A reader-writer lock where a waiting writer goes before new readers, so
/// an update gets its task boundary within one task run. Meets the
/// SharedLockable requirements.
class WriterFirstRwLock {
public:
  WriterFirstRwLock() {
    pthread_rwlockattr_t A;
    pthread_rwlockattr_init(&A);
#ifdef __GLIBC__
    pthread_rwlockattr_setkind_np(&A,
                                  PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
#endif
    pthread_rwlock_init(&L, &A);
    pthread_rwlockattr_destroy(&A);
  }
  ~WriterFirstRwLock() { pthread_rwlock_destroy(&L); }
  WriterFirstRwLock(const WriterFirstRwLock &) = delete;
  WriterFirstRwLock &operator=(const WriterFirstRwLock &) = delete;
  void lock() { pthread_rwlock_wrlock(&L); }
  void unlock() { pthread_rwlock_unlock(&L); }
  void lock_shared() { pthread_rwlock_rdlock(&L); }
  void unlock_shared() { pthread_rwlock_unlock(&L); }

private:
  pthread_rwlock_t L;
};

} // namespace kiln::agent

#endif // KILN_AGENT_RT_LOCKS_H
