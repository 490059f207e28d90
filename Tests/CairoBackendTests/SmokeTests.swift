import CairoBackend
import Foundation
import Graphics
import Testing

@Suite struct SmokeTests {
    @Test func writesSamplePNG() throws {
        let renderer = try CairoRenderer()
        let data = try renderer.png(SampleScenes.mixed(), dpi: 144)
        #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        if let out = ProcessInfo.processInfo.environment["VANISH_SAMPLE_OUT"] {
            try data.write(to: URL(fileURLWithPath: out + ".png"))
            try renderer.pdf(pages: [SampleScenes.mixed(), Scene(width: 200, height: 100)]).write(to: URL(fileURLWithPath: out + ".pdf"))
            try renderer.svg(SampleScenes.mixed()).write(to: URL(fileURLWithPath: out + ".svg"))
        }
    }
}
