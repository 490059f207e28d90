import Foundation
import Testing
import TestSupport
import VanishCommands

/// `examples/kubernetes`: the Indexed Job's and the merge Job's commands, run as their pods would
/// run them (index by index, the volumes as local folders), give the one-machine report.
@Suite struct KubernetesExampleTests {
    static let folder = TestPaths.packageRoot.appendingPathComponent("examples/kubernetes")

    /// The shell command of the container in `file`: the `args` item, its folded lines joined as YAML does.
    static func command(in file: String) throws -> String {
        let lines = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8).split(separator: "\n").map(String.init)
        let start = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "args:" })
        let first = lines[start + 1]
        let indent = first.prefix { $0 == " " }.count
        #expect(first.dropFirst(indent).hasPrefix("- "))
        var text = String(first.dropFirst(indent + 2))
        for line in lines[(start + 2)...] {
            guard line.prefix(while: { $0 == " " }).count > indent + 1 else { break }
            text += " " + line.trimmingCharacters(in: .whitespaces)
        }
        return text
    }

    /// The value of the first `key: value` line of `file`.
    static func value(of key: String, in file: String) throws -> String {
        let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(key + ":") })
        return line.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)
    }

    static func shell(_ command: String, environment: [String: String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func theJobsCommandsRunAsPodsGiveTheOneMachineReport() throws {
        #expect(try Self.value(of: "completionMode", in: "shards-job.yaml") == "Indexed")
        let completions = try Self.value(of: "completions", in: "shards-job.yaml")
        let shards = try #require(Int(completions))
        #expect(try Self.value(of: "value", in: "shards-job.yaml") == "\"\(shards)\"", "SHARDS must equal completions")
        let train = try Self.command(in: "shards-job.yaml")
        let merge = try Self.command(in: "merge-job.yaml")
        #expect(train.contains("--shard \"$JOB_COMPLETION_INDEX/$SHARDS\""))

        let root = try TestPaths.makeTemporaryFolder("vanish-kubernetes")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("spec"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: TestPaths.packageRoot.appendingPathComponent("Reports/quick.json"),
                                         to: root.appendingPathComponent("spec/spec.json"))
        // The pods' mounts, /spec and /work, are folders of the test.
        func local(_ command: String) -> String {
            command.replacingOccurrences(of: " /spec/", with: " \(root.path)/spec/").replacingOccurrences(of: "/work/", with: "\(root.path)/work/")
        }
        let binaries = try VanishExecutable.url().deletingLastPathComponent().path
        let path = binaries + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        for index in 0..<shards {
            let pod = try Self.shell(local(train), environment: ["JOB_COMPLETION_INDEX": "\(index)", "SHARDS": "\(shards)", "PATH": path])
            #expect(pod.status == 0, "index \(index): \(pod.output)")
        }
        let pod = try Self.shell(local(merge), environment: ["PATH": path])
        #expect(pod.status == 0, "merge: \(pod.output)")

        let one = root.appendingPathComponent("one")
        _ = try RunReport.run(RunRequest(specOrPreset: root.appendingPathComponent("spec/spec.json").path, outputFolder: one.path))
        let expected = try ShardMergeTests.files(of: one)
        #expect(expected.count == 26)
        #expect(try ShardMergeTests.files(of: root.appendingPathComponent("work/report")) == expected)
    }
}
