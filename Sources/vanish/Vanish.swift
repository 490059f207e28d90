import ArgumentParser
import Foundation
import MLPTraining
import VanishCommands

@main
struct Vanish: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vanish",
        abstract: "Train deep networks and draw how their gradients vanish.",
        discussion: ExitStatus.help,
        subcommands: [
            RunCommand.self,
            PresetsCommand.self,
            TrainCommand.self,
            RenderCommand.self,
            AnimateCommand.self,
            CompareCommand.self,
            BenchCommand.self,
        ],
        defaultSubcommand: RunCommand.self)

    /// Runs the command; usage errors and bad input exit with status 2 (not ArgumentParser's 64 or 1).
    ///
    /// Scripts and CI tell "the images differ" (1) from "the call was wrong" (2),
    /// as with diff and cmp; Ctrl-C exits 130, as shells report it.
    static func main() {
        // OpenBLAS's worker threads, started as it loaded, would spin for 0.1 s beside any command.
        configureBLAS()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let interrupted as Interrupted {
            FileHandle.standardError.write(Data((interrupted.description + "\n").utf8))
            Foundation.exit(Interrupt.exitStatus)
        } catch {
            // Help, version and explicit exit statuses (compare's 1) keep ArgumentParser's handling.
            if error is ExitCode || exitCode(for: error) == .success { exit(withError: error) }
            var line = "Error: " + message(for: error)
            // Keep the pointer to help, on the same line.
            let lines = fullMessage(for: error).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            if var hint = lines.last(where: { $0.hasPrefix("See '") }) {
                if hint.hasSuffix(".") { hint.removeLast() }
                line += " (" + hint.prefix(1).lowercased() + hint.dropFirst() + ")"
            }
            FileHandle.standardError.write(Data((line + "\n").utf8))
            Foundation.exit(2)
        }
    }
}
