// A Napi::AsyncWorker that runs a C++ job off the event loop and settles a Promise.
#pragma once

#include <napi.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "common/native_error.h"

namespace neuroswipe {

/**
 * Runs `job` on a libuv worker thread (it must not touch any Napi value), then, back on the main
 * thread, resolves the promise with `settle(env)` or rejects it with an Error carrying the job's
 * exception message.
 */
class PromiseWorker : public Napi::AsyncWorker {
 public:
  using Job = std::function<void()>;
  using Settle = std::function<Napi::Value(Napi::Env)>;

  /** Queues the work and returns its promise. Inputs must already be copied into `job`. */
  static Napi::Promise Start(Napi::Env env, const char* name, Job job, Settle settle) {
    auto worker = std::make_unique<PromiseWorker>(env, name, std::move(job), std::move(settle));
    Napi::Promise promise = worker->deferred_.Promise();
    worker->Queue();
    worker.release();  // an AsyncWorker deletes itself once it has settled
    return promise;
  }

 protected:
  void Execute() override {
    try {
      job_();
    } catch (...) {
      SetError(CurrentExceptionMessage());
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    try {
      deferred_.Resolve(settle_(env));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    } catch (...) {
      deferred_.Reject(Napi::Error::New(env, CurrentExceptionMessage()).Value());
    }
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 public:
  PromiseWorker(Napi::Env env, const char* name, Job job, Settle settle)
      : Napi::AsyncWorker(env, name), deferred_(Napi::Promise::Deferred::New(env)), job_(std::move(job)),
        settle_(std::move(settle)) {}

 private:
  Napi::Promise::Deferred deferred_;
  Job job_;
  Settle settle_;
};

}  // namespace neuroswipe
