#pragma once

// One background thread that runs tasks one at a time, in the order they were posted (disk work that must stay
// ordered, such as autosave: read a session, then write it). Header-only; std only.

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>

namespace openrad::core {

class SerialWorker {
public:
  /// `onError` is told (on the worker thread) what a task threw; the worker goes on with the next task.
  explicit SerialWorker(std::function<void(const std::string& what)> onError = {})
      : m_onError(std::move(onError)), m_thread([this] { loop(); }) {}
  /// Runs every task still queued, then stops.
  ~SerialWorker() {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
  }
  SerialWorker(const SerialWorker&) = delete;
  SerialWorker& operator=(const SerialWorker&) = delete;

  /// Queues a task.
  void post(std::function<void()> task) { enqueue({}, std::move(task)); }
  /// Queues a task unless one posted under the same `key` is still waiting to start (that one will do the work: such
  /// a task reads the latest state when it runs, so a burst of requests costs one run, not one each).
  void postOnce(const std::string& key, std::function<void()> task) { enqueue(key, std::move(task)); }
  /// Blocks until every task posted so far has run.
  void flush() {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_idle.wait(lock, [this] { return m_tasks.empty() && !m_busy; });
  }

private:
  struct Task {
    std::string key;
    std::function<void()> run;
  };

  void enqueue(const std::string& key, std::function<void()> task) {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      if (!key.empty() && !m_waitingKeys.insert(key).second) return;
      m_tasks.push_back({key, std::move(task)});
    }
    m_wake.notify_one();
  }

  void loop() {
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
      m_wake.wait(lock, [this] { return m_stop || !m_tasks.empty(); });
      if (m_tasks.empty()) break;  // stopping, and nothing left to run
      Task task = std::move(m_tasks.front());
      m_tasks.pop_front();
      if (!task.key.empty()) m_waitingKeys.erase(task.key);  // a request from now on needs a run of its own
      m_busy = true;
      lock.unlock();
      try {
        task.run();
      } catch (const std::exception& e) {
        if (m_onError) m_onError(e.what());
      } catch (...) {
        if (m_onError) m_onError("unknown error");
      }
      lock.lock();
      m_busy = false;
      if (m_tasks.empty()) m_idle.notify_all();
    }
    m_idle.notify_all();
  }

  std::function<void(const std::string&)> m_onError;
  std::mutex m_mutex;
  std::condition_variable m_wake, m_idle;
  std::deque<Task> m_tasks;
  std::set<std::string> m_waitingKeys;
  bool m_busy = false, m_stop = false;
  std::thread m_thread;  // last: starts once everything above exists
};

}  // namespace openrad::core
