import ArgumentParser
import Foundation

@main
struct Vanish: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vanish",
        abstract: "Train deep networks and draw how their gradients vanish.",
        subcommands: [
            RunCommand.self,
            PresetsCommand.self,
            TrainCommand.self,
            RenderCommand.self,
            CompareCommand.self,
            BenchCommand.self,
        ],
        defaultSubcommand: RunCommand.self)

    /// Runs the command; usage errors exit with status 2 (not ArgumentParser's 64).
    ///
    /// Scripts and CI tell "the images differ" (1) from "the call was wrong" (2),
    /// as with diff and cmp.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
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
