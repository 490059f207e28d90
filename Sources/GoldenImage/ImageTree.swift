import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `*.png` files below a compared folder, by relative path, found by rules that cannot hide an image.
///
/// - Symbolic links are followed while they stay inside the folder (a linked
///   file is compared under the link's own relative path; a linked folder is
///   searched like a real one). A link that leaves the folder, or leads
///   nowhere, is *refused*: it is listed with the reason, so the comparison
///   fails instead of skipping it.
/// - A link back to a folder that is already being searched (a loop) is not
///   followed again: everything below it is listed through its real path.
/// - Anything named `*.png` that is not a regular file (a folder's link to a
///   FIFO or a device) is refused, never opened.
/// - Names starting with `.` (hidden files and folders) are not searched.
public struct ImageTree: Sendable {
    /// What one relative path holds.
    public enum Entry: Hashable, Sendable {
        /// A PNG file to read; the path is the one the user sees (through the folder given).
        case image(path: String)
        /// Something that must not be read, with one line saying why.
        case refused(path: String, reason: String)

        public var path: String {
            switch self {
            case .image(let path), .refused(let path, _): return path
            }
        }
    }

    /// The folder as given.
    public var root: URL
    /// Every entry by relative path (`/`-separated).
    public var entries: [String: Entry]

    /// More entries than this end the search with an error: links that repeat folders can multiply paths.
    public static let maxEntries = 1_000_000

    /// Searches `root` (a folder).
    ///
    /// - Throws: `ImageTreeError` when the folder cannot be listed or holds too many entries.
    public init(root: URL) throws(ImageTreeError) {
        self.root = root
        guard let real = RealPath.ofExisting(root.path) else {
            throw ImageTreeError(path: root.path, reason: "no such folder")
        }
        var search = Search(rootReal: real, shownRoot: root.path, entries: [:])
        try search.walk(realFolder: real, relative: "", ancestors: [real])
        entries = search.entries
    }

    /// One file, under its own name (single-file comparisons).
    public init(file: URL, name: String? = nil) {
        root = file
        entries = [name ?? file.lastPathComponent: .image(path: file.path)]
    }

    /// The relative paths, sorted.
    public var relativePaths: [String] { entries.keys.sorted() }

    private struct Search {
        let rootReal: String
        let shownRoot: String
        var entries: [String: Entry]
        var visited = 0

        mutating func walk(realFolder: String, relative: String, ancestors: Set<String>) throws(ImageTreeError) {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: realFolder).sorted()
            } catch {
                throw ImageTreeError(path: shown(relative), reason: "cannot list the folder")
            }
            for name in names where !name.hasPrefix(".") {
                visited += 1
                guard visited <= ImageTree.maxEntries else {
                    throw ImageTreeError(
                        path: shownRoot,
                        reason: "more than \(ImageTree.maxEntries) entries (do symbolic links repeat folders?)")
                }
                let realPath = realFolder + "/" + name
                let relativePath = relative + name
                let isPNGName = name.lowercased().hasSuffix(".png")
                let shownPath = shown(relativePath)
                guard let kind = FileKind.of(realPath, following: false) else { continue }
                if kind == .folder {
                    try walk(realFolder: realPath, relative: relativePath + "/", ancestors: ancestors.union([realPath]))
                    continue
                }
                if kind != .link {
                    if isPNGName {
                        entries[relativePath] = kind == .regular
                            ? .image(path: shownPath)
                            : .refused(path: shownPath, reason: "\(shownPath): not a regular file")
                    }
                    continue
                }
                // A symbolic link: where does it lead?
                guard let target = RealPath.ofExisting(realPath), let targetKind = FileKind.of(target, following: false) else {
                    if isPNGName {
                        entries[relativePath] = .refused(path: shownPath, reason: "\(shownPath): symbolic link to nothing")
                    }
                    continue
                }
                let inside = RealPath.isSameOrInside(target, rootReal)
                if targetKind == .folder {
                    guard inside else {
                        entries[relativePath] = .refused(
                            path: shownPath,
                            reason: "\(shownPath): symbolic link to \(target), outside the compared folder \(shownRoot)")
                        continue
                    }
                    // A loop: this folder is already being searched further up.
                    if ancestors.contains(target) { continue }
                    try walk(realFolder: target, relative: relativePath + "/", ancestors: ancestors.union([target]))
                    continue
                }
                guard isPNGName else { continue }
                if !inside {
                    entries[relativePath] = .refused(
                        path: shownPath,
                        reason: "\(shownPath): symbolic link to \(target), outside the compared folder \(shownRoot)")
                } else if targetKind != .regular {
                    entries[relativePath] = .refused(path: shownPath, reason: "\(shownPath): not a regular file")
                } else {
                    entries[relativePath] = .image(path: shownPath)
                }
            }
        }

        func shown(_ relative: String) -> String {
            relative.isEmpty ? shownRoot : (shownRoot.hasSuffix("/") ? shownRoot : shownRoot + "/") + relative
        }
    }
}

/// A compared folder that could not be searched.
public struct ImageTreeError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String

    public var description: String { "\(path): \(reason)" }
}

/// What a path names, without opening it.
enum FileKind {
    case regular, folder, link, other

    /// The kind of `path`; with `following` false a symbolic link is `.link`. Nil when nothing is there.
    static func of(_ path: String, following: Bool) -> FileKind? {
        var info = stat()
        let status = following ? stat(path, &info) : lstat(path, &info)
        guard status == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .folder
        case S_IFLNK: return .link
        default: return .other
        }
    }
}

/// Paths with every symbolic link and `..` resolved, to tell whether one folder lies inside another.
public enum RealPath {
    /// The canonical path of something that exists, or nil.
    public static func ofExisting(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The canonical path of `path`, which need not exist yet: its deepest existing
    /// ancestor resolved, the rest appended as written (without `.` and `..`).
    public static func of(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var existing = absolute
        var rest: [String] = []
        while ofExisting(existing) == nil, existing != "/" {
            let url = URL(fileURLWithPath: existing)
            rest.insert(url.lastPathComponent, at: 0)
            existing = url.deletingLastPathComponent().path
        }
        var components = (ofExisting(existing) ?? "/").split(separator: "/").map(String.init)
        for part in rest {
            switch part {
            case "", ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(part)
            }
        }
        return "/" + components.joined(separator: "/")
    }

    /// True when canonical path `path` is `folder` or lies below it.
    public static func isSameOrInside(_ path: String, _ folder: String) -> Bool {
        path == folder || path.hasPrefix(folder == "/" ? "/" : folder + "/")
    }
}
