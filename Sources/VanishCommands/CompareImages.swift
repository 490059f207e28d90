import CairoBackend
import Foundation
import GoldenImage

/// What `vanish compare` is asked to do.
public struct CompareRequest: Sendable {
    /// A PNG file or a folder of them; nil in hash mode without images (`--hash-library H ACTUAL`).
    public var expectedPath: String?
    /// A PNG file, or a folder when `expectedPath` is one; the folder to hash with `generateHashLibrary`.
    public var actualPath: String
    public var threshold: Int
    public var maxPixels: Int
    /// Images with more pixels are refused before decoding.
    public var maxImagePixels: Int
    /// Where diff pictures (and, for folders, summaries) go; none when nil.
    public var outputFolder: String?
    /// Summary pictures inside summary.html instead of beside it.
    public var embed: Bool
    /// Where to write JUnit XML, if anywhere.
    public var junitPath: String?
    /// Where to write the JSON results, if anywhere.
    public var jsonPath: String?
    /// The hash library to check the actual images against.
    public var hashLibraryPath: String?
    /// Write a hash library of `actualPath` here instead of comparing.
    public var generateHashLibraryPath: String?
    /// Two folders without any PNG pass instead of failing.
    public var allowEmpty: Bool
    /// Copy differing and new images (or hashes) over the goldens.
    public var accept: Bool
    /// With `accept`: say what would change, change nothing.
    public var dryRun: Bool
    /// With `accept`: also remove goldens whose actual image is gone.
    public var prune: Bool
    /// The environment, for `CI`.
    public var environment: [String: String]

    public init(expectedPath: String?, actualPath: String, threshold: Int = 0, maxPixels: Int = 0,
                maxImagePixels: Int = CompareRequest.defaultMaxImagePixels,
                outputFolder: String? = nil, embed: Bool = false, junitPath: String? = nil, jsonPath: String? = nil,
                hashLibraryPath: String? = nil, generateHashLibraryPath: String? = nil, allowEmpty: Bool = false,
                accept: Bool = false, dryRun: Bool = false, prune: Bool = false,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.expectedPath = expectedPath
        self.actualPath = actualPath
        self.threshold = threshold
        self.maxPixels = maxPixels
        self.maxImagePixels = maxImagePixels
        self.outputFolder = outputFolder
        self.embed = embed
        self.junitPath = junitPath
        self.jsonPath = jsonPath
        self.hashLibraryPath = hashLibraryPath
        self.generateHashLibraryPath = generateHashLibraryPath
        self.allowEmpty = allowEmpty
        self.accept = accept
        self.dryRun = dryRun
        self.prune = prune
        self.environment = environment
    }

    /// The range `--threshold` accepts: a channel difference.
    public static let thresholdRange = 0...255

    /// Images with more pixels are refused unless `--max-image-pixels` says otherwise.
    public static let defaultMaxImagePixels = ComparisonSettings.defaultMaxImagePixels

    /// True when `CI` says this is a CI machine (GitHub Actions, GitLab and others set it).
    public var isCI: Bool {
        let value = environment["CI"]?.lowercased() ?? ""
        return !value.isEmpty && value != "false" && value != "0"
    }
}

/// The exit status of `vanish compare`, as scripts see it.
public enum CompareStatus: Int32, Sendable {
    /// Every pair matched (identical or within tolerance).
    case match = 0
    /// At least one pair differs, or a file is missing or extra.
    case differ = 1
    /// A usage error or an input that cannot be read.
    case trouble = 2
}

/// A request that cannot run: one line, exit status 2, nothing written.
struct CompareRefusal: Error, CustomStringConvertible {
    var description: String
}

/// The logic of `vanish compare`: reads, compares, writes pictures and reports, accepts, and says what it found.
public enum CompareImages {
    /// Runs a comparison; `output` gets the human summary, `errors` one line per problem.
    public static func run(
        _ request: CompareRequest, output: (String) -> Void, errors: (String) -> Void
    ) -> CompareStatus {
        do {
            if let library = request.generateHashLibraryPath {
                try generate(library, request, output: output)
                return .match
            }
            return try compare(request, output: output, errors: errors)
        } catch let refusal as CompareRefusal {
            errors(refusal.description)
        } catch {
            errors("\(error)")
        }
        return .trouble
    }

    // MARK: Comparing

    static func compare(
        _ request: CompareRequest, output: (String) -> Void, errors: (String) -> Void
    ) throws -> CompareStatus {
        try checkSettings(request)
        let actualKind = kind(of: request.actualPath)
        guard actualKind != .none else { throw CompareRefusal(description: "\(request.actualPath): no such file or folder") }
        if let expected = request.expectedPath {
            let found = kind(of: expected)
            guard found != .none else { throw CompareRefusal(description: "\(expected): no such file or folder") }
            if found != actualKind {
                let folder = found == .folder ? expected : request.actualPath
                let file = found == .folder ? request.actualPath : expected
                throw CompareRefusal(description: "vanish compare: \(folder) is a folder but \(file) is a file; give two files or two folders")
            }
        } else if request.hashLibraryPath == nil {
            throw CompareRefusal(description: "vanish compare: give EXPECTED and ACTUAL, or --hash-library FILE and ACTUAL")
        }
        if request.accept && !request.dryRun && request.isCI {
            throw CompareRefusal(description: "vanish compare: --accept is refused when CI is set: accept new goldens on your own machine and commit them (--dry-run shows what would change)")
        }
        if (request.dryRun || request.prune) && !request.accept {
            throw CompareRefusal(description: "vanish compare: --dry-run and --prune go with --accept")
        }
        let folders = actualKind == .folder
        try checkTargets(request, folders: folders)

        let library = try request.hashLibraryPath.map { path throws -> HashLibrary in
            do {
                return try HashLibrary.read(from: URL(fileURLWithPath: path))
            } catch {
                throw CompareRefusal(description: "\(error)")
            }
        }
        let settings = ComparisonSettings(
            threshold: request.threshold, maxPixels: request.maxPixels, maxImagePixels: request.maxImagePixels)
        let actualURL = URL(fileURLWithPath: request.actualPath)
        let expectedURL = request.expectedPath.map { URL(fileURLWithPath: $0) }
        let outputFolder = request.outputFolder.map { URL(fileURLWithPath: $0) }

        let run: ComparisonRun
        if folders {
            let actualTree = try tree(actualURL)
            let expectedTree = try expectedURL.map { try tree($0) }
            let found = actualTree.entries.count + (expectedTree?.entries.count ?? 0) + (library?.hashes.count ?? 0)
            if found == 0 && !request.allowEmpty {
                let inputs = [request.hashLibraryPath, request.expectedPath, request.actualPath].compactMap { $0 }
                throw CompareRefusal(description: "vanish compare: no PNG image in \(inputs.joined(separator: " or ")): nothing was compared (--allow-empty accepts that)")
            }
            try createOutputFolder(outputFolder)
            if let library {
                run = try ImageFiles.compareHashes(
                    library: library, actual: actualTree, expected: expectedTree, settings: settings,
                    outputFolder: outputFolder)
            } else if let expectedTree {
                run = try ImageFiles.compareFolders(
                    expected: expectedTree, actual: actualTree, settings: settings, outputFolder: outputFolder)
            } else {
                throw CompareRefusal(description: "vanish compare: nothing to compare \(request.actualPath) with")
            }
        } else {
            try createOutputFolder(outputFolder)
            if let library {
                let name = actualURL.lastPathComponent
                run = try ImageFiles.compareHashes(
                    library: library, actual: ImageTree(file: actualURL),
                    expected: expectedURL.map { ImageTree(file: $0, name: name) },
                    settings: settings, outputFolder: outputFolder)
            } else if let expectedURL {
                let file = try ImageFiles.compareFiles(
                    expected: expectedURL, actual: actualURL, settings: settings, outputFolder: outputFolder)
                run = ComparisonRun(
                    expectedRoot: expectedURL.path, actualRoot: actualURL.path, settings: settings, files: [file])
            } else {
                throw CompareRefusal(description: "vanish compare: nothing to compare \(request.actualPath) with")
            }
        }
        return try report(run, library: library, request, folders: folders, output: output, errors: errors)
    }

    /// Prints what was found, writes summaries and reports, accepts when asked; the exit status.
    static func report(
        _ found: ComparisonRun, library: HashLibrary?, _ request: CompareRequest, folders: Bool,
        output: (String) -> Void, errors: (String) -> Void
    ) throws -> CompareStatus {
        var run = found
        let single = !folders && run.files.count == 1
        for file in run.filesFailuresFirst where single || file.status != .match || file.comparison.map({ $0.outcome != .identical }) == true {
            output(file.line)
            if let diff = file.diffPath { output("  diff: \(diff)") }
            if let side = file.sideBySidePath { output("  expected | actual | diff: \(side)") }
        }
        if folders {
            output(run.totals)
            if let folder = request.outputFolder {
                run.summaryPaths = try ComparisonSummary.write(run, to: URL(fileURLWithPath: folder), embed: request.embed)
                output("summary: " + run.summaryPaths.joined(separator: ", "))
            }
        }
        if let path = request.junitPath {
            try write(ComparisonReports.junit(run), to: path)
            output("JUnit: \(path)")
        }
        if let path = request.jsonPath {
            try write(ComparisonReports.json(run), to: path)
            output("JSON: \(path)")
        }
        for file in run.files where file.status == .unreadable { errors(file.problem ?? file.relativePath) }

        var status: CompareStatus = run.count(.unreadable) > 0 ? .trouble : (run.passed ? .match : .differ)
        guard request.accept else { return status }
        let plan = GoldenAcceptance.plan(run, library: library, prune: request.prune)
        for change in plan.changes { output((request.dryRun ? "would be " : "") + change.line) }
        for line in plan.leftAlone { output(line) }
        if plan.changes.isEmpty { output(request.dryRun ? "nothing would change" : "nothing changed") }
        guard !request.dryRun else { return status }
        try GoldenAcceptance.apply(plan, library: library)
        if status != .trouble { status = plan.leftAlone.isEmpty ? .match : .differ }
        return status
    }

    // MARK: Generating a hash library

    static func generate(_ libraryPath: String, _ request: CompareRequest, output: (String) -> Void) throws {
        try checkSettings(request)
        if request.expectedPath != nil || request.hashLibraryPath != nil || request.accept || request.outputFolder != nil
            || request.junitPath != nil || request.jsonPath != nil {
            throw CompareRefusal(description: "vanish compare: --generate-hash-library FILE takes one folder (or PNG file) and no other output or comparison option")
        }
        let kind = kind(of: request.actualPath)
        guard kind != .none else { throw CompareRefusal(description: "\(request.actualPath): no such file or folder") }
        let source = URL(fileURLWithPath: request.actualPath)
        let tree = kind == .folder ? try tree(source) : ImageTree(file: source)
        if kind == .folder {
            try refuseInside(libraryPath, what: "--generate-hash-library", folders: [request.actualPath])
        } else if RealPath.of(libraryPath) == RealPath.of(request.actualPath) {
            throw CompareRefusal(description: "vanish compare: --generate-hash-library \(libraryPath) is the image it would hash")
        }
        if tree.entries.isEmpty && !request.allowEmpty {
            throw CompareRefusal(description: "vanish compare: no PNG image in \(request.actualPath): nothing to hash (--allow-empty writes an empty library)")
        }
        var library = HashLibrary(path: libraryPath)
        for path in tree.relativePaths {
            switch tree.entries[path] {
            case .image(let file)?:
                do {
                    let image = try PNGCodec.decode(contentsOf: URL(fileURLWithPath: file), maxPixels: request.maxImagePixels)
                    library.hashes[path] = HashLibrary.hash(of: image)
                } catch {
                    throw CompareRefusal(description: error.description)
                }
            case .refused(_, let reason)?:
                throw CompareRefusal(description: reason)
            case nil:
                continue
            }
        }
        try write(String(decoding: library.encoded(), as: UTF8.self), to: libraryPath)
        output("\(library.hashes.count) \(library.hashes.count == 1 ? "hash" : "hashes") of \(request.actualPath) written to \(libraryPath)")
    }

    // MARK: Checks made before anything is read or written

    static func checkSettings(_ request: CompareRequest) throws {
        guard CompareRequest.thresholdRange.contains(request.threshold) else {
            throw CompareRefusal(description: "vanish compare: --threshold must be between 0 and 255, got \(request.threshold)")
        }
        guard request.maxPixels >= 0 else {
            throw CompareRefusal(description: "vanish compare: --max-pixels must be 0 or more, got \(request.maxPixels)")
        }
        guard request.maxImagePixels >= 1 else {
            throw CompareRefusal(description: "vanish compare: --max-image-pixels must be 1 or more, got \(request.maxImagePixels)")
        }
    }

    /// Refuses outputs that could land in, or on, what is compared: the compared folders are
    /// never written into (except by `--accept`), and no output replaces an input file.
    static func checkTargets(_ request: CompareRequest, folders: Bool) throws {
        let inputFiles = ([request.hashLibraryPath] + (folders ? [] : [request.expectedPath, request.actualPath])).compactMap { $0 }
        let comparedFolders = folders ? [request.expectedPath, request.actualPath].compactMap { $0 } : []
        if let out = request.outputFolder {
            let outReal = RealPath.of(out)
            for folder in comparedFolders {
                let folderReal = RealPath.of(folder)
                if outReal == folderReal {
                    throw CompareRefusal(description: "vanish compare: --out \(out) is the compared folder \(folder); choose a folder outside both compared folders")
                }
                if RealPath.isSameOrInside(outReal, folderReal) {
                    throw CompareRefusal(description: "vanish compare: --out \(out) is inside the compared folder \(folder); choose a folder outside both compared folders")
                }
                if RealPath.isSameOrInside(folderReal, outReal) {
                    throw CompareRefusal(description: "vanish compare: --out \(out) contains the compared folder \(folder); choose a folder outside both compared folders")
                }
            }
            for input in inputFiles where RealPath.isSameOrInside(outReal, RealPath.of(input)) {
                throw CompareRefusal(description: "vanish compare: --out \(out) is the input file \(input)")
            }
            if !folders {
                let name = URL(fileURLWithPath: request.actualPath).deletingPathExtension().lastPathComponent
                for suffix in ["-diff.png", "-side-by-side.png", "-actual.png", "-expected.png"] {
                    let target = RealPath.of(URL(fileURLWithPath: out).appendingPathComponent(name + suffix).path)
                    for input in inputFiles where RealPath.of(input) == target {
                        throw CompareRefusal(description: "vanish compare: --out \(out) would overwrite the input \(input) with \(name + suffix)")
                    }
                }
            }
        }
        for (option, path) in [("--junit", request.junitPath), ("--json", request.jsonPath)] {
            guard let path else { continue }
            try refuseInside(path, what: option, folders: comparedFolders)
            let real = RealPath.of(path)
            for input in inputFiles where RealPath.of(input) == real {
                throw CompareRefusal(description: "vanish compare: \(option) \(path) is the input file \(input)")
            }
            if kind(of: path) == .folder {
                throw CompareRefusal(description: "vanish compare: \(option) \(path) is a folder; give a file name")
            }
            // compare writes its summaries and pictures into --out: a report there must not share a name with them.
            if let out = request.outputFolder, RealPath.isSameOrInside(real, RealPath.of(out)) {
                let name = URL(fileURLWithPath: path).lastPathComponent
                if ["summary.md", "summary.html"].contains(name) || name.lowercased().hasSuffix(".png") {
                    throw CompareRefusal(description: "vanish compare: \(option) \(path) would overwrite a file compare writes into --out \(out); choose another name")
                }
            }
        }
        if let junit = request.junitPath, let json = request.jsonPath, RealPath.of(junit) == RealPath.of(json) {
            throw CompareRefusal(description: "vanish compare: --junit and --json name the same file \(junit)")
        }
    }

    /// Refuses a file target inside (or through a link inside) one of `folders`.
    static func refuseInside(_ path: String, what option: String, folders: [String]) throws {
        let real = RealPath.of(path)
        for folder in folders where RealPath.isSameOrInside(real, RealPath.of(folder)) {
            throw CompareRefusal(description: "vanish compare: \(option) \(path) is inside the compared folder \(folder); write it elsewhere")
        }
    }

    static func tree(_ folder: URL) throws -> ImageTree {
        do {
            return try ImageTree(root: folder)
        } catch {
            throw CompareRefusal(description: error.description)
        }
    }

    static func createOutputFolder(_ folder: URL?) throws {
        guard let folder else { return }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw CompareRefusal(description: "\(folder.path): cannot create the output folder")
        }
    }

    static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw CompareRefusal(description: "\(path): cannot write (\((error as NSError).localizedDescription))")
        }
    }

    enum PathKind { case none, file, folder }

    static func kind(of path: String) -> PathKind {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return .none }
        return isFolder.boolValue ? .folder : .file
    }
}
