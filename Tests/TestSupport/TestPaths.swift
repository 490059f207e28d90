import Foundation

/// Paths inside the package checkout, for tests that read fixtures.
public enum TestPaths {
    /// The package's root folder (the one holding Package.swift).
    public static let packageRoot: URL = {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // TestSupport
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()
    }()

    public static let fixtures = packageRoot.appendingPathComponent("fixtures")

    /// A new empty folder under the system's temporary directory.
    public static func makeTemporaryFolder(_ prefix: String = "vanish-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
