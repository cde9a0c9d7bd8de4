import Testing
import TouchstoneData

/// Huge-page advice changes where a table lives, never what it holds.
@Suite("Huge-page tables")
struct HugePagesTests {
    @Test("an advised array holds its value everywhere, at every size around the advice's threshold")
    func filled() {
        for count in [0, 1, 1_000, (8 << 20) / 8 - 1, (8 << 20) / 8 + 1, 3_000_000] {
            let table = HugePages.array(repeating: Int64(-7), count: count, always: true)
            #expect(table.count == count)
            #expect(table.allSatisfy { $0 == -7 })
        }
    }

    @Test("a unit index finds what it was given, prefetching or not")
    func index() {
        var index = UnitIndex(expectedCount: 2_000_000)
        var slots: [Int] = []
        for unit in 0..<200_000 {
            let id = Array("u\(unit * 7919)".utf8)
            let hash = id.withUnsafeBufferPointer(UnitIndex.hash)
            index.prefetch(hash: hash)
            slots.append(id.withUnsafeBufferPointer { index.insert($0, hash: hash, time: Int64(unit)).slot })
        }
        #expect(index.count == 200_000)
        for unit in stride(from: 0, to: 200_000, by: 997) {
            let id = Array("u\(unit * 7919)".utf8)
            let found = id.withUnsafeBufferPointer { index.find($0, hash: UnitIndex.hash($0)) }
            #expect(found == slots[unit])
            #expect(found.map { index.firstTime(at: $0) } == Int64(unit))
        }
    }
}
