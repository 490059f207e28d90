import Foundation

/// Accepting a comparison's differences as the new goldens: what to change, and changing it.
///
/// Writing into the expected folder is the whole point here; nothing else is
/// written. Differing and extra images are copied byte for byte from the
/// actual side; an expected image whose actual one is gone is removed only when
/// asked (`prune`). Unreadable pairs, and targets that are symbolic links or
/// lie (through a link) outside the expected folder, are left alone and said so.
public enum GoldenAcceptance {
    /// One change to the goldens.
    public struct Change: Hashable, Sendable {
        public enum Kind: String, Hashable, Sendable {
            /// An existing golden image gets the actual image's bytes.
            case replace = "replaced"
            /// A new golden image, copied from the actual side.
            case add = "added"
            /// A golden image (or hash) whose actual image is gone.
            case remove = "removed"
            /// A hash in the library set to the actual image's.
            case setHash = "hash set"
            /// A hash removed from the library.
            case removeHash = "hash removed"
        }

        public var kind: Kind
        public var relativePath: String
        /// The file copied from (for `replace` and `add`).
        public var source: String?
        /// The golden file written or removed, or the library.
        public var target: String
        /// The new hash (for `setHash`).
        public var hash: String?

        /// `replaced  sub/a.png: figures/sub/a.png -> golden/sub/a.png`.
        public var line: String {
            switch kind {
            case .replace, .add: return "\(kind.rawValue)  \(relativePath): \(source ?? "") -> \(target)"
            case .remove: return "removed  \(relativePath): \(target)"
            case .setHash: return "hash set  \(relativePath): \(HashLibrary.short(hash)) in \(target)"
            case .removeHash: return "hash removed  \(relativePath): from \(target)"
            }
        }
    }

    /// What accepting would do: the changes, and one line per difference left alone.
    public struct Plan: Hashable, Sendable {
        public var changes: [Change] = []
        public var leftAlone: [String] = []
    }

    /// The changes that make the goldens (the expected folder or file, and the hash library if any) equal the actual images.
    public static func plan(_ run: ComparisonRun, library: HashLibrary?, prune: Bool) -> Plan {
        var plan = Plan()
        let expectedRoot = run.expectedRoot
        let singleFile = expectedRoot.map { FileKind.of($0, following: true) == .regular } ?? false
        for file in run.files {
            switch file.status {
            case .match:
                continue
            case .unreadable:
                plan.leftAlone.append("not accepted  \(file.relativePath): \(file.reason)")
                continue
            case .missing where !prune:
                plan.leftAlone.append("kept  \(file.relativePath): \(file.reason) (--prune removes it)")
                continue
            case .missing, .differ, .extra:
                break
            }
            if let library, let libraryPath = library.path {
                if file.status == .missing {
                    plan.changes.append(Change(kind: .removeHash, relativePath: file.relativePath, target: libraryPath))
                } else if let hash = file.actualHash {
                    plan.changes.append(Change(kind: .setHash, relativePath: file.relativePath, target: libraryPath, hash: hash))
                }
            }
            guard let expectedRoot else { continue }
            let target = singleFile ? expectedRoot : file.expectedPath ?? joined(expectedRoot, file.relativePath)
            if let refusal = refusal(target: target, expectedRoot: expectedRoot, singleFile: singleFile) {
                plan.leftAlone.append("not accepted  \(file.relativePath): \(refusal)")
                continue
            }
            switch file.status {
            case .missing:
                if file.expectedPath != nil {
                    plan.changes.append(Change(kind: .remove, relativePath: file.relativePath, target: target))
                }
            case .differ, .extra:
                guard let source = file.actualPath else { continue }
                let exists = FileKind.of(target, following: false) != nil
                plan.changes.append(Change(
                    kind: exists ? .replace : .add, relativePath: file.relativePath, source: source, target: target))
            case .match, .unreadable:
                continue
            }
        }
        return plan
    }

    /// Makes the changes, each file written whole under a temporary name and renamed;
    /// the library is rewritten once with all its changes.
    public static func apply(_ plan: Plan, library: HashLibrary?) throws {
        var updated = library
        for change in plan.changes {
            switch change.kind {
            case .replace, .add:
                guard let source = change.source else { continue }
                let data: Data
                do {
                    data = try Data(contentsOf: URL(fileURLWithPath: source))
                } catch {
                    throw OutputWriteError(path: change.target, reason: "cannot read \(source)")
                }
                let target = URL(fileURLWithPath: change.target)
                try FileManager.default.createDirectory(
                    at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try ImageFiles.write(data, to: target)
            case .remove:
                do {
                    try FileManager.default.removeItem(atPath: change.target)
                } catch {
                    throw OutputWriteError(path: change.target, reason: "cannot remove it")
                }
            case .setHash:
                updated?.hashes[change.relativePath] = change.hash
            case .removeHash:
                updated?.hashes[change.relativePath] = nil
            }
        }
        if let updated, updated != library, let path = updated.path {
            try ImageFiles.write(updated.encoded(), to: URL(fileURLWithPath: path))
        }
    }

    /// Why `target` must not be written, or nil: it is a symbolic link, or its folder
    /// leads (through a link) outside the expected folder.
    static func refusal(target: String, expectedRoot: String, singleFile: Bool) -> String? {
        if FileKind.of(target, following: false) == .link {
            return "\(target) is a symbolic link; change the file it points to instead"
        }
        if singleFile { return nil }
        let rootReal = RealPath.of(expectedRoot)
        let folderReal = RealPath.of(URL(fileURLWithPath: target).deletingLastPathComponent().path)
        guard RealPath.isSameOrInside(folderReal, rootReal) else {
            return "\(target) would be written outside the expected folder \(expectedRoot) (through a symbolic link)"
        }
        return nil
    }

    static func joined(_ root: String, _ relative: String) -> String {
        (root.hasSuffix("/") ? root : root + "/") + relative
    }
}
