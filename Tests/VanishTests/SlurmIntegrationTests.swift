import Foundation
import Testing
import TestSupport
import VanishCommands

/// `examples/slurm` on a real Slurm: a one-node cluster started for the test (munged, slurmctld,
/// slurmd), the quick spec submitted as a job array of 4 shards with the merge as a dependent job,
/// and the merged report compared byte for byte with `vanish run quick` on this machine.
@Suite struct SlurmIntegrationTests {
    static let examples = TestPaths.packageRoot.appendingPathComponent("examples/slurm")

    /// The programs `local-slurm.sh` starts or calls, and which of them this machine lacks.
    static let missingPrograms: [String] = {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/sbin"
        let folders = path.split(separator: ":").map(String.init)
        return ["munged", "mungekey", "slurmctld", "slurmd", "sbatch", "sinfo", "scontrol", "scancel", "setpriv"].filter { program in
            !folders.contains { FileManager.default.isExecutableFile(atPath: $0 + "/" + program) }
        }
    }()

    /// Why the test cannot run here, printed as the reason it was skipped; nil: it runs.
    static let skipReason: String? = {
        if !missingPrograms.isEmpty {
            return "SKIPPED: the Slurm integration test needs \(missingPrograms.joined(separator: ", ")) "
                + "(apt-get install slurmctld slurmd slurm-client munge, as .ci/run and scripts/bootstrap do)"
        }
        if getuid() != 0 {
            return "SKIPPED: the Slurm integration test starts slurmd and munged, which needs root"
        }
        return nil
    }()

    /// Process ids of everything whose command line mentions `text`.
    static func processes(mentioning text: String) -> [String] {
        let own = String(getpid())
        let ids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return ids.filter { $0.allSatisfy(\.isNumber) && $0 != own }.filter { id in
            guard let data = FileManager.default.contents(atPath: "/proc/\(id)/cmdline") else { return false }
            return String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).contains(text)
        }
    }

    @Test(.enabled(if: skipReason == nil, Comment(rawValue: skipReason ?? "")))
    func aJobArrayOnALocalSlurmMergesToTheOneMachineReport() throws {
        let root = try TestPaths.makeTemporaryFolder("vanish-slurm")
        defer { try? FileManager.default.removeItem(at: root) }
        let process = Process()
        process.executableURL = Self.examples.appendingPathComponent("local-slurm.sh")
        process.arguments = [root.appendingPathComponent("cluster").path,
                             Self.examples.appendingPathComponent("submit.sh").path, "--wait",
                             "quick", root.appendingPathComponent("shards").path, root.appendingPathComponent("report").path, "4"]
        process.currentDirectoryURL = root
        var environment = ProcessInfo.processInfo.environment
        environment["VANISH"] = try VanishExecutable.url().path
        environment["LOCAL_SLURM_TIMEOUT"] = "240"
        process.environment = environment
        let log = root.appendingPathComponent("local-slurm.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "local-slurm.sh ended with \(process.terminationStatus):\n\(output)")
        #expect(output.contains("shards: job array"), "\(output)")
        // Every daemon the script started has stopped: nothing still names the cluster's folder.
        #expect(Self.processes(mentioning: root.appendingPathComponent("cluster").path).isEmpty, "daemons left running")

        // Each task wrote its shard; the merge job wrote the report, the same bytes as one machine's.
        for index in 0..<4 {
            let shard = root.appendingPathComponent("shards/\(index)/shard.json")
            #expect(FileManager.default.fileExists(atPath: shard.path), "shard \(index) missing:\n\(output)")
        }
        let one = root.appendingPathComponent("one")
        _ = try RunReport.run(RunRequest(specOrPreset: "quick", outputFolder: one.path))
        let expected = try ShardMergeTests.files(of: one)
        let merged = try ShardMergeTests.files(of: root.appendingPathComponent("report"))
        #expect(expected.count == 26)
        #expect(merged.keys.sorted() == expected.keys.sorted())
        for (path, bytes) in expected where merged[path] != bytes {
            Issue.record("\(path) of the Slurm merge differs from the one-machine run")
        }
    }
}
