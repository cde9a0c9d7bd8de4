import Testing
import TouchstoneAttribution

@Suite struct AttributionSortingTests {
    static let paths = PathSet(paths: [
        (["email"], 5, 50, 2),
        (["push", "web"], 3, 30, 4),
        (["web"], 3, 30, 1),
        (["sms", "push"], 1, 10, 6),
        (["apps"], 1, 10, 0),
    ])

    @Test("every model's channel rows come sorted by credited conversions, largest first, ties by name")
    func sorted() throws {
        let results = try AttributionRequest(model: "all").run(Self.paths)
        #expect(results.count == 7)  // no time decay without timestamps, no custom without weights
        for result in results {
            let rows = result.channels
            for (a, b) in zip(rows, rows.dropFirst()) {
                #expect(a.conversions > b.conversions || (a.conversions == b.conversions && a.channel < b.channel), "\(result.model)")
            }
        }
        let last = try #require(results.first { $0.model == "last" })
        // web 3 + 3 = 6, email 5, push 1 and apps 1 tie (apps first by name), sms 0.
        #expect(last.channels.map(\.channel) == ["web", "email", "apps", "push", "sms"])
    }

    @Test("a comparison orders channels by the mean credit across models, ties by name")
    func comparisonOrder() {
        func result(_ model: String, _ credits: [(String, Double)]) -> AttributionResult {
            AttributionResult(model: model, totalConversions: 10, totalValue: 0, channels: credits.map {
                ChannelCredit(channel: $0.0, conversions: $0.1, value: 0, share: $0.1 / 10)
            })
        }
        let results = [result("first", [("a", 6), ("b", 4)]), result("last", [("c", 5), ("b", 3), ("a", 2)])]
        // a 8, b 7, c 5 in total.
        #expect(AttributionResult.channelOrder(results) == ["a", "b", "c"])
        #expect(AttributionResult.channelOrder([result("x", [("z", 1), ("y", 1)])]) == ["y", "z"])
    }
}
