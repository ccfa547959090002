// A small pool for "run these tasks on n threads": tasks are handed out dynamically,
// the first exception thrown by a task stops the run and is rethrown on the caller's
// thread, and the caller's thread polls an interrupt check (Ctrl-C from Python) while
// the workers run.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace fastit {

// Thrown when the interrupt check asked the run to stop.
struct Interrupted : std::exception {
    const char* what() const noexcept override { return "interrupted"; }
};

struct Parallel {
    int n_threads = 1;
    // Returns true when the run should stop. Called only from the caller's thread.
    std::function<bool()> interrupted;

    // Runs body(t) for every t in [0, n_tasks).
    void run(std::size_t n_tasks, const std::function<void(std::size_t)>& body) const {
        if (n_tasks == 0) return;
        const auto poll = std::chrono::milliseconds(50);
        const std::size_t n_workers =
            std::min<std::size_t>(static_cast<std::size_t>(std::max(n_threads, 1)), n_tasks);
        if (n_workers == 1) {
            auto last = std::chrono::steady_clock::now();
            for (std::size_t t = 0; t < n_tasks; ++t) {
                body(t);
                auto now = std::chrono::steady_clock::now();
                if (now - last > poll) {
                    last = now;
                    if (interrupted && interrupted()) throw Interrupted();
                }
            }
            return;
        }

        std::atomic<std::size_t> next{0};
        std::atomic<bool> stop{false};
        std::exception_ptr error;
        std::mutex mutex;
        std::condition_variable finished;
        std::size_t n_finished = 0;

        auto work = [&] {
            try {
                while (!stop.load(std::memory_order_relaxed)) {
                    std::size_t t = next.fetch_add(1, std::memory_order_relaxed);
                    if (t >= n_tasks) break;
                    body(t);
                }
            } catch (...) {
                std::lock_guard<std::mutex> lock(mutex);
                if (!error) error = std::current_exception();
                stop = true;
            }
            std::lock_guard<std::mutex> lock(mutex);
            ++n_finished;
            finished.notify_one();
        };

        std::vector<std::thread> workers;
        workers.reserve(n_workers);
        try {
            for (std::size_t w = 0; w < n_workers; ++w) workers.emplace_back(work);
        } catch (...) {
            // Could not start every thread: let the started ones finish the work.
            if (workers.empty()) throw;
        }
        const std::size_t n_started = workers.size();
        bool was_interrupted = false;
        {
            std::unique_lock<std::mutex> lock(mutex);
            while (n_finished < n_started) {
                if (finished.wait_for(lock, poll, [&] { return n_finished >= n_started; })) break;
                if (!was_interrupted && interrupted) {
                    lock.unlock();
                    bool asked = interrupted();
                    lock.lock();
                    if (asked) {
                        was_interrupted = true;
                        stop = true;
                    }
                }
            }
        }
        for (auto& w : workers) w.join();
        if (error) std::rethrow_exception(error);
        if (was_interrupted) throw Interrupted();
    }

    // Runs the given jobs concurrently (at most n_threads at a time).
    void run_all(const std::vector<std::function<void()>>& jobs) const {
        run(jobs.size(), [&](std::size_t t) { jobs[t](); });
    }
};

// Fixed-size blocks over [0, n): block boundaries never depend on the thread count, so
// per-block partial sums add up to the same total for every n_jobs.
struct Blocks {
    std::size_t n, size;
    std::size_t count() const { return (n + size - 1) / size; }
    std::size_t begin(std::size_t b) const { return b * size; }
    std::size_t end(std::size_t b) const { return std::min(n, (b + 1) * size); }
};

}  // namespace fastit
