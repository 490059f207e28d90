import ArgumentParser
import Foundation
import VanishCommands

/// `vanish compare EXPECTED ACTUAL`: compare PNG files or folders pixel by pixel.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare PNG images (or folders of them) pixel by pixel.",
        discussion: """
            A pixel changed when its largest channel difference exceeds --threshold; \
            the comparison fails when more than --max-pixels pixels changed (both 0 by default: exact). \
            Folders are paired by relative path; missing and extra files are differences. \
            With --out, diff pictures go to DIR, and for folders also summary.md and summary.html.

            Exit status:
              0  every image matches
              1  an image differs, or a file is missing or extra
              2  an input cannot be read (missing, not a PNG, truncated), or a usage error
            """)

    @Argument(help: "The expected PNG file, or a folder of them.")
    var expected: String

    @Argument(help: "The actual PNG file, or a folder of them.")
    var actual: String

    @Option(name: .long, help: ArgumentHelp("Largest channel difference (0-255) still counted as unchanged.", valueName: "n"))
    var threshold: Int = 0

    @Option(name: .long, help: ArgumentHelp("How many changed pixels are allowed per image.", valueName: "k"))
    var maxPixels: Int = 0

    @Option(name: .long, help: ArgumentHelp("Folder for diff pictures and summaries.", valueName: "dir"))
    var out: String?

    func run() throws {
        let request = CompareRequest(
            expectedPath: expected, actualPath: actual, threshold: threshold, maxPixels: maxPixels,
            outputFolder: out)
        let status = CompareImages.run(
            request,
            output: { print($0) },
            errors: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
        if status != .match { throw ExitCode(status.rawValue) }
    }
}
