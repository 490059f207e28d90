import Dispatch
import Foundation
import GradientData
import VanishCommands

/// Ctrl-C, SIGTERM or SIGHUP while vanish trains or writes: the first stops the work at its next
/// step (nothing is written; exit 130, 143 or 129); a second one ends vanish at once, after
/// removing what it had staged. Once the output is being moved into place the move finishes
/// (it takes moments): the signal is then too late, and the output is complete.
///
/// A class because it owns the signal sources, which must live as long as the command runs.
final class Interrupt {
    /// Set by the first signal; training and writing check it.
    let flag = CancellationFlag()
    private var sources: [DispatchSourceSignal] = []

    /// The signals handled, each the way Ctrl-C is.
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// The first signal received, for the exit status (128 + its number); 0 before any.
    nonisolated(unsafe) private static var received: Int32 = 0
    private static let lock = NSLock()

    /// The exit status after an interruption: 128 + the first signal's number (130 for Ctrl-C).
    static var exitStatus: Int32 {
        lock.lock()
        defer { lock.unlock() }
        return 128 + (received == 0 ? SIGINT : received)
    }

    /// Routes SIGINT, SIGTERM and SIGHUP to `flag` (instead of ending the process).
    ///
    /// - Parameter stopAtOnce: for commands whose only output is temporary (`bench`): the first
    ///   signal removes it and ends the process.
    init(stopAtOnce: Bool = false) {
        let flag = self.flag
        for number in Self.signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { Self.handle(number, flag: flag, stopAtOnce: stopAtOnce) }
            source.resume()
            sources.append(source)
        }
    }

    private static func handle(_ number: Int32, flag: CancellationFlag, stopAtOnce: Bool) {
        lock.lock()
        if received == 0 { received = number }
        let status = 128 + received
        lock.unlock()
        let name = number == SIGINT ? "Ctrl-C" : number == SIGTERM ? "SIGTERM" : "SIGHUP"
        if stopAtOnce || flag.isCancelled {
            // Writers finish the file in hand and start no other; then nothing staged is left behind.
            StagedOutput.stopAllWritingAndDiscard()
            let again = stopAtOnce ? "" : " twice"
            FileHandle.standardError.write(Data("\ninterrupted\(again): stopped at once, nothing was written\n".utf8))
            _exit(status)
        }
        // Too late once the output is being moved into place: the run completes.
        guard flag.cancel() else { return }
        FileHandle.standardError.write(Data("\nstopping (\(name) again to stop at once)…\n".utf8))
    }

    /// Stops listening. Signals stay ignored: a command that got this far finishes as it is.
    func uninstall() {
        for source in sources { source.cancel() }
    }
}

/// The exit statuses of every command, for `--help`.
enum ExitStatus {
    static let help = """
        Exit status:
          0    success
          1    vanish compare: images differ, or a file is missing or extra
          2    bad input or usage (spec, data, history, output folder, options)
          130  interrupted (Ctrl-C): nothing was written
          143  stopped by SIGTERM (129: SIGHUP): nothing was written
        """
}
