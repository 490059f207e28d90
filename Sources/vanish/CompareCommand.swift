import ArgumentParser
import Foundation
import VanishCommands

/// `vanish compare EXPECTED ACTUAL`: compare PNG files or folders pixel by pixel, or against a hash library.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare PNG images (or folders of them) pixel by pixel, or with a hash library.",
        usage: """
            vanish compare EXPECTED ACTUAL [--out DIR] [--junit FILE] [--json FILE] [--threshold N] [--max-pixels K]
            vanish compare --hash-library FILE [EXPECTED] ACTUAL [--out DIR] [--junit FILE] [--json FILE]
            vanish compare --generate-hash-library FILE FOLDER
            vanish compare EXPECTED ACTUAL --accept [--dry-run] [--prune]
            """,
        discussion: """
            A pixel changed when its largest channel difference exceeds --threshold; \
            the comparison fails when more than --max-pixels pixels changed (both 0 by default: exact). \
            Folders are paired by relative path; missing and extra files are differences. \
            Symbolic links are followed inside a folder; a link leading out of it is refused. \
            Two folders without any PNG fail unless --allow-empty is given. \
            With --out DIR (outside both compared folders), diff pictures go to DIR, and for folders \
            also summary.md and summary.html (failures first; --embed puts every picture inside it).

            A hash library is a JSON object of relative path -> SHA-256 of the image's width, height \
            and 8-bit RGBA pixels; with EXPECTED too (hybrid), images whose hash differs get diff pictures.

            --accept copies differing and new images (and hashes) over the goldens and prints each \
            change; --prune also removes goldens whose image is gone. Refused when CI is set.

            Exit status:
              0  every image matches
              1  an image differs, or a file is missing or extra
              2  an input cannot be read (missing, not a PNG, truncated), or a usage error
                 (nothing to compare, an output inside a compared folder, --accept with CI set)
            """)

    @Argument(help: ArgumentHelp("EXPECTED and ACTUAL (PNG files or folders); one path with a hash library option.", valueName: "path"))
    var paths: [String] = []

    @Option(name: .long, help: ArgumentHelp("Largest channel difference (0-255) still counted as unchanged.", valueName: "n"))
    var threshold: Int = 0

    @Option(name: .long, help: ArgumentHelp("How many changed pixels are allowed per image.", valueName: "k"))
    var maxPixels: Int = 0

    @Option(name: .long, help: ArgumentHelp("Refuse images with more pixels than this before decoding them.", valueName: "n"))
    var maxImagePixels: Int = CompareRequest.defaultMaxImagePixels

    @Option(name: .long, help: ArgumentHelp("Folder for diff pictures and summaries (outside the compared folders).", valueName: "dir"))
    var out: String?

    @Flag(name: .long, help: "Put every picture inside summary.html (one self-contained file, for small suites).")
    var embed = false

    @Option(name: .long, help: ArgumentHelp("Write JUnit XML results here: one test case per image.", valueName: "file"))
    var junit: String?

    @Option(name: .long, help: ArgumentHelp("Write JSON results here: every image, every number.", valueName: "file"))
    var json: String?

    @Option(name: .long, help: ArgumentHelp("Check the actual images' pixel hashes against this JSON library.", valueName: "file"))
    var hashLibrary: String?

    @Option(name: .long, help: ArgumentHelp("Write a hash library of FOLDER's images here, and compare nothing.", valueName: "file"))
    var generateHashLibrary: String?

    @Flag(name: .long, help: "Pass when there is no PNG image to compare.")
    var allowEmpty = false

    @Flag(name: .long, help: "Copy differing and new images (or hashes) over the goldens.")
    var accept = false

    @Flag(name: .long, help: "With --accept: print what would change, change nothing.")
    var dryRun = false

    @Flag(name: .long, help: "With --accept: also remove goldens whose actual image is gone.")
    var prune = false

    func validate() throws {
        let onePath = generateHashLibrary != nil || (hashLibrary != nil && paths.count == 1)
        if paths.isEmpty {
            throw ValidationError("Missing expected argument '<path>'")
        }
        if paths.count > 2 || (generateHashLibrary != nil && paths.count != 1) {
            throw ValidationError("Give EXPECTED ACTUAL, or one folder with --generate-hash-library")
        }
        if paths.count == 1 && !onePath {
            throw ValidationError("Missing expected argument '<actual>'")
        }
    }

    func run() throws {
        let request = CompareRequest(
            expectedPath: paths.count == 2 ? paths[0] : nil, actualPath: paths[paths.count - 1],
            threshold: threshold, maxPixels: maxPixels, maxImagePixels: maxImagePixels,
            outputFolder: out, embed: embed, junitPath: junit, jsonPath: json,
            hashLibraryPath: hashLibrary, generateHashLibraryPath: generateHashLibrary,
            allowEmpty: allowEmpty, accept: accept, dryRun: dryRun, prune: prune)
        let status = CompareImages.run(
            request,
            output: { print($0) },
            errors: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
        if status != .match { throw ExitCode(status.rawValue) }
    }
}
