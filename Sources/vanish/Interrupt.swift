import Dispatch
import Foundation
import GradientData
import VanishCommands

/// Ctrl-C while vanish trains or writes: the first stops the work at its next step (nothing is
/// written, exit 130); a second one ends vanish at once.
///
/// A class because it owns the signal source, which must live as long as the command runs.
final class Interrupt {
    /// Set by the first SIGINT; training and writing check it.
    let flag = CancellationFlag()
    private let source: DispatchSourceSignal

    /// Routes SIGINT to `flag` (instead of ending the process) until `uninstall()`.
    init() {
        let flag = self.flag
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            if flag.isCancelled {
                // No half-written staging folder is left behind, even now.
                StagedOutput.discardAll()
                FileHandle.standardError.write(Data("\ninterrupted twice: stopped at once, nothing was written\n".utf8))
                _exit(130)
            }
            flag.cancel()
            FileHandle.standardError.write(Data("\nstopping (Ctrl-C again to stop at once)…\n".utf8))
        }
        source.resume()
    }

    /// Gives SIGINT back its default action (end the process).
    func uninstall() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
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
        """
}
