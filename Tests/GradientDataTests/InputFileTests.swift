import Foundation
import Testing
import GradientData

@Suite struct InputFileTests {
    @Test func validTextHasNoInvalidLine() {
        #expect(InputFile.firstInvalidUTF8Line(Data()) == nil)
        #expect(InputFile.firstInvalidUTF8Line(Data("{\"a\": 1}\n".utf8)) == nil)
        #expect(InputFile.firstInvalidUTF8Line(Data("layer · 10 % · 10⁻³ · 𝜎\n".utf8)) == nil)
    }

    @Test func namesTheLineOfTheFirstBadByte() {
        func line(_ prefix: String, _ bad: [UInt8], _ suffix: String = "\nok\n") -> Int? {
            InputFile.firstInvalidUTF8Line(Data(prefix.utf8) + Data(bad) + Data(suffix.utf8))
        }
        #expect(line("", [0xFF]) == 1)
        #expect(line("one\ntwo · 2\n", [0x80]) == 3)             // a continuation byte alone
        #expect(line("a\n", [0xC0, 0x80]) == 2)                   // an overlong encoding
        #expect(line("a\nb\n", [0xED, 0xA0, 0x80]) == 3)          // a UTF-16 surrogate
        #expect(line("a\n", [0xE2, 0x82], "") == 2)               // cut off at the end of the file
        #expect(line("a\n", [0xF4, 0x90, 0x80, 0x80]) == 2)       // beyond U+10FFFF
    }
}
