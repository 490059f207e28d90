import CairoBackend
import Foundation
import Graphics
import Testing

/// A PDF of several pages renders as parts on several cores, joined into one valid file.
@Suite struct PDFJoinTests {
    let renderer: CairoRenderer
    init() throws { renderer = try CairoRenderer() }

    /// Every object the cross-reference table lists starts where the table says, and the
    /// trailer's /Size counts them all.
    static func checkCrossReferences(_ pdf: Data) throws {
        let bytes = [UInt8](pdf)
        let text = String(decoding: bytes, as: UTF8.self)
        let startxref = try #require(text.range(of: "startxref\n", options: .backwards))
        let xref = try #require(Int(text[startxref.upperBound...].prefix { $0.isNumber }))
        let table = String(decoding: bytes[xref...], as: UTF8.self)
        let lines = table.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "xref")
        let header = lines[1].split(separator: " ")
        let count = try #require(Int(header[1]))
        #expect(table.contains("/Size \(count)\n"))
        for number in 1..<count {
            let entry = lines[2 + number]
            #expect(entry.hasSuffix(" 00000 n "), "entry \(number): \(entry)")
            let offset = try #require(Int(entry.prefix(10)))
            let head = "\(number) 0 obj\n"
            #expect(String(decoding: bytes[offset..<min(bytes.count, offset + head.utf8.count)], as: UTF8.self) == head,
                    "object \(number) is not at \(offset)")
        }
    }

    @Test func aSinglePageIsOnePartAndSeveralAreTwo() throws {
        #expect(try renderer.pdfJob(pages: [SampleScenes.mixed()]).parts == [0..<1])
        let light = Scene(width: 100, height: 100)
        #expect(try renderer.pdfJob(pages: [light, light]).parts == [0..<1, 1..<2])
        let parts = try renderer.pdfJob(pages: [SampleScenes.mixed(), light, light, SampleScenes.mixed(), light]).parts
        #expect(parts.count == 2 && parts[0].lowerBound == 0 && parts[0].upperBound == parts[1].lowerBound && parts[1].upperBound == 5)
    }

    @Test func joinedPartsAreOneDocumentWithEveryPageInOrder() throws {
        let pages = [SampleScenes.mixed(), Scene(width: 200, height: 100), PerformanceTests.heatmapScene(), Scene(width: 595, height: 842)]
        let job = try renderer.pdfJob(pages: pages, metadata: PDFMetadata(title: "parts"))
        #expect(job.parts.count == 2)
        let pdf = try renderer.pdf(pages: pages, metadata: PDFMetadata(title: "parts"))
        try Self.checkCrossReferences(pdf)
        let text = String(decoding: pdf, as: UTF8.self)
        #expect(text.components(separatedBy: "/Type /Catalog").count == 2)
        #expect(text.components(separatedBy: "/Type /Pages").count == 2)
        #expect(text.contains("/Count 4\n"))
        #expect(text.contains("/Title (parts)"))
        // The pages' sizes appear in page order, and each page names its place.
        let boxes = text.components(separatedBy: "/MediaBox [ ").dropFirst().map { $0.prefix { $0 != "]" } }
        #expect(boxes.count == 4 && boxes[0] == "0 0 320 200 " && boxes[1] == "0 0 200 100 " && boxes[3] == "0 0 595 842 ")
        for page in 1...4 { #expect(text.contains("/Type /Page % \(page)\n")) }
    }
}
