// SIGTERM / SIGINT handling for server mains, without signal handlers:
//
//   int main(int argc, char** argv) {
//     clientele::server::BlockTerminationSignals();  // First, before any thread starts.
//     ... start servers ...
//     int signal = clientele::server::WaitForTerminationSignal();
//     spdlog::info("signal {}: shutting down", signal);
//     server->Shutdown();
//   }
//
// Threads inherit the signal mask of the thread that creates them, so blocking the signals
// before any thread exists makes the kernel keep them pending for sigwait() instead of
// running the default action (killing the process) on some random thread.
#ifndef CLIENTELE_COMMON_SERVER_TERMINATION_SIGNALS_H_
#define CLIENTELE_COMMON_SERVER_TERMINATION_SIGNALS_H_

namespace clientele::server {

// Blocks SIGTERM and SIGINT in the calling thread (and so in every thread it creates
// afterwards).
void BlockTerminationSignals();

// Blocks the calling thread until SIGTERM or SIGINT arrives (or RequestTermination is
// called) and returns the signal number (SIGTERM for RequestTermination). Blocks the two
// signals in the calling thread itself, as sigwait() requires. Any number of threads may
// wait; a signal sent to the process wakes one of them.
int WaitForTerminationSignal();

// Makes every thread currently in WaitForTerminationSignal return SIGTERM; if none is
// waiting, the next call returns at once. Sends the signal only to the waiting threads,
// so it is safe even where other threads never blocked SIGTERM (e.g. in tests).
// Thread-safe; not async-signal-safe.
void RequestTermination();

}  // namespace clientele::server

#endif  // CLIENTELE_COMMON_SERVER_TERMINATION_SIGNALS_H_
