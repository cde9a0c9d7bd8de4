import Testing
@testable import TouchstoneData

/// ``ExposureLogReader/isValidText(_:)`` checks eight bytes at a time; every position of a NUL
/// or a non-ASCII byte, inside a word or in the tail, must give the byte-by-byte answer.
@Suite struct ExposureTextCheckTests {
    private func check(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { ExposureLogReader.isValidText($0) }
    }

    @Test func nulAndUTF8AreFoundAtEveryPosition() {
        for length in 0..<20 {
            let plain = [UInt8](repeating: UInt8(ascii: "a"), count: length)
            #expect(check(plain))
            for position in 0..<length {
                var nul = plain
                nul[position] = 0
                #expect(!check(nul), "NUL at \(position) of \(length)")
                var lone = plain
                lone[position] = 0xC3  // a lead byte without its continuation: not UTF-8
                #expect(!check(lone), "lone lead byte at \(position) of \(length)")
                if position + 1 < length {
                    var accented = plain
                    accented[position] = 0xC3
                    accented[position + 1] = 0xA9  // é
                    #expect(check(accented), "é at \(position) of \(length)")
                }
            }
        }
        // 0x80 bytes next to small ones must not read as a zero byte (a borrow in the word test).
        #expect(check(Array("\u{80}\u{1}\u{100}\u{7F}xyz\u{80}".utf8)))
    }
}
