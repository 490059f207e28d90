import Foundation
import SwiftProtobuf
@testable import TensorBoardImport

/// Writes TFRecord-framed events, for tests that need logs PyTorch's writer does not make
/// (tensor_content scalars, session restarts, a 10 M-event log).
struct EventFileWriter {
    private(set) var bytes = Data()

    init() {
        var version = Tensorboard_Event()
        version.fileVersion = "brain.Event:2"
        append(version)
    }

    /// The TFRecord frame around `data`: length, masked CRC of the length, data, masked CRC of the data.
    static func frame(_ data: Data) -> Data {
        var length = UInt64(data.count).littleEndian
        let lengthBytes = withUnsafeBytes(of: &length) { Data($0) }
        var out = lengthBytes
        appendCRC(of: lengthBytes, to: &out)
        out.append(data)
        appendCRC(of: data, to: &out)
        return out
    }

    private static func appendCRC(of data: Data, to out: inout Data) {
        var crc = data.withUnsafeBytes { CRC32C.masked(CRC32C.checksum($0)) }.littleEndian
        withUnsafeBytes(of: &crc) { out.append(contentsOf: $0) }
    }

    mutating func append(_ event: Tensorboard_Event) {
        // Serialising a message this simple cannot fail.
        let data = (try? event.serializedBytes() as Data) ?? Data()
        bytes.append(Self.frame(data))
    }

    /// One event holding the scalar `value` (`simple_value`) under `tag`.
    mutating func scalar(_ tag: String, _ value: Float, step: Int64) {
        var summaryValue = Tensorboard_Summary.Value()
        summaryValue.tag = tag
        summaryValue.simpleValue = value
        append(Self.event(step: step, values: [summaryValue]))
    }

    /// One event holding `value` as a rank-0 float tensor packed in `tensor_content`, as TensorFlow 2 writes it.
    mutating func tensorContentScalar(_ tag: String, _ value: Float, step: Int64) {
        var tensor = Tensorboard_TensorProto()
        tensor.dtype = .dtFloat
        var bits = value.bitPattern.littleEndian
        tensor.tensorContent = withUnsafeBytes(of: &bits) { Data($0) }
        var summaryValue = Tensorboard_Summary.Value()
        summaryValue.tag = tag
        summaryValue.tensor = tensor
        append(Self.event(step: step, values: [summaryValue]))
    }

    mutating func sessionStart(step: Int64) {
        var event = Tensorboard_Event()
        event.step = step
        var log = Tensorboard_SessionLog()
        log.status = .start
        event.sessionLog = log
        append(event)
    }

    static func event(step: Int64, values: [Tensorboard_Summary.Value]) -> Tensorboard_Event {
        var event = Tensorboard_Event()
        event.step = step
        event.wallTime = 1_700_000_000 + Double(step)
        var summary = Tensorboard_Summary()
        summary.value = values
        event.summary = summary
        return event
    }

    /// The bytes so far, handed over and forgotten (to write a large log in pieces).
    mutating func take() -> Data {
        defer { bytes = Data() }
        return bytes
    }

    func write(to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try bytes.write(to: url)
    }
}
